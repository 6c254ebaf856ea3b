"""The database goes away and comes back: 503 problem+json with Retry-After, never a 500 or a
hang, /readyz not ready, and service resumes on its own.

The connection is broken for real: the app reaches PostgreSQL through a TCP proxy that the
test owns, which it stops (dropping every open connection and refusing new ones) and restarts.
Runs when ROPA_TEST_POSTGRES_URL names a server (always in CI).
"""

from __future__ import annotations

import contextlib
import select
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.engine import make_url

from app.config import Settings
from app.main import create_app
from conftest import POSTGRES_URL, Backend


class Proxy:
    """A TCP forwarder on 127.0.0.1 that can be cut and restored on the same port."""

    def __init__(self, target: tuple[str, int]) -> None:
        self.target = target
        probe = socket.socket()
        probe.bind(("127.0.0.1", 0))
        self.port = probe.getsockname()[1]
        probe.close()
        self._sockets: list[socket.socket] = []
        self._listener: socket.socket | None = None
        self._lock = threading.Lock()

    def start(self) -> None:
        listener = socket.socket()
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind(("127.0.0.1", self.port))
        listener.listen(64)
        self._listener = listener
        threading.Thread(target=self._accept, args=(listener,), daemon=True).start()

    def _accept(self, listener: socket.socket) -> None:
        while True:
            try:
                client, _ = listener.accept()
            except OSError:
                return
            upstream = socket.create_connection(self.target)
            with self._lock:
                self._sockets += [client, upstream]
            threading.Thread(target=self._pump, args=(client, upstream), daemon=True).start()

    def _pump(self, a: socket.socket, b: socket.socket) -> None:
        try:
            while True:
                ready, _, _ = select.select([a, b], [], [], 1.0)
                for sock in ready:
                    data = sock.recv(65536)
                    if not data:
                        return
                    (b if sock is a else a).sendall(data)
        except OSError:
            return

    def cut(self) -> None:
        if self._listener is not None:
            # shutdown wakes the thread blocked in accept(); close() alone would not on Linux
            with contextlib.suppress(OSError):
                self._listener.shutdown(socket.SHUT_RDWR)
            self._listener.close()
            self._listener = None
        with self._lock:
            for sock in self._sockets:
                with contextlib.suppress(OSError):
                    sock.shutdown(socket.SHUT_RDWR)
                sock.close()
            self._sockets.clear()


if POSTGRES_URL:

    @pytest.fixture
    def proxied(tmp_path: Path, seed: object) -> Iterator[tuple[TestClient, Proxy]]:
        backend = Backend("postgres", tmp_path, seed)  # type: ignore[arg-type]
        url = make_url(backend.database("seeded"))
        proxy = Proxy((url.host or "127.0.0.1", url.port or 5432))
        proxy.start()
        through = url.set(host="127.0.0.1", port=proxy.port).render_as_string(hide_password=False)
        app = create_app(Settings(database_url=through, db_connect_timeout=2))
        with TestClient(app) as client:
            yield client, proxy
        proxy.cut()
        backend.close()

    def test_database_outage_gives_503_and_recovers(proxied: tuple[TestClient, Proxy]) -> None:
        client, proxy = proxied
        paths = [
            "/v1/services",
            "/v1/activities?recipient=police",
            "/v1/services/camden-early-help/notice/checks",
        ]
        for path in paths:
            assert client.get(path).status_code == 200
        assert client.get("/readyz").status_code == 200

        proxy.cut()
        for path in [*paths, "/v1/services/camden-early-help/notice/versions"]:
            started = time.monotonic()
            response = client.get(path)
            elapsed = time.monotonic() - started
            assert response.status_code == 503, (path, response.status_code, response.text)
            assert response.headers["content-type"] == "application/problem+json"
            assert response.json()["type"] == "urn:ropa:problem:unavailable"
            assert int(response.headers["retry-after"]) > 0
            assert elapsed < 5, f"{path} took {elapsed:.1f}s"
        ready = client.get("/readyz")
        assert ready.status_code == 503
        assert client.get("/healthz").status_code == 200, "the process is still up"

        proxy.start()
        deadline = time.monotonic() + 10
        while client.get("/readyz").status_code != 200:
            assert time.monotonic() < deadline, "did not recover"
            time.sleep(0.2)
        for path in paths:
            assert client.get(path).status_code == 200, path


if POSTGRES_URL:

    def test_backends_terminated_under_load_give_only_2xx_or_503(
        tmp_path: Path, seed: object
    ) -> None:
        """Every backend of the app's database is terminated again and again while requests
        run: each response is a 2xx or a 503 problem (never a 500, never a reset), and the app
        answers normally once the terminations stop."""
        import psycopg

        backend = Backend("postgres", tmp_path, seed)  # type: ignore[arg-type]
        url = backend.database("seeded")
        libpq = make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)
        app = create_app(Settings(database_url=url, db_connect_timeout=2))
        paths = [
            "/v1/services",
            "/v1/activities?recipient=police",
            "/v1/services/camden-early-help/notice/versions",
            "/v1/services/camden-early-help/notice/checks?at=2025-01-01",
            "/v1/ropa?format=csv&controller=camden",
            "/readyz",
        ]
        statuses: list[int] = []
        done = threading.Event()
        terminated = 0

        def terminate() -> None:
            nonlocal terminated
            with psycopg.connect(libpq, autocommit=True) as conn:
                while not done.is_set():
                    row = conn.execute(
                        "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
                        "WHERE datname = current_database() AND pid <> pg_backend_pid()"
                    ).fetchone()
                    terminated += row[0] if row else 0
                    done.wait(0.15)

        try:
            with TestClient(app, raise_server_exceptions=True) as client:

                def load(n: int) -> None:
                    for i in range(40):
                        response = client.get(paths[(n + i) % len(paths)])
                        statuses.append(response.status_code)
                        if response.status_code >= 500:
                            assert response.status_code == 503, response.text
                            assert response.headers["content-type"] == "application/problem+json"
                            assert int(response.headers["retry-after"]) > 0

                killer = threading.Thread(target=terminate)
                killer.start()
                clients = [threading.Thread(target=load, args=(n,)) for n in range(4)]
                for t in clients:
                    t.start()
                for t in clients:
                    t.join()
                done.set()
                killer.join()
                assert len(statuses) == 160, "a request failed without a response"
                assert set(statuses) <= {200, 503}, sorted(set(statuses))
                assert terminated > 0
                deadline = time.monotonic() + 10
                while client.get("/readyz").status_code != 200:
                    assert time.monotonic() < deadline, "did not recover"
                    time.sleep(0.1)
                for path in paths:
                    assert client.get(path).status_code == 200, path
        finally:
            done.set()
            backend.close()


def _controller(slug: str, gss: str) -> dict[str, object]:
    return {
        "id": slug,
        "name": f"Test council {slug}",
        "gss_code": gss,
        "address": "1 Test Street",
        "website": "www.example.gov.uk",
        "dpo": {"email": "dpo@example.gov.uk"},
    }


@pytest.mark.parametrize("backend", ["sqlite"], indirect=True)  # SQLite's own lock
def test_sqlite_lock_held_too_long_is_503_then_writes_resume(
    fresh_db: str, keys: dict[str, dict[str, str]]
) -> None:
    """A write that cannot get SQLite's lock within the busy timeout is a 503 problem with
    Retry-After (nothing written); once the lock is free, the same write succeeds."""
    import sqlite3

    assert fresh_db.startswith("sqlite")
    app = create_app(Settings(database_url=fresh_db, sqlite_busy_timeout=0.2))
    holder = sqlite3.connect(make_url(fresh_db).database or "", isolation_level=None)
    with TestClient(app) as client:
        holder.execute("BEGIN IMMEDIATE")
        body = _controller("locked-out", "W09000001")
        response = client.post("/v1/controllers", json=body, headers=keys["admin"])
        assert response.status_code == 503, response.text
        assert response.headers["content-type"] == "application/problem+json"
        assert response.json()["type"] == "urn:ropa:problem:unavailable"
        assert int(response.headers["retry-after"]) > 0
        assert client.get("/v1/services").status_code == 200, "reads are not blocked"
        holder.execute("ROLLBACK")
        assert client.get("/v1/controllers/locked-out").status_code == 404
        response = client.post("/v1/controllers", json=body, headers=keys["admin"])
        assert response.status_code == 201, response.text
    holder.close()


@pytest.mark.parametrize("backend", ["sqlite"], indirect=True)  # SQLite's own lock
def test_sqlite_write_storm_from_several_processes_is_never_a_500(
    fresh_db: str, keys: dict[str, dict[str, str]]
) -> None:
    """Three apps (as three workers would: engines and connections of their own) on one SQLite
    file, four writers each: every write is acknowledged (201) or refused as busy (503),
    and every acknowledged write is there afterwards, and nothing else."""
    assert fresh_db.startswith("sqlite")
    apps = [create_app(Settings(database_url=fresh_db, sqlite_busy_timeout=2)) for _ in range(3)]
    statuses: list[int] = []
    acknowledged: list[str] = []
    lock = threading.Lock()
    with contextlib.ExitStack() as stack:
        clients = [stack.enter_context(TestClient(app)) for app in apps]
        # The apps share the module-level routers, whose state FastAPI builds at their first
        # request: build it once here, not from three event loops at once (one process
        # serves one app from one loop).
        for client in clients:
            assert client.post("/v1/controllers", json={}, headers=keys["admin"]).status_code == 422

        def write(worker: int, n: int) -> None:
            for i in range(8):
                slug = f"storm-{worker}-{n}-{i}"
                body = _controller(slug, f"W{worker}{n}{i:06d}")
                response = clients[worker].post("/v1/controllers", json=body, headers=keys["admin"])
                with lock:
                    statuses.append(response.status_code)
                    if response.status_code == 201:
                        acknowledged.append(slug)
                    else:
                        assert response.status_code == 503, response.text
                        assert "retry-after" in response.headers

        threads = [threading.Thread(target=write, args=(w, n)) for w in range(3) for n in range(4)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert len(statuses) == 96
        assert set(statuses) <= {201, 503}
        listed = clients[0].get("/v1/controllers", params={"limit": 500}).json()["items"]
        present = sorted(c["id"] for c in listed if c["id"].startswith("storm-"))
        assert present == sorted(acknowledged)
