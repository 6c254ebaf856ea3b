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
