"""Two clients editing one draft at once, over real HTTP against a running server."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
import uvicorn

from app.config import Settings
from app.main import create_app

SERVICE = "camden-family-support"
DRAFT = f"/v1/services/{SERVICE}/notice/drafts/2"


@pytest.fixture
def server(fresh_db: str) -> Iterator[str]:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    config = uvicorn.Config(
        create_app(Settings(database_url=fresh_db)),
        host="127.0.0.1",
        port=port,
        log_level="warning",
    )
    instance = uvicorn.Server(config)
    thread = threading.Thread(target=instance.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not instance.started:
        assert time.monotonic() < deadline, "server did not start"
        time.sleep(0.02)
    yield f"http://127.0.0.1:{port}"
    instance.should_exit = True
    thread.join(timeout=10)


def _put_title(
    server: str,
    headers: dict[str, str],
    document: dict[str, Any],
    etag: str,
    title: str,
    barrier: threading.Barrier,
    results: dict[str, httpx.Response],
) -> None:
    body = {**document, "notice": {**document["notice"], "title": title}}
    with httpx.Client(base_url=server, timeout=10) as own:
        barrier.wait()
        results[title] = own.put(DRAFT, json=body, headers={**headers, "If-Match": etag})


def test_one_concurrent_writer_wins_and_nothing_is_lost(
    server: str, keys: dict[str, dict[str, str]]
) -> None:
    with httpx.Client(base_url=server, timeout=10) as client:
        created = client.post(f"/v1/services/{SERVICE}/notice/drafts", headers=keys["editor"])
        assert created.status_code == 201
        for round_number in range(5):
            current = client.get(DRAFT, headers=keys["editor"])
            etag, document = current.headers["etag"], current.json()
            barrier = threading.Barrier(2)
            results: dict[str, httpx.Response] = {}

            titles = [f"Round {round_number} by A", f"Round {round_number} by B"]
            threads = [
                threading.Thread(
                    target=_put_title,
                    args=(server, keys["editor"], document, etag, title, barrier, results),
                )
                for title in titles
            ]
            for t in threads:
                t.start()
            for t in threads:
                t.join()
            statuses = sorted(r.status_code for r in results.values())
            assert statuses == [200, 412], {t: r.text for t, r in results.items()}
            winner = next(t for t, r in results.items() if r.status_code == 200)
            final = client.get(DRAFT, headers=keys["editor"])
            assert final.json()["notice"]["title"] == winner
            assert final.headers["etag"] == results[winner].headers["etag"]
        events = client.get(
            "/v1/audit-events", params={"action": "draft.replace"}, headers=keys["auditor"]
        ).json()
        assert events["total"] == 5, "exactly the winning writes were recorded"


def _post_draft(
    server: str, headers: dict[str, str], barrier: threading.Barrier, out: list[int]
) -> None:
    with httpx.Client(base_url=server, timeout=10) as own:
        barrier.wait()
        out.append(own.post(f"/v1/services/{SERVICE}/notice/drafts", headers=headers).status_code)


def test_concurrent_draft_creation_makes_one_draft(
    server: str, keys: dict[str, dict[str, str]]
) -> None:
    barrier = threading.Barrier(4)
    statuses: list[int] = []
    threads = [
        threading.Thread(target=_post_draft, args=(server, keys["editor"], barrier, statuses))
        for _ in range(4)
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(statuses) == [201, 409, 409, 409]
