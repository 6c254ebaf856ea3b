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
