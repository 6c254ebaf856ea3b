"""Serving the register over HTTP: its current state, and finished answers kept in memory.

A read route describes its answer by a key and a function that makes its bytes; :func:`answer`
serves the bytes kept under that key and the register's revisions (see :mod:`app.cache`), or
makes them in a worker thread on a session of its own. A route whose answer is about one
published version keys it by the version's id instead, so it is kept across changes elsewhere.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable
from datetime import date
from typing import Any, NamedTuple

from fastapi import Request, Response
from starlette.concurrency import run_in_threadpool

from app.cache import LRU, Representation, representation
from app.db import Session
from app.deps import one_selector
from app.errors import NotFound
from app.http import CURRENT, conditional_response
from app.register import service as svc
from app.register import store
from app.register.current import Register, State
from app.register.document import VersionStatus

JSON = "application/json"


def register_of(request: Request) -> Register:
    register: Register = request.app.state.register
    return register


async def current_state(request: Request) -> State:
    """The register's state; from memory unless the database has changed."""
    register = register_of(request)
    known = register.peek()
    return known if known is not None else await run_in_threadpool(register.state)


def kept(request: Request) -> LRU[Hashable, Representation]:
    cache: LRU[Hashable, Representation] = request.app.state.responses
    return cache


async def answer(
    request: Request,
    key: Hashable,
    make: Callable[[Session, State], bytes],
    *,
    media_type: str = JSON,
    cache_control: str = CURRENT,
    by_state: bool = True,
    headers: dict[str, str] | None = None,
) -> Response:
    """The answer kept under ``key`` (and, when ``by_state``, the register's revisions and
    day), or made now by ``make(session, state)``."""
    rep = await kept_answer(request, key, make, media_type=media_type, by_state=by_state)
    return conditional_response(request, rep, cache_control=cache_control, headers=headers)


async def kept_answer(
    request: Request,
    key: Hashable | None,
    make: Callable[[Session, State], bytes],
    *,
    media_type: str = JSON,
    by_state: bool = True,
) -> Representation:
    """The bytes :func:`answer` serves. ``key=None``: made now and not kept (e.g. an answer
    that shows drafts, which change without a publication)."""
    state = await current_state(request)
    full_key = (key, state.key) if by_state else key
    cache = kept(request)
    rep = cache.get(full_key) if key is not None else None
    if rep is None:
        engine = request.app.state.engine

        def build() -> Representation:
            with Session(engine) as session:
                return representation(make(session, state), media_type)

        rep = await run_in_threadpool(build)
        if key is not None:
            cache.put(full_key, rep)
    return rep


# --- choosing a version ----------------------------------------------------------------------


class Chosen(NamedTuple):
    """A published version, chosen by number or by date. ``status`` is what it is on the day
    it was chosen for; by number, its representations leave the status out."""

    id: int
    status: VersionStatus
    by_number: bool


async def choose(
    request: Request,
    service_id: str,
    at: date | None,
    version: int | None,
    recorded_at: date | None = None,
) -> Chosen:
    """The version ``at``/``version`` select (default: today's), from memory when it is
    today's, else from the database (404 when there is none). With ``recorded_at``: the
    version the register, as it stood at the end of that day, said was in effect on ``at``
    (default: that day), with the status it then had."""
    one_selector(at, version, recorded_at)
    state = await current_state(request)
    if recorded_at is not None:
        return await run_in_threadpool(
            chosen_as_recorded, request.app.state.engine, service_id, at, recorded_at
        )
    if version is None and at in (None, state.day):
        current = state.current.get(service_id)
        if current is not None:
            status = store.public_status(current.effective_from, current.effective_to, state.day)
            return Chosen(current.id, status, False)

    numbers: LRU[tuple[str, int], Chosen] = request.app.state.version_numbers
    if version is not None:  # a published version's number never changes
        known = numbers.get((service_id, version))
        if known is not None:
            return known

    def find() -> Chosen:
        with Session(request.app.state.engine) as session:
            row = svc.resolve_version(
                session=session, state=state, service_id=service_id, at=at, version=version
            )
            assert row.id is not None
            return Chosen(row.id, store.status_of(row, state.day), version is not None)

    chosen = await run_in_threadpool(find)
    if version is not None:
        numbers.put((service_id, version), chosen)
    return chosen


def chosen_as_recorded(engine: Any, service_id: str, at: date | None, recorded_at: date) -> Chosen:
    day = at or recorded_at
    with Session(engine) as session:
        svc.get_service(session=session, service_id=service_id)
        held = store.recorded_versions(
            session=session, recorded_on=recorded_at, service_ids=[service_id]
        )
    row = next((v for v in held if store.was_in_effect(v, day)), None)
    if row is None or row.id is None:
        raise NotFound(
            f"On {recorded_at} the register held no notice of '{service_id}' in effect on {day}"
        )
    status = store.public_status(row.effective_from, row.effective_to, recorded_at)
    return Chosen(row.id, status, False)
