"""/docs and /redoc use the app's own copies of Swagger UI and ReDoc, never a CDN (the browser
tests in tests/browser/test_docs.py check that they render offline)."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from app.config import Settings
from app.main import create_app


@pytest.fixture(scope="module")
def client() -> Iterator[TestClient]:
    yield TestClient(create_app(Settings(database_url="sqlite://")))


@pytest.mark.parametrize("path", ["/docs", "/redoc"])
def test_docs_pages_load_nothing_from_elsewhere(client: TestClient, path: str) -> None:
    response = client.get(path)
    assert response.status_code == 200
    html = response.text
    assert '<html lang="en">' in html
    urls = re.findall(r'(?:src|href)="([^"]+)"', html)
    assert urls and all(u.startswith("/assets/") for u in urls), urls
    assert "cdn." not in html and "fonts.googleapis" not in html
    for url in urls:
        assert client.get(url).status_code == 200, url


def test_swagger_ui_asks_no_validator(client: TestClient) -> None:
    assert '"validatorUrl": null' in client.get("/docs").text


def test_the_oauth2_redirect_page_is_kept(client: TestClient) -> None:
    response = client.get("/docs/oauth2-redirect")
    assert response.status_code == 200
    assert "swaggerUIRedirectOauth2" in response.text


def test_docs_are_not_in_the_contract(client: TestClient) -> None:
    paths = create_app(Settings(database_url="sqlite://")).openapi()["paths"]
    assert not [p for p in paths if p.startswith(("/docs", "/redoc", "/assets"))]


def test_each_operation_is_under_one_tag(client: TestClient) -> None:
    """Swagger UI and ReDoc list an operation once per tag: with two tags it shows twice and
    the docs count one more operation than the API has."""
    paths = create_app(Settings(database_url="sqlite://")).openapi()["paths"]
    tags = {
        f"{method.upper()} {path}": operation.get("tags", [])
        for path, operations in paths.items()
        for method, operation in operations.items()
    }
    assert tags and all(len(t) == 1 for t in tags.values()), {
        op: t for op, t in tags.items() if len(t) != 1
    }
