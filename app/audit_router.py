"""Reading the audit trail (auditor): ``GET /v1/audit-events``. No route changes or deletes an
event.

The trail's HTTP face sits above the register and the keys it reads; the trail itself
(``app/audit``) stays below everything that records into it."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query
from sqlmodel import Session

from app.audit import service as audit
from app.audit.models import AuditEventPublic
from app.auth.deps import require
from app.auth.service import Principal
from app.db import get_session
from app.errors import problem_responses
from app.pagination import Page, PageParams, page_params
from app.patterns import LINE_PATTERN, Instant
from app.register.service import services_of_controllers

router = APIRouter(prefix="/v1", tags=["audit"])

Filter = Annotated[str | None, Query(max_length=300, pattern=LINE_PATTERN)]


def _targets(session: Session, controllers: list[str]) -> list[str]:
    """The audit targets about these controllers: each one and each of its services, as the
    services name them and as request paths (refusals)."""
    services = services_of_controllers(session=session, controller_ids=controllers)
    names = [f"controllers/{c}" for c in controllers] + [
        f"services/{s}" for ids in services.values() for s in ids
    ]
    return names + [f"/v1/{n}" for n in names]


@router.get("/audit-events", responses=problem_responses(401, 403, 422, 503))
def list_audit_events(
    session: Annotated[Session, Depends(get_session)],
    page: Annotated[PageParams, Depends(page_params)],
    who: Annotated[Principal, Depends(require("auditor"))],
    actor: Filter = None,
    action: Filter = None,
    target: Annotated[
        str | None, Query(max_length=300, pattern=LINE_PATTERN, description="A target prefix")
    ] = None,
    outcome: Annotated[str | None, Query(pattern="^(ok|denied|rejected)$")] = None,
    since: Annotated[Instant | None, Query(description="RFC 3339, with its offset")] = None,
    until: Annotated[Instant | None, Query(description="RFC 3339, with its offset")] = None,
) -> Page[AuditEventPublic]:
    """Newest first. A key bound to councils sees the events about them (their controllers,
    their services); a global key sees every event."""
    rows, total = audit.list_events(
        session=session,
        actor=actor,
        action=action,
        target=target,
        outcome=outcome,
        since=since,
        until=until,
        limit=page.limit,
        offset=page.offset,
        within=None if who.controllers is None else _targets(session, sorted(who.controllers)),
    )
    items = [AuditEventPublic.model_validate(r, from_attributes=True) for r in rows]
    return Page(items=items, total=total, limit=page.limit, offset=page.offset)
