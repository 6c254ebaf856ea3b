"""What the service keeps in memory (app/cache.py, app/register/current.py): answers from
memory when nothing changed, never stale when something did, whoever changed it.

A "change by another process" is made through an engine of its own on the same database, so
this application hears of it only from the database: SQLite's ``PRAGMA data_version`` (read
on the next request) or PostgreSQL's ``LISTEN`` (waited for on an event, never a sleep).
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, timedelta

from fastapi.testclient import TestClient
from helpers import changed_draft, import_doc, revised
from sqlalchemy import event
from sqlmodel import Session

from app.config import Settings
from app.db import make_engine, signal_for, writer
from app.register.current import Register
from app.register.seeds import SeedSet

SERVICE = "camden-early-help"
NOTICE = f"/v1/services/{SERVICE}/notice"
LOOKUP = f"/v1/services/{SERVICE}/lawful-basis"
QUESTION = {"recipient": "police", "data_category": "special.health"}
PUBLIC_GETS = [
    NOTICE,
    f"{NOTICE}/render",
    f"{NOTICE}/checks",
    f"{NOTICE}/versions/1",
    "/v1/services",
    f"/v1/services/{SERVICE}",
    "/v1/controllers",
    "/v1/activities",
    f"/v1/activities/{SERVICE}.eylog",
    "/v1/parties",
    "/v1/data-categories",
]


@contextmanager
def sql_run(client: TestClient) -> Iterator[list[str]]:
    """The SQL statements run on the application's engine while inside."""
    seen: list[str] = []

    def record(_conn, _cursor, statement, *_args) -> None:  # type: ignore[no-untyped-def]
        seen.append(statement)

    engine = client.app.state.engine  # type: ignore[attr-defined]
    event.listen(engine, "before_cursor_execute", record)
    try:
        yield seen
    finally:
        event.remove(engine, "before_cursor_execute", record)


def from_memory(client: TestClient, path: str, **kwargs: object) -> bool:
    with sql_run(client) as seen:
        response = client.get(path, **kwargs)  # type: ignore[arg-type]
    assert response.status_code in (200, 304), response.text
    return not seen


def test_a_repeated_request_is_answered_from_memory(fresh_client: TestClient) -> None:
    for path in PUBLIC_GETS:
        first = fresh_client.get(path)
        assert first.status_code == 200, path
        assert from_memory(fresh_client, path), f"{path} ran SQL when nothing had changed"
        assert fresh_client.get(path).content == first.content
    # A question never asked: computed (from the document the reader keeps in memory, so
    # without SQL) and kept; asked again: served as kept.
    kept = fresh_client.app.state.responses  # type: ignore[attr-defined]
    before = len(kept)
    assert fresh_client.get(LOOKUP, params=QUESTION).status_code == 200
    assert len(kept) == before + 1
    assert from_memory(fresh_client, LOOKUP, params=QUESTION)
    assert len(kept) == before + 1


def test_a_publish_in_this_process_is_served_at_once(
    fresh_client: TestClient, keys: dict[str, dict[str, str]]
) -> None:
    assert fresh_client.get(NOTICE).json()["notice"]["version"] == 1
    answer = fresh_client.get(LOOKUP, params=QUESTION).json()
    assert answer["services"][0]["notice_version"] == 1
    drafts = f"{NOTICE}/drafts"
    created = changed_draft(fresh_client, NOTICE, keys["editor"])
    published = fresh_client.post(
        f"{drafts}/2/publish",
        json={"change_summary": "reviewed", "override_reason": "seed mistakes"},
        headers={**keys["publisher"], "If-Match": created.headers["etag"]},
    )
    assert published.status_code == 200, published.text
    assert fresh_client.get(NOTICE).json()["notice"]["version"] == 2
    assert fresh_client.get(LOOKUP, params=QUESTION).json()["services"][0]["notice_version"] == 2
    listed = fresh_client.get("/v1/services/" + SERVICE).json()
    assert listed["current_version"] == 2


def _changed_elsewhere(client: TestClient, url: str, seed: SeedSet) -> None:
    """Publish a new version of the service through an engine of its own, and wait until this
    application's change signal has moved (PostgreSQL: its listener heard the commit)."""
    signal = signal_for(client.app.state.engine)  # type: ignore[attr-defined]
    assert signal is not None and signal.ready.wait(10)
    before = signal.token()
    moved = threading.Event()
    if client.app.state.engine.url.get_backend_name() == "postgresql":  # type: ignore[attr-defined]
        signal.on_change = moved.set  # type: ignore[attr-defined]
    else:
        moved.set()
    other = make_engine(Settings(database_url=url))
    document = next(d for d in seed.documents if d.service.id == SERVICE)
    with Session(writer(other)) as session:
        import_doc(session, revised(document.model_copy(deep=True)))
    other.dispose()
    assert moved.wait(10), "the database's change notification never arrived"
    assert signal.token() != before


def test_a_publish_by_another_process_is_served_on_the_next_request(
    fresh_client: TestClient, fresh_db: str, seed: SeedSet
) -> None:
    for path in PUBLIC_GETS[:2]:
        fresh_client.get(path)
    answer = fresh_client.get(LOOKUP, params=QUESTION).json()
    assert answer["services"][0]["notice_version"] == 1
    _changed_elsewhere(fresh_client, fresh_db, seed)
    assert fresh_client.get(NOTICE).json()["notice"]["version"] == 2
    assert fresh_client.get(LOOKUP, params=QUESTION).json()["services"][0]["notice_version"] == 2
    assert fresh_client.get("/v1/services/" + SERVICE).json()["current_version"] == 2


def test_the_state_is_read_again_the_next_day(fresh_db: str) -> None:
    engine = make_engine(Settings(database_url=fresh_db))
    day = [date.today()]
    from app.db import ChangeSignal

    signal = ChangeSignal(engine)
    register = Register(engine, signal, today=lambda: day[0])
    assert signal.ready.wait(10), "the change signal never became ready"
    try:
        first = register.state()
        assert register.peek() is first
        day[0] += timedelta(days=1)
        assert register.peek() is None, "yesterday's state is not used"
        second = register.state()
        assert second.day == day[0] and second is not first
        assert second.vocabulary is first.vocabulary, "the vocabulary did not change"
    finally:
        signal.close()
        engine.dispose()


def test_a_write_that_changes_nothing_kept_does_not_reload_the_vocabulary(
    fresh_client: TestClient, keys: dict[str, dict[str, str]]
) -> None:
    register: Register = fresh_client.app.state.register  # type: ignore[attr-defined]
    before = register.state()
    # a refused publish writes an audit event only
    fresh_client.post(f"{NOTICE}/drafts", headers=keys["editor"])
    after = register.state()
    assert after.vocabulary is before.vocabulary
    assert after.revisions == before.revisions
