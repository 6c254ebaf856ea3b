"""The notice as a page in the GOV.UK layout (app/web/notice_page.py), over HTTP."""

from __future__ import annotations

from fastapi.testclient import TestClient

from app.http import PAGE_CSP

RENDER = "/v1/services/{}/notice/render"


def full_page(client: TestClient, service_id: str, **params: str) -> str:
    response = client.get(RENDER.format(service_id), params={"page": "full", **params})
    assert response.status_code == 200
    assert response.headers["content-security-policy"] == PAGE_CSP
    return response.text


def test_the_page_names_the_service_and_the_council(client: TestClient) -> None:
    html = full_page(client, "camden-early-help")
    assert "<title>Privacy notice: Early Help Services – London Borough of Camden</title>" in html
    assert '<a href="#main-content" class="govuk-skip-link"' in html
    header = html[html.index('<header class="govuk-header">') : html.index("</header>")]
    assert '<a href="https://www.camden.gov.uk" class="govuk-header__link' in header
    assert ">London Borough of Camden</span>" in header
    assert (
        '<a href="/register/camden/services/camden-early-help" '
        'class="govuk-service-navigation__link">Early Help Services</a>' in html
    )
    assert html.count("<h1") == 1
    assert '<h1 class="govuk-heading-xl">Early Help Services Privacy Notice</h1>' in html


def test_the_page_says_which_version_it_is_and_links_its_history(client: TestClient) -> None:
    html = full_page(client, "camden-early-help")
    meta = html[html.index('<p class="govuk-body-s ropa-notice-meta">') :].split("</p>")[0]
    assert 'Version 1, in effect from <time datetime="2023-11-01">1 November 2023</time>' in meta
    assert 'href="/register/camden/services/camden-early-help#versions"' in meta
    assert "Last updated November 2023" in html  # the notice's own words, as written
    assert full_page(client, "camden-early-help", version="1") == html


def test_joint_controllers_are_named_together(client: TestClient) -> None:
    html = full_page(client, "cambridgeshire-peterborough-early-help")
    assert "– Cambridgeshire County Council and Peterborough City Council</title>" in html
    header = html[html.index('<header class="govuk-header">') : html.index("</header>")]
    assert "govuk-header__link" not in header  # two councils: no one website to link
    assert (
        '<a class="govuk-breadcrumbs__link" href="/register/cambridgeshire">'
        "Cambridgeshire County Council</a>" in html
    )


def test_the_page_has_no_inline_style_or_script(client: TestClient) -> None:
    """Its CSP is style-src 'self' and script-src 'self': the fragment's own <style> is not
    on the page, nor any style attribute or inline script."""
    html = full_page(client, "southwark-early-help")
    assert "<style" not in html and " style=" not in html
    assert "<script>" not in html
    fragment = client.get(RENDER.format("southwark-early-help")).text
    assert fragment.count("<style>") == 1 and ":where(.privacy-notice)" in fragment
