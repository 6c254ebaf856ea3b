"""The product app with benchmark-only routes, for ``uvicorn bench.app:app`` (never the product).

- ``GET /bench/baseline``: a bare FastAPI endpoint returning a tiny JSON body, served by the
  same process, middleware and settings as the product's routes; every result is a ratio to it.
- ``GET /bench/baseline-sync``: the same as a ``def`` route (run in the threadpool, as the
  product's database-backed routes are), for reference.
- ``GET /bench/db-connect`` and ``GET /bench/db-session``: ``def`` routes that run
  ``SELECT 1`` on a connection of their own (as the lookup does) or through the SQLModel
  session dependency (as most read routes do): the floor of any answer computed from the
  database, for reference.
- ``GET /bench/pool``: the connection pool's state and the process's open file descriptors,
  to check for connection leaks after a soak.

Environment knobs (all optional, for the runs that need them):

- ``ROPA_BENCH_NO_ANSWER_CACHE=1``: lawful-basis answers are never kept, so every lookup is
  computed from the database (the "uncached" lookup runs);
"""

from __future__ import annotations

import os
from typing import Annotated, Any

from fastapi import Depends, Request
from sqlalchemy import text
from sqlmodel import Session

from app.cache import BytesCache
from app.db import connect, get_session
from app.main import create_app

app = create_app()


@app.get("/bench/baseline", include_in_schema=False)
async def baseline() -> dict[str, bool]:
    return {"ok": True}


@app.get("/bench/baseline-sync", include_in_schema=False)
def baseline_sync() -> dict[str, bool]:
    return {"ok": True}


@app.get("/bench/db-connect", include_in_schema=False)
def db_connect(request: Request) -> dict[str, int]:
    with connect(request) as conn:
        return {"one": conn.execute(text("SELECT 1")).scalar_one()}


@app.get("/bench/db-session", include_in_schema=False)
def db_session(session: Annotated[Session, Depends(get_session)]) -> dict[str, int]:
    return {"one": session.connection().execute(text("SELECT 1")).scalar_one()}


@app.get("/bench/pool", include_in_schema=False)
async def pool(request: Request) -> dict[str, Any]:
    engine = request.app.state.engine
    return {
        "pid": os.getpid(),
        "pool": type(engine.pool).__name__,
        "status": engine.pool.status(),
        "checked_out": engine.pool.checkedout() if hasattr(engine.pool, "checkedout") else None,
        "pre_ping": bool(getattr(engine.pool, "_pre_ping", False)),
        "open_fds": len(os.listdir("/proc/self/fd")),
    }


if os.environ.get("ROPA_BENCH_NO_ANSWER_CACHE"):
    app.state.answers = BytesCache(0)
