"""A write storm on SQLite: 16 concurrent writers against ``ropa serve`` with several workers.

Starts ``ropa serve`` (real HTTP, uvicorn, ``--workers``) on a new SQLite file under
``--dir``, creates an admin key, then for ``--seconds`` runs ``--writers`` threads, each
creating controllers (one small write transaction and its audit row each) as fast as it is
answered, and ``--anonymous`` threads sending the same write with no key (refused with 401).
Prints the statuses, the write latencies (p50/p95/p99/max of the acknowledged writes and of
the 503s), the writes acknowledged against the rows present afterwards, and how many rows the
refused anonymous requests added to the audit trail.

    python bench/write_storm.py --workers 4 --writers 16 --seconds 30
"""

from __future__ import annotations

import argparse
import collections
import os
import signal
import socket
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def quantile(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def controller(slug: str, gss: str) -> dict[str, object]:
    return {
        "id": slug,
        "name": f"Storm council {slug}",
        "gss_code": gss,
        "address": "1 Test Street",
        "website": "www.example.gov.uk",
        "dpo": {"email": "dpo@example.gov.uk"},
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--writers", type=int, default=16)
    parser.add_argument("--anonymous", type=int, default=2)
    parser.add_argument("--seconds", type=float, default=30)
    parser.add_argument("--busy-timeout", type=float, default=None)
    parser.add_argument("--dir", default=None, help="where the SQLite file goes (default: tmp)")
    args = parser.parse_args()

    workdir = Path(args.dir or tempfile.mkdtemp(prefix="ropa-storm-"))
    workdir.mkdir(parents=True, exist_ok=True)
    db = workdir / "storm.db"
    for suffix in ("", "-wal", "-shm"):
        Path(f"{db}{suffix}").unlink(missing_ok=True)
    env = {**os.environ, "ROPA_DATABASE_URL": f"sqlite:///{db}"}
    if args.busy_timeout is not None:
        env["ROPA_SQLITE_BUSY_TIMEOUT"] = str(args.busy_timeout)
    ropa = str(Path(sys.executable).parent / "ropa")
    key = subprocess.run(
        [ropa, "keys", "create", "--name", "storm", "--scope", "admin"],
        env=env,
        check=True,
        capture_output=True,
        text=True,
    ).stdout.strip()
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    log = (workdir / "server.log").open("w")
    server = subprocess.Popen(
        [ropa, "serve", "--port", str(port), "--workers", str(args.workers)],
        env=env,
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=log,
        start_new_session=True,  # its workers are in its process group, ended with it
    )
    try:
        deadline = time.monotonic() + 180
        while True:
            try:
                if httpx.get(f"{base}/readyz", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if time.monotonic() > deadline or server.poll() is not None:
                raise SystemExit("the server did not start; see " + str(workdir / "server.log"))
            time.sleep(0.5)
        time.sleep(3)  # let every worker finish starting
        run(args, base, key, db)
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
        log.close()
        text = (workdir / "server.log").read_text()
        errors = [line for line in text.splitlines() if "Traceback" in line or " 500 " in line]
        print(f"server log: {len(errors)} tracebacks or 500s")


def run(args: argparse.Namespace, base: str, key: str, db: Path) -> None:
    with sqlite3.connect(db) as conn:
        audit_before = conn.execute("SELECT count(*) FROM audit_event").fetchone()[0]
    statuses: collections.Counter[str] = collections.Counter()
    ok_times: list[float] = []
    busy_times: list[float] = []
    acknowledged: list[str] = []
    refused = [0]
    lock = threading.Lock()
    stop = threading.Event()
    tag = f"s{int(time.time()) % 100000}"

    def writer(n: int) -> None:
        i = 0
        with httpx.Client(base_url=base, timeout=60) as http:
            while not stop.is_set():
                i += 1
                slug = f"{tag}-{n}-{i}"
                started = time.perf_counter()
                try:
                    response = http.post(
                        "/v1/controllers",
                        json=controller(slug, f"W{n:02d}{i:06d}"),
                        headers={"Authorization": f"Bearer {key}"},
                    )
                    status = str(response.status_code)
                except httpx.HTTPError as exc:
                    status = type(exc).__name__
                elapsed = time.perf_counter() - started
                with lock:
                    statuses[status] += 1
                    if status == "201":
                        ok_times.append(elapsed)
                        acknowledged.append(slug)
                    elif status == "503":
                        busy_times.append(elapsed)

    def anonymous(n: int) -> None:
        i = 0
        with httpx.Client(base_url=base, timeout=60) as http:
            while not stop.is_set():
                i += 1
                try:
                    response = http.post(
                        "/v1/controllers", json=controller(f"anon-{n}-{i}", "W99000000")
                    )
                    status = f"anonymous {response.status_code}"
                except httpx.HTTPError as exc:
                    status = f"anonymous {type(exc).__name__}"
                with lock:
                    statuses[status] += 1
                    refused[0] += 1

    threads = [threading.Thread(target=writer, args=(n,)) for n in range(args.writers)]
    threads += [threading.Thread(target=anonymous, args=(n,)) for n in range(args.anonymous)]
    started = time.monotonic()
    for t in threads:
        t.start()
    time.sleep(args.seconds)
    stop.set()
    for t in threads:
        t.join()
    elapsed = time.monotonic() - started

    with sqlite3.connect(db) as conn:
        present = conn.execute(
            "SELECT count(*) FROM controller WHERE id LIKE ?", (tag + "-%",)
        ).fetchone()[0]
        audit_after = conn.execute("SELECT count(*) FROM audit_event").fetchone()[0]
        anonymous_rows = conn.execute(
            "SELECT count(*) FROM audit_event WHERE actor = 'anonymous'"
        ).fetchone()[0]
    print(
        f"{args.writers} writers + {args.anonymous} anonymous, {args.workers} workers, "
        f"{elapsed:.0f} s"
    )
    for status, count in sorted(statuses.items()):
        print(f"  {status}: {count}")
    for name, times in (("acknowledged (201)", ok_times), ("busy (503)", busy_times)):
        if times:
            print(
                f"  {name} latency ms: p50 {quantile(times, 0.5) * 1000:.0f}, "
                f"p95 {quantile(times, 0.95) * 1000:.0f}, p99 {quantile(times, 0.99) * 1000:.0f}, "
                f"max {max(times) * 1000:.0f}, mean {statistics.mean(times) * 1000:.0f}"
            )
    print(f"  writes/s acknowledged: {len(ok_times) / elapsed:.0f}")
    print(f"  acknowledged {len(acknowledged)}, present {present}")
    print(
        f"  audit rows added: {audit_after - audit_before} "
        f"(of which actor 'anonymous': {anonymous_rows}, for {refused[0]} refused requests)"
    )


if __name__ == "__main__":
    main()
