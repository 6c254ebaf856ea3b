"""The product app with benchmark-only routes, for ``uvicorn bench.app:app`` (never the product).

- ``GET /bench/baseline``: a bare FastAPI endpoint returning a tiny JSON body, served by the
  same process, middleware and settings as the product's routes; every result is a ratio to it.
- ``GET /bench/baseline-sync``: the same as a ``def`` route (run in the threadpool, as the
  product's database-backed routes are), for reference.
- ``GET /bench/pool``: the connection pool's state and the process's open file descriptors,
  to check for connection leaks after a soak.

Environment knobs (all optional, for the runs that need them):

- ``ROPA_BENCH_NO_ANSWER_CACHE=1``: lawful-basis answers are never kept, so every lookup is
  computed from the database (the "uncached" lookup runs);
- ``ROPA_BENCH_GC_THRESHOLD=a,b,c``: ``gc.set_threshold(a, b, c)`` (an experiment, reported
  separately).
"""

from __future__ import annotations

import gc
import os
from typing import Any

from fastapi import Request

from app.cache import BytesCache
from app.main import create_app

app = create_app()


@app.get("/bench/baseline", include_in_schema=False)
async def baseline() -> dict[str, bool]:
    return {"ok": True}


@app.get("/bench/baseline-sync", include_in_schema=False)
def baseline_sync() -> dict[str, bool]:
    return {"ok": True}


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

if os.environ.get("ROPA_BENCH_GC_THRESHOLD"):
    a, b, c = (int(x) for x in os.environ["ROPA_BENCH_GC_THRESHOLD"].split(","))
    gc.set_threshold(a, b, c)
