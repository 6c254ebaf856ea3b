"""Changing the register safely: controllers and services, drafts, publishing, history.

Rules:
- a service has at most one open draft; a draft is a version with status ``draft``;
- published and superseded versions are immutable (any change is 409);
- a change to a draft needs the draft's current ETag (``If-Match``): stale gives 412 and
  changes nothing; the row is locked while it is compared and changed;
- publishing is one transaction: the draft becomes ``published``, the previous published
  version ``superseded``; error-severity check findings refuse it unless an override reason
  is given, which is recorded;
- every write appends an audit event with hashes of the content before and after.
"""

from __future__ import annotations

import copy
import json
from datetime import UTC, date, datetime, timedelta
from typing import Any

import jsonpatch
from pydantic import BaseModel, Field, ValidationError
from sqlalchemy import update
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from app.audit.service import record, record_now
from app.auth.service import Principal
from app.cache import strong_etag
from app.errors import (
    Conflict,
    FieldError,
    InvalidDocument,
    NotFound,
    PayloadTooLarge,
    PreconditionFailed,
    PreconditionRequired,
)
from app.exports.service import store_row_sets
from app.notices.checks import Finding, check_notice
from app.register import service as register
from app.register.document import ControllerDoc, NoticeDocument, ServiceDoc, ShortText, Text
from app.register.models import Controller, NoticeVersion, Service, ServiceController

MAX_PATCH_OPERATIONS = 500
#: A patched document larger than this is refused (413), as a request body would be.
MAX_DOCUMENT_BYTES = 4 * 1024 * 1024
#: How far ahead a publication may take effect.
MAX_DAYS_AHEAD = 366


class PublishRequest(BaseModel):
    effective_from: date | None = Field(
        default=None, ge=date(2000, 1, 1), description="Default: today; at most a year ahead"
    )
    change_summary: Text
    override_reason: Text | None = Field(
        default=None, description="Required to publish despite error-severity check findings"
    )


class PublishRefused(Conflict):
    slug = "check-errors"
    title = "The draft has error-severity check findings"


class ServiceCreate(BaseModel):
    id: ShortText
    name: ShortText
    description: Text | None = None
    sub_services: list[ShortText] = Field(default_factory=list)
    controllers: list[str] = Field(min_length=1)


def document_etag(document: NoticeDocument) -> str:
    body = document.model_dump_json(exclude_none=True).encode()
    return strong_etag(body)


def _now() -> datetime:
    return datetime.now(UTC)


def _target(service_id: str, version: int) -> str:
    return f"services/{service_id}/notice/{version}"


def _errors(exc: ValidationError, prefix: str = "") -> list[FieldError]:
    return [
        FieldError(pointer=prefix + "/" + "/".join(str(p) for p in e["loc"]), detail=e["msg"])
        for e in exc.errors()
    ]


# --- controllers and services ----------------------------------------------------------------


def save_controller(
    *, session: Session, controller: ControllerDoc, principal: Principal, create: bool
) -> Controller:
    existing = session.get(Controller, controller.id)
    if create and existing is not None:
        raise Conflict(f"Controller '{controller.id}' already exists")
    if not create and existing is None:
        raise NotFound(f"No controller '{controller.id}'")
    before = register.controller_doc(existing).model_dump(mode="json") if existing else None
    register.require_gss_code_free(session=session, controller=controller)
    row = session.merge(register.controller_row(controller))
    record(
        session=session,
        actor=principal.name,
        action="controller.create" if create else "controller.update",
        target=f"controllers/{controller.id}",
        before=before,
        after=controller.model_dump(mode="json"),
    )
    session.commit()
    session.refresh(row)
    return row


def save_service(
    *, session: Session, data: ServiceCreate, principal: Principal, create: bool
) -> Service:
    try:
        doc = ServiceDoc.model_validate(data.model_dump())
    except ValidationError as exc:
        raise InvalidDocument("The service is not valid", errors=_errors(exc)) from exc
    existing = session.get(Service, doc.id)
    if create and existing is not None:
        raise Conflict(f"Service '{doc.id}' already exists")
    if not create and existing is None:
        raise NotFound(f"No service '{doc.id}'")
    unknown = [c for c in doc.controllers if session.get(Controller, c) is None]
    if unknown:
        raise InvalidDocument(
            "Unknown controllers",
            errors=[
                FieldError(
                    pointer=f"/controllers/{doc.controllers.index(c)}",
                    detail=f"no controller '{c}'",
                )
                for c in unknown
            ],
        )
    before = None
    if existing is not None:
        before = existing.model_dump(mode="json") | {
            "controllers": [
                c.id for c in register.service_controllers(session=session, service_id=doc.id)
            ]
        }
    row = session.merge(
        Service(
            id=doc.id, name=doc.name, description=doc.description, sub_services=doc.sub_services
        )
    )
    session.flush()
    for link in session.exec(
        select(ServiceController).where(ServiceController.service_id == doc.id)
    ).all():
        session.delete(link)
    session.flush()
    for position, controller_id in enumerate(doc.controllers):
        session.add(
            ServiceController(service_id=doc.id, controller_id=controller_id, position=position)
        )
    record(
        session=session,
        actor=principal.name,
        action="service.create" if create else "service.update",
        target=f"services/{doc.id}",
        before=before,
        after=doc.model_dump(mode="json"),
    )
    session.commit()
    session.refresh(row)
    return row


# --- drafts ----------------------------------------------------------------------------------


def _version(
    *, session: Session, service_id: str, version: int, lock: bool = False
) -> NoticeVersion:
    register.get_service(session=session, service_id=service_id)
    query = select(NoticeVersion).where(
        NoticeVersion.service_id == service_id, NoticeVersion.version == version
    )
    if lock:
        query = query.with_for_update()
    row = session.exec(query).first()
    if row is None:
        raise NotFound(f"Service '{service_id}' has no version {version}")
    return row


def get_draft(
    *, session: Session, service_id: str, version: int, lock: bool = False
) -> NoticeVersion:
    row = _version(session=session, service_id=service_id, version=version, lock=lock)
    if row.status != "draft":
        raise Conflict(
            f"Version {version} of '{service_id}' is {row.status}; published versions are immutable"
        )
    return row


def open_draft(*, session: Session, service_id: str) -> NoticeVersion | None:
    return session.exec(
        select(NoticeVersion).where(
            NoticeVersion.service_id == service_id, NoticeVersion.status == "draft"
        )
    ).first()


def _check_document(*, session: Session, service_id: str, document: NoticeDocument) -> None:
    """A draft's controllers and service must be the register's own: they are edited elsewhere."""
    if document.service.id != service_id:
        raise InvalidDocument(
            "The document is for another service",
            errors=[FieldError(pointer="/service/id", detail=f"must be '{service_id}'")],
        )
    current = register.service_document_blocks(session=session, service_id=service_id)
    problems = []
    if document.service != current.service:
        problems.append(
            FieldError(
                pointer="/service",
                detail="differs from the register's service; change it with PUT /v1/services/{id}",
            )
        )
    if document.controllers != current.controllers:
        problems.append(
            FieldError(
                pointer="/controllers",
                detail="differ from the register's controllers; use PUT /v1/controllers/{id}",
            )
        )
    if problems:
        raise InvalidDocument(
            "Controllers and services are not edited through drafts", errors=problems
        )
    register.check_references(session=session, document=document)


def draft_document(*, session: Session, row: NoticeVersion) -> tuple[NoticeDocument, str]:
    document = register.export_document(session=session, version=row)
    return document, document_etag(document)


def create_draft(
    *, session: Session, service_id: str, document: NoticeDocument | None, principal: Principal
) -> tuple[NoticeVersion, NoticeDocument, str]:
    register.get_service(session=session, service_id=service_id)
    existing = open_draft(session=session, service_id=service_id)
    if existing is not None:
        raise Conflict(
            f"Service '{service_id}' already has an open draft (version {existing.version}); "
            "edit, publish or discard it first"
        )
    if document is None:
        # the latest publication, even if it takes effect later than today's version
        latest = session.exec(
            select(NoticeVersion).where(
                NoticeVersion.service_id == service_id, NoticeVersion.status == "published"
            )
        ).first()
        if latest is None:
            raise InvalidDocument(
                "There is no published version to copy; send a whole notice document"
            )
        document = register.export_document(session=session, version=latest)
    else:
        _check_document(session=session, service_id=service_id, document=document)
    row = NoticeVersion(
        service_id=service_id,
        version=register.next_version_number(session=session, service_id=service_id),
        status="draft",
        created_at=_now(),
        author=principal.name,
        title=document.notice.title,
    )
    try:
        register.write_content(session=session, version=row, document=document)
        session.flush()
    except IntegrityError as exc:  # another draft was created at the same moment
        session.rollback()
        raise Conflict(f"Service '{service_id}' already has an open draft") from exc
    saved, etag = draft_document(session=session, row=row)
    record(
        session=session,
        actor=principal.name,
        action="draft.create",
        target=_target(service_id, row.version),
        after=saved.model_dump(mode="json"),
    )
    session.commit()
    return row, saved, etag


def _claim(*, session: Session, row: NoticeVersion) -> None:
    """Compare-and-swap the draft's revision: the first write of every change.

    Two writers that both passed the ETag check race here; the database lets one update the
    row, and the other finds the revision moved on and gets 412. This holds on SQLite (where
    ``SELECT ... FOR UPDATE`` is a no-op) as on PostgreSQL.
    """
    claimed = session.execute(
        update(NoticeVersion)
        .where(col(NoticeVersion.id) == row.id, col(NoticeVersion.revision) == row.revision)
        .values(revision=row.revision + 1)
        .execution_options(synchronize_session=False)
    )
    if claimed.rowcount != 1:  # type: ignore[attr-defined]
        session.rollback()
        raise PreconditionFailed(
            "The draft changed since you read it; fetch it again and reapply your change"
        )
    session.refresh(row)


def _require_match(if_match: str | None, etag: str) -> None:
    if if_match is None:
        raise PreconditionRequired("Send If-Match with the draft's current ETag")
    candidates = {c.strip() for c in if_match.split(",")}
    if etag not in candidates and "*" not in candidates:
        raise PreconditionFailed(
            "The draft changed since you read it; fetch it again and reapply your change"
        )


def replace_draft(
    *,
    session: Session,
    service_id: str,
    version: int,
    document: NoticeDocument,
    if_match: str | None,
    principal: Principal,
    action: str = "draft.replace",
) -> tuple[NoticeDocument, str]:
    row = get_draft(session=session, service_id=service_id, version=version, lock=True)
    before, etag = draft_document(session=session, row=row)
    _require_match(if_match, etag)
    _check_document(session=session, service_id=service_id, document=document)
    _claim(session=session, row=row)
    register.write_content(session=session, version=row, document=document)
    session.flush()
    after, new_etag = draft_document(session=session, row=row)
    record(
        session=session,
        actor=principal.name,
        action=action,
        target=_target(service_id, version),
        before=before.model_dump(mode="json"),
        after=after.model_dump(mode="json"),
    )
    session.commit()
    return after, new_etag


def merge_patch(target: Any, patch: Any) -> Any:
    """RFC 7386 JSON Merge Patch."""
    if not isinstance(patch, dict):
        return copy.deepcopy(patch)
    result = dict(target) if isinstance(target, dict) else {}
    for key, value in patch.items():
        if value is None:
            result.pop(key, None)
        else:
            result[key] = merge_patch(result.get(key), value)
    return result


def patch_draft(
    *,
    session: Session,
    service_id: str,
    version: int,
    patch: Any,
    kind: str,
    if_match: str | None,
    principal: Principal,
) -> tuple[NoticeDocument, str]:
    row = get_draft(session=session, service_id=service_id, version=version, lock=True)
    current, etag = draft_document(session=session, row=row)
    _require_match(if_match, etag)
    data = current.model_dump(mode="json", exclude_none=True)
    if isinstance(patch, list) and len(patch) > MAX_PATCH_OPERATIONS:
        raise InvalidDocument(f"A JSON Patch may have at most {MAX_PATCH_OPERATIONS} operations")
    try:
        if kind == "json-patch":
            patched = jsonpatch.apply_patch(data, patch)
        else:
            patched = merge_patch(data, patch)
    except (jsonpatch.JsonPatchException, jsonpatch.JsonPointerException, TypeError) as exc:
        raise InvalidDocument(f"The patch cannot be applied: {exc}") from exc
    if len(json.dumps(patched, separators=(",", ":"), default=str)) > MAX_DOCUMENT_BYTES:
        raise PayloadTooLarge(f"The patched document would exceed {MAX_DOCUMENT_BYTES} bytes")
    try:
        document = NoticeDocument.model_validate(patched)
    except ValidationError as exc:
        raise InvalidDocument("The patched document is not valid", errors=_errors(exc)) from exc
    return replace_draft(
        session=session,
        service_id=service_id,
        version=version,
        document=document,
        if_match=etag,
        principal=principal,
        action="draft.patch",
    )


def discard_draft(
    *, session: Session, service_id: str, version: int, if_match: str | None, principal: Principal
) -> None:
    row = get_draft(session=session, service_id=service_id, version=version, lock=True)
    before, etag = draft_document(session=session, row=row)
    _require_match(if_match, etag)
    _claim(session=session, row=row)
    session.delete(row)
    record(
        session=session,
        actor=principal.name,
        action="draft.discard",
        target=_target(service_id, version),
        before=before.model_dump(mode="json"),
    )
    session.commit()


def publish_draft(
    *,
    session: Session,
    service_id: str,
    version: int,
    request: PublishRequest,
    if_match: str | None,
    principal: Principal,
    today: date,
) -> NoticeVersion:
    row = get_draft(session=session, service_id=service_id, version=version, lock=True)
    document, etag = draft_document(session=session, row=row)
    _require_match(if_match, etag)
    effective_from = request.effective_from or today
    if effective_from > today + timedelta(days=MAX_DAYS_AHEAD):
        raise InvalidDocument(
            f"effective_from is more than {MAX_DAYS_AHEAD} days ahead",
            errors=[
                FieldError(
                    pointer="/effective_from",
                    detail=f"must be on or before {today + timedelta(days=MAX_DAYS_AHEAD)}",
                )
            ],
        )
    previous = session.exec(
        select(NoticeVersion)
        .where(
            NoticeVersion.service_id == service_id,
            col(NoticeVersion.status).in_(register.PUBLIC_STATUSES),
        )
        .order_by(col(NoticeVersion.effective_from).desc())
    ).first()
    if (
        previous is not None
        and previous.effective_from
        and effective_from < previous.effective_from
    ):
        raise InvalidDocument(
            f"effective_from must not be before {previous.effective_from}, when version "
            f"{previous.version} took effect",
            errors=[
                FieldError(
                    pointer="/effective_from",
                    detail=f"must be on or after {previous.effective_from}",
                )
            ],
        )
    findings = check_notice(
        document, register.read_vocabulary(session=session), today=effective_from
    )
    errors = [f for f in findings if f.severity == "error"]
    if errors and not request.override_reason:
        refusal = PublishRefused(
            f"{len(errors)} error finding(s); fix them or publish with an override_reason",
            errors=[FieldError(pointer=f.pointer, detail=f"{f.rule}: {f.message}") for f in errors],
        )
        record_now(
            session=session,
            actor=principal.name,
            action="notice.publish",
            target=_target(service_id, version),
            outcome="rejected",
            detail={"error_findings": len(errors)},
        )
        raise refusal
    _claim(session=session, row=row)
    register.supersede_published(session=session, service_id=service_id)
    session.flush()
    register.freeze_blocks(session=session, version=row)
    row.status = "published"
    row.effective_from = effective_from
    row.change_summary = request.change_summary
    row.published_at = _now()
    session.add(row)
    session.flush()
    assert row.id is not None
    store_row_sets(session=session, version_ids=[row.id], commit=False)
    record(
        session=session,
        actor=principal.name,
        action="notice.publish",
        target=_target(service_id, version),
        before={"etag": etag},
        after=document.model_dump(mode="json"),
        detail={
            "effective_from": effective_from.isoformat(),
            "change_summary": request.change_summary,
            "override_reason": request.override_reason,
            "error_findings": [_finding_ref(f) for f in errors],
        },
    )
    session.commit()
    session.refresh(row)
    return row


def _finding_ref(finding: Finding) -> str:
    return f"{finding.rule} at {finding.pointer}"


def get_any_version(
    *, session: Session, service_id: str, version: int, include_drafts: bool
) -> NoticeVersion:
    row = _version(session=session, service_id=service_id, version=version)
    if row.status == "draft" and not include_drafts:
        raise NotFound(f"Service '{service_id}' has no published version {version}")
    return row


def list_all_versions(
    *, session: Session, service_id: str, include_drafts: bool
) -> list[NoticeVersion]:
    register.get_service(session=session, service_id=service_id)
    query = select(NoticeVersion).where(NoticeVersion.service_id == service_id)
    if not include_drafts:
        query = query.where(col(NoticeVersion.status).in_(register.PUBLIC_STATUSES))
    return list(session.exec(query.order_by(col(NoticeVersion.version))).all())
