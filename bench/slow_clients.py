"""Slow clients against a running server: N connections each send half a request's headers
and then nothing. Prints when the server dropped them (it should: ``ROPA_HEADER_TIMEOUT``),
what it answered, and whether a prompt client was served while they were held.

    ropa serve --port 8123 &
    python bench/slow_clients.py --port 8123 --connections 1000
"""

from __future__ import annotations

import argparse
import collections
import selectors
import socket
import statistics
import time

import httpx


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--connections", type=int, default=1000)
    parser.add_argument("--give-up", type=float, default=120, help="seconds to wait at most")
    args = parser.parse_args()

    selector = selectors.DefaultSelector()
    opened = time.monotonic()
    for _ in range(args.connections):
        sock = socket.create_connection(("127.0.0.1", args.port))
        sock.sendall(b"GET /v1/services HTTP/1.1\r\nHost: x\r\nX-Slow: ")
        sock.setblocking(False)
        selector.register(sock, selectors.EVENT_READ, [b""])
    sent = time.monotonic()
    prompt = httpx.get(f"http://127.0.0.1:{args.port}/healthz", timeout=30)
    print(
        f"{args.connections} half-sent requests open ({sent - opened:.1f} s to open); "
        f"a prompt client meanwhile: {prompt.status_code}"
    )

    dropped: list[float] = []
    answers: collections.Counter[str] = collections.Counter()
    while selector.get_map() and time.monotonic() - sent < args.give_up:
        for key, _ in selector.select(timeout=1):
            sock = key.fileobj
            assert isinstance(sock, socket.socket)
            try:
                chunk = sock.recv(65536)
            except ConnectionResetError:
                chunk = b""
            if chunk:
                key.data[0] += chunk
                continue
            dropped.append(time.monotonic() - sent)
            answers[key.data[0].split(b"\r\n", 1)[0].decode() or "(closed, no answer)"] += 1
            selector.unregister(sock)
            sock.close()
    held = len(selector.get_map())
    for key in list(selector.get_map().values()):
        key.fileobj.close()  # type: ignore[union-attr]
    print(f"dropped by the server: {len(dropped)}; still held after {args.give_up:.0f} s: {held}")
    if dropped:
        print(
            f"  dropped after: min {min(dropped):.1f} s, "
            f"median {statistics.median(dropped):.1f} s, "
            f"max {max(dropped):.1f} s"
        )
    for answer, count in answers.most_common():
        print(f"  {answer}: {count}")


if __name__ == "__main__":
    main()
