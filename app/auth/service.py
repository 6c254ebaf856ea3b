"""Creating, listing, rotating, binding, revoking and checking API keys.

A key looks like ``ropa_<prefix>_<secret>``. The prefix finds the row; the SHA-256 of the whole
key is compared in constant time. Keys have high entropy, so a fast hash is sufficient.

A key is bound to the controllers it may act on (``api_key_controller``); an admin key bound to
none is global, any other key bound to none may act on nothing. A key may expire
(``expires_at``). Rotating a key gives it a new secret; the old one stops working at once, or
after an overlap of at most :data:`MAX_OVERLAP`.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Literal

import isodate
from sqlmodel import Session, col, or_, select

from app.audit.service import record, record_now
from app.auth.models import SCOPES, ApiKey, ApiKeyController, ApiKeyPublic
from app.errors import Conflict, Forbidden, InvalidQuery, NotFound

KEY_PREFIX = "ropa_"
#: Names the register uses for itself in the audit trail; no key may take them.
RESERVED_NAMES = frozenset({"cli", "seed", "anonymous", "unknown-key"})
#: The longest a rotated-out secret may keep working.
MAX_OVERLAP = timedelta(hours=24)
_SHORT_DURATION = re.compile(r"^(\d{1,5})([hdw])$")


@dataclass(frozen=True)
class Principal:
    """Who is calling: the key's name, scope and controllers (never the key itself).

    ``controllers`` is None for a global key (admin only). ``role`` names a caller that is not
    a key (the command line, the seed) in public authorship.
    """

    name: str
    scope: str
    controllers: frozenset[str] | None = None
    role: str | None = None

    def allows(self, scope: str) -> bool:
        return self.scope in (scope, "admin")

    def may_act_on(self, controllers: Iterable[str], *, every: bool = False) -> bool:
        """Whether the key is bound to one of ``controllers`` (or to all, with ``every``).

        A global key may act on anything; a key bound to nothing may act on nothing."""
        if self.controllers is None:
            return True
        wanted = set(controllers)
        if every:
            return wanted <= self.controllers
        return bool(wanted & self.controllers)

    def author(self, controllers: Sequence[str]) -> str:
        """The public name of this caller as the author of a change to a service of
        ``controllers``: its council(s) and role, never the key's name."""
        if self.controllers is None:
            return self.role or self.scope
        mine = [c for c in controllers if c in self.controllers] or sorted(self.controllers)
        return f"{', '.join(mine)} ({self.scope})"


@dataclass(frozen=True)
class Refused:
    """A presented key that does not admit its bearer: why, and whose it was if it was ours."""

    reason: Literal["unknown", "expired", "revoked"]
    name: str | None = None


def _hash(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def _new_secret() -> tuple[str, str]:
    prefix = secrets.token_hex(4)
    return prefix, f"{KEY_PREFIX}{prefix}_{secrets.token_urlsafe(32)}"


def _utc(moment: datetime) -> datetime:
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def parse_expiry(text: str, *, now: datetime) -> datetime:
    """When a key given ``--expires TEXT`` expires: an ISO 8601 duration from now (``P90D``,
    ``P3M``, ``PT12H``; ``90d``, ``12w`` and ``36h`` are short for ``P90D``, ``P12W`` and
    ``PT36H``), or an ISO 8601 date (the key stops working at 00:00 UTC that day) or date-time
    (UTC unless it names a zone). It must be in the future."""
    text = text.strip()
    short = _SHORT_DURATION.match(text)
    if short:
        n, unit = short.groups()
        text = f"PT{n}H" if unit == "h" else f"P{n}{unit.upper()}"
    try:
        if text[:1].upper() == "P":
            moment = now + isodate.parse_duration(text.upper())
        elif "T" in text:
            moment = _utc(datetime.fromisoformat(text))
        else:
            moment = datetime.combine(date.fromisoformat(text), time(), tzinfo=UTC)
    except (ValueError, isodate.ISO8601Error, OverflowError) as exc:
        raise InvalidQuery(
            f"--expires '{text}' is neither an ISO 8601 duration (P90D, 90d) nor a date "
            "(2027-03-01)"
        ) from exc
    if moment <= now:
        raise InvalidQuery(f"--expires '{text}' is not in the future")
    return moment


def _check_controllers(controllers: Sequence[str]) -> list[str]:
    """The controllers, once each. That they exist is the caller's to check (the register
    knows its controllers: ``app.register.service.require_known_controllers``)."""
    return list(dict.fromkeys(controllers))


def _bind(session: Session, key: ApiKey, controllers: Sequence[str]) -> None:
    assert key.id is not None
    for link in session.exec(select(ApiKeyController).where(ApiKeyController.key_id == key.id)):
        session.delete(link)
    session.flush()
    for controller in controllers:
        session.add(ApiKeyController(key_id=key.id, controller_id=controller))


def create_key(
    *,
    session: Session,
    name: str,
    scope: str,
    actor: str,
    controllers: Sequence[str] = (),
    expires_at: datetime | None = None,
) -> str:
    """Create a key and return it; it is never shown again. Every key but an admin key is
    bound to one or more controllers."""
    if scope not in SCOPES:
        raise InvalidQuery(f"scope must be one of {', '.join(SCOPES)}")
    if name in RESERVED_NAMES:
        raise InvalidQuery(f"'{name}' is reserved; choose another name")
    if not controllers and scope != "admin":
        raise InvalidQuery(
            f"A key with scope {scope} must be bound to one or more controllers (--controller); "
            "only an admin key may be global"
        )
    bound = _check_controllers(controllers)
    if session.exec(select(ApiKey).where(ApiKey.name == name)).first() is not None:
        raise Conflict(f"A key named '{name}' already exists")
    prefix, key = _new_secret()
    row = ApiKey(
        name=name,
        scope=scope,
        prefix=prefix,
        key_hash=_hash(key),
        created_at=datetime.now(UTC),
        expires_at=expires_at,
    )
    session.add(row)
    session.flush()
    _bind(session, row, bound)
    record(
        session=session,
        actor=actor,
        action="key.create",
        target=f"key/{name}",
        detail={
            "scope": scope,
            "controllers": bound or "all",
            "expires_at": expires_at.isoformat() if expires_at else None,
        },
    )
    session.commit()
    return key


def _get(session: Session, name: str) -> ApiKey:
    key = session.exec(select(ApiKey).where(ApiKey.name == name)).first()
    if key is None:
        raise NotFound(f"No key named '{name}'")
    return key


def bound_controllers(*, session: Session, key: ApiKey) -> list[str]:
    return list(
        session.exec(
            select(ApiKeyController.controller_id)
            .where(ApiKeyController.key_id == key.id)
            .order_by(col(ApiKeyController.controller_id))
        ).all()
    )


def list_keys(*, session: Session) -> list[ApiKeyPublic]:
    rows = session.exec(select(ApiKey).order_by(col(ApiKey.created_at))).all()
    return [
        ApiKeyPublic.model_validate(
            {**r.model_dump(), "controllers": bound_controllers(session=session, key=r)}
        )
        for r in rows
    ]


def revoke_key(*, session: Session, name: str, actor: str) -> ApiKey:
    key = _get(session, name)
    if key.revoked_at is None:
        key.revoked_at = datetime.now(UTC)
        key.previous_valid_until = None
        record(session=session, actor=actor, action="key.revoke", target=f"key/{name}")
        session.commit()
        session.refresh(key)
    return key


def rotate_key(
    *,
    session: Session,
    name: str,
    actor: str,
    overlap: timedelta = timedelta(0),
    expires_at: datetime | None = None,
    now: datetime | None = None,
) -> str:
    """Give the key a new secret and return it (shown once). The old secret stops working at
    once, or after ``overlap`` (at most :data:`MAX_OVERLAP`); a secret from an earlier rotation
    is forgotten. The key keeps its name, scope and controllers; it keeps its expiry
    unless ``expires_at`` is given (an expired key needs one)."""
    now = now or datetime.now(UTC)
    key = _get(session, name)
    if key.revoked_at is not None:
        raise Conflict(f"Key '{name}' is revoked; create a new key")
    if not timedelta(0) <= overlap <= MAX_OVERLAP:
        raise InvalidQuery(f"The overlap must be between 0 and {MAX_OVERLAP}")
    if expires_at is None and key.expires_at is not None and _utc(key.expires_at) <= now:
        raise InvalidQuery(f"Key '{name}' has expired; give a new expiry (--expires)")
    prefix, secret = _new_secret()
    # the old secret is remembered (so its later use is refused as this key's, and audited)
    key.previous_prefix, key.previous_hash = key.prefix, key.key_hash
    key.previous_valid_until = now + overlap
    key.prefix, key.key_hash, key.rotated_at = prefix, _hash(secret), now
    if expires_at is not None:
        key.expires_at = expires_at
    record(
        session=session,
        actor=actor,
        action="key.rotate",
        target=f"key/{name}",
        detail={
            "old_secret_valid_until": (now + overlap).isoformat(),
            "expires_at": key.expires_at.isoformat() if key.expires_at else None,
        },
    )
    session.commit()
    return secret


def bind_key(*, session: Session, name: str, controllers: Sequence[str], actor: str) -> ApiKey:
    """Bind the key to exactly ``controllers`` (none makes an admin key global)."""
    key = _get(session, name)
    if not controllers and key.scope != "admin":
        raise InvalidQuery("Only an admin key may be bound to no controller (global)")
    bound = _check_controllers(controllers)
    _bind(session, key, bound)
    record(
        session=session,
        actor=actor,
        action="key.bind",
        target=f"key/{name}",
        detail={"controllers": bound or "all"},
    )
    session.commit()
    session.refresh(key)
    return key


def identify(*, session: Session, token: str, now: datetime | None = None) -> Principal | Refused:
    """The principal for a presented key, or why it is refused (unknown, expired, revoked)."""
    if not token.startswith(KEY_PREFIX) or len(token) > 200:
        return Refused("unknown")
    now = now or datetime.now(UTC)
    prefix = token[len(KEY_PREFIX) :].split("_", 1)[0]
    presented = _hash(token)
    found: ApiKey | None = None
    current = False
    rows = session.exec(
        select(ApiKey).where(or_(ApiKey.prefix == prefix, ApiKey.previous_prefix == prefix))
    ).all()
    for row in rows:
        # compare every candidate, so timing does not depend on which one matched
        if hmac.compare_digest(row.key_hash, presented):
            found, current = row, True
        if row.previous_hash is not None and hmac.compare_digest(row.previous_hash, presented):
            found, current = row, False
    if found is None:
        return Refused("unknown")
    if found.revoked_at is not None:
        return Refused("revoked", found.name)
    if found.expires_at is not None and _utc(found.expires_at) <= now:
        return Refused("expired", found.name)
    if not current and (
        found.previous_valid_until is None or _utc(found.previous_valid_until) <= now
    ):
        return Refused("revoked", found.name)
    bound = bound_controllers(session=session, key=found)
    global_ = found.scope == "admin" and not bound
    return Principal(
        name=found.name, scope=found.scope, controllers=None if global_ else frozenset(bound)
    )


def require_controllers(
    *,
    session: Session,
    principal: Principal,
    controllers: Sequence[str],
    action: str,
    target: str,
    every: bool = False,
) -> None:
    """Refuse (403, audited) a key not bound to the controllers of what it touches: one of
    them, or every one with ``every``."""
    if principal.may_act_on(controllers, every=every):
        return
    bound = ", ".join(sorted(principal.controllers or ())) or "no controller"
    record_now(
        session=session,
        actor=principal.name,
        action=action,
        target=target,
        outcome="denied",
        detail={"reason": "controller", "needs": list(controllers), "bound": bound},
    )
    needs = ("every one of " if every and len(controllers) > 1 else "") + ", ".join(controllers)
    raise Forbidden(f"This key acts for {bound}; this needs a key for {needs}")
