"""Creating, listing, revoking and checking API keys.

A key looks like ``ropa_<prefix>_<secret>``. The prefix finds the row; the SHA-256 of the whole
key is compared in constant time. Keys have high entropy, so a fast hash is sufficient.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlmodel import Session, col, select

from app.audit.service import record
from app.auth.models import SCOPES, ApiKey
from app.errors import Conflict, InvalidQuery, NotFound

KEY_PREFIX = "ropa_"


@dataclass(frozen=True)
class Principal:
    """Who is calling: the key's name and scope (never the key itself)."""

    name: str
    scope: str

    def allows(self, scope: str) -> bool:
        return self.scope in (scope, "admin")


def _hash(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def create_key(*, session: Session, name: str, scope: str, actor: str) -> str:
    """Create a key and return it; it is never shown again."""
    if scope not in SCOPES:
        raise InvalidQuery(f"scope must be one of {', '.join(SCOPES)}")
    if session.exec(select(ApiKey).where(ApiKey.name == name)).first() is not None:
        raise Conflict(f"A key named '{name}' already exists")
    prefix = secrets.token_hex(4)
    key = f"{KEY_PREFIX}{prefix}_{secrets.token_urlsafe(32)}"
    session.add(
        ApiKey(
            name=name, scope=scope, prefix=prefix, key_hash=_hash(key), created_at=datetime.now(UTC)
        )
    )
    record(
        session=session,
        actor=actor,
        action="key.create",
        target=f"key/{name}",
        detail={"scope": scope},
    )
    session.commit()
    return key


def list_keys(*, session: Session) -> Sequence[ApiKey]:
    return session.exec(select(ApiKey).order_by(col(ApiKey.created_at))).all()


def revoke_key(*, session: Session, name: str, actor: str) -> ApiKey:
    key = session.exec(select(ApiKey).where(ApiKey.name == name)).first()
    if key is None:
        raise NotFound(f"No key named '{name}'")
    if key.revoked_at is None:
        key.revoked_at = datetime.now(UTC)
        record(session=session, actor=actor, action="key.revoke", target=f"key/{name}")
        session.commit()
        session.refresh(key)
    return key


def authenticate(*, session: Session, token: str) -> Principal | None:
    """The principal for a presented key, or None when it is unknown, malformed or revoked."""
    if not token.startswith(KEY_PREFIX) or len(token) > 200:
        return None
    prefix = token[len(KEY_PREFIX) :].split("_", 1)[0]
    presented = _hash(token)
    match: Principal | None = None
    for row in session.exec(select(ApiKey).where(ApiKey.prefix == prefix)).all():
        # compare every candidate, so timing does not depend on which one matched
        if hmac.compare_digest(row.key_hash, presented) and row.revoked_at is None:
            match = Principal(name=row.name, scope=row.scope)
    return match
