"""The ROPA export for auditors (``GET /v1/ropa``) and the JSON-LD context it refers to."""

from __future__ import annotations

import hashlib
import itertools
import json
from collections.abc import Iterator
from datetime import date
from functools import lru_cache
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Path, Query, Request, Response
from fastapi.responses import StreamingResponse

from app.cache import Representation, representation
from app.db import Session, get_session
from app.deps import AtQuery, RecordedAtQuery, SlugQuery
from app.errors import NotFound, problem_responses
from app.exports.ropa import CONTEXT_PATH, MEDIA_TYPES, ROW_FORMAT
from app.exports.service import Export
from app.exports.terms import TERMS_PATH, context, vocabulary_document
from app.http import CURRENT, choose_format, conditional_response, etag_matches, is_head
from app.register.api import answer
from app.register.current import State

#: The request's session, closed as soon as the route returns: the stream reads on a session of
#: its own, and holding both (one connection each) deadlocked the pool under concurrent exports.
RouteSession = Annotated[Session, Depends(get_session, scope="function")]

router = APIRouter(tags=["exports"])


@lru_cache(maxsize=8)
def _context(base: str) -> Representation:
    return representation(
        json.dumps(context(base), indent=2, ensure_ascii=False).encode() + b"\n",
        "application/ld+json",
    )


_EXPORT_CONTENT: dict[int | str, dict[str, Any]] = {
    200: {
        "description": "The register, one row per processing activity, streamed",
        "content": {
            "application/json": {"schema": {"type": "object"}},
            "text/csv": {"schema": {"type": "string"}},
            "application/ld+json": {"schema": {"type": "object"}},
        },
    }
}


@router.get(
    "/v1/ropa",
    response_class=StreamingResponse,
    responses={**_EXPORT_CONTENT, **problem_responses(304, 406, 422, 503)},
    summary="The record of processing activities (ICO template columns), streamed",
    description="One row per processing activity of the published notices in effect on `at` "
    "(default today): identifiers, then the columns of the ICO documentation template for "
    "controllers in order, then the required items the row is missing. Each row gives its "
    "version's `effective_from` (in effect from) and `published_at` (recorded on): "
    "`recorded_at=R` with `at=D` is what the register said on R about D, leaving out what was "
    "published after R. Incomplete records are "
    "included. `csv` is RFC 4180 (`bom=true` adds a UTF-8 byte-order mark for Excel; cells "
    "that a spreadsheet would run as formulas are prefixed with `'`); `json` adds the "
    "controller block; `jsonld` is W3C DPV with the context at "
    f"`{CONTEXT_PATH}` and the local terms at `{TERMS_PATH}`. `contacts=true` (CSV) starts the "
    "file with the controller and DPO contact block, as the ICO template's first rows do, then "
    "a blank line, then the header. The ETag names the published versions the export is made "
    "from (weak: it is not a hash of the bytes); `If-None-Match` gives 304.",
)
def export_ropa(
    request: Request,
    session: RouteSession,
    fmt: Annotated[
        Literal["json", "csv", "jsonld"] | None,
        Query(
            alias="format",
            description="Output format. Default: the one `Accept` prefers (application/json, "
            "text/csv, application/ld+json; q-values and wildcards), else json",
        ),
    ] = None,
    controller: Annotated[SlugQuery, Query(description="Only this controller")] = None,
    service: Annotated[SlugQuery, Query(description="Only this service")] = None,
    at: Annotated[
        AtQuery, Query(description="The register as it stood on this date (YYYY-MM-DD)")
    ] = None,
    bom: Annotated[
        bool, Query(description="CSV only: start with a UTF-8 byte-order mark (for Excel)")
    ] = False,
    contacts: Annotated[
        bool,
        Query(
            description="CSV only: start with the controller and DPO contact block (Name, "
            "Address, Email, Telephone), then a blank line, then the header"
        ),
    ] = False,
    recorded_at: RecordedAtQuery = None,
) -> Response:
    fmt = choose_format(request.headers.get("accept"), MEDIA_TYPES, fmt)
    export = Export(
        session=session,
        at=at or recorded_at or date.today(),
        controller=controller,
        service=service,
        recorded_at=recorded_at,
    )
    engine = request.app.state.engine
    documents = request.app.state.documents
    base = request.app.state.settings.public_base_url
    csv_options = (bom, contacts) if fmt == "csv" else (False, False)
    headers = {
        "ETag": _export_etag(export, fmt, csv_options, base if fmt == "jsonld" else ""),
        "Cache-Control": CURRENT,
        "Vary": "Accept, Accept-Encoding",
    }
    if etag_matches(request.headers.get("if-none-match"), headers["ETag"]):
        return Response(status_code=304, headers=headers)

    head = is_head(request)

    def body() -> Iterator[bytes]:
        if head:  # the headers are the GET's (one empty chunk: streamed, so gzipped alike)
            yield b""
            return
        # The request's session is released once the route returns; stream from our own.
        with Session(engine) as own:
            yield from export.chunks(own, documents, fmt=fmt, bom=bom, base=base, contacts=contacts)

    headers["Content-Disposition"] = f'attachment; filename="{export.filename(fmt)}"'
    # The head and the first group of rows are read before the response starts, so a database
    # failing then is a 503; one failing later can only cut the stream short (the status has
    # been sent), which the client sees as an incomplete body, never as a complete export.
    chunks = body()
    first = list(itertools.islice(chunks, 2))
    return StreamingResponse(
        itertools.chain(first, chunks), media_type=MEDIA_TYPES[fmt], headers=headers
    )


#: Change when the export's shape changes other than through its rows (:data:`ROW_FORMAT`).
EXPORT_FORMAT = 1


def _export_etag(export: Export, fmt: str, csv_options: tuple[bool, bool], base: str) -> str:
    """A weak tag naming what the export is made from: the published versions (which never
    change) and the controller each is placed under, the date, the filters and the options."""
    made_from = json.dumps(
        [
            EXPORT_FORMAT,
            ROW_FORMAT,
            fmt,
            csv_options,
            base,
            export.at.isoformat(),
            export.controller,
            export.service,
            [(v.id, c) for v, c in export.placed],
        ]
    )
    return 'W/"' + hashlib.sha256(made_from.encode()).hexdigest()[:32] + '"'


@router.get(
    "/contexts/{name}",
    responses={
        200: {"content": {"application/ld+json": {"schema": {"type": "object"}}}},
        **problem_responses(304, 404, 422),
    },
    summary="A JSON-LD context of the exports",
    description="`ropa-v1.jsonld`: the prefixes (DPV, DPV-PD, eu-gdpr, legal-gb) and the "
    f"`ropa:` namespace of the local terms (`{TERMS_PATH}`) used by "
    "`GET /v1/ropa?format=jsonld`.",
)
def get_context(
    request: Request,
    name: Annotated[str, Path(max_length=60, pattern=r"^[a-z0-9][a-z0-9.-]*\.jsonld$")],
) -> Response:
    if "/contexts/" + name != CONTEXT_PATH:
        raise NotFound(f"No context '{name}'")
    rep = _context(request.app.state.settings.public_base_url)
    return conditional_response(request, rep, cache_control="public, max-age=86400")


@router.get(
    TERMS_PATH,
    response_class=Response,
    responses={
        200: {"content": {"application/ld+json": {"schema": {"type": "object"}}}},
        **problem_responses(304, 503),
    },
    summary="The project's own linked-data terms (the `ropa:` namespace)",
    description="A vocabulary document (JSON-LD) defining every `ropa:` term the JSON-LD "
    f"export uses: each is a hash IRI in `<public base URL>{TERMS_PATH}#`, so each resolves "
    "here. Properties, and a class for each lawful basis, data subject and data category "
    "DPV 2.3 has no term for.",
)
async def get_terms(request: Request) -> Response:
    base = request.app.state.settings.public_base_url

    def make(_session: Session, state: State) -> bytes:
        document = vocabulary_document(base, state.vocabulary)
        return json.dumps(document, indent=1, ensure_ascii=False).encode()

    return await answer(request, ("terms", base), make, media_type="application/ld+json")
