"""Read API v1: controllers, services, notice documents, activities, vocabularies."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Depends, Path, Query, Request, Response
from sqlmodel import Session

from app.cache import FastPathRoute, conditional_response, fast_path, representation
from app.db import get_session
from app.errors import FieldError, InvalidQuery, problem_responses
from app.pagination import Page, PageParams, page_params
from app.register import service as svc
from app.register.document import SLUG_PATTERN, NoticeDocument
from app.register.models import (
    DataCategory,
    DataCategoryPublic,
    DataSubject,
    DataSubjectPublic,
    LawfulBasis,
    LawfulBasisPublic,
    NoticeVersion,
    Party,
    PartyPublic,
    Statute,
    StatutePublic,
)
from app.register.schemas import ActivityPublic, ControllerPublic, ServicePublic

router = APIRouter(prefix="/v1", route_class=FastPathRoute)

SessionDep = Annotated[Session, Depends(get_session)]
PageDep = Annotated[PageParams, Depends(page_params)]
SlugPath = Annotated[str, Path(max_length=120, pattern=SLUG_PATTERN)]
TextQuery = Annotated[
    str | None,
    Query(
        max_length=200,
        pattern=r"^[^\x00-\x1f]*$",
        description="Text in the id, name or description",
    ),
]
SlugQuery = Annotated[str | None, Query(max_length=120, pattern=SLUG_PATTERN)]
AtQuery = Annotated[
    date | None, Query(description="The date (YYYY-MM-DD) the answer is as of; default today")
]
VersionQuery = Annotated[int | None, Query(ge=1, le=1_000_000, description="A version number")]

READ = problem_responses(404, 422, 503)
NOTICE = problem_responses(304, 404, 422, 503)


def notice_representation(request: Request, session: Session, version: NoticeVersion) -> Response:
    """The notice document of a public version, from the bytes cache (versions are immutable)."""

    def make():
        document = svc.export_document(session=session, version=version)
        body = document.model_dump_json(exclude_none=True).encode()
        return representation(body, "application/json")

    # the status is part of the document (a published version later becomes superseded)
    rep = request.app.state.cache.get_or_make(("notice", version.id, version.status), make)
    return conditional_response(request, rep)


def one_selector(at: date | None, version: int | None) -> None:
    if at is not None and version is not None:
        raise InvalidQuery(
            "Give either 'at' or 'version', not both",
            errors=[FieldError(pointer="version", detail="cannot be combined with 'at'")],
        )


def controller_public(session: Session, rows: list) -> list[ControllerPublic]:
    services = svc.services_of_controllers(session=session, controller_ids=[r.id for r in rows])
    return [
        ControllerPublic(**svc.controller_doc(r).model_dump(), services=services.get(r.id, []))
        for r in rows
    ]


@router.get("/controllers", tags=["controllers"], responses=READ)
def list_controllers(session: SessionDep, page: PageDep) -> Page[ControllerPublic]:
    rows, total = svc.list_controllers(session=session, limit=page.limit, offset=page.offset)
    return Page(
        items=controller_public(session, list(rows)),
        total=total,
        limit=page.limit,
        offset=page.offset,
    )


@router.get("/controllers/{controller_id}", tags=["controllers"], responses=READ)
def get_controller(controller_id: SlugPath, session: SessionDep) -> ControllerPublic:
    row = svc.get_controller(session=session, controller_id=controller_id)
    return controller_public(session, [row])[0]


def service_public(session: Session, rows: list) -> list[ServicePublic]:
    ids = [r.id for r in rows]
    controllers = svc.controllers_of_services(session=session, service_ids=ids)
    current = svc.current_versions(session=session, service_ids=ids, at=date.today())
    out = []
    for r in rows:
        version = current.get(r.id)
        out.append(
            ServicePublic(
                id=r.id,
                name=r.name,
                description=r.description,
                sub_services=r.sub_services,
                controllers=controllers.get(r.id, []),
                current_version=version.version if version else None,
                effective_from=version.effective_from if version else None,
                notice_url=f"/v1/services/{r.id}/notice" if version else None,
            )
        )
    return out


@router.get("/services", tags=["services"], responses=READ)
def list_services(
    session: SessionDep,
    page: PageDep,
    controller: SlugQuery = None,
    q: TextQuery = None,
) -> Page[ServicePublic]:
    rows, total = svc.list_services(
        session=session, controller=controller, text=q, limit=page.limit, offset=page.offset
    )
    return Page(
        items=service_public(session, list(rows)),
        total=total,
        limit=page.limit,
        offset=page.offset,
    )


@router.get("/services/{service_id}", tags=["services"], responses=READ)
def get_service(service_id: SlugPath, session: SessionDep) -> ServicePublic:
    row = svc.get_service(session=session, service_id=service_id)
    return service_public(session, [row])[0]


def _current_notice(request: Request) -> Response | None:
    """Fast path: today's notice document, when its bytes are cached (no selector given)."""
    if request.scope["query_string"]:
        return None
    current = request.app.state.in_effect.get(request.path_params["service_id"])
    if current is None:
        return None
    rep = request.app.state.cache.get(("notice", current[0], current[2]))
    return None if rep is None else conditional_response(request, rep)


@router.get(
    "/services/{service_id}/notice",
    tags=["notices"],
    response_model=NoticeDocument,
    response_model_exclude_none=True,
    responses=NOTICE,
    summary="The published notice document",
    description="The notice in effect today, on `at`, or version `version`. Strong ETag; "
    "`If-None-Match` gives 304.",
)
@fast_path(_current_notice)
def get_notice(
    request: Request,
    service_id: SlugPath,
    session: SessionDep,
    at: AtQuery = None,
    version: VersionQuery = None,
) -> Response:
    one_selector(at, version)
    row = svc.resolve_version(session=session, service_id=service_id, at=at, version=version)
    return notice_representation(request, session, row)


@router.get(
    "/services/{service_id}/notice/versions/{version}",
    tags=["notices"],
    response_model=NoticeDocument,
    response_model_exclude_none=True,
    responses=NOTICE,
)
def get_version(
    request: Request,
    service_id: SlugPath,
    version: Annotated[int, Path(ge=1, le=1_000_000)],
    session: SessionDep,
) -> Response:
    row = svc.resolve_version(session=session, service_id=service_id, version=version)
    return notice_representation(request, session, row)


def _activity_public(session: Session, pairs: list) -> list[ActivityPublic]:
    documents = svc.load_activities(session=session, activity_rows=[a for a, _ in pairs])
    controllers = svc.controllers_of_services(
        session=session, service_ids=list({v.service_id for _, v in pairs})
    )
    return [
        ActivityPublic(
            **{**doc.model_dump(), "id": f"{version.service_id}.{doc.id}"},
            service_id=version.service_id,
            controllers=controllers.get(version.service_id, []),
            notice_version=version.version,
            effective_from=version.effective_from,
        )
        for doc, (_, version) in zip(documents, pairs, strict=True)
    ]


@router.get("/activities", tags=["activities"], response_model_exclude_none=True, responses=READ)
def list_activities(
    session: SessionDep,
    page: PageDep,
    controller: SlugQuery = None,
    service: SlugQuery = None,
    data_category: Annotated[
        str | None,
        Query(
            max_length=120,
            pattern=SLUG_PATTERN,
            description="A data category; its descendants match too",
        ),
    ] = None,
    recipient: Annotated[
        str | None,
        Query(
            max_length=120, pattern=SLUG_PATTERN, description="A party; its descendants match too"
        ),
    ] = None,
    source: Annotated[
        str | None,
        Query(
            max_length=120, pattern=SLUG_PATTERN, description="A party; its descendants match too"
        ),
    ] = None,
    lawful_basis: Annotated[
        str | None, Query(max_length=120, pattern=SLUG_PATTERN, examples=["art6-1-e"])
    ] = None,
    statute: Annotated[
        str | None, Query(max_length=120, pattern=SLUG_PATTERN, examples=["children-act-1989"])
    ] = None,
    at: AtQuery = None,
) -> Page[ActivityPublic]:
    pairs, total = svc.list_activities(
        session=session,
        at=at or date.today(),
        controller=controller,
        service=service,
        data_category=data_category,
        recipient=recipient,
        source=source,
        lawful_basis=lawful_basis,
        statute=statute,
        limit=page.limit,
        offset=page.offset,
    )
    return Page(
        items=_activity_public(session, pairs), total=total, limit=page.limit, offset=page.offset
    )


@router.get(
    "/activities/{activity_id}",
    tags=["activities"],
    response_model_exclude_none=True,
    responses=READ,
)
def get_activity(activity_id: SlugPath, session: SessionDep, at: AtQuery = None) -> ActivityPublic:
    pair = svc.get_activity(session=session, activity_id=activity_id, at=at or date.today())
    return _activity_public(session, [pair])[0]


@router.get("/data-categories", tags=["vocabularies"], responses=READ)
def list_data_categories(session: SessionDep, page: PageDep) -> Page[DataCategoryPublic]:
    rows, total = svc.list_terms(
        session=session, model=DataCategory, limit=page.limit, offset=page.offset
    )
    items = [DataCategoryPublic.model_validate(r, from_attributes=True) for r in rows]
    return Page(items=items, total=total, limit=page.limit, offset=page.offset)


@router.get("/data-subjects", tags=["vocabularies"], responses=READ)
def list_data_subjects(session: SessionDep, page: PageDep) -> Page[DataSubjectPublic]:
    rows, total = svc.list_terms(
        session=session, model=DataSubject, limit=page.limit, offset=page.offset
    )
    items = [DataSubjectPublic.model_validate(r, from_attributes=True) for r in rows]
    return Page(items=items, total=total, limit=page.limit, offset=page.offset)


@router.get("/parties", tags=["vocabularies"], responses=READ)
def list_parties(session: SessionDep, page: PageDep) -> Page[PartyPublic]:
    rows, total = svc.list_terms(session=session, model=Party, limit=page.limit, offset=page.offset)
    items = [PartyPublic.model_validate(r, from_attributes=True) for r in rows]
    return Page(items=items, total=total, limit=page.limit, offset=page.offset)


@router.get("/statutes", tags=["vocabularies"], responses=READ)
def list_statutes(session: SessionDep, page: PageDep) -> Page[StatutePublic]:
    rows, total = svc.list_terms(
        session=session, model=Statute, limit=page.limit, offset=page.offset
    )
    items = [StatutePublic.model_validate(r, from_attributes=True) for r in rows]
    return Page(items=items, total=total, limit=page.limit, offset=page.offset)


@router.get("/lawful-bases", tags=["vocabularies"], responses=READ)
def list_lawful_bases(session: SessionDep, page: PageDep) -> Page[LawfulBasisPublic]:
    rows, total = svc.list_terms(
        session=session, model=LawfulBasis, limit=page.limit, offset=page.offset
    )
    items = [LawfulBasisPublic.model_validate(r, from_attributes=True) for r in rows]
    return Page(items=items, total=total, limit=page.limit, offset=page.offset)
