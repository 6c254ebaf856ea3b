"""Finished bytes of immutable content (published versions), and conditional GET.

Published versions never change, so their serialised or rendered bytes are cached by
(version id, representation) with no invalidation problem. ETags are strong: a hash of the bytes.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
import math
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Coroutine, Hashable
from dataclasses import dataclass
from datetime import date
from typing import Any, NamedTuple, TypeVar

from fastapi import Request, Response
from fastapi.routing import APIRoute
from sqlalchemy import Engine, event, func, select

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Representation:
    body: bytes
    media_type: str
    etag: str


def strong_etag(body: bytes) -> str:
    """A strong ETag: a hash of the exact bytes."""
    return '"' + hashlib.sha256(body).hexdigest()[:32] + '"'


def representation(body: bytes, media_type: str) -> Representation:
    return Representation(body, media_type, strong_etag(body))


class BytesCache:
    """A small thread-safe LRU of representations."""

    def __init__(self, max_entries: int) -> None:
        self._max = max_entries
        self._items: OrderedDict[Hashable, Representation] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: Hashable) -> Representation | None:
        with self._lock:
            found = self._items.get(key)
            if found is not None:
                self._items.move_to_end(key)
            return found

    def put(self, key: Hashable, rep: Representation) -> None:
        with self._lock:
            self._items[key] = rep
            self._items.move_to_end(key)
            while len(self._items) > self._max:
                self._items.popitem(last=False)

    def get_or_make(self, key: Hashable, make: Callable[[], Representation]) -> Representation:
        with self._lock:
            found = self._items.get(key)
            if found is not None:
                self._items.move_to_end(key)
                return found
        made = make()
        with self._lock:
            self._items[key] = made
            while len(self._items) > self._max:
                self._items.popitem(last=False)
        return made


def etag_matches(if_none_match: str | None, etag: str) -> bool:
    if not if_none_match:
        return False
    if if_none_match.strip() == "*":
        return True
    candidates = {c.strip().removeprefix("W/") for c in if_none_match.split(",")}
    return etag in candidates


def conditional_response(
    request: Request, rep: Representation, *, cache_control: str = "public, max-age=300"
) -> Response:
    headers = {"ETag": rep.etag, "Cache-Control": cache_control, "Vary": "Accept"}
    if etag_matches(request.headers.get("if-none-match"), rep.etag):
        return Response(status_code=304, headers=headers)
    return Response(content=rep.body, media_type=rep.media_type, headers=headers)


# --- fast paths ------------------------------------------------------------------------------
#
# The read endpoints that serve immutable bytes (the notice document, the rendered notice, a
# lawful-basis answer of a published version) spend most of their time on the way to the cache,
# not in it: a threadpool hop per sync dependency and route, a session, two ORM queries to find
# the version in effect, parameter validation. A *fast path* answers a request from memory
# before any of that, in the event loop, when it can; otherwise (anything unusual, a miss, a
# stale map) it declines and the route runs as declared, filling the caches for next time.

#: How often the fast paths' map of the versions in effect is checked against the database (a
#: query on one index), and so how long a version published by another worker process can take
#: to be served by this one. This process's own writes invalidate the map at once.
IN_EFFECT_CHECK_SECONDS = 1.0
#: The map is reloaded this often even when the check finds nothing changed.
IN_EFFECT_RELOAD_SECONDS = 60.0
#: A map not confirmed for this long (the database is down) is not used at all.
IN_EFFECT_MAX_AGE_SECONDS = 30.0

FastPath = Callable[[Request], Response | None]
_E = TypeVar("_E", bound=Callable[..., Any])


def fast_path(fn: FastPath) -> Callable[[_E], _E]:
    """Give a route's endpoint a fast path (the router must use :class:`FastPathRoute`).

    ``fn(request)`` runs in the event loop before dependencies and parameters are solved; it
    must not block, and returns a response or ``None`` to let the route run.
    """

    def attach(endpoint: _E) -> _E:
        endpoint.fast_path = fn  # type: ignore[attr-defined]
        return endpoint

    return attach


class FastPathRoute(APIRoute):
    """An ``APIRoute`` that first offers the request to its endpoint's fast path, if any."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()
        fast: FastPath | None = getattr(self.endpoint, "fast_path", None)
        if fast is None:
            return handler

        async def with_fast_path(request: Request) -> Response:
            response = fast(request)
            if response is not None:
                return response
            return await handler(request)

        return with_fast_path


class Writes:
    """Counts transactions that wrote (INSERT, UPDATE, DELETE) through an engine and committed."""

    def __init__(self, engine: Engine) -> None:
        self.count = 0
        event.listen(engine, "before_cursor_execute", self._statement)
        event.listen(engine, "commit", self._commit)
        event.listen(engine, "rollback", self._rollback)

    def _statement(self, conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        if statement.lstrip()[:6].upper() in ("INSERT", "UPDATE", "DELETE"):
            conn.info["ropa_wrote"] = True

    def _commit(self, conn: Any) -> None:
        if conn.info.pop("ropa_wrote", False):
            self.count += 1

    def _rollback(self, conn: Any) -> None:
        conn.info.pop("ropa_wrote", None)


class Current(NamedTuple):
    """A service's public notice version in effect today."""

    id: int
    version: int
    status: str
    effective_from: date


class InEffect:
    """Which public notice version of each service is in effect today, for the fast paths.

    One query loads the whole map (a row per service). Every :data:`IN_EFFECT_CHECK_SECONDS` a
    worker thread checks whether any version has been published since (the count and latest of
    ``notice_version.effective_from``, which only publishing and importing set: drafts have
    none, on one index) and reloads the map when so, when the day has changed, when this process
    has committed a write since (its own publish), or every :data:`IN_EFFECT_RELOAD_SECONDS`.
    The map is not used at all when the day has changed, when this process has written since
    it was loaded, or when it has not been confirmed for :data:`IN_EFFECT_MAX_AGE_SECONDS`; the
    routes then answer from the database.
    """

    def __init__(self, engine: Engine) -> None:
        self._engine = engine
        self._writes = Writes(engine)
        self._versions: dict[str, Current] = {}
        self._day: date | None = None
        self._generation = -1
        self._signature: tuple[Any, ...] | None = None
        self._loaded_at = self._checked_at = -math.inf
        self._refreshing = False
        self._lock = threading.Lock()

    def get(self, service_id: str) -> Current | None:
        """The version in effect today, or None: ask the database."""
        age = time.monotonic() - self._checked_at
        usable = (
            self._day == date.today()
            and self._generation == self._writes.count
            and age < IN_EFFECT_MAX_AGE_SECONDS
        )
        if (not usable or age >= IN_EFFECT_CHECK_SECONDS) and not self._refreshing:
            self._refresh_soon()
        return self._versions.get(service_id) if usable else None

    def confirmed(self, service_id: str) -> Current | None:
        """The version in effect today if the map was checked against the database within
        :data:`IN_EFFECT_CHECK_SECONDS`, else None. For a route that computes an answer from
        the database anyway: it must not use a version another process has just superseded."""
        fresh = time.monotonic() - self._checked_at < IN_EFFECT_CHECK_SECONDS
        return self.get(service_id) if fresh else None

    def _refresh_soon(self) -> None:
        try:
            loop = asyncio.get_running_loop()
            self._refreshing = True
            loop.run_in_executor(None, self.refresh)
        except RuntimeError:  # no running loop, or its executor is shut down
            self._refreshing = False

    def refresh(self) -> None:
        """Check the map against the database, and reload it if needed (in a worker thread)."""
        from app.register.service import version_in_effect_clause
        from app.tables import metadata

        nv = metadata.tables["notice_version"]
        signature_query = select(
            func.count(nv.c.effective_from),
            func.max(nv.c.effective_from),
            func.count(),
            func.max(nv.c.id),
        )
        try:
            with self._lock, self._engine.connect() as conn:
                started, day, generation = time.monotonic(), date.today(), self._writes.count
                signature = tuple(conn.execute(signature_query).one())
                if (
                    signature == self._signature
                    and day == self._day
                    and generation == self._generation
                    and started - self._loaded_at < IN_EFFECT_RELOAD_SECONDS
                ):
                    self._checked_at = started
                    return
                rows = conn.execute(
                    select(
                        nv.c.service_id, nv.c.id, nv.c.version, nv.c.status, nv.c.effective_from
                    ).where(version_in_effect_clause(day))
                ).all()
                self._versions = {r.service_id: Current(*r[1:]) for r in rows}
                self._day, self._generation, self._signature = day, generation, signature
                self._loaded_at = self._checked_at = started
        except Exception:  # the database is down: the routes will say so
            log.warning("could not load the versions in effect", exc_info=True)
        finally:
            self._refreshing = False
