"""The notice as text (render) and what is missing or wrong in it (checks), over HTTP.

Published versions never change, so their rendered bytes are cached by (version, format,
page) and served with a strong ETag. Drafts are rendered and checked on demand, for callers
with an editor, publisher or auditor key.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Query, Request, Response
from pydantic import BaseModel
from sqlmodel import Session

from app.auth.deps import optional_principal
from app.auth.service import Principal
from app.cache import (
    FastPathRoute,
    Representation,
    conditional_response,
    fast_path,
    representation,
)
from app.db import get_session
from app.errors import NotAcceptable, NotFound, problem_responses
from app.notices.checks import Finding, check_notice
from app.notices.render import MEDIA_TYPES, Format, render_notice
from app.register import service as register
from app.register.models import NoticeVersion
from app.register.router import AtQuery, SlugPath, VersionQuery, one_selector

router = APIRouter(prefix="/v1", tags=["notices"], route_class=FastPathRoute)

SessionDep = Annotated[Session, Depends(get_session)]
MaybePrincipal = Annotated[Principal | None, Depends(optional_principal)]

#: Headers for HTML meant to be embedded or shown as a page.
HTML_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors *",
    "Referrer-Policy": "no-referrer",
}
_ACCEPT_TO_FORMAT = {"text/html": "html", "text/markdown": "markdown", "text/plain": "text"}


def _select(
    *,
    session: Session,
    service_id: str,
    at: date | None,
    version: int | None,
    who: Principal | None,
) -> NoticeVersion:
    """The public version selected, or a draft by number for a caller with a key."""
    one_selector(at, version)
    try:
        return register.resolve_version(
            session=session, service_id=service_id, at=at, version=version
        )
    except NotFound:
        if version is None or who is None:
            raise
        from app.editing.service import get_any_version

        return get_any_version(
            session=session, service_id=service_id, version=version, include_drafts=True
        )


def _negotiate(requested: Format | None, accept: str | None) -> Format:
    accepted = [
        part.split(";")[0].strip().lower() for part in (accept or "").split(",") if part.strip()
    ]
    wildcard = not accepted or any(a in ("*/*", "text/*") for a in accepted)
    if requested is None:
        for media in accepted:
            if media in _ACCEPT_TO_FORMAT:
                return _ACCEPT_TO_FORMAT[media]  # type: ignore[return-value]
        if wildcard:
            return "html"
        raise NotAcceptable("This renders text/html, text/markdown or text/plain")
    if wildcard or MEDIA_TYPES[requested].split(";")[0] in accepted:
        return requested
    raise NotAcceptable(
        f"format={requested} is {MEDIA_TYPES[requested].split(';')[0]}, which Accept excludes"
    )


_FAST_PARAMS = {"format": frozenset(MEDIA_TYPES), "page": frozenset(("fragment", "full"))}


def _current_render(request: Request) -> Response | None:
    """Fast path: today's rendered notice, when its bytes are cached (no version selector)."""
    params = request.query_params
    for key in params:
        allowed, values = _FAST_PARAMS.get(key), params.getlist(key)
        if allowed is None or len(values) != 1 or values[0] not in allowed:
            return None
    current = request.app.state.in_effect.get(request.path_params["service_id"])
    if current is None:
        return None
    try:
        fmt = _negotiate(params.get("format"), request.headers.get("accept"))  # type: ignore[arg-type]
    except NotAcceptable:
        return None
    rep = request.app.state.cache.get(("render", current[0], fmt, params.get("page") == "full"))
    if rep is None:
        return None
    response = conditional_response(request, rep)
    if fmt == "html":
        response.headers.update(HTML_HEADERS)
    return response


@router.get(
    "/services/{service_id}/notice/render",
    response_class=Response,
    responses={
        200: {
            "description": "The notice as HTML (a fragment, or a page with `page=full`), "
            "Markdown or plain text",
            "content": {
                m.split(";")[0]: {"schema": {"type": "string"}} for m in MEDIA_TYPES.values()
            },
        },
        **problem_responses(304, 404, 406, 422, 503),
    },
)
@fast_path(_current_render)
def render(
    request: Request,
    service_id: SlugPath,
    session: SessionDep,
    who: MaybePrincipal,
    format: Annotated[Format | None, Query(description="Default: from Accept, else html")] = None,
    page: Annotated[Literal["fragment", "full"], Query(description="html only")] = "fragment",
    at: AtQuery = None,
    version: VersionQuery = None,
) -> Response:
    fmt = _negotiate(format, request.headers.get("accept"))
    row = _select(session=session, service_id=service_id, at=at, version=version, who=who)
    full_page = page == "full"

    def make() -> Representation:
        document = register.export_document(session=session, version=row)
        vocabulary = register.read_vocabulary(session=session)
        text = render_notice(document, vocabulary, fmt=fmt, full_page=full_page)
        return representation(text.encode(), MEDIA_TYPES[fmt])

    if row.status == "draft":
        rep = make()
        response = conditional_response(request, rep, cache_control="no-store")
    else:
        rep = request.app.state.cache.get_or_make(("render", row.id, fmt, full_page), make)
        response = conditional_response(request, rep)
    if fmt == "html":
        response.headers.update(HTML_HEADERS)
    return response


class CheckReport(BaseModel):
    service_id: str
    version: int
    status: str
    checked_on: date
    errors: int
    warnings: int
    infos: int
    findings: list[Finding]


@router.get("/services/{service_id}/notice/checks", responses=problem_responses(404, 422, 503))
def checks(
    service_id: SlugPath,
    session: SessionDep,
    who: MaybePrincipal,
    at: AtQuery = None,
    version: VersionQuery = None,
) -> CheckReport:
    """Findings for the selected version, as of `at` (default today): each with a rule id,
    severity, JSON pointer into the notice document, message and legal reference."""
    row = _select(session=session, service_id=service_id, at=at, version=version, who=who)
    document = register.export_document(session=session, version=row)
    findings = check_notice(
        document, register.read_vocabulary(session=session), today=at or date.today()
    )
    return CheckReport(
        service_id=service_id,
        version=row.version,
        status=row.status,
        checked_on=at or date.today(),
        errors=sum(f.severity == "error" for f in findings),
        warnings=sum(f.severity == "warning" for f in findings),
        infos=sum(f.severity == "info" for f in findings),
        findings=findings,
    )
