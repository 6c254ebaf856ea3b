"""API keys. Only a SHA-256 hash of each key is stored; the key itself is shown once.

A key is bound to the controllers (councils) it may act on; an admin key bound to none is
global. A key may expire. Rotating a key gives it a new secret; the previous secret can be
kept working for a short overlap (``previous_*``).
"""

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
    #: The key is refused from this moment (None: it does not expire).
    expires_at: datetime | None = None
    rotated_at: datetime | None = None
    #: The secret before the last rotation, accepted until ``previous_valid_until``.
    previous_prefix: str | None = Field(default=None, max_length=16, index=True)
    previous_hash: str | None = Field(default=None, max_length=64)
    previous_valid_until: datetime | None = None


class ApiKeyController(SQLModel, table=True):
    """The controllers a key may act on."""

    __tablename__ = "api_key_controller"
    key_id: int = Field(foreign_key="api_key.id", primary_key=True, ondelete="CASCADE")
    controller_id: str = Field(foreign_key="controller.id", primary_key=True, index=True)


class ApiKeyPublic(ApiKeyBase):
    prefix: str
    created_at: datetime
    revoked_at: datetime | None
    expires_at: datetime | None
    rotated_at: datetime | None
    controllers: list[str]
