"""The one Settings class. Every value can be set with a ``ROPA_`` environment variable."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from pydantic import Field, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

PROJECT_ROOT = Path(__file__).resolve().parent.parent


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="ROPA_", env_file=".env", extra="ignore")

    database_url: str = "sqlite:///./ropa.db"
    seed_dir: Path = PROJECT_ROOT / "seed"
    #: Seconds to wait for a database connection before answering 503.
    db_connect_timeout: int = Field(default=3, ge=1)
    #: SQLite: seconds a transaction waits for another's lock before giving up (503).
    sqlite_busy_timeout: float = Field(default=5.0, gt=0, le=60)
    #: SQLite's page cache per connection, in KiB (the OS caches the file once for all).
    sqlite_cache_kib: int = Field(default=256, ge=0)
    db_pool_size: int = Field(default=5, ge=1)
    db_max_overflow: int = Field(default=10, ge=0)
    #: Published documents and finished answers kept in memory (each kind).
    cache_entries: int = Field(default=2048, ge=16)
    access_log: bool = False
    #: Request bodies larger than this are refused with 413.
    max_body_bytes: int = Field(default=1_048_576, ge=1024)
    #: Failed authentications (a key that is not accepted) one client address may make in
    #: ``auth_failure_window`` seconds; after that its requests with a key get 429 until the
    #: window ends. Counted in each process (each worker counts on its own).
    auth_failure_limit: int = Field(default=10, ge=1)
    auth_failure_window: float = Field(default=60.0, gt=0, le=86_400)
    #: Where the public reaches the service: every linked-data identifier (JSON-LD ``@id``,
    #: the ``ropa:`` vocabulary, the ``@context``) is built from it, never from a request's
    #: ``Host``. ``ropa serve`` defaults it to the address it binds.
    public_base_url: str = Field(
        default="http://127.0.0.1:8000", pattern=r"^https?://[^\s/?#]+(/[^\s?#]*)?$"
    )

    @field_validator("public_base_url")
    @classmethod
    def _no_trailing_slash(cls, value: str) -> str:
        return value.rstrip("/")


@lru_cache
def get_settings() -> Settings:
    return Settings()
