"""A/B: the same requests against two checkouts of the product, alternately, on copies of the
same register, each as a ratio to the bare app measured in the same round.

    python bench/ab.py --before /work/main --register /tmp/ropa-bench/register-100x-….db \\
        --rounds 2 --seconds 3 PATH [PATH ...]

A PATH starting with ``@`` is a file of paths requested in turn (``bench/rotate.lua``), e.g.
distinct lawful-basis questions. Used for the ratios in ``bench/NOTES.md``.
"""

from __future__ import annotations

import argparse
import http.client
import shutil
import statistics
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.run import HOST, ROOT, log, measure_bare, request, serve, wrk


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--before", type=Path, required=True, help="the other checkout")
    parser.add_argument("--register", type=Path, required=True, help="a SQLite register file")
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--seconds", type=float, default=3)
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--warm", type=Path, help="a file of paths requested once first")
    parser.add_argument("paths", nargs="+")
    args = parser.parse_args()
    results: dict[tuple[str, str], list[tuple[float, float]]] = {}
    for _ in range(args.rounds):
        bare = measure_bare(args).rps
        for label, root in (("before", args.before), ("after", ROOT)):
            copy = args.register.with_name(f"ab-{label}.db")
            for suffix in ("-wal", "-shm"):
                Path(f"{copy}{suffix}").unlink(missing_ok=True)
            shutil.copyfile(args.register, copy)
            env = {"ROPA_DATABASE_URL": f"sqlite:///{copy}"}
            with serve("app.asgi:app", env, root=root) as server:
                if args.warm:
                    conn = http.client.HTTPConnection(HOST, server.port, timeout=120)
                    for line in args.warm.read_text().splitlines():
                        request(server, line, conn=conn)
                    conn.close()
                for path in args.paths:
                    rotate = Path(path[1:]) if path.startswith("@") else None
                    url = server.base + ("/" if rotate else path)
                    if rotate is None:  # warm: the repeated request's first answer
                        wrk(url, seconds=1, connections=1)
                    load = wrk(
                        url, seconds=args.seconds, connections=args.connections, paths=rotate
                    )
                    results.setdefault((path, label), []).append((load.rps / bare, load.p99))
                    log(f"{label} {path}: {load.rps:,.0f} req/s ({load.rps / bare:.2f}x)")
    print("| request | before (ratio, p99 ms) | after (ratio, p99 ms) |")
    print("|---|---:|---:|")
    for path in args.paths:
        cells = []
        for label in ("before", "after"):
            runs = results[(path, label)]
            ratio = statistics.mean(r for r, _ in runs)
            p99 = statistics.mean(p for _, p in runs)
            cells.append(f"{ratio:.3f}x, {p99:.0f}")
        print(f"| `{path}` | {cells[0]} | {cells[1]} |")


if __name__ == "__main__":
    main()
