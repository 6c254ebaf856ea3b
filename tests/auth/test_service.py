"""API keys: bound to controllers, expiring, rotating; what a presented key admits."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
from helpers import session_for
from sqlmodel import Session, select

from app.audit.models import AuditEvent
from app.auth.service import (
    MAX_OVERLAP,
    Principal,
    Refused,
    bind_key,
    create_key,
    identify,
    list_keys,
    parse_expiry,
    revoke_key,
    rotate_key,
)
from app.errors import Conflict, InvalidQuery
from app.register.service import require_known_controllers

NOW = datetime(2026, 12, 1, 12, 0, tzinfo=UTC)


@pytest.fixture
def session(fresh_db: str) -> Iterator[Session]:
    with session_for(fresh_db) as session:
        yield session


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("90d", NOW + timedelta(days=90)),
        ("P90D", NOW + timedelta(days=90)),
        ("p90d", NOW + timedelta(days=90)),
        ("12w", NOW + timedelta(weeks=12)),
        ("36h", NOW + timedelta(hours=36)),
        ("PT36H", NOW + timedelta(hours=36)),
        ("P3M", datetime(2027, 3, 1, 12, 0, tzinfo=UTC)),
        ("2027-03-01", datetime(2027, 3, 1, tzinfo=UTC)),
        ("2027-03-01T09:30:00+01:00", datetime(2027, 3, 1, 8, 30, tzinfo=UTC)),
    ],
)
def test_expiry_is_an_iso_duration_or_a_date(text: str, expected: datetime) -> None:
    assert parse_expiry(text, now=NOW) == expected


@pytest.mark.parametrize("text", ["soon", "90", "P", "2026-13-01", "2026-11-30", "PT0S", ""])
def test_expiry_that_is_not_a_future_moment_is_refused(text: str) -> None:
    with pytest.raises(InvalidQuery):
        parse_expiry(text, now=NOW)


def test_keys_other_than_admin_must_be_bound_to_known_controllers(session: Session) -> None:
    with pytest.raises(InvalidQuery, match="bound to one or more controllers"):
        create_key(session=session, name="ed", scope="editor", actor="test")
    # the register knows its controllers: the CLI asks it before binding a key
    with pytest.raises(InvalidQuery, match="nowhere"):
        require_known_controllers(session=session, controller_ids=["camden", "nowhere"])
    require_known_controllers(session=session, controller_ids=["camden", "southwark"])
    with pytest.raises(InvalidQuery, match="reserved"):
        create_key(session=session, name="seed", scope="admin", actor="test")
    key = create_key(
        session=session,
        name="ed",
        scope="editor",
        actor="test",
        controllers=["southwark", "camden", "southwark"],
    )
    found = identify(session=session, token=key)
    assert found == Principal(
        name="ed", scope="editor", controllers=frozenset({"southwark", "camden"})
    )
    admin = identify(
        session=session, token=create_key(session=session, name="root", scope="admin", actor="t")
    )
    assert isinstance(admin, Principal) and admin.controllers is None, "an unbound admin is global"
    listed = {k.name: k for k in list_keys(session=session)}
    assert listed["ed"].controllers == ["camden", "southwark"]
    assert listed["root"].controllers == []


def test_a_key_acts_for_its_controllers_and_is_named_by_them() -> None:
    camden = Principal(name="ig-officer", scope="editor", controllers=frozenset({"camden"}))
    assert camden.may_act_on(["camden"])
    assert not camden.may_act_on(["southwark"])
    assert camden.may_act_on(["cambridgeshire", "camden"]), "one council of a joint service"
    assert not camden.may_act_on(["cambridgeshire", "camden"], every=True)
    assert not Principal(name="x", scope="editor", controllers=frozenset()).may_act_on(["camden"])
    assert Principal(name="root", scope="admin").may_act_on(["anything"], every=True)
    # public authorship: the council(s) and role, never the key's name
    assert camden.author(["cambridgeshire", "camden"]) == "camden (editor)"
    assert Principal(name="root", scope="admin").author(["camden"]) == "admin"
    assert Principal(name="seed", scope="admin", role="seed").author(["camden"]) == "seed"


def test_expired_revoked_and_unknown_keys_are_refused(session: Session) -> None:
    key = create_key(
        session=session,
        name="temp",
        scope="editor",
        actor="test",
        controllers=["camden"],
        expires_at=NOW + timedelta(days=1),
    )
    assert isinstance(identify(session=session, token=key, now=NOW), Principal)
    assert identify(session=session, token=key, now=NOW + timedelta(days=1)) == Refused(
        "expired", "temp"
    )
    assert identify(session=session, token=key[:-1] + "x", now=NOW) == Refused("unknown")
    assert identify(session=session, token="not-a-key", now=NOW) == Refused("unknown")
    revoke_key(session=session, name="temp", actor="test")
    assert identify(session=session, token=key, now=NOW) == Refused("revoked", "temp")


def test_rotation_replaces_the_secret_with_an_optional_overlap(session: Session) -> None:
    old = create_key(
        session=session, name="dpo", scope="publisher", actor="t", controllers=["camden"]
    )
    new = rotate_key(session=session, name="dpo", actor="t", now=NOW)
    assert new != old
    assert identify(session=session, token=old, now=NOW) == Refused("revoked", "dpo")
    assert isinstance(identify(session=session, token=new, now=NOW), Principal)
    # with an overlap the previous secret works until it ends
    newer = rotate_key(session=session, name="dpo", actor="t", overlap=timedelta(hours=1), now=NOW)
    assert identify(session=session, token=new, now=NOW + timedelta(minutes=59)) == Principal(
        name="dpo", scope="publisher", controllers=frozenset({"camden"})
    )
    assert identify(session=session, token=new, now=NOW + timedelta(hours=1)) == Refused(
        "revoked", "dpo"
    )
    assert isinstance(identify(session=session, token=newer, now=NOW), Principal)
    # rotating again ends the earlier overlap at once (the secret before last is forgotten)
    rotate_key(session=session, name="dpo", actor="t", now=NOW)
    assert identify(session=session, token=new, now=NOW) == Refused("unknown")
    assert identify(session=session, token=newer, now=NOW) == Refused("revoked", "dpo")
    with pytest.raises(InvalidQuery, match="overlap"):
        rotate_key(session=session, name="dpo", actor="t", overlap=MAX_OVERLAP * 2, now=NOW)
    actions = session.exec(select(AuditEvent.action).where(AuditEvent.target == "key/dpo")).all()
    assert actions == ["key.create", "key.rotate", "key.rotate", "key.rotate"]
    assert all("ropa_" not in str(e) for e in session.exec(select(AuditEvent)).all())


def test_rotation_keeps_or_renews_the_expiry(session: Session) -> None:
    create_key(
        session=session,
        name="short",
        scope="auditor",
        actor="t",
        controllers=["camden"],
        expires_at=NOW - timedelta(days=1) + timedelta(seconds=1),
    )
    with pytest.raises(InvalidQuery, match="has expired"):
        rotate_key(session=session, name="short", actor="t", now=NOW)
    renewed = rotate_key(
        session=session, name="short", actor="t", now=NOW, expires_at=NOW + timedelta(days=90)
    )
    assert isinstance(identify(session=session, token=renewed, now=NOW), Principal)
    assert identify(session=session, token=renewed, now=NOW + timedelta(days=90)) == Refused(
        "expired", "short"
    )
    revoke_key(session=session, name="short", actor="t")
    with pytest.raises(Conflict):
        rotate_key(session=session, name="short", actor="t", now=NOW)


def test_binding_replaces_the_controllers(session: Session) -> None:
    key = create_key(session=session, name="ed", scope="editor", actor="t", controllers=["camden"])
    bind_key(session=session, name="ed", controllers=["southwark"], actor="t")
    found = identify(session=session, token=key)
    assert isinstance(found, Principal) and found.controllers == frozenset({"southwark"})
    with pytest.raises(InvalidQuery, match="Only an admin"):
        bind_key(session=session, name="ed", controllers=[], actor="t")
