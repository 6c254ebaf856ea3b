"""API keys. Only a SHA-256 hash of each key is stored; the key itself is shown once."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Field, SQLModel

SCOPES = ("editor", "publisher", "auditor", "admin")


class ApiKeyBase(SQLModel):
    name: str = Field(max_length=120, unique=True)
    scope: str = Field(max_length=20, description="editor | publisher | auditor | admin")


class ApiKey(ApiKeyBase, table=True):
    __tablename__ = "api_key"
    id: int | None = Field(default=None, primary_key=True)
    prefix: str = Field(max_length=16, index=True, description="Public lookup part of the key")
    key_hash: str = Field(max_length=64)
    created_at: datetime
    revoked_at: datetime | None = None


class ApiKeyPublic(ApiKeyBase):
    prefix: str
    created_at: datetime
    revoked_at: datetime | None
