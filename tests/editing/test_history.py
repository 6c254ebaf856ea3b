"""History that cannot be rewritten by accident, and that tells the truth, through HTTP."""

from __future__ import annotations

import json
from datetime import date, timedelta

from fastapi.testclient import TestClient
from helpers import changed_draft, import_doc, revised, session_for

from app.editing.router import MAX_REMOVED_BYTES, removed_header
from app.register.seeds import SeedSet

SERVICE = "camden-family-support"
NOTICE = f"/v1/services/{SERVICE}/notice"
DRAFTS = f"{NOTICE}/drafts"
CONTROLS = {"change_summary": "test", "override_reason": "the seed's own mistakes"}


def test_publishing_a_draft_identical_to_the_version_in_effect_changes_nothing(
    fresh_client: TestClient, keys: dict[str, dict[str, str]]
) -> None:
    created = fresh_client.post(DRAFTS, headers=keys["editor"])
    assert created.status_code == 201
    published = fresh_client.post(
        f"{DRAFTS}/2/publish",
        json=CONTROLS,
        headers={**keys["publisher"], "If-Match": created.headers["etag"]},
    )
    assert published.status_code == 200, published.text
    body = published.json()
    assert body["unchanged"] is True and body["version"] == 1
    assert body["status"] == "in_effect"
    assert body["detail"].startswith("unchanged: camden-family-support is identical to version 1")
    versions = fresh_client.get(f"{NOTICE}/versions").json()["items"]
    assert [v["version"] for v in versions] == [1], "no version was added"
    assert fresh_client.get(f"{DRAFTS}/2", headers=keys["editor"]).status_code == 200, (
        "the draft is left open"
    )
    events = fresh_client.get(
        "/v1/audit-events", params={"action": "notice.publish"}, headers=keys["auditor"]
    ).json()["items"]
    assert [e["outcome"] for e in events] == ["unchanged"]


def test_a_publication_before_the_latest_version_is_refused(
    fresh_client: TestClient, keys: dict[str, dict[str, str]]
) -> None:
    latest = fresh_client.get(NOTICE).json()["notice"]["effective_from"]
    patched = changed_draft(fresh_client, NOTICE, keys["editor"])
    refused = fresh_client.post(
        f"{DRAFTS}/2/publish",
        json={**CONTROLS, "effective_from": "2024-01-01"},
        headers={**keys["publisher"], "If-Match": patched.headers["etag"]},
    )
    assert refused.status_code == 422
    problem = refused.json()
    assert problem["type"] == "urn:ropa:problem:earlier-than-latest"
    assert latest in problem["detail"] and "append-only" in problem["detail"]
    assert problem["errors"][0]["pointer"] == "/effective_from"
    published = fresh_client.post(
        f"{DRAFTS}/2/publish",
        json=CONTROLS,
        headers={**keys["publisher"], "If-Match": patched.headers["etag"]},
    )
    assert published.status_code == 200, published.text
    assert published.json()["unchanged"] is False and published.json()["version"] == 2


def test_an_edit_says_what_it_removed(
    fresh_client: TestClient, keys: dict[str, dict[str, str]]
) -> None:
    created = fresh_client.post(DRAFTS, headers=keys["editor"])
    document = created.json()
    activity = document["activities"][0]
    recipients = activity["recipients"]
    assert len(recipients) > 2
    patched = fresh_client.patch(
        f"{DRAFTS}/2",
        json={"activities": [{**activity, "recipients": recipients[:1]}]},
        headers={
            **keys["editor"],
            "If-Match": created.headers["etag"],
            "Content-Type": "application/merge-patch+json",
        },
    )
    assert patched.status_code == 200, patched.text
    events = fresh_client.get(
        "/v1/audit-events", params={"action": "draft.patch"}, headers=keys["auditor"]
    ).json()["items"]
    removed = events[0]["detail"]["removed"]
    assert len(removed) == len(recipients) - 1, "a merge patch replacing an array says so"
    for line, recipient in zip(removed, recipients[1:], strict=True):
        assert line.startswith(
            f"removed recipient '{recipient['party']}' from activity '{activity['id']}'"
        )
    assert patched.headers["ropa-removed"] == removed_header(removed)
    listed = json.loads(patched.headers["ropa-removed"])
    assert listed[:-1] == removed[: len(listed) - 1]
    assert listed[-1] == removed[-1] or listed[-1].startswith("and ")

    nothing = fresh_client.patch(
        f"{DRAFTS}/2",
        json={"notice": {"cookies": "None."}},
        headers={
            **keys["editor"],
            "If-Match": patched.headers["etag"],
            "Content-Type": "application/merge-patch+json",
        },
    )
    assert nothing.status_code == 200 and json.loads(nothing.headers["ropa-removed"]) == []


def test_recorded_at_goes_with_a_date_not_a_version(fresh_client: TestClient) -> None:
    refused = fresh_client.get(NOTICE, params={"version": 1, "recorded_at": "2026-01-01"})
    assert refused.status_code == 422
    assert refused.json()["errors"][0]["pointer"] == "version"
    nothing_yet = fresh_client.get(NOTICE, params={"recorded_at": "2001-01-01"})
    assert nothing_yet.status_code == 404
    assert "On 2001-01-01 the register held no notice" in nothing_yet.json()["detail"]
    listed = fresh_client.get(f"{NOTICE}/versions", params={"recorded_at": "2001-01-01"})
    assert listed.status_code == 200 and listed.json()["items"] == []
    export = fresh_client.get(
        "/v1/ropa", params={"service": SERVICE, "recorded_at": "2001-01-01", "format": "json"}
    )
    assert export.json()["recorded_at"] == "2001-01-01" and export.json()["rows"] == []
    today = fresh_client.get("/v1/ropa", params={"service": SERVICE, "format": "json"}).json()
    assert today["rows"] and all(r["published_at"].endswith("Z") for r in today["rows"])
    versions = fresh_client.get(f"{NOTICE}/versions").json()["items"]
    assert today["rows"][0]["published_at"][:19] == versions[0]["published_at"][:19]


def test_version_statuses_say_what_happened(
    fresh_client: TestClient, fresh_db: str, seed: SeedSet
) -> None:
    original = next(d for d in seed.documents if d.service.id == "camden-early-help")
    soon = date.today() + timedelta(days=10)
    with session_for(fresh_db) as session:
        for n, when in enumerate((date(2025, 1, 1), soon, soon), start=1):
            document = revised(original, f"Revision {n}")
            notice = document.notice.model_copy(update={"effective_from": when})
            import_doc(session, document.model_copy(update={"notice": notice}))
    versions = fresh_client.get("/v1/services/camden-early-help/notice/versions").json()["items"]
    assert [(v["version"], v["status"]) for v in versions] == [
        (1, "superseded"),
        (2, "in_effect"),
        (3, "never_in_effect"),
        (4, "scheduled"),
    ]
    assert all(v["published_at"] for v in versions)
    then = fresh_client.get(
        "/v1/services/camden-early-help/notice/versions", params={"at": "2024-06-01"}
    ).json()["items"]
    assert [v["status"] for v in then] == [
        "in_effect",
        "scheduled",
        "never_in_effect",
        "scheduled",
    ]


def test_the_removed_header_stays_small_and_counts_the_rest() -> None:
    lines = [
        f"removed purpose 'purpose number {i} of many' from activity 'casework'" for i in range(200)
    ]
    header = removed_header(lines)
    listed = json.loads(header)
    assert len(header) <= MAX_REMOVED_BYTES
    shown = len(listed) - 1
    assert listed[:shown] == lines[:shown]
    assert listed[-1] == f"and {200 - shown} more (the audit event lists them all)"
    assert json.loads(removed_header(lines[:3])) == lines[:3]
    assert removed_header(["removed section 'Café'"]) == "[\"removed section 'Caf\\u00e9'\"]"
