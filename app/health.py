"""Liveness and readiness."""

from __future__ import annotations

from fastapi import APIRouter, Request
from sqlalchemy.exc import SQLAlchemyError

from app.errors import ServiceUnavailable, problem_responses
from app.migrate import is_current
from app.register.schemas import Health

router = APIRouter(tags=["health"])


@router.get("/healthz", response_model_exclude_none=True)
def healthz() -> Health:
    """The process is up. Does not touch the database."""
    return Health(status="ok")


@router.get("/readyz", responses=problem_responses(503))
def readyz(request: Request) -> Health:
    """The database is reachable and its schema is at the latest migration."""
    try:
        current = is_current(request.app.state.engine)
    except SQLAlchemyError as exc:
        raise ServiceUnavailable(
            "The database cannot be reached.", headers={"Retry-After": "5"}
        ) from exc
    if not current:
        raise ServiceUnavailable(
            "The database schema is not at the latest migration: run 'ropa db upgrade'.",
            headers={"Retry-After": "30"},
        )
    return Health(status="ready", database="ok")
