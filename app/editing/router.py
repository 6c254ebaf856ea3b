"""Write API v1: controllers and services (publisher), drafts (editor), publish (publisher),
version history with drafts (editor/auditor) and diffs."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Body, Depends, Header, Query, Request, Response
from sqlmodel import Session

from app.auth.deps import optional_principal, require
from app.auth.service import Principal
from app.deps import SessionDep, SlugPath, VersionPath, WriteSessionDep
from app.editing import service as editing
from app.errors import InvalidQuery, problem_responses
from app.notices.diff import DiffResult, diff_documents
from app.pagination import Page, PageDep
from app.register import service as register
from app.register import store
from app.register.api import kept_answer
from app.register.current import State
from app.register.document import ControllerDoc, NoticeDocument
from app.register.models import NoticeVersion
from app.register.router import controllers_public, services_public
from app.register.schemas import ControllerPublic, ServicePublic, VersionSummary

router = APIRouter(prefix="/v1")

Editor = Annotated[Principal, Depends(require("editor"))]
Publisher = Annotated[Principal, Depends(require("publisher"))]
Reader = Annotated[Principal, Depends(require("editor", "auditor", "publisher"))]
MaybePrincipal = Annotated[Principal | None, Depends(optional_principal)]
IfMatch = Annotated[str | None, Header(max_length=200, description="The ETag you read")]

WRITE = problem_responses(400, 401, 403, 404, 409, 413, 422, 503)
DRAFT_WRITE = problem_responses(400, 401, 403, 404, 409, 412, 413, 422, 428, 503)

PATCH_BODY = {
    "requestBody": {
        "required": True,
        "content": {
            "application/merge-patch+json": {"schema": {"type": "object"}},
            "application/json-patch+json": {
                "schema": {"type": "array", "items": {"type": "object"}}
            },
        },
    }
}


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
    document, etag = editing.document_of(session=session, row=row)
    return _document_response(document, etag)


@router.put(
    "/services/{service_id}/notice/drafts/{version}",
    tags=["drafts"],
    response_model=NoticeDocument,
    response_model_exclude_none=True,
    responses=DRAFT_WRITE,
)
def replace_draft(
    service_id: SlugPath,
    version: VersionPath,
    body: NoticeDocument,
    session: WriteSessionDep,
    who: Editor,
    if_match: IfMatch = None,
) -> Response:
    document, etag = editing.replace_draft(
        session=session,
        service_id=service_id,
        version=version,
        document=body,
        if_match=if_match,
        principal=who,
    )
    return _document_response(document, etag)


@router.patch(
    "/services/{service_id}/notice/drafts/{version}",
    tags=["drafts"],
    response_model=NoticeDocument,
    response_model_exclude_none=True,
    responses=DRAFT_WRITE,
    openapi_extra=PATCH_BODY,
    description="`application/merge-patch+json` (RFC 7386) or `application/json-patch+json` "
    "(RFC 6902), with `If-Match`.",
)
def patch_draft(
    request: Request,
    service_id: SlugPath,
    version: VersionPath,
    patch: Annotated[dict[str, Any] | list[dict[str, Any]], Body()],
    session: WriteSessionDep,
    who: Editor,
    if_match: IfMatch = None,
) -> Response:
    content_type = request.headers.get("content-type", "").split(";")[0].strip()
    kind = "json-patch" if content_type == "application/json-patch+json" else "merge-patch"
    if (kind == "json-patch") != isinstance(patch, list):
        raise InvalidQuery(
            "A JSON Patch is an array of operations; a merge patch is an object: check Content-Type"
        )
    document, etag = editing.patch_draft(
        session=session,
        service_id=service_id,
        version=version,
        patch=patch,
        kind=kind,
        if_match=if_match,
        principal=who,
    )
    return _document_response(document, etag)


@router.post(
    "/services/{service_id}/notice/drafts/{version}/fixes",
    tags=["drafts"],
    response_model=NoticeDocument,
    response_model_exclude_none=True,
    responses=DRAFT_WRITE,
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
    if_match: IfMatch = None,
) -> Response:
    document, etag = editing.fix_draft(
        session=session,
        service_id=service_id,
        version=version,
        request=body,
        if_match=if_match,
        principal=who,
        today=date.today(),
    )
    return _document_response(document, etag)


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
    if_match: IfMatch = None,
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
)
def publish_draft(
    request: Request,
    service_id: SlugPath,
    version: VersionPath,
    body: editing.PublishRequest,
    session: WriteSessionDep,
    who: Publisher,
    if_match: IfMatch = None,
) -> VersionSummary:
    documents: store.Documents = request.app.state.documents
    row = editing.publish_draft(
        session=session,
        service_id=service_id,
        version=version,
        request=body,
        if_match=if_match,
        principal=who,
        today=date.today(),
        documents=documents,
    )
    return summaries(session, documents, [row], date.today())[0]


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
    "superseded, never in effect); drafts too for editor, auditor and publisher keys.",
)
async def list_versions(
    request: Request,
    service_id: SlugPath,
    page: PageDep,
    who: MaybePrincipal,
) -> Response:
    include_drafts = who is not None

    def make(session: Session, state: State) -> bytes:
        rows = editing.list_versions(
            session=session, service_id=service_id, include_drafts=include_drafts
        )
        chosen = rows[page.offset : page.offset + page.limit]
        documents = request.app.state.documents
        result = page.of(summaries(session, documents, chosen, state.day), len(rows))
        return result.model_dump_json().encode()

    # Without a key: published versions only, which change with the register's revisions
    # (kept under them and the day). With one: drafts too, made each time.
    key = None if include_drafts else ("versions", service_id, page)
    rep = await kept_answer(request, key, make)
    return Response(rep.body, media_type=rep.media_type)


@router.get(
    "/services/{service_id}/notice/versions/{version}/diff",
    tags=["notices"],
    response_model=DiffResult,
    responses=problem_responses(401, 404, 422, 503),
    description="What changed from version `from` to this one: RFC 6902 JSON Patch and a "
    "summary in words. Drafts can be compared with a key.",
)
async def diff_versions(
    request: Request,
    service_id: SlugPath,
    version: VersionPath,
    who: MaybePrincipal,
    from_: Annotated[int, Query(alias="from", ge=1, le=1_000_000)],
) -> Response:
    include_drafts = who is not None

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
