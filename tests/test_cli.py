"""The ``ropa`` command line as an operator uses it."""

from __future__ import annotations

import json
import re
import shutil
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
import yaml
from typer.testing import CliRunner

from app.cli import cli
from app.config import PROJECT_ROOT, get_settings
from app.register.document import NoticeDocument

runner = CliRunner()


@pytest.fixture
def database(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    url = f"sqlite:///{tmp_path / 'cli.db'}"
    monkeypatch.setenv("ROPA_DATABASE_URL", url)
    get_settings.cache_clear()
    yield url
    get_settings.cache_clear()


def test_keys_are_created_bound_expiring_listed_rotated_and_revoked(database: str) -> None:
    assert runner.invoke(cli, ["seed", "load"]).exit_code == 0
    unbound = runner.invoke(cli, ["keys", "create", "--name", "ig", "--scope", "editor"])
    assert unbound.exit_code == 1 and "--controller" in unbound.output
    unknown = runner.invoke(
        cli, ["keys", "create", "--name", "ig", "--scope", "editor", "--controller", "nowhere"]
    )
    assert unknown.exit_code == 1 and "nowhere" in unknown.output
    bad_expiry = runner.invoke(
        cli,
        [
            "keys",
            "create",
            "--name",
            "ig",
            "--scope",
            "editor",
            "--controller",
            "camden",
            "--expires",
            "next tuesday",
        ],
    )
    assert bad_expiry.exit_code == 1 and "ISO 8601" in bad_expiry.output
    made = runner.invoke(
        cli,
        [
            "keys",
            "create",
            "--name",
            "ig",
            "--scope",
            "editor",
            "--controller",
            "camden",
            "--controller",
            "southwark",
            "--expires",
            "90d",
        ],
    )
    assert made.exit_code == 0, made.output
    key = made.output.strip()
    assert re.fullmatch(r"ropa_[0-9a-f]{8}_\S+", key)
    dated = runner.invoke(
        cli, ["keys", "create", "--name", "root", "--scope", "admin", "--expires", "2099-03-01"]
    )
    assert dated.exit_code == 0, dated.output
    listed = runner.invoke(cli, ["keys", "list"]).output
    assert "ig\teditor\tcamden,southwark\t" in listed
    assert "root\tadmin\tall\t" in listed and "active until 2099-03-01 00:00" in listed
    assert "ropa_" not in listed
    rotated = runner.invoke(cli, ["keys", "rotate", "ig", "--overlap", "PT1H"])
    assert rotated.exit_code == 0, rotated.output
    assert rotated.output.strip() != key and rotated.output.startswith("ropa_")
    too_long = runner.invoke(cli, ["keys", "rotate", "ig", "--overlap", "P2D"])
    assert too_long.exit_code == 1 and "overlap" in too_long.output
    rebound = runner.invoke(cli, ["keys", "bind", "ig", "--controller", "shropshire"])
    assert rebound.exit_code == 0 and "shropshire" in rebound.output
    assert "ig\teditor\tshropshire\t" in runner.invoke(cli, ["keys", "list"]).output
    assert runner.invoke(cli, ["keys", "revoke", "ig"]).exit_code == 0
    assert "revoked" in runner.invoke(cli, ["keys", "list"]).output
    again = runner.invoke(cli, ["keys", "rotate", "ig"])
    assert again.exit_code == 1 and "revoked" in again.output


def test_seed_load_then_export_round_trips(database: str, tmp_path: Path) -> None:
    result = runner.invoke(cli, ["seed", "load"])
    assert result.exit_code == 0, result.output
    assert "loaded 5 notices: 5 published, 0 unchanged" in result.output
    again = runner.invoke(cli, ["seed", "load"])
    assert again.exit_code == 1
    assert "already has services" in again.output

    out = tmp_path / "export.yaml"
    result = runner.invoke(cli, ["export", "southwark-early-help", "--output", str(out)])
    assert result.exit_code == 0, result.output
    exported = NoticeDocument.model_validate(yaml.safe_load(out.read_text()))
    source = NoticeDocument.model_validate(
        yaml.safe_load((PROJECT_ROOT / "seed" / "southwark-early-help.yaml").read_text())
    )
    assert exported.notice.version == 1
    assert (
        exported.model_copy(
            update={"notice": exported.notice.model_copy(update={"version": None, "status": None})}
        )
        == source
    )

    as_json = runner.invoke(cli, ["export", "southwark-early-help", "--format", "json"])
    assert as_json.exit_code == 0
    assert NoticeDocument.model_validate_json(as_json.stdout) == exported


def _variant(tmp_path: Path, name: str, effective_from: str, cookies: str) -> str:
    data = yaml.safe_load((PROJECT_ROOT / "seed" / "camden-family-support.yaml").read_text())
    data["notice"]["effective_from"] = effective_from
    data["notice"]["cookies"] = cookies
    path = tmp_path / name
    path.write_text(yaml.safe_dump(data, allow_unicode=True))
    return str(path)


def _json(args: list[str]) -> dict[str, Any]:
    result = runner.invoke(cli, ["export", "camden-family-support", "--format", "json", *args])
    assert result.exit_code == 0, result.output
    data: dict[str, Any] = json.loads(result.stdout)
    return data


def test_import_runs_the_controls_of_publishing(database: str, tmp_path: Path) -> None:
    assert runner.invoke(cli, ["seed", "load"]).exit_code == 0
    changed = _variant(tmp_path, "changed.yaml", "2026-11-25", "We use no cookies.")
    no_summary = runner.invoke(cli, ["import", changed])
    assert no_summary.exit_code == 2
    assert "give --summary" in no_summary.output
    refused = runner.invoke(cli, ["import", changed, "--summary", "Cookies"])
    assert refused.exit_code == 1, "an import is checked as publishing is"
    assert "citation.nonexistent" in refused.output and "--override-reason" in refused.output
    result = runner.invoke(
        cli,
        ["import", changed, "--summary", "Cookies", "--override-reason", "As published"],
    )
    assert result.exit_code == 0, result.output
    assert "published camden-family-support version 2 (in effect from 2026-11-25)" in (
        result.output
    )
    assert _json([])["notice"]["change_summary"] == "Cookies"


def test_importing_the_document_in_effect_again_changes_nothing(
    database: str, tmp_path: Path
) -> None:
    assert runner.invoke(cli, ["seed", "load"]).exit_code == 0
    seed_file = str(PROJECT_ROOT / "seed" / "camden-family-support.yaml")
    same = runner.invoke(
        cli, ["import", seed_file, "--summary", "again", "--override-reason", "as published"]
    )
    assert same.exit_code == 0, same.output
    assert "unchanged: camden-family-support is identical to version 1" in same.output
    assert _json([])["notice"]["version"] == 1
    assert runner.invoke(cli, ["export", "camden-family-support", "--version", "2"]).exit_code == 1

    again = runner.invoke(cli, ["seed", "load", "--force"])
    assert again.exit_code == 0, again.output
    assert "loaded 5 notices: 0 published, 5 unchanged" in again.output
    assert _json([])["notice"]["version"] == 1


def test_history_is_append_only_unless_an_import_is_historical(
    database: str, tmp_path: Path
) -> None:
    assert runner.invoke(cli, ["seed", "load"]).exit_code == 0  # version 1 from 2026-11-21
    controls = ["--summary", "test", "--override-reason", "as published"]
    newer = _variant(tmp_path, "newer.yaml", "2026-11-28", "Version 2.")
    assert runner.invoke(cli, ["import", newer, *controls]).exit_code == 0
    older = _variant(tmp_path, "older.yaml", "2026-11-01", "An older notice.")
    refused = runner.invoke(cli, ["import", older, *controls])
    assert refused.exit_code == 1
    assert "before 2026-11-28" in refused.output and "--historical" in refused.output
    assert _json([])["notice"]["version"] == 2

    between = _variant(tmp_path, "between.yaml", "2026-11-24", "Between.")
    result = runner.invoke(cli, ["import", between, "--historical", *controls])
    assert result.exit_code == 0, result.output
    assert "version 3 (in effect from 2026-11-24)" in result.output
    # slotted in date order; nothing changes on or after the next version's effective_from
    assert _json([])["notice"]["version"] == 2
    assert _json(["--version", "3"])["notice"]["cookies"] == "Between."
    taken = _variant(tmp_path, "taken.yaml", "2026-11-21", "Same day as version 1.")
    clash = runner.invoke(cli, ["import", taken, "--historical", *controls])
    assert clash.exit_code == 1 and "already takes effect on 2026-11-21" in clash.output
    not_older = _variant(tmp_path, "late.yaml", "2026-11-29", "Late.")
    wrong = runner.invoke(cli, ["import", not_older, "--historical", *controls])
    assert wrong.exit_code == 1 and "without --historical" in wrong.output


def test_bad_files_name_the_file_the_place_and_the_expectation(
    database: str, tmp_path: Path
) -> None:
    assert runner.invoke(cli, ["db", "upgrade"]).exit_code == 0
    syntax = tmp_path / "syntax.yaml"
    syntax.write_text("service:\n  id: [unclosed\n")
    result = runner.invoke(cli, ["import", str(syntax)])
    assert result.exit_code == 1
    assert f"{syntax}:3:1: /: not valid YAML" in result.output

    data = yaml.safe_load((PROJECT_ROOT / "seed" / "camden-early-help.yaml").read_text())
    data["activities"][0]["retention"] = [
        {"trigger": "case_closure", "duration": "six years", "text": "x"}
    ]
    data["controllers"][0]["gss_code"] = "X1"
    bad = tmp_path / "bad.yaml"
    bad.write_text(yaml.safe_dump(data))
    result = runner.invoke(cli, ["import", str(bad)])
    assert result.exit_code == 1
    assert re.search(
        rf"{re.escape(str(bad))}:\d+:\d+: /activities/0/retention/0/duration:", result.output
    )
    assert "ISO 8601" in result.output
    assert re.search(rf"{re.escape(str(bad))}:\d+:\d+: /controllers/0/gss_code:", result.output)

    missing = runner.invoke(cli, ["import", str(tmp_path / "nope.yaml")])
    assert missing.exit_code == 1


def test_import_with_unknown_vocabulary_is_refused(database: str, tmp_path: Path) -> None:
    assert runner.invoke(cli, ["seed", "load"]).exit_code == 0
    data = yaml.safe_load((PROJECT_ROOT / "seed" / "camden-early-help.yaml").read_text())
    data["activities"][0]["lawful_bases"].append({"basis": "art6-1-z"})
    bad = tmp_path / "unknown.yaml"
    bad.write_text(yaml.safe_dump(data))
    result = runner.invoke(cli, ["import", str(bad)])
    assert result.exit_code == 1
    assert "unknown lawful basis 'art6-1-z'" in result.output
    versions = runner.invoke(cli, ["export", "camden-early-help", "--format", "json"])
    assert NoticeDocument.model_validate_json(versions.stdout).notice.version == 1


def test_export_of_an_unknown_service_fails_cleanly(database: str) -> None:
    assert runner.invoke(cli, ["db", "upgrade"]).exit_code == 0
    result = runner.invoke(cli, ["export", "nowhere"])
    assert result.exit_code == 1
    assert "No service 'nowhere'" in result.output


def test_check_fix_writes_the_patched_document(tmp_path: Path) -> None:
    source = PROJECT_ROOT / "seed" / "camden-family-support.yaml"
    target = tmp_path / "camden-family-support.yaml"
    target.write_text(source.read_text(encoding="utf-8"), encoding="utf-8")
    before = runner.invoke(cli, ["check", str(target)])
    assert "citation.misnamed" in before.output

    fixed = runner.invoke(cli, ["check", str(target), "--fix"])
    assert re.search(r"\d+ fixes written to", fixed.output), fixed.output
    document = NoticeDocument.model_validate(yaml.safe_load(target.read_text(encoding="utf-8")))
    cited = [s.cited_as for a in document.activities for s in a.statutes]
    assert not any("Children's Act" in c for c in cited), cited
    assert any(c.startswith("Children Act 1989") for c in cited), cited

    after = runner.invoke(cli, ["check", str(target)])
    assert "citation.misnamed" not in after.output
    # what has no mechanical fix is still reported
    assert "citation.nonexistent" in after.output
    # the seed file itself is untouched
    assert "Children's Act 1989" in source.read_text(encoding="utf-8")


def test_serve_defaults_the_public_base_url_to_the_bind_address(
    database: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    import uvicorn

    served: list[dict[str, object]] = []
    monkeypatch.setattr(uvicorn, "run", lambda app, **kwargs: served.append(kwargs))
    # (set, then unset: monkeypatch then restores the environment as it was, whatever serve sets)
    monkeypatch.setenv("ROPA_PUBLIC_BASE_URL", "http://placeholder")
    monkeypatch.delenv("ROPA_PUBLIC_BASE_URL")
    get_settings.cache_clear()
    result = runner.invoke(cli, ["serve", "--port", "8123", "--no-seed"])
    assert result.exit_code == 0, result.output
    assert served[0]["port"] == 8123
    # the server limits come from the settings (app/server.py)
    assert served[0]["timeout_keep_alive"] == 5 and served[0]["limit_concurrency"] == 1024
    assert served[0]["http"].keywords == {"header_timeout": 10.0, "body_timeout": 30.0}  # type: ignore[attr-defined]
    assert get_settings().public_base_url == "http://127.0.0.1:8123"

    monkeypatch.setenv("ROPA_PUBLIC_BASE_URL", "https://ropa.council.example/")
    get_settings.cache_clear()
    result = runner.invoke(cli, ["serve", "--port", "8124", "--no-seed"])
    assert result.exit_code == 0, result.output
    assert get_settings().public_base_url == "https://ropa.council.example"


def test_terms_add_rename_retire_and_list(database: str) -> None:
    assert runner.invoke(cli, ["seed", "load"]).exit_code == 0
    added = runner.invoke(
        cli,
        [
            *("terms", "add", "parties", "camden:family-hub", "--name", "Family Hub"),
            *("--parent", "council-services", "--kind", "category"),
        ],
    )
    assert added.exit_code == 0, added.output
    shared = runner.invoke(
        cli, ["terms", "add", "data-subjects", "kinship-carer", "--name", "Kinship carer"]
    )
    assert shared.exit_code == 0, shared.output
    renamed = runner.invoke(
        cli, ["terms", "rename", "parties", "camden:family-hub", "Camden Family Hub"]
    )
    assert renamed.exit_code == 0, renamed.output
    retired = runner.invoke(
        cli,
        [
            *("terms", "retire", "parties", "camden:family-hub", "--on", "2026-04-01"),
            *("--replaced-by", "childrens-centres"),
        ],
    )
    assert retired.exit_code == 0, retired.output

    own = runner.invoke(cli, ["terms", "list", "parties", "--controller", "camden"])
    assert own.exit_code == 0
    assert own.stdout.splitlines() == [
        "camden:family-hub\tCamden Family Hub\tcamden\t"
        f"{date.today().isoformat()}\tretired 2026-04-01\treplaced by childrens-centres"
    ]
    current = runner.invoke(cli, ["terms", "list", "parties", "--current"])
    assert "camden:family-hub" not in current.stdout and "police\tPolice" in current.stdout
    subjects = runner.invoke(cli, ["terms", "list", "data-subjects", "--shared"])
    assert "kinship-carer\tKinship carer\tshared" in subjects.stdout

    unknown = runner.invoke(
        cli, ["terms", "retire", "parties", "camden:family-hub", "--replaced-by", "polise"]
    )
    assert unknown.exit_code == 1
    assert "unknown" in unknown.output.lower() and "police" in unknown.output
    taken = runner.invoke(cli, ["terms", "add", "parties", "police", "--name", "Police"])
    assert taken.exit_code == 1 and "already exists" in taken.output
    statute = runner.invoke(cli, ["terms", "add", "statutes", "camden:scheme", "--name", "S"])
    assert statute.exit_code == 2 and "kind" in statute.output
    wrong = runner.invoke(cli, ["terms", "list", "lawful-bases"])
    assert wrong.exit_code == 2 and "data-categories" in wrong.output


def test_terms_load_adds_the_shipped_terms_a_register_lacks(database: str, tmp_path: Path) -> None:
    assert runner.invoke(cli, ["seed", "load"]).exit_code == 0
    assert runner.invoke(cli, ["terms", "rename", "data-subjects", "carer", "Carer"]).exit_code == 0
    release = tmp_path / "seed"
    shutil.copytree(PROJECT_ROOT / "seed" / "vocab", release / "vocab")
    parties = release / "vocab" / "parties.yaml"
    parties.write_text(
        parties.read_text()
        + "- slug: regional-adoption-agencies\n  name: Regional adoption agencies\n"
        + "  kind: category\n  parent: adoption-agencies\n"
    )
    loaded = runner.invoke(cli, ["terms", "load", "--seed-dir", str(release)])
    assert loaded.exit_code == 0, loaded.output
    assert "parties: added 1: regional-adoption-agencies" in loaded.stdout
    assert "added 1 shipped terms" in loaded.stdout
    subjects = runner.invoke(cli, ["terms", "list", "data-subjects", "--shared"]).stdout
    assert "carer\tCarer\tshared" in subjects, "a term the register has is left as it is"
    again = runner.invoke(cli, ["terms", "load", "--seed-dir", str(release)])
    assert again.exit_code == 0 and "added 0 shipped terms" in again.stdout


def test_deeply_nested_files_are_refused_with_the_file_and_line(
    database: str, tmp_path: Path
) -> None:
    assert runner.invoke(cli, ["db", "upgrade"]).exit_code == 0
    for name, text, line in (
        ("flow.yaml", "notice:\n  x: " + "[" * 3000 + "]" * 3000 + "\n", 2),
        ("block.yaml", "notice:\n" + "".join("  " * i + "- \n" for i in range(1, 40)), None),
        ("deep.json", '{"notice":\n {"x": ' + "[" * 3000 + "]" * 3000 + "}}\n", 2),
    ):
        path = tmp_path / name
        path.write_text(text)
        result = runner.invoke(cli, ["import", str(path), "--change-summary", "x"])
        assert result.exit_code == 1, result.output
        assert "nested more than 32 levels deep" in result.output
        assert "Traceback" not in result.output
        if line is not None:
            assert f"{path}:{line}:" in result.output


def test_keys_are_bound_only_to_known_controllers(database: str) -> None:
    assert runner.invoke(cli, ["seed", "load"]).exit_code == 0
    unknown = runner.invoke(
        cli, ["keys", "create", "--name", "ed", "--scope", "editor", "--controller", "camdn"]
    )
    assert unknown.exit_code != 0 and "camdn" in unknown.output
    made = runner.invoke(
        cli, ["keys", "create", "--name", "ed", "--scope", "editor", "--controller", "camden"]
    )
    assert made.exit_code == 0, made.output
    rebind = runner.invoke(cli, ["keys", "bind", "ed", "--controller", "nowhere"])
    assert rebind.exit_code != 0 and "nowhere" in rebind.output
