"""The FastAPI dependencies and parameters the routers share, defined once."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import Depends, Path, Query
from sqlmodel import Session

from app.db import get_session, get_write_session
from app.errors import FieldError, InvalidQuery
from app.patterns import LINE_PATTERN, SLUG_PATTERN, TERM_PATTERN, IsoDate

SessionDep = Annotated[Session, Depends(get_session)]
WriteSessionDep = Annotated[Session, Depends(get_write_session)]

SlugPath = Annotated[str, Path(max_length=120, pattern=SLUG_PATTERN)]
TermPath = Annotated[str, Path(max_length=160, pattern=TERM_PATTERN)]
SlugQuery = Annotated[str | None, Query(max_length=120, pattern=SLUG_PATTERN)]
TermQuery = Annotated[str | None, Query(max_length=160, pattern=TERM_PATTERN)]
TextQuery = Annotated[
    str | None,
    Query(
        max_length=200,
        pattern=LINE_PATTERN,
        description="Text in the id, name or description",
    ),
]
AtQuery = Annotated[
    IsoDate | None,
    Query(
        description="The date (YYYY-MM-DD) the answer is as of; default today. Not with `version`.",
    ),
]
RecordedAtQuery = Annotated[
    IsoDate | None,
    Query(
        description="What the register said on this date (YYYY-MM-DD, UTC): only the versions "
        "published by the end of that day count, with the dates in effect they had then. With "
        "`at`: what the register said on this date about `at` (the auditor's question). Not "
        "with `version`.",
    ),
]
VersionQuery = Annotated[
    int | None, Query(ge=1, le=1_000_000, description="A version number. Not with `at`.")
]
VersionPath = Annotated[int, Path(ge=1, le=1_000_000)]


def one_selector(at: date | None, version: int | None, recorded_at: date | None = None) -> None:
    """``at`` and ``version`` both select a version: give at most one. ``recorded_at`` goes
    with a date, not with a version number."""
    if at is not None and version is not None:
        raise InvalidQuery(
            "Give either 'at' or 'version', not both",
            errors=[FieldError(pointer="version", detail="cannot be combined with 'at'")],
        )
    if recorded_at is not None and version is not None:
        raise InvalidQuery(
            "Give either 'recorded_at' or 'version', not both",
            errors=[FieldError(pointer="version", detail="cannot be combined with 'recorded_at'")],
        )
