"""The database: engine, sessions, and the signal that says it may have changed.

Sync SQLAlchemy sessions are used from sync (threadpool) routes and services only. Reads use
:func:`get_session`; writes use :func:`get_write_session`, which on SQLite opens its transaction
with ``BEGIN IMMEDIATE`` so that writers queue for the lock at the start (bounded by the busy
timeout) instead of failing half-way.

:class:`ChangeSignal` is how a process learns that another connection or process committed
something, without asking the database on every request: on SQLite ``PRAGMA data_version``
(on a connection of its own), on PostgreSQL ``LISTEN ropa_changed`` (a trigger notifies at the
commit of every change to ``register_meta``). What a process keeps in memory about the register
is checked against the database only when the signal has moved.
"""

from __future__ import annotations

import itertools
import logging
import sqlite3
import threading
import weakref
from collections.abc import Callable, Hashable, Iterator
from typing import Any

import psycopg
import sqlmodel
from fastapi import Request
from sqlalchemy import Engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError
from sqlalchemy.pool import NullPool
from sqlmodel import create_engine

from app.config import Settings

log = logging.getLogger(__name__)

#: The PostgreSQL channel notified at the commit of every change to ``register_meta``.
CHANNEL = "ropa_changed"


def make_engine(settings: Settings, *, pooled: bool = True) -> Engine:
    """The engine. ``pooled=False`` (one-shot commands) closes each connection after use."""
    url = make_url(settings.database_url)
    sqlite = url.get_backend_name() == "sqlite"
    kwargs: dict[str, Any] = {"pool_pre_ping": True}
    if sqlite:
        kwargs["connect_args"] = {
            "check_same_thread": False,
            "timeout": settings.sqlite_busy_timeout,
        }
    else:
        kwargs["connect_args"] = {"connect_timeout": settings.db_connect_timeout}
        if pooled:
            kwargs["pool_size"] = settings.db_pool_size
            kwargs["max_overflow"] = settings.db_max_overflow
            kwargs["pool_timeout"] = settings.db_connect_timeout
    if not pooled:
        kwargs["poolclass"] = NullPool
    engine = create_engine(url, **kwargs)
    if sqlite:
        _sqlite_transactions(engine, settings, file=url.database not in (None, "", ":memory:"))
    return engine


def _sqlite_transactions(engine: Engine, settings: Settings, *, file: bool) -> None:
    """SQLite: foreign keys on, WAL for files, and transactions begun by us (the driver's own
    implicit BEGIN is turned off) so a write transaction can be ``BEGIN IMMEDIATE``."""

    @event.listens_for(engine, "connect")
    def _connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute(f"PRAGMA cache_size=-{int(settings.sqlite_cache_kib)}")
        if file:
            cursor.execute("PRAGMA journal_mode=WAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _begin(conn: Any) -> None:
        write = conn.get_execution_options().get("ropa_write", False)
        conn.exec_driver_sql("BEGIN IMMEDIATE" if write else "BEGIN")


class Session(sqlmodel.Session):
    """A session whose ``close`` does not fail when the database has already dropped its
    connection (a backend terminated, a server restarted, a network cut).

    Closing rolls back the open transaction; on a connection the server has closed, that
    rollback fails, SQLAlchemy invalidates the connection (the pool discards it and the next
    checkout makes a new one) and re-raises. There is nothing left to roll back (the server
    ended the transaction with the connection), so the error is logged, not raised: raised, it
    would surface after the response was sent (a dependency's exit, a streamed export's end)
    and reset the client's connection, or replace the error that really happened. Any other
    failure to close is raised as before.
    """

    def close(self) -> None:
        try:
            super().close()
        except DBAPIError as exc:
            if not exc.connection_invalidated:
                raise
            log.warning("closed a session whose database connection was lost: %s", exc.orig)


def writer(engine: Engine) -> Engine:
    """The engine for a transaction that will write (same pool)."""
    return engine.execution_options(ropa_write=True)


def get_session(request: Request) -> Iterator[Session]:
    """One session per request for reading; services that write commit, this only closes."""
    with Session(request.app.state.engine) as session:
        yield session


def get_write_session(request: Request) -> Iterator[Session]:
    """One session per request that writes (``BEGIN IMMEDIATE`` on SQLite)."""
    with Session(writer(request.app.state.engine)) as session:
        yield session


# --- the change signal -----------------------------------------------------------------------

_signals: weakref.WeakKeyDictionary[Engine, ChangeSignal] = weakref.WeakKeyDictionary()


class ChangeSignal:
    """A token that changes whenever the database may have changed.

    ``token()`` returns a hashable value, or ``None`` when the signal cannot vouch for anything
    (its listener is not connected): callers then ask the database. :meth:`poke` moves it at
    once, for this process's own commits (the other processes hear of them from the database).
    """

    def __init__(self, engine: Engine) -> None:
        self._engine = engine
        self._pokes = itertools.count()
        self._poked = next(self._pokes)
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._notified = 0
        self._listening = False
        #: Set once the signal can vouch for the database (at once on SQLite).
        self.ready = threading.Event()
        #: Called (on the listener's thread) each time the database says something changed.
        self.on_change: Callable[[], None] | None = None
        self._sqlite: sqlite3.Connection | None = None
        self._thread: threading.Thread | None = None
        url = engine.url
        if url.get_backend_name() == "sqlite":
            if url.database not in (None, "", ":memory:"):
                self._sqlite = sqlite3.connect(
                    url.database, check_same_thread=False, isolation_level=None
                )
                self.ready.set()
        else:
            self._conninfo = url.set(drivername="postgresql").render_as_string(hide_password=False)
            self._thread = threading.Thread(target=self._listen, name="ropa-listen", daemon=True)
            self._thread.start()
        _signals[engine] = self

    def token(self) -> Hashable | None:
        if self._sqlite is not None:
            with self._lock:
                try:
                    version = self._sqlite.execute("PRAGMA data_version").fetchone()[0]
                except sqlite3.Error:
                    return None
            return (self._poked, version)
        if self._thread is not None and self._listening:
            return (self._poked, self._notified)
        return None

    def poke(self) -> None:
        self._poked = next(self._pokes)

    def close(self) -> None:
        self._stop.set()
        if self._sqlite is not None:
            with self._lock:
                self._sqlite.close()
            self._sqlite = None
        if self._thread is not None:
            self._thread.join(timeout=5)

    def _listen(self) -> None:
        """Hold ``LISTEN`` on a connection of its own; reconnect after any failure. The token
        is ``None`` whenever no listening connection is up, so nothing is missed."""
        wait = 0.1
        while not self._stop.is_set():
            try:
                with psycopg.connect(self._conninfo, autocommit=True, connect_timeout=3) as conn:
                    conn.execute(f"LISTEN {CHANNEL}")
                    self._notified += 1  # anything may have happened while not listening
                    self._listening, wait = True, 0.1
                    self.ready.set()
                    while not self._stop.is_set():
                        for _ in conn.notifies(timeout=0.5):
                            self._notified += 1
                            if self.on_change is not None:
                                self.on_change()
            except psycopg.Error as exc:
                log.warning("lost the database change listener (%s); retrying", exc)
            self._listening = False
            self.ready.clear()
            self._stop.wait(wait)
            wait = min(wait * 2, 5.0)


def signal_for(engine: Engine) -> ChangeSignal | None:
    return _signals.get(engine)


@event.listens_for(sqlmodel.Session, "after_commit")
def _after_commit(session: sqlmodel.Session) -> None:
    """A commit that changed what the register keeps in memory moves this process's signal
    at once (other processes learn it from the database).

    A write session's reads after its commit (the response, a refresh) begin deferred
    transactions: the write lock is not taken again for them, so a committed write is not
    answered 503 because another writer holds the lock, nor holds it while its response is
    made."""
    bind = session.bind
    # a writer() engine is a proxy of the application's engine, whose signal this is
    engine = getattr(bind, "_proxied", bind)
    if bind is not engine and isinstance(engine, Engine):
        session.bind = engine
    if session.info.pop("ropa_changed", False):
        sig = _signals.get(engine) if isinstance(engine, Engine) else None
        if sig is not None:
            sig.poke()


@event.listens_for(sqlmodel.Session, "after_rollback")
def _after_rollback(session: sqlmodel.Session) -> None:
    session.info.pop("ropa_changed", None)
