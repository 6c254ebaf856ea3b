"""The baseline: a bare FastAPI app, one async route returning a tiny JSON body, no middleware
and no product code. Served exactly as the product is (``uvicorn bench.bare:app``, one worker
pinned to one core, no access log); every result in ``bench/RESULTS.md`` is a ratio to it."""

from fastapi import FastAPI

app = FastAPI()


@app.get("/")
async def root() -> dict[str, bool]:
    return {"ok": True}
