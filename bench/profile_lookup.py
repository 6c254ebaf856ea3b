"""Computed lawful-basis lookups in-process, timed and profiled (no HTTP, no answer cache).

    python bench/profile_lookup.py /tmp/ropa-bench/register-100x.db [N]

Takes N questions (default 3,000) spread over the register's services, as ``bench/bench.py``
asks them, answers each from the database the way the route does (one connection, today's
version), and prints the time per answer and the functions that cost most (cProfile).
"""

from __future__ import annotations

import cProfile
import pstats
import sys
import time
import urllib.parse
from datetime import date
from pathlib import Path

from app.config import Settings
from app.db import make_engine
from app.sharing.service import lawful_basis_lookup, load_vocab_index
from bench import lookup_paths  # bench/bench.py: this script's directory is on sys.path


def main() -> None:
    db = Path(sys.argv[1])
    n = int(sys.argv[2]) if len(sys.argv) > 2 else 3000
    questions = []
    for path in lookup_paths(db, n, seed=7):
        url = urllib.parse.urlparse(path)
        query = urllib.parse.parse_qs(url.query)
        questions.append((url.path.split("/")[3], query["recipient"][0], query["data_category"]))
    engine = make_engine(Settings(database_url=f"sqlite:///{db}"))
    with engine.connect() as conn:
        vocab = load_vocab_index(conn)

        def run(count: int) -> None:
            for service_id, recipient, categories in questions[:count]:
                lawful_basis_lookup(
                    conn=conn,
                    vocab=vocab,
                    at=date.today(),
                    recipient=recipient,
                    data_categories=categories,
                    service_id=service_id,
                ).model_dump_json()

        run(min(200, n))  # statements compiled, pages cached
        started = time.perf_counter()
        run(n)
        per = (time.perf_counter() - started) / n
        print(f"{per * 1e6:.0f} µs per computed lookup ({n} questions)")
        profile = cProfile.Profile()
        profile.runcall(run, n)
    pstats.Stats(profile).sort_stats("cumulative").print_stats(20)


if __name__ == "__main__":
    main()
