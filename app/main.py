"""The application: wires settings, the database engine, routers and error handlers."""

from __future__ import annotations

import gc
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI
from fastapi.middleware.cors import CORSMiddleware

from app import health
from app.audit import router as audit
from app.cache import BytesCache, InEffect
from app.config import Settings, get_settings
from app.db import make_engine
from app.editing import router as editing
from app.errors import add_problem_schemas, install_handlers
from app.exports import router as exports
from app.limits import BodyLimit
from app.notices import router as notices
from app.register import router as register
from app.sharing import router as sharing
from app.web import install as install_web

DESCRIPTION = """
A council's Record of Processing Activities (UK GDPR Art 30) held as normalised data, with the
privacy notices (Art 13/14) derived from it. Errors are RFC 9457 `application/problem+json`.
"""


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or get_settings()
    engine = make_engine(settings)

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        if settings.gc_threshold is not None:
            gc.set_threshold(*settings.gc_threshold)
        gc.collect()
        gc.freeze()  # what exists at start-up (modules, schemas) is never garbage: skip it
        yield
        engine.dispose()

    app = FastAPI(
        title="Council ROPA register",
        version="1.0.0",
        description=DESCRIPTION,
        lifespan=lifespan,
        docs_url=None,  # /docs and /redoc come from app.web, without a CDN
        redoc_url=None,
    )
    app.state.settings = settings
    app.state.engine = engine
    app.state.cache = BytesCache(settings.cache_entries)
    app.state.in_effect = InEffect(engine)
    #: Lawful-basis answers about today's published versions (app/sharing/router.py).
    app.state.answers = BytesCache(4 * settings.cache_entries)
    install_handlers(app)
    generate_openapi = app.openapi
    app.openapi = lambda: add_problem_schemas(generate_openapi())  # type: ignore[method-assign]
    app.include_router(health.router)
    app.include_router(register.router)
    app.include_router(notices.router)
    app.include_router(editing.router)
    app.include_router(audit.router)
    app.include_router(sharing.router)
    app.include_router(exports.router)
    install_web(app)  # /assets/… (GOV.UK Frontend, Swagger UI, ReDoc), /docs, /redoc
    app.add_middleware(BodyLimit, max_bytes=settings.max_body_bytes)
    # Council websites read from any origin; writes need a key, which CORS does not admit
    # (no Authorization header, no credentials, only GET).
    app.add_middleware(
        CORSMiddleware,
        allow_origins=["*"],
        allow_methods=["GET"],
        allow_headers=["Accept", "If-None-Match"],
        expose_headers=["ETag", "Content-Disposition"],
        max_age=86400,
    )
    return app
