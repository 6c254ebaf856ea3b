"""The benchmarks: builds the synthetic registers, runs the load, writes ``bench/RESULTS.md``.

Run from the repository root: ``bash bench/run.sh`` (about 8 minutes). Everything runs on this
machine against 127.0.0.1 only, with bounded durations and connections. Results are ratios to
a bare FastAPI endpoint measured in the same run, because absolute numbers vary by machine
and by run (see ``shared/reference/performance.md``).

Load generator: ``wrk`` (Debian package) when it is installed, else a bounded Python generator
(threads with keep-alive connections; far weaker than wrk, so its ratios are pessimistic).
Databases go to ``$BENCH_DIR`` (default ``/tmp/ropa-bench``), never into the repository.
"""

from __future__ import annotations

import argparse
import contextlib
import http.client
import json
import os
import platform
import random
import re
import shlex
import shutil
import signal
import sqlite3
import statistics
import subprocess
import sys
import threading
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT / "bench"
BIN = Path(sys.executable).parent
HOST = "127.0.0.1"
SERVICE = "camden-early-help"  # a real seed notice: the rendered/JSON notice benchmarks
SIZES = {"1x": (4, 25, 10), "10x": (40, 25, 10), "100x": (400, 25, 10)}
TWO_CORES = (os.cpu_count() or 1) >= 2


# --- load generation ---------------------------------------------------------------------------


@dataclass
class Load:
    name: str
    rps: float
    p50: float  # milliseconds
    p99: float
    requests: int
    errors: int
    command: str
    extra: dict[str, object] = field(default_factory=dict)


_UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0}


def _ms(text: str) -> float:
    value, unit = re.fullmatch(r"([\d.]+)(us|ms|s)", text.strip()).groups()  # type: ignore[union-attr]
    return float(value) * _UNITS[unit]


def wrk(
    name: str,
    url: str,
    *,
    seconds: int,
    connections: int,
    paths: Path | None = None,
    headers: dict[str, str] | None = None,
    pin: bool = True,
) -> Load:
    if shutil.which("wrk") is None:
        return python_load(
            name, url, seconds=seconds, connections=connections, paths=paths, headers=headers
        )
    command = ["wrk", "-t1", f"-c{connections}", f"-d{seconds}s", "--latency"]
    if paths is not None:
        command += ["-s", str(BENCH / "rotate.lua")]
    for key, value in (headers or {}).items():
        command += ["-H", f"{key}: {value}"]
    command.append(url)
    if pin and TWO_CORES:
        command = ["taskset", "-c", "1", *command]
    env = {**os.environ, **({"PATHS": str(paths)} if paths else {})}
    out = subprocess.run(command, capture_output=True, text=True, env=env, check=True).stdout
    latency = dict(re.findall(r"^\s+(50|99)%\s+(\S+)\s*$", out, re.M))
    requests = int(re.search(r"(\d+) requests in", out).group(1))  # type: ignore[union-attr]
    errors = sum(int(n) for n in re.findall(r"Non-2xx or 3xx responses: (\d+)", out))
    socket = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out)
    if socket:
        errors += sum(int(n) for n in socket.groups())
    shown = (f"PATHS={paths} " if paths else "") + shlex.join(command)
    return Load(
        name=name,
        rps=float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1)),  # type: ignore[union-attr]
        p50=_ms(latency["50"]),
        p99=_ms(latency["99"]),
        requests=requests,
        errors=errors,
        command=shown.replace(str(ROOT) + "/", ""),
    )


def python_load(
    name: str,
    url: str,
    *,
    seconds: int,
    connections: int,
    paths: Path | None = None,
    headers: dict[str, str] | None = None,
) -> Load:
    """A bounded generator: ``connections`` threads, keep-alive, for ``seconds``."""
    base = url.split("//", 1)[1]
    hostport, _, first = base.partition("/")
    host, port = hostport.split(":")
    targets: list[tuple[str, str]] = []
    if paths is not None:
        for line in paths.read_text().splitlines():
            path, _, tag = line.partition("\t")
            targets.append((path, tag))
    else:
        targets.append(("/" + first, ""))
    deadline = time.monotonic() + seconds
    latencies: list[list[float]] = [[] for _ in range(connections)]
    errors = [0] * connections

    def client(n: int) -> None:
        conn = http.client.HTTPConnection(host, int(port), timeout=30)
        i = n * 7919
        while time.monotonic() < deadline:
            path, tag = targets[i % len(targets)]
            i += 1
            sent = dict(headers or {})
            if tag:
                sent["If-None-Match"] = tag
            started = time.perf_counter()
            try:
                conn.request("GET", path, headers=sent)
                response = conn.getresponse()
                response.read()
                if response.status >= 400:
                    errors[n] += 1
            except OSError:
                errors[n] += 1
                conn = http.client.HTTPConnection(host, int(port), timeout=30)
            latencies[n].append((time.perf_counter() - started) * 1000)

    threads = [threading.Thread(target=client, args=(n,)) for n in range(connections)]
    started = time.monotonic()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.monotonic() - started
    flat = sorted(x for per in latencies for x in per)
    return Load(
        name=name,
        rps=len(flat) / elapsed,
        p50=flat[len(flat) // 2],
        p99=flat[min(len(flat) - 1, int(len(flat) * 0.99))],
        requests=len(flat),
        errors=sum(errors),
        command=f"python load generator, {connections} connections, {seconds}s, {url}",
    )


# --- the server --------------------------------------------------------------------------------


@dataclass
class Server:
    process: subprocess.Popen[bytes]
    port: int
    workers: int
    command: str

    @property
    def url(self) -> str:
        return f"http://{HOST}:{self.port}"

    def get(self, path: str, headers: dict[str, str] | None = None) -> tuple[int, bytes, dict]:
        request = urllib.request.Request(self.url + path, headers=headers or {})
        try:
            with urllib.request.urlopen(request, timeout=60) as response:
                return response.status, response.read(), dict(response.headers)
        except urllib.error.HTTPError as exc:
            return exc.code, exc.read(), dict(exc.headers)

    def pids(self) -> list[int]:
        """The worker processes (the process itself for one worker)."""
        if self.workers == 1:
            return [self.process.pid]
        children = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children")
        return [int(p) for p in children.read_text().split()] if children.exists() else []


def rss_kb(pid: int, field_name: str = "VmRSS") -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(field_name + ":"):
            return int(line.split()[1])
    return 0


@contextmanager
def server(
    db: Path, *, workers: int, port: int, env: dict[str, str] | None = None
) -> Iterator[Server]:
    command = [
        str(BIN / "uvicorn"),
        "bench.app:app",
        "--host",
        HOST,
        "--port",
        str(port),
        "--workers",
        str(workers),
        "--no-access-log",
        "--log-level",
        "warning",
    ]
    if workers == 1 and TWO_CORES:
        command = ["taskset", "-c", "0", *command]
    knobs = " ".join(f"{k}={v}" for k, v in (env or {}).items())
    shown = f"ROPA_DATABASE_URL=sqlite:///{db} {knobs} " + " ".join(command).replace(
        str(BIN) + "/", ""
    )
    process = subprocess.Popen(
        command,
        cwd=ROOT,
        env={**os.environ, "ROPA_DATABASE_URL": f"sqlite:///{db}", **(env or {})},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    running = Server(process, port, workers, " ".join(shown.split()))
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                if running.get("/healthz")[0] == 200:
                    break
            except OSError:
                pass
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"uvicorn did not start: {process.stderr.read().decode()}")  # type: ignore[union-attr]
            time.sleep(0.2)
        if workers > 1:
            while len(running.pids()) < workers and time.monotonic() < deadline:
                time.sleep(0.2)
            time.sleep(1.0)
        yield running
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


# --- the registers and the request paths -------------------------------------------------------


def build(db: Path, councils: int, services: int, activities: int) -> dict[str, object]:
    for suffix in ("", "-wal", "-shm"):
        Path(str(db) + suffix).unlink(missing_ok=True)
    env = {**os.environ, "ROPA_DATABASE_URL": f"sqlite:///{db}"}
    subprocess.run([str(BIN / "ropa"), "seed", "load"], env=env, check=True, capture_output=True)
    started = time.perf_counter()
    out = subprocess.run(
        [
            str(BIN / "ropa"),
            "seed",
            "synthetic",
            "--councils",
            str(councils),
            "--services",
            str(services),
            "--activities",
            str(activities),
            "--seed",
            "1",
        ],
        env=env,
        check=True,
        capture_output=True,
        text=True,
    ).stdout.strip()
    seconds = time.perf_counter() - started
    with sqlite3.connect(db) as conn:
        activities_total = conn.execute("SELECT count(*) FROM activity").fetchone()[0]
        links = conn.execute("SELECT count(*) FROM party_link").fetchone()[0]
    return {
        "db": str(db),
        "output": out,
        "seconds": seconds,
        "activities": activities_total,
        "party_links": links,
        "megabytes": db.stat().st_size / 1e6,
        "command": f"ROPA_DATABASE_URL=sqlite:///{db} ropa seed load && "
        f"ROPA_DATABASE_URL=sqlite:///{db} ropa seed synthetic --councils {councils} "
        f"--services {services} --activities {activities} --seed 1",
    }


def lookup_paths(db: Path, n: int, seed: int) -> list[str]:
    """Lawful-basis lookups spread over the register's services (deterministic).

    Half ask about a recipient and a category that an activity of the service lists (so the
    answer is documented, or documented only for a narrower category when the broader one is
    asked), half about a random recipient and category (mostly not documented).
    """
    rng = random.Random(seed)
    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    services = [
        r[0]
        for r in conn.execute(
            "SELECT DISTINCT service_id FROM notice_version WHERE status = 'published' "
            "ORDER BY service_id"
        )
    ]
    recipients = [r[0] for r in conn.execute("SELECT slug FROM party WHERE slug != 'data-subject'")]
    categories = [r[0] for r in conn.execute("SELECT slug FROM data_category")]
    out = []
    for i in range(n):
        service = rng.choice(services)
        row = None
        if i % 2 == 0:
            row = conn.execute(
                "SELECT pl.party, adc.category FROM notice_version nv "
                "JOIN activity a ON a.notice_version_id = nv.id "
                "JOIN party_link pl ON pl.activity_id = a.id AND pl.role = 'recipient' "
                "JOIN activity_data_category adc ON adc.activity_id = a.id "
                "WHERE nv.service_id = ? AND nv.status = 'published' "
                "ORDER BY a.id, pl.position, adc.position LIMIT 1 OFFSET ?",
                (service, rng.randrange(20)),
            ).fetchone()
        recipient, category = row or (rng.choice(recipients), rng.choice(categories))
        if row and rng.random() < 0.3 and "." in category:
            category = category.rsplit(".", 1)[0]
        out.append(
            f"/v1/services/{service}/lawful-basis?recipient={recipient}&data_category={category}"
        )
    conn.close()
    return out


def synthetic_services(db: Path, n: int) -> list[str]:
    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    services = [
        r[0]
        for r in conn.execute(
            "SELECT DISTINCT service_id FROM notice_version WHERE service_id LIKE 'synthetic-%' "
            "ORDER BY service_id"
        )
    ]
    conn.close()
    return random.Random(3).sample(services, min(n, len(services)))


def write_paths(path: Path, lines: list[str]) -> Path:
    path.write_text("\n".join(lines) + "\n")
    return path


def warm(
    srv: Server, paths: Path, seconds: int, connections: int = 16, settle_ms: float | None = None
) -> None:
    """Load for ``seconds``; with ``settle_ms``, go on in 3 s passes (up to a minute more) until
    a pass's p99 is under it, i.e. until every worker answers every path from its caches."""
    wrk("warm-up", srv.url, seconds=seconds, connections=connections, paths=paths)
    for _ in range(20 if settle_ms else 0):
        if wrk("warm-up", srv.url, seconds=3, connections=connections, paths=paths).p99 < settle_ms:
            return


# --- the export --------------------------------------------------------------------------------


def export(srv: Server, fmt: str = "csv") -> dict[str, object]:
    """Stream the whole register's export; time to first byte, rows/s, the server's RSS."""
    pid = srv.pids()[0]
    before = rss_kb(pid)
    with contextlib.suppress(OSError):  # reset the peak (VmHWM) to the current RSS
        Path(f"/proc/{pid}/clear_refs").write_text("5")
    samples: list[int] = []
    done = threading.Event()

    def sample() -> None:
        while not done.is_set():
            samples.append(rss_kb(pid))
            time.sleep(0.02)

    sampler = threading.Thread(target=sample)
    sampler.start()
    conn = http.client.HTTPConnection(HOST, srv.port, timeout=120)
    started = time.perf_counter()
    conn.request("GET", f"/v1/ropa?format={fmt}")
    response = conn.getresponse()
    first_byte: float | None = None
    size = lines = 0
    tail = b""
    while True:
        chunk = response.read1(1 << 16)
        if not chunk:
            break
        if first_byte is None:
            first_byte = time.perf_counter() - started
        size += len(chunk)
        lines += chunk.count(b"\r\n")
        tail = (tail + chunk)[-200:]
    total = time.perf_counter() - started
    done.set()
    sampler.join()
    peak = max(rss_kb(pid, "VmHWM"), *samples)
    if fmt == "csv":
        rows = lines - 1  # the header
    else:  # the JSON export ends with its row count
        found = re.search(rb'"row_count":(\d+)', tail)
        rows = int(found.group(1)) if found else -1
    return {
        "status": response.status,
        "rows": rows,
        "bytes": size,
        "ttfb_ms": (first_byte or 0) * 1000,
        "seconds": total,
        "rows_per_s": rows / total,
        "rss_before_mb": before / 1024,
        "rss_peak_mb": peak / 1024,
        "rss_after_mb": rss_kb(pid) / 1024,
        "rss_growth_mb": (peak - before) / 1024,
    }


# --- the report --------------------------------------------------------------------------------


def machine() -> dict[str, str]:
    cpuinfo = Path("/proc/cpuinfo").read_text()
    model = re.search(r"model name\s*:\s*(.*)", cpuinfo)
    mem = re.search(r"MemTotal:\s*(\d+)", Path("/proc/meminfo").read_text())

    def version(module: str) -> str:
        from importlib.metadata import version as v

        try:
            return v(module)
        except Exception:
            return "?"

    wrk_version = ""
    if shutil.which("wrk"):
        wrk_version = subprocess.run(["wrk", "-v"], capture_output=True, text=True).stdout.split(
            "\n"
        )[0]
    return {
        "cpus (nproc)": str(os.cpu_count()),
        "cpu model": model.group(1).strip() if model else "?",
        "memory": f"{int(mem.group(1)) / 1024 / 1024:.1f} GiB" if mem else "?",
        "kernel": platform.release(),
        "python": platform.python_version(),
        "fastapi": version("fastapi"),
        "starlette": version("starlette"),
        "uvicorn": version("uvicorn"),
        "uvloop / httptools": f"{version('uvloop')} / {version('httptools')}",
        "pydantic": version("pydantic"),
        "sqlalchemy / sqlmodel": f"{version('sqlalchemy')} / {version('sqlmodel')}",
        "sqlite": sqlite3.sqlite_version,
        "load generator": wrk_version or "python (wrk not installed)",
    }


def verdict(ok: bool) -> str:
    return "**met**" if ok else "**missed**"


def row(load: Load, baseline: float, target: str = "", ok: bool | None = None) -> str:
    ratio = load.rps / baseline if baseline else 0
    mark = "" if ok is None else f"{target}: {verdict(ok)}"
    return (
        f"| {load.name} | {load.rps:,.0f} | {load.p50:.2f} | {load.p99:.2f} | {ratio:.2f} | "
        f"{load.errors} | {mark} |"
    )


TABLE_HEAD = (
    "| scenario | req/s | p50 ms | p99 ms | ratio to baseline | errors | target |\n"
    "|---|---:|---:|---:|---:|---:|---|"
)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seconds", type=int, default=10, help="each measured run")
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--soak-seconds", type=int, default=60)
    parser.add_argument(
        "--soak-warmup", type=int, default=90, help="the same mix first, until caches are full"
    )
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--out", type=Path, default=BENCH / "RESULTS.md")
    args = parser.parse_args()
    secs, conns, port = args.seconds, args.connections, args.port
    workdir = Path(os.environ.get("BENCH_DIR", "/tmp/ropa-bench"))
    workdir.mkdir(parents=True, exist_ok=True)
    began = time.monotonic()
    log = print

    # 1. the registers
    registers = {}
    for size, (councils, services, activities) in SIZES.items():
        log(f"building the {size} register ({councils}x{services}x{activities}) ...")
        registers[size] = build(workdir / f"register-{size}.db", councils, services, activities)
    big = Path(str(registers["100x"]["db"]))

    # 2. request paths
    warm_lookups = write_paths(workdir / "lookups-2000.txt", lookup_paths(big, 2000, seed=42))
    cold_lookups = write_paths(workdir / "lookups-40000.txt", lookup_paths(big, 40000, seed=7))
    sample_services = synthetic_services(big, 300)
    notices = write_paths(
        workdir / "notices-300.txt", [f"/v1/services/{s}/notice" for s in sample_services]
    )
    renders = write_paths(
        workdir / "renders-300.txt", [f"/v1/services/{s}/notice/render" for s in sample_services]
    )

    one = write_paths(
        workdir / "one-service.txt",
        [f"/v1/services/{SERVICE}/notice", f"/v1/services/{SERVICE}/notice/render"],
    )

    results: dict[int, dict[str, Load]] = {}
    extra: dict[str, object] = {}
    commands: dict[str, str] = {}
    for workers in (1, 2):
        log(f"throughput, {workers} worker(s) ...")
        runs: dict[str, Load] = {}
        pin = workers == 1
        with server(big, workers=workers, port=port) as srv:
            commands[f"server-{workers}"] = srv.command
            # fill the caches of every worker: the notices in both representations, the answers
            warm(srv, one, 2, settle_ms=20)
            warm(srv, notices, 4, settle_ms=20)
            warm(srv, renders, 6, settle_ms=20)
            warm(srv, warm_lookups, 8, settle_ms=20)
            etag = srv.get(f"/v1/services/{SERVICE}/notice/render")[2]["etag"]
            url = srv.url
            runs["baseline"] = wrk(
                "baseline: bare FastAPI endpoint, tiny JSON (async def)",
                f"{url}/bench/baseline",
                seconds=secs,
                connections=conns,
                pin=pin,
            )
            runs["baseline-sync"] = wrk(
                "reference: the same as a def route (threadpool)",
                f"{url}/bench/baseline-sync",
                seconds=secs,
                connections=conns,
                pin=pin,
            )
            runs["db-connect"] = wrk(
                "reference: a def route running SELECT 1 on a connection of its own",
                f"{url}/bench/db-connect",
                seconds=secs,
                connections=conns,
                pin=pin,
            )
            runs["db-session"] = wrk(
                "reference: the same through the SQLModel session dependency",
                f"{url}/bench/db-session",
                seconds=secs,
                connections=conns,
                pin=pin,
            )
            runs["render"] = wrk(
                f"rendered notice HTML, one service ({SERVICE}), cached",
                f"{url}/v1/services/{SERVICE}/notice/render",
                seconds=secs,
                connections=conns,
                pin=pin,
            )
            runs["304"] = wrk(
                "rendered notice, If-None-Match revalidation (304)",
                f"{url}/v1/services/{SERVICE}/notice/render",
                seconds=secs,
                connections=conns,
                headers={"If-None-Match": etag},
                pin=pin,
            )
            runs["render-many"] = wrk(
                "rendered notice HTML, 300 synthetic services in turn",
                url,
                seconds=secs,
                connections=conns,
                paths=renders,
                pin=pin,
            )
            runs["notice"] = wrk(
                f"notice document JSON, one service ({SERVICE}), cached",
                f"{url}/v1/services/{SERVICE}/notice",
                seconds=secs,
                connections=conns,
                pin=pin,
            )
            runs["notice-many"] = wrk(
                "notice document JSON, 300 synthetic services in turn",
                url,
                seconds=secs,
                connections=conns,
                paths=notices,
                pin=pin,
            )
            runs["lookup"] = wrk(
                "lawful-basis lookup, 2,000 questions in turn (answers cached)",
                url,
                seconds=secs,
                connections=conns,
                paths=warm_lookups,
                pin=pin,
            )
            runs["baseline-end"] = wrk(
                "baseline again, at the end of the run",
                f"{url}/bench/baseline",
                seconds=secs,
                connections=conns,
                pin=pin,
            )
        with server(
            big, workers=workers, port=port, env={"ROPA_BENCH_NO_ANSWER_CACHE": "1"}
        ) as srv:
            commands[f"server-nocache-{workers}"] = srv.command
            warm(srv, cold_lookups, 3)
            runs["lookup-cold"] = wrk(
                "lawful-basis lookup, every answer computed (40,000 questions, no answer cache)",
                srv.url,
                seconds=secs,
                connections=conns,
                paths=cold_lookups,
                pin=pin,
            )
            if workers == 1:
                runs["lookup-cold-c4"] = wrk(
                    "the same, 4 connections (latency below saturation)",
                    srv.url,
                    seconds=secs,
                    connections=4,
                    paths=cold_lookups,
                    pin=pin,
                )
        if workers == 1:
            with server(
                big,
                workers=1,
                port=port,
                env={"ROPA_BENCH_NO_ANSWER_CACHE": "1", "ROPA_GC_THRESHOLD": "[700, 10, 10]"},
            ) as srv:
                commands["server-gc"] = srv.command
                warm(srv, cold_lookups, 3)
                runs["lookup-cold-gc"] = wrk(
                    "the same, 32 connections, with Python's own GC thresholds (700, 10, 10)",
                    srv.url,
                    seconds=secs,
                    connections=conns,
                    paths=cold_lookups,
                    pin=pin,
                )
        results[workers] = runs

    # 3. the export
    log("export ...")
    with server(big, workers=1, port=port) as srv:
        srv.get("/v1/services")  # vocabularies and the engine are warm; the export is not
        extra["export"] = export(srv, "csv")
        extra["export-json"] = export(srv, "json")

    # 4. register size
    log("register size ...")
    scale: dict[str, dict[str, Load]] = {}
    for size, info in registers.items():
        db = Path(str(info["db"]))
        paths = write_paths(workdir / f"lookups-{size}.txt", lookup_paths(db, 4000, seed=11))
        with server(db, workers=1, port=port, env={"ROPA_BENCH_NO_ANSWER_CACHE": "1"}) as srv:
            warm(srv, paths, 2, connections=4)
            scale[size] = {
                "c1": wrk(f"{size} c1", srv.url, seconds=5, connections=1, paths=paths),
                "c32": wrk(f"{size} c32", srv.url, seconds=5, connections=conns, paths=paths),
            }
        with server(db, workers=1, port=port) as srv:
            warm(srv, paths, 6, connections=16)
            scale[size]["warm"] = wrk(
                f"{size} warm", srv.url, seconds=5, connections=1, paths=paths
            )

    # 5. the soak
    log("soak ...")
    rng = random.Random(5)
    lookups_2000 = warm_lookups.read_text().split()
    cold_40000 = cold_lookups.read_text().split()
    mixed: list[str] = []
    with server(big, workers=1, port=port) as srv:
        tags = {
            s: srv.get(f"/v1/services/{s}/notice/render")[2]["etag"] for s in sample_services[:200]
        }
        for i in range(20000):
            pick = rng.random()
            if pick < 0.35:
                mixed.append(rng.choice(lookups_2000))
            elif pick < 0.45:
                mixed.append(cold_40000[i])
            elif pick < 0.65:
                mixed.append(f"/v1/services/{rng.choice(sample_services)}/notice")
            elif pick < 0.80:
                mixed.append(f"/v1/services/{rng.choice(sample_services)}/notice/render")
            elif pick < 0.92:
                service = rng.choice(sample_services[:200])
                mixed.append(f"/v1/services/{service}/notice/render\t{tags[service]}")
            elif pick < 0.96:
                mixed.append(f"/v1/services?limit=20&offset={rng.randrange(9000)}")
            else:
                mixed.append(
                    f"/v1/activities/{rng.choice(sample_services)}.activity-0{rng.randrange(1, 10)}"
                )
        mixed_paths = write_paths(workdir / "soak-mixed.txt", mixed)
        pid = srv.pids()[0]
        rss: list[tuple[float, int]] = []
        stop = threading.Event()

        def sample() -> None:
            t0 = time.monotonic()
            while not stop.is_set():
                rss.append((time.monotonic() - t0, rss_kb(pid)))
                stop.wait(1.0)

        sampler = threading.Thread(target=sample)
        sampler.start()
        warmup = wrk(
            "soak warm-up", srv.url, seconds=args.soak_warmup, connections=conns, paths=mixed_paths
        )
        pool_before = json.loads(srv.get("/bench/pool")[1])
        soak = wrk(
            f"soak: {args.soak_seconds}s, mixed read traffic",
            srv.url,
            seconds=args.soak_seconds,
            connections=conns,
            paths=mixed_paths,
        )
        stop.set()
        sampler.join()
        time.sleep(1.5)
        pool_after = json.loads(srv.get("/bench/pool")[1])
    extra["soak"] = {
        "load": soak,
        "warmup": warmup,
        "rss": rss,
        "pool_before": pool_before,
        "pool_after": pool_after,
    }

    report(args, registers, results, extra, scale, commands, time.monotonic() - began)
    log(f"wrote {args.out} in {time.monotonic() - began:.0f}s")


def report(args, registers, results, extra, scale, commands, elapsed) -> None:  # type: ignore[no-untyped-def]
    secs, conns = args.seconds, args.connections
    out: list[str] = []
    w = out.append
    w("# Benchmarks\n")
    w(
        f"Generated by `bash bench/run.sh` (`PYTHON={sys.executable} bash bench/run.sh`) on "
        f"{datetime.now(UTC):%Y-%m-%d %H:%M} UTC "
        f"({elapsed / 60:.1f} minutes). Every number below comes from that one run on this "
        "machine; compare the **ratios** (to the bare endpoint, measured in the same run), not "
        "the absolute numbers, across machines or runs (noise between runs is ±10-25 %).\n"
    )
    w("## Machine\n")
    w("| | |\n|---|---|")
    for key, value in machine().items():
        w(f"| {key} | {value} |")
    w("")
    w("## Method\n")
    w(
        f"- Load: `wrk -t1 -c{conns} -d{secs}s --latency` against 127.0.0.1 only (bounded: "
        f"{secs} s per run, {conns} connections); paths in turn from a file with "
        "`bench/rotate.lua`. One worker: uvicorn pinned to core 0 (`taskset -c 0`), wrk to "
        "core 1. Two workers: `--workers 2`, not pinned (the two workers and wrk share the two "
        "cores, so two-worker numbers are bounded by the machine, not the service)."
    )
    w(
        "- Server: `uvicorn bench.app:app --no-access-log` (the access log costs 25-33 % on "
        "light endpoints); `bench/app.py` is the product app (`app.main.create_app`) plus the "
        "baseline route, which exists only there."
    )
    w(
        "- Register: the five real seed notices plus a synthetic register (`ropa seed "
        "synthetic`): 400 councils x 25 services x 10 activities = 100,000 activities "
        "(deterministic, seed 1), in SQLite files under `/tmp/ropa-bench`."
    )
    w(
        "- Caches are warmed before each measured run (a published version's bytes and answers "
        "are made once, then served); the *uncached* lookup runs set "
        "`ROPA_BENCH_NO_ANSWER_CACHE=1` so every answer is computed from the database."
    )
    w("")
    w("## Registers\n")
    w(
        "| size | activities | party links | file MB | generated in | command |\n"
        "|---|---:|---:|---:|---:|---|"
    )
    for size, info in registers.items():
        w(
            f"| {size} | {info['activities']:,} | {info['party_links']:,} | "
            f"{info['megabytes']:.0f} | {info['seconds']:.1f} s | `{info['command']}` |"
        )
    w("")
    for workers, runs in results.items():
        base = statistics.mean([runs["baseline"].rps, runs["baseline-end"].rps])
        one = workers == 1
        w(f"## Throughput, {workers} worker{'s' if workers > 1 else ''}\n")
        w(
            f"Baseline = mean of the two baseline runs: {base:,.0f} req/s. Targets apply to one "
            "worker.\n"
        )
        w(TABLE_HEAD)
        w(row(runs["baseline"], base))
        w(row(runs["baseline-end"], base))
        w(row(runs["baseline-sync"], base))
        w(row(runs["db-connect"], base))
        w(row(runs["db-session"], base))
        t = (lambda ok: ok) if one else (lambda ok: None)
        w(row(runs["render"], base, "≥ 0.8x", t(runs["render"].rps >= 0.8 * base)))
        w(row(runs["304"], base, "≥ 0.8x", t(runs["304"].rps >= 0.8 * base)))
        w(row(runs["render-many"], base, "≥ 0.8x", t(runs["render-many"].rps >= 0.8 * base)))
        w(row(runs["notice"], base, "≥ 0.6x", t(runs["notice"].rps >= 0.6 * base)))
        w(row(runs["notice-many"], base, "≥ 0.6x", t(runs["notice-many"].rps >= 0.6 * base)))
        lookup_ok = runs["lookup"].rps >= 0.5 * base and runs["lookup"].p99 < 20
        w(row(runs["lookup"], base, "≥ 0.5x, p99 < 20 ms", t(lookup_ok)))
        cold = runs["lookup-cold"]
        w(row(cold, base, "≥ 0.5x, p99 < 20 ms", t(cold.rps >= 0.5 * base and cold.p99 < 20)))
        for key in ("lookup-cold-c4", "lookup-cold-gc"):
            if key in runs:
                w(row(runs[key], base))
        w("")
    e = extra["export"]
    ej = extra["export-json"]
    w("## ROPA export of the whole register (one worker)\n")
    w(
        "A Python client streams `GET /v1/ropa?format=csv` (then `json`) and counts rows as "
        "they arrive; the server's RSS is read from `/proc/<pid>/status` every 20 ms, and its "
        "peak (`VmHWM`, reset through `/proc/<pid>/clear_refs` just before) after.\n"
    )
    w(
        "| format | rows | MB | time to first byte | total | rows/s | RSS before | RSS peak "
        "| growth | target |"
    )
    w("|---|---:|---:|---:|---:|---:|---:|---:|---:|---|")
    for name, x in (("csv", e), ("json", ej)):
        target = (
            f"≥ 50,000 rows/s: {verdict(x['rows_per_s'] >= 50000)}; growth < 50 MB: "
            f"{verdict(x['rss_growth_mb'] < 50)}"
            if name == "csv"
            else ""
        )
        w(
            f"| {name} | {x['rows']:,} | {x['bytes'] / 1e6:.0f} | {x['ttfb_ms']:.0f} ms | "
            f"{x['seconds']:.2f} s | {x['rows_per_s']:,.0f} | {x['rss_before_mb']:.0f} MB | "
            f"{x['rss_peak_mb']:.0f} MB | {x['rss_growth_mb']:.1f} MB | {target} |"
        )
    w("")
    w("## Lookup latency by register size (one worker)\n")
    w(
        "The same kind of lawful-basis questions (4,000 per register, spread over its "
        "services), every answer computed (`ROPA_BENCH_NO_ANSWER_CACHE=1`): one connection "
        "(latency without queueing) and "
        f"{conns} connections (saturation); then with the answer cache, one connection.\n"
    )
    w(
        "| register | activities | c1 p50 ms | c1 p99 ms | c1 req/s | "
        f"c{conns} req/s | c{conns} p99 ms | cached c1 p50 ms | cached c1 p99 ms |"
    )
    w("|---|---:|---:|---:|---:|---:|---:|---:|---:|")
    for size, loads in scale.items():
        w(
            f"| {size} | {registers[size]['activities']:,} | {loads['c1'].p50:.2f} | "
            f"{loads['c1'].p99:.2f} | {loads['c1'].rps:,.0f} | {loads['c32'].rps:,.0f} | "
            f"{loads['c32'].p99:.2f} | {loads['warm'].p50:.2f} | {loads['warm'].p99:.2f} |"
        )
    growth = scale["100x"]["c1"].p50 / scale["1x"]["c1"].p50
    growth99 = scale["100x"]["c1"].p99 / scale["1x"]["c1"].p99
    w(
        f"\n100x / 1x, computed answers, one connection: p50 {growth:.2f}x, p99 {growth99:.2f}x "
        f"(target ≤ 1.5x: {verdict(growth <= 1.5 and growth99 <= 1.5)}).\n"
    )
    soak = extra["soak"]
    load: Load = soak["load"]
    warmup: Load = soak["warmup"]
    rss = soak["rss"]
    start = args.soak_warmup
    window = [kb for t, kb in rss if t >= start]
    w("## Soak (one worker)\n")
    w(
        f"{args.soak_seconds} s at saturation ({conns} connections) of mixed read traffic, after "
        f"{args.soak_warmup} s of the same mix (caches fill, the allocator reaches its working "
        "set): 35 % lawful-basis lookups from a set of 2,000, 10 % lookups from another 2,000 "
        "(new at first), 20 % notice JSON and 15 % rendered HTML of 300 services, 12 % "
        "revalidations (304), 4 % service lists, 4 % single activities "
        "(`/tmp/ropa-bench/soak-mixed.txt`).\n"
    )
    w("| run | req/s | p50 ms | p99 ms | requests | errors |")
    w("|---|---:|---:|---:|---:|---:|")
    for name, x in (("warm-up", warmup), ("soak", load)):
        w(f"| {name} | {x.rps:,.0f} | {x.p50:.2f} | {x.p99:.2f} | {x.requests:,} | {x.errors} |")
    w("")
    w(
        f"Server RSS during the soak: {window[0] / 1024:.1f} MB at its start, "
        f"{window[-1] / 1024:.1f} MB at its end, {max(window) / 1024:.1f} MB at most "
        f"(drift {(window[-1] - window[0]) / 1024:+.1f} MB: flat memory "
        f"{verdict(abs(window[-1] - window[0]) < 5 * 1024)}, within 5 MB). Every 10 s from the "
        "start of the warm-up (MB):\n"
    )
    marks = {}
    for t, kb in rss:
        marks.setdefault(int(t // 10) * 10, kb)
    w(" ".join(f"{t}s:{kb / 1024:.0f}" for t, kb in marks.items()) + "\n")
    before, after = soak["pool_before"], soak["pool_after"]
    w(
        f"Connection pool ({after['pool']}, pre-ping {after['pre_ping']}): at the start of the "
        f"soak `{before['status']}`; after it `{after['status']}` ({after['checked_out']} checked "
        f"out); open file descriptors {before['open_fds']} at the start, {after['open_fds']} "
        f"after. Zero errors: {verdict(load.errors == 0 and warmup.errors == 0)}.\n"
    )
    w("## Commands\n")
    w(
        "Everything above: `bash bench/run.sh` (options: `--seconds`, `--connections`, "
        "`--soak-seconds`, `--soak-warmup`; `BENCH_DIR` for the databases). The pieces, as run:\n"
    )
    w("```sh")
    for size, info in registers.items():
        w(f"# {size} register\n{info['command']}")
    for key, command in commands.items():
        w(f"# server ({key})\n{command}")
    seen = set()
    for runs in results.values():
        for load in runs.values():
            if load.command not in seen:
                seen.add(load.command)
                w(load.command)
    w(soak["load"].command)
    w("```\n")
    notes = (BENCH / "NOTES.md").read_text() if (BENCH / "NOTES.md").exists() else ""
    if notes:
        w(notes)
    args.out.write_text("\n".join(out) + "\n")


if __name__ == "__main__":
    main()
