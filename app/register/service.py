"""The register's operations: vocabulary terms, controllers, services, versions, queries.

Functions take keyword arguments only. Only these functions (and the other services) commit.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from datetime import date
from difflib import get_close_matches
from typing import Any

from sqlalchemy import func, or_
from sqlmodel import Session, col, delete, select

from app.auth.service import Principal
from app.errors import (
    Conflict,
    FieldError,
    InvalidDocument,
    InvalidQuery,
    NotFound,
    unknown_values,
)
from app.register import store
from app.register.current import State
from app.register.document import ControllerDoc, NoticeDocument, ServiceDoc
from app.register.models import (
    TERM_TABLES,
    ActivityBasis,
    ActivityDataCategory,
    ActivityRow,
    Controller,
    NoticeVersion,
    NoticeVersionController,
    PartyLinkRow,
    Service,
    ServiceController,
    StatuteCitationRow,
)
from app.register.vocabulary import (
    VOCABULARIES,
    TermBase,
    Vocabulary,
    local_vocabulary,
    reference_problems,
    vocabulary_problems,
    what,
)

# --- vocabulary terms ------------------------------------------------------------------------

LIFE = ("added", "retired", "replaced_by")


def save_terms(*, session: Session, vocabulary: Vocabulary) -> int:
    """Insert or update terms (the shipped vocabularies, or a document's own terms); bump the
    vocabulary revision if anything changed. Returns the number of terms changed. Does not
    commit. Terms are never deleted, and a term's life (``added``, ``retired``,
    ``replaced_by``) is not undone by terms that say nothing of it (a document's own terms
    imported again after the council retired one)."""
    changed = 0
    for name in VOCABULARIES:
        table = TERM_TABLES[name]
        existing = {t.slug: t for t in session.exec(select(table)).all()}  # type: ignore[attr-defined]
        count = len(existing)
        for term in vocabulary.terms(name).values():
            data = term.model_dump()
            row = existing.get(term.slug)
            if row is not None:
                data |= {k: getattr(row, k) for k in LIFE if data[k] is None}
            if row is None:
                session.add(table(**data, position=count))
                count += 1
                changed += 1
            elif any(getattr(row, k) != v for k, v in data.items()):
                for k, v in data.items():
                    setattr(row, k, v)
                session.add(row)
                changed += 1
    if changed:
        store.bump_revision(session=session, key="vocabulary")
        session.flush()
    return changed


def check_document_terms(*, document: NoticeDocument, vocabulary: Vocabulary) -> None:
    """422 listing every unknown slug in the document (with suggestions) and every problem with
    the terms it defines."""
    problems = reference_problems(document, vocabulary)
    merged = local_vocabulary(document).merged(vocabulary) if not problems else None
    errors = [FieldError(pointer=p.pointer, detail=p.detail) for p in problems]
    if merged is not None:
        errors += [FieldError(pointer="/terms", detail=p) for p in vocabulary_problems(merged)]
    if errors:
        raise InvalidDocument(
            "The document refers to terms the register does not define.",
            errors=errors,
            suggestions=list(dict.fromkeys(s for p in problems for s in p.suggestions)) or None,
        )


def list_terms(
    *, vocabulary: Vocabulary, vocab: str, limit: int, offset: int
) -> tuple[list[TermBase], int]:
    terms = list(vocabulary.terms(vocab).values())
    return terms[offset : offset + limit], len(terms)


def require_terms(*, vocabulary: Vocabulary, wanted: Sequence[tuple[str, str | None, str]]) -> None:
    """422 naming every (parameter, value, vocabulary) whose value is not a known term."""
    unknown = [
        (parameter, value, what(vocab), vocabulary.suggest(vocab, value))
        for parameter, value, vocab in wanted
        if value is not None and value not in vocabulary.terms(vocab)
    ]
    if unknown:
        raise unknown_values(*unknown)


def require_ids(
    *, session: Session, wanted: Sequence[tuple[str, str | None, type[Controller] | type[Service]]]
) -> None:
    """422 naming every (parameter, value, table) whose value is not a known controller or
    service id, with the closest ids."""
    unknown = []
    for parameter, value, model in wanted:
        if value is not None and session.get(model, value) is None:
            known = [str(k) for k in session.exec(select(model.id)).all()]
            unknown.append((parameter, value, parameter, get_close_matches(value, known, 5, 0.5)))
    if unknown:
        raise unknown_values(*unknown)


# --- controllers -----------------------------------------------------------------------------


def controller_doc(row: Controller) -> ControllerDoc:
    return ControllerDoc.model_validate(row.model_dump())


def controller_row(doc: ControllerDoc) -> Controller:
    return Controller(**doc.model_dump(mode="json"))


def get_controller(*, session: Session, controller_id: str) -> Controller:
    controller = session.get(Controller, controller_id)
    if controller is None:
        raise NotFound(f"No controller '{controller_id}'")
    return controller


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


def ensure_controllers(*, session: Session, controllers: Sequence[ControllerDoc]) -> None:
    """Create the controllers the register does not know yet, from a document. The register's
    record of a known controller is not changed by a document (each notice keeps its own
    details); it is changed with ``PUT /v1/controllers/{id}``."""
    for doc in controllers:
        if session.get(Controller, doc.id) is None:
            require_gss_code_free(session=session, controller=doc)
            session.add(controller_row(doc))
            store.bump_revision(session=session, key="register")
    session.flush()


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


def first_controllers(*, session: Session, version_ids: Sequence[int]) -> dict[int, str]:
    """Each published version's first controller, as its document names them."""
    return dict(
        session.exec(
            select(
                NoticeVersionController.notice_version_id, NoticeVersionController.controller_id
            ).where(
                col(NoticeVersionController.notice_version_id).in_(list(version_ids)),
                NoticeVersionController.position == 0,
            )
        ).all()
    )


# --- services --------------------------------------------------------------------------------


def get_service(*, session: Session, service_id: str) -> Service:
    service = session.get(Service, service_id)
    if service is None:
        raise NotFound(f"No service '{service_id}'")
    return service


def get_version(
    *, session: Session, service_id: str, version: int, include_drafts: bool = True
) -> NoticeVersion:
    get_service(session=session, service_id=service_id)
    row = session.exec(
        select(NoticeVersion).where(
            NoticeVersion.service_id == service_id, NoticeVersion.version == version
        )
    ).first()
    if row is None or (row.status == store.DRAFT and not include_drafts):
        raise NotFound(f"Service '{service_id}' has no version {version}")
    return row


def get_draft(*, session: Session, service_id: str, version: int) -> NoticeVersion:
    row = get_version(session=session, service_id=service_id, version=version)
    if row.status != store.DRAFT:
        raise Conflict(
            f"Version {version} of '{service_id}' is published; published versions are immutable"
        )
    return row


def service_controllers(*, session: Session, service_id: str) -> list[str]:
    return list(
        session.exec(
            select(ServiceController.controller_id)
            .where(ServiceController.service_id == service_id)
            .order_by(col(ServiceController.position))
        ).all()
    )


def sees_drafts(*, session: Session, principal: Principal | None, service_id: str) -> bool:
    """Drafts are shown to keys bound to one of the service's controllers (and global keys);
    to anyone else a draft does not exist."""
    if principal is None:
        return False
    if principal.controllers is None:
        return True
    return principal.may_act_on(service_controllers(session=session, service_id=service_id))


def require_known_controllers(*, session: Session, controller_ids: Sequence[str]) -> None:
    """422 naming each id that is not a controller of the register (e.g. binding a key)."""
    unknown = [c for c in dict.fromkeys(controller_ids) if session.get(Controller, c) is None]
    if unknown:
        raise InvalidQuery(
            f"Unknown controller(s): {', '.join(unknown)}",
            errors=[
                FieldError(pointer="controller", detail=f"'{c}' is not a known controller")
                for c in unknown
            ],
        )


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


def save_service(*, session: Session, service: ServiceDoc) -> Service:
    """Create or update a service and its controllers (the register's own record). Does not
    commit."""
    unknown = [c for c in service.controllers if session.get(Controller, c) is None]
    if unknown:
        raise InvalidDocument(
            "Unknown controllers",
            errors=[
                FieldError(
                    pointer=f"/controllers/{service.controllers.index(c)}",
                    detail=f"no controller '{c}'",
                )
                for c in unknown
            ],
        )
    row = session.merge(
        Service(
            id=service.id,
            name=service.name,
            description=service.description,
            sub_services=service.sub_services,
        )
    )
    session.flush()
    session.exec(delete(ServiceController).where(col(ServiceController.service_id) == service.id))
    session.add_all(
        ServiceController(service_id=service.id, controller_id=c, position=i)
        for i, c in enumerate(service.controllers)
    )
    store.bump_revision(session=session, key="register")
    session.flush()
    return row


def is_empty(*, session: Session) -> bool:
    return session.exec(select(func.count()).select_from(Service)).one() == 0


def list_services(
    *, session: Session, controller: str | None, text: str | None, limit: int, offset: int
) -> tuple[Sequence[Service], int]:
    query = select(Service)
    if controller is not None:
        require_ids(session=session, wanted=[("controller", controller, Controller)])
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


# --- versions --------------------------------------------------------------------------------


def resolve_version(
    *,
    session: Session,
    state: State,
    service_id: str,
    at: date | None = None,
    version: int | None = None,
) -> NoticeVersion:
    """The published version selected by number, or in effect on a date (default today)."""
    query = store.versions_query().where(NoticeVersion.service_id == service_id)
    if version is not None:
        query = query.where(
            NoticeVersion.version == version, NoticeVersion.status == store.PUBLISHED
        )
    elif at is None or at == state.day:
        current = state.current.get(service_id)
        query = query.where(col(NoticeVersion.id) == (current.id if current else -1))
    else:
        query = query.where(store.in_effect(at))
    row = session.exec(query).first()
    if row is None:
        get_service(session=session, service_id=service_id)
        if version is not None:
            raise NotFound(f"Service '{service_id}' has no published version {version}")
        raise NotFound(
            f"Service '{service_id}' had no published notice in effect on {at or state.day}"
        )
    return row


def list_versions(
    *, session: Session, service_id: str, include_drafts: bool
) -> list[NoticeVersion]:
    get_service(session=session, service_id=service_id)
    query = store.versions_query().where(NoticeVersion.service_id == service_id)
    if not include_drafts:
        query = query.where(NoticeVersion.status == store.PUBLISHED)
    return list(session.exec(query.order_by(col(NoticeVersion.version))).all())


# --- activities ------------------------------------------------------------------------------


def list_activities(
    *,
    session: Session,
    vocabulary: Vocabulary,
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
) -> tuple[list[tuple[NoticeVersion, str]], int]:
    """(version, activity id) of the activities of the versions in effect on ``at`` that
    match, and how many match. Category and party filters match the term and its
    descendants."""
    require_terms(
        vocabulary=vocabulary,
        wanted=[
            ("data_category", data_category, "data_categories"),
            ("recipient", recipient, "parties"),
            ("source", source, "parties"),
            ("lawful_basis", lawful_basis, "lawful_bases"),
            ("statute", statute, "statutes"),
        ],
    )
    require_ids(
        session=session,
        wanted=[("service", service, Service), ("controller", controller, Controller)],
    )
    query = (
        select(NoticeVersion.id, ActivityRow.slug)
        .join(ActivityRow, col(ActivityRow.notice_version_id) == NoticeVersion.id)
        .where(store.in_effect(at))
    )
    if service is not None:
        query = query.where(NoticeVersion.service_id == service)
    if controller is not None:
        query = query.where(
            col(NoticeVersion.id).in_(
                select(NoticeVersionController.notice_version_id).where(
                    NoticeVersionController.controller_id == controller
                )
            )
        )
    filters: list[tuple[Any, Any, str | None, str]] = [
        (ActivityDataCategory, ActivityDataCategory.category, data_category, "data_categories"),
        (ActivityBasis, ActivityBasis.basis, lawful_basis, "lawful_bases"),
        (StatuteCitationRow, StatuteCitationRow.statute, statute, "statutes"),
    ]
    for model, column, value, vocab in filters:
        if value is None:
            continue
        terms = vocabulary.descendants(vocab, value) if vocab == "data_categories" else {value}
        query = query.where(
            col(ActivityRow.id).in_(select(model.activity_id).where(col(column).in_(terms)))
        )
    for role, party in (("recipient", recipient), ("source", source)):
        if party is not None:
            query = query.where(
                col(ActivityRow.id).in_(
                    select(PartyLinkRow.activity_id).where(
                        PartyLinkRow.role == role,
                        col(PartyLinkRow.party).in_(vocabulary.descendants("parties", party)),
                    )
                )
            )
    total = session.exec(select(func.count()).select_from(query.subquery())).one()
    rows = session.exec(
        query.order_by(col(NoticeVersion.service_id), col(ActivityRow.position))
        .limit(limit)
        .offset(offset)
    ).all()
    ids = list(dict.fromkeys(r[0] for r in rows))
    versions = {
        v.id: v
        for v in session.exec(store.versions_query().where(col(NoticeVersion.id).in_(ids))).all()
    }
    return [(versions[vid], slug) for vid, slug in rows], total


def find_activity(
    *, session: Session, state: State, activity_id: str, at: date | None
) -> tuple[NoticeVersion, str]:
    service_id, _, slug = activity_id.rpartition(".")
    if not service_id:
        raise NotFound(f"No activity '{activity_id}' (ids look like '<service_id>.<activity>')")
    try:
        version = resolve_version(session=session, state=state, service_id=service_id, at=at)
    except NotFound:
        raise NotFound(
            f"No activity '{activity_id}' in the notice in effect on {at or state.day}"
        ) from None
    found = session.exec(
        select(ActivityRow.id).where(
            ActivityRow.notice_version_id == version.id, ActivityRow.slug == slug
        )
    ).first()
    if found is None:
        raise NotFound(f"No activity '{activity_id}' in the notice in effect on {at or state.day}")
    return version, slug
