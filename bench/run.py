"""The benchmark: every public GET of ``openapi/openapi.json`` and the write paths, against a
bare FastAPI app measured in the same run; writes ``bench/RESULTS.md``.

Run from anywhere: ``bash bench/run.sh`` (one command; see the top of ``bench/RESULTS.md``).

For each register (1x: the five seed notices; 100x: ~100 times their activities, made by
``bench/synthetic.py`` through the product's one writer) and each database (SQLite; the GETs
also on PostgreSQL, in a scratch database of its own that is dropped afterwards):

1. a server on a copy of the register takes the write paths (create a draft, patch it, publish
   it), sequentially on one connection; this also gives a few services a second version, so
   ``…/diff`` has a real difference to compute;
2. a fresh server: each GET operation is asked a few *distinct* questions once each (the
   first, uncached answer: its p50 over the distinct questions, and the very first);
3. then each GET is repeated under ``wrk`` (req/s, p50, p99, ratio to bare);
4. lawful-basis questions never asked before, rotating over many distinct ones (wrk + lua);
5. the ROPA CSV export (rows/s, server RSS growth) and the first byte of a small export.

Servers: ``uvicorn`` (one worker, no access log) pinned to core 0 with ``taskset``, the load
generator ``wrk -t1`` pinned to core 1; 127.0.0.1 only, random free ports, every server
stopped at the end. The bare baseline (``bench/bare.py``) is measured at the start and the end
of each register's run; ratios are to their mean.
"""

from __future__ import annotations

import argparse
import contextlib
import csv
import hashlib
import http.client
import io
import json
import os
import platform
import random
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any
from urllib.parse import quote

ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT / "bench"
HOST = "127.0.0.1"
TWO_CORES = (os.cpu_count() or 1) >= 2
SERVER_CORE, LOAD_CORE = "0", "1"

#: Public GET operations that need an API key: not measured as public reads.
NEEDS_KEY = {"/v1/audit-events", "/v1/services/{service_id}/notice/drafts/{version}"}

#: Cached published representations: their target is >= 0.8x bare; every other GET >= 0.25x.
CACHED_TARGET, OTHER_TARGET, LOOKUP_TARGET = 0.8, 0.25, 0.25


def log(message: str) -> None:
    print(f"[{datetime.now(UTC):%H:%M:%S}] {message}", file=sys.stderr, flush=True)


# --- tools -------------------------------------------------------------------------------------


def ensure_wrk() -> str:
    found = shutil.which("wrk")
    if found:
        return found
    log("wrk not found: installing it with apt-get")
    sudo = [] if os.geteuid() == 0 else ["sudo", "-n"]
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    subprocess.run([*sudo, "apt-get", "install", "-y", "wrk"], env=env, check=False)
    if not shutil.which("wrk"):
        subprocess.run([*sudo, "apt-get", "update"], env=env, check=False)
        subprocess.run([*sudo, "apt-get", "install", "-y", "wrk"], env=env, check=True)
    found = shutil.which("wrk")
    if not found:
        raise SystemExit("wrk is needed: apt-get install -y wrk")
    return found


def pinned(core: str, command: list[str]) -> list[str]:
    return ["taskset", "-c", core, *command] if TWO_CORES and shutil.which("taskset") else command


def free_port() -> int:
    with socket.socket() as s:
        s.bind((HOST, 0))
        return int(s.getsockname()[1])


# --- servers -----------------------------------------------------------------------------------


@dataclass
class Server:
    process: subprocess.Popen[bytes]
    port: int

    @property
    def base(self) -> str:
        return f"http://{HOST}:{self.port}"

    def rss_kib(self, field_name: str = "VmRSS") -> int:
        """The uvicorn process's memory (the worker itself: one worker, no reloader)."""
        status = Path(f"/proc/{self.process.pid}/status").read_text()
        match = re.search(rf"^{field_name}:\s+(\d+) kB", status, re.M)
        return int(match.group(1)) if match else 0


@contextlib.contextmanager
def serve(
    app: str, env: dict[str, str], ready: str = "/healthz", root: Path = ROOT
) -> Iterator[Server]:
    port = free_port()
    command = pinned(
        SERVER_CORE,
        [
            sys.executable,
            "-m",
            "uvicorn",
            app,
            "--host",
            HOST,
            "--port",
            str(port),
            "--workers",
            "1",
            "--no-access-log",
            "--log-level",
            "warning",
        ],
    )
    # the code served is ``root``'s (``python -m`` puts the working directory first on sys.path)
    process = subprocess.Popen(command, cwd=root, env={**os.environ, **env})
    server = Server(process, port)
    try:
        deadline = time.monotonic() + 60
        while True:
            if process.poll() is not None:
                raise RuntimeError(f"server {app} exited with {process.returncode}")
            try:
                status, _, _ = request(server, ready)
                if status == 200:
                    break
            except OSError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError(f"server {app} did not start")
            time.sleep(0.1)
        yield server
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def request(
    server: Server,
    path: str,
    *,
    method: str = "GET",
    headers: dict[str, str] | None = None,
    body: bytes | None = None,
    conn: http.client.HTTPConnection | None = None,
) -> tuple[int, dict[str, str], bytes]:
    own = conn is None
    c = conn or http.client.HTTPConnection(HOST, server.port, timeout=120)
    try:
        c.request(method, path, body=body, headers=headers or {})
        resp = c.getresponse()
        data = resp.read()
        return resp.status, {k.lower(): v for k, v in resp.getheaders()}, data
    finally:
        if own:
            c.close()


def timed(server: Server, path: str, conn: http.client.HTTPConnection, **kw: Any) -> float:
    """Milliseconds for one whole answer (on a kept-alive connection)."""
    started = time.perf_counter()
    status, _, _ = request(server, path, conn=conn, **kw)
    elapsed = (time.perf_counter() - started) * 1000
    if status >= 400:
        raise RuntimeError(f"GET {path}: {status}")
    return elapsed


# --- wrk ---------------------------------------------------------------------------------------


@dataclass
class Load:
    rps: float
    p50: float
    p99: float
    requests: int
    errors: int


_UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60000.0}


def _ms(text: str) -> float:
    match = re.fullmatch(r"([\d.]+)(us|ms|s|m)", text.strip())
    assert match, text
    return float(match.group(1)) * _UNITS[match.group(2)]


def wrk(
    url: str,
    *,
    seconds: float,
    connections: int,
    paths: Path | None = None,
    headers: dict[str, str] | None = None,
) -> Load:
    command = ["wrk", "-t1", f"-c{connections}", f"-d{max(1, round(seconds))}s", "--latency"]
    if paths is not None:
        command += ["-s", str(BENCH / "rotate.lua")]
    for key, value in (headers or {}).items():
        command += ["-H", f"{key}: {value}"]
    command.append(url)
    env = {**os.environ, **({"PATHS": str(paths)} if paths else {})}
    out = subprocess.run(
        pinned(LOAD_CORE, command), capture_output=True, text=True, env=env, check=True
    ).stdout
    latency = dict(re.findall(r"^\s+(50|99)%\s+(\S+)\s*$", out, re.M))
    requests = int(re.search(r"(\d+) requests in", out).group(1))  # type: ignore[union-attr]
    errors = sum(int(n) for n in re.findall(r"Non-2xx or 3xx responses: (\d+)", out))
    sock = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out)
    if sock:
        errors += sum(int(n) for n in sock.groups())
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))  # type: ignore[union-attr]
    return Load(rps, _ms(latency["50"]), _ms(latency["99"]), requests, errors)


# --- registers ---------------------------------------------------------------------------------


def _stamp(scale: int, seed: int) -> str:
    """What a generated register depends on: the generator, the seed, the schema."""
    digest = hashlib.sha256(f"{scale}:{seed}".encode())
    sources = [BENCH / "synthetic.py", *sorted((ROOT / "seed").rglob("*.yaml"))]
    sources += sorted((ROOT / "migrations" / "versions").glob("*.py"))
    for path in sources:
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    digest.update((ROOT / "app" / "exports" / "ropa.py").read_bytes())  # the kept rows
    return digest.hexdigest()[:12]


def generate(url: str, scale: int, seed: int) -> dict[str, Any]:
    out = subprocess.run(
        [
            *[sys.executable, "-m", "bench.synthetic", "--database-url", url],
            *["--scale", str(scale), "--seed", str(seed)],
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    if out.returncode != 0:
        raise RuntimeError(f"generating {scale}x failed:\n{out.stderr[-3000:]}")
    match = re.search(r"(\d+) services, (\d+) activities in ([\d.]+) s", out.stdout)
    assert match, out.stdout
    return {
        "services": int(match.group(1)),
        "activities": int(match.group(2)),
        "seconds": float(match.group(3)),
    }


def sqlite_register(bench_dir: Path, scale: int, seed: int, regenerate: bool) -> tuple[Path, dict]:
    """A generated SQLite register (kept in ``bench_dir`` between runs while nothing it depends
    on changed); returns its file and how it was made."""
    stamp = _stamp(scale, seed)
    path = bench_dir / f"register-{scale}x-{stamp}.db"
    meta = path.with_suffix(".json")
    if regenerate or not (path.exists() and meta.exists()):
        for old in bench_dir.glob(f"register-{scale}x-*"):
            old.unlink()
        log(f"generating the {scale}x SQLite register (bench/synthetic.py)")
        made = generate(f"sqlite:///{path}", scale, seed)
        con = __import__("sqlite3").connect(path)
        con.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        con.close()
        meta.write_text(json.dumps(made))
    made = json.loads(meta.read_text())
    made["mb"] = round(path.stat().st_size / 1e6, 1)
    return path, made


def working_copy(path: Path, bench_dir: Path, name: str) -> str:
    target = bench_dir / f"work-{name}.db"
    for suffix in ("", "-wal", "-shm"):
        Path(f"{target}{suffix}").unlink(missing_ok=True)
    shutil.copyfile(path, target)
    return f"sqlite:///{target}"


def pg_admin(admin_url: str, sql: str) -> None:
    import psycopg

    dsn = admin_url.replace("postgresql+psycopg://", "postgresql://")
    with psycopg.connect(dsn, autocommit=True) as conn:
        conn.execute(sql)  # names below are made here from digits and letters only


def pg_url(admin_url: str, name: str) -> str:
    base = admin_url.rsplit("/", 1)[0]
    return f"{base}/{name}"


# --- what to ask -------------------------------------------------------------------------------


@dataclass
class Facts:
    """Ids taken from the register, to fill path and query parameters."""

    services: list[str]
    controllers: list[str]
    activities: list[str]
    categories: list[str]
    parties: list[str]
    bases: list[str]
    statutes: list[str]
    rich_service: str  # a seed notice with several activities
    council: str  # a controller with one small export
    effective: dict[str, str] = field(default_factory=dict)  # service: its version 1's date
    written: list[str] = field(default_factory=list)  # services the write paths gave a version 2


def read_facts(url: str) -> Facts:
    from sqlalchemy import create_engine, text

    engine = create_engine(url)
    with engine.connect() as conn:

        def col(sql: str) -> list[str]:
            return [r[0] for r in conn.execute(text(sql)).all()]

        facts = Facts(
            services=col("SELECT id FROM service ORDER BY id"),
            controllers=col("SELECT id FROM controller ORDER BY id"),
            activities=col(
                "SELECT notice_version.service_id || '.' || activity.slug FROM activity "
                "JOIN notice_version ON notice_version.id = activity.notice_version_id "
                "WHERE notice_version.status = 'published' ORDER BY 1"
            ),
            categories=col(
                "SELECT DISTINCT category FROM activity_data_category ORDER BY category"
            ),
            parties=col(
                "SELECT DISTINCT party FROM party_link WHERE role = 'recipient' ORDER BY party"
            ),
            bases=col("SELECT DISTINCT basis FROM activity_basis ORDER BY basis"),
            statutes=col("SELECT DISTINCT statute FROM statute_citation ORDER BY statute"),
            rich_service="camden-early-help",
            council="camden",
        )
        rows = conn.execute(
            text("SELECT service_id, effective_from FROM notice_version WHERE version = 1")
        ).all()
        facts.effective = {r[0]: str(r[1])[:10] for r in rows if r[1] is not None}
    engine.dispose()
    return facts


@dataclass
class Operation:
    """One public GET operation: distinct questions for the uncached answers, the first of
    them repeated under load; ``kind`` picks the target."""

    operation: str
    variants: list[str]
    kind: str = "other"  # "cached": a cached published representation (>= 0.8x)
    label: str = ""
    headers: dict[str, str] = field(default_factory=dict)
    repeat: str | None = None  # the path repeated under load (default: the first variant)

    @property
    def name(self) -> str:
        return self.label or self.operation


def operations(facts: Facts, spec: dict[str, Any]) -> tuple[list[Operation], list[str]]:
    """The operations to measure, and the public GETs of the contract with no plan (listed as
    not measured, so a new endpoint cannot be missed silently)."""
    rng = random.Random(7)
    s = [facts.rich_service, *[x for x in facts.services if x != facts.rich_service]]
    spread = [s[0], *rng.sample(s[1:], min(4, len(s) - 1))]
    acts = rng.sample(facts.activities, min(5, len(facts.activities)))
    ctrls = [facts.council, *rng.sample(facts.controllers, min(4, len(facts.controllers)))]
    cat, party = "special.health", "police"
    if cat not in facts.categories:
        cat = facts.categories[0]
    if party not in facts.parties:
        party = facts.parties[0]
    diffs = [f"/v1/services/{x}/notice/versions/2/diff?from=1" for x in facts.written[:5]]
    diffs = diffs or [f"/v1/services/{x}/notice/versions/1/diff?from=1" for x in spread]

    def listing(path: str) -> list[str]:
        return [path, f"{path}?limit=5", f"{path}?offset=3", f"{path}?limit=7&offset=1"]

    plan: dict[str, list[Operation]] = {
        "/healthz": [Operation("/healthz", ["/healthz"])],
        "/readyz": [Operation("/readyz", ["/readyz"])],
        "/contexts/{name}": [Operation("/contexts/{name}", ["/contexts/ropa-v1.jsonld"])],
        "/v1/activities": [
            Operation(
                "/v1/activities",
                [
                    "/v1/activities",
                    f"/v1/activities?service={s[0]}",
                    f"/v1/activities?controller={ctrls[1]}",
                    f"/v1/activities?data_category={cat}",
                    f"/v1/activities?recipient={party}",
                    f"/v1/activities?lawful_basis={facts.bases[0]}",
                    f"/v1/activities?statute={facts.statutes[0]}",
                    "/v1/activities?limit=10&offset=5",
                ],
            )
        ],
        "/v1/activities/{activity_id}": [
            Operation("/v1/activities/{activity_id}", [f"/v1/activities/{a}" for a in acts])
        ],
        "/v1/controllers": [Operation("/v1/controllers", listing("/v1/controllers"))],
        "/v1/controllers/{controller_id}": [
            Operation("/v1/controllers/{controller_id}", [f"/v1/controllers/{c}" for c in ctrls])
        ],
        "/v1/lawful-basis": [
            Operation(
                "/v1/lawful-basis",
                [
                    f"/v1/lawful-basis?controller={c}&recipient={p}&data_category={k}"
                    for c, p, k in zip(
                        ctrls,
                        [party, *facts.parties[:4]],
                        [cat, *facts.categories[:4]],
                        strict=False,
                    )
                ],
                label="/v1/lawful-basis (a controller's services)",
            )
        ],
        "/v1/ropa": [
            Operation(
                "/v1/ropa",
                [
                    f"/v1/ropa?service={s[0]}",
                    f"/v1/ropa?format=csv&service={s[1 % len(s)]}",
                    f"/v1/ropa?format=jsonld&service={s[2 % len(s)]}",
                    f"/v1/ropa?format=csv&controller={facts.council}",
                ],
                label="/v1/ropa (one service)",
            )
        ],
        "/v1/services": [
            Operation(
                "/v1/services",
                [
                    "/v1/services",
                    f"/v1/services?controller={ctrls[0]}",
                    "/v1/services?q=early",
                    "/v1/services?limit=5&offset=2",
                    f"/v1/services?controller={ctrls[1]}",
                ],
            )
        ],
        "/v1/services/{service_id}": [
            Operation("/v1/services/{service_id}", [f"/v1/services/{x}" for x in spread])
        ],
        "/v1/services/{service_id}/lawful-basis": [
            Operation(
                "/v1/services/{service_id}/lawful-basis",
                [
                    f"/v1/services/{x}/lawful-basis?recipient={party}&data_category={cat}"
                    for x in spread
                ],
                kind="cached",
                label="/v1/services/{service_id}/lawful-basis (answer asked before)",
            )
        ],
        "/v1/services/{service_id}/notice": [
            Operation(
                "/v1/services/{service_id}/notice",
                [f"/v1/services/{x}/notice" for x in spread],
                kind="cached",
            ),
            Operation(
                "/v1/services/{service_id}/notice",
                [f"/v1/services/{x}/notice?at={facts.effective[x]}" for x in spread],
                label="/v1/services/{service_id}/notice?at=(a past date)",
                kind="cached",
            ),
            Operation(
                "/v1/services/{service_id}/notice",
                [],
                label="/v1/services/{service_id}/notice, If-None-Match (304)",
                kind="cached",
            ),
        ],
        "/v1/services/{service_id}/notice/checks": [
            Operation(
                "/v1/services/{service_id}/notice/checks",
                [f"/v1/services/{x}/notice/checks" for x in spread],
            )
        ],
        "/v1/services/{service_id}/notice/render": [
            Operation(
                "/v1/services/{service_id}/notice/render",
                [
                    f"/v1/services/{spread[0]}/notice/render",
                    *[
                        f"/v1/services/{x}/notice/render?format={f}"
                        for x, f in zip(
                            spread[1:], ["text", "markdown", "html", "text"], strict=False
                        )
                    ],
                ],
                kind="cached",
            ),
            Operation(
                "/v1/services/{service_id}/notice/render",
                [],
                label="/v1/services/{service_id}/notice/render, If-None-Match (304)",
                kind="cached",
            ),
        ],
        "/v1/services/{service_id}/notice/versions": [
            Operation(
                "/v1/services/{service_id}/notice/versions",
                [f"/v1/services/{x}/notice/versions" for x in spread],
            )
        ],
        "/v1/services/{service_id}/notice/versions/{version}": [
            Operation(
                "/v1/services/{service_id}/notice/versions/{version}",
                [f"/v1/services/{x}/notice/versions/1" for x in spread],
                kind="cached",
            )
        ],
        "/v1/services/{service_id}/notice/versions/{version}/diff": [
            Operation(
                "/v1/services/{service_id}/notice/versions/{version}/diff",
                diffs,
            )
        ],
    }
    for vocab in ("data-categories", "data-subjects", "lawful-bases", "parties", "statutes"):
        plan[f"/v1/{vocab}"] = [Operation(f"/v1/{vocab}", listing(f"/v1/{vocab}"))]
    out: list[Operation] = []
    missing: list[str] = []
    for path, ops in spec["paths"].items():
        if "get" not in ops or path in NEEDS_KEY:
            continue
        if path in plan:
            out += plan[path]
        else:
            missing.append(path)
    return out, missing


def lookup_paths(facts: Facts, count: int, seed: int, path: Path) -> int:
    """``count`` distinct lawful-basis questions (service, recipient, one or two categories),
    in a random order; one per line."""
    rng = random.Random(seed)
    seen: set[str] = set()
    lines: list[str] = []
    attempts = 0
    while len(lines) < count and attempts < count * 20:
        attempts += 1
        service = rng.choice(facts.services)
        party = rng.choice(facts.parties)
        cats = rng.sample(facts.categories, rng.choice((1, 1, 2)))
        line = f"/v1/services/{service}/lawful-basis?recipient={quote(party)}" + "".join(
            f"&data_category={quote(c)}" for c in cats
        )
        if line not in seen:
            seen.add(line)
            lines.append(line)
    path.write_text("\n".join(lines) + "\n")
    return len(lines)


# --- measuring ---------------------------------------------------------------------------------


@dataclass
class Row:
    name: str
    kind: str
    path: str
    load: Load | None = None
    first_ms: float | None = None  # the very first answer of this operation
    first_p50: float | None = None  # p50 of its distinct first answers
    firsts: int = 0
    note: str = ""


def measure_bare(args: argparse.Namespace) -> Load:
    with serve("bench.bare:app", {}, ready="/") as bare:
        return wrk(f"{bare.base}/", seconds=args.seconds, connections=args.connections)


def etag_of(server: Server, path: str) -> str:
    status, headers, _ = request(server, path)
    assert status == 200, (path, status)
    return headers["etag"]


def measure_gets(server: Server, ops: list[Operation], args: argparse.Namespace) -> list[Row]:
    rows: list[Row] = []
    # The streamed export last: exports cut off when wrk's time is up leave the server's
    # threadpool busy for a while, which stalled the operations measured after them
    # (bench/NOTES.md, "Open problems").
    ops = sorted(ops, key=lambda o: o.name.startswith("/v1/ropa"))
    conn = http.client.HTTPConnection(HOST, server.port, timeout=120)
    request(server, "/openapi.json", conn=conn)  # the process warmed up, no answer kept
    # 1. first answers: every variant of every operation once, before anything is repeated
    for op in ops:
        row = Row(op.name, op.kind, (op.repeat or (op.variants[0] if op.variants else "")))
        if op.variants:
            try:
                times = [timed(server, v, conn) for v in op.variants]
            except (RuntimeError, OSError) as exc:  # an endpoint that changed: say so, go on
                row.note = str(exc)
                log(f"  {row.name}: {exc}")
                conn.close()
                conn = http.client.HTTPConnection(HOST, server.port, timeout=120)
                rows.append(row)
                continue
            row.first_ms = times[0]
            row.first_p50 = statistics.median(times)
            row.firsts = len(times)
        rows.append(row)
    conn.close()
    # 2. the same request repeated under load
    for op, row in zip(ops, rows, strict=True):
        if row.note:
            continue
        headers = dict(op.headers)
        if "(304)" in op.name:
            base = "/v1/services/camden-early-help/notice"
            row.path = base + ("/render" if "render" in op.name else "")
            headers["If-None-Match"] = etag_of(server, row.path)
        try:
            row.load = wrk(
                server.base + row.path,
                seconds=args.seconds,
                connections=args.connections,
                headers=headers,
            )
        except (subprocess.CalledProcessError, AttributeError, KeyError) as exc:
            row.note = f"wrk failed: {exc}"
            continue
        log(f"  {row.name}: {row.load.rps:,.0f} req/s, p99 {row.load.p99:.1f} ms")
        drain(server)
    return rows


def drain(server: Server, *, within_ms: float = 50.0, limit_s: float = 60.0) -> None:
    """Wait until the server answers promptly again: wrk stops sending when its time is up,
    but a slow operation (a streamed export) leaves a queue of requests that would otherwise
    be served during, and counted against, the next operation's load."""
    deadline = time.monotonic() + limit_s
    while time.monotonic() < deadline:
        started = time.perf_counter()
        with contextlib.suppress(OSError):
            request(server, "/healthz")
        if (time.perf_counter() - started) * 1000 < within_ms:
            return
        time.sleep(0.2)


def measure_lookups(
    server: Server, facts: Facts, args: argparse.Namespace, work: Path
) -> dict[str, Any]:
    """Lawful-basis answers never asked before: wrk rotating over distinct questions."""
    paths = work / "lookups.txt"
    wanted = int(max(20000, args.seconds * 6000))
    made = lookup_paths(facts, wanted, args.seed, paths)
    # Every service's published document read once (kept in memory by version id, as a
    # running server has them), by questions that are not among the measured ones.
    warm = work / "warm.txt"
    warm.write_text(
        "".join(
            f"/v1/services/{s}/lawful-basis?recipient=police&data_category=personal\n"
            for s in facts.services
        )
    )
    conn = http.client.HTTPConnection(HOST, server.port, timeout=120)
    for line in warm.read_text().splitlines():
        request(server, line, conn=conn)
    conn.close()
    load = wrk(server.base + "/", seconds=args.seconds, connections=args.connections, paths=paths)
    return {"load": load, "distinct": made, "repeated": max(0, load.requests - made)}


def measure_export(server: Server, facts: Facts, args: argparse.Namespace) -> dict[str, Any]:
    """The whole register as CSV, streamed and counted, repeatedly for ``--export-seconds``;
    the server's RSS before, and its peak (VmHWM, reset just before) during."""
    path = "/v1/ropa?format=csv"
    before = server.rss_kib()
    try:  # reset the peak (VmHWM) to the current RSS
        Path(f"/proc/{server.process.pid}/clear_refs").write_text("5")
    except OSError:
        log("  cannot reset the server's peak RSS (/proc/<pid>/clear_refs): growth is from start")
    rows = exports = 0
    first_export_rows_per_s = 0.0
    started = time.perf_counter()
    conn = http.client.HTTPConnection(HOST, server.port, timeout=300)
    while True:
        t0 = time.perf_counter()
        conn.request("GET", path)
        resp = conn.getresponse()
        # rows, not lines: a quoted cell may hold line breaks
        count = sum(1 for _ in csv.reader(io.TextIOWrapper(resp, encoding="utf-8", newline="")))
        count -= 1  # the header
        took = time.perf_counter() - t0
        if exports == 0:
            first_export_rows_per_s = count / took
        rows += count
        exports += 1
        if time.perf_counter() - started >= args.export_seconds:
            break
    elapsed = time.perf_counter() - started
    conn.close()
    peak = server.rss_kib("VmHWM")
    # a small export: one council's, the first byte of its body
    small = f"/v1/ropa?format=csv&controller={facts.council}"
    ttfb: list[float] = []
    for _ in range(5):
        c = http.client.HTTPConnection(HOST, server.port, timeout=60)
        t0 = time.perf_counter()
        c.request("GET", small)
        r = c.getresponse()
        r.read(1)
        ttfb.append((time.perf_counter() - t0) * 1000)
        r.read()
        c.close()
    return {
        "rows": rows,
        "exports": exports,
        "rows_per_s": rows / elapsed,
        "first_rows_per_s": first_export_rows_per_s,
        "rows_per_export": rows // exports,
        "rss_before_mb": before / 1024,
        "rss_growth_mb": (peak - before) / 1024,
        "ttfb_first_ms": ttfb[0],
        "ttfb_p50_ms": statistics.median(ttfb),
    }


@dataclass
class WriteResult:
    name: str
    times: list[float]

    @property
    def p50(self) -> float:
        return statistics.median(self.times)

    @property
    def p99(self) -> float:
        ordered = sorted(self.times)
        return ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))]

    @property
    def per_s(self) -> float:
        return 1000 * len(self.times) / sum(self.times)


def api_key(env: dict[str, str]) -> str:
    out = subprocess.run(
        [
            *[sys.executable, "-c", "from app.cli import main; main()", "keys", "create"],
            *["--name", f"bench-{os.getpid()}-{time.time_ns()}", "--scope", "admin"],
        ],
        cwd=ROOT,
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        check=True,
    )
    return out.stdout.strip().splitlines()[-1]


def measure_writes(server: Server, facts: Facts, key: str, cycles: int) -> list[WriteResult]:
    """Create a draft (a copy of the published version), patch it (JSON Merge Patch), publish
    it: ``cycles`` times, over the services in turn, on one connection."""
    auth = {"Authorization": f"Bearer {key}"}
    results = {n: WriteResult(n, []) for n in ("create draft", "patch draft", "publish")}
    conn = http.client.HTTPConnection(HOST, server.port, timeout=120)
    services = [facts.rich_service, *[s for s in facts.services if s != facts.rich_service]]
    today = date.today().isoformat()
    written: list[str] = []
    for i in range(cycles):
        service = services[i % len(services)]
        base = f"/v1/services/{service}/notice/drafts"
        t0 = time.perf_counter()
        status, headers, body = request(server, base, method="POST", headers=auth, conn=conn)
        results["create draft"].times.append((time.perf_counter() - t0) * 1000)
        if status != 201:
            raise RuntimeError(f"POST {base}: {status} {body[:300]!r}")
        location, etag = headers["location"], headers["etag"]
        patch = json.dumps({"notice": {"last_updated_as_written": f"Benchmark edit {i}"}})
        t0 = time.perf_counter()
        status, headers, body = request(
            server,
            location,
            method="PATCH",
            headers={
                **auth,
                "If-Match": etag,
                "Content-Type": "application/merge-patch+json",
            },
            body=patch.encode(),
            conn=conn,
        )
        results["patch draft"].times.append((time.perf_counter() - t0) * 1000)
        if status != 200:
            raise RuntimeError(f"PATCH {location}: {status} {body[:300]!r}")
        publish = json.dumps(
            {
                "effective_from": today,
                "change_summary": "Benchmark publication",
                "override_reason": "Benchmark: the seed's findings are kept as written",
            }
        )
        t0 = time.perf_counter()
        status, headers, body = request(
            server,
            location + "/publish",
            method="POST",
            headers={**auth, "If-Match": headers["etag"], "Content-Type": "application/json"},
            body=publish.encode(),
            conn=conn,
        )
        results["publish"].times.append((time.perf_counter() - t0) * 1000)
        if status != 200:
            raise RuntimeError(f"POST {location}/publish: {status} {body[:300]!r}")
        if service not in written:
            written.append(service)
    conn.close()
    facts.written = written
    return list(results.values())


# --- one register on one database --------------------------------------------------------------


@dataclass
class Run:
    database: str
    scale: int
    bare: list[Load]
    rows: list[Row]
    missing: list[str]
    lookups: dict[str, Any] | None
    export: dict[str, Any] | None
    writes: list[WriteResult]

    @property
    def bare_rps(self) -> float:
        return statistics.mean(b.rps for b in self.bare)


def run_register(database: str, url: str, scale: int, args: argparse.Namespace, work: Path) -> Run:
    env = {"ROPA_DATABASE_URL": url}
    facts = read_facts(url)
    spec = json.loads((ROOT / "openapi" / "openapi.json").read_text())
    bare = [measure_bare(args)]
    writes: list[WriteResult] = []
    if args.write_cycles:
        key = api_key(env)
        with serve("app.asgi:app", env) as server:
            try:
                writes = measure_writes(server, facts, key, args.write_cycles)
            except (RuntimeError, KeyError, OSError) as exc:  # reported, the GETs still run
                log(f"  writes failed: {exc}")
        log("  writes: " + ", ".join(f"{w.name} p50 {w.p50:.1f} ms" for w in writes))
    ops, missing = operations(facts, spec)
    if args.only:
        ops = [o for o in ops if re.search(args.only, o.name)]
    with serve("app.asgi:app", env) as server:
        rows = measure_gets(server, ops, args)
        lookups = measure_lookups(server, facts, args, work) if not args.only else None
        export = (
            measure_export(server, facts, args) if database == "SQLite" and not args.only else None
        )
    bare.append(measure_bare(args))
    return Run(database, scale, bare, rows, missing, lookups, export, writes)


# --- the report --------------------------------------------------------------------------------


def _n(x: float | None, fmt: str = ",.0f") -> str:
    return "" if x is None else format(x, fmt)


def _met(ok: bool) -> str:
    return "**met**" if ok else "**not met**"


def write_results(
    out: Path, runs: list[Run], registers: dict[int, dict], args: argparse.Namespace, took: float
) -> None:
    import fastapi
    import sqlalchemy
    import uvicorn

    wrk_version = subprocess.run(["wrk", "--version"], capture_output=True, text=True).stdout
    lines: list[str] = []
    add = lines.append
    add("# Benchmarks")
    add("")
    add("**How to run** (one command, from the repository root; it installs `wrk` with apt if")
    add("it is missing, makes the synthetic registers, runs everything, rewrites this file):")
    add("")
    add("```sh")
    add("bash bench/run.sh                      # everything (well under 15 minutes)")
    add("bash bench/run.sh --seconds 2 --no-postgres --scales 1   # a quick look")
    add("```")
    add("")
    add("Options: `--seconds N` per measured load (default 3), `--connections N` (32),")
    add("`--scales 1,100`, `--no-postgres`, `--postgres-url URL` (an admin URL; default")
    add("`postgresql+psycopg://postgres@127.0.0.1:5432/postgres`, or `$ROPA_BENCH_POSTGRES_URL`),")
    add("`--export-seconds N` (5), `--write-cycles N` (30), `--regenerate`, `--only REGEX`")
    add("(operations whose name matches), `--out FILE`. Registers are kept in `$BENCH_DIR`")
    add("(default `/tmp/ropa-bench`) while nothing they are made from changes; PostgreSQL")
    add("registers go to scratch databases `ropa_bench_<pid>_<scale>x`, dropped at the end.")
    add("")
    stamp = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    add(f"This run: {stamp}, {took / 60:.1f} minutes, `{' '.join(sys.argv[1:]) or '(defaults)'}`.")
    add("Compare **ratios** (to the bare app measured in the same run), not absolute numbers,")
    add("across machines or runs.")
    add("")
    add("## Machine and method")
    add("")
    add("| | |")
    add("|---|---|")
    add(f"| cpus | {os.cpu_count()} |")
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    add(f"| load average at the end (1, 5, 15 min) | {load} (a quiet machine: below 1) |")
    add(f"| python | {platform.python_version()} |")
    versions = f"{fastapi.__version__} / {uvicorn.__version__} / {sqlalchemy.__version__}"
    add(f"| fastapi / uvicorn / sqlalchemy | {versions} |")
    add(f"| load generator | {wrk_version.splitlines()[0] if wrk_version else 'wrk'} |")
    add(
        f"| load | `wrk -t1 -c{args.connections} -d{args.seconds}s --latency` on core 1; "
        "server `uvicorn --workers 1 --no-access-log` on core 0 |"
    )
    add("")
    add("- **bare**: `bench/bare.py` (one async route, tiny JSON, no middleware, no product code),")
    add("  served the same way, measured before and after each register's run; ratio = req/s ÷")
    add("  the mean of the two.")
    add("- **first (ms)**: a fresh server asks each operation a few *distinct* questions once each")
    add("  (different ids, filters or formats: none asked before, none repeated) before anything")
    add("  is repeated; `first` is the very first answer, `p50 first` the median of the distinct")
    add("  ones (how many in brackets). Targets: < 20 ms p50 at 1x.")
    add("- **req/s, p50, p99**: the operation's first question repeated under load.")
    add("- Write paths run first, on a copy of the register, sequentially on one connection; they")
    add("  leave a version 2 on a few services, which `…/diff` then compares.")
    add("")
    add("## Registers")
    add("")
    add("| register | services | activities | SQLite file MB | generated in (s) |")
    add("|---|---:|---:|---:|---:|")
    for scale, made in sorted(registers.items()):
        add(
            f"| {scale}x | {made['services']:,} | {made['activities']:,} | {made['mb']} "
            f"| {made['seconds']} |"
        )
    add("")
    add("Made by `python -m bench.synthetic --database-url URL --scale N` (deterministic, seed 1):")
    add("1x is the five seed notices (imported as `ropa seed load` does); Nx adds N-1 renamed")
    add("copies of each (new councils, services and GSS codes, a few more vocabulary terms per")
    add("activity), written through the product's one writer in bulk (`store.new_draft`,")
    add("`store.publish`, `store_row_sets`; no publishing checks or audit events). The")
    add("generation time is from when the register was made (kept in `$BENCH_DIR` between runs).")
    add("")
    by = {(r.database, r.scale): r for r in runs}
    for database in ("SQLite", "PostgreSQL"):
        scales = sorted(s for d, s in by if d == database)
        if not scales:
            continue
        add(f"## GET operations on {database}")
        add("")
        add(
            "Bare: "
            + "; ".join(
                f"{s}x run {statistics.mean(b.rps for b in by[(database, s)].bare):,.0f} req/s "
                f"({', '.join(f'{b.rps:,.0f}' for b in by[(database, s)].bare)})"
                for s in scales
            )
            + "."
        )
        add("")
        head = "| operation | path repeated |"
        rule = "|---|---|"
        for s in scales:
            head += f" {s}x req/s | {s}x ratio | {s}x p50 / p99 ms | {s}x first / p50 first ms |"
            rule += "---:|---:|---:|---:|"
        head += " p50 100x÷1x | targets |"
        rule += "---:|---|"
        add(head)
        add(rule)
        first_run = by[(database, scales[0])]
        for i, row in enumerate(first_run.rows):
            cells = [row.name, f"`{row.path}`"]
            verdicts: list[str] = []
            target = CACHED_TARGET if row.kind == "cached" else OTHER_TARGET
            p50s: dict[int, float] = {}
            for s in scales:
                run = by[(database, s)]
                r = run.rows[i] if i < len(run.rows) else None
                if r is None or r.load is None:
                    cells += [f"not measured: {r.note[:120]}" if r else "", "", "", ""]
                    continue
                ratio = r.load.rps / run.bare_rps
                p50s[s] = r.load.p50
                err = f" ({r.load.errors} errors)" if r.load.errors else ""
                cells += [
                    f"{r.load.rps:,.0f}{err}",
                    f"{ratio:.2f}",
                    f"{r.load.p50:.1f} / {r.load.p99:.1f}",
                    (
                        f"{r.first_ms:.1f} / {r.first_p50:.1f} ({r.firsts})"
                        if r.first_ms is not None
                        else "(repeat only)"
                    ),
                ]
                verdicts.append(f"{s}x ≥ {target}x: {_met(ratio >= target and not r.load.errors)}")
                if s == 1 and r.first_p50 is not None:
                    verdicts.append(f"first < 20 ms: {_met(r.first_p50 < 20)}")
            if len(p50s) >= 2 and p50s.get(1) and max(p50s) != 1:
                growth = p50s[max(p50s)] / p50s[1]
                cells.append(f"{growth:.2f}")
                verdicts.append(f"≤ 1.5: {_met(growth <= 1.5)}")
            else:
                cells.append("")
            cells.append("; ".join(verdicts))
            add("| " + " | ".join(cells) + " |")
        add("")
        for s in scales:
            missing = by[(database, s)].missing
            if missing:
                add(
                    f"Not measured ({s}x: public GETs of the contract with no plan in "
                    "`bench/run.py`): " + ", ".join(f"`{m}`" for m in missing)
                )
                add("")
        add(
            "Not measured as public reads (they need a key): "
            + ", ".join(f"`{m}`" for m in sorted(NEEDS_KEY))
        )
        add("")
        add(f"### Lawful-basis answers never asked before ({database})")
        add("")
        add(
            "| register | distinct questions | requests | repeated | req/s | ratio | p50 ms "
            "| p99 ms | target ≥ 0.25x, p99 < 20 ms |"
        )
        add("|---|---:|---:|---:|---:|---:|---:|---:|---|")
        for s in scales:
            run = by[(database, s)]
            if not run.lookups:
                continue
            lk, load = run.lookups, run.lookups["load"]
            ratio = load.rps / run.bare_rps
            err = f" ({load.errors} errors)" if load.errors else ""
            add(
                f"| {s}x | {lk['distinct']:,} | {load.requests:,} | {lk['repeated']:,} "
                f"| {load.rps:,.0f}{err} | {ratio:.2f} | {load.p50:.1f} | {load.p99:.1f} "
                f"| ratio {_met(ratio >= LOOKUP_TARGET)}, p99 {_met(load.p99 < 20)} |"
            )
        add("")
        add("`repeated` counts requests beyond the distinct questions (answers that may have been")
        add("kept from earlier in the run); it should be 0.")
        add("")
        writes = [(s, by[(database, s)].writes) for s in scales if by[(database, s)].writes]
        if writes:
            add(f"### Write paths ({database}, sequential, one connection)")
            add("")
            add("| register | operation | count | per s | p50 ms | p99 ms |")
            add("|---|---|---:|---:|---:|---:|")
            for s, ws in writes:
                for w in ws:
                    add(
                        f"| {s}x | {w.name} | {len(w.times)} | {w.per_s:,.1f} "
                        f"| {w.p50:.1f} | {w.p99:.1f} |"
                    )
            add("")
        exports = [(s, by[(database, s)].export) for s in scales if by[(database, s)].export]
        if exports:
            add(f"### ROPA CSV export ({database})")
            add("")
            add(
                "| register | rows per export | exports | rows/s | first export rows/s "
                "| RSS before MB | RSS growth MB | small export (one council): first byte ms, "
                "first / p50 of 5 | targets |"
            )
            add("|---|---:|---:|---:|---:|---:|---:|---:|---|")
            for s, e in exports:
                verdict = f"first byte < 50 ms: {_met(e['ttfb_first_ms'] < 50)}"
                if s == max(scales):
                    verdict = (
                        f"≥ 150,000 rows/s: {_met(e['rows_per_s'] >= 150000)}; "
                        f"RSS < 50 MB: {_met(e['rss_growth_mb'] < 50)}; " + verdict
                    )
                add(
                    f"| {s}x | {e['rows_per_export']:,} | {e['exports']} | {e['rows_per_s']:,.0f} "
                    f"| {e['first_rows_per_s']:,.0f} | {e['rss_before_mb']:.0f} "
                    f"| {e['rss_growth_mb']:.1f} "
                    f"| {e['ttfb_first_ms']:.1f} / {e['ttfb_p50_ms']:.1f} | {verdict} |"
                )
            add("")
    notes = BENCH / "NOTES.md"
    if notes.exists():
        add("## Notes (bench/NOTES.md)")
        add("")
        add("What was changed for speed, each with its measured ratio, is in `bench/NOTES.md`.")
        add("")
    out.write_text("\n".join(lines) + "\n")


# --- main --------------------------------------------------------------------------------------


def main() -> None:
    parser = argparse.ArgumentParser(description="The benchmarks; rewrites bench/RESULTS.md.")
    parser.add_argument("--seconds", type=float, default=3)
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--scales", default="1,100")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--no-postgres", action="store_true")
    parser.add_argument(
        "--postgres-url",
        default=os.environ.get(
            "ROPA_BENCH_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
        ),
    )
    parser.add_argument("--export-seconds", type=float, default=5)
    parser.add_argument("--write-cycles", type=int, default=30)
    parser.add_argument("--regenerate", action="store_true")
    parser.add_argument("--only", default=None, help="only operations whose name matches")
    parser.add_argument("--out", type=Path, default=BENCH / "RESULTS.md")
    args = parser.parse_args()
    started = time.perf_counter()
    ensure_wrk()
    bench_dir = Path(os.environ.get("BENCH_DIR", "/tmp/ropa-bench"))
    bench_dir.mkdir(parents=True, exist_ok=True)
    work = bench_dir / f"run-{os.getpid()}"
    work.mkdir(exist_ok=True)
    scales = [int(s) for s in args.scales.split(",")]
    runs: list[Run] = []
    registers: dict[int, dict] = {}
    pg_dbs: list[str] = []
    try:
        for scale in scales:
            path, made = sqlite_register(bench_dir, scale, args.seed, args.regenerate)
            registers[scale] = made
            log(f"SQLite {scale}x: {made['services']} services, {made['activities']} activities")
            url = working_copy(path, work, f"{scale}x")
            runs.append(run_register("SQLite", url, scale, args, work))
        if not args.no_postgres:
            for scale in scales:
                name = f"ropa_bench_{os.getpid()}_{scale}x"
                pg_admin(args.postgres_url, f'CREATE DATABASE "{name}"')
                pg_dbs.append(name)
                url = pg_url(args.postgres_url, name)
                log(f"PostgreSQL {scale}x: generating {name}")
                made = generate(url, scale, args.seed)
                log(f"  made in {made['seconds']} s")
                runs.append(run_register("PostgreSQL", url, scale, args, work))
    finally:
        for name in pg_dbs:
            with contextlib.suppress(Exception):
                pg_admin(args.postgres_url, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        shutil.rmtree(work, ignore_errors=True)
    write_results(args.out, runs, registers, args, time.perf_counter() - started)
    log(f"wrote {args.out} in {(time.perf_counter() - started) / 60:.1f} min")


if __name__ == "__main__":
    main()
