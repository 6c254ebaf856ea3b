"""The HTTP server's own limits: how long a client may take to send a request.

uvicorn bounds the idle time between requests (``--timeout-keep-alive``) and the number of
concurrent connections (``--limit-concurrency``, then 503), but not how long a client may take
to send the request itself: a client that sends half its headers, or promises a body and sends
none, holds its connection (and a file descriptor) for as long as it likes. This protocol adds
the two timeouts web servers have for it (nginx's ``client_header_timeout`` and
``client_body_timeout``, Apache's ``mod_reqtimeout``): the request line and headers must arrive
within ``header_timeout`` seconds of the connection (or of the first byte of the next request
on a kept-alive one), the body within ``body_timeout`` seconds of the headers. A client too slow
is answered ``408 Request Timeout`` and disconnected.
"""

from __future__ import annotations

import asyncio
import functools
import json
from typing import Any

from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

from app.config import Settings
from app.errors import PROBLEM_JSON, TYPE_PREFIX


def _timeout_response() -> bytes:
    body = json.dumps(
        {
            "type": TYPE_PREFIX + "request-timeout",
            "title": "The request was not received in time",
            "status": 408,
        }
    ).encode()
    head = (
        "HTTP/1.1 408 Request Timeout\r\n"
        f"content-type: {PROBLEM_JSON}\r\n"
        f"content-length: {len(body)}\r\n"
        "connection: close\r\n\r\n"
    )
    return head.encode("ascii") + body


REQUEST_TIMEOUT = _timeout_response()


class TimedProtocol(HttpToolsProtocol):
    """uvicorn's httptools protocol with header and body read timeouts."""

    def __init__(self, *args: Any, header_timeout: float, body_timeout: float, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.header_timeout = header_timeout
        self.body_timeout = body_timeout
        self._read_timer: asyncio.TimerHandle | None = None

    def _arm(self, seconds: float) -> None:
        self._disarm()
        self._read_timer = self.loop.call_later(seconds, self._timed_out)

    def _disarm(self) -> None:
        if self._read_timer is not None:
            self._read_timer.cancel()
            self._read_timer = None

    def _timed_out(self) -> None:
        self._read_timer = None
        if self.transport.is_closing():
            return
        cycle = self.cycle
        if cycle is None or cycle.response_complete or not cycle.response_started:
            self.transport.write(REQUEST_TIMEOUT)
        self.transport.close()

    # The first request's headers are due from the moment the connection is made; a later
    # one's from its first byte (until then the keep-alive timeout applies).
    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        self._arm(self.header_timeout)

    def on_message_begin(self) -> None:
        super().on_message_begin()
        if self._read_timer is None:
            self._arm(self.header_timeout)

    def on_headers_complete(self) -> None:
        super().on_headers_complete()
        self._arm(self.body_timeout)  # disarmed at once when there is no body

    def on_message_complete(self) -> None:
        self._disarm()
        super().on_message_complete()

    def connection_lost(self, exc: Exception | None) -> None:
        self._disarm()
        super().connection_lost(exc)


def protocol(settings: Settings) -> Any:
    """The protocol class for uvicorn's ``http=``, with the settings' timeouts (picklable, for
    worker processes)."""
    return functools.partial(
        TimedProtocol,
        header_timeout=settings.header_timeout,
        body_timeout=settings.body_timeout,
    )


def uvicorn_options(settings: Settings) -> dict[str, Any]:
    """Every server limit from the settings, as ``uvicorn.run``/``uvicorn.Config`` options."""
    return {
        "http": protocol(settings),
        "timeout_keep_alive": settings.keep_alive_timeout,
        "limit_concurrency": settings.max_connections,
        "timeout_worker_healthcheck": settings.worker_start_timeout,
        "access_log": settings.access_log,
    }
