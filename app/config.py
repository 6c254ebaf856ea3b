"""The one Settings class. Every value can be set with a ``ROPA_`` environment variable."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

PROJECT_ROOT = Path(__file__).resolve().parent.parent


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="ROPA_", env_file=".env", extra="ignore")

    database_url: str = "sqlite:///./ropa.db"
    seed_dir: Path = PROJECT_ROOT / "seed"
    #: Seconds to wait for a database connection before answering 503.
    db_connect_timeout: int = 3
    #: SQLite's page cache per connection, in KiB (SQLite's default is 2,000). The operating
    #: system already caches the file once for every connection and process; a large cache per
    #: pooled connection holds the same pages again (up to 15 times), growing the process by
    #: ~50 MB under a lookup load for no speed (bench/NOTES.md).
    sqlite_cache_kib: int = Field(default=256, ge=0)
    db_pool_size: int = 5
    db_max_overflow: int = 10
    #: Rendered/serialised published versions kept in memory (they never change).
    cache_entries: int = 2048
    #: ``gc.set_threshold`` for the service process; ``null`` keeps Python's (700, 10, 10).
    #: A computed lookup allocates thousands of short-lived objects, so with Python's
    #: thresholds the collector runs several times per request; fewer, larger collections cut
    #: the 99th percentile under load (bench/NOTES.md has the measurements, which vary).
    #: Objects alive at start-up are frozen either way.
    gc_threshold: tuple[int, int, int] | None = (20_000, 20, 20)
    access_log: bool = False
    #: Request bodies larger than this are refused with 413.
    max_body_bytes: int = 1_048_576


@lru_cache
def get_settings() -> Settings:
    return Settings()
