"""Keys through HTTP: bound to their councils, refused with 401 on every route when not
accepted, limited per address (429), refusals counted without writing, no key names in public."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
from fastapi.testclient import TestClient
from helpers import session_for
from sqlalchemy import func
from sqlmodel import select

from app.audit.models import AuditEvent
from app.auth.limiter import FailureLimiter
from app.auth.models import ApiKey
from app.auth.service import create_key, rotate_key
from app.config import Settings
from app.main import create_app

PROBLEM = "application/problem+json"
INVALID = 'Bearer error="invalid_token"'
CAMDEN = "/v1/services/camden-family-support/notice"
SOUTHWARK = "/v1/services/southwark-early-help/notice"
JOINT = "/v1/services/cambridgeshire-peterborough-early-help/notice"
PUBLISH = {"effective_from": "2026-12-01", "change_summary": "Reviewed", "override_reason": "Test"}


def _key(db: str, name: str, scope: str, *controllers: str, **kwargs: object) -> dict[str, str]:
    with session_for(db) as session:
        key = create_key(
            session=session,
            name=name,
            scope=scope,
            actor="test",
            controllers=list(controllers),
            **kwargs,  # type: ignore[arg-type]
        )
    return {"Authorization": f"Bearer {key}"}


def _audit_rows(db: str) -> int:
    with session_for(db) as session:
        return session.exec(select(func.count()).select_from(AuditEvent)).one()


def _denied(db: str) -> list[AuditEvent]:
    with session_for(db) as session:
        return list(session.exec(select(AuditEvent).where(AuditEvent.outcome == "denied")).all())


PUBLIC_ROUTES = [
    "/healthz",
    "/v1/controllers",
    "/v1/services/camden-early-help",
    "/v1/services/camden-early-help/notice",
    "/v1/services/camden-early-help/notice/versions",
    "/v1/services/camden-early-help/notice/render",
    "/v1/ropa?format=csv",
]


@pytest.mark.parametrize("path", PUBLIC_ROUTES)
@pytest.mark.parametrize(
    "authorization", ["Bearer ropa_deadbeef_guess", "Bearer nonsense", "Bearer ", "Basic dXNlcg=="]
)
def test_a_key_that_is_not_accepted_is_401_on_public_routes_too(
    client: TestClient, path: str, authorization: str
) -> None:
    assert client.get(path).status_code == 200, "anonymous reading stays open"
    # these failures are not this test's subject: a limiter of its own, put back afterwards
    state = client.app.state  # type: ignore[attr-defined]
    shared, state.auth_failures = state.auth_failures, FailureLimiter(limit=1000, window=60)
    try:
        refused = client.get(path, headers={"Authorization": authorization})
    finally:
        state.auth_failures = shared
    assert refused.status_code == 401
    assert refused.headers["content-type"] == PROBLEM
    assert refused.headers["www-authenticate"] == INVALID
    assert refused.json()["type"] == "urn:ropa:problem:unauthorized"


def test_an_expired_key_is_401_everywhere_and_its_refused_writes_are_audited(
    fresh_client: TestClient, fresh_db: str
) -> None:
    headers = _key(fresh_db, "old-officer", "editor", "camden")
    assert fresh_client.get(CAMDEN, headers=headers).status_code == 200
    with session_for(fresh_db) as session:
        row = session.exec(select(ApiKey).where(ApiKey.name == "old-officer")).one()
        row.expires_at = datetime.now(UTC) - timedelta(seconds=1)
        session.add(row)
        session.commit()
    read = fresh_client.get(CAMDEN, headers=headers)
    assert read.status_code == 401 and read.headers["www-authenticate"] == INVALID
    assert read.json()["detail"] == "The API key is expired"
    write = fresh_client.post(f"{CAMDEN}/drafts", headers=headers)
    assert write.status_code == 401 and write.headers["www-authenticate"] == INVALID
    denied = _denied(fresh_db)
    assert [(e.actor, e.detail) for e in denied] == [("old-officer", {"reason": "expired key"})]


def test_a_rotated_out_secret_is_401(fresh_client: TestClient, fresh_db: str) -> None:
    old = _key(fresh_db, "dpo", "publisher", "camden")
    with session_for(fresh_db) as session:
        new = rotate_key(session=session, name="dpo", actor="test")
    assert fresh_client.get(CAMDEN, headers=old).status_code == 401
    assert fresh_client.get(CAMDEN, headers={"Authorization": f"Bearer {new}"}).status_code == 200


def test_failed_authentication_is_limited_per_address(
    fresh_db: str, keys: dict[str, dict[str, str]]
) -> None:
    app = create_app(Settings(database_url=fresh_db, auth_failure_limit=3, auth_failure_window=60))
    with TestClient(app) as client:
        guess = {"Authorization": "Bearer ropa_deadbeef_guess"}
        assert [client.get(CAMDEN, headers=guess).status_code for _ in range(3)] == [401] * 3
        limited = client.get(CAMDEN, headers=guess)
        assert limited.status_code == 429
        assert limited.headers["content-type"] == PROBLEM
        assert limited.json()["type"] == "urn:ropa:problem:too-many-requests"
        assert 1 <= int(limited.headers["retry-after"]) <= 60
        # while blocked no key is tried, a good one included (no oracle for guesses) ...
        assert client.get(CAMDEN, headers=keys["editor"]).status_code == 429
        assert client.post(f"{CAMDEN}/drafts", headers=guess).status_code == 429
        # ... but reading without a key is not affected
        assert client.get(CAMDEN).status_code == 200
        assert app.state.auth_refusals["rate-limited"] == 3
        # the window ends: keys are tried again
        clock = [0.0]
        app.state.auth_failures = FailureLimiter(limit=3, window=60, clock=lambda: clock[0])
        for _ in range(3):
            client.get(CAMDEN, headers=guess)
        assert client.get(CAMDEN, headers=keys["editor"]).status_code == 429
        clock[0] += 60
        assert client.get(CAMDEN, headers=keys["editor"]).status_code == 200


def test_refused_anonymous_requests_write_nothing(
    fresh_client: TestClient, fresh_db: str, caplog: pytest.LogCaptureFixture
) -> None:
    before = _audit_rows(fresh_db)
    fresh_client.app.state.auth_failures = FailureLimiter(limit=1000, window=60)  # type: ignore[attr-defined]
    for _ in range(20):
        assert fresh_client.post(f"{CAMDEN}/drafts").status_code == 401
        assert (
            fresh_client.post(f"{CAMDEN}/drafts", headers={"Authorization": "Bearer x"}).status_code
            == 401
        )
        assert fresh_client.put("/v1/controllers/camden", json={}).status_code in (401, 422)
    assert _audit_rows(fresh_db) == before, "refused anonymous requests are not database writes"
    refusals = fresh_client.app.state.auth_refusals  # type: ignore[attr-defined]
    assert refusals["anonymous-write"] >= 20 and refusals["unknown-key"] == 20
    # logged at the 1st and 10th of each kind, not 20 times
    logged = [r.getMessage() for r in caplog.records if r.name == "app.auth.deps"]
    assert sum("unknown-key (1 refused" in m or "unknown-key (10 refused" in m for m in logged) == 2
    assert sum("unknown-key" in m for m in logged) == 2


def test_an_editor_acts_only_for_its_council(fresh_client: TestClient, fresh_db: str) -> None:
    southwark = _key(fresh_db, "southwark-ig", "editor", "southwark")
    camden = _key(fresh_db, "camden-ig", "editor", "camden")
    refused = fresh_client.post(f"{CAMDEN}/drafts", headers=southwark)
    assert refused.status_code == 403
    assert refused.headers["content-type"] == PROBLEM
    assert "southwark" in refused.json()["detail"] and "camden" in refused.json()["detail"]
    assert fresh_client.post(f"{SOUTHWARK}/drafts", headers=southwark).status_code == 201
    made = fresh_client.post(f"{CAMDEN}/drafts", headers=camden)
    assert made.status_code == 201
    etag = made.headers["etag"]
    # nor can it touch the other council's draft in any way
    for response in (
        fresh_client.put(
            f"{CAMDEN}/drafts/2", json=made.json(), headers={**southwark, "If-Match": etag}
        ),
        fresh_client.patch(
            f"{CAMDEN}/drafts/2",
            json={"notice": {"title": "Hijacked"}},
            headers={**southwark, "If-Match": etag, "Content-Type": "application/merge-patch+json"},
        ),
        fresh_client.delete(f"{CAMDEN}/drafts/2", headers={**southwark, "If-Match": etag}),
        fresh_client.get(f"{CAMDEN}/drafts/2", headers=southwark),
    ):
        assert response.status_code == 403, response.text
    assert (
        fresh_client.get(f"{CAMDEN}/render", params={"version": 2}, headers=southwark).status_code
        == 404
    )
    versions = fresh_client.get(f"{CAMDEN}/versions", headers=southwark).json()["items"]
    assert [v["status"] for v in versions] == ["in_effect"], "another council's draft is not shown"
    assert (
        fresh_client.get(f"{CAMDEN}/drafts/2", headers=camden).json()["notice"]["title"]
        != "Hijacked"
    )
    denied = _denied(fresh_db)
    assert {e.actor for e in denied} == {"southwark-ig"}
    assert {e.action for e in denied} == {
        "draft.create",
        "draft.replace",
        "draft.patch",
        "draft.discard",
    }


def test_a_publisher_publishes_only_for_its_council(
    fresh_client: TestClient, fresh_db: str
) -> None:
    editor = _key(fresh_db, "camden-ig", "editor", "camden")
    southwark = _key(fresh_db, "southwark-dpo", "publisher", "southwark")
    camden = _key(fresh_db, "camden-dpo", "publisher", "camden")
    etag = fresh_client.post(f"{CAMDEN}/drafts", headers=editor).headers["etag"]
    refused = fresh_client.post(
        f"{CAMDEN}/drafts/2/publish", json=PUBLISH, headers={**southwark, "If-Match": etag}
    )
    assert refused.status_code == 403
    assert fresh_client.get(CAMDEN).json()["notice"]["version"] == 1
    ok = fresh_client.post(
        f"{CAMDEN}/drafts/2/publish", json=PUBLISH, headers={**camden, "If-Match": etag}
    )
    assert ok.status_code == 200, ok.text
    assert [e.action for e in _denied(fresh_db)] == ["notice.publish"]


def test_a_joint_notice_is_edited_by_either_council(
    fresh_client: TestClient, fresh_db: str
) -> None:
    peterborough = _key(fresh_db, "pboro-ig", "editor", "peterborough")
    assert fresh_client.post(f"{JOINT}/drafts", headers=peterborough).status_code == 201
    versions = fresh_client.get(f"{JOINT}/versions", headers=peterborough).json()["items"]
    assert versions[-1]["author"] == "peterborough (editor)"


def test_changing_who_owns_a_service_needs_every_council(
    fresh_client: TestClient, fresh_db: str
) -> None:
    camden = _key(fresh_db, "camden-dpo", "publisher", "camden")
    both = _key(fresh_db, "both-dpo", "publisher", "camden", "southwark")
    service = fresh_client.get("/v1/services/camden-early-help").json()
    body = {"id": service["id"], "name": service["name"], "controllers": ["camden"]}
    assert (
        fresh_client.put("/v1/services/camden-early-help", json=body, headers=camden).status_code
        == 200
    )
    taken = {**body, "controllers": ["camden", "southwark"]}
    assert (
        fresh_client.put("/v1/services/camden-early-help", json=taken, headers=camden).status_code
        == 403
    )
    assert (
        fresh_client.put("/v1/services/camden-early-help", json=taken, headers=both).status_code
        == 200
    )
    controller = fresh_client.get("/v1/controllers/southwark").json()
    assert (
        fresh_client.put(
            "/v1/controllers/southwark",
            json={k: controller[k] for k in ("id", "name", "gss_code", "register_code")},
            headers=camden,
        ).status_code
        == 403
    )


def test_public_history_never_names_a_key(fresh_client: TestClient, fresh_db: str) -> None:
    editor = _key(fresh_db, "jane.smith@camden", "editor", "camden")
    publisher = _key(fresh_db, "dpo-key-7", "publisher", "camden")
    etag = fresh_client.post(f"{CAMDEN}/drafts", headers=editor).headers["etag"]
    fresh_client.post(
        f"{CAMDEN}/drafts/2/publish", json=PUBLISH, headers={**publisher, "If-Match": etag}
    )
    for path in (f"{CAMDEN}/versions", f"{CAMDEN}/versions/2/diff?from=1", CAMDEN):
        body = fresh_client.get(path).text
        assert "jane.smith" not in body and "dpo-key-7" not in body, path
    versions = fresh_client.get(f"{CAMDEN}/versions").json()["items"]
    assert [v["author"] for v in versions] == ["seed", "camden (editor)"]
    # the audit trail keeps the key names
    auditor = _key(fresh_db, "auditor", "auditor", "camden")
    actors = {
        e["actor"] for e in fresh_client.get("/v1/audit-events", headers=auditor).json()["items"]
    }
    assert {"jane.smith@camden", "dpo-key-7"} <= actors


@pytest.fixture
def unbound_key(fresh_db: str) -> Iterator[dict[str, str]]:
    """A key from before keys were bound: an editor bound to no controller."""
    headers = _key(fresh_db, "legacy", "admin")
    with session_for(fresh_db) as session:
        row = session.exec(select(ApiKey).where(ApiKey.name == "legacy")).one()
        row.scope = "editor"
        session.add(row)
        session.commit()
    yield headers


def test_a_key_bound_to_no_council_acts_on_none(
    fresh_client: TestClient, unbound_key: dict[str, str]
) -> None:
    refused = fresh_client.post(f"{CAMDEN}/drafts", headers=unbound_key)
    assert refused.status_code == 403
    assert "no controller" in refused.json()["detail"]


def test_an_auditor_reads_the_trail_of_its_own_council(
    fresh_client: TestClient, fresh_db: str
) -> None:
    camden = _key(fresh_db, "camden-ig", "editor", "camden")
    southwark = _key(fresh_db, "southwark-ig", "editor", "southwark")
    assert fresh_client.post(f"{CAMDEN}/drafts", headers=camden).status_code == 201
    assert fresh_client.post(f"{SOUTHWARK}/drafts", headers=southwark).status_code == 201
    assert fresh_client.post(f"{CAMDEN}/drafts", headers=southwark).status_code == 403
    auditor = _key(fresh_db, "camden-audit", "auditor", "camden")
    items = fresh_client.get("/v1/audit-events", headers=auditor).json()["items"]
    assert items and all("camden" in e["target"] for e in items)
    assert {"camden-ig", "southwark-ig"} <= {e["actor"] for e in items}, "refusals about camden"
    everything = fresh_client.get("/v1/audit-events", headers=_key(fresh_db, "root", "admin"))
    assert any("southwark" in e["target"] for e in everything.json()["items"])
