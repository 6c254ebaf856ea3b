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
