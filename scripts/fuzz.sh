#!/usr/bin/env bash
# Schemathesis against a running server, as an outside tester would: the served
# /openapi.json, every check, every phase (examples, coverage, fuzzing, stateful), once
# anonymously and once with an admin key. Prints both summaries; exits 1 if either failed.
#
#   pip install -e ".[fuzz]" && scripts/fuzz.sh
#
# A server is started on a scratch SQLite database with the seed (127.0.0.1, a free port) and
# stopped afterwards. Expected statuses come from schemathesis.toml (read from the project root).
# Settings: FUZZ_EXAMPLES (test cases per operation and phase, default 25), FUZZ_SEED (default
# 1; "random" for a new one each run), FUZZ_REPORTS (where the NDJSON reports go), FUZZ_ARGS
# (more schemathesis options, e.g. FUZZ_ARGS="--suppress-health-check=too_slow" on a machine too
# busy to generate a whole notice document quickly: a health check of the generator, not a check
# of the API).
set -euo pipefail
cd "$(dirname "$0")/.."

EXAMPLES="${FUZZ_EXAMPLES:-25}"
SEED="${FUZZ_SEED:-1}"
WORK="$(mktemp -d)"
REPORTS="${FUZZ_REPORTS:-$WORK/reports}"
export ROPA_DATABASE_URL="sqlite:///$WORK/fuzz.db"
export ROPA_ACCESS_LOG=false
# The fuzzer is one client address that sends invalid keys on purpose (the ignored_auth check);
# left at its default the failed-authentication limit would answer most of the run with 429.
# The limiter has tests of its own (tests/auth).
export ROPA_AUTH_FAILURE_LIMIT="${FUZZ_AUTH_FAILURE_LIMIT:-1000000}"

PORT="$(python -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
BASE="http://127.0.0.1:$PORT"
ropa serve --host 127.0.0.1 --port "$PORT" >"$WORK/server.log" 2>&1 &
SERVER=$!
cleanup() {
  kill "$SERVER" 2>/dev/null || true
  wait "$SERVER" 2>/dev/null || true
  rm -rf "$WORK/fuzz.db"*
}
trap cleanup EXIT

for _ in $(seq 1 120); do
  curl -sf "$BASE/readyz" >/dev/null 2>&1 && break
  kill -0 "$SERVER" 2>/dev/null || { cat "$WORK/server.log"; exit 1; }
  sleep 1
done
curl -sf "$BASE/readyz" >/dev/null || { echo "the server did not start"; cat "$WORK/server.log"; exit 1; }
KEY="$(ropa keys create --name "fuzz-admin-$$" --scope admin | tail -n 1)"

seed_args=()
[ "$SEED" != "random" ] && seed_args=(--seed "$SEED")

run() {  # run NAME [schemathesis options...]
  local name="$1"
  shift
  echo "== schemathesis, $name ($BASE/openapi.json, $EXAMPLES examples per operation)"
  set +e
  schemathesis run "$BASE/openapi.json" \
    --checks all \
    --phases examples,coverage,fuzzing,stateful \
    --max-examples "$EXAMPLES" \
    --workers 1 \
    "${seed_args[@]}" \
    ${FUZZ_ARGS:-} \
    --report ndjson --report-dir "$REPORTS/$name" \
    "$@" >"$WORK/$name.txt" 2>&1
  local status=$?
  set -e
  # the summary: from the SUMMARY banner to the end (the failures, if any, are in the log)
  sed -n '/=\+ SUMMARY =\+/,$p' "$WORK/$name.txt"
  if [ "$status" -ne 0 ]; then
    echo "-- $name: failures; the full log is $WORK/$name.txt"
  fi
  return "$status"
}

failed=0
run anonymous || failed=1
run admin -H "Authorization: Bearer $KEY" || failed=1
exit "$failed"
