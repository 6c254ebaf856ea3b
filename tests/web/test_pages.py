"""render_page: the GOV.UK page template for a council, escaped, CSP-clean, every variable
passed (StrictUndefined)."""

from __future__ import annotations

import re

from markupsafe import Markup

from app.http import PAGE_CSP
from app.web.pages import (
    Breadcrumb,
    Council,
    Link,
    Service,
    page_response,
    render_page,
)
from app.web.static import asset_url


def _page(**overrides: object) -> str:
    values: dict[str, object] = {
        "title": "Early Help privacy notice – Camden Council",
        "council": Council("Camden Council", "https://www.camden.gov.uk/"),
        "service": Service("Early Help", "/services/camden-early-help"),
        "content": Markup('<h1 class="govuk-heading-xl">Early Help privacy notice</h1>'),
        "breadcrumbs": [Breadcrumb("Privacy notices", "/notices"), Breadcrumb("Early Help")],
        "footer_links": [Link("Accessibility statement", "/accessibility")],
    }
    values.update(overrides)
    return render_page(**values)  # type: ignore[arg-type]


def test_the_govuk_page_template() -> None:
    html = _page()
    assert html.startswith("<!DOCTYPE html>\n")
    assert '<html lang="en" class="govuk-template ropa-template">' in html
    assert "<title>Early Help privacy notice – Camden Council</title>" in html
    assert '<body class="govuk-template__body">' in html
    assert '<a href="#main-content" class="govuk-skip-link"' in html
    assert '<main class="govuk-main-wrapper" id="main-content">' in html
    assert html.count('class="govuk-width-container"') == 3  # header, content, footer
    assert '<footer class="govuk-footer">' in html
    assert asset_url("govuk-frontend", "govuk-frontend.min.css") in html
    # the JS-enabled snippet comes first in <body>; the components start at the end
    body = html.split('<body class="govuk-template__body">', 1)[1].lstrip()
    assert body.startswith(f'<script src="{asset_url("ropa", "js-enabled.js")}"></script>')
    assert f'<script type="module" src="{asset_url("ropa", "init.mjs")}"></script>' in html


def test_the_header_names_the_council_and_the_service_not_govuk() -> None:
    html = _page()
    header = html.split('<header class="govuk-header">', 1)[1].split("</section>", 1)[0]
    assert 'href="https://www.camden.gov.uk/"' in header
    assert ">Camden Council<" in header
    assert '<a href="/services/camden-early-help" class="govuk-service-navigation__link">' in header
    assert ">Early Help<" in header
    assert "GOV.UK" not in html and "<svg" not in html and "crown" not in html.lower()


def test_names_without_urls_are_text() -> None:
    html = _page(council=Council("Camden Council"), service=Service("Early Help"))
    assert '<span class="ropa-header__council">Camden Council</span>' in html
    assert '<span class="govuk-service-navigation__text">Early Help</span>' in html
    assert "govuk-header__link" not in html


def test_breadcrumbs_and_footer_links() -> None:
    html = _page()
    assert '<a class="govuk-breadcrumbs__link" href="/notices">Privacy notices</a>' in html
    assert '<li class="govuk-breadcrumbs__list-item" aria-current="page">Early Help</li>' in html
    assert '<a class="govuk-footer__link" href="/accessibility">Accessibility statement</a>' in html
    bare = _page(breadcrumbs=[], footer_links=[])
    assert "govuk-breadcrumbs" not in bare
    assert "govuk-footer__inline-list" not in bare


def test_text_is_escaped_and_only_markup_content_is_not() -> None:
    evil = '<script>alert("x")</script>'
    html = _page(
        title=evil,
        council=Council(evil, 'javascript:"><script>'),
        service=Service(evil),
        breadcrumbs=[Breadcrumb(evil, '"><script>')],
        footer_links=[Link(evil, '"><script>')],
        content=evil,  # a str, not Markup: escaped
    )
    assert "<script>alert" not in html
    assert '"><script>' not in html
    assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;" in html
    trusted = _page(content=Markup("<p class='govuk-body'>Hello</p>"))
    assert "<p class='govuk-body'>Hello</p>" in trusted


def test_no_inline_script_or_style_so_the_strict_csp_holds() -> None:
    html = _page()
    assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", html)
    assert "<style" not in html
    assert not re.search(r"\sstyle=", html)
    assert not re.search(r"\son[a-z]+=", html)
    assert "'unsafe-inline'" not in PAGE_CSP
    assert "script-src 'self'" in PAGE_CSP and "style-src 'self'" in PAGE_CSP


def test_page_response_sends_the_csp() -> None:
    response = page_response(_page())
    assert response.headers["content-security-policy"] == PAGE_CSP
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.media_type == "text/html"
