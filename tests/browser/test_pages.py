"""Every page people read, in a real browser: accessible (axe-core: WCAG 2.0–2.2 A and AA and
best practice, at 1280 and 320 CSS px), no horizontal scrolling at 320 CSS px, and nothing
fetched from anywhere but the app (nor failing). Screenshots of each page at both widths go to
artifacts/screenshots/, and each page's results to the report at the end of the run.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

import pytest
from browser.browsing import Browse, describe, record

from app.config import PROJECT_ROOT
from app.register.seeds import read_seed_dir

pytestmark = pytest.mark.browser

SEEDS = sorted(p.stem for p in (PROJECT_ROOT / "seed").glob("*.yaml"))
#: (council, service) of each seed notice, its first controller's.
SERVICES = sorted(
    (doc.service.controllers[0], doc.service.id)
    for doc in read_seed_dir(PROJECT_ROOT / "seed").documents
)
COUNCILS = sorted(
    {c.id for doc in read_seed_dir(PROJECT_ROOT / "seed").documents for c in doc.controllers}
)


@dataclass(frozen=True)
class Spec:
    name: str
    path: str
    #: A selector that is visible once the page has rendered (the docs render with JavaScript).
    ready: str
    #: axe rules that the page's third-party UI breaks in its own markup and colours; other
    #: rules must pass, and each listed rule must still be broken (the list only shrinks).
    #: Only for the API docs, which are developer tools, not public pages: the bar for them is
    #: no violation of ours (language, landmarks, no CDN), the vendor's named and pinned.
    upstream_rules: frozenset[str] = frozenset()


SWAGGER_UI_RULES = frozenset(
    # Swagger UI 5.35.0 as published: low-contrast text and operation badges, h2 then h4,
    # the operation summary is a button holding the path link and the copy button, small
    # path links, and the API's title and description outside Swagger UI's own <main>.
    {"color-contrast", "heading-order", "nested-interactive", "target-size", "region"}
)
REDOC_RULES = frozenset(
    # ReDoc 2.5.4 as published: headings skip levels (h1 then h3/h5), small menu targets.
    {"heading-order", "target-size"}
)

PAGES = [
    Spec("docs", "/docs", ".swagger-ui .opblock", SWAGGER_UI_RULES),
    Spec("redoc", "/redoc", "h1", REDOC_RULES),
    Spec("layout-demo", "/_test/layout", "main#main-content"),
    *(Spec(f"notice-full-{s}", f"/v1/services/{s}/notice/render?page=full", "main") for s in SEEDS),
    *(Spec(f"notice-fragment-{s}", f"/_test/host/{s}", "article") for s in SEEDS),
    Spec("register", "/register", "main"),
    *(Spec(f"register-{c}", f"/register/{c}", "main") for c in COUNCILS),
    *(Spec(f"register-{c}-ropa", f"/register/{c}/ropa", "main") for c in COUNCILS),
    *(Spec(f"register-{s}", f"/register/{c}/services/{s}", "main") for c, s in SERVICES),
]


@pytest.mark.parametrize("spec", PAGES, ids=lambda spec: spec.name)
def test_no_accessibility_violations(browse: Browse, spec: Spec) -> None:
    problems = []
    seen: set[str] = set()
    for width in (1280, 320):
        visit = browse.open(spec.path, width, wait_for=spec.ready)
        visit.screenshot(spec.name)
        violations = visit.axe()
        record(spec.name, **{f"axe_{width}": {v["id"]: len(v["nodes"]) for v in violations}})
        seen.update(v["id"] for v in violations)
        unexpected = [v for v in violations if v["id"] not in spec.upstream_rules]
        if unexpected:
            problems.append(f"at {width} CSS px:\n{describe(unexpected)}")
    assert not problems, f"{spec.path}: axe-core found\n" + "\n".join(problems)
    # The vendor's list only shrinks: a rule it no longer breaks comes off the list.
    stale = spec.upstream_rules - seen
    assert not stale, f"{spec.path} no longer breaks {sorted(stale)}: remove them from its list"


@pytest.mark.parametrize("spec", PAGES, ids=lambda spec: spec.name)
def test_no_horizontal_scrolling_at_320(browse: Browse, spec: Spec) -> None:
    visit = browse.open(spec.path, 320, wait_for=spec.ready)
    scroll_width, inner_width = visit.scroll_width()
    record(spec.name, scroll_320=[scroll_width, inner_width])
    assert scroll_width <= inner_width, (
        f"{spec.path} is {scroll_width} CSS px wide in a {inner_width} px window; too wide:\n"
        + "\n".join(visit.too_wide())
    )


@pytest.mark.parametrize("spec", PAGES, ids=lambda spec: spec.name)
def test_nothing_is_fetched_but_from_the_app(browse: Browse, spec: Spec) -> None:
    for width in (1280, 320):
        visit = browse.open(spec.path, width, wait_for=spec.ready)
        hosts = Counter(url.split("/")[2] for url in visit.requests if "://" in url)
        record(spec.name, **{f"requests_{width}": dict(hosts)})
        assert not visit.network_problems(), "\n".join(visit.network_problems())
