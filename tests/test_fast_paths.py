"""The fast paths (app/cache.py): cached answers served before the routes run, never stale.

A request answered by a fast path runs no SQL on the request's side (only the background check
of the versions in effect does, on the loop's executor threads, named ``asyncio_…``).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import event
from sqlmodel import Session

from app import cache
from app.config import Settings
from app.db import make_engine
from app.register import service as svc

SERVICE = "camden-early-help"
NOTICE = f"/v1/services/{SERVICE}/notice"
LOOKUP = f"/v1/services/{SERVICE}/lawful-basis"
QUESTION = {"recipient": "police", "data_category": "special.health"}


@contextmanager
def request_sql(client: TestClient) -> Iterator[list[str]]:
    """The SQL statements run for requests (not by the background check) while inside."""
    seen: list[str] = []

    def record(_conn, _cursor, statement, *_args) -> None:  # type: ignore[no-untyped-def]
        if not threading.current_thread().name.startswith("asyncio"):
            seen.append(statement)

    engine = client.app.state.engine  # type: ignore[attr-defined]
    event.listen(engine, "before_cursor_execute", record)
    try:
        yield seen
    finally:
        event.remove(engine, "before_cursor_execute", record)


def served_from_memory(client: TestClient, path: str, **kwargs: object) -> bool:
    with request_sql(client) as seen:
        response = client.get(path, **kwargs)  # type: ignore[arg-type]
    assert response.status_code in (200, 304), response.text
    return not seen


def until_from_memory(client: TestClient, path: str, **kwargs: object) -> None:
    """Ask until the answer comes from memory (the map loads in the background)."""
    deadline = time.monotonic() + 10
    while not served_from_memory(client, path, **kwargs):
        assert time.monotonic() < deadline, f"{path} never served from memory"
        time.sleep(0.05)


def test_cached_answers_are_the_routes_answers(fresh_client: TestClient) -> None:
    routes = {}
    requests: list[tuple[str, dict[str, object]]] = [
        (NOTICE, {}),
        (f"{NOTICE}/render", {}),
        (f"{NOTICE}/render", {"params": {"format": "text"}}),
        (f"{NOTICE}/render", {"params": {"page": "full"}}),
        (f"{NOTICE}/render", {"headers": {"Accept": "text/markdown"}}),
        (LOOKUP, {"params": QUESTION}),
    ]
    for i, (path, kwargs) in enumerate(requests):
        first = fresh_client.get(path, **kwargs)  # type: ignore[arg-type]
        assert first.status_code == 200
        routes[i] = first
    for i, (path, kwargs) in enumerate(requests):
        until_from_memory(fresh_client, path, **kwargs)
        again = fresh_client.get(path, **kwargs)  # type: ignore[arg-type]
        assert again.content == routes[i].content, path
        assert again.headers == routes[i].headers, path
    etag = routes[1].headers["etag"]
    assert served_from_memory(fresh_client, f"{NOTICE}/render", headers={"If-None-Match": etag})
    not_modified = fresh_client.get(f"{NOTICE}/render", headers={"If-None-Match": etag})
    assert not_modified.status_code == 304 and not_modified.headers["etag"] == etag


def test_anything_unusual_goes_to_the_route(fresh_client: TestClient) -> None:
    until_from_memory(fresh_client, NOTICE)
    assert not served_from_memory(fresh_client, NOTICE, params={"version": 1})
    assert fresh_client.get(f"{NOTICE}/render", params={"format": "pdf"}).status_code == 422
    assert (
        fresh_client.get(f"{NOTICE}/render", headers={"Accept": "application/pdf"}).status_code
        == 406
    )
    fresh_client.get(LOOKUP, params=QUESTION)
    until_from_memory(fresh_client, LOOKUP, params=QUESTION)
    assert not served_from_memory(fresh_client, LOOKUP, params={**QUESTION, "at": "2025-01-01"})
    unknown = fresh_client.get(LOOKUP, params={**QUESTION, "recipient": "nobody"})
    assert unknown.status_code == 422
    assert fresh_client.get(LOOKUP, params={**QUESTION, "recipient": "nobody"}).status_code == 422
    assert fresh_client.get("/v1/services/nowhere/notice").status_code == 404


def _publish_today(client: TestClient, keys: dict[str, dict[str, str]], service: str) -> None:
    drafts = f"/v1/services/{service}/notice/drafts"
    created = client.post(drafts, headers=keys["editor"])
    assert created.status_code == 201, created.text
    body = {
        "effective_from": date.today().isoformat(),
        "change_summary": "republished",
        "override_reason": "test",
    }
    published = client.post(
        f"{drafts}/{created.json()['notice']['version']}/publish",
        json=body,
        headers={**keys["publisher"], "If-Match": created.headers["etag"]},
    )
    assert published.status_code == 200, published.text


def test_a_publish_in_this_process_is_served_at_once(
    fresh_client: TestClient, keys: dict[str, dict[str, str]]
) -> None:
    fresh_client.get(NOTICE)
    fresh_client.get(LOOKUP, params=QUESTION)
    until_from_memory(fresh_client, NOTICE)
    until_from_memory(fresh_client, LOOKUP, params=QUESTION)
    _publish_today(fresh_client, keys, SERVICE)
    assert fresh_client.get(NOTICE).json()["notice"]["version"] == 2
    assert fresh_client.get(LOOKUP, params=QUESTION).json()["services"][0]["notice_version"] == 2


def test_a_publish_by_another_process_is_served_within_the_check_interval(
    fresh_client: TestClient, fresh_db: str
) -> None:
    fresh_client.get(NOTICE)
    until_from_memory(fresh_client, NOTICE)
    other = make_engine(Settings(database_url=fresh_db), pooled=False)  # another worker
    with Session(other) as session:
        version = svc.resolve_version(session=session, service_id=SERVICE)
        document = svc.export_document(session=session, version=version)
        svc.import_document(session=session, document=document, effective_from=date.today())
    other.dispose()
    published = time.monotonic()
    while fresh_client.get(NOTICE).json()["notice"]["version"] != 2:
        assert time.monotonic() - published < cache.IN_EFFECT_CHECK_SECONDS + 5
        time.sleep(0.05)


def test_a_computed_answer_never_uses_a_version_superseded_by_another_process(
    fresh_client: TestClient, fresh_db: str
) -> None:
    fresh_client.get(NOTICE)
    until_from_memory(fresh_client, NOTICE)  # the map is loaded and in use
    other = make_engine(Settings(database_url=fresh_db), pooled=False)  # another worker
    with Session(other) as session:
        version = svc.resolve_version(session=session, service_id=SERVICE)
        document = svc.export_document(session=session, version=version)
        svc.import_document(session=session, document=document, effective_from=date.today())
    other.dispose()
    # No request refreshes the map meanwhile: it is still usable for cached bytes, but not
    # confirmed, so a question never asked before is answered from the database.
    time.sleep(cache.IN_EFFECT_CHECK_SECONDS + 0.2)
    answer = fresh_client.get(LOOKUP, params=QUESTION).json()
    assert answer["services"][0]["notice_version"] == 2


def test_the_map_is_not_used_the_next_day(
    fresh_client: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    fresh_client.get(NOTICE)
    until_from_memory(fresh_client, NOTICE)
    in_effect = fresh_client.app.state.in_effect  # type: ignore[attr-defined]
    assert in_effect.get(SERVICE) is not None

    class Tomorrow(date):
        @classmethod
        def today(cls) -> date:
            return date.fromordinal(date.today().toordinal() + 1)

    monkeypatch.setattr(cache, "date", Tomorrow)
    assert in_effect.get(SERVICE) is None
