"""Public HTML pages in the GOV.UK layout (``templates/layout.html.jinja``).

    from markupsafe import Markup
    from app.web.pages import Breadcrumb, Council, Service, page_response, render_page

    html = render_page(
        title="Early Help privacy notice – Camden Council",
        council=Council("Camden Council", "https://www.camden.gov.uk/"),
        service=Service("Early Help"),
        breadcrumbs=[Breadcrumb("Privacy notices", "/notices"), Breadcrumb("Early Help")],
        content=Markup('<h1 class="govuk-heading-xl">…</h1>…'),
    )
    return page_response(html)  # with PAGE_HEADERS (the CSP the layout is built for)

``content`` is trusted HTML: pass ``Markup`` (a plain ``str`` is escaped). Everything else is
text and is escaped.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from fastapi.responses import HTMLResponse
from jinja2 import Environment, FileSystemLoader, StrictUndefined
from markupsafe import Markup

from app.http import PAGE_HEADERS
from app.web.static import asset_url

TEMPLATES_DIR = Path(__file__).resolve().parent / "templates"


@dataclass(frozen=True)
class Council:
    """The council named in the header; ``url`` (its website) makes the name a link."""

    name: str
    url: str | None = None


@dataclass(frozen=True)
class Service:
    """The service named in the service navigation; ``url`` makes the name a link."""

    name: str
    url: str | None = None


@dataclass(frozen=True)
class Breadcrumb:
    """One breadcrumb; the current page (usually the last) has no ``href``."""

    text: str
    href: str | None = None


@dataclass(frozen=True)
class Link:
    text: str
    href: str


_ENV = Environment(
    loader=FileSystemLoader(TEMPLATES_DIR),
    autoescape=True,
    undefined=StrictUndefined,
    trim_blocks=True,
    lstrip_blocks=True,
    keep_trailing_newline=True,
)


def layout_assets() -> dict[str, str]:
    """The URLs of the files the layout loads."""
    return {
        "govuk_css": asset_url("govuk-frontend", "govuk-frontend.min.css"),
        "ropa_css": asset_url("ropa", "ropa.css"),
        "js_enabled": asset_url("ropa", "js-enabled.js"),
        "init": asset_url("ropa", "init.mjs"),
        "favicon": asset_url("ropa", "favicon.svg"),
    }


def render_page(
    *,
    title: str,
    council: Council,
    service: Service,
    content: Markup | str,
    breadcrumbs: Sequence[Breadcrumb] = (),
    footer_links: Sequence[Link] = (),
) -> str:
    """A whole HTML page in the GOV.UK layout.

    ``title`` is the ``<title>`` as it should read (GOV.UK's pattern is "Page – Service –
    Council"); ``content`` goes inside ``<main>`` and should start with the page's ``<h1>``.
    """
    return _ENV.get_template("layout.html.jinja").render(
        title=title,
        council=council,
        service=service,
        breadcrumbs=list(breadcrumbs),
        footer_links=list(footer_links),
        content=content,
        assets=layout_assets(),
    )


def page_response(html: str, status_code: int = 200) -> HTMLResponse:
    """``html`` as a response with the headers the layout is built for."""
    return HTMLResponse(html, status_code=status_code, headers=PAGE_HEADERS)
