"""Councils extend the vocabularies: add, change (rename) and retire terms. Used by the API
(``/v1/vocabularies/…``) and the CLI (``ropa terms …``) alike; each write is audited and
committed here.

Who may write what:

- a **shared** term (a slug without a namespace, like the shipped ones) needs an ``admin`` key
  that is not bound to particular councils;
- a council's **own** term is namespaced to its controller (``camden:family-hub``, as a
  document's local terms are) and may be written by an ``editor``, ``publisher`` or ``admin``
  key, for a controller the register knows and the key acts for (a key bound to controllers
  acts for those only; a global key for all). A council's term leans only on shared terms and
  its own (parent, ``replaced_by``, successor); a shared term only on shared terms.

A term is never deleted: it is retired from a date, optionally ``replaced_by`` another term.
Renaming changes the ``name`` and keeps the slug. Versions already published keep rendering
as published: each keeps the terms it was published with (``notice_version.terms``); drafts,
the lookup's names and new publications use the terms as they are now.

Each write bumps the ``vocabulary`` revision in its transaction, so every process rebuilds its
:class:`~app.register.vocabulary.Vocabulary` once, and everything kept under the old revision
is no longer served (see :mod:`app.cache`).
"""

from __future__ import annotations

from datetime import date
from difflib import get_close_matches
from typing import Any, Literal

from pydantic import BaseModel, ValidationError
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from app.audit.service import record, record_now
from app.auth.service import Principal, require_controllers
from app.errors import Conflict, FieldError, Forbidden, InvalidQuery, NotFound, unknown_values
from app.register import service as register
from app.register.current import read_vocabulary
from app.register.models import Controller
from app.register.schemas import TermRetire
from app.register.vocabulary import (
    TERM_CLASSES,
    VOCABULARIES,
    TermBase,
    Vocabulary,
    vocabulary_problems,
    what,
)

#: The vocabularies councils write, by the name they have in URLs and on the command line.
TERM_PATHS: dict[str, str] = {
    "data-categories": "data_categories",
    "data-subjects": "data_subjects",
    "parties": "parties",
    "statutes": "statutes",
}
VocabularyName = Literal["data-categories", "data-subjects", "parties", "statutes"]
SHARED_SCOPE = "admin"
OWN_SCOPES = ("editor", "publisher")


def path_of(vocab: str) -> str:
    return next(p for p, v in TERM_PATHS.items() if v == vocab)


def owner(slug: str) -> str | None:
    """The controller a term belongs to ('camden' for 'camden:family-hub'); None if shared."""
    return slug.split(":", 1)[0] if ":" in slug else None


def _target(vocab: str, slug: str) -> str:
    """The audit target: a council's term under its controller (so that an auditor bound to
    that council sees it), a shared term under ``vocabularies/``."""
    target = f"vocabularies/{path_of(vocab)}/{slug}"
    controller = owner(slug)
    return f"controllers/{controller}/{target}" if controller else target


def _deny(*, session: Session, principal: Principal, action: str, target: str, why: str) -> None:
    record_now(
        session=session,
        actor=principal.name,
        action=action,
        target=target,
        outcome="denied",
        detail={"reason": why},
    )
    raise Forbidden(why)


def _authorise(
    *, session: Session, principal: Principal, vocab: str, slug: str, action: str
) -> str | None:
    """The term's controller, once the key may write it (403, audited, otherwise; 422 for a
    namespace that is not a known controller)."""
    controller = owner(slug)
    target = _target(vocab, slug)
    bound = principal.controllers
    if controller is None:
        if not principal.allows(SHARED_SCOPE) or bound is not None:
            _deny(
                session=session,
                principal=principal,
                action=action,
                target=target,
                why=f"Shared terms need a key with scope {SHARED_SCOPE} bound to no council; "
                f"yours is {principal.scope}"
                + (" bound to a council" if bound is not None else "")
                + ". A council's own term is '<controller>:<slug>'.",
            )
        return None
    if not any(principal.allows(s) for s in OWN_SCOPES):
        _deny(
            session=session,
            principal=principal,
            action=action,
            target=target,
            why=f"A council's terms need a key with scope {' or '.join(OWN_SCOPES)}; "
            f"yours is {principal.scope}",
        )
    require_controllers(
        session=session, principal=principal, controllers=[controller], action=action, target=target
    )
    if session.get(Controller, controller) is None:
        known = [str(c) for c in session.exec(select(Controller.id)).all()]
        raise unknown_values(
            ("/slug", controller, "controller", get_close_matches(controller, known, 5, 0.5))
        )
    return controller


def get_term(vocabulary: Vocabulary, vocab: str, slug: str) -> TermBase:
    term: TermBase | None = vocabulary.terms(vocab).get(slug)
    if term is None:
        raise NotFound(
            f"No {what(vocab)} '{slug}'", suggestions=vocabulary.suggest(vocab, slug) or None
        )
    return term


def _references(term: TermBase) -> list[tuple[str, str]]:
    refs = [("/parent", getattr(term, "parent", None)), ("/replaced_by", term.replaced_by)]
    refs.append(("/successor", getattr(term, "successor", None)))
    return [(pointer, value) for pointer, value in refs if value is not None]


def _check_references(
    *, vocabulary: Vocabulary, vocab: str, term: TermBase, controller: str | None
) -> None:
    """422 for a parent, ``replaced_by`` or successor that is not a known term (with the
    closest ones), or that is another council's own term."""
    itself = [
        FieldError(pointer=pointer, detail=f"'{value}' is this term")
        for pointer, value in _references(term)
        if value == term.slug and pointer != "/parent"
    ]
    if itself:
        raise InvalidQuery("A term cannot replace or succeed itself", errors=itself)
    terms = vocabulary.terms(vocab)
    unknown = [
        (pointer, value, what(vocab), vocabulary.suggest(vocab, value))
        for pointer, value in _references(term)
        if value not in terms and value != term.slug
    ]
    if unknown:
        raise unknown_values(*unknown)
    whose = "a shared term" if controller is None else f"a term of '{controller}'"
    foreign = [
        FieldError(
            pointer=pointer,
            detail=f"'{value}' is a term of '{owner(value)}': {whose} may refer only to shared "
            + ("terms" if controller is None else "terms and its own"),
        )
        for pointer, value in _references(term)
        if owner(value) not in (None, controller)
    ]
    if foreign:
        raise InvalidQuery("The term refers to another council's term", errors=foreign)


def _with(vocabulary: Vocabulary, vocab: str, term: TermBase) -> Vocabulary:
    parts: dict[str, Any] = {name: dict(vocabulary.terms(name)) for name in VOCABULARIES}
    parts[vocab][term.slug] = term
    return Vocabulary(**{name: list(found.values()) for name, found in parts.items()})


def _check_fit(*, before: Vocabulary, after: Vocabulary) -> None:
    """422 for what the change would make inconsistent (a cycle of parents, a special
    category under a personal one, a successor to itself …)."""
    known = set(vocabulary_problems(before))
    new = [p for p in vocabulary_problems(after) if p not in known]
    if new:
        raise InvalidQuery(
            "The term does not fit the vocabulary",
            errors=[FieldError(pointer="/", detail=p) for p in new],
        )


def _validated(vocab: str, data: dict[str, Any]) -> TermBase:
    try:
        return TERM_CLASSES[vocab].model_validate(data)
    except ValidationError as exc:
        raise InvalidQuery(
            f"The {what(vocab)} is not valid",
            errors=[
                FieldError(pointer="/" + "/".join(str(p) for p in e["loc"]), detail=e["msg"])
                for e in exc.errors()
            ],
        ) from exc


def _save(
    *,
    session: Session,
    vocab: str,
    term: TermBase,
    principal: Principal,
    action: str,
    before: TermBase | None,
) -> TermBase:
    try:
        register.save_terms(session=session, vocabulary=Vocabulary(**{vocab: [term]}))  # type: ignore[arg-type]
    except IntegrityError as exc:  # the same slug, added at the same moment
        session.rollback()
        raise Conflict(f"The {what(vocab)} '{term.slug}' already exists") from exc
    old = before.model_dump(mode="json") if before is not None else None
    new = term.model_dump(mode="json")
    detail: dict[str, Any] = {"vocabulary": vocab}
    if old is not None:
        detail["changed"] = {
            k: {"from": old.get(k), "to": v} for k, v in new.items() if old.get(k) != v
        }
    record(
        session=session,
        actor=principal.name,
        action=action,
        target=_target(vocab, term.slug),
        before=old,
        after=new,
        detail=detail,
    )
    session.commit()
    return term


# --- the three writes ------------------------------------------------------------------------


def add_term(
    *, session: Session, vocab: str, term: TermBase, principal: Principal, today: date
) -> TermBase:
    """Add a term (``added`` defaults to today). 409 if the slug is taken."""
    controller = _authorise(
        session=session, principal=principal, vocab=vocab, slug=term.slug, action="term.create"
    )
    if term.controller is not None and term.controller != controller:
        raise InvalidQuery(
            "The term's controller is the namespace of its slug",
            errors=[
                FieldError(
                    pointer="/controller",
                    detail=f"must be {controller!r} for '{term.slug}'"
                    if controller
                    else "must be left out for a shared term",
                )
            ],
        )
    vocabulary = read_vocabulary(session=session)
    if term.slug in vocabulary.terms(vocab):
        raise Conflict(
            f"The {what(vocab)} '{term.slug}' already exists: change it with PATCH or retire it"
        )
    new = _validated(
        vocab, term.model_dump() | {"controller": controller, "added": term.added or today}
    )
    _check_references(vocabulary=vocabulary, vocab=vocab, term=new, controller=controller)
    _check_fit(before=vocabulary, after=_with(vocabulary, vocab, new))
    return _save(
        session=session,
        vocab=vocab,
        term=new,
        principal=principal,
        action="term.create",
        before=None,
    )


def update_term(
    *, session: Session, vocab: str, slug: str, changes: BaseModel, principal: Principal
) -> TermBase:
    """Change what ``changes`` sends (renaming is a new ``name``); the slug stays."""
    return _change(
        session=session,
        vocab=vocab,
        slug=slug,
        principal=principal,
        action="term.update",
        fields=changes.model_dump(exclude_unset=True),
    )


def retire_term(
    *,
    session: Session,
    vocab: str,
    slug: str,
    retirement: TermRetire,
    principal: Principal,
    today: date,
) -> TermBase:
    """Retire a term from a date (default today), optionally naming its replacement.
    Retiring again changes the date or the replacement."""
    return _change(
        session=session,
        vocab=vocab,
        slug=slug,
        principal=principal,
        action="term.retire",
        fields={"retired": retirement.retired or today, "replaced_by": retirement.replaced_by},
    )


def _change(
    *,
    session: Session,
    vocab: str,
    slug: str,
    principal: Principal,
    action: str,
    fields: dict[str, Any],
) -> TermBase:
    """The one path of every change to an existing term: authorised, checked, audited."""
    controller = _authorise(
        session=session, principal=principal, vocab=vocab, slug=slug, action=action
    )
    vocabulary = read_vocabulary(session=session)
    old = get_term(vocabulary, vocab, slug)
    new = _validated(vocab, old.model_dump() | fields)
    if new == old:
        return old
    _check_references(vocabulary=vocabulary, vocab=vocab, term=new, controller=controller)
    _check_fit(before=vocabulary, after=_with(vocabulary, vocab, new))
    return _save(
        session=session, vocab=vocab, term=new, principal=principal, action=action, before=old
    )


def list_terms(
    *,
    vocabulary: Vocabulary,
    vocab: str,
    controller: str | None = None,
    shared: bool = False,
    retired_on: date | None = None,
) -> list[TermBase]:
    """The terms of a vocabulary: all, a controller's own, or the shared ones; without those
    retired on ``retired_on`` when given."""
    terms: list[TermBase] = list(vocabulary.terms(vocab).values())
    if controller is not None:
        terms = [t for t in terms if t.controller == controller]
    if shared:
        terms = [t for t in terms if t.controller is None]
    if retired_on is not None:
        terms = [t for t in terms if not t.is_retired(retired_on)]
    return terms


def load_shipped(
    *, session: Session, shipped: Vocabulary, principal: Principal
) -> dict[str, list[str]]:
    """Add the shipped terms (a new release's ``seed/vocab``) that the register does not have
    yet, by vocabulary. Terms it has are left as they are: an admin may have renamed or
    retired them since. Audited as one ``terms.load`` event; commits."""
    current = read_vocabulary(session=session)
    new = {
        name: [t for slug, t in shipped.terms(name).items() if slug not in current.terms(name)]
        for name in VOCABULARIES
    }
    added = {name: [t.slug for t in terms] for name, terms in new.items() if terms}
    if not added:
        return {}
    after = current.merged(Vocabulary(**new))
    _check_fit(before=current, after=after)
    register.save_terms(session=session, vocabulary=Vocabulary(**new))
    record(
        session=session,
        actor=principal.name,
        action="terms.load",
        target="vocabularies",
        after={name: [t.model_dump(mode="json") for t in new[name]] for name in added},
        detail={"added": added},
    )
    session.commit()
    return added
