"""Read API v1: controllers, services, notice documents, activities, vocabularies; and the
vocabulary term writes (``/v1/vocabularies/…``, see :mod:`app.register.terms`)."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Body, Depends, Path, Query, Request, Response
from pydantic import BaseModel
from sqlmodel import Session

from app.auth.deps import require
from app.auth.service import Principal
from app.deps import (
    AtQuery,
    RecordedAtQuery,
    SlugPath,
    SlugQuery,
    TermPath,
    TermQuery,
    TextQuery,
    VersionQuery,
    WriteSessionDep,
)
from app.errors import problem_responses
from app.http import CURRENT, IMMUTABLE
from app.pagination import Page, PageDep
from app.register import service as svc
from app.register import store
from app.register import terms as term_writes
from app.register.api import Chosen, answer, choose, register_of
from app.register.current import State
from app.register.document import NoticeDocument, VersionStatus
from app.register.models import Controller, NoticeVersion, Service
from app.register.schemas import (
    ActivityPublic,
    ControllerPublic,
    DataCategoryCreate,
    DataCategoryPublic,
    DataCategoryUpdate,
    DataSubjectCreate,
    DataSubjectPublic,
    DataSubjectUpdate,
    LawfulBasisPublic,
    PartyCreate,
    PartyPublic,
    PartyUpdate,
    ServicePublic,
    StatuteCreate,
    StatutePublic,
    StatuteUpdate,
    TermRetire,
)
from app.register.vocabulary import TermBase, Vocabulary
from app.register.vocabulary import what as term_what

router = APIRouter(prefix="/v1")

READ = problem_responses(304, 404, 422, 503)
LIST = problem_responses(304, 422, 503)


def dump(model: BaseModel, *, exclude_none: bool = False) -> bytes:
    return model.model_dump_json(exclude_none=exclude_none).encode()


def public_document(
    request: Request,
    session: Session,
    version_id: int,
    *,
    day: date,
    with_status: bool,
    status: VersionStatus | None = None,
) -> NoticeDocument:
    """A published version's document as the API shows it."""
    row = session.get_one(NoticeVersion, version_id)
    documents: store.Documents = request.app.state.documents
    return store.with_register_fields(
        documents.one(session=session, version=row),
        row,
        day,
        with_status=with_status,
        status=status,
    )


async def notice_response(request: Request, chosen: Chosen) -> Response:
    """The notice document of a published version. By number it never changes (so it is
    served as immutable, without a status, which the versions list gives); otherwise it is
    what is in effect on a date, with its status."""

    def make(session: Session, state: State) -> bytes:
        return dump(
            public_document(
                request,
                session,
                chosen.id,
                day=state.day,
                with_status=not chosen.by_number,
                status=chosen.status,
            ),
            exclude_none=True,
        )

    key = ("notice", chosen.id, None if chosen.by_number else chosen.status)
    return await answer(
        request,
        key,
        make,
        by_state=False,
        cache_control=IMMUTABLE if chosen.by_number else CURRENT,
    )


# --- controllers and services ----------------------------------------------------------------


def controllers_public(session: Session, rows: list[Controller]) -> list[ControllerPublic]:
    services = svc.services_of_controllers(session=session, controller_ids=[r.id for r in rows])
    return [
        ControllerPublic(**svc.controller_doc(r).model_dump(), services=services.get(r.id, []))
        for r in rows
    ]


@router.get(
    "/controllers", tags=["controllers"], response_model=Page[ControllerPublic], responses=LIST
)
async def list_controllers(request: Request, page: PageDep) -> Response:
    def make(session: Session, _state: State) -> bytes:
        rows, total = svc.list_controllers(session=session, limit=page.limit, offset=page.offset)
        return dump(page.of(controllers_public(session, list(rows)), total))

    return await answer(request, ("controllers", page), make)


@router.get(
    "/controllers/{controller_id}",
    tags=["controllers"],
    response_model=ControllerPublic,
    responses=READ,
)
async def get_controller(request: Request, controller_id: SlugPath) -> Response:
    def make(session: Session, _state: State) -> bytes:
        row = svc.get_controller(session=session, controller_id=controller_id)
        return dump(controllers_public(session, [row])[0])

    return await answer(request, ("controller", controller_id), make)


def services_public(session: Session, state: State, rows: list[Service]) -> list[ServicePublic]:
    controllers = svc.controllers_of_services(session=session, service_ids=[r.id for r in rows])
    out = []
    for r in rows:
        current = state.current.get(r.id)
        out.append(
            ServicePublic(
                id=r.id,
                name=r.name,
                description=r.description,
                sub_services=r.sub_services,
                controllers=controllers.get(r.id, []),
                current_version=current.version if current else None,
                effective_from=current.effective_from if current else None,
                notice_url=f"/v1/services/{r.id}/notice" if current else None,
            )
        )
    return out


@router.get("/services", tags=["services"], response_model=Page[ServicePublic], responses=LIST)
async def list_services(
    request: Request, page: PageDep, controller: SlugQuery = None, q: TextQuery = None
) -> Response:
    def make(session: Session, state: State) -> bytes:
        rows, total = svc.list_services(
            session=session, controller=controller, text=q, limit=page.limit, offset=page.offset
        )
        return dump(page.of(services_public(session, state, list(rows)), total))

    return await answer(request, ("services", page, controller, q), make)


@router.get(
    "/services/{service_id}", tags=["services"], response_model=ServicePublic, responses=READ
)
async def get_service(request: Request, service_id: SlugPath) -> Response:
    def make(session: Session, state: State) -> bytes:
        row = svc.get_service(session=session, service_id=service_id)
        return dump(services_public(session, state, [row])[0])

    return await answer(request, ("service", service_id), make)


# --- notice documents ------------------------------------------------------------------------


@router.get(
    "/services/{service_id}/notice",
    tags=["notices"],
    response_model=NoticeDocument,
    response_model_exclude_none=True,
    responses=READ,
    summary="The published notice document",
    description="The notice in effect today, on `at`, or version `version`. Strong ETag; "
    "`If-None-Match` gives 304. A version chosen by number never changes: it is served as "
    "immutable and without `notice.status` (the versions list gives each version's status). "
    "`recorded_at` (with or without `at`) answers what the register said on that day: the "
    "versions published since are left out, and `notice.status` is as it was then.",
)
async def get_notice(
    request: Request,
    service_id: SlugPath,
    at: AtQuery = None,
    version: VersionQuery = None,
    recorded_at: RecordedAtQuery = None,
) -> Response:
    return await notice_response(
        request, await choose(request, service_id, at, version, recorded_at)
    )


@router.get(
    "/services/{service_id}/notice/versions/{version}",
    tags=["notices"],
    response_model=NoticeDocument,
    response_model_exclude_none=True,
    responses=READ,
    summary="One published version of the notice document (immutable)",
)
async def get_version(
    request: Request, service_id: SlugPath, version: Annotated[int, Path(ge=1, le=1_000_000)]
) -> Response:
    return await notice_response(request, await choose(request, service_id, None, version))


# --- activities ------------------------------------------------------------------------------


def activities_public(
    request: Request, session: Session, pairs: list[tuple[NoticeVersion, str]]
) -> list[ActivityPublic]:
    documents: store.Documents = request.app.state.documents
    versions = list({v.id: v for v, _ in pairs}.values())
    by_id = dict(
        zip(
            [v.id for v in versions],
            documents.get(session=session, versions=versions),
            strict=True,
        )
    )
    out = []
    for version, slug in pairs:
        document = by_id[version.id]
        activity = next(a for a in document.activities if a.id == slug)
        out.append(
            ActivityPublic(
                **{**activity.model_dump(), "id": f"{version.service_id}.{slug}"},
                service_id=version.service_id,
                controllers=document.service.controllers,
                notice_version=version.version,
                effective_from=version.effective_from,
            )
        )
    return out


@router.get(
    "/activities",
    tags=["activities"],
    response_model=Page[ActivityPublic],
    response_model_exclude_none=True,
    responses=LIST,
)
async def list_activities(
    request: Request,
    page: PageDep,
    controller: SlugQuery = None,
    service: SlugQuery = None,
    data_category: Annotated[
        TermQuery, Query(description="A data category; its descendants match too")
    ] = None,
    recipient: Annotated[TermQuery, Query(description="A party; its descendants match too")] = None,
    source: Annotated[TermQuery, Query(description="A party; its descendants match too")] = None,
    lawful_basis: Annotated[SlugQuery, Query(examples=["art6-1-e"])] = None,
    statute: Annotated[TermQuery, Query(examples=["children-act-1989"])] = None,
    at: AtQuery = None,
) -> Response:
    filters: dict[str, Any] = {
        "controller": controller,
        "service": service,
        "data_category": data_category,
        "recipient": recipient,
        "source": source,
        "lawful_basis": lawful_basis,
        "statute": statute,
    }

    def make(session: Session, state: State) -> bytes:
        pairs, total = svc.list_activities(
            session=session,
            vocabulary=state.vocabulary,
            at=at or state.day,
            limit=page.limit,
            offset=page.offset,
            **filters,
        )
        return dump(page.of(activities_public(request, session, pairs), total), exclude_none=True)

    return await answer(request, ("activities", page, at, tuple(filters.values())), make)


@router.get(
    "/activities/{activity_id}",
    tags=["activities"],
    response_model=ActivityPublic,
    response_model_exclude_none=True,
    responses=READ,
)
async def get_activity(
    request: Request,
    activity_id: Annotated[str, Path(max_length=200, pattern=r"^[a-z0-9]+(?:[-.][a-z0-9]+)*$")],
    at: AtQuery = None,
) -> Response:
    def make(session: Session, state: State) -> bytes:
        pair = svc.find_activity(session=session, state=state, activity_id=activity_id, at=at)
        return dump(activities_public(request, session, [pair])[0], exclude_none=True)

    return await answer(request, ("activity", activity_id, at), make)


# --- vocabularies ----------------------------------------------------------------------------


def term_public(
    vocabulary: Vocabulary, vocab: str, term: TermBase, public: type[BaseModel]
) -> BaseModel:
    """A term as the API shows it (a data category with the kind the law gives it)."""
    extra = {"kind": vocabulary.category_kind(term.slug)} if vocab == "data_categories" else {}
    return public.model_validate(term.model_dump() | extra)


def _terms_route(path: str, vocab: str, public: type[BaseModel], summary: str) -> None:
    async def list_terms(request: Request, page: PageDep) -> Response:
        def make(_session: Session, state: State) -> bytes:
            terms, total = svc.list_terms(
                vocabulary=state.vocabulary, vocab=vocab, limit=page.limit, offset=page.offset
            )
            items = [term_public(state.vocabulary, vocab, t, public) for t in terms]
            return dump(page.of(items, total))

        return await answer(request, ("terms", vocab, page), make)

    list_terms.__name__ = f"list_{vocab}"
    router.add_api_route(
        path,
        list_terms,
        methods=["GET"],
        tags=["vocabularies"],
        response_model=Page[public],  # type: ignore[valid-type]
        responses=LIST,
        summary=summary,
    )


_terms_route("/data-categories", "data_categories", DataCategoryPublic, "The data categories")
_terms_route("/data-subjects", "data_subjects", DataSubjectPublic, "The data subjects")
_terms_route("/parties", "parties", PartyPublic, "Parties: sources and recipients")
_terms_route("/statutes", "statutes", StatutePublic, "The legislation registry")
_terms_route("/lawful-bases", "lawful_bases", LawfulBasisPublic, "Lawful bases and conditions")


# --- writing terms ---------------------------------------------------------------------------

TermWriter = Annotated[Principal, Depends(require(*term_writes.OWN_SCOPES))]
TERM_WRITE = problem_responses(400, 401, 403, 404, 409, 413, 422, 503)
WHO_WRITES = (
    "A council's own term ('<controller>:<slug>') needs an editor, publisher or admin key; a "
    "shared term (no namespace) an admin key. Audited. Published versions keep the terms they "
    "were published with."
)


def _written(
    request: Request,
    vocab: str,
    public: type[BaseModel],
    term: TermBase,
    status: int = 200,
    **headers: str,
) -> Response:
    """A written term, as the rebuilt vocabulary shows it."""
    state = register_of(request).state()  # the vocabulary, rebuilt once after the write
    return Response(
        content=dump(term_public(state.vocabulary, vocab, term, public)),
        media_type="application/json",
        status_code=status,
        headers={"Cache-Control": "no-store", **headers},
    )


def _term_write_routes(
    path: str,
    vocab: str,
    public: type[BaseModel],
    create: type[BaseModel],
    update: type[BaseModel],
) -> None:
    base = f"/vocabularies/{path}"
    what = term_what(vocab)

    async def get_term(request: Request, slug: TermPath) -> Response:
        def make(_session: Session, state: State) -> bytes:
            term = term_writes.get_term(state.vocabulary, vocab, slug)
            return dump(term_public(state.vocabulary, vocab, term, public))

        return await answer(request, ("term", vocab, slug), make)

    def add_term(
        request: Request, body: Any, session: WriteSessionDep, who: TermWriter
    ) -> Response:
        term = term_writes.add_term(
            session=session, vocab=vocab, term=body, principal=who, today=date.today()
        )
        return _written(request, vocab, public, term, 201, Location=f"/v1{base}/{term.slug}")

    def change_term(
        request: Request, slug: TermPath, body: Any, session: WriteSessionDep, who: TermWriter
    ) -> Response:
        term = term_writes.update_term(
            session=session, vocab=vocab, slug=slug, changes=body, principal=who
        )
        return _written(request, vocab, public, term)

    def retire_term(
        request: Request,
        slug: TermPath,
        session: WriteSessionDep,
        who: TermWriter,
        body: Annotated[TermRetire | None, Body()] = None,
    ) -> Response:
        term = term_writes.retire_term(
            session=session,
            vocab=vocab,
            slug=slug,
            retirement=body or TermRetire(),
            principal=who,
            today=date.today(),
        )
        return _written(request, vocab, public, term)

    add_term.__annotations__["body"] = create
    change_term.__annotations__["body"] = update
    for fn, verb in (
        (get_term, "get"),
        (add_term, "add"),
        (change_term, "change"),
        (retire_term, "retire"),
    ):
        fn.__name__ = f"{verb}_{vocab}_term"
    common: dict[str, Any] = {"tags": ["vocabularies"], "response_model": public}
    router.add_api_route(
        f"{base}/{{slug}}",
        get_term,
        methods=["GET"],
        responses=READ,
        summary=f"One {what}, retired or not",
        **common,
    )
    router.add_api_route(
        base,
        add_term,
        methods=["POST"],
        status_code=201,
        responses=TERM_WRITE,
        summary=f"Add a {what}",
        description=WHO_WRITES + " `added` defaults to today. 409 if the slug is taken.",
        **common,
    )
    router.add_api_route(
        f"{base}/{{slug}}",
        change_term,
        methods=["PATCH"],
        responses=TERM_WRITE,
        summary=f"Change a {what} (rename: a new `name`; the slug stays)",
        description=WHO_WRITES + " Only the fields sent change.",
        **common,
    )
    router.add_api_route(
        f"{base}/{{slug}}/retire",
        retire_term,
        methods=["POST"],
        responses=TERM_WRITE,
        summary=f"Retire a {what} (never deleted)",
        description=WHO_WRITES + " From `retired` (default today) the term is no longer offered "
        "for new drafts; `replaced_by` names the term to use instead.",
        **common,
    )


_term_write_routes(
    "data-categories", "data_categories", DataCategoryPublic, DataCategoryCreate, DataCategoryUpdate
)
_term_write_routes(
    "data-subjects", "data_subjects", DataSubjectPublic, DataSubjectCreate, DataSubjectUpdate
)
_term_write_routes("parties", "parties", PartyPublic, PartyCreate, PartyUpdate)
_term_write_routes("statutes", "statutes", StatutePublic, StatuteCreate, StatuteUpdate)
