"""The ``Authorization: Bearer`` dependency, with scopes. Refusals on writes are audited."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from sqlmodel import Session

from app.audit.service import record_now
from app.auth.service import Principal, authenticate
from app.db import get_session
from app.errors import Forbidden, Unauthorized

bearer = HTTPBearer(auto_error=False, description="An API key created with `ropa keys create`")
Credentials = Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)]


def _refuse(request: Request, session: Session, actor: str, outcome: str, why: str) -> None:
    if request.method not in ("GET", "HEAD", "OPTIONS"):
        record_now(
            session=session,
            actor=actor,
            action=f"{request.method} {request.scope.get('route').path_format}"  # type: ignore[union-attr]
            if request.scope.get("route")
            else request.method,
            target=request.url.path,
            outcome=outcome,
            detail={"reason": why},
        )


def optional_principal(
    credentials: Credentials, session: Annotated[Session, Depends(get_session)]
) -> Principal | None:
    """The caller if a valid key was sent; None for anonymous callers. Never refuses."""
    if credentials is None:
        return None
    return authenticate(session=session, token=credentials.credentials)


def require(*scopes: str) -> Callable[..., Principal]:
    """A dependency admitting keys whose scope is one of ``scopes`` (``admin`` always)."""

    def dependency(
        request: Request,
        credentials: Credentials,
        session: Annotated[Session, Depends(get_session)],
    ) -> Principal:
        if credentials is None:
            _refuse(request, session, "anonymous", "denied", "no API key")
            raise Unauthorized("Send an API key as 'Authorization: Bearer <key>'")
        principal = authenticate(session=session, token=credentials.credentials)
        if principal is None:
            _refuse(request, session, "unknown-key", "denied", "unknown or revoked key")
            raise Unauthorized("The API key is unknown or revoked")
        if not any(principal.allows(s) for s in scopes):
            _refuse(request, session, principal.name, "denied", f"scope {principal.scope}")
            raise Forbidden(
                f"This needs a key with scope {' or '.join(scopes)}; yours is {principal.scope}"
            )
        return principal

    return dependency
