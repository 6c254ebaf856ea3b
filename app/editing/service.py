"""Changing the register safely: controllers and services, drafts, publishing, imports.

Rules:
- a service has at most one open draft;
- published versions are immutable (any change is 409);
- a change to a draft needs the draft's current ETag (``If-Match``): stale gives 412 and
  changes nothing; a compare-and-swap on the draft's revision settles races;
- publishing is one transaction: the draft becomes published from its ``effective_from``, the
  dates each version is in effect are worked out again, its ROPA rows are made; error-severity
  check findings refuse it unless an override reason is given, which is recorded;
- history is append-only in meaning: a publication may not take effect before the latest
  published version did; an older document is added only by an explicit historical import,
  which slots it in date order and changes no answer for dates on or after the next version's
  ``effective_from``;
- publishing or importing a document identical to the version it would follow changes nothing
  and says so (:class:`Outcome` ``unchanged``);
- an import is a draft published at once, under the same controls;
- every write appends an audit event with hashes of the content before and after.
"""

from __future__ import annotations

import copy
import json
from datetime import UTC, date, datetime, timedelta
from typing import Annotated, Any, Literal, NamedTuple

import jsonpatch
from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    TypeAdapter,
    ValidationError,
)
from sqlalchemy import update
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from app.audit.service import record, record_now
from app.auth.service import Principal, require_controllers
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
from app.http import if_match_matches
from app.notices.checks import FixError, apply_fixes, check_notice
from app.notices.diff import removals
from app.patterns import IsoDate
from app.register import service as register
from app.register import store
from app.register.current import read_vocabulary
from app.register.document import (
    ControllerDoc,
    NoticeDocument,
    ServiceDoc,
    ShortText,
    Slug,
    Text,
)
from app.register.models import Controller, NoticeVersion, Service
from app.register.service import get_draft
from app.register.vocabulary import Vocabulary, local_vocabulary

MAX_PATCH_OPERATIONS = 500
#: A patched document larger than this is refused (413), as a request body would be.
MAX_DOCUMENT_BYTES = 4 * 1024 * 1024
#: How far ahead a publication may take effect.
MAX_DAYS_AHEAD = 366


class PublishRequest(BaseModel):
    model_config = ConfigDict(strict=True)

    effective_from: IsoDate | None = Field(
        default=None, ge=date(2000, 1, 1), description="Default: today; at most a year ahead"
    )
    change_summary: Text
    override_reason: Text | None = Field(
        default=None, description="Required to publish despite error-severity check findings"
    )


class PublishRefused(Conflict):
    slug = "check-errors"
    title = "The draft has error-severity check findings"


class EarlierThanLatest(InvalidDocument):
    """A publication dated before the latest published version: history is append-only."""

    slug = "earlier-than-latest"
    title = "The publication would take effect before the latest published version"


class NotHistorical(InvalidDocument):
    slug = "not-historical"
    title = "A historical import must come before the latest published version"


class DateTaken(Conflict):
    slug = "date-taken"
    title = "A published version already takes effect on that date"


class Outcome(BaseModel):
    """What a publication or an import did: published a new version, or nothing (``unchanged``:
    the document is identical to the version it would follow, ``version``)."""

    version: NoticeVersion
    unchanged: bool = False

    model_config = {"arbitrary_types_allowed": True}

    def describe(self) -> str:
        v = self.version
        if self.unchanged:
            return (
                f"unchanged: {v.service_id} is identical to version {v.version} "
                f"(in effect from {v.effective_from}); nothing was published"
            )
        return f"published {v.service_id} version {v.version} (in effect from {v.effective_from})"


class ServiceCreate(BaseModel):
    """A service's own fields (its notice says the rest): checked as the notice document's
    ``service`` is."""

    model_config = ConfigDict(strict=True)

    id: Slug
    name: ShortText
    description: Text | None = None
    sub_services: list[ShortText] = Field(default_factory=list)
    controllers: list[Slug] = Field(min_length=1, json_schema_extra={"uniqueItems": True})


class Edited(NamedTuple):
    """A draft after a change: its document, its new ETag, and what the change removed (each
    removed item or field, in words)."""

    document: NoticeDocument
    etag: str
    removed: list[str]


def document_etag(document: NoticeDocument) -> str:
    return strong_etag(document.model_dump_json(exclude_none=True).encode())


def _now() -> datetime:
    return datetime.now(UTC)


def _target(service_id: str, version: int) -> str:
    return f"services/{service_id}/notice/{version}"


def _errors(exc: ValidationError, prefix: str = "") -> list[FieldError]:
    return [
        FieldError(pointer=prefix + "/" + "/".join(str(p) for p in e["loc"]), detail=e["msg"])
        for e in exc.errors()
    ]


def authorise_service(
    *, session: Session, principal: Principal, service_id: str, action: str, target: str
) -> list[str]:
    """The service's controllers, once the key is known to be bound to one of them (403,
    audited, otherwise). A joint notice may be changed by a key of any of its councils."""
    controllers = register.service_controllers(session=session, service_id=service_id)
    require_controllers(
        session=session, principal=principal, controllers=controllers, action=action, target=target
    )
    return controllers


# --- controllers and services ----------------------------------------------------------------


def save_controller(
    *, session: Session, controller: ControllerDoc, principal: Principal, create: bool
) -> Controller:
    existing = session.get(Controller, controller.id)
    if create and existing is not None:
        raise Conflict(f"Controller '{controller.id}' already exists")
    if not create and existing is None:
        raise NotFound(f"No controller '{controller.id}'")
    # a new council has no keys bound to it yet: only a global key creates one
    require_controllers(
        session=session,
        principal=principal,
        controllers=[controller.id],
        action="controller.create" if create else "controller.update",
        target=f"controllers/{controller.id}",
        every=True,
    )
    before = register.controller_doc(existing).model_dump(mode="json") if existing else None
    register.require_gss_code_free(session=session, controller=controller)
    row = session.merge(register.controller_row(controller))
    store.bump_revision(session=session, key="register")
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
    before = None
    old_controllers: list[str] = []
    if existing is not None:
        old_controllers = register.service_controllers(session=session, service_id=doc.id)
        before = existing.model_dump(mode="json") | {"controllers": old_controllers}
    # who owns a service: the key must act for every council it had and every one it will
    # have (unknown ones are the 422 of register.save_service)
    touched = [
        c
        for c in dict.fromkeys([*old_controllers, *doc.controllers])
        if session.get(Controller, c) is not None
    ]
    require_controllers(
        session=session,
        principal=principal,
        controllers=touched,
        action="service.create" if create else "service.update",
        target=f"services/{doc.id}",
        every=True,
    )
    row = register.save_service(session=session, service=doc)
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


def open_draft(*, session: Session, service_id: str) -> NoticeVersion | None:
    return session.exec(
        select(NoticeVersion).where(
            NoticeVersion.service_id == service_id, NoticeVersion.status == store.DRAFT
        )
    ).first()


def _check_document(
    *, session: Session, service_id: str, document: NoticeDocument, vocabulary: Vocabulary
) -> None:
    """A draft belongs to its service and names its controllers; every term it uses exists."""
    problems = []
    if document.service.id != service_id:
        problems.append(FieldError(pointer="/service/id", detail=f"must be '{service_id}'"))
    controllers = register.service_controllers(session=session, service_id=service_id)
    if sorted(document.service.controllers) != sorted(controllers):
        problems.append(
            FieldError(
                pointer="/service/controllers",
                detail=f"must be the service's controllers {controllers}; change them with "
                "PUT /v1/services/{id}",
            )
        )
    if problems:
        raise InvalidDocument("The document is not this service's", errors=problems)
    register.check_document_terms(document=document, vocabulary=vocabulary)


def document_of(*, session: Session, row: NoticeVersion) -> tuple[NoticeDocument, str]:
    """A draft's document, as the API shows it, and its ETag."""
    document = store.with_register_fields(store.parse(row.document), row, date.today())
    return document, document_etag(document)


def _latest_published(*, session: Session, service_id: str) -> NoticeVersion | None:
    versions = list(
        session.exec(
            select(NoticeVersion).where(
                NoticeVersion.service_id == service_id, NoticeVersion.status == store.PUBLISHED
            )
        ).all()
    )
    return max(versions, key=lambda v: (v.effective_from, v.published_at, v.id), default=None)


def create_draft(
    *, session: Session, service_id: str, document: NoticeDocument | None, principal: Principal
) -> tuple[NoticeVersion, NoticeDocument, str]:
    register.get_service(session=session, service_id=service_id)
    controllers = authorise_service(
        session=session,
        principal=principal,
        service_id=service_id,
        action="draft.create",
        target=f"services/{service_id}/notice/drafts",
    )
    existing = open_draft(session=session, service_id=service_id)
    if existing is not None:
        raise Conflict(
            f"Service '{service_id}' already has an open draft (version {existing.version}); "
            "edit, publish or discard it first"
        )
    if document is None:
        latest = _latest_published(session=session, service_id=service_id)
        if latest is None:
            raise InvalidDocument(
                "There is no published version to copy; send a whole notice document"
            )
        document = store.parse(latest.document)
    else:
        vocabulary = read_vocabulary(session=session)
        _check_document(
            session=session, service_id=service_id, document=document, vocabulary=vocabulary
        )
    try:
        row = store.new_draft(
            session=session,
            service_id=service_id,
            document=document,
            author=principal.author(controllers),
            now=_now(),
        )
    except IntegrityError as exc:  # another draft was created at the same moment
        session.rollback()
        raise Conflict(f"Service '{service_id}' already has an open draft") from exc
    saved, etag = document_of(session=session, row=row)
    record(
        session=session,
        actor=principal.name,
        action="draft.create",
        target=_target(service_id, row.version),
        after=saved.model_dump(mode="json"),
    )
    session.commit()
    return row, saved, etag


def _writable_draft(
    *, session: Session, service_id: str, version: int, principal: Principal, action: str
) -> NoticeVersion:
    """The draft, once the key is known to be bound to one of its service's controllers."""
    row = get_draft(session=session, service_id=service_id, version=version)
    authorise_service(
        session=session,
        principal=principal,
        service_id=service_id,
        action=action,
        target=_target(service_id, version),
    )
    return row


def _claim(*, session: Session, row: NoticeVersion) -> None:
    """Compare-and-swap the draft's revision: the first write of every change.

    Two writers that both passed the ETag check race here; the database lets one update the
    row, and the other finds the revision moved on and gets 412.
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
    if not if_match_matches(if_match, etag):
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
    detail: dict[str, Any] | None = None,
) -> Edited:
    """Replace a draft's document; the answer says what the change removed."""
    row = _writable_draft(
        session=session,
        service_id=service_id,
        version=version,
        principal=principal,
        action=action,
    )
    before, etag = document_of(session=session, row=row)
    _require_match(if_match, etag)
    vocabulary = read_vocabulary(session=session)
    _check_document(
        session=session, service_id=service_id, document=document, vocabulary=vocabulary
    )
    _claim(session=session, row=row)
    store.replace_document(session=session, version=row, document=document)
    after, new_etag = document_of(session=session, row=row)
    removed = [c.text for c in removals(before, after)]
    record(
        session=session,
        actor=principal.name,
        action=action,
        target=_target(service_id, version),
        before=before.model_dump(mode="json"),
        after=after.model_dump(mode="json"),
        detail={**(detail or {}), "removed": removed} if removed else detail,
    )
    session.commit()
    return Edited(document=after, etag=new_etag, removed=removed)


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


#: An RFC 6901 JSON pointer.
POINTER_PATTERN = r"^(/([^~/]|~[01])*)*$"
_Pointer = Annotated[str, StringConstraints(pattern=POINTER_PATTERN)]


class _ValueOperation(BaseModel):
    op: Literal["add", "replace", "test"]
    path: _Pointer
    value: Any


class _RemoveOperation(BaseModel):
    op: Literal["remove"]
    path: _Pointer


class _FromOperation(BaseModel):
    op: Literal["move", "copy"]
    path: _Pointer
    from_: _Pointer = Field(alias="from")


#: The shape of an RFC 6902 JSON Patch: checked before anything else (a malformed patch is 422,
#: whatever the draft's ETag); the router states the same shape in the OpenAPI document.
_JSON_PATCH: TypeAdapter[list[Any]] = TypeAdapter(
    list[Annotated[_ValueOperation | _RemoveOperation | _FromOperation, Field(discriminator="op")]]
)


def check_json_patch(patch: list[Any]) -> None:
    """422 for a JSON Patch that is not a list of RFC 6902 operations, or too long."""
    if len(patch) > MAX_PATCH_OPERATIONS:
        raise InvalidDocument(f"A JSON Patch may have at most {MAX_PATCH_OPERATIONS} operations")
    try:
        _JSON_PATCH.validate_python(patch)
    except ValidationError as exc:
        raise InvalidDocument("The JSON Patch is not valid", errors=_errors(exc)) from exc


def patch_draft(
    *,
    session: Session,
    service_id: str,
    version: int,
    patch: Any,
    kind: str,
    if_match: str | None,
    principal: Principal,
) -> Edited:
    if kind == "json-patch":
        check_json_patch(patch)
    row = _writable_draft(
        session=session,
        service_id=service_id,
        version=version,
        principal=principal,
        action="draft.patch",
    )
    current, etag = document_of(session=session, row=row)
    _require_match(if_match, etag)
    data = current.model_dump(mode="json", exclude_none=True)
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


class FixesRequest(BaseModel):
    model_config = ConfigDict(strict=True)

    findings: list[Annotated[str, StringConstraints(max_length=200)]] = Field(
        min_length=1,
        max_length=200,
        description="Ids of the findings (``GET …/checks?version=N``) whose fixes to apply, in "
        "order",
    )


def fix_draft(
    *,
    session: Session,
    service_id: str,
    version: int,
    request: FixesRequest,
    if_match: str | None,
    principal: Principal,
    today: date,
) -> Edited:
    """Apply the chosen findings' fixes (RFC 6902 patches) to a draft, in one step."""
    row = _writable_draft(
        session=session,
        service_id=service_id,
        version=version,
        principal=principal,
        action="draft.fix",
    )
    current, etag = document_of(session=session, row=row)
    _require_match(if_match, etag)
    try:
        fixed, applied = apply_fixes(
            current, read_vocabulary(session=session), today=today, finding_ids=request.findings
        )
    except FixError as exc:
        raise InvalidDocument(str(exc)) from exc
    return replace_draft(
        session=session,
        service_id=service_id,
        version=version,
        document=fixed,
        if_match=etag,
        principal=principal,
        action="draft.fix",
        detail={"findings": [f.id for f in applied]},
    )


def discard_draft(
    *, session: Session, service_id: str, version: int, if_match: str | None, principal: Principal
) -> None:
    row = _writable_draft(
        session=session,
        service_id=service_id,
        version=version,
        principal=principal,
        action="draft.discard",
    )
    before, etag = document_of(session=session, row=row)
    _require_match(if_match, etag)
    _claim(session=session, row=row)
    store.delete_draft(session=session, version=row)
    record(
        session=session,
        actor=principal.name,
        action="draft.discard",
        target=_target(service_id, version),
        before=before.model_dump(mode="json"),
    )
    session.commit()


def _require_in_order(
    *, session: Session, service_id: str, effective_from: date, historical: bool
) -> None:
    """History is append-only in meaning: a publication takes effect on or after the latest
    published version; a historical one strictly before it, on a date no version takes effect
    on (so it changes no answer for dates on or after the next version's ``effective_from``)."""
    latest = _latest_published(session=session, service_id=service_id)
    earlier = latest is not None and effective_from < (latest.effective_from or effective_from)
    if not historical and earlier:
        assert latest is not None
        raise EarlierThanLatest(
            f"effective_from {effective_from} is before {latest.effective_from}, when version "
            f"{latest.version} took effect: history is append-only (an older document is added "
            "with a historical import, `ropa import --historical`)",
            errors=[
                FieldError(
                    pointer="/effective_from",
                    detail=f"must be on or after {latest.effective_from}",
                )
            ],
        )
    if historical and not earlier:
        after = f" {latest.effective_from}" if latest is not None else " any published version"
        raise NotHistorical(
            f"effective_from {effective_from} is not before{after}: import it without --historical",
            errors=[FieldError(pointer="/effective_from", detail=f"must be before{after}")],
        )
    if historical:
        taken = session.exec(
            store.versions_query().where(
                NoticeVersion.service_id == service_id,
                NoticeVersion.status == store.PUBLISHED,
                NoticeVersion.effective_from == effective_from,
            )
        ).first()
        if taken is not None:
            raise DateTaken(
                f"Version {taken.version} already takes effect on {effective_from}; a historical "
                "import may not replace it",
                errors=[
                    FieldError(pointer="/effective_from", detail="a version takes effect then")
                ],
            )


def _unchanged(
    *, session: Session, service_id: str, document: NoticeDocument, effective_from: date
) -> NoticeVersion | None:
    """The version a publication on ``effective_from`` would follow, when ``document`` is
    identical to it (publishing it would change nothing)."""
    previous = store.in_effect_on(session=session, service_id=service_id, at=effective_from)
    if previous is not None and store.same_document(previous, document):
        return previous
    return None


def _preflight(
    *,
    session: Session,
    service_id: str,
    document: NoticeDocument,
    request: PublishRequest,
    today: date,
    historical: bool = False,
) -> NoticeVersion | None:
    """The date rules of a publication; then the version it would follow when the document is
    identical to it (nothing to publish), else None."""
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
    _require_in_order(
        session=session, service_id=service_id, effective_from=effective_from, historical=historical
    )
    return _unchanged(
        session=session, service_id=service_id, document=document, effective_from=effective_from
    )


def _publish(
    *,
    session: Session,
    row: NoticeVersion,
    document: NoticeDocument,
    vocabulary: Vocabulary,
    request: PublishRequest,
    principal: Principal,
    today: date,
    action: str,
    documents: store.Documents,
    detail: dict[str, Any] | None = None,
) -> None:
    """Check, then publish a draft from ``request.effective_from`` (which
    :func:`_preflight` has passed), in the session's transaction; commits."""
    effective_from = request.effective_from or today
    findings = check_notice(document, vocabulary, today=effective_from)
    errors = [f for f in findings if f.severity == "error"]
    target = _target(row.service_id, row.version)
    if errors and not request.override_reason:
        session.rollback()
        record_now(
            session=session,
            actor=principal.name,
            action=action,
            target=target,
            outcome="rejected",
            detail={"error_findings": len(errors)},
        )
        raise PublishRefused(
            f"{len(errors)} error finding(s); fix them or publish with an override_reason",
            errors=[FieldError(pointer=f.pointer, detail=f"{f.rule}: {f.message}") for f in errors],
        )
    store.publish(
        session=session,
        version=row,
        document=document,
        vocabulary=vocabulary,
        effective_from=effective_from,
        change_summary=request.change_summary,
        now=_now(),
    )
    assert row.id is not None
    store_row_sets(session=session, documents=documents, version_ids=[row.id])
    record(
        session=session,
        actor=principal.name,
        action=action,
        target=target,
        after=document.model_dump(mode="json"),
        detail={
            "effective_from": effective_from.isoformat(),
            "change_summary": request.change_summary,
            "override_reason": request.override_reason,
            "error_findings": [f"{f.rule} at {f.pointer}" for f in errors],
            **(detail or {}),
        },
    )
    session.commit()
    session.refresh(row)


def _record_unchanged(
    *, session: Session, principal: Principal, action: str, target: str, same: NoticeVersion
) -> None:
    record_now(
        session=session,
        actor=principal.name,
        action=action,
        target=target,
        outcome="unchanged",
        detail={"identical_to_version": same.version},
    )


def publish_draft(
    *,
    session: Session,
    service_id: str,
    version: int,
    request: PublishRequest,
    if_match: str | None,
    principal: Principal,
    today: date,
    documents: store.Documents,
) -> Outcome:
    """Publish a draft; a draft identical to the version it would follow is left as it is and
    nothing is published (``unchanged``)."""
    row = _writable_draft(
        session=session,
        service_id=service_id,
        version=version,
        principal=principal,
        action="notice.publish",
    )
    document, etag = document_of(session=session, row=row)
    _require_match(if_match, etag)
    same = _preflight(
        session=session, service_id=service_id, document=document, request=request, today=today
    )
    if same is not None:
        _record_unchanged(
            session=session,
            principal=principal,
            action="notice.publish",
            target=_target(service_id, version),
            same=same,
        )
        session.refresh(same)
        return Outcome(version=same, unchanged=True)
    vocabulary = read_vocabulary(session=session)
    _claim(session=session, row=row)
    _publish(
        session=session,
        row=row,
        document=document,
        vocabulary=vocabulary,
        request=request,
        principal=principal,
        today=today,
        action="notice.publish",
        documents=documents,
        detail={"etag": etag},
    )
    return Outcome(version=row)


def import_document(
    *,
    session: Session,
    document: NoticeDocument,
    request: PublishRequest,
    principal: Principal,
    documents: store.Documents,
    today: date | None = None,
    historical: bool = False,
) -> Outcome:
    """Publish a whole document as its service's new version: the controllers and service
    are created if the register has none, its own terms are added, and it is checked and
    published as a draft would be. Nothing is written if anything is refused, or if the
    document is identical to the version it would follow (``unchanged``).

    ``historical``: a document that took effect before the latest published version, slotted
    in date order (see :func:`_require_in_order`)."""
    today = today or date.today()
    require_controllers(
        session=session,
        principal=principal,
        controllers=document.service.controllers,
        action="notice.import",
        target=f"services/{document.service.id}/notice",
        every=True,
    )
    try:
        register.ensure_controllers(session=session, controllers=document.controllers)
        if session.get(Service, document.service.id) is None:
            register.save_service(session=session, service=document.service)
        vocabulary = read_vocabulary(session=session)
        register.check_document_terms(document=document, vocabulary=vocabulary)
        if register.save_terms(session=session, vocabulary=local_vocabulary(document)):
            vocabulary = local_vocabulary(document).merged(vocabulary)
        _check_document(
            session=session,
            service_id=document.service.id,
            document=document,
            vocabulary=vocabulary,
        )
        same = _preflight(
            session=session,
            service_id=document.service.id,
            document=document,
            request=request,
            today=today,
            historical=historical,
        )
        if same is not None:
            _record_unchanged(
                session=session,
                principal=principal,
                action="notice.import",
                target=_target(document.service.id, same.version),
                same=same,
            )
            session.refresh(same)
            return Outcome(version=same, unchanged=True)
        if open_draft(session=session, service_id=document.service.id) is not None:
            raise Conflict(
                f"Service '{document.service.id}' has an open draft; publish or discard it first"
            )
        row = store.new_draft(
            session=session,
            service_id=document.service.id,
            document=document,
            author=principal.author(document.service.controllers),
            now=_now(),
        )
        _publish(
            session=session,
            row=row,
            document=document,
            vocabulary=vocabulary,
            request=request,
            principal=principal,
            today=today,
            action="notice.import",
            documents=documents,
            detail={"historical": True} if historical else None,
        )
    except Exception:
        session.rollback()
        raise
    return Outcome(version=row)


def list_versions(
    *, session: Session, service_id: str, include_drafts: bool
) -> list[NoticeVersion]:
    return register.list_versions(
        session=session, service_id=service_id, include_drafts=include_drafts
    )
