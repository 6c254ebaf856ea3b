"""What the register is today, kept in memory: the vocabulary and the version in effect of
every service.

:meth:`Register.state` answers from memory while the database's change signal has not moved
and the day is the same; otherwise it reads the revision counters (one query) and reloads only
what changed: the vocabulary when ``vocabulary`` moved, the versions in effect when
``publications`` moved or the day changed. This process's own commits move the signal at once;
other processes' commits move it through the database (see :class:`app.db.ChangeSignal`).
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Hashable, Mapping
from dataclasses import dataclass, field, replace
from datetime import date
from typing import NamedTuple

from sqlalchemy import Engine
from sqlmodel import Session, select

from app import db
from app.db import ChangeSignal
from app.register import store
from app.register.models import TERM_TABLES
from app.register.vocabulary import TERM_CLASSES, VOCABULARIES, Vocabulary


class Current(NamedTuple):
    """A service's published version in effect on the state's day."""

    id: int
    version: int
    effective_from: date
    effective_to: date | None


@dataclass(frozen=True)
class State:
    revisions: tuple[int, ...]
    day: date
    vocabulary: Vocabulary
    current: Mapping[str, Current] = field(default_factory=dict)
    token: Hashable | None = None

    @property
    def key(self) -> tuple[object, ...]:
        """What answers made from this state are keyed by."""
        return (self.revisions, self.day)


def read_vocabulary(*, session: Session) -> Vocabulary:
    """Every term in the database, in its vocabulary's order."""
    parts = {}
    for name in VOCABULARIES:
        table = TERM_TABLES[name]
        rows = session.exec(select(table).order_by(table.position)).all()  # type: ignore[attr-defined]
        parts[name] = [TERM_CLASSES[name].model_validate(r, from_attributes=True) for r in rows]
    return Vocabulary(**parts)  # type: ignore[arg-type]


def read_current(*, session: Session, day: date) -> dict[str, Current]:
    rows = session.exec(store.versions_query().where(store.in_effect(day))).all()
    return {
        r.service_id: Current(r.id or 0, r.version, r.effective_from or day, r.effective_to)
        for r in rows
    }


class Register:
    """The register's state for one process (one per application)."""

    def __init__(
        self, engine: Engine, signal: ChangeSignal, today: Callable[[], date] = date.today
    ) -> None:
        self._engine = engine
        self._signal = signal
        self._today = today
        self._state: State | None = None
        self._lock = threading.Lock()

    def peek(self) -> State | None:
        """The state, if it is known to be current without asking the database."""
        state = self._state
        if state is None or state.day != self._today():
            return None
        token = self._signal.token()
        return state if token is not None and token == state.token else None

    def state(self) -> State:
        """The state, reading the database if it may have changed (blocking)."""
        found = self.peek()
        if found is not None:
            return found
        with self._lock:
            found = self.peek()
            if found is not None:
                return found
            token = self._signal.token()  # before reading: a later change moves it again
            day = self._today()
            with db.Session(self._engine) as session:
                revisions = store.revisions(session=session)
                old = self._state
                if old is not None and old.revisions == revisions and old.day == day:
                    state = replace(old, token=token)
                else:
                    vocabulary = (
                        old.vocabulary
                        if old is not None and old.revisions[0] == revisions[0]
                        else read_vocabulary(session=session)
                    )
                    state = State(
                        revisions=revisions,
                        day=day,
                        vocabulary=vocabulary,
                        current=read_current(session=session, day=day),
                        token=token,
                    )
            self._state = state
            return state
