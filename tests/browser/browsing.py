"""Helpers of the browser tests: pages opened in Chromium with their requests recorded,
axe-core, scroll widths, screenshots, and the results kept for the report."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from playwright.sync_api import Browser, BrowserContext, ConsoleMessage, Page, Request, Route

from app.config import PROJECT_ROOT

HERE = Path(__file__).resolve().parent
ARTIFACTS = PROJECT_ROOT / "artifacts"
SCREENSHOTS = ARTIFACTS / "screenshots"
AXE_SOURCE = (HERE / "vendor" / "axe-core" / "axe.min.js").read_text(encoding="utf-8")
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"]
LOCAL_HOSTS = {"127.0.0.1"}


@dataclass
class Visit:
    """A page loaded at one width, with everything it asked the network for."""

    page: Page
    width: int
    requests: list[str] = field(default_factory=list)
    blocked: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)
    console_errors: list[str] = field(default_factory=list)

    def axe(self) -> list[dict[str, Any]]:
        """axe-core's violations for the page as it is now."""
        # evaluate() is not subject to the page's CSP, unlike an injected <script>.
        self.page.evaluate(AXE_SOURCE)
        results = self.page.evaluate(
            """async (tags) => await axe.run(document, {
                runOnly: {type: "tag", values: tags}, resultTypes: ["violations"]})""",
            AXE_TAGS,
        )
        return list(results["violations"])

    def scroll_width(self) -> tuple[int, int]:
        """``document.documentElement.scrollWidth`` and ``window.innerWidth``."""
        sw, iw = self.page.evaluate(
            "() => [document.documentElement.scrollWidth, window.innerWidth]"
        )
        return int(sw), int(iw)

    def too_wide(self) -> list[str]:
        """The innermost elements that reach beyond the window's right edge."""
        found = self.page.evaluate(
            """() => [...document.body.querySelectorAll("*")]
                .filter((e) => e.children.length === 0
                    && e.getBoundingClientRect().right > window.innerWidth + 0.5)
                .slice(0, 10)
                .map((e) => e.tagName.toLowerCase() + " to "
                    + Math.ceil(e.getBoundingClientRect().right) + " px: "
                    + e.textContent.trim().slice(0, 100))"""
        )
        return [str(f) for f in found]

    def screenshot(self, name: str) -> Path:
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        path = SCREENSHOTS / f"{name}-{self.width}.png"
        self.page.screenshot(path=str(path), full_page=True)
        return path

    def network_problems(self) -> list[str]:
        return [
            *(f"left 127.0.0.1: {u}" for u in self.blocked),
            *(f"failed: {u}" for u in self.failed),
            *(f"console error: {m}" for m in self.console_errors),
        ]


class Browse:
    """Opens pages of the served app in fresh browser contexts, recording their requests.

    Every request is seen first: one for a host other than 127.0.0.1 is recorded and aborted
    (so the test also proves the page works offline); the others go on.
    """

    def __init__(self, browser: Browser, base_url: str) -> None:
        self.browser = browser
        self.base_url = base_url
        self._contexts: list[BrowserContext] = []

    def open(self, path: str, width: int, *, wait_for: str | None = None) -> Visit:
        context = self.browser.new_context(
            viewport={"width": width, "height": 900}, device_scale_factor=1
        )
        self._contexts.append(context)
        page = context.new_page()
        visit = Visit(page=page, width=width)

        def route(route: Route, request: Request) -> None:
            visit.requests.append(request.url)
            parts = urlsplit(request.url)
            if parts.scheme in ("http", "https", "ws", "wss") and parts.hostname not in LOCAL_HOSTS:
                visit.blocked.append(request.url)
                route.abort("blockedbyclient")
            else:
                route.continue_()

        def on_console(message: ConsoleMessage) -> None:
            if message.type == "error":
                visit.console_errors.append(message.text)

        page.route("**/*", route)
        page.on("console", on_console)
        page.on("pageerror", lambda exc: visit.console_errors.append(f"uncaught: {exc}"))
        page.on("requestfailed", lambda r: visit.failed.append(f"{r.url} ({r.failure})"))
        page.on(
            "response",
            lambda r: visit.failed.append(f"{r.url} ({r.status})") if r.status >= 400 else None,
        )
        response = page.goto(self.base_url + path, wait_until="load")
        assert response is not None and response.status == 200, (path, response)
        if wait_for is not None:
            page.wait_for_selector(wait_for, timeout=30_000)
        page.wait_for_load_state("networkidle")
        return visit

    def close(self) -> None:
        for context in self._contexts:
            context.close()


RESULTS: dict[str, dict[str, Any]] = {}


def record(page_name: str, **values: Any) -> None:
    """Keep a result of a page for the report at the end of the run."""
    RESULTS.setdefault(page_name, {}).update(values)


def describe(violations: list[dict[str, Any]]) -> str:
    """axe violations as text: id, impact, help and each node's target and failure summary."""
    lines = []
    for v in violations:
        lines.append(f"- {v['id']} ({v.get('impact')}): {v['help']} [{len(v['nodes'])} nodes]")
        for node in v["nodes"]:
            summary = " ".join((node.get("failureSummary") or "").split())
            lines.append(f"    {' '.join(map(str, node['target']))}: {summary}")
            lines.append(f"      {node.get('html', '')[:160]}")
    return "\n".join(lines)
