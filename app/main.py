"""The application: wires settings, the database, the register's state, routers and handlers."""

from __future__ import annotations

from collections import Counter
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import Depends, FastAPI
from fastapi.middleware.cors import CORSMiddleware

from app import audit_router as audit
from app import health
from app.auth.deps import identify, optional_security
from app.auth.limiter import FailureLimiter
from app.cache import LRU
from app.config import Settings, get_settings
from app.db import ChangeSignal, make_engine
from app.editing import router as editing
from app.errors import add_problem_schemas, install_handlers, problem_responses
from app.exports import router as exports
from app.http import Compression, Methods
from app.limits import BodyLimit
from app.notices import router as notices
from app.register import router as register
from app.register.current import Register
from app.register.store import Documents
from app.sharing import router as sharing
from app.web import install as install_web

DESCRIPTION = """
A council's Record of Processing Activities (UK GDPR Art 30) held as normalised data, with the
privacy notices (Art 13/14) derived from it. Errors are RFC 9457 `application/problem+json`.
"""


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or get_settings()
    engine = make_engine(settings)
    signal = ChangeSignal(engine)

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        yield
        signal.close()
        engine.dispose()

    app = FastAPI(
        title="Council ROPA register",
        version="1.0.0",
        description=DESCRIPTION,
        lifespan=lifespan,
        docs_url=None,  # /docs and /redoc come from app.web, without a CDN
        redoc_url=None,
        # every operation checks a key when one is sent (401 if it is not accepted, 429 after
        # too many failures from one address), public ones included
        dependencies=[Depends(identify)],
        responses=problem_responses(401, 429),
    )
    app.state.settings = settings
    app.state.engine = engine
    app.state.register = Register(engine, signal)
    app.state.documents = Documents(settings.cache_entries)
    app.state.responses = LRU(settings.cache_entries)
    app.state.version_numbers = LRU(settings.cache_entries)
    app.state.auth_failures = FailureLimiter(
        limit=settings.auth_failure_limit, window=settings.auth_failure_window
    )
    #: Refusals that are not written to the database (anonymous, unknown keys), by kind.
    app.state.auth_refusals = Counter()
    install_handlers(app)
    generate_openapi = app.openapi
    app.openapi = lambda: optional_security(add_problem_schemas(generate_openapi()))  # type: ignore[method-assign]
    for module in (health, register, notices, editing, audit, sharing, exports):
        app.include_router(module.router)
    install_web(app)  # /assets/… (GOV.UK Frontend, Swagger UI, ReDoc), /docs, /redoc
    app.add_middleware(
        BodyLimit, max_bytes=settings.max_body_bytes, max_depth=settings.max_json_depth
    )
    app.add_middleware(Compression)  # gzip over 1 KiB, with its own ETag
    app.add_middleware(Methods)  # HEAD on every GET route, OPTIONS, a complete Allow on 405
    # Council websites read from any origin; writes need a key, which CORS does not admit
    # (no Authorization header, no credentials, only GET).
    app.add_middleware(
        CORSMiddleware,
        allow_origins=["*"],
        allow_methods=["GET", "HEAD"],
        allow_headers=["Accept", "If-None-Match"],
        expose_headers=["ETag", "Content-Disposition"],
        max_age=86400,
    )
    return app
