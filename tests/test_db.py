"""The engine's connection settings."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import text

from app.config import Settings
from app.db import make_engine


def test_sqlite_connections_get_foreign_keys_wal_and_the_page_cache_setting(
    tmp_path: Path,
) -> None:
    for kib in (256, 4096):
        engine = make_engine(
            Settings(database_url=f"sqlite:///{tmp_path / 'x.db'}", sqlite_cache_kib=kib)
        )
        with engine.connect() as conn:
            assert conn.execute(text("PRAGMA cache_size")).scalar_one() == -kib
            assert conn.execute(text("PRAGMA foreign_keys")).scalar_one() == 1
            assert conn.execute(text("PRAGMA journal_mode")).scalar_one() == "wal"
        engine.dispose()


def test_sqlite_writers_begin_immediately_and_readers_deferred(tmp_path: Path) -> None:
    from sqlalchemy import event

    from app.db import writer

    engine = make_engine(Settings(database_url=f"sqlite:///{tmp_path / 'y.db'}"))
    begun: list[str] = []

    def seen(_conn, _cursor, statement, *_args) -> None:  # type: ignore[no-untyped-def]
        if statement.startswith("BEGIN"):
            begun.append(statement)

    event.listen(engine, "before_cursor_execute", seen)
    with engine.begin() as conn:
        conn.execute(text("SELECT 1"))
    with writer(engine).begin() as conn:
        conn.execute(text("SELECT 1"))
    assert begun == ["BEGIN", "BEGIN IMMEDIATE"]
    engine.dispose()


def test_a_write_session_reads_after_its_commit_without_taking_the_lock_again(
    tmp_path: Path,
) -> None:
    from sqlalchemy import event

    from app.db import Session, writer

    engine = make_engine(Settings(database_url=f"sqlite:///{tmp_path / 'z.db'}"))
    begun: list[str] = []

    def seen(_conn, _cursor, statement, *_args) -> None:  # type: ignore[no-untyped-def]
        if statement.startswith("BEGIN"):
            begun.append(statement)

    event.listen(engine, "before_cursor_execute", seen)
    with Session(writer(engine)) as session:
        session.execute(text("CREATE TABLE t (x INTEGER)"))
        session.commit()
        session.execute(text("SELECT count(*) FROM t"))
    assert begun == ["BEGIN IMMEDIATE", "BEGIN"]
    engine.dispose()
