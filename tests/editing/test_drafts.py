"""Drafts, publishing, history and the audit trail, through HTTP as an IG officer works."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient
from helpers import changed_draft

PROBLEM = "application/problem+json"
SERVICE = "camden-family-support"
DRAFTS = f"/v1/services/{SERVICE}/notice/drafts"


def _create(client: TestClient, keys: dict[str, dict[str, str]], **kwargs: Any) -> Any:
    response = client.post(DRAFTS, headers=keys["editor"], **kwargs)
    assert response.status_code == 201, response.text
    return response


def test_writes_need_a_key_with_the_right_scope(
    fresh_client: TestClient, keys: dict[str, dict[str, str]]
) -> None:
    anonymous = fresh_client.post(DRAFTS)
    assert anonymous.status_code == 401
    assert anonymous.headers["content-type"] == PROBLEM
    assert anonymous.headers["www-authenticate"] == "Bearer"
    assert anonymous.json()["type"] == "urn:ropa:problem:unauthorized"
    wrong = fresh_client.post(DRAFTS, headers={"Authorization": "Bearer ropa_deadbeef_nope"})
    assert wrong.status_code == 401
    assert wrong.headers["www-authenticate"] == 'Bearer error="invalid_token"'
    auditor = fresh_client.post(DRAFTS, headers=keys["auditor"])
    assert auditor.status_code == 403
    assert auditor.json()["type"] == "urn:ropa:problem:forbidden"
    publisher_on_draft = fresh_client.post(DRAFTS, headers=keys["publisher"])
    assert publisher_on_draft.status_code == 403
    admin = fresh_client.post(DRAFTS, headers=keys["admin"])
    assert admin.status_code == 201
    denied = fresh_client.get(
        "/v1/audit-events", params={"outcome": "denied"}, headers=keys["auditor"]
    ).json()
    # refusals of known keys are audited; anonymous and unknown keys are only counted
    assert denied["total"] == 2
    assert {e["actor"] for e in denied["items"]} == {"test-auditor", "test-publisher"}
    refusals = fresh_client.app.state.auth_refusals  # type: ignore[attr-defined]
    assert refusals["anonymous-write"] == 1 and refusals["unknown-key"] == 1
    assert all("ropa_" not in str(e) for e in denied["items"]), "keys never appear in the trail"


def test_create_read_and_one_open_draft(
    fresh_client: TestClient, keys: dict[str, dict[str, str]]
) -> None:
    created = _create(fresh_client, keys)
    assert created.headers["location"] == f"{DRAFTS}/2"
    draft = created.json()
    assert draft["notice"]["version"] == 2
    assert draft["notice"]["status"] == "draft"
    published = fresh_client.get(f"/v1/services/{SERVICE}/notice").json()
    assert draft["activities"] == published["activities"], (
        "an empty body copies the current version"
    )
    etag = created.headers["etag"]
    read = fresh_client.get(f"{DRAFTS}/2", headers=keys["auditor"])
    assert read.status_code == 200 and read.headers["etag"] == etag
    assert fresh_client.get(f"{DRAFTS}/2").status_code == 401
    second = fresh_client.post(DRAFTS, headers=keys["editor"])
    assert second.status_code == 409
    assert "already has an open draft" in second.json()["detail"]
    # drafts are not public
    assert (
        fresh_client.get(f"/v1/services/{SERVICE}/notice", params={"version": 2}).status_code == 404
    )
    public = fresh_client.get(f"/v1/services/{SERVICE}/notice/versions").json()
    assert [v["status"] for v in public["items"]] == ["in_effect"]
    private = fresh_client.get(
        f"/v1/services/{SERVICE}/notice/versions", headers=keys["editor"]
    ).json()
    assert [v["status"] for v in private["items"]] == ["in_effect", "draft"]
    assert private["items"][1]["author"] == "camden (editor)", "the council and role, not the key"


def test_put_needs_the_current_etag(
    fresh_client: TestClient, keys: dict[str, dict[str, str]]
) -> None:
    created = _create(fresh_client, keys)
    document, etag = created.json(), created.headers["etag"]
    document["notice"]["title"] = "Family Support and Complex Families privacy notice"
    missing = fresh_client.put(f"{DRAFTS}/2", json=document, headers=keys["editor"])
    assert missing.status_code == 428
    stale = fresh_client.put(
        f"{DRAFTS}/2", json=document, headers={**keys["editor"], "If-Match": '"stale"'}
    )
    assert stale.status_code == 412
    assert stale.json()["type"] == "urn:ropa:problem:precondition-failed"
    unchanged = fresh_client.get(f"{DRAFTS}/2", headers=keys["editor"])
    assert unchanged.headers["etag"] == etag
    ok = fresh_client.put(
        f"{DRAFTS}/2", json=document, headers={**keys["editor"], "If-Match": etag}
    )
    assert ok.status_code == 200, ok.text
    assert ok.json()["notice"]["title"] == "Family Support and Complex Families privacy notice"
    assert ok.headers["etag"] != etag
    again = fresh_client.put(
        f"{DRAFTS}/2", json=document, headers={**keys["editor"], "If-Match": etag}
    )
    assert again.status_code == 412, "the old ETag is stale after a change"


def test_merge_patch_and_json_patch(
    fresh_client: TestClient, keys: dict[str, dict[str, str]]
) -> None:
    created = _create(fresh_client, keys)
    etag = created.headers["etag"]
    merge = fresh_client.patch(
        f"{DRAFTS}/2",
        json={"notice": {"cookies": "We use no cookies on this page."}},
        headers={
            **keys["editor"],
            "If-Match": etag,
            "Content-Type": "application/merge-patch+json",
        },
    )
    assert merge.status_code == 200, merge.text
    assert merge.json()["notice"]["cookies"] == "We use no cookies on this page."
    operations = [
        {"op": "add", "path": "/activities/0/purposes/-", "value": "Plan services for 2027"}
    ]
    json_patch = fresh_client.patch(
        f"{DRAFTS}/2",
        json=operations,
        headers={
            **keys["editor"],
            "If-Match": merge.headers["etag"],
            "Content-Type": "application/json-patch+json",
        },
    )
    assert json_patch.status_code == 200, json_patch.text
    assert json_patch.json()["activities"][0]["purposes"][-1] == "Plan services for 2027"
    assert json_patch.json()["notice"]["cookies"] == "We use no cookies on this page."
    invalid = fresh_client.patch(
        f"{DRAFTS}/2",
        json=[
            {"op": "replace", "path": "/activities/0/retention/0/duration", "value": "six years"}
        ],
        headers={
            **keys["editor"],
            "If-Match": json_patch.headers["etag"],
            "Content-Type": "application/json-patch+json",
        },
    )
    assert invalid.status_code == 422
    assert invalid.json()["errors"][0]["pointer"] == "/activities/0/retention/0/duration"
    wrong_shape = fresh_client.patch(
        f"{DRAFTS}/2",
        json={"notice": {}},
        headers={
            **keys["editor"],
            "If-Match": json_patch.headers["etag"],
            "Content-Type": "application/json-patch+json",
        },
    )
    assert wrong_shape.status_code == 422


def test_drafts_keep_their_own_controller_details_but_not_other_services(
    fresh_client: TestClient, keys: dict[str, dict[str, str]]
) -> None:
    other = fresh_client.get("/v1/services/camden-early-help/notice").json()
    wrong_service = fresh_client.post(DRAFTS, json=other, headers=keys["editor"])
    assert wrong_service.status_code == 422
    assert wrong_service.json()["errors"][0]["pointer"] == "/service/id"
    document = fresh_client.get(f"/v1/services/{SERVICE}/notice").json()
    document["controllers"][0]["dpo"]["email"] = "someone@example.org"
    created = fresh_client.post(DRAFTS, json=document, headers=keys["editor"])
    assert created.status_code == 201, "a notice gives its own contact details"
    assert created.json()["controllers"][0]["dpo"]["email"] == "someone@example.org"
    assert fresh_client.get("/v1/controllers/camden").json()["dpo"]["email"] != (
        "someone@example.org"
    ), "the register's record of the controller is not changed by a draft"


def test_publish_is_atomic_checked_and_audited(
    fresh_client: TestClient, keys: dict[str, dict[str, str]]
) -> None:
    created = _create(fresh_client, keys)
    document, etag = created.json(), created.headers["etag"]
    document["activities"][0]["recipients"].append(
        {"party": "ofsted", "condition": "during an inspection"}
    )
    edited = fresh_client.put(
        f"{DRAFTS}/2", json=document, headers={**keys["editor"], "If-Match": etag}
    )
    etag = edited.headers["etag"]
    body = {"effective_from": "2026-12-01", "change_summary": "Ofsted added as a recipient"}
    publish = f"{DRAFTS}/2/publish"
    assert fresh_client.post(publish, json=body, headers=keys["editor"]).status_code == 403
    assert fresh_client.post(publish, json=body, headers=keys["publisher"]).status_code == 428
    stale = fresh_client.post(publish, json=body, headers={**keys["publisher"], "If-Match": '"x"'})
    assert stale.status_code == 412
    # The seed notice has error findings (e.g. it cites the non-existent Equality Act 2005)
    refused = fresh_client.post(publish, json=body, headers={**keys["publisher"], "If-Match": etag})
    assert refused.status_code == 409
    problem = refused.json()
    assert problem["type"] == "urn:ropa:problem:check-errors"
    assert any("citation.nonexistent" in e["detail"] for e in problem["errors"])
    assert fresh_client.get(f"/v1/services/{SERVICE}/notice").json()["notice"]["version"] == 1
    body["override_reason"] = "Correction of the Equality Act citation follows in the next review"
    ok = fresh_client.post(publish, json=body, headers={**keys["publisher"], "If-Match": etag})
    assert ok.status_code == 200, ok.text
    assert ok.json()["status"] == "in_effect"
    assert ok.json()["effective_from"] == "2026-12-01"
    versions = fresh_client.get(f"/v1/services/{SERVICE}/notice/versions").json()["items"]
    assert [(v["version"], v["status"]) for v in versions] == [(1, "superseded"), (2, "in_effect")]
    # in effect from its date: before then the old version answers
    assert (
        fresh_client.get(f"/v1/services/{SERVICE}/notice", params={"at": "2026-11-30"}).json()[
            "notice"
        ]["version"]
        == 1
    )
    assert (
        fresh_client.get(f"/v1/services/{SERVICE}/notice", params={"at": "2026-12-01"}).json()[
            "notice"
        ]["version"]
        == 2
    )
    events = fresh_client.get(
        "/v1/audit-events", params={"action": "notice.publish"}, headers=keys["auditor"]
    ).json()["items"]
    assert [e["outcome"] for e in events] == ["ok", "rejected"]
    assert events[0]["detail"]["override_reason"].startswith("Correction")
    assert events[0]["actor"] == "test-publisher"
    assert events[0]["after_hash"] and len(events[0]["after_hash"]) == 64
    # the published version is immutable
    for method in ("put", "patch", "delete"):
        response = getattr(fresh_client, method)(
            f"{DRAFTS}/2",
            headers={**keys["editor"], "If-Match": etag},
            **(
                {"json": document} if method == "put" else {"json": {}} if method == "patch" else {}
            ),
        )
        assert response.status_code == 409, method
    # and the diff says what changed
    diff = fresh_client.get(
        f"/v1/services/{SERVICE}/notice/versions/2/diff", params={"from": 1}
    ).json()
    assert any(op["op"] == "add" and "/recipients/" in op["path"] for op in diff["patch"])
    assert diff["summary"] == [
        "added recipient 'ofsted' to activity 'casework' with condition 'during an inspection'"
    ]


def test_publishing_cannot_backdate_before_the_current_version(
    fresh_client: TestClient, keys: dict[str, dict[str, str]]
) -> None:
    created = _create(fresh_client, keys)
    body = {"effective_from": "2020-01-01", "change_summary": "x", "override_reason": "test"}
    response = fresh_client.post(
        f"{DRAFTS}/2/publish",
        json=body,
        headers={**keys["publisher"], "If-Match": created.headers["etag"]},
    )
    assert response.status_code == 422
    assert response.json()["errors"][0]["pointer"] == "/effective_from"


def test_discard(fresh_client: TestClient, keys: dict[str, dict[str, str]]) -> None:
    created = _create(fresh_client, keys)
    stale = fresh_client.delete(f"{DRAFTS}/2", headers={**keys["editor"], "If-Match": '"old"'})
    assert stale.status_code == 412
    gone = fresh_client.delete(
        f"{DRAFTS}/2", headers={**keys["editor"], "If-Match": created.headers["etag"]}
    )
    assert gone.status_code == 204
    assert fresh_client.get(f"{DRAFTS}/2", headers=keys["editor"]).status_code == 404
    again = _create(fresh_client, keys)
    assert again.json()["notice"]["version"] == 2


def test_controllers_and_services_are_edited_by_publishers(
    fresh_client: TestClient, keys: dict[str, dict[str, str]]
) -> None:
    controller = {
        "id": "hackney",
        "name": "London Borough of Hackney",
        "gss_code": "E09000012",
        "register_code": "HCK",
    }
    assert (
        fresh_client.post("/v1/controllers", json=controller, headers=keys["editor"]).status_code
        == 403
    )
    # a publisher key acts for its councils; a new council needs a global (admin) key
    bound = fresh_client.post("/v1/controllers", json=controller, headers=keys["publisher"])
    assert bound.status_code == 403 and "hackney" in bound.json()["detail"]
    created = fresh_client.post("/v1/controllers", json=controller, headers=keys["admin"])
    assert created.status_code == 201
    assert created.json()["services"] == []
    assert (
        fresh_client.post("/v1/controllers", json=controller, headers=keys["admin"]).status_code
        == 409
    )
    clash = {**controller, "id": "other", "gss_code": "E09000007"}
    assert (
        fresh_client.post("/v1/controllers", json=clash, headers=keys["admin"]).status_code == 409
    )
    service = {"id": "hackney-early-help", "name": "Early Help", "controllers": ["hackney"]}
    assert (
        fresh_client.post("/v1/services", json=service, headers=keys["publisher"]).status_code
        == 403
    )
    made = fresh_client.post("/v1/services", json=service, headers=keys["admin"])
    assert made.status_code == 201 and made.json()["current_version"] is None
    bad = fresh_client.post(
        "/v1/services",
        json={**service, "id": "x-y", "controllers": ["nowhere"]},
        headers=keys["publisher"],
    )
    assert bad.status_code == 422
    renamed = fresh_client.put(
        "/v1/services/hackney-early-help",
        json={**service, "name": "Early Help Hackney"},
        headers=keys["admin"],
    )
    assert renamed.status_code == 200 and renamed.json()["name"] == "Early Help Hackney"
    # a new service without a notice: the first draft must be a whole document
    empty = fresh_client.post(
        "/v1/services/hackney-early-help/notice/drafts", headers=keys["admin"]
    )
    assert empty.status_code == 422
    actions = [
        e["action"]
        for e in fresh_client.get(
            "/v1/audit-events", params={"outcome": "ok"}, headers=keys["admin"]
        ).json()["items"]
    ]
    assert actions[:3] == ["service.update", "service.create", "controller.create"]


def test_hostile_bodies(fresh_client: TestClient, keys: dict[str, dict[str, str]]) -> None:
    big = fresh_client.post(
        DRAFTS,
        content=b"{" + b" " * 2_000_000 + b"}",
        headers={**keys["editor"], "Content-Type": "application/json"},
    )
    assert big.status_code == 413
    assert big.headers["content-type"] == PROBLEM
    document = fresh_client.get(f"/v1/services/{SERVICE}/notice").json()
    document["notice"]["title"] = "Title\x00with NUL"
    nul = fresh_client.post(DRAFTS, json=document, headers=keys["editor"])
    assert nul.status_code == 422
    assert nul.json()["errors"][0]["pointer"] == "/notice/title"
    document["notice"]["title"] = "x" * 501
    long = fresh_client.post(DRAFTS, json=document, headers=keys["editor"])
    assert long.status_code == 422
    garbage = fresh_client.post(
        DRAFTS,
        content=b"\xff\xfe not json",
        headers={**keys["editor"], "Content-Type": "application/json"},
    )
    assert garbage.status_code == 400, "a body that is not JSON at all is a bad request"
    assert garbage.headers["content-type"] == PROBLEM


def test_audit_trail_is_read_only_and_for_auditors(
    fresh_client: TestClient, keys: dict[str, dict[str, str]]
) -> None:
    _create(fresh_client, keys)
    assert fresh_client.get("/v1/audit-events", headers=keys["editor"]).status_code == 403
    events = fresh_client.get(
        "/v1/audit-events", params={"target": f"services/{SERVICE}"}, headers=keys["auditor"]
    )
    assert events.status_code == 200
    assert [e["action"] for e in events.json()["items"]] == ["draft.create", "notice.import"]
    for method in ("post", "put", "patch", "delete"):
        assert (
            getattr(fresh_client, method)("/v1/audit-events", headers=keys["admin"]).status_code
            == 405
        )


def test_published_versions_keep_the_controller_details_they_were_published_with(
    fresh_client: TestClient, keys: dict[str, dict[str, str]]
) -> None:
    notice = f"/v1/services/{SERVICE}/notice"
    before = fresh_client.get(notice)
    controller = fresh_client.get("/v1/controllers/camden").json()
    controller.pop("services")
    controller["dpo"]["email"] = "data.protection@camden.gov.uk"
    updated = fresh_client.put("/v1/controllers/camden", json=controller, headers=keys["publisher"])
    assert updated.status_code == 200
    assert updated.json()["dpo"]["email"] == "data.protection@camden.gov.uk"
    after = fresh_client.get(notice)
    assert after.content == before.content, "a published version does not change"
    assert after.json()["controllers"][0]["dpo"]["email"] == "dpo@camden.gov.uk"
    draft = _create(fresh_client, keys).json()
    assert draft["controllers"][0]["dpo"]["email"] == "dpo@camden.gov.uk", (
        "a draft copies the notice's own details, not the register's record of the controller"
    )


def test_review_findings_on_drafts_and_publishing(
    fresh_client: TestClient, keys: dict[str, dict[str, str]]
) -> None:
    created = _create(fresh_client, keys)
    etag = created.headers["etag"]
    # discarding needs the ETag like every other change
    assert fresh_client.delete(f"{DRAFTS}/2", headers=keys["editor"]).status_code == 428
    # dates out of range are 422, not 500
    publish = f"{DRAFTS}/2/publish"
    for day in ("0001-01-01", "2999-01-01"):
        body = {"effective_from": day, "change_summary": "x", "override_reason": "test"}
        response = fresh_client.post(
            publish, json=body, headers={**keys["publisher"], "If-Match": etag}
        )
        assert response.status_code == 422, day
    # too many patch operations
    operations = [{"op": "test", "path": "/service/id", "value": SERVICE}] * 501
    too_many = fresh_client.patch(
        f"{DRAFTS}/2",
        json=operations,
        headers={**keys["editor"], "If-Match": etag, "Content-Type": "application/json-patch+json"},
    )
    assert too_many.status_code == 422
    # a patch that would blow the document up is refused before it is built into tables
    doubling = [{"op": "copy", "from": "/activities", "path": "/notice/other_sections"}] + [
        {"op": "copy", "from": "/activities/0", "path": "/activities/-"}
    ] * 400
    big = fresh_client.patch(
        f"{DRAFTS}/2",
        json=doubling,
        headers={**keys["editor"], "If-Match": etag, "Content-Type": "application/json-patch+json"},
    )
    assert big.status_code in (413, 422)
    assert fresh_client.get(f"{DRAFTS}/2", headers=keys["editor"]).headers["etag"] == etag
    # activity ids cannot contain dots (public ids are '<service>.<activity>')
    document = created.json()
    document["activities"][0]["id"] = "case.work"
    dotted = fresh_client.put(
        f"{DRAFTS}/2", json=document, headers={**keys["editor"], "If-Match": etag}
    )
    assert dotted.status_code == 422
    assert dotted.json()["errors"][0]["pointer"] == "/activities/0/id"


def test_a_new_draft_copies_the_latest_publication_even_if_not_yet_in_effect(
    fresh_client: TestClient, keys: dict[str, dict[str, str]]
) -> None:
    created = _create(fresh_client, keys)
    fresh_client.patch(
        f"{DRAFTS}/2",
        json={"notice": {"title": "Future title"}},
        headers={
            **keys["editor"],
            "If-Match": created.headers["etag"],
            "Content-Type": "application/merge-patch+json",
        },
    )
    etag = fresh_client.get(f"{DRAFTS}/2", headers=keys["editor"]).headers["etag"]
    body = {
        "effective_from": "2027-01-01",
        "change_summary": "from January",
        "override_reason": "test",
    }
    assert (
        fresh_client.post(
            f"{DRAFTS}/2/publish", json=body, headers={**keys["publisher"], "If-Match": etag}
        ).status_code
        == 200
    )
    assert fresh_client.get(f"/v1/services/{SERVICE}/notice").json()["notice"]["version"] == 1, (
        "v1 until January"
    )
    third = _create(fresh_client, keys).json()
    assert third["notice"]["title"] == "Future title", (
        "the draft builds on version 2, not on version 1"
    )


def test_services_and_audit_filters_reject_bad_input_cleanly(
    fresh_client: TestClient, keys: dict[str, dict[str, str]]
) -> None:
    twice = {"id": "camden-early-help", "name": "Early Help", "controllers": ["camden", "camden"]}
    response = fresh_client.put(
        "/v1/services/camden-early-help", json=twice, headers=keys["publisher"]
    )
    assert response.status_code == 422
    for since in ("2026-01-01", "2026-01-01T00:00:00+01:00", "2026-01-01T00:00:00Z"):
        listed = fresh_client.get(
            "/v1/audit-events", params={"since": since}, headers=keys["auditor"]
        )
        assert listed.status_code == 200, since
    # what the contract says is not a date-time is refused: no offset, or seconds since 1970
    for since in ("2026-01-01T00:00:00", "0", "1700000000", "2026-02-30"):
        listed = fresh_client.get(
            "/v1/audit-events", params={"since": since}, headers=keys["auditor"]
        )
        assert listed.status_code == 422, since
        assert listed.json()["errors"][0]["pointer"] == "since"


def test_chunked_bodies_over_the_limit_are_413(
    fresh_client: TestClient, keys: dict[str, dict[str, str]]
) -> None:
    def chunks():  # type: ignore[no-untyped-def]
        for _ in range(40):
            yield b" " * 65_536

    response = fresh_client.post(
        DRAFTS, content=chunks(), headers={**keys["editor"], "Content-Type": "application/json"}
    )
    assert response.status_code == 413
    assert response.headers["content-type"] == PROBLEM


def test_a_superseded_version_says_so_even_after_being_cached(
    fresh_client: TestClient, keys: dict[str, dict[str, str]]
) -> None:
    first = fresh_client.get(f"/v1/services/{SERVICE}/notice")
    assert first.json()["notice"]["status"] == "in_effect"
    by_number = fresh_client.get(f"/v1/services/{SERVICE}/notice/versions/1")
    assert "status" not in by_number.json()["notice"], "a version by number never changes"
    assert by_number.headers["cache-control"] == "public, max-age=31536000, immutable"
    created = changed_draft(fresh_client, f"/v1/services/{SERVICE}/notice", keys["editor"])
    body = {"change_summary": "second", "override_reason": "test"}
    published = fresh_client.post(
        f"{DRAFTS}/2/publish",
        json=body,
        headers={**keys["publisher"], "If-Match": created.headers["etag"]},
    )
    assert published.status_code == 200
    again = fresh_client.get(f"/v1/services/{SERVICE}/notice", params={"at": "2026-11-30"})
    assert again.json()["notice"]["version"] == 1
    assert again.json()["notice"]["status"] == "superseded"
    assert again.headers["etag"] != first.headers["etag"]
    assert fresh_client.get(f"/v1/services/{SERVICE}/notice/versions/1").content == (
        by_number.content
    )
    assert fresh_client.get(f"/v1/services/{SERVICE}/notice").json()["notice"]["version"] == 2


def test_fixes_apply_the_chosen_findings_patches_in_one_step(
    fresh_client: TestClient, keys: dict[str, dict[str, str]]
) -> None:
    created = _create(fresh_client, keys)
    etag = created.headers["etag"]
    checks = fresh_client.get(
        f"/v1/services/{SERVICE}/notice/checks", params={"version": 2}, headers=keys["editor"]
    )
    assert checks.status_code == 200, checks.text
    findings = checks.json()["findings"]
    misnamed = [f for f in findings if f["rule"] == "citation.misnamed" and f.get("fix")]
    assert misnamed, "Camden Family Support cites the 'Children's Act 1989'"
    chosen = misnamed[0]
    pointer = chosen["fix"][0]["path"]

    # If-Match is required, the editor scope too, and unknown finding ids change nothing
    body = {"findings": [chosen["id"]]}
    assert (
        fresh_client.post(f"{DRAFTS}/2/fixes", json=body, headers=keys["editor"]).status_code == 428
    )
    assert (
        fresh_client.post(
            f"{DRAFTS}/2/fixes", json=body, headers={**keys["auditor"], "If-Match": etag}
        ).status_code
        == 403
    )
    unknown = fresh_client.post(
        f"{DRAFTS}/2/fixes",
        json={"findings": [chosen["id"], "no-such-finding"]},
        headers={**keys["editor"], "If-Match": etag},
    )
    assert unknown.status_code == 422
    assert unknown.headers["content-type"] == PROBLEM

    fixed = fresh_client.post(
        f"{DRAFTS}/2/fixes", json=body, headers={**keys["editor"], "If-Match": etag}
    )
    assert fixed.status_code == 200, fixed.text
    assert fixed.headers["etag"] != etag
    value: Any = fixed.json()
    for part in pointer.strip("/").split("/"):
        value = value[int(part)] if isinstance(value, list) else value[part]
    assert value == chosen["fix"][0]["value"]
    assert "Children Act 1989" in value

    after = fresh_client.get(
        f"/v1/services/{SERVICE}/notice/checks", params={"version": 2}, headers=keys["editor"]
    ).json()["findings"]
    assert chosen["id"] not in {f["id"] for f in after}
    # the same If-Match again is stale
    stale = fresh_client.post(
        f"{DRAFTS}/2/fixes", json=body, headers={**keys["editor"], "If-Match": etag}
    )
    assert stale.status_code == 412
