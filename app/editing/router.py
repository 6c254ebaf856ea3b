"""Write API v1: controllers and services (publisher), drafts (editor), publish (publisher),
version history with drafts (editor/auditor) and diffs."""

from __future__ import annotations

import json
from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Body, Depends, Header, Query, Request, Response
from sqlmodel import Session
from starlette.concurrency import run_in_threadpool

from app import db
from app.auth.deps import optional_principal, require
from app.auth.service import Principal
from app.deps import (
    AtQuery,
    RecordedAtQuery,
    SessionDep,
    SlugPath,
    VersionPath,
    WriteSessionDep,
)
from app.editing import service as editing
from app.errors import Forbidden, InvalidQuery, problem_responses
from app.notices.diff import DiffResult, diff_documents
from app.pagination import Page, PageDep
from app.register import service as register
from app.register import store
from app.register.api import kept_answer
from app.register.current import State
from app.register.document import ControllerDoc, NoticeDocument
from app.register.models import NoticeVersion
from app.register.router import controllers_public, services_public
from app.register.schemas import (
    ControllerPublic,
    PublishOutcome,
    ServicePublic,
    VersionSummary,
)

router = APIRouter(prefix="/v1")

Editor = Annotated[Principal, Depends(require("editor"))]
Publisher = Annotated[Principal, Depends(require("publisher"))]
Reader = Annotated[Principal, Depends(require("editor", "auditor", "publisher"))]
MaybePrincipal = Annotated[Principal | None, Depends(optional_principal)]
#: Required: without it a change is refused with 428 (RFC 6585), not 422.
IfMatch = Annotated[
    str,
    Header(
        max_length=200,
        description="The draft's ETag, as you read it (`*`: whatever it is now). Stale: 412.",
    ),
]

WRITE = problem_responses(400, 401, 403, 404, 409, 413, 422, 503)
DRAFT_WRITE = problem_responses(400, 401, 403, 404, 409, 412, 413, 422, 428, 503)

#: An RFC 6902 operation, as the server's JSON Patch library reads it.
_POINTER = {"type": "string", "pattern": editing.POINTER_PATTERN, "description": "RFC 6901"}
JSON_PATCH_OPERATION = {
    "oneOf": [
        {
            "type": "object",
            "required": ["op", "path", "value"],
            "properties": {
                "op": {"enum": ["add", "replace", "test"]},
                "path": _POINTER,
                "value": {},
            },
        },
        {
            "type": "object",
            "required": ["op", "path"],
            "properties": {"op": {"const": "remove"}, "path": _POINTER},
        },
        {
            "type": "object",
            "required": ["op", "path", "from"],
            "properties": {"op": {"enum": ["move", "copy"]}, "path": _POINTER, "from": _POINTER},
        },
    ]
}
PATCH_BODY = {
    "requestBody": {
        "required": True,
        "content": {
            # application/json is read as a merge patch: an object, never an array
            "application/json": {"schema": {"type": "object"}},
            "application/merge-patch+json": {"schema": {"type": "object"}},
            "application/json-patch+json": {
                "schema": {
                    "type": "array",
                    "maxItems": editing.MAX_PATCH_OPERATIONS,
                    "items": JSON_PATCH_OPERATION,
                }
            },
        },
    }
}


#: The header lists removals up to this many bytes (proxies refuse larger headers); the audit
#: event keeps them all.
MAX_REMOVED_BYTES = 4000
REMOVED_HEADER = "ROPA-Removed"
EDIT_RESPONSES: dict[int | str, dict[str, Any]] = {
    200: {
        "description": "The draft as changed, with its new ETag",
        "headers": {
            "ETag": {"description": "The draft's new ETag", "schema": {"type": "string"}},
            REMOVED_HEADER: {
                "description": "What the change removed from the draft, in words: a JSON array "
                "of strings (ASCII, non-ASCII characters escaped), `[]` when nothing was "
                "removed. A merge patch that replaces an array removes the items it leaves "
                f"out. At most {MAX_REMOVED_BYTES} bytes: the last entry then says how many "
                "more there are; the audit event keeps them all.",
                "schema": {"type": "string"},
            },
        },
    }
}


def removed_header(removed: list[str]) -> str:
    """What an edit removed, as a JSON array (ASCII) of at most :data:`MAX_REMOVED_BYTES`: when
    it is longer, the last entry says how many more the audit event lists."""
    listed: list[str] = []
    for i, line in enumerate(removed):
        more = len(removed) - i
        if len(json.dumps([*listed, line, f"and {more} more"], ensure_ascii=True)) > (
            MAX_REMOVED_BYTES
        ):
            listed.append(f"and {more} more (the audit event lists them all)")
            break
        listed.append(line)
    return json.dumps(listed, ensure_ascii=True)


def _edited_response(edited: editing.Edited) -> Response:
    response = _document_response(edited.document, edited.etag)
    response.headers[REMOVED_HEADER] = removed_header(edited.removed)
    return response


def _document_response(
    document: NoticeDocument, etag: str, status: int = 200, **headers: str
) -> Response:
    return Response(
        content=document.model_dump_json(exclude_none=True),
        media_type="application/json",
        status_code=status,
        headers={"ETag": etag, "Cache-Control": "no-store", **headers},
    )


# --- controllers and services ----------------------------------------------------------------


@router.post("/controllers", tags=["controllers"], status_code=201, responses=WRITE)
def create_controller(
    body: ControllerDoc, session: WriteSessionDep, who: Publisher
) -> ControllerPublic:
    row = editing.save_controller(session=session, controller=body, principal=who, create=True)
    return controllers_public(session, [row])[0]


@router.put("/controllers/{controller_id}", tags=["controllers"], responses=WRITE)
def update_controller(
    request: Request,
    controller_id: SlugPath,
    body: ControllerDoc,
    session: WriteSessionDep,
    who: Publisher,
) -> ControllerPublic:
    if body.id != controller_id:
        raise InvalidQuery("The body's id must be the controller in the path")
    row = editing.save_controller(session=session, controller=body, principal=who, create=False)
    return controllers_public(session, [row])[0]


@router.post("/services", tags=["services"], status_code=201, responses=WRITE)
def create_service(
    request: Request, body: editing.ServiceCreate, session: WriteSessionDep, who: Publisher
) -> ServicePublic:
    row = editing.save_service(session=session, data=body, principal=who, create=True)
    return services_public(session, request.app.state.register.state(), [row])[0]


@router.put("/services/{service_id}", tags=["services"], responses=WRITE)
def update_service(
    request: Request,
    service_id: SlugPath,
    body: editing.ServiceCreate,
    session: WriteSessionDep,
    who: Publisher,
) -> ServicePublic:
    if body.id != service_id:
        raise InvalidQuery("The body's id must be the service in the path")
    row = editing.save_service(session=session, data=body, principal=who, create=False)
    return services_public(session, request.app.state.register.state(), [row])[0]


# --- drafts ----------------------------------------------------------------------------------


@router.post(
    "/services/{service_id}/notice/drafts",
    tags=["drafts"],
    status_code=201,
    response_model=NoticeDocument,
    response_model_exclude_none=True,
    responses=WRITE,
    summary="Create the service's draft",
    description="No body: a copy of the version in effect today. A notice document: that "
    "document. One open draft per service (409 otherwise). The response has the draft's "
    "version number in `notice.version`, an `ETag` and a `Location`.",
)
def create_draft(
    service_id: SlugPath,
    session: WriteSessionDep,
    who: Editor,
    body: Annotated[NoticeDocument | None, Body()] = None,
) -> Response:
    row, document, etag = editing.create_draft(
        session=session, service_id=service_id, document=body, principal=who
    )
    location = f"/v1/services/{service_id}/notice/drafts/{row.version}"
    return _document_response(document, etag, 201, Location=location)


@router.get(
    "/services/{service_id}/notice/drafts/{version}",
    tags=["drafts"],
    response_model=NoticeDocument,
    response_model_exclude_none=True,
    responses=problem_responses(401, 403, 404, 409, 422, 503),
)
def get_draft(
    service_id: SlugPath, version: VersionPath, session: SessionDep, who: Reader
) -> Response:
    row = register.get_draft(session=session, service_id=service_id, version=version)
    if not register.sees_drafts(session=session, principal=who, service_id=service_id):
        raise Forbidden(f"This key does not act for the controllers of '{service_id}'")
    document, etag = editing.document_of(session=session, row=row)
    return _document_response(document, etag)


@router.put(
    "/services/{service_id}/notice/drafts/{version}",
    tags=["drafts"],
    response_model=NoticeDocument,
    response_model_exclude_none=True,
    responses={**DRAFT_WRITE, **EDIT_RESPONSES},
)
def replace_draft(
    service_id: SlugPath,
    version: VersionPath,
    body: NoticeDocument,
    session: WriteSessionDep,
    who: Editor,
    if_match: IfMatch,
) -> Response:
    edited = editing.replace_draft(
        session=session,
        service_id=service_id,
        version=version,
        document=body,
        if_match=if_match,
        principal=who,
    )
    return _edited_response(edited)


@router.patch(
    "/services/{service_id}/notice/drafts/{version}",
    tags=["drafts"],
    response_model=NoticeDocument,
    response_model_exclude_none=True,
    responses={**DRAFT_WRITE, **EDIT_RESPONSES},
    openapi_extra=PATCH_BODY,
    description="`application/merge-patch+json` (RFC 7386) or `application/json-patch+json` "
    "(RFC 6902), with `If-Match`. A merge patch replaces any array it carries: the items it "
    "leaves out are removed, and the `ROPA-Removed` header lists everything the change removed.",
)
def patch_draft(
    request: Request,
    service_id: SlugPath,
    version: VersionPath,
    patch: Annotated[dict[str, Any] | list[dict[str, Any]], Body()],
    session: WriteSessionDep,
    who: Editor,
    if_match: IfMatch,
) -> Response:
    content_type = request.headers.get("content-type", "").split(";")[0].strip()
    kind = "json-patch" if content_type == "application/json-patch+json" else "merge-patch"
    if (kind == "json-patch") != isinstance(patch, list):
        raise InvalidQuery(
            "A JSON Patch is an array of operations; a merge patch is an object: check Content-Type"
        )
    edited = editing.patch_draft(
        session=session,
        service_id=service_id,
        version=version,
        patch=patch,
        kind=kind,
        if_match=if_match,
        principal=who,
    )
    return _edited_response(edited)


@router.post(
    "/services/{service_id}/notice/drafts/{version}/fixes",
    tags=["drafts"],
    response_model=NoticeDocument,
    response_model_exclude_none=True,
    responses={**DRAFT_WRITE, **EDIT_RESPONSES},
    summary="Apply the mechanical fixes of chosen check findings (needs If-Match)",
    description="Each finding of `GET …/notice/checks?version=N` that has a `fix` (an RFC 6902 "
    "JSON Patch: a misnamed Act, a renamed body, a link with no address…) can be applied by "
    "its `id`; the chosen fixes are applied in order, in one step, and the draft's new ETag is "
    "returned. A finding that is not the draft's, or has no fix, is a 422 and nothing changes.",
)
def fix_draft(
    service_id: SlugPath,
    version: VersionPath,
    body: editing.FixesRequest,
    session: WriteSessionDep,
    who: Editor,
    if_match: IfMatch,
) -> Response:
    edited = editing.fix_draft(
        session=session,
        service_id=service_id,
        version=version,
        request=body,
        if_match=if_match,
        principal=who,
        today=date.today(),
    )
    return _edited_response(edited)


@router.delete(
    "/services/{service_id}/notice/drafts/{version}",
    tags=["drafts"],
    status_code=204,
    responses=DRAFT_WRITE,
)
def discard_draft(
    service_id: SlugPath,
    version: VersionPath,
    session: WriteSessionDep,
    who: Editor,
    if_match: IfMatch,
) -> Response:
    editing.discard_draft(
        session=session, service_id=service_id, version=version, if_match=if_match, principal=who
    )
    return Response(status_code=204)


@router.post(
    "/services/{service_id}/notice/drafts/{version}/publish",
    tags=["drafts"],
    responses=DRAFT_WRITE,
    summary="Publish the draft (atomic; needs If-Match)",
    description="The draft becomes the published version from `effective_from` (default "
    "today), which may not be before the latest published version's (history is append-only). "
    "A draft identical to the version it would follow is not published: the answer is that "
    "version, with `unchanged: true`, and the draft is left open.",
)
def publish_draft(
    request: Request,
    service_id: SlugPath,
    version: VersionPath,
    body: editing.PublishRequest,
    session: WriteSessionDep,
    who: Publisher,
    if_match: IfMatch,
) -> PublishOutcome:
    documents: store.Documents = request.app.state.documents
    outcome = editing.publish_draft(
        session=session,
        service_id=service_id,
        version=version,
        request=body,
        if_match=if_match,
        principal=who,
        today=date.today(),
        documents=documents,
    )
    summary = summaries(session, documents, [outcome.version], date.today())[0]
    return PublishOutcome(
        **summary.model_dump(), unchanged=outcome.unchanged, detail=outcome.describe()
    )


# --- history ---------------------------------------------------------------------------------


def summaries(
    session: Session, documents: store.Documents, rows: list[NoticeVersion], today: date
) -> list[VersionSummary]:
    """Each version's register facts and its title (from its document)."""
    return [
        VersionSummary(
            version=r.version,
            status=store.status_of(r, today),
            effective_from=r.effective_from,
            effective_to=r.effective_to,
            published_at=r.published_at,
            author=r.author,
            change_summary=r.change_summary,
            title=d.notice.title,
        )
        for r, d in zip(rows, documents.get(session=session, versions=rows), strict=True)
    ]


@router.get(
    "/services/{service_id}/notice/versions",
    tags=["notices"],
    response_model=Page[VersionSummary],
    responses=problem_responses(401, 404, 422, 503),
    description="Every published version with what happened to it (scheduled, in effect, "
    "superseded, never in effect) and when it was published (`published_at`); drafts too for "
    "editor, auditor and publisher keys. Statuses are as of today, or as of `at`: the version "
    "`in_effect` is the one `GET …/notice?at=` and the export at that date give. "
    "`recorded_at`: the list as the register held it at the end of that day (versions "
    "published later left out, dates in effect as they were then; no drafts), statuses as of "
    "`at` or else that day.",
)
def list_versions(
    request: Request,
    service_id: SlugPath,
    session: SessionDep,
    page: PageDep,
    who: MaybePrincipal,
    at: Annotated[
        AtQuery, Query(description="Statuses as of this date (YYYY-MM-DD); default today")
    ] = None,
    recorded_at: RecordedAtQuery = None,
) -> Page[VersionSummary]:
    if recorded_at is not None:
        register.get_service(session=session, service_id=service_id)
        rows = store.recorded_versions(
            session=session, recorded_on=recorded_at, service_ids=[service_id]
        )
        day = at or recorded_at
    else:
        rows = editing.list_versions(
            session=session,
            service_id=service_id,
            include_drafts=register.sees_drafts(
                session=session, principal=who, service_id=service_id
            ),
        )
        state: State = request.app.state.register.state()
        day = at or state.day
    chosen = rows[page.offset : page.offset + page.limit]
    return page.of(summaries(session, request.app.state.documents, chosen, day), len(rows))


def _sees_drafts(request: Request, who: Principal, service_id: str) -> bool:
    with db.Session(request.app.state.engine) as session:
        return register.sees_drafts(session=session, principal=who, service_id=service_id)


@router.get(
    "/services/{service_id}/notice/versions/{version}/diff",
    tags=["notices"],
    response_model=DiffResult,
    responses=problem_responses(401, 404, 422, 503),
    description="What changed from version `from` to this one: RFC 6902 JSON Patch, and every "
    "change in words with what it was and what it is (`summary`, one line per entry of "
    "`changes`, which gives each change's JSON pointer, `before` and `after`). Drafts can be "
    "compared with a key.",
)
async def diff_versions(
    request: Request,
    service_id: SlugPath,
    version: VersionPath,
    who: MaybePrincipal,
    from_: Annotated[int, Query(alias="from", ge=1, le=1_000_000)],
) -> Response:
    include_drafts = who is not None and await run_in_threadpool(
        _sees_drafts, request, who, service_id
    )

    def make(session: Session, _state: State) -> bytes:
        new = register.get_version(
            session=session, service_id=service_id, version=version, include_drafts=include_drafts
        )
        old = register.get_version(
            session=session, service_id=service_id, version=from_, include_drafts=include_drafts
        )
        old_doc, new_doc = request.app.state.documents.get(session=session, versions=[old, new])
        result = diff_documents(old_doc, new_doc, from_version=from_, to_version=version)
        return result.model_dump_json().encode()

    # Without a key both are published versions, whose numbers and content never change.
    key = None if include_drafts else ("diff", service_id, from_, version)
    rep = await kept_answer(request, key, make, by_state=False)
    return Response(rep.body, media_type=rep.media_type)
