"""The register's one writer and one reader of notice versions.

Writing: a version's document is stored whole; publishing it freezes the vocabulary terms it
uses, writes its index rows (what :func:`app.register.service.list_activities` filters on),
names its controllers, works out the dates each of the service's versions is in effect, and
bumps the ``publications`` revision. Nothing else writes these tables.

Reading: :func:`documents` returns the documents of any set of versions with one query (none
for published versions already in memory: they never change). Everything the API shows about a
version — its JSON, text, checks, lookup answers, export rows, activities — is made from these.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import ColumnElement, and_, delete, insert, or_, update
from sqlalchemy.orm import defer
from sqlmodel import Session, col, func, select

from app.cache import LRU
from app.register.document import NoticeDocument, VersionStatus, upgrade
from app.register.models import (
    ActivityBasis,
    ActivityDataCategory,
    ActivityDataSubject,
    ActivityRow,
    NoticeVersion,
    NoticeVersionController,
    PartyLinkRow,
    RegisterMeta,
    StatuteCitationRow,
)
from app.register.vocabulary import VOCABULARIES, Vocabulary

PUBLISHED = "published"
DRAFT = "draft"
REVISIONS = ("vocabulary", "publications", "register")


# --- dates in effect -------------------------------------------------------------------------


def in_effect(at: Any) -> ColumnElement[bool]:
    """SQL: a published version in effect on ``at`` (a date or a bound parameter)."""
    return and_(
        col(NoticeVersion.status) == PUBLISHED,
        col(NoticeVersion.effective_from) <= at,
        or_(col(NoticeVersion.effective_to).is_(None), col(NoticeVersion.effective_to) > at),
    )


def public_status(
    effective_from: date | None, effective_to: date | None, today: date
) -> VersionStatus:
    """What happened to a published version, as of ``today``."""
    if effective_from is None:
        return "draft"
    if effective_to is not None and effective_to <= effective_from:
        return "never_in_effect"
    if effective_from > today:
        return "scheduled"
    if effective_to is not None and effective_to <= today:
        return "superseded"
    return "in_effect"


def status_of(version: NoticeVersion, today: date) -> VersionStatus:
    if version.status == DRAFT:
        return "draft"
    return public_status(version.effective_from, version.effective_to, today)


def _order(version: NoticeVersion) -> tuple[date, datetime, int]:
    """The order in which versions take effect: by date; on the same date, the one published
    later wins (not the higher number: a draft opened before an import may be published
    after it)."""
    assert version.effective_from is not None and version.published_at is not None
    return (version.effective_from, version.published_at, version.id or 0)


def in_effect_on(*, session: Session, service_id: str, at: date) -> NoticeVersion | None:
    """The service's published version in effect on ``at``, as the register stands."""
    return session.exec(
        versions_query().where(NoticeVersion.service_id == service_id, in_effect(at))
    ).first()


def same_document(version: NoticeVersion, document: NoticeDocument) -> bool:
    """Whether ``document`` says exactly what ``version``'s document says (the register's own
    fields, such as the change summary, aside)."""
    return stored(parse(dict(version.document))) == stored(document)


def _set_effective_to(*, session: Session, service_id: str) -> None:
    """Each published version is in effect until the next one in :func:`_order` takes effect."""
    versions = sorted(
        session.exec(
            select(NoticeVersion)
            .options(defer(NoticeVersion.document), defer(NoticeVersion.terms))  # type: ignore[arg-type]
            .where(NoticeVersion.service_id == service_id, NoticeVersion.status == PUBLISHED)
        ).all(),
        key=_order,
    )
    for current, following in zip(versions, [*versions[1:], None], strict=True):
        effective_to = following.effective_from if following else None
        if current.effective_to != effective_to:
            current.effective_to = effective_to
            session.add(current)


# --- as recorded on a past day ---------------------------------------------------------------


def recorded_day(published_at: datetime) -> date:
    """The day (UTC) a publication was recorded on."""
    if published_at.tzinfo is not None:
        published_at = published_at.astimezone(UTC)
    return published_at.date()


def as_recorded(versions: Iterable[NoticeVersion], recorded_on: date) -> list[NoticeVersion]:
    """What the register said at the end of ``recorded_on`` (UTC): the published versions it
    held then, each with the ``effective_to`` it had then (later publications, historical
    imports included, are left out). Detached copies: nothing is written."""
    by_service: dict[str, list[NoticeVersion]] = {}
    for v in versions:
        if v.status == PUBLISHED and v.published_at and recorded_day(v.published_at) <= recorded_on:
            by_service.setdefault(v.service_id, []).append(v)
    out: list[NoticeVersion] = []
    for held in by_service.values():
        held.sort(key=_order)
        for current, following in zip(held, [*held[1:], None], strict=True):
            out.append(
                NoticeVersion(
                    id=current.id,
                    service_id=current.service_id,
                    version=current.version,
                    status=current.status,
                    effective_from=current.effective_from,
                    effective_to=following.effective_from if following else None,
                    change_summary=current.change_summary,
                    created_at=current.created_at,
                    published_at=current.published_at,
                    author=current.author,
                    revision=current.revision,
                    document={},
                )
            )
    return sorted(out, key=lambda v: (v.service_id, v.version))


def was_in_effect(version: NoticeVersion, at: date) -> bool:
    """Python's :func:`in_effect`, for versions whose dates are not the stored ones."""
    return (
        version.status == PUBLISHED
        and version.effective_from is not None
        and version.effective_from <= at
        and (version.effective_to is None or version.effective_to > at)
    )


def recorded_versions(
    *,
    session: Session,
    recorded_on: date,
    service_ids: Iterable[str] | None = None,
    controller: str | None = None,
) -> list[NoticeVersion]:
    """:func:`as_recorded` for the published versions of these services (of this controller)."""
    query = versions_query().where(NoticeVersion.status == PUBLISHED)
    if service_ids is not None:
        query = query.where(col(NoticeVersion.service_id).in_(list(service_ids)))
    if controller is not None:
        query = query.where(col(NoticeVersion.id).in_(_of_controller(controller)))
    return as_recorded(session.exec(query).all(), recorded_on)


# --- revisions -------------------------------------------------------------------------------


def bump_revision(*, session: Session, key: str) -> None:
    """Count a change to ``key`` in this transaction; the change signal moves at its commit."""
    assert key in REVISIONS
    changed = session.execute(
        update(RegisterMeta)
        .where(col(RegisterMeta.key) == key)
        .values(value=RegisterMeta.value + 1)
    )
    if changed.rowcount == 0:  # type: ignore[attr-defined]
        session.add(RegisterMeta(key=key, value=1))
    session.info["ropa_changed"] = True


def revisions(*, session: Session) -> tuple[int, ...]:
    values = dict(session.exec(select(RegisterMeta.key, RegisterMeta.value)).all())
    return tuple(values.get(k, 0) for k in REVISIONS)


# --- writing ---------------------------------------------------------------------------------


def stored(document: NoticeDocument) -> dict[str, Any]:
    """What is kept of a document: all of it but the fields the register sets."""
    return document.without_register_fields().model_dump(mode="json", exclude_none=True)


def next_version_number(*, session: Session, service_id: str) -> int:
    latest = session.exec(
        select(func.max(NoticeVersion.version)).where(NoticeVersion.service_id == service_id)
    ).one()
    return (latest or 0) + 1


def new_draft(
    *,
    session: Session,
    service_id: str,
    document: NoticeDocument,
    author: str | None,
    now: datetime,
) -> NoticeVersion:
    version = NoticeVersion(
        service_id=service_id,
        version=next_version_number(session=session, service_id=service_id),
        status=DRAFT,
        created_at=now,
        author=author,
        document=stored(document),
    )
    session.add(version)
    session.flush()
    return version


def replace_document(*, session: Session, version: NoticeVersion, document: NoticeDocument) -> None:
    assert version.status == DRAFT, "published versions are immutable"
    version.document = stored(document)
    session.add(version)
    session.flush()


def publish(
    *,
    session: Session,
    version: NoticeVersion,
    document: NoticeDocument,
    vocabulary: Vocabulary,
    effective_from: date,
    change_summary: str | None,
    now: datetime,
) -> None:
    """Make a draft the service's published version from ``effective_from``. Does not commit."""
    assert version.status == DRAFT and version.id is not None
    used: dict[str, list[str]] = {name: [] for name in VOCABULARIES}
    for vocab, slug, _ in document.references():
        used[vocab].append(slug)
    version.status = PUBLISHED
    version.effective_from = effective_from
    version.published_at = now
    version.change_summary = change_summary
    version.document = stored(document)
    version.terms = vocabulary.snapshot(used)
    session.add(version)
    session.flush()
    _index(session=session, version_id=version.id, document=document)
    _set_effective_to(session=session, service_id=version.service_id)
    bump_revision(session=session, key="publications")
    session.flush()


def _index(*, session: Session, version_id: int, document: NoticeDocument) -> None:
    """The version's rows in the query index: its controllers and its activities' terms."""
    session.execute(
        insert(NoticeVersionController),
        [
            {"notice_version_id": version_id, "position": i, "controller_id": c}
            for i, c in enumerate(document.service.controllers)
        ],
    )
    if not document.activities:
        return
    session.execute(
        insert(ActivityRow),
        [
            {"notice_version_id": version_id, "slug": a.id, "position": i}
            for i, a in enumerate(document.activities)
        ],
    )
    ids = dict(
        session.exec(
            select(ActivityRow.slug, ActivityRow.id).where(
                ActivityRow.notice_version_id == version_id
            )
        ).all()
    )
    subjects, categories, links, bases, statutes = [], [], [], [], []
    for act in document.activities:
        aid = ids[act.id]
        subjects += [
            {"activity_id": aid, "position": i, "subject": s.subject}
            for i, s in enumerate(act.data_subjects)
        ]
        categories += [
            {"activity_id": aid, "position": i, "category": c.category}
            for i, c in enumerate(act.data_categories)
        ]
        for role, role_links in (("source", act.sources), ("recipient", act.recipients)):
            links += [
                {"activity_id": aid, "role": role, "position": i, "party": link.party}
                for i, link in enumerate(role_links)
            ]
        bases += [
            {"activity_id": aid, "position": i, "basis": b.basis}
            for i, b in enumerate(act.lawful_bases)
        ]
        statutes += [
            {"activity_id": aid, "position": i, "statute": s.statute}
            for i, s in enumerate(act.statutes)
            if s.statute is not None
        ]
    for model, rows in (
        (ActivityDataSubject, subjects),
        (ActivityDataCategory, categories),
        (PartyLinkRow, links),
        (ActivityBasis, bases),
        (StatuteCitationRow, statutes),
    ):
        if rows:
            session.execute(insert(model), rows)


def delete_draft(*, session: Session, version: NoticeVersion) -> None:
    assert version.status == DRAFT
    session.execute(delete(NoticeVersion).where(col(NoticeVersion.id) == version.id))


# --- reading ---------------------------------------------------------------------------------


def parse(data: dict[str, Any]) -> NoticeDocument:
    """A stored document as the current schema."""
    return NoticeDocument.model_validate(upgrade(data))


class Documents:
    """The one reader of stored documents, with the published ones kept in memory by id."""

    def __init__(self, max_entries: int) -> None:
        self._published: LRU[int, NoticeDocument] = LRU(max_entries)
        self._terms: LRU[int, Vocabulary] = LRU(max_entries)

    def get(self, *, session: Session, versions: Sequence[NoticeVersion]) -> list[NoticeDocument]:
        """The documents of ``versions`` (in order): one query for those not in memory."""
        found: dict[int, NoticeDocument] = {}
        wanted: list[int] = []
        for v in versions:
            assert v.id is not None
            hit = self._published.get(v.id) if v.status == PUBLISHED else None
            if hit is not None:
                found[v.id] = hit
            else:
                wanted.append(v.id)
        if wanted:
            published = {v.id for v in versions if v.status == PUBLISHED}
            for vid, data in session.exec(
                select(NoticeVersion.id, NoticeVersion.document).where(
                    col(NoticeVersion.id).in_(wanted)
                )
            ).all():
                assert vid is not None
                document = parse(dict(data))
                found[vid] = self._published.put(vid, document) if vid in published else document
        return [found[v.id] for v in versions if v.id is not None]

    def published(self, version_id: int) -> NoticeDocument | None:
        """A published version's document if it is in memory (no database)."""
        return self._published.get(version_id)

    def one(self, *, session: Session, version: NoticeVersion) -> NoticeDocument:
        return self.get(session=session, versions=[version])[0]

    def terms(self, *, session: Session, version: NoticeVersion) -> Vocabulary | None:
        """The vocabulary terms a published version was published with."""
        if version.status != PUBLISHED or version.id is None:
            return None
        hit = self._terms.get(version.id)
        if hit is None:
            data = session.exec(
                select(NoticeVersion.terms).where(col(NoticeVersion.id) == version.id)
            ).one()
            hit = self._terms.put(version.id, Vocabulary.from_data(data or {}))
        return hit


def with_register_fields(
    document: NoticeDocument,
    version: NoticeVersion,
    today: date,
    *,
    with_status: bool = True,
    status: VersionStatus | None = None,
) -> NoticeDocument:
    """The document as the API shows it: with the register's facts about the version (its
    status as of ``today``, unless ``status`` says what it was)."""
    notice = document.notice.model_copy(
        update={
            "version": version.version,
            "status": (status or status_of(version, today)) if with_status else None,
            "effective_from": version.effective_from,
            "change_summary": version.change_summary,
        }
    )
    return document.model_copy(update={"notice": notice})


def versions_query(*, light: bool = True) -> Any:
    """``select(NoticeVersion)``, without the (large) document and terms unless asked."""
    query = select(NoticeVersion)
    if light:
        query = query.options(defer(NoticeVersion.document), defer(NoticeVersion.terms))  # type: ignore[arg-type]
    return query


def versions_in_effect(
    *,
    session: Session,
    at: date,
    service_ids: Iterable[str] | None = None,
    controller: str | None = None,
) -> list[NoticeVersion]:
    """The published versions in effect on ``at`` (of these services, of this controller)."""
    query = versions_query().where(in_effect(at))
    if service_ids is not None:
        query = query.where(col(NoticeVersion.service_id).in_(list(service_ids)))
    if controller is not None:
        query = query.where(col(NoticeVersion.id).in_(_of_controller(controller)))
    return list(session.exec(query.order_by(col(NoticeVersion.service_id))).all())


def _of_controller(controller: str) -> Any:
    return select(NoticeVersionController.notice_version_id).where(
        NoticeVersionController.controller_id == controller
    )
