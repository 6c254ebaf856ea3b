"""HTTP by the book: content negotiation, entity tags and caching headers.

``Accept`` and ``If-None-Match`` are parsed by Werkzeug (q-values, wildcards, weak tags), not
by hand.
"""

from __future__ import annotations

from collections.abc import Sequence

from fastapi import Request, Response
from werkzeug.datastructures import MIMEAccept
from werkzeug.http import parse_accept_header, parse_etags

from app.cache import Representation

#: A published version (selected by number) never changes.
IMMUTABLE = "public, max-age=31536000, immutable"
#: What is in effect today can change when a new version is published.
CURRENT = "public, max-age=300"
#: Drafts and other per-caller answers.
PRIVATE = "private, no-store"


def negotiate(accept: str | None, offers: Sequence[str]) -> str | None:
    """The offered media type the ``Accept`` header prefers (q-values, wildcards), the first
    offer when there is no header, or None when it accepts none of them."""
    if not accept or not accept.strip():
        return offers[0]
    return parse_accept_header(accept, MIMEAccept).best_match(offers)


def etag_matches(if_none_match: str | None, etag: str) -> bool:
    """``If-None-Match`` uses the weak comparison (RFC 9110 section 13.1.2)."""
    if not if_none_match:
        return False
    tags = parse_etags(if_none_match)
    return tags.star_tag or tags.contains_weak(etag.strip('"'))


def conditional_response(
    request: Request,
    rep: Representation,
    *,
    cache_control: str = CURRENT,
    vary: str = "Accept, Accept-Encoding",
    headers: dict[str, str] | None = None,
) -> Response:
    """The representation, or 304 when the client already has it."""
    all_headers = {
        "ETag": rep.etag,
        "Cache-Control": cache_control,
        "Vary": vary,
        **(headers or {}),
    }
    if etag_matches(request.headers.get("if-none-match"), rep.etag):
        return Response(status_code=304, headers=all_headers)
    return Response(content=rep.body, media_type=rep.media_type, headers=all_headers)
