"""One error hierarchy, rendered as RFC 9457 ``application/problem+json``.

Each problem has a stable ``type`` (a URN that clients may switch on), a ``title`` that does not
vary per occurrence, and a ``detail`` for this occurrence. Validation problems list every failing
field in ``errors``. Unexpected exceptions are not caught here: they are bugs and stay 500s.
"""

from __future__ import annotations

import sqlite3
from typing import Any

import psycopg
from fastapi import FastAPI, Request
from fastapi.encoders import jsonable_encoder
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field
from sqlalchemy.exc import DBAPIError, SQLAlchemyError
from sqlalchemy.exc import TimeoutError as PoolTimeout
from starlette.exceptions import HTTPException as StarletteHTTPException

PROBLEM_JSON = "application/problem+json"
TYPE_PREFIX = "urn:ropa:problem:"


class FieldError(BaseModel):
    pointer: str = Field(description="JSON pointer to the field, or the query parameter name")
    detail: str


class Problem(BaseModel):
    """RFC 9457 problem details."""

    type: str = Field(examples=[f"{TYPE_PREFIX}not-found"])
    title: str
    status: int
    detail: str | None = None
    instance: str | None = None
    errors: list[FieldError] | None = None
    suggestions: list[str] | None = None


class AppError(Exception):
    status = 500
    slug = "internal"
    title = "Internal error"

    def __init__(
        self,
        detail: str | None = None,
        *,
        errors: list[FieldError] | None = None,
        suggestions: list[str] | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(detail or self.title)
        self.detail = detail
        self.errors = errors
        self.suggestions = suggestions
        self.headers = headers or {}

    def problem(self, instance: str | None = None) -> Problem:
        return Problem(
            type=TYPE_PREFIX + self.slug,
            title=self.title,
            status=self.status,
            detail=self.detail,
            instance=instance,
            errors=self.errors,
            suggestions=self.suggestions,
        )


class NotFound(AppError):
    status = 404
    slug = "not-found"
    title = "Not found"


class InvalidQuery(AppError):
    status = 422
    slug = "validation-error"
    title = "The request is not valid"


class InvalidDocument(AppError):
    status = 422
    slug = "invalid-document"
    title = "The notice document is not valid"


class NotAcceptable(AppError):
    status = 406
    slug = "not-acceptable"
    title = "No acceptable representation"


class Conflict(AppError):
    status = 409
    slug = "conflict"
    title = "Conflict with the current state"


class BadRequest(AppError):
    status = 400
    slug = "bad-request"
    title = "The request body could not be read"


class Unauthorized(AppError):
    """401 with the RFC 6750 challenge: ``error="invalid_token"`` when a key was sent and is
    not accepted (unknown, malformed, expired, revoked), none when no key was sent."""

    status = 401
    slug = "unauthorized"
    title = "A valid API key is required"

    def __init__(self, detail: str | None = None, *, invalid_token: bool = False) -> None:
        challenge = 'Bearer error="invalid_token"' if invalid_token else "Bearer"
        super().__init__(detail, headers={"WWW-Authenticate": challenge})


class Forbidden(AppError):
    status = 403
    slug = "forbidden"
    title = "The API key does not allow this"


class TooManyRequests(AppError):
    status = 429
    slug = "too-many-requests"
    title = "Too many failed authentications from this address"

    def __init__(self, detail: str | None = None, *, retry_after: int = 60) -> None:
        super().__init__(detail, headers={"Retry-After": str(max(1, retry_after))})


class PreconditionFailed(AppError):
    status = 412
    slug = "precondition-failed"
    title = "The resource has changed since you read it"


class PreconditionRequired(AppError):
    status = 428
    slug = "precondition-required"
    title = "Send If-Match with the ETag you read"


class PayloadTooLarge(AppError):
    status = 413
    slug = "payload-too-large"
    title = "The request body is too large"


class ServiceUnavailable(AppError):
    status = 503
    slug = "unavailable"
    title = "The database is unavailable"


def unknown_values(*unknown: tuple[str, str, str, list[str]]) -> InvalidQuery:
    """The one "unknown value" error: 422 naming each (parameter or pointer, value, what it
    should be), with the closest known values as suggestions."""
    return InvalidQuery(
        "Unknown " + ", ".join(f"{parameter} '{value}'" for parameter, value, _, _ in unknown),
        errors=[
            FieldError(pointer=parameter, detail=f"'{value}' is not a known {what}")
            for parameter, value, what, _ in unknown
        ],
        suggestions=list(dict.fromkeys(s for *_, found in unknown for s in found)),
    )


def problem_response(problem: Problem, headers: dict[str, str] | None = None) -> JSONResponse:
    return JSONResponse(
        jsonable_encoder(problem, exclude_none=True),
        status_code=problem.status,
        media_type=PROBLEM_JSON,
        headers=headers,
    )


_RESPONSES: dict[int, tuple[str, type[AppError] | None]] = {}


def _responses() -> dict[int, tuple[str, type[AppError] | None]]:
    """Each declarable status: its description and the error class behind it (for examples)."""
    if not _RESPONSES:
        _RESPONSES.update(
            {
                304: ("Not modified (the `If-None-Match` ETag matches)", None),
                400: ("The body is not JSON at all", BadRequest),
                401: (
                    "No API key where one is needed, or a key that is not accepted (unknown, "
                    'expired or revoked: `WWW-Authenticate: Bearer error="invalid_token"`), '
                    "on any route",
                    Unauthorized,
                ),
                403: (
                    "The API key's scope or controllers (councils) do not allow this",
                    Forbidden,
                ),
                404: ("Not found", NotFound),
                406: ("No acceptable representation", NotAcceptable),
                409: (
                    "Conflict with the current state (e.g. a published version is immutable)",
                    Conflict,
                ),
                412: (
                    "The `If-Match` ETag is stale: the resource changed; nothing was changed",
                    PreconditionFailed,
                ),
                413: ("The request body is too large", PayloadTooLarge),
                422: ("Invalid request: each failing parameter or field is listed", InvalidQuery),
                428: ("`If-Match` is required", PreconditionRequired),
                429: (
                    "Too many failed authentications from this address; retry after the "
                    "`Retry-After` seconds",
                    TooManyRequests,
                ),
                503: (
                    "The database is unavailable; retry after the `Retry-After` seconds",
                    ServiceUnavailable,
                ),
            }
        )
    return _RESPONSES


def problem_responses(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """The ``responses=`` entry for a route: each status as problem+json, with an example."""
    out: dict[int | str, dict[str, Any]] = {}
    for status in statuses:
        description, error = _responses()[status]
        if error is None:
            out[status] = {"description": description}
            continue
        example = error(description).problem("/v1/…").model_dump(exclude_none=True)
        if status == 422:
            example["errors"] = [
                {"pointer": "limit", "detail": "Input should be greater than or equal to 1"}
            ]
        out[status] = {
            "description": description,
            "content": {
                PROBLEM_JSON: {
                    "schema": {"$ref": "#/components/schemas/Problem"},
                    "example": example,
                }
            },
        }
        if status in (429, 503):
            out[status]["headers"] = {
                "Retry-After": {"description": "Seconds to wait", "schema": {"type": "integer"}}
            }
        if status == 401:
            out[status]["headers"] = {
                "WWW-Authenticate": {
                    "description": 'RFC 6750: `Bearer`, or `Bearer error="invalid_token"`',
                    "schema": {"type": "string"},
                }
            }
    return out


def add_problem_schemas(schema: dict[str, Any]) -> dict[str, Any]:
    """Put ``Problem`` and ``FieldError`` in the OpenAPI components the responses refer to."""
    components = schema.setdefault("components", {}).setdefault("schemas", {})
    generated = Problem.model_json_schema(ref_template="#/components/schemas/{model}")
    components.update(generated.pop("$defs", {}))
    components["Problem"] = generated
    return schema


def _location(loc: tuple[Any, ...]) -> str:
    if loc and loc[0] in ("query", "path", "header"):
        return ".".join(str(p) for p in loc[1:]) or str(loc[0])
    parts = loc[1:] if loc and loc[0] == "body" else loc
    return "/" + "/".join(str(p) for p in parts)


def install_handlers(app: FastAPI) -> None:
    @app.exception_handler(AppError)
    async def _app_error(request: Request, exc: AppError) -> JSONResponse:
        return problem_response(exc.problem(request.url.path), exc.headers)

    @app.exception_handler(RequestValidationError)
    async def _validation(request: Request, exc: RequestValidationError) -> JSONResponse:
        if any(
            e["type"] == "missing" and tuple(e["loc"]) == ("header", "if-match")
            for e in exc.errors()
        ):
            required = PreconditionRequired("Send If-Match with the ETag you read")
            return problem_response(required.problem(request.url.path))
        errors = [
            FieldError(pointer=_location(tuple(e["loc"])), detail=e["msg"]) for e in exc.errors()
        ]
        names = ", ".join(sorted({e.pointer for e in errors}))
        error = InvalidQuery(f"Invalid value for: {names}", errors=errors)
        return problem_response(error.problem(request.url.path))

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        slug = {400: "bad-request", 404: "not-found", 405: "method-not-allowed"}.get(
            exc.status_code, "http-error"
        )
        problem = Problem(
            type=TYPE_PREFIX + slug,
            title=str(exc.detail) if exc.status_code != 404 else "Not found",
            status=exc.status_code,
            detail=str(exc.detail),
            instance=request.url.path,
        )
        return problem_response(problem, dict(exc.headers or {}))

    @app.exception_handler(SQLAlchemyError)
    async def _db_down(request: Request, exc: SQLAlchemyError) -> JSONResponse:
        # The database unreachable, a connection lost, a pool or lock timeout: a 503 to retry,
        # not a bug. Anything else stays a 500.
        if not database_unavailable(exc):
            raise exc
        error = ServiceUnavailable(
            "The database is unavailable or busy; try again shortly.",
            headers={"Retry-After": str(RETRY_AFTER)},
        )
        return problem_response(error.problem(request.url.path), error.headers)


#: Seconds a client is asked to wait after a 503.
RETRY_AFTER = 2

#: SQLite's messages for a transient condition (busy, locked, the file not openable now).
_SQLITE_TRANSIENT = ("database is locked", "database is busy", "unable to open", "disk i/o")


def database_unavailable(exc: BaseException) -> bool:
    """Whether ``exc`` is the database being unavailable or busy (retry later), as opposed to
    a bug: a connection lost or refused, a transaction invalidated with it, the pool's
    checkout timeout, a lock or statement timeout, a server shutting down, SQLite busy."""
    if isinstance(exc, PoolTimeout):
        return True
    if not isinstance(exc, DBAPIError):
        return False
    if exc.connection_invalidated:
        return True
    orig = exc.orig
    # psycopg's OperationalError covers exactly the transient classes: 08 connection
    # exception, 40 transaction rollback, 53 insufficient resources, 55 lock not available,
    # 57 operator intervention (admin shutdown, query cancelled), 58 system error.
    if isinstance(orig, psycopg.OperationalError):
        return True
    if isinstance(orig, sqlite3.OperationalError):
        text = str(orig).lower()
        return any(marker in text for marker in _SQLITE_TRANSIENT)
    return False
