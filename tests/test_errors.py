"""Which database errors are the database being unavailable (503), and which are bugs (500)."""

from __future__ import annotations

import sqlite3

import psycopg
from sqlalchemy.exc import IntegrityError, OperationalError, ProgrammingError
from sqlalchemy.exc import TimeoutError as PoolTimeout

from app.errors import database_unavailable


def _wrapped(orig: BaseException, *, invalidated: bool = False) -> OperationalError:
    return OperationalError("SELECT 1", {}, orig, connection_invalidated=invalidated)


def test_transient_database_errors_are_unavailable() -> None:
    for exc in (
        PoolTimeout("QueuePool limit of size 5 overflow 10 reached"),
        _wrapped(sqlite3.OperationalError("database is locked")),
        _wrapped(sqlite3.OperationalError("unable to open database file")),
        _wrapped(psycopg.errors.AdminShutdown("terminating connection")),
        _wrapped(psycopg.errors.LockNotAvailable("could not obtain lock")),
        _wrapped(psycopg.errors.QueryCanceled("canceling statement due to lock timeout")),
        _wrapped(psycopg.OperationalError("connection failed: Connection refused")),
        _wrapped(RuntimeError("anything"), invalidated=True),
    ):
        assert database_unavailable(exc), exc


def test_other_database_errors_are_bugs() -> None:
    for exc in (
        _wrapped(sqlite3.OperationalError("no such table: service")),
        ProgrammingError("SELECT", {}, psycopg.errors.UndefinedTable("no such table")),
        IntegrityError("INSERT", {}, sqlite3.IntegrityError("UNIQUE constraint failed")),
        ValueError("not a database error"),
    ):
        assert not database_unavailable(exc), exc
