"""The ``ropa`` command line as an operator uses it."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

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
    assert "loaded 5 notices" in result.output
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


def test_import_creates_a_new_version(database: str, tmp_path: Path) -> None:
    assert runner.invoke(cli, ["seed", "load"]).exit_code == 0
    seed_file = str(PROJECT_ROOT / "seed" / "camden-family-support.yaml")
    refused = runner.invoke(cli, ["import", seed_file])
    assert refused.exit_code == 1, "an import is checked as publishing is"
    assert "citation.nonexistent" in refused.output and "override_reason" in refused.output
    result = runner.invoke(
        cli, ["import", seed_file, "--override-reason", "The council's notice, as published"]
    )
    assert result.exit_code == 0, result.output
    assert "camden-family-support version 2" in result.output


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
    assert get_settings().public_base_url == "http://127.0.0.1:8123"

    monkeypatch.setenv("ROPA_PUBLIC_BASE_URL", "https://ropa.council.example/")
    get_settings.cache_clear()
    result = runner.invoke(cli, ["serve", "--port", "8124", "--no-seed"])
    assert result.exit_code == 0, result.output
    assert get_settings().public_base_url == "https://ropa.council.example"
