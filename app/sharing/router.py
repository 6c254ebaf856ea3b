"""The sharing question for case-management systems: ``GET .../lawful-basis``."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Path, Query, Request, Response
from pydantic import StringConstraints

from app.cache import FastPathRoute, Representation, fast_path
from app.db import connect
from app.errors import problem_responses
from app.register.document import SLUG_PATTERN
from app.sharing.schemas import LawfulBasisAnswer
from app.sharing.service import check_terms, lawful_basis_lookup, require_service, vocab_epoch

router = APIRouter(prefix="/v1", tags=["sharing"], route_class=FastPathRoute)

#: Answers about today's published versions are kept (``app.state.answers``), keyed by the
#: service's version number, the day, the vocabulary and the question exactly as asked: the
#: version's records never change, so neither does the answer.
_ANSWER_PARAMS = frozenset(("recipient", "data_category", "purpose"))

SlugPath = Annotated[str, Path(max_length=120, pattern=SLUG_PATTERN)]
Recipient = Annotated[
    str,
    Query(
        min_length=1,
        max_length=120,
        description="The recipient party (slug). Activities that list it, or a party above it "
        "in the party hierarchy, match.",
        examples=["police"],
    ),
]
Categories = Annotated[
    list[Annotated[str, StringConstraints(min_length=1, max_length=120)]],
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
        description="Only activities with a purpose containing this text (case-insensitive)",
    ),
]
AtQuery = Annotated[
    date | None, Query(description="The date (YYYY-MM-DD) the answer is as of; default today")
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


def _answer_key(
    service_id: str,
    version: int,
    day: date,
    epoch: int,
    recipient: str,
    categories: list[str],
    purpose: str | None,
) -> tuple[object, ...]:
    return ("lawful-basis", service_id, version, day, epoch, recipient, tuple(categories), purpose)


def _cached_answer(request: Request) -> Response | None:
    """Fast path: the answer about today's version, when the same question was answered."""
    params = request.query_params
    if any(key not in _ANSWER_PARAMS for key in params):
        return None
    recipients, purposes = params.getlist("recipient"), params.getlist("purpose")
    epoch = vocab_epoch(request.app.state)
    if len(recipients) != 1 or len(purposes) > 1 or epoch is None:
        return None
    service_id = request.path_params["service_id"]
    current = request.app.state.in_effect.get(service_id)
    if current is None:
        return None
    key = _answer_key(
        service_id,
        current[1],
        date.today(),
        epoch,
        recipients[0],
        params.getlist("data_category"),
        purposes[0] if purposes else None,
    )
    rep = request.app.state.answers.get(key)
    return None if rep is None else Response(rep.body, media_type=rep.media_type)


@router.get(
    "/services/{service_id}/lawful-basis",
    response_model=LawfulBasisAnswer,
    responses=problem_responses(404, 422, 503),
    summary="Is this disclosure documented for this service, and on what basis?",
    description=DESCRIPTION,
)
@fast_path(_cached_answer)
def service_lawful_basis(
    request: Request,
    service_id: SlugPath,
    recipient: Recipient,
    data_category: Categories,
    purpose: Purpose = None,
    at: AtQuery = None,
) -> Response:
    # The version in effect today, from the fast paths' map when it was checked against the
    # database within the last second: no query for it, and none to know the service exists.
    current = request.app.state.in_effect.confirmed(service_id) if at is None else None
    with connect(request) as conn:
        if current is None:
            require_service(conn, service_id)  # 404 for an unknown service before any 422
        vocab = check_terms(
            state=request.app.state, conn=conn, recipient=recipient, categories=data_category
        )
        answer = lawful_basis_lookup(
            conn=conn,
            vocab=vocab,
            at=at or date.today(),
            recipient=recipient,
            data_categories=data_category,
            purpose=purpose or None,
            service_id=service_id,
            current=current,
        )
    rep = Representation(answer.model_dump_json().encode(), "application/json", "")
    epoch = vocab_epoch(request.app.state, vocab)
    if at is None and epoch is not None and len(answer.services) == 1:
        key = _answer_key(
            service_id,
            answer.services[0].notice_version,
            answer.at,
            epoch,
            recipient,
            data_category,
            purpose,
        )
        request.app.state.answers.put(key, rep)
    return Response(rep.body, media_type=rep.media_type)


@router.get(
    "/lawful-basis",
    responses=problem_responses(404, 422, 503),
    summary="Is this disclosure documented for any service of this controller?",
    description=DESCRIPTION
    + " Across every service of `controller`; `services` gives the answer per service.",
)
def controller_lawful_basis(
    request: Request,
    controller: Annotated[
        str, Query(min_length=1, max_length=120, description="The controller (slug)")
    ],
    recipient: Recipient,
    data_category: Categories,
    purpose: Purpose = None,
    at: AtQuery = None,
) -> LawfulBasisAnswer:
    with connect(request) as conn:
        vocab = check_terms(
            state=request.app.state,
            conn=conn,
            recipient=recipient,
            categories=data_category,
            controller=controller,
        )
        return lawful_basis_lookup(
            conn=conn,
            vocab=vocab,
            at=at or date.today(),
            recipient=recipient,
            data_categories=data_category,
            purpose=purpose or None,
            controller=controller,
        )
