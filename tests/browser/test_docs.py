"""/docs (Swagger UI) and /redoc (ReDoc) render from the app's own assets, offline: every
request is for 127.0.0.1 and anything else is aborted (test_pages.py asserts there is none)."""

from __future__ import annotations

import pytest
from browser.browsing import Browse

from app.config import Settings
from app.main import create_app
from app.web.static import asset_url

pytestmark = pytest.mark.browser


def _operations() -> int:
    schema = create_app(Settings(database_url="sqlite://")).openapi()
    return sum(len(operations) for operations in schema["paths"].values())


def test_swagger_ui_shows_every_operation(browse: Browse) -> None:
    visit = browse.open("/docs", 1280, wait_for=".swagger-ui .opblock")
    page = visit.page
    assert "Council ROPA register" in page.locator(".swagger-ui .info .title").inner_text()
    assert page.locator(".swagger-ui .opblock").count() == _operations()
    assert any(u.endswith(asset_url("swagger-ui", "swagger-ui-bundle.js")) for u in visit.requests)
    assert not visit.network_problems(), visit.network_problems()


def test_redoc_shows_every_operation(browse: Browse) -> None:
    visit = browse.open("/redoc", 1280, wait_for="h1")
    page = visit.page
    assert "Council ROPA register" in page.locator("h1").first.inner_text()
    page.wait_for_selector("[data-section-id^='tag/'], [data-section-id^='operation/']")
    assert page.locator("[data-section-id^='operation/']").count() == _operations()
    assert any(u.endswith(asset_url("redoc", "redoc.standalone.js")) for u in visit.requests)
    assert not visit.network_problems(), visit.network_problems()


def test_the_oauth2_redirect_page_is_served(browse: Browse) -> None:
    visit = browse.open("/docs/oauth2-redirect", 1280)
    assert visit.page.title() == "Swagger UI: OAuth2 Redirect"
