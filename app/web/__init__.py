"""The web front end: vendored GOV.UK Frontend, Swagger UI and ReDoc served by the app itself
(no CDN), the GOV.UK page layout of the product's public pages, and the public register.

``install(app)`` mounts the assets and the API documentation pages; create the app with
``docs_url=None, redoc_url=None`` so that FastAPI's CDN-based pages are not added as well.
"""

from __future__ import annotations

from fastapi import FastAPI

from app.web.docs import add_docs_routes
from app.web.notice_page import notice_page
from app.web.register import router as register_router
from app.web.static import mount_assets


def install(app: FastAPI) -> None:
    """Serve the assets under ``/assets/…``, the API docs at ``/docs`` and ``/redoc``, and the
    public register's pages at ``/register``."""
    mount_assets(app)
    add_docs_routes(app)
    app.include_router(register_router)
    # ``render?page=full``: the notice as a page of its own, in this layout (the notices
    # router asks for it through app.state and so never imports the web layer above it)
    app.state.notice_page = notice_page
