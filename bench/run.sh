#!/usr/bin/env bash
# The benchmarks, one command: `bash bench/run.sh [options]` (see the top of bench/RESULTS.md).
# Uses $PYTHON, else ./.venv/bin/python, else python3: the Python the project is installed in
# (`pip install -e .`; this script installs it there if it is not). Installs wrk with apt-get
# when it is missing. Everything binds 127.0.0.1; PostgreSQL scratch databases are dropped.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ -z "${PYTHON:-}" ]; then
  if [ -x .venv/bin/python ]; then PYTHON=.venv/bin/python; else PYTHON="$(command -v python3)"; fi
fi
if ! "$PYTHON" -c 'import app.main, uvicorn' 2>/dev/null; then
  "$PYTHON" -m pip install -q -e .
fi
exec "$PYTHON" bench/run.py "$@"
