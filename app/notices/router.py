"""The notice as text (render) and what is missing or wrong in it (checks), over HTTP.

A published version is rendered with the vocabulary terms it was published with, so its text
never changes: the bytes are kept by (version id, format, page). Its checks are kept by
(version id, vocabulary revision, date). Drafts are rendered and checked on demand, for
callers with an editor, publisher or auditor key.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from datetime import date as date_
from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Query, Request, Response
from pydantic import BaseModel, ConfigDict, Field
from starlette.concurrency import run_in_threadpool

from app.auth.deps import optional_principal
from app.auth.service import Principal
from app.cache import representation
from app.db import Session
from app.deps import AtQuery, SlugPath, VersionQuery
from app.errors import NotFound, problem_responses
from app.http import (
    CURRENT,
    IMMUTABLE,
    PAGE_HEADERS,
    PRIVATE,
    choose_format,
    conditional_response,
)
from app.notices.checks import RULES, Finding, check_notice
from app.notices.render import MEDIA_TYPES, Format, render_notice
from app.notices.textchecks import check_text
from app.patterns import IsoDate
from app.register import store
from app.register.api import Chosen, answer, choose, current_state
from app.register.current import State
from app.register.document import NoticeDocument
from app.register.models import NoticeVersion
from app.register.service import get_draft, sees_drafts
from app.register.vocabulary import Vocabulary

router = APIRouter(prefix="/v1", tags=["notices"])

MaybePrincipal = Annotated[Principal | None, Depends(optional_principal)]

#: Headers for the HTML fragment, meant to be embedded (a full page in the GOV.UK layout has
#: app.http.PAGE_HEADERS: its CSS and JavaScript are files of the app).
HTML_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors *",
    "Referrer-Policy": "no-referrer",
}


async def _chosen_or_draft(
    request: Request,
    service_id: str,
    at: date | None,
    version: int | None,
    who: Principal | None,
) -> Chosen | NoticeVersion:
    """The public version selected, or a draft by number for a caller with a key."""
    try:
        return await choose(request, service_id, at, version)
    except NotFound:
        if version is None or who is None:
            raise

    def draft() -> NoticeVersion:
        with Session(request.app.state.engine) as session:
            if not sees_drafts(session=session, principal=who, service_id=service_id):
                raise NotFound(f"Service '{service_id}' has no version {version}")
            return get_draft(session=session, service_id=service_id, version=version)

    return await run_in_threadpool(draft)


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
async def render(
    request: Request,
    service_id: SlugPath,
    who: MaybePrincipal,
    format: Annotated[Format | None, Query(description="Default: from Accept, else html")] = None,
    page: Annotated[Literal["fragment", "full"], Query(description="html only")] = "fragment",
    at: AtQuery = None,
    version: VersionQuery = None,
) -> Response:
    fmt = choose_format(request.headers.get("accept"), MEDIA_TYPES, format)
    chosen = await _chosen_or_draft(request, service_id, at, version, who)
    full_page = page == "full" and fmt == "html"

    def text_of(document: NoticeDocument, vocabulary: Vocabulary) -> bytes:
        if full_page:
            page_of: Callable[[NoticeDocument, Vocabulary], str] = request.app.state.notice_page
            return page_of(document, vocabulary).encode()
        return render_notice(document, vocabulary, fmt=fmt).encode()

    headers = (PAGE_HEADERS if full_page else HTML_HEADERS) if fmt == "html" else None
    documents: store.Documents = request.app.state.documents

    if isinstance(chosen, NoticeVersion):  # a draft: its text follows the register's terms
        state = await current_state(request)

        def draft_text() -> bytes:
            document = store.with_register_fields(store.parse(chosen.document), chosen, state.day)
            return text_of(document, state.vocabulary)

        rep = representation(await run_in_threadpool(draft_text), MEDIA_TYPES[fmt])
        return conditional_response(request, rep, cache_control=PRIVATE, headers=headers)

    def make(session: Session, _state: State) -> bytes:
        row = session.get_one(NoticeVersion, chosen.id)
        document = store.with_register_fields(
            documents.one(session=session, version=row), row, date.today(), with_status=False
        )
        terms = documents.terms(session=session, version=row)
        assert terms is not None
        return text_of(document, terms)

    return await answer(
        request,
        ("render", chosen.id, fmt, full_page),
        make,
        media_type=MEDIA_TYPES[fmt],
        by_state=False,
        cache_control=IMMUTABLE if chosen.by_number else CURRENT,
        headers=headers,
    )


class CheckReport(BaseModel):
    service_id: str
    version: int
    status: str
    checked_on: date
    errors: int
    warnings: int
    infos: int
    findings: list[Finding]


def report(
    service_id: str, row: NoticeVersion, findings: list[Finding], on: date, today: date
) -> CheckReport:
    return CheckReport(
        service_id=service_id,
        version=row.version,
        status=store.status_of(row, today),
        checked_on=on,
        errors=sum(f.severity == "error" for f in findings),
        warnings=sum(f.severity == "warning" for f in findings),
        infos=sum(f.severity == "info" for f in findings),
        findings=findings,
    )


@router.get(
    "/services/{service_id}/notice/checks",
    response_model=CheckReport,
    responses=problem_responses(304, 404, 422, 503),
)
async def checks(
    request: Request,
    service_id: SlugPath,
    who: MaybePrincipal,
    at: AtQuery = None,
    version: VersionQuery = None,
) -> Response:
    """Findings for the selected version, as of `at` (default today): each with a rule id,
    severity, JSON pointer into the notice document, message and legal reference."""
    chosen = await _chosen_or_draft(request, service_id, at, version, who)
    state = await current_state(request)
    on = at or state.day
    documents: store.Documents = request.app.state.documents

    def findings_of(session: Session, row: NoticeVersion) -> bytes:
        document = documents.one(session=session, version=row)
        found = check_notice(document, state.vocabulary, today=on)
        return report(service_id, row, found, on, state.day).model_dump_json().encode()

    if isinstance(chosen, NoticeVersion):

        def draft_report() -> bytes:
            with Session(request.app.state.engine) as session:
                return findings_of(session, chosen)

        rep = representation(await run_in_threadpool(draft_report), "application/json")
        return conditional_response(request, rep, cache_control=PRIVATE)

    def make(session: Session, _state: State) -> bytes:
        return findings_of(session, session.get_one(NoticeVersion, chosen.id))

    key = ("checks", chosen.id, state.revisions[:2], on)
    return await answer(request, key, make, by_state=False)


class TextCheckRequest(BaseModel):
    model_config = ConfigDict(strict=True)

    text: str = Field(min_length=1, max_length=1_000_000, description="A notice as published")
    format: Literal["text", "markdown", "html"] = "text"
    date: IsoDate | None = Field(default=None, description="Check as of this date (default today)")


class TextFinding(BaseModel):
    rule: str
    severity: str
    start: int = Field(description="Offset of the first character concerned in `text`")
    end: int = Field(description="Offset just after the last character concerned")
    quote: str = Field(description="The text concerned, as written")
    message: str
    legal_reference: str
    suggestion: str | None = None
    replacement: str | None = Field(
        default=None, description="What should replace the quoted text, where that is mechanical"
    )


class TextCheckReport(BaseModel):
    checked_on: date_
    errors: int
    warnings: int
    infos: int
    findings: list[TextFinding]


def text_report(source: str, fmt: str, vocabulary: Vocabulary, on: date_) -> TextCheckReport:
    found = [
        TextFinding(
            rule=h.rule,
            severity=RULES[h.rule].severity,
            start=h.start,
            end=h.end,
            quote=h.quote,
            message=h.message,
            legal_reference=RULES[h.rule].legal_reference,
            suggestion=h.suggestion,
            replacement=h.replacement,
        )
        for h in check_text(source, vocabulary, on, fmt=fmt)
    ]
    return TextCheckReport(
        checked_on=on,
        errors=sum(f.severity == "error" for f in found),
        warnings=sum(f.severity == "warning" for f in found),
        infos=sum(f.severity == "info" for f in found),
        findings=found,
    )


@router.post(
    "/checks/text",
    response_model=TextCheckReport,
    responses=problem_responses(400, 413, 422, 503),
    summary="Check any notice's text, before normalising it",
    description="Runs every check that needs no structure over a notice as published (plain "
    "text, Markdown or HTML): citations found in the prose (with their provisions) against "
    "the legislation registry, EU GDPR wording, phone numbers and e-mail addresses, renamed "
    "or misnamed bodies and programmes, links with no address, pointers to numbering. Each "
    "finding has the character offsets of the text it concerns and quotes it.",
)
async def check_any_text(request: Request, body: TextCheckRequest) -> TextCheckReport:
    state = await current_state(request)
    return await run_in_threadpool(
        text_report, body.text, body.format, state.vocabulary, body.date or state.day
    )
