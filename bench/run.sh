#!/usr/bin/env bash
# The benchmarks (about 10 minutes): builds synthetic registers in $BENCH_DIR (default
# /tmp/ropa-bench), loads 127.0.0.1 with wrk (or a bounded Python generator when wrk is not
# installed: `apt-get install -y wrk`), and rewrites bench/RESULTS.md.
# The Python is $PYTHON, else ./.venv/bin/python, else python3: the one the project is
# installed in (`pip install -e .`), whose bin/ also holds `ropa` and `uvicorn`.
# Options are passed on: --seconds N (each run, default 10), --connections N (default 32),
# --soak-seconds N (default 60), --soak-warmup N (default 90), --out FILE.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ -z "${PYTHON:-}" ]; then
  if [ -x .venv/bin/python ]; then PYTHON=.venv/bin/python; else PYTHON="$(command -v python3)"; fi
fi
exec "$PYTHON" bench/bench.py "$@"
