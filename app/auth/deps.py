"""Who is calling, on every route; scopes and controllers on the routes that need them.

:func:`identify` runs for every operation (the application's own dependency): no
``Authorization`` header is an anonymous caller; a key that is not accepted (unknown,
malformed, expired, revoked) is 401 with ``WWW-Authenticate: Bearer error="invalid_token"``,
public routes included, and counts as a failure for the client's address; an address with too
many failures gets 429 with ``Retry-After`` for any request carrying a key (see
:mod:`app.auth.limiter`).

Refusals write to the audit trail only when the key is known (its name is the actor);
anonymous and unknown-key refusals are counted in ``app.state.auth_refusals`` and logged (at
the 1st, 10th, 100th … of each kind), never written to the database.
"""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Callable
from typing import Annotated, Any

from fastapi import Depends, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from sqlalchemy import Engine

from app.audit.service import record_now
from app.auth.limiter import FailureLimiter
from app.auth.service import Principal, Refused
from app.auth.service import identify as identify_key
from app.db import Session, get_session, writer
from app.errors import Forbidden, TooManyRequests, Unauthorized

log = logging.getLogger(__name__)

bearer = HTTPBearer(
    auto_error=False,
    scheme_name="bearer",
    description="An API key created with `ropa keys create`, as `Authorization: Bearer <key>`",
)
Credentials = Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)]

_SAFE = ("GET", "HEAD", "OPTIONS")


def _action(request: Request) -> str:
    route = request.scope.get("route")
    path = getattr(route, "path_format", None)
    return f"{request.method} {path}" if path else request.method


def _address(request: Request) -> str:
    return request.client.host if request.client else "unknown"


def _count(request: Request, what: str) -> None:
    """Count a refusal that is not written to the database; log it at the 1st, 10th, 100th …
    of its kind (a flood stays a few lines)."""
    counts: Counter[str] = request.app.state.auth_refusals
    counts[what] += 1
    n = counts[what]
    if 10 ** (len(str(n)) - 1) == n:
        log.warning(
            "refused %s %s from %s: %s (%d refused so far in this process)",
            request.method,
            request.url.path,
            _address(request),
            what,
            n,
        )


def _audit_refusal(request: Request, session: Session, actor: str, why: str) -> None:
    """A refused write by a known key is audited."""
    if request.method not in _SAFE:
        record_now(
            session=session,
            actor=actor,
            action=_action(request),
            target=request.url.path,
            outcome="denied",
            detail={"reason": why},
        )


def _look_up(
    engine: Engine, token: str, audit: Callable[[Session, str, str], None]
) -> Principal | Refused:
    with Session(engine) as session:
        found = identify_key(session=session, token=token)
    if isinstance(found, Refused) and found.name is not None:
        with Session(writer(engine)) as session:
            audit(session, found.name, f"{found.reason} key")
    return found


async def identify(request: Request) -> Principal | None:
    """The caller: None when no key is sent; refuses (401/429) a key that is not accepted."""
    header = request.headers.get("authorization")
    if header is None:
        return None
    limiter: FailureLimiter = request.app.state.auth_failures
    address = _address(request)
    wait = limiter.retry_after(address)
    if wait is not None:
        _count(request, "rate-limited")
        raise TooManyRequests(
            f"Too many failed authentications from this address; retry in {wait} s",
            retry_after=wait,
        )
    scheme, _, token = header.strip().partition(" ")
    token = token.strip()
    if scheme.lower() != "bearer" or not token:
        limiter.failed(address)
        _count(request, "malformed-credentials")
        raise Unauthorized("Send an API key as 'Authorization: Bearer <key>'", invalid_token=True)

    def audit(session: Session, actor: str, why: str) -> None:
        _audit_refusal(request, session, actor, why)

    found = await run_in_threadpool(_look_up, request.app.state.engine, token, audit)
    if isinstance(found, Refused):
        limiter.failed(address)
        _count(request, f"{found.reason}-key")
        raise Unauthorized(f"The API key is {found.reason}", invalid_token=True)
    return found


Caller = Annotated[Principal | None, Depends(identify)]


def optional_principal(caller: Caller) -> Principal | None:
    """The caller if a valid key was sent; None for anonymous callers (an invalid key has
    already been refused by :func:`identify`)."""
    return caller


def optional_security(schema: dict[str, Any]) -> dict[str, Any]:
    """In the OpenAPI document, an operation that does not require a key accepts one (and
    checks it): ``security: [{}, {bearer: []}]``."""
    for path in schema.get("paths", {}).values():
        for operation in path.values():
            if isinstance(operation, dict) and "responses" in operation:
                operation.setdefault("security", [{}, {bearer.scheme_name: []}])
    return schema


def require(*scopes: str) -> Callable[..., Principal]:
    """A dependency admitting keys whose scope is one of ``scopes`` (``admin`` always).

    Scopes only: what a key may act on is checked where the controllers are known
    (:func:`app.auth.service.require_controllers`)."""

    def dependency(
        request: Request,
        caller: Caller,
        credentials: Credentials,
        session: Annotated[Session, Depends(get_session)],
    ) -> Principal:
        if caller is None:
            if request.method not in _SAFE:
                _count(request, "anonymous-write")
            raise Unauthorized("Send an API key as 'Authorization: Bearer <key>'")
        if not any(caller.allows(s) for s in scopes):
            _audit_refusal(request, session, caller.name, f"scope {caller.scope}")
            raise Forbidden(
                f"This needs a key with scope {' or '.join(scopes)}; yours is {caller.scope}"
            )
        return caller

    return dependency
