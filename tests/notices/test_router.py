"""The render and checks endpoints and commands, on the seeded register."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from app.cli import cli
from app.config import PROJECT_ROOT, get_settings
from app.notices.render import Format, render_notice
from app.register.document import NoticeDocument
from app.register.seeds import SeedSet

GOLDEN = PROJECT_ROOT / "tests" / "notices" / "golden"
RENDER = "/v1/services/{}/notice/render"
PROBLEM = "application/problem+json"


@pytest.mark.parametrize("fmt", ["html", "markdown", "text"])
def test_render_serves_the_renderer_output_of_the_stored_notice(
    client: TestClient, seed: SeedSet, fmt: Format
) -> None:
    for service_id in ("camden-early-help", "cambridgeshire-peterborough-early-help"):
        response = client.get(RENDER.format(service_id), params={"format": fmt})
        assert response.status_code == 200
        stored = NoticeDocument.model_validate(
            client.get(f"/v1/services/{service_id}/notice").json()
        )
        assert response.text == render_notice(stored, seed.vocabulary, fmt=fmt)
        # the register's facts about the version are not the council's words
        assert "version 1" not in response.text
        assert response.headers["cache-control"].startswith("public")


def test_render_is_cached_with_a_strong_etag(client: TestClient) -> None:
    first = client.get(RENDER.format("southwark-early-help"))
    assert first.headers["content-type"] == "text/html; charset=utf-8"
    assert first.headers["x-content-type-options"] == "nosniff"
    assert "default-src 'none'" in first.headers["content-security-policy"]
    etag = first.headers["etag"]
    second = client.get(RENDER.format("southwark-early-help"))
    assert second.headers["etag"] == etag and second.content == first.content
    not_modified = client.get(
        RENDER.format("southwark-early-help"), headers={"If-None-Match": etag}
    )
    assert not_modified.status_code == 304 and not_modified.content == b""
    text = client.get(RENDER.format("southwark-early-help"), params={"format": "text"})
    assert text.headers["etag"] != etag, "each representation has its own ETag"


def test_render_full_page_and_selectors(client: TestClient) -> None:
    page = client.get(RENDER.format("camden-early-help"), params={"page": "full"})
    assert page.text.lstrip().lower().startswith("<!doctype html>")
    assert "<title>" in page.text
    by_version = client.get(RENDER.format("camden-early-help"), params={"version": 1})
    assert by_version.text == client.get(RENDER.format("camden-early-help")).text
    early = client.get(RENDER.format("camden-early-help"), params={"at": "2020-01-01"})
    assert early.status_code == 404 and early.headers["content-type"] == PROBLEM


def test_render_negotiation(client: TestClient) -> None:
    plain = client.get(RENDER.format("camden-early-help"), headers={"Accept": "text/plain"})
    assert plain.headers["content-type"] == "text/plain; charset=utf-8"
    markdown = client.get(RENDER.format("camden-early-help"), headers={"Accept": "text/markdown"})
    assert markdown.headers["content-type"] == "text/markdown; charset=utf-8"
    clash = client.get(
        RENDER.format("camden-early-help"),
        params={"format": "markdown"},
        headers={"Accept": "text/html"},
    )
    assert clash.status_code == 406
    assert clash.headers["content-type"] == PROBLEM
    assert clash.json()["type"] == "urn:ropa:problem:not-acceptable"
    nothing = client.get(RENDER.format("camden-early-help"), headers={"Accept": "application/pdf"})
    assert nothing.status_code == 406
    unknown = client.get(RENDER.format("camden-early-help"), params={"format": "pdf"})
    assert unknown.status_code == 422
    assert unknown.json()["errors"][0]["pointer"] == "format"


def test_drafts_render_only_with_a_key(
    fresh_client: TestClient, keys: dict[str, dict[str, str]]
) -> None:
    drafts = "/v1/services/camden-family-support/notice/drafts"
    created = fresh_client.post(drafts, headers=keys["editor"])
    fresh_client.patch(
        f"{drafts}/2",
        json={"notice": {"title": "Draft title for review"}},
        headers={
            **keys["editor"],
            "If-Match": created.headers["etag"],
            "Content-Type": "application/merge-patch+json",
        },
    )
    url = RENDER.format("camden-family-support")
    assert fresh_client.get(url, params={"version": 2}).status_code == 404
    draft = fresh_client.get(url, params={"version": 2, "format": "text"}, headers=keys["auditor"])
    assert draft.status_code == 200
    assert "Draft title for review" in draft.text
    assert draft.headers["cache-control"] == "private, no-store"
    checked = fresh_client.get(
        "/v1/services/camden-family-support/notice/checks",
        params={"version": 2},
        headers=keys["editor"],
    ).json()
    assert checked["status"] == "draft" and checked["version"] == 2


def test_checks_find_the_seed_defects(client: TestClient) -> None:
    report = client.get("/v1/services/camden-family-support/notice/checks").json()
    assert report["version"] == 1
    assert report["errors"] == sum(f["severity"] == "error" for f in report["findings"])
    unknown = [f for f in report["findings"] if f["rule"] == "citation.nonexistent"]
    assert len(unknown) == 1
    assert "Equality Act 2005" in unknown[0]["message"]
    document = client.get("/v1/services/camden-family-support/notice").json()
    pointer = unknown[0]["pointer"].lstrip("/").split("/")
    node = document
    for part in pointer:
        node = node[int(part)] if isinstance(node, list) else node[part]
    assert "Equality Act 2005" in json.dumps(node), "the pointer points at the citation"
    southwark = client.get("/v1/services/southwark-early-help/notice/checks").json()
    phones = [f for f in southwark["findings"] if f["rule"] == "contact.phone"]
    assert phones and all(f["severity"] == "error" for f in phones)
    assert any(f["pointer"] == "/controllers/0/dpo/phone" for f in phones)


def test_checks_depend_on_the_date(client: TestClient) -> None:
    def ended(at: str | None) -> list[dict[str, str]]:
        params = {"at": at} if at else {}
        report = client.get("/v1/services/camden-early-help/notice/checks", params=params).json()
        return [f for f in report["findings"] if f["rule"] == "staleness.arrangement-ended"]

    assert ended(None), "the National Insights sharing ended in March 2025"
    assert not ended("2025-01-01"), "before March 2025 it had not"


runner = CliRunner()


@pytest.fixture
def seeded(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ROPA_DATABASE_URL", f"sqlite:///{tmp_path / 'cli.db'}")
    get_settings.cache_clear()
    assert runner.invoke(cli, ["seed", "load"]).exit_code == 0


def test_cli_render_and_check(seeded: None, tmp_path: Path) -> None:
    rendered = runner.invoke(
        cli, ["render", "shropshire-strengthening-families", "--format", "markdown"]
    )
    assert rendered.exit_code == 0
    golden = (GOLDEN / "shropshire-strengthening-families.md").read_text(encoding="utf-8")
    # the golden is rendered from the seed file: the stored notice renders the same
    assert rendered.stdout == golden
    table = runner.invoke(cli, ["check", "camden-family-support"])
    assert table.exit_code == 1, "error findings give a non-zero exit"
    assert "citation.nonexistent" in table.stdout
    as_json = runner.invoke(cli, ["check", "camden-family-support", "--format", "json"])
    rules = {f["rule"] for f in json.loads(as_json.stdout)}
    assert {"citation.nonexistent", "citation.misnamed"} <= rules
    from_file = runner.invoke(
        cli, ["check", str(PROJECT_ROOT / "seed" / "southwark-early-help.yaml")]
    )
    assert from_file.exit_code == 1 and "contact.phone" in from_file.stdout


def test_cli_check_passes_a_clean_notice(seeded: None, tmp_path: Path) -> None:
    clean = {
        "controllers": [
            {
                "id": "testshire",
                "name": "Testshire Council",
                "address": "Shire Hall, Testtown",
                "dpo": {"email": "dpo@testshire.gov.uk", "phone": "020 7946 0124"},
            }
        ],
        "service": {"id": "testshire-help", "name": "Help", "controllers": ["testshire"]},
        "notice": {
            "title": "Help privacy notice",
            "last_updated": "2026-06-01",
            "rights": [
                {"right": r}
                for r in (
                    "access",
                    "rectification",
                    "erasure",
                    "restriction",
                    "objection",
                    "portability",
                )
            ],
            "complaint": {
                "text": "You can complain to the Information Commissioner's Office.",
                "ico_contact": {"phone": "0303 123 1113"},
            },
            "provision_requirement": "If you do not provide it we cannot help you.",
        },
        "activities": [
            {
                "id": "support",
                "name": "Family support",
                "purposes": ["Provide family support"],
                "data_subjects": [{"subject": "child"}],
                "data_categories": [{"category": "personal.identity.name"}],
                "sources": [{"party": "data-subject"}, {"party": "police"}],
                "recipients": [{"party": "police"}],
                "lawful_bases": [{"basis": "art6-1-e"}],
                "statutes": [
                    {"cited_as": "Children Act 1989 section 17", "statute": "children-act-1989"}
                ],
                "retention": [
                    {
                        "trigger": "case_closure",
                        "duration": "P6Y",
                        "text": "Six years after closure",
                    }
                ],
                "transfers": {"occurs": "no"},
                "automated_decision_making": {"used": False},
            }
        ],
    }
    path = tmp_path / "clean.yaml"
    path.write_text(yaml.safe_dump(clean))
    result = runner.invoke(cli, ["check", str(path), "--today", "2026-11-21"])
    assert result.exit_code == 0, result.stdout
    assert "0 errors" in result.stdout
    bad = tmp_path / "bad.yaml"
    bad.write_text("controllers: nope\n")
    assert runner.invoke(cli, ["check", str(bad)]).exit_code == 2
