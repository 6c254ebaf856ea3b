"""Browser tests: the real app under uvicorn, driven in Debian's Chromium by Playwright.

Run with ``pytest -m browser`` (the default ``pytest`` deselects them). Chromium is the
system's (``/usr/bin/chromium``, or ``ROPA_CHROMIUM``); Playwright never downloads a browser.
Each page is checked with axe-core (``vendor/axe-core``, injected), for horizontal scrolling at
320 CSS px, and for requests: nothing may leave 127.0.0.1, and nothing may fail. Screenshots
(full page, 320 and 1280 px wide) go to ``artifacts/screenshots/``; every page's results to
``artifacts/browser-results.json`` and the end of the test report.
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from browser.browsing import ARTIFACTS, RESULTS, Browse
from playwright.sync_api import Browser, Playwright, sync_playwright

from app.config import PROJECT_ROOT

HERE = Path(__file__).resolve().parent
CHROMIUM = os.environ.get("ROPA_CHROMIUM", "/usr/bin/chromium")
#: As the machine's probe starts it: no GPU, no sandbox (root), nothing in the background that
#: would try the network (Google's hosts, component updates, sync).
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture(scope="session")
def base_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The app on a fresh SQLite file, migrated and seeded by the CLI as ``ropa serve`` does,
    served by uvicorn in a subprocess on a free port of 127.0.0.1."""
    workdir = tmp_path_factory.mktemp("served-app")
    env = {
        **os.environ,
        "ROPA_DATABASE_URL": f"sqlite:///{workdir / 'ropa.db'}",
        "PYTHONUNBUFFERED": "1",
    }
    cli = [sys.executable, "-c", "from app.cli import main; main()"]
    seeded = subprocess.run(
        [*cli, "seed", "load"], env=env, cwd=PROJECT_ROOT, capture_output=True, text=True
    )
    assert seeded.returncode == 0, f"ropa seed load failed:\n{seeded.stdout}{seeded.stderr}"
    port = _free_port()
    log_path = workdir / "uvicorn.log"
    with log_path.open("w") as log:
        server = subprocess.Popen(
            [
                sys.executable, "-m", "uvicorn", "--factory", "server_app:create_app",
                "--app-dir", str(HERE), "--host", "127.0.0.1", "--port", str(port),
                "--no-access-log",
            ],
            env=env,
            cwd=PROJECT_ROOT,
            stdout=log,
            stderr=subprocess.STDOUT,
        )  # fmt: skip
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            if server.poll() is not None:
                pytest.fail(f"uvicorn exited ({server.returncode}):\n{log_path.read_text()}")
            try:
                if httpx.get(f"{url}/readyz", timeout=2).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            if time.monotonic() > deadline:
                pytest.fail(f"the app did not become ready:\n{log_path.read_text()}")
            time.sleep(0.2)
        yield url
    finally:
        server.terminate()
        try:
            server.wait(timeout=15)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


# --- The browser ---------------------------------------------------------------------------


@pytest.fixture(scope="session")
def playwright() -> Iterator[Playwright]:
    with sync_playwright() as p:
        yield p


@pytest.fixture(scope="session")
def browser(playwright: Playwright) -> Iterator[Browser]:
    """Debian's Chromium (Playwright starts it with a fresh temporary user-data dir)."""
    if not (Path(CHROMIUM).is_file() or shutil.which(CHROMIUM)):
        pytest.fail(
            f"no Chromium at {CHROMIUM}: `apt-get install -y chromium` (or set ROPA_CHROMIUM); "
            "Playwright's own browser downloads are not used"
        )
    browser = playwright.chromium.launch(
        executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True
    )
    yield browser
    browser.close()


@pytest.fixture
def browse(browser: Browser, base_url: str) -> Iterator[Browse]:
    b = Browse(browser, base_url)
    yield b
    b.close()


def pytest_terminal_summary(terminalreporter: Any) -> None:
    """Each page's axe violations (rule: nodes) and width at 320 CSS px, kept in a file too."""
    if not RESULTS:
        return
    ARTIFACTS.mkdir(exist_ok=True)
    (ARTIFACTS / "browser-results.json").write_text(
        json.dumps(RESULTS, indent=2, sort_keys=True) + "\n", encoding="utf-8"
    )
    terminalreporter.section("browser results (artifacts/browser-results.json)")
    for name in sorted(RESULTS):
        r = RESULTS[name]
        parts = []
        for width in (1280, 320):
            axe = r.get(f"axe_{width}")
            if axe is not None:
                found = ", ".join(f"{rule} ({n} nodes)" for rule, n in sorted(axe.items()))
                parts.append(f"axe@{width}: {found or 'none'}")
        if "scroll_320" in r:
            parts.append("scrollWidth@320: {}/{}".format(*r["scroll_320"]))
        terminalreporter.write_line(f"{name}: " + "; ".join(parts))
