"""Appending and reading audit events. Events are never updated or deleted."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import func, or_
from sqlmodel import Session, col, select

from app.audit.models import AuditEvent


def content_hash(data: Any) -> str | None:
    """A stable SHA-256 of JSON-serialisable content (before/after snapshots)."""
    if data is None:
        return None
    canonical = json.dumps(data, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(canonical.encode()).hexdigest()


def record(
    *,
    session: Session,
    actor: str,
    action: str,
    target: str,
    outcome: str = "ok",
    before: Any = None,
    after: Any = None,
    detail: dict[str, Any] | None = None,
) -> AuditEvent:
    """Add an event to the caller's transaction; the caller's commit makes it durable."""
    event = AuditEvent(
        at=datetime.now(UTC),
        actor=actor[:120],
        action=action,
        target=target[:300],
        outcome=outcome,
        before_hash=content_hash(before),
        after_hash=content_hash(after),
        detail=detail,
    )
    session.add(event)
    return event


def record_now(
    *,
    session: Session,
    actor: str,
    action: str,
    target: str,
    outcome: str,
    detail: dict[str, Any] | None = None,
) -> None:
    """Record and commit at once: for refusals, which have no transaction of their own."""
    session.rollback()
    record(
        session=session, actor=actor, action=action, target=target, outcome=outcome, detail=detail
    )
    session.commit()


def list_events(
    *,
    session: Session,
    actor: str | None,
    action: str | None,
    target: str | None,
    outcome: str | None,
    since: datetime | None,
    until: datetime | None,
    limit: int,
    offset: int,
    within: Sequence[str] | None = None,
) -> tuple[Sequence[AuditEvent], int]:
    """Events matching the filters, newest first; with ``within``, only events whose target
    is one of those targets or below one."""
    query = select(AuditEvent)
    if within is not None:
        query = query.where(
            or_(
                col(AuditEvent.target).in_(within),
                *(col(AuditEvent.target).startswith(t + "/", autoescape=True) for t in within),
            )
        )
    if actor is not None:
        query = query.where(AuditEvent.actor == actor)
    if action is not None:
        query = query.where(AuditEvent.action == action)
    if target is not None:
        query = query.where(col(AuditEvent.target).startswith(target, autoescape=True))
    if outcome is not None:
        query = query.where(AuditEvent.outcome == outcome)
    if since is not None:
        query = query.where(AuditEvent.at >= since)
    if until is not None:
        query = query.where(AuditEvent.at < until)
    total = session.exec(select(func.count()).select_from(query.subquery())).one()
    rows = session.exec(query.order_by(col(AuditEvent.id).desc()).limit(limit).offset(offset)).all()
    return rows, total
