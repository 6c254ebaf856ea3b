"""The register's operations: vocabularies, import and export of notice documents, queries.

Functions take keyword arguments only. Only these functions commit.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from difflib import get_close_matches
from typing import Any, TypeVar

from sqlalchemy import func, or_
from sqlalchemy import inspect as sa_inspect
from sqlmodel import Session, SQLModel, col, delete, select

from app.audit.service import record
from app.errors import Conflict, FieldError, InvalidDocument, InvalidQuery, NotFound
from app.register.document import (
    Activity,
    AutomatedDecisions,
    BasisUse,
    CategoryUse,
    Complaint,
    Contact,
    ControllerDoc,
    NoticeDocument,
    NoticeMeta,
    PartyLink,
    RetentionRule,
    Right,
    Section,
    ServiceDoc,
    SharingArrangement,
    StatuteCitation,
    Transfers,
)
from app.register.models import (
    ActivityBasis,
    ActivityDataCategory,
    ActivityDataSubject,
    ActivityPurpose,
    ActivityRow,
    ActivitySystem,
    Controller,
    DataCategory,
    DataSubject,
    LawfulBasis,
    NoticeRight,
    NoticeVersion,
    Party,
    PartyLinkCategory,
    PartyLinkRow,
    RetentionRuleRow,
    Service,
    ServiceController,
    SharingArrangementParty,
    SharingArrangementRow,
    Statute,
    StatuteCitationRow,
)
from app.register.seeds import reference_problems
from app.register.vocabulary import (
    DataCategoryTerm,
    DataSubjectTerm,
    LawfulBasisTerm,
    PartyTerm,
    StatuteTerm,
    Vocabulary,
)

PUBLIC_STATUSES = ("published", "superseded")
T = TypeVar("T", bound=SQLModel)


def _now() -> datetime:
    return datetime.now(UTC)


# --- vocabularies ----------------------------------------------------------------------------


def load_vocabulary(*, session: Session, vocabulary: Vocabulary) -> None:
    """Insert or update every vocabulary term. Self-references are set in a second pass."""
    for position, c in enumerate(vocabulary.data_categories):
        session.merge(DataCategory(**c.model_dump(exclude={"parent"}), position=position))
    for position, s in enumerate(vocabulary.data_subjects):
        session.merge(DataSubject(**s.model_dump(), position=position))
    for position, p in enumerate(vocabulary.parties):
        session.merge(Party(**p.model_dump(exclude={"parent", "replaced_by"}), position=position))
    for position, b in enumerate(vocabulary.lawful_bases):
        session.merge(LawfulBasis(**b.model_dump(), position=position))
    for position, st in enumerate(vocabulary.statutes):
        session.merge(Statute(**st.model_dump(), position=position))
    session.flush()
    for c in vocabulary.data_categories:
        row = session.get_one(DataCategory, c.slug)
        row.parent = c.parent
    for p in vocabulary.parties:
        party = session.get_one(Party, p.slug)
        party.parent = p.parent
        party.replaced_by = p.replaced_by
    session.commit()


def read_vocabulary(*, session: Session) -> Vocabulary:
    def rows(model: type[T]) -> Sequence[T]:
        return session.exec(select(model).order_by(model.position)).all()  # type: ignore[attr-defined]

    return Vocabulary(
        data_categories=[
            DataCategoryTerm.model_validate(r, from_attributes=True) for r in rows(DataCategory)
        ],
        data_subjects=[
            DataSubjectTerm.model_validate(r, from_attributes=True) for r in rows(DataSubject)
        ],
        parties=[PartyTerm.model_validate(r, from_attributes=True) for r in rows(Party)],
        lawful_bases=[
            LawfulBasisTerm.model_validate(r, from_attributes=True) for r in rows(LawfulBasis)
        ],
        statutes=[StatuteTerm.model_validate(r, from_attributes=True) for r in rows(Statute)],
    )


def is_empty(*, session: Session) -> bool:
    return session.exec(select(func.count()).select_from(Service)).one() == 0


def descendants(
    *, session: Session, model: type[DataCategory] | type[Party], slug: str
) -> set[str]:
    """The slug and every term below it in the hierarchy."""
    children: dict[str | None, list[str]] = defaultdict(list)
    for term_slug, parent in session.exec(select(model.slug, model.parent)).all():
        children[parent].append(term_slug)
    found, todo = set(), [slug]
    while todo:
        current = todo.pop()
        if current not in found:
            found.add(current)
            todo.extend(children.get(current, []))
    return found


# --- import ----------------------------------------------------------------------------------


def controller_row(doc: ControllerDoc) -> Controller:
    dpo = doc.dpo or Contact()
    return Controller(
        id=doc.id,
        name=doc.name,
        gss_code=doc.gss_code,
        register_code=doc.register_code,
        address=doc.address,
        website=doc.website,
        phone=doc.phone,
        ico_registration_number=doc.ico_registration_number,
        corporate_privacy_notice_url=doc.corporate_privacy_notice_url,
        dpo_name=dpo.name,
        dpo_role=dpo.role,
        dpo_email=dpo.email,
        dpo_phone=dpo.phone,
        dpo_address=dpo.address,
        dpo_url=dpo.url,
    )


def controller_doc(row: Controller) -> ControllerDoc:
    dpo = Contact(
        name=row.dpo_name,
        role=row.dpo_role,
        email=row.dpo_email,
        phone=row.dpo_phone,
        address=row.dpo_address,
        url=row.dpo_url,
    )
    return ControllerDoc(
        id=row.id,
        name=row.name,
        gss_code=row.gss_code,
        register_code=row.register_code,
        address=row.address,
        website=row.website,
        phone=row.phone,
        ico_registration_number=row.ico_registration_number,
        corporate_privacy_notice_url=row.corporate_privacy_notice_url,
        dpo=dpo if dpo.model_dump(exclude_none=True) else None,
    )


def check_references(*, session: Session, document: NoticeDocument) -> None:
    problems = reference_problems(document, read_vocabulary(session=session))
    if problems:
        raise InvalidDocument(
            "The document refers to vocabulary terms the register does not define.",
            errors=[
                FieldError(pointer=p.split(": ", 1)[0], detail=p.split(": ", 1)[1])
                for p in problems
            ],
        )


def require_gss_code_free(*, session: Session, controller: ControllerDoc) -> None:
    """409 when another controller already has this controller's GSS code."""
    if not controller.gss_code:
        return
    clash = session.exec(
        select(Controller).where(
            Controller.gss_code == controller.gss_code, Controller.id != controller.id
        )
    ).first()
    if clash is not None:
        raise Conflict(f"GSS code {controller.gss_code} already belongs to controller '{clash.id}'")


def _upsert_controllers_and_service(*, session: Session, document: NoticeDocument) -> None:
    for controller in document.controllers:
        require_gss_code_free(session=session, controller=controller)
        session.merge(controller_row(controller))
    svc = document.service
    session.merge(
        Service(
            id=svc.id, name=svc.name, description=svc.description, sub_services=svc.sub_services
        )
    )
    session.flush()
    session.exec(delete(ServiceController).where(col(ServiceController.service_id) == svc.id))
    for position, controller_id in enumerate(svc.controllers):
        session.add(
            ServiceController(service_id=svc.id, controller_id=controller_id, position=position)
        )


def _add_activities(*, session: Session, version_id: int, activities: Iterable[Activity]) -> None:
    for position, act in enumerate(activities):
        row = ActivityRow(
            notice_version_id=version_id,
            slug=act.id,
            position=position,
            name=act.name,
            description=act.description,
            business_function=act.business_function,
            consent_dependent=act.consent_dependent,
            transfers=act.transfers.model_dump(mode="json") if act.transfers else None,
            adm_used=act.automated_decision_making.used if act.automated_decision_making else None,
            adm_text=act.automated_decision_making.text if act.automated_decision_making else None,
        )
        session.add(row)
        session.flush()
        aid = row.id
        assert aid is not None
        session.add_all(
            ActivityPurpose(activity_id=aid, position=i, text=t) for i, t in enumerate(act.purposes)
        )
        session.add_all(
            ActivityDataSubject(activity_id=aid, position=i, subject=s)
            for i, s in enumerate(act.data_subjects)
        )
        session.add_all(
            ActivityDataCategory(
                activity_id=aid,
                position=i,
                category=c.category,
                examples=c.examples,
                as_written=c.as_written,
            )
            for i, c in enumerate(act.data_categories)
        )
        for role, links in (("source", act.sources), ("recipient", act.recipients)):
            for i, link in enumerate(links):
                link_row = PartyLinkRow(
                    activity_id=aid,
                    role=role,
                    position=i,
                    party=link.party,
                    examples=link.examples,
                    condition=link.condition,
                    as_written=link.as_written,
                )
                session.add(link_row)
                session.flush()
                assert link_row.id is not None
                session.add_all(
                    PartyLinkCategory(party_link_id=link_row.id, position=j, category=c)
                    for j, c in enumerate(link.data_categories)
                )
        session.add_all(
            ActivityBasis(activity_id=aid, position=i, basis=b.basis, as_written=b.as_written)
            for i, b in enumerate(act.lawful_bases)
        )
        session.add_all(
            StatuteCitationRow(
                activity_id=aid,
                position=i,
                cited_as=s.cited_as,
                statute=s.statute,
                provisions=s.provisions,
                kind_as_cited=s.kind_as_cited,
            )
            for i, s in enumerate(act.statutes)
        )
        session.add_all(
            RetentionRuleRow(
                activity_id=aid,
                position=i,
                trigger=r.trigger,
                duration=r.duration,
                applies_to=r.applies_to,
                text=r.text,
            )
            for i, r in enumerate(act.retention)
        )
        session.add_all(
            ActivitySystem(activity_id=aid, position=i, name=n) for i, n in enumerate(act.systems)
        )
        for i, arr in enumerate(act.sharing_arrangements):
            arr_row = SharingArrangementRow(
                activity_id=aid,
                position=i,
                name=arr.name,
                description=arr.description,
                pseudonymised=arr.pseudonymised,
                end_date=arr.end_date,
                end_date_as_written=arr.end_date_as_written,
                agreement_url=arr.agreement_url,
            )
            session.add(arr_row)
            session.flush()
            assert arr_row.id is not None
            session.add_all(
                SharingArrangementParty(arrangement_id=arr_row.id, position=j, party=p)
                for j, p in enumerate(arr.parties)
            )


_META_FIELDS = (
    "title",
    "last_updated",
    "last_updated_as_written",
    "introduction",
    "rights_text",
    "security",
    "provision_requirement",
    "cookies",
)


def write_content(*, session: Session, version: NoticeVersion, document: NoticeDocument) -> None:
    """Make the version's content (notice sections, rights, activities) that of the document.

    Replaces whatever content the version had. Does not commit.
    """
    meta = document.notice
    for field in _META_FIELDS:
        setattr(version, field, getattr(meta, field))
    version.complaint = (
        meta.complaint.model_dump(mode="json", exclude_none=True) if meta.complaint else None
    )
    version.other_sections = [s.model_dump(mode="json") for s in meta.other_sections]
    session.add(version)
    session.flush()
    assert version.id is not None
    session.exec(delete(NoticeRight).where(col(NoticeRight.notice_version_id) == version.id))
    session.exec(delete(ActivityRow).where(col(ActivityRow.notice_version_id) == version.id))
    session.add_all(
        NoticeRight(notice_version_id=version.id, position=i, right=r.right, text=r.text)
        for i, r in enumerate(meta.rights)
    )
    _add_activities(session=session, version_id=version.id, activities=document.activities)


def next_version_number(*, session: Session, service_id: str) -> int:
    latest = session.exec(
        select(func.max(NoticeVersion.version)).where(NoticeVersion.service_id == service_id)
    ).one()
    return (latest or 0) + 1


def supersede_published(*, session: Session, service_id: str) -> NoticeVersion | None:
    """Mark the service's published version superseded; returns it."""
    previous = session.exec(
        select(NoticeVersion).where(
            NoticeVersion.service_id == service_id, NoticeVersion.status == "published"
        )
    ).first()
    if previous is not None:
        previous.status = "superseded"
        session.add(previous)
    return previous


def import_document(
    *,
    session: Session,
    document: NoticeDocument,
    effective_from: date | None = None,
    author: str | None = None,
) -> NoticeVersion:
    """Store a document as the service's new published version, in one transaction.

    The previous published version, if any, is superseded. Controllers and the service are
    created or updated from the document. Nothing is written if any reference is unknown.
    """
    check_references(session=session, document=document)
    try:
        _upsert_controllers_and_service(session=session, document=document)
        service_id = document.service.id
        number = next_version_number(session=session, service_id=service_id)
        supersede_published(session=session, service_id=service_id)
        now = _now()
        version = NoticeVersion(
            service_id=service_id,
            version=number,
            status="published",
            effective_from=effective_from or document.notice.effective_from or date.today(),
            change_summary=document.notice.change_summary,
            created_at=now,
            published_at=now,
            author=author,
            title=document.notice.title,
        )
        write_content(session=session, version=version, document=document)
        session.flush()
        freeze_blocks(session=session, version=version)
        record(
            session=session,
            actor=author or "import",
            action="notice.import",
            target=f"services/{service_id}/notice/{number}",
            after=document.model_dump(mode="json"),
        )
        session.commit()
    except Exception:
        session.rollback()
        raise
    session.refresh(version)
    return version


# --- export ----------------------------------------------------------------------------------


def _by_activity(rows: Iterable[Any]) -> dict[int, list[Any]]:
    grouped: dict[int, list[Any]] = defaultdict(list)
    for row in rows:
        grouped[row.activity_id].append(row)
    for items in grouped.values():
        items.sort(key=lambda r: r.position)
    return grouped


def load_activities(*, session: Session, activity_rows: Sequence[ActivityRow]) -> list[Activity]:
    """Build activity documents for the given rows with one query per linked table."""
    ids = [r.id for r in activity_rows]
    if not ids:
        return []

    def fetch(model: Any) -> dict[int, list[Any]]:
        return _by_activity(
            session.exec(select(model).where(col(model.activity_id).in_(ids))).all()
        )

    purposes = fetch(ActivityPurpose)
    subjects = fetch(ActivityDataSubject)
    categories = fetch(ActivityDataCategory)
    bases = fetch(ActivityBasis)
    statutes = fetch(StatuteCitationRow)
    retention = fetch(RetentionRuleRow)
    systems = fetch(ActivitySystem)
    links = session.exec(select(PartyLinkRow).where(col(PartyLinkRow.activity_id).in_(ids))).all()
    link_cats: dict[int, list[PartyLinkCategory]] = defaultdict(list)
    for lc in session.exec(
        select(PartyLinkCategory)
        .where(col(PartyLinkCategory.party_link_id).in_([link.id for link in links]))
        .order_by(col(PartyLinkCategory.position))
    ).all():
        link_cats[lc.party_link_id].append(lc)
    links_by: dict[tuple[int, str], list[PartyLinkRow]] = defaultdict(list)
    for link in sorted(links, key=lambda r: r.position):
        links_by[(link.activity_id, link.role)].append(link)
    arrangements = session.exec(
        select(SharingArrangementRow).where(col(SharingArrangementRow.activity_id).in_(ids))
    ).all()
    arr_parties: dict[int, list[SharingArrangementParty]] = defaultdict(list)
    for ap in session.exec(
        select(SharingArrangementParty)
        .where(col(SharingArrangementParty.arrangement_id).in_([a.id for a in arrangements]))
        .order_by(col(SharingArrangementParty.position))
    ).all():
        arr_parties[ap.arrangement_id].append(ap)
    arr_by = _by_activity(arrangements)

    def party_links(aid: int, role: str) -> list[PartyLink]:
        return [
            PartyLink(
                party=link.party,
                examples=link.examples,
                data_categories=[c.category for c in link_cats[link.id or 0]],
                condition=link.condition,
                as_written=link.as_written,
            )
            for link in links_by[(aid, role)]
        ]

    out: list[Activity] = []
    for row in activity_rows:
        aid = row.id or 0
        out.append(
            Activity(
                id=row.slug,
                name=row.name,
                description=row.description,
                business_function=row.business_function,
                purposes=[p.text for p in purposes[aid]],
                data_subjects=[s.subject for s in subjects[aid]],
                data_categories=[
                    CategoryUse(category=c.category, examples=c.examples, as_written=c.as_written)
                    for c in categories[aid]
                ],
                sources=party_links(aid, "source"),
                recipients=party_links(aid, "recipient"),
                lawful_bases=[BasisUse(basis=b.basis, as_written=b.as_written) for b in bases[aid]],
                statutes=[
                    StatuteCitation(
                        cited_as=s.cited_as,
                        statute=s.statute,
                        provisions=s.provisions,
                        kind_as_cited=s.kind_as_cited,
                    )
                    for s in statutes[aid]
                ],
                retention=[
                    RetentionRule(
                        trigger=r.trigger, duration=r.duration, applies_to=r.applies_to, text=r.text
                    )
                    for r in retention[aid]
                ],
                systems=[s.name for s in systems[aid]],
                sharing_arrangements=[
                    SharingArrangement(
                        name=a.name,
                        description=a.description,
                        parties=[p.party for p in arr_parties[a.id]],
                        pseudonymised=a.pseudonymised,
                        end_date=a.end_date,
                        end_date_as_written=a.end_date_as_written,
                        agreement_url=a.agreement_url,
                    )
                    for a in arr_by[aid]
                ],
                transfers=Transfers.model_validate(row.transfers) if row.transfers else None,
                automated_decision_making=(
                    AutomatedDecisions(used=row.adm_used, text=row.adm_text)
                    if row.adm_used is not None
                    else None
                ),
                consent_dependent=row.consent_dependent,
            )
        )
    return out


def service_controllers(*, session: Session, service_id: str) -> list[Controller]:
    return list(
        session.exec(
            select(Controller)
            .join(ServiceController, col(ServiceController.controller_id) == Controller.id)
            .where(ServiceController.service_id == service_id)
            .order_by(col(ServiceController.position))
        ).all()
    )


@dataclass(frozen=True)
class DocumentBlocks:
    service: ServiceDoc
    controllers: list[ControllerDoc]


def service_document_blocks(*, session: Session, service_id: str) -> DocumentBlocks:
    """The ``service`` and ``controllers`` blocks of the service's documents, from the register."""
    service = session.get_one(Service, service_id)
    controllers = service_controllers(session=session, service_id=service.id)
    return DocumentBlocks(
        service=ServiceDoc(
            id=service.id,
            name=service.name,
            description=service.description,
            sub_services=service.sub_services,
            controllers=[c.id for c in controllers],
        ),
        controllers=[controller_doc(c) for c in controllers],
    )


def freeze_blocks(*, session: Session, version: NoticeVersion) -> None:
    """Record the controller and service blocks in a version being published. Does not commit."""
    blocks = service_document_blocks(session=session, service_id=version.service_id)
    version.published_blocks = {
        "service": blocks.service.model_dump(mode="json"),
        "controllers": [c.model_dump(mode="json") for c in blocks.controllers],
    }
    session.add(version)


def export_document(*, session: Session, version: NoticeVersion) -> NoticeDocument:
    if version.published_blocks is not None:
        blocks = DocumentBlocks(
            service=ServiceDoc.model_validate(version.published_blocks["service"]),
            controllers=[
                ControllerDoc.model_validate(c) for c in version.published_blocks["controllers"]
            ],
        )
    else:
        blocks = service_document_blocks(session=session, service_id=version.service_id)
    rights = session.exec(
        select(NoticeRight)
        .where(NoticeRight.notice_version_id == version.id)
        .order_by(col(NoticeRight.position))
    ).all()
    activity_rows = session.exec(
        select(ActivityRow)
        .where(ActivityRow.notice_version_id == version.id)
        .order_by(col(ActivityRow.position))
    ).all()
    return NoticeDocument(
        controllers=blocks.controllers,
        service=blocks.service,
        notice=NoticeMeta(
            title=version.title,
            version=version.version,
            status=version.status,
            effective_from=version.effective_from,
            change_summary=version.change_summary,
            last_updated=version.last_updated,
            last_updated_as_written=version.last_updated_as_written,
            introduction=version.introduction,
            rights=[Right(right=r.right, text=r.text) for r in rights],
            rights_text=version.rights_text,
            complaint=Complaint.model_validate(version.complaint) if version.complaint else None,
            security=version.security,
            provision_requirement=version.provision_requirement,
            cookies=version.cookies,
            other_sections=[Section.model_validate(s) for s in version.other_sections],
        ),
        activities=load_activities(session=session, activity_rows=activity_rows),
    )


# --- queries ---------------------------------------------------------------------------------


def get_service(*, session: Session, service_id: str) -> Service:
    service = session.get(Service, service_id)
    if service is None:
        raise NotFound(f"No service '{service_id}'")
    return service


def get_controller(*, session: Session, controller_id: str) -> Controller:
    controller = session.get(Controller, controller_id)
    if controller is None:
        raise NotFound(f"No controller '{controller_id}'")
    return controller


#: Built once: an alias made per call would copy every column of the table each time.
_NEWER = NoticeVersion.__table__.alias("newer")  # type: ignore[attr-defined]


def version_in_effect_clause(at: Any) -> Any:
    """SQL condition: the public version of its service in effect on ``at`` (a date, or a
    bound parameter for one)."""
    newer = _NEWER
    later_exists = (
        select(newer.c.id)
        .where(
            newer.c.service_id == NoticeVersion.service_id,
            newer.c.status.in_(PUBLIC_STATUSES),
            newer.c.effective_from <= at,
            # on the same day, the later publication wins (not the higher number: a draft
            # opened before an import can be published after it)
            or_(
                newer.c.effective_from > NoticeVersion.effective_from,
                (newer.c.effective_from == NoticeVersion.effective_from)
                & (newer.c.published_at > NoticeVersion.published_at),
                (newer.c.effective_from == NoticeVersion.effective_from)
                & (newer.c.published_at == NoticeVersion.published_at)
                & (newer.c.id > NoticeVersion.id),
            ),
        )
        .exists()
    )
    return (
        col(NoticeVersion.status).in_(PUBLIC_STATUSES)
        & (col(NoticeVersion.effective_from) <= at)
        & ~later_exists
    )


def resolve_version(
    *, session: Session, service_id: str, at: date | None = None, version: int | None = None
) -> NoticeVersion:
    """The public (published or superseded) version selected by number or date (default today)."""
    get_service(session=session, service_id=service_id)
    if version is not None:
        row = session.exec(
            select(NoticeVersion).where(
                NoticeVersion.service_id == service_id,
                NoticeVersion.version == version,
                col(NoticeVersion.status).in_(PUBLIC_STATUSES),
            )
        ).first()
        if row is None:
            raise NotFound(f"Service '{service_id}' has no published version {version}")
        return row
    when = at or date.today()
    row = session.exec(
        select(NoticeVersion).where(
            NoticeVersion.service_id == service_id, version_in_effect_clause(when)
        )
    ).first()
    if row is None:
        raise NotFound(f"Service '{service_id}' had no published notice in effect on {when}")
    return row


def list_controllers(
    *, session: Session, limit: int, offset: int
) -> tuple[Sequence[Controller], int]:
    total = session.exec(select(func.count()).select_from(Controller)).one()
    rows = session.exec(
        select(Controller).order_by(col(Controller.id)).limit(limit).offset(offset)
    ).all()
    return rows, total


def services_of_controllers(
    *, session: Session, controller_ids: Sequence[str]
) -> dict[str, list[str]]:
    out: dict[str, list[str]] = defaultdict(list)
    for service_id, controller_id in session.exec(
        select(ServiceController.service_id, ServiceController.controller_id)
        .where(col(ServiceController.controller_id).in_(controller_ids))
        .order_by(col(ServiceController.service_id))
    ).all():
        out[controller_id].append(service_id)
    return out


def controllers_of_services(
    *, session: Session, service_ids: Sequence[str]
) -> dict[str, list[str]]:
    out: dict[str, list[str]] = defaultdict(list)
    for service_id, controller_id in session.exec(
        select(ServiceController.service_id, ServiceController.controller_id)
        .where(col(ServiceController.service_id).in_(service_ids))
        .order_by(col(ServiceController.position))
    ).all():
        out[service_id].append(controller_id)
    return out


def current_versions(
    *, session: Session, service_ids: Sequence[str], at: date
) -> dict[str, NoticeVersion]:
    rows = session.exec(
        select(NoticeVersion).where(
            col(NoticeVersion.service_id).in_(service_ids), version_in_effect_clause(at)
        )
    ).all()
    return {r.service_id: r for r in rows}


def list_services(
    *, session: Session, controller: str | None, text: str | None, limit: int, offset: int
) -> tuple[Sequence[Service], int]:
    query = select(Service)
    if controller is not None:
        require_term(session=session, model=Controller, slug=controller, parameter="controller")
        query = query.join(
            ServiceController, col(ServiceController.service_id) == Service.id
        ).where(ServiceController.controller_id == controller)
    if text:
        pattern = (
            "%" + text.lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        )
        query = query.where(
            or_(
                func.lower(Service.id).like(pattern, escape="\\"),
                func.lower(Service.name).like(pattern, escape="\\"),
                func.lower(func.coalesce(Service.description, "")).like(pattern, escape="\\"),
            )
        )
    total = session.exec(select(func.count()).select_from(query.subquery())).one()
    rows = session.exec(query.order_by(col(Service.id)).limit(limit).offset(offset)).all()
    return rows, total


def require_term(
    *,
    session: Session,
    model: type[DataCategory]
    | type[Party]
    | type[LawfulBasis]
    | type[Statute]
    | type[Controller]
    | type[Service],
    slug: str,
    parameter: str,
) -> None:
    """422 naming the parameter, with the closest known slugs, when a filter value is unknown."""
    if session.get(model, slug) is not None:
        return
    key = sa_inspect(model).primary_key[0]
    known = [str(k) for k in session.exec(select(key)).all()]
    raise InvalidQuery(
        f"Unknown {parameter} '{slug}'",
        errors=[FieldError(pointer=parameter, detail=f"'{slug}' is not a known {parameter}")],
        suggestions=get_close_matches(slug, known, n=5, cutoff=0.5),
    )


def list_activities(
    *,
    session: Session,
    at: date,
    controller: str | None = None,
    service: str | None = None,
    data_category: str | None = None,
    recipient: str | None = None,
    source: str | None = None,
    lawful_basis: str | None = None,
    statute: str | None = None,
    limit: int,
    offset: int,
) -> tuple[list[tuple[ActivityRow, NoticeVersion]], int]:
    """Activities of the versions in effect on ``at``.

    Category and party filters match the term and its descendants.
    """
    query = (
        select(ActivityRow, NoticeVersion)
        .join(NoticeVersion, col(NoticeVersion.id) == ActivityRow.notice_version_id)
        .where(version_in_effect_clause(at))
    )
    if service is not None:
        require_term(session=session, model=Service, slug=service, parameter="service")
        query = query.where(NoticeVersion.service_id == service)
    if controller is not None:
        require_term(session=session, model=Controller, slug=controller, parameter="controller")
        query = query.where(
            col(NoticeVersion.service_id).in_(
                select(ServiceController.service_id).where(
                    ServiceController.controller_id == controller
                )
            )
        )
    if data_category is not None:
        require_term(
            session=session, model=DataCategory, slug=data_category, parameter="data_category"
        )
        cats = descendants(session=session, model=DataCategory, slug=data_category)
        query = query.where(
            col(ActivityRow.id).in_(
                select(ActivityDataCategory.activity_id).where(
                    col(ActivityDataCategory.category).in_(cats)
                )
            )
        )
    for role, party in (("recipient", recipient), ("source", source)):
        if party is not None:
            require_term(session=session, model=Party, slug=party, parameter=role)
            parties = descendants(session=session, model=Party, slug=party)
            query = query.where(
                col(ActivityRow.id).in_(
                    select(PartyLinkRow.activity_id).where(
                        PartyLinkRow.role == role, col(PartyLinkRow.party).in_(parties)
                    )
                )
            )
    if lawful_basis is not None:
        require_term(
            session=session, model=LawfulBasis, slug=lawful_basis, parameter="lawful_basis"
        )
        query = query.where(
            col(ActivityRow.id).in_(
                select(ActivityBasis.activity_id).where(ActivityBasis.basis == lawful_basis)
            )
        )
    if statute is not None:
        require_term(session=session, model=Statute, slug=statute, parameter="statute")
        query = query.where(
            col(ActivityRow.id).in_(
                select(StatuteCitationRow.activity_id).where(StatuteCitationRow.statute == statute)
            )
        )
    total = session.exec(select(func.count()).select_from(query.subquery())).one()
    rows = session.exec(
        query.order_by(col(NoticeVersion.service_id), col(ActivityRow.position))
        .limit(limit)
        .offset(offset)
    ).all()
    return [(a, v) for a, v in rows], total


def get_activity(
    *, session: Session, activity_id: str, at: date
) -> tuple[ActivityRow, NoticeVersion]:
    service_id, _, slug = activity_id.rpartition(".")
    if not service_id:
        raise NotFound(f"No activity '{activity_id}' (ids look like '<service_id>.<activity>')")
    row = session.exec(
        select(ActivityRow, NoticeVersion)
        .join(NoticeVersion, col(NoticeVersion.id) == ActivityRow.notice_version_id)
        .where(
            NoticeVersion.service_id == service_id,
            ActivityRow.slug == slug,
            version_in_effect_clause(at),
        )
    ).first()
    if row is None:
        raise NotFound(f"No activity '{activity_id}' in the notice in effect on {at}")
    return row[0], row[1]


def list_terms(
    *, session: Session, model: type[T], limit: int, offset: int
) -> tuple[Sequence[T], int]:
    total = session.exec(select(func.count()).select_from(model)).one()
    rows = session.exec(select(model).order_by(model.position).limit(limit).offset(offset)).all()  # type: ignore[attr-defined]
    return rows, total


def load_seed(
    *, session: Session, vocabulary: Vocabulary, documents: Sequence[NoticeDocument]
) -> list[NoticeVersion]:
    """Load vocabularies, then each document as its service's first published version."""
    load_vocabulary(session=session, vocabulary=vocabulary)
    return [import_document(session=session, document=d, author="seed") for d in documents]
