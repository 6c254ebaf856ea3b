"""Engine and session. Sync SQLAlchemy sessions used from sync (threadpool) routes only."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from fastapi import Request
from sqlalchemy import Connection, Engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.pool import NullPool
from sqlmodel import Session, create_engine

from app.config import Settings


def make_engine(settings: Settings, *, pooled: bool = True) -> Engine:
    """The engine. ``pooled=False`` (one-shot commands) closes each connection after use."""
    url = make_url(settings.database_url)
    kwargs: dict[str, Any] = {"pool_pre_ping": True}
    if url.get_backend_name() == "sqlite":
        kwargs["connect_args"] = {"check_same_thread": False, "timeout": 15}
    else:
        kwargs["connect_args"] = {"connect_timeout": settings.db_connect_timeout}
    if url.get_backend_name() != "sqlite" and pooled:
        kwargs["pool_size"] = settings.db_pool_size
        kwargs["max_overflow"] = settings.db_max_overflow
        kwargs["pool_timeout"] = settings.db_connect_timeout
    if not pooled:
        kwargs["poolclass"] = NullPool
    engine = create_engine(url, **kwargs)
    if url.get_backend_name() == "sqlite":

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
            cursor = dbapi_connection.cursor()
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.execute(f"PRAGMA cache_size=-{int(settings.sqlite_cache_kib)}")
            if url.database not in (None, "", ":memory:"):
                cursor.execute("PRAGMA journal_mode=WAL")
            cursor.close()

    return engine


def connect(request: Request) -> Connection:
    """A connection for a read-only route that needs Core queries only, used as
    ``with connect(request) as conn:`` inside a ``def`` route. Cheaper than :func:`get_session`
    on a hot path: a ``yield`` dependency costs two threadpool hops per request."""
    engine: Engine = request.app.state.engine
    return engine.connect()


def get_session(request: Request) -> Iterator[Session]:
    """One session per request; services commit, this only closes."""
    with Session(request.app.state.engine) as session:
        yield session
