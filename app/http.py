"""HTTP by the book: content negotiation, entity tags, compression and caching headers, HEAD,
OPTIONS and a complete ``Allow``.

``Accept``, ``Accept-Encoding``, ``If-None-Match`` and ``If-Match`` are parsed by Werkzeug
(q-values, wildcards, lists, weak tags, ``*``), never by hand.

Entity tags of finished representations are strong: a hash of the exact bytes sent
(:func:`app.cache.strong_etag`); the streamed ROPA export's is weak (it names what the export is
made from, :mod:`app.exports.router`).
Content codings are part of the representation (RFC 9110 section 8.8.3), so the gzipped bytes
carry their own strong tag, the identity tag with ``-gzip`` inside the quotes (``"ab12"`` →
``"ab12-gzip"``); :class:`Compression` does that in one place, so the application only ever
deals in the tags of identity bytes. A 304 carries the tag the client sent, so a cache holding
either coding revalidates it; ``If-Match`` (editing) accepts either coding's tag of the draft as
it is now.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import TypeVar

from fastapi import Request, Response
from starlette.datastructures import Headers, MutableHeaders
from starlette.middleware.gzip import GZipMiddleware, GZipResponder, IdentityResponder
from starlette.routing import Match, Mount
from starlette.types import ASGIApp, Message, Receive, Scope, Send
from werkzeug.datastructures import ETags, MIMEAccept
from werkzeug.http import parse_accept_header, parse_etags

from app.cache import COMPRESS_MIN_BYTES, Representation
from app.errors import NotAcceptable

#: A published version (selected by number) never changes.
IMMUTABLE = "public, max-age=31536000, immutable"
#: What is in effect today can change when a new version is published.
CURRENT = "public, max-age=300"
#: Drafts and other per-caller answers.
PRIVATE = "private, no-store"

GZIP_SUFFIX = "-gzip"
#: Set in the scope of a HEAD request answered as a GET (:class:`Methods`).
HEAD_KEY = "ropa.head"
METHODS = ("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS")


# --- negotiation -----------------------------------------------------------------------------


def negotiate(accept: str | None, offers: Sequence[str]) -> str | None:
    """The offered media type the ``Accept`` header prefers (q-values, wildcards), the first
    offer when there is no header, or None when it accepts none of them."""
    if not accept or not accept.strip():
        return offers[0]
    return parse_accept_header(accept, MIMEAccept).best_match(offers)


F = TypeVar("F", bound=str)


def choose_format(accept: str | None, media_types: Mapping[F, str], requested: F | None) -> F:
    """The format asked for by name (406 when ``Accept`` excludes its media type), else the one
    ``Accept`` prefers among ``media_types`` (the first when there is no ``Accept``); 406 when
    it accepts none of them."""
    by_media = {m.split(";")[0]: f for f, m in media_types.items()}
    offers = [media_types[requested].split(";")[0]] if requested else list(by_media)
    found = negotiate(accept, offers)
    if found is None:
        if requested:
            raise NotAcceptable(f"format={requested} is {offers[0]}, which Accept excludes")
        raise NotAcceptable(f"This is available as {', '.join(offers)}; Accept excludes them all")
    return by_media[found]


def accepts_gzip(accept_encoding: str | None) -> bool:
    """Whether ``Accept-Encoding`` admits gzip (``gzip;q=0`` and ``*;q=0`` do not)."""
    if not accept_encoding:
        return False
    return parse_accept_header(accept_encoding).quality("gzip") > 0


# --- entity tags -----------------------------------------------------------------------------


def gzip_etag(etag: str) -> str:
    """The strong tag of the gzipped bytes of a representation tagged ``etag``."""
    weak = etag.startswith("W/")
    opaque = etag.removeprefix("W/").strip('"')
    return ('W/"' if weak else '"') + opaque + GZIP_SUFFIX + '"'


def identity_tags(header: str) -> tuple[str, bool]:
    """An ``If-None-Match`` / ``If-Match`` value with each gzip tag replaced by the tag of the
    same representation's identity bytes, and whether there was one."""
    tags = parse_etags(header)
    if tags.star_tag:
        return header, False
    strong = tags.as_set(include_weak=False)
    weak = tags.as_set(include_weak=True) - strong
    if not any(t.endswith(GZIP_SUFFIX) for t in strong | weak):
        return header, False
    rebuilt = ETags(
        [t.removesuffix(GZIP_SUFFIX) for t in strong],
        [t.removesuffix(GZIP_SUFFIX) for t in weak],
    )
    return rebuilt.to_header(), True


def etag_matches(if_none_match: str | None, etag: str) -> bool:
    """``If-None-Match`` uses the weak comparison (RFC 9110 section 13.1.2)."""
    if not if_none_match:
        return False
    tags = parse_etags(if_none_match)
    return tags.star_tag or tags.contains_weak(etag.removeprefix("W/").strip('"'))


def if_match_matches(if_match: str, etag: str) -> bool:
    """``If-Match`` uses the strong comparison (RFC 9110 section 13.1.1)."""
    tags = parse_etags(if_match)
    return tags.star_tag or tags.contains(etag.strip('"'))


def conditional_response(
    request: Request,
    rep: Representation,
    *,
    cache_control: str = CURRENT,
    vary: str = "Accept, Accept-Encoding",
    headers: dict[str, str] | None = None,
) -> Response:
    """The representation (its gzipped bytes, kept with it, when it is large and the client
    takes gzip; :class:`Compression` gives them their tag), or 304 when the client already
    has it."""
    all_headers = {
        "ETag": rep.etag,
        "Cache-Control": cache_control,
        "Vary": vary,
        **(headers or {}),
    }
    if etag_matches(request.headers.get("if-none-match"), rep.etag):
        return Response(status_code=304, headers=all_headers)
    if rep.gzipped is not None and accepts_gzip(request.headers.get("accept-encoding")):
        all_headers["Content-Encoding"] = "gzip"
        return Response(content=rep.gzipped, media_type=rep.media_type, headers=all_headers)
    return Response(content=rep.body, media_type=rep.media_type, headers=all_headers)


# --- compression -----------------------------------------------------------------------------


class Compression(GZipMiddleware):
    """gzip for bodies of 1 KiB and more (streamed ones always), chosen by a parsed
    ``Accept-Encoding``, with ``Vary: Accept-Encoding``; bodies the application gzipped
    itself (:func:`conditional_response`) pass through.

    Entity tags are kept right around it: the application deals only in the tags of identity
    bytes. Incoming ``If-None-Match`` / ``If-Match`` gzip tags become identity tags; an
    outgoing gzipped body gets the gzip tag, and so does a 304 answering a gzip tag.
    """

    def __init__(self, app: ASGIApp) -> None:
        super().__init__(app, minimum_size=COMPRESS_MIN_BYTES, compresslevel=6)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        raw: list[tuple[bytes, bytes]] = []
        answering_gzip_tag = False
        for name, value in scope["headers"]:
            if name in (b"if-none-match", b"if-match"):
                rewritten, had = identity_tags(value.decode("latin-1"))
                answering_gzip_tag |= had and name == b"if-none-match"
                value = rewritten.encode("latin-1")
            raw.append((name, value))
        scope = {**scope, "headers": raw}

        async def tagging(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(raw=message["headers"])
                etag = headers.get("etag")
                gzipped = headers.get("content-encoding") == "gzip"
                if etag and (gzipped or (message["status"] == 304 and answering_gzip_tag)):
                    headers["ETag"] = gzip_etag(etag)
                if "vary" in headers:  # Starlette appends Accept-Encoding even when present
                    names = [v.strip() for v in headers["vary"].split(",")]
                    unique = {n.lower(): n for n in reversed(names) if n}
                    headers["Vary"] = ", ".join(reversed(unique.values()))
            await send(message)

        responder: ASGIApp
        if accepts_gzip(Headers(scope=scope).get("accept-encoding")):
            responder = GZipResponder(
                self.app,
                self.minimum_size,
                compresslevel=self.compresslevel,
                thread_minimum_size=self.thread_minimum_size,
                exclude_content_types=self.exclude_content_types,
            )
        else:
            responder = IdentityResponder(
                self.app, self.minimum_size, exclude_content_types=self.exclude_content_types
            )
        await responder(scope, receive, tagging)


# --- methods: HEAD, OPTIONS, Allow -----------------------------------------------------------


def is_head(request: Request) -> bool:
    """Whether this GET is answering a HEAD: its body will be dropped, so need not be made."""
    return bool(request.scope.get(HEAD_KEY, False))


def allowed_methods(routes: Iterable[object], scope: Scope) -> list[str]:
    """Every method the path of ``scope`` is served with (HEAD wherever GET is, OPTIONS
    wherever anything is); empty when no route has the path."""
    found: set[str] = set()
    for route in routes:
        matches = getattr(route, "matches", None)
        if matches is None:
            continue
        if isinstance(route, Mount):  # static files: GET and HEAD
            if matches({**scope, "method": "GET"})[0] != Match.NONE:
                found.update(("GET", "HEAD"))
            continue
        for method in METHODS:
            if method not in found and matches({**scope, "method": method})[0] == Match.FULL:
                found.add(method)
    if "GET" in found:
        found.add("HEAD")
    if found:
        found.add("OPTIONS")
    return [m for m in METHODS if m in found]


class Methods:
    """``HEAD`` on every GET route (the GET response's status and headers, no body),
    ``OPTIONS`` on every path (204 with ``Allow``; CORS preflights are answered before this),
    and a complete ``Allow`` on every 405."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    def _allow(self, scope: Scope) -> list[str]:
        router = scope["app"].router if "app" in scope else None
        return allowed_methods(router.routes if router is not None else [], scope)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        method = scope["method"]
        if method == "OPTIONS":
            allow = self._allow(scope)
            if allow:
                headers = [(b"allow", ", ".join(allow).encode()), (b"content-length", b"0")]
                await send({"type": "http.response.start", "status": 204, "headers": headers})
                await send({"type": "http.response.body", "body": b""})
                return
        head = method == "HEAD"
        if head:  # a route that streams may look at HEAD_KEY and make no body
            scope = {**scope, "method": "GET", HEAD_KEY: True}

        async def sending(message: Message) -> None:
            if message["type"] == "http.response.start" and message["status"] == 405:
                headers = MutableHeaders(raw=message["headers"])
                headers["Allow"] = ", ".join(self._allow(scope))
            if head and message["type"] == "http.response.body":
                if message.get("more_body", False):
                    return
                message = {"type": "http.response.body", "body": b""}
            await send(message)

        await self.app(scope, receive, sending)


#: The Content-Security-Policy of a page in the layout: its scripts, styles and images come
#: only from the app (no inline script or style, no third party). Embeddable anywhere, like
#: the notice pages (``render?page=full``).
PAGE_CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; "
    "font-src 'self'; connect-src 'self'; manifest-src 'self'; base-uri 'none'; "
    "form-action 'self'; frame-ancestors *"
)
PAGE_HEADERS = {
    "Content-Security-Policy": PAGE_CSP,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
}
