"""``/docs`` (Swagger UI) and ``/redoc`` (ReDoc) from the vendored assets, so they work offline.

FastAPI's own pages load their scripts from a CDN (and ReDoc its fonts from Google), and are
blank without the internet; these are the same pages, built with FastAPI's helpers, pointing
at ``/assets/…``. The OAuth2 redirect page is kept at FastAPI's address for parity (the API's
only scheme today is a bearer key, which does not use it).
"""

from __future__ import annotations

import re

from fastapi import FastAPI, Request
from fastapi.openapi.docs import (
    get_redoc_html,
    get_swagger_ui_html,
    get_swagger_ui_oauth2_redirect_html,
)
from fastapi.responses import HTMLResponse

from app.web.static import asset_url

DOCS_URL = "/docs"
REDOC_URL = "/redoc"


def _accessible(response: HTMLResponse) -> HTMLResponse:
    """FastAPI's page with a language (WCAG 3.1.1), and ReDoc inside a ``main`` landmark
    (Swagger UI renders its own)."""
    html = bytes(response.body).decode()
    html = html.replace("<html>", '<html lang="en">', 1)
    html = re.sub(r"(<redoc [^>]*>\s*</redoc>)", r"<main>\1</main>", html, count=1)
    return HTMLResponse(html, status_code=response.status_code)


def add_docs_routes(app: FastAPI) -> None:
    """Add ``/docs``, its OAuth2 redirect page and ``/redoc``, outside the OpenAPI schema."""
    openapi_url = app.openapi_url or "/openapi.json"
    oauth2_redirect_url = app.swagger_ui_oauth2_redirect_url or f"{DOCS_URL}/oauth2-redirect"
    favicon = asset_url("ropa", "favicon.svg")

    @app.get(DOCS_URL, include_in_schema=False)
    def swagger_ui(request: Request) -> HTMLResponse:
        root = request.scope.get("root_path", "")
        return _accessible(
            get_swagger_ui_html(
                openapi_url=root + openapi_url,
                title=f"{app.title} – API documentation (Swagger UI)",
                swagger_js_url=root + asset_url("swagger-ui", "swagger-ui-bundle.js"),
                swagger_css_url=root + asset_url("swagger-ui", "swagger-ui.css"),
                swagger_favicon_url=root + favicon,
                oauth2_redirect_url=root + oauth2_redirect_url,
                init_oauth=app.swagger_ui_init_oauth,
                # No badge from validator.swagger.io: nothing leaves the server.
                swagger_ui_parameters={**(app.swagger_ui_parameters or {}), "validatorUrl": None},
            )
        )

    @app.get(oauth2_redirect_url, include_in_schema=False)
    def swagger_ui_oauth2_redirect() -> HTMLResponse:
        return get_swagger_ui_oauth2_redirect_html()

    @app.get(REDOC_URL, include_in_schema=False)
    def redoc(request: Request) -> HTMLResponse:
        root = request.scope.get("root_path", "")
        return _accessible(
            get_redoc_html(
                openapi_url=root + openapi_url,
                title=f"{app.title} – API documentation (ReDoc)",
                redoc_js_url=root + asset_url("redoc", "redoc.standalone.js"),
                redoc_favicon_url=root + favicon,
                with_google_fonts=False,
            )
        )
