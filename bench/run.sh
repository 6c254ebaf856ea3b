#!/usr/bin/env bash
# The benchmarks (about 8 minutes): builds synthetic registers in $BENCH_DIR (default
# /tmp/ropa-bench), loads 127.0.0.1 with wrk (or a bounded Python generator when wrk is not
# installed: `apt-get install -y wrk`), and rewrites bench/RESULTS.md.
# Options are passed on: --seconds N (each run, default 10), --connections N (default 32),
# --soak-seconds N (default 60), --out FILE.
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON="${PYTHON:-$(command -v python)}"
exec "$PYTHON" bench/bench.py "$@"
