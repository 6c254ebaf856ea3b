"""The HTTP server's limits (app/server.py) on a real uvicorn server: a client that does not
send its headers or its body in time is answered 408 and disconnected; others are served."""

from __future__ import annotations

import socket
import threading
from collections.abc import Iterator

import pytest
import uvicorn

from app.config import Settings
from app.server import uvicorn_options


async def _app(scope, receive, send) -> None:  # type: ignore[no-untyped-def]
    if scope["type"] != "http":
        return
    body = b""
    more = True
    while more:
        message = await receive()
        if message["type"] != "http.request":
            return
        body += message.get("body", b"")
        more = message.get("more_body", False)
    answer = b"ok " + str(len(body)).encode()
    headers = [(b"content-length", str(len(answer)).encode())]
    await send({"type": "http.response.start", "status": 200, "headers": headers})
    await send({"type": "http.response.body", "body": answer})


@pytest.fixture
def server() -> Iterator[int]:
    settings = Settings(header_timeout=0.5, body_timeout=0.5, keep_alive_timeout=5)
    config = uvicorn.Config(
        _app,
        host="127.0.0.1",
        port=0,
        lifespan="off",
        log_level="warning",
        **uvicorn_options(settings),
    )
    srv = uvicorn.Server(config)
    thread = threading.Thread(target=srv.run, daemon=True)
    thread.start()
    while not srv.started:
        threading.Event().wait(0.01)
    port = srv.servers[0].sockets[0].getsockname()[1]
    yield port
    srv.should_exit = True
    thread.join(10)


def _read_all(sock: socket.socket) -> bytes:
    sock.settimeout(10)  # a bound on the test, far above the server's timeouts
    data = b""
    while chunk := sock.recv(4096):
        data += chunk
    return data


def test_half_sent_headers_are_408_and_closed(server: int) -> None:
    clients = []
    for _ in range(50):
        sock = socket.create_connection(("127.0.0.1", server))
        sock.sendall(b"GET / HTTP/1.1\r\nHost: x\r\nX-Slow: ")
        clients.append(sock)
    silent = socket.create_connection(("127.0.0.1", server))  # sends nothing at all
    for sock in [*clients, silent]:
        answer = _read_all(sock)
        assert answer.startswith(b"HTTP/1.1 408 "), answer[:40]
        assert b"application/problem+json" in answer
        sock.close()


def test_a_body_not_sent_in_time_is_408_and_closed(server: int) -> None:
    sock = socket.create_connection(("127.0.0.1", server))
    sock.sendall(b"POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n0123456789")
    answer = _read_all(sock)
    assert answer.startswith(b"HTTP/1.1 408 "), answer[:40]
    sock.close()


def test_prompt_clients_are_served_and_kept_alive(server: int) -> None:
    with socket.create_connection(("127.0.0.1", server)) as sock:
        sock.settimeout(10)
        for _ in range(3):
            sock.sendall(b"POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\nhello")
            answer = sock.recv(4096)
            assert answer.startswith(b"HTTP/1.1 200 "), answer[:40]
            assert answer.endswith(b"ok 5")
