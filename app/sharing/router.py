"""The sharing question for case-management systems: ``GET .../lawful-basis``.

An answer about one service is kept under the id of the version it comes from, the vocabulary's
revision, the date and the question: a published version never changes, so neither does the
answer. An answer about a controller's services is kept under the register's revisions.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request, Response
from pydantic import StringConstraints
from sqlmodel import Session

from app.deps import AtQuery, SlugPath
from app.errors import NotFound, problem_responses
from app.patterns import LINE_PATTERN, SLUG_PATTERN, TERM_PATTERN
from app.register import service as svc
from app.register import store
from app.register.api import answer, choose, current_state
from app.register.current import State
from app.register.models import Controller, NoticeVersion
from app.sharing.schemas import LawfulBasisAnswer
from app.sharing.service import Consulted, lookup

router = APIRouter(prefix="/v1", tags=["sharing"])

Recipient = Annotated[
    str,
    Query(
        min_length=1,
        max_length=160,
        pattern=TERM_PATTERN,
        description="The recipient party (slug). Activities that list it, or a party above it "
        "in the party hierarchy, match.",
        examples=["police"],
    ),
]
Categories = Annotated[
    list[Annotated[str, StringConstraints(min_length=1, max_length=160, pattern=TERM_PATTERN)]],
    Query(
        min_length=1,
        max_length=50,
        description="A data category (slug); repeat for several. Each is covered by an activity "
        "that lists it or a broader category.",
        examples=[["special.health"]],
    ),
]
Purpose = Annotated[
    str | None,
    Query(
        max_length=200,
        pattern=LINE_PATTERN,
        description="Only activities with a purpose containing this text (case-insensitive)",
    ),
]

DESCRIPTION = (
    "Whether disclosing these data categories to this recipient is documented in the published "
    "records in effect on `at`, and on what basis: for each matching activity its Art 6 basis, "
    "Art 9 / Art 10 / DPA 2018 Schedule 1 conditions, statutes, the conditions attached to the "
    "recipient as written, consent-dependence, retention and the notice version. `documented` "
    "is true only when every requested category is covered. The answer reports what the "
    "register documents; it is not a legal judgement that a disclosure is lawful. Unknown "
    "recipient or category: 422 naming it, with the closest known slugs."
)


def _require_terms(state: State, recipient: str, categories: list[str]) -> None:
    svc.require_terms(
        vocabulary=state.vocabulary,
        wanted=[("recipient", recipient, "parties")]
        + [("data_category", c, "data_categories") for c in categories],
    )


def _consulted(
    request: Request, session: Session, versions: list[NoticeVersion]
) -> list[Consulted]:
    documents: store.Documents = request.app.state.documents
    return [
        Consulted(v.service_id, v.version, v.effective_from, d)
        for v, d in zip(versions, documents.get(session=session, versions=versions), strict=True)
    ]


@router.get(
    "/services/{service_id}/lawful-basis",
    response_model=LawfulBasisAnswer,
    responses=problem_responses(304, 404, 422, 503),
    summary="Is this disclosure documented for this service, and on what basis?",
    description=DESCRIPTION,
)
async def service_lawful_basis(
    request: Request,
    service_id: SlugPath,
    recipient: Recipient,
    data_category: Categories,
    purpose: Purpose = None,
    at: AtQuery = None,
) -> Response:
    chosen = await choose(request, service_id, at, None)  # 404 before any 422
    state = await current_state(request)
    _require_terms(state, recipient, data_category)
    day = at or state.day
    current = state.current.get(service_id)
    documents: store.Documents = request.app.state.documents

    def consulted(session: Session) -> list[Consulted]:
        # Today's version with its document in memory: no database at all.
        document = documents.published(chosen.id)
        if document is not None and current is not None and current.id == chosen.id:
            return [Consulted(service_id, current.version, current.effective_from, document)]
        return _consulted(request, session, [session.get_one(NoticeVersion, chosen.id)])

    def make(session: Session, _state: State) -> bytes:
        return (
            lookup(
                consulted=consulted(session),
                vocabulary=state.vocabulary,
                at=day,
                recipient=recipient,
                data_categories=data_category,
                purpose=purpose or None,
                service_id=service_id,
            )
            .model_dump_json()
            .encode()
        )

    key = (
        "lawful-basis",
        chosen.id,
        state.revisions[0],
        day,
        recipient,
        tuple(data_category),
        purpose or None,
    )
    return await answer(request, key, make, by_state=False)


@router.get(
    "/lawful-basis",
    response_model=LawfulBasisAnswer,
    responses=problem_responses(304, 404, 422, 503),
    summary="Is this disclosure documented for any service of this controller?",
    description=DESCRIPTION
    + " Across every service of `controller`; `services` gives the answer per service.",
)
async def controller_lawful_basis(
    request: Request,
    controller: Annotated[
        str,
        Query(min_length=1, max_length=120, pattern=SLUG_PATTERN, description="The controller"),
    ],
    recipient: Recipient,
    data_category: Categories,
    purpose: Purpose = None,
    at: AtQuery = None,
) -> Response:
    state = await current_state(request)
    _require_terms(state, recipient, data_category)
    day = at or state.day

    def make(session: Session, _state: State) -> bytes:
        svc.require_ids(session=session, wanted=[("controller", controller, Controller)])
        versions = store.versions_in_effect(session=session, at=day, controller=controller)
        if not versions:
            raise NotFound(f"Controller '{controller}' had no published notice in effect on {day}")
        return (
            lookup(
                consulted=_consulted(request, session, versions),
                vocabulary=state.vocabulary,
                at=day,
                recipient=recipient,
                data_categories=data_category,
                purpose=purpose or None,
                controller=controller,
            )
            .model_dump_json()
            .encode()
        )

    key = ("lawful-basis-controller", controller, day, recipient, tuple(data_category), purpose)
    return await answer(request, key, make)
