"""The audit trail: one append-only row per write, including refused ones."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON
from sqlmodel import Field, SQLModel


class AuditEventBase(SQLModel):
    at: datetime = Field(index=True)
    actor: str = Field(max_length=120, index=True, description="The key's name, never the key")
    action: str = Field(max_length=80, index=True)
    target: str = Field(max_length=300, index=True)
    outcome: str = Field(max_length=20, description="ok | denied | rejected")
    before_hash: str | None = Field(default=None, max_length=64)
    after_hash: str | None = Field(default=None, max_length=64)
    detail: dict[str, Any] | None = Field(default=None, sa_type=JSON)


class AuditEvent(AuditEventBase, table=True):
    __tablename__ = "audit_event"
    id: int | None = Field(default=None, primary_key=True)


class AuditEventPublic(AuditEventBase):
    id: int
