"""The ROPA export for auditors (``GET /v1/ropa``) and the JSON-LD context it refers to."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path as FilePath
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Path, Query, Request, Response
from fastapi.responses import StreamingResponse
from sqlmodel import Session

from app.cache import representation
from app.db import get_session
from app.deps import AtQuery, SlugQuery
from app.errors import NotFound, problem_responses
from app.exports.ropa import CONTEXT_PATH, MEDIA_TYPES
from app.exports.service import Export
from app.http import conditional_response

router = APIRouter(tags=["exports"])

#: The request's session, closed as soon as the route returns: the stream reads on a session of
#: its own, and holding both (one connection each) deadlocked the pool under concurrent exports.
RouteSession = Annotated[Session, Depends(get_session, scope="function")]

CONTEXT_DIR = FilePath(__file__).resolve().parent / "context"
CONTEXTS = {
    p.name: representation(p.read_bytes(), "application/ld+json")
    for p in CONTEXT_DIR.glob("*.jsonld")
}

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
    responses={**_EXPORT_CONTENT, **problem_responses(422, 503)},
    summary="The record of processing activities (ICO template columns), streamed",
    description="One row per processing activity of the published notices in effect on `at` "
    "(default today): identifiers, then the columns of the ICO documentation template for "
    "controllers in order, then the required items the row is missing. Incomplete records are "
    "included. `csv` is RFC 4180 (`bom=true` adds a UTF-8 byte-order mark for Excel; cells "
    "that a spreadsheet would run as formulas are prefixed with `'`); `json` adds the "
    "controller block; `jsonld` is W3C DPV with the context at "
    f"`{CONTEXT_PATH}`.",
)
def export_ropa(
    request: Request,
    session: RouteSession,
    fmt: Annotated[
        Literal["json", "csv", "jsonld"], Query(alias="format", description="Output format")
    ] = "json",
    controller: Annotated[SlugQuery, Query(description="Only this controller")] = None,
    service: Annotated[SlugQuery, Query(description="Only this service")] = None,
    at: Annotated[
        AtQuery, Query(description="The register as it stood on this date (YYYY-MM-DD)")
    ] = None,
    bom: Annotated[
        bool, Query(description="CSV only: start with a UTF-8 byte-order mark (for Excel)")
    ] = False,
) -> StreamingResponse:
    export = Export(session=session, at=at or date.today(), controller=controller, service=service)
    engine = request.app.state.engine
    documents = request.app.state.documents
    base = str(request.base_url).rstrip("/")

    def body() -> Iterator[bytes]:
        # The request's session is released once the route returns; stream from our own.
        with Session(engine) as own:
            yield from export.chunks(own, documents, fmt=fmt, bom=bom, base=base)

    return StreamingResponse(
        body(),
        media_type=MEDIA_TYPES[fmt],
        headers={"Content-Disposition": f'attachment; filename="{export.filename(fmt)}"'},
    )


@router.get(
    "/contexts/{name}",
    responses={
        200: {"content": {"application/ld+json": {"schema": {"type": "object"}}}},
        **problem_responses(304, 404, 422),
    },
    summary="A JSON-LD context of the exports",
    description="`ropa-v1.jsonld`: the prefixes (DPV, DPV-PD, eu-gdpr, legal-gb) and the "
    "`ropa:` local terms used by `GET /v1/ropa?format=jsonld`.",
)
def get_context(
    request: Request,
    name: Annotated[str, Path(max_length=60, pattern=r"^[a-z0-9][a-z0-9.-]*\.jsonld$")],
) -> Response:
    rep = CONTEXTS.get(name)
    if rep is None:
        raise NotFound(f"No context '{name}'")
    return conditional_response(request, rep, cache_control="public, max-age=86400")
