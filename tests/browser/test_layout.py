"""The GOV.UK layout in a real browser: GOV.UK Frontend's JavaScript runs under the pages'
strict CSP, the skip link works from the keyboard, and long strings wrap at 320 CSS px."""

from __future__ import annotations

import httpx
import pytest
from browser.browsing import Browse

from app.http import PAGE_CSP

pytestmark = pytest.mark.browser

DEMO = "/_test/layout"


def test_the_page_is_served_with_the_strict_csp(base_url: str) -> None:
    response = httpx.get(base_url + DEMO)
    assert response.headers["content-security-policy"] == PAGE_CSP
    assert "'unsafe-inline'" not in PAGE_CSP


def test_govuk_frontend_starts_under_the_csp(browse: Browse) -> None:
    visit = browse.open(DEMO, 1280, wait_for="main#main-content")
    classes = visit.page.evaluate("() => [...document.body.classList]")
    assert {"govuk-template__body", "js-enabled", "govuk-frontend-supported"} <= set(classes)
    # initAll() marks each component it starts; nothing was refused by the CSP.
    visit.page.wait_for_selector("[data-govuk-skip-link-init]", state="attached")
    visit.page.wait_for_selector("[data-govuk-service-navigation-init]", state="attached")
    assert not visit.network_problems(), visit.network_problems()


def test_the_skip_link_is_first_and_moves_focus_to_the_main_content(browse: Browse) -> None:
    visit = browse.open(DEMO, 1280, wait_for="main#main-content")
    page = visit.page
    page.keyboard.press("Tab")
    focused = page.evaluate(
        "() => [document.activeElement.className, document.activeElement.textContent]"
    )
    assert focused == ["govuk-skip-link", "Skip to main content"]
    assert page.locator(".govuk-skip-link").is_visible()
    page.keyboard.press("Enter")
    assert page.evaluate("() => document.activeElement.id") == "main-content"


def test_the_header_names_the_council_and_the_service_without_the_crown(browse: Browse) -> None:
    visit = browse.open(DEMO, 1280, wait_for="main#main-content")
    page = visit.page
    assert page.locator(".govuk-header").inner_text().strip() == "Example Borough Council"
    assert page.locator(".govuk-service-navigation__service-name").inner_text().strip() == (
        "Early Help"
    )
    assert page.locator(".govuk-header svg, .govuk-header__logotype").count() == 0
    assert page.title() == "Early Help privacy notice – Early Help – Example Borough Council"


def test_long_email_addresses_and_urls_wrap_at_320(browse: Browse) -> None:
    visit = browse.open(DEMO, 320, wait_for="main#main-content")
    rights = visit.page.evaluate(
        """() => [...document.querySelectorAll("main a, main td, main p")]
            .map((e) => e.getBoundingClientRect().right)"""
    )
    assert rights and max(rights) <= 320
    assert visit.scroll_width() == (320, 320)
