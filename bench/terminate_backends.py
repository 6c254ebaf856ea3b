"""Requests under PostgreSQL backend termination: every response must be 2xx or 503.

(Or any other database the server runs on: with ``--every 0`` nothing is terminated and the
script is a mixed read/write load; ``--admin`` is then only used to count the writes.)

Runs against a server you started on a PostgreSQL database of its own (never a shared one):
a few client threads send a mix of reads (and, with ``--key``, drafts and publishes) while
another thread calls ``pg_terminate_backend`` on every other backend of that database every
``--every`` seconds. Prints the statuses, the connection errors, and, with writes, the number
of writes acknowledged (2xx) against the number present in the database afterwards.

    ROPA_DATABASE_URL=postgresql+psycopg://postgres@127.0.0.1:5432/scratch ropa serve --port 8123 &
    python bench/terminate_backends.py --base http://127.0.0.1:8123 \
        --admin postgresql://postgres@127.0.0.1:5432/scratch --seconds 30
"""

from __future__ import annotations

import argparse
import collections
import threading
import time

import httpx
import psycopg

READS = [
    "/v1/services",
    "/v1/activities?recipient=police",
    "/v1/services/camden-early-help/notice",
    "/v1/services/camden-early-help/notice/versions",
    "/v1/services/camden-early-help/notice/checks?at=2025-01-01",
    "/v1/services/southwark-early-help/lawful-basis?recipient=police&data_category=special.health",
    "/v1/ropa?format=csv&controller=camden",
    "/readyz",
]


def controller(slug: str, gss: str) -> dict[str, object]:
    return {
        "id": slug,
        "name": f"Test council {slug}",
        "gss_code": gss,
        "address": "1 Test Street",
        "website": "www.example.gov.uk",
        "dpo": {"email": "dpo@example.gov.uk"},
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--base", required=True)
    parser.add_argument("--admin", required=True, help="libpq URL of the server's database")
    parser.add_argument("--seconds", type=float, default=30)
    parser.add_argument("--every", type=float, default=0.2)
    parser.add_argument("--clients", type=int, default=6)
    parser.add_argument("--key", help="a publisher/admin key: also write (new controllers)")
    parser.add_argument("--prefix", default=f"fault-{int(time.time())}")
    args = parser.parse_args()

    statuses: collections.Counter[str] = collections.Counter()
    acknowledged = [0]
    seed = int(time.time()) % 10
    lock = threading.Lock()
    stop = threading.Event()
    killed = [0]

    def terminate() -> None:
        with psycopg.connect(args.admin, autocommit=True) as conn:
            while not stop.is_set():
                n = conn.execute(
                    "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
                    "WHERE datname = current_database() AND pid <> pg_backend_pid()"
                ).fetchone()
                killed[0] += n[0] if n else 0
                stop.wait(args.every)

    def client(n: int) -> None:
        i = n
        with httpx.Client(base_url=args.base, timeout=30) as http:
            while not stop.is_set():
                i += 1
                writing = args.key is not None and i % 4 == 0
                try:
                    if writing:
                        response = http.post(
                            "/v1/controllers",
                            headers={"Authorization": f"Bearer {args.key}"},
                            json=controller(f"{args.prefix}-{n}-{i}", f"W{seed}{n}{i:06d}"),
                        )
                        if response.status_code == 201:
                            with lock:
                                acknowledged[0] += 1
                    else:
                        response = http.get(READS[i % len(READS)])
                    key = str(response.status_code)
                    if response.status_code >= 500:
                        key += " " + response.headers.get("content-type", "?")
                except httpx.HTTPError as exc:
                    key = type(exc).__name__
                with lock:
                    statuses[key] += 1

    threads = [threading.Thread(target=terminate)] + [
        threading.Thread(target=client, args=(n,)) for n in range(args.clients)
    ]
    for t in threads:
        t.start()
    time.sleep(args.seconds)
    stop.set()
    for t in threads:
        t.join()
    total = sum(statuses.values())
    print(f"{total} requests in {args.seconds:.0f} s, {killed[0]} backends terminated")
    for key, count in sorted(statuses.items()):
        print(f"  {key}: {count}")
    if args.key:
        with psycopg.connect(args.admin) as conn:
            row = conn.execute(
                "SELECT count(*) FROM controller WHERE id LIKE %s", (args.prefix + "-%",)
            ).fetchone()
        print(f"writes acknowledged (201): {acknowledged[0]}; present afterwards: {row and row[0]}")


if __name__ == "__main__":
    main()
