"""The web assets the app serves itself: vendored front-end packages and its own files.

Each package is mounted under a path that names its version (``/assets/govuk-frontend/5.14.0/…``)
and the app's own files under a digest of their contents (``/assets/ropa/<digest>/…``), so a
URL's bytes never change and every response can be cached for a year as ``immutable``. Only
known file types are served, each with an explicit media type (not the host's mime.types), and a
directory is never listed.

``scripts/vendor-web-assets.sh`` writes ``static/vendored.json``, which says what is vendored.
"""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from fastapi import FastAPI
from starlette.datastructures import Headers
from starlette.exceptions import HTTPException
from starlette.responses import FileResponse, Response
from starlette.staticfiles import NotModifiedResponse, StaticFiles
from starlette.types import Scope

STATIC_DIR = Path(__file__).resolve().parent / "static"
ASSETS_PREFIX = "/assets"

#: The media type of each file type served; any other file is a 404.
MEDIA_TYPES = {
    ".css": "text/css; charset=utf-8",
    ".js": "text/javascript; charset=utf-8",
    ".mjs": "text/javascript; charset=utf-8",
    ".json": "application/json",
    ".webmanifest": "application/manifest+json",
    ".svg": "image/svg+xml",
    ".png": "image/png",
    ".ico": "image/x-icon",
    ".woff2": "font/woff2",
    ".woff": "font/woff",
    ".txt": "text/plain; charset=utf-8",
    "": "text/plain; charset=utf-8",  # LICENSE, NOTICE
}
#: Mounted name (``/assets/<name>/<version>/``, ``static/<name>/<version>/``) -> npm package.
VENDORED_PACKAGES = {
    "govuk-frontend": "govuk-frontend",
    "swagger-ui": "swagger-ui-dist",
    "redoc": "redoc",
}
CACHE_HEADERS = {
    "Cache-Control": "public, max-age=31536000, immutable",
    "X-Content-Type-Options": "nosniff",
}


@dataclass(frozen=True)
class AssetDir:
    """A directory of assets and the URL path it is served under."""

    name: str
    version: str
    directory: Path

    @property
    def prefix(self) -> str:
        return f"{ASSETS_PREFIX}/{self.name}/{self.version}"


def _digest(directory: Path) -> str:
    """A digest of the names and bytes of every file under ``directory``."""
    h = hashlib.sha256()
    for path in sorted(p for p in directory.rglob("*") if p.is_file()):
        h.update(path.relative_to(directory).as_posix().encode() + b"\0")
        h.update(hashlib.sha256(path.read_bytes()).digest())
    return h.hexdigest()[:16]


@cache
def asset_dirs() -> dict[str, AssetDir]:
    """Every mounted asset directory by name: the vendored packages and the app's own."""
    vendored = json.loads((STATIC_DIR / "vendored.json").read_text(encoding="utf-8"))
    dirs = {}
    for name, package in VENDORED_PACKAGES.items():
        version = vendored[package]["version"]
        dirs[name] = AssetDir(name, version, STATIC_DIR / name / version)
    dirs["ropa"] = AssetDir("ropa", _digest(STATIC_DIR / "ropa"), STATIC_DIR / "ropa")
    return dirs


GOVUK_FRONTEND_VERSION: str = asset_dirs()["govuk-frontend"].version


def asset_url(name: str, path: str) -> str:
    """The URL path of a served file: ``asset_url("ropa", "ropa.css")``.

    Raises ``LookupError`` for a file that is not there, so a typo fails at once.
    """
    assets = asset_dirs()[name]
    if not _is_servable(assets.directory, path):
        raise LookupError(f"no asset {path!r} in {assets.directory}")
    return f"{assets.prefix}/{path}"


@cache
def _is_servable(directory: Path, path: str) -> bool:
    full = (directory / path).resolve()
    return (
        full.is_relative_to(directory.resolve())
        and full.is_file()
        and full.suffix.lower() in MEDIA_TYPES
    )


class ImmutableAssets(StaticFiles):
    """Files of one directory, cached for a year, with explicit media types; no listings."""

    def __init__(self, directory: Path) -> None:
        super().__init__(directory=directory, html=False, follow_symlink=False)

    def file_response(
        self,
        full_path: str | os.PathLike[str],
        stat_result: os.stat_result,
        scope: Scope,
        status_code: int = 200,
    ) -> Response:
        media_type = MEDIA_TYPES.get(Path(full_path).suffix.lower())
        if media_type is None:
            raise HTTPException(status_code=404)
        response = FileResponse(
            full_path,
            status_code=status_code,
            stat_result=stat_result,
            media_type=media_type,
            headers=CACHE_HEADERS,
        )
        if self.is_not_modified(response.headers, Headers(scope=scope)):
            return NotModifiedResponse(response.headers)
        return response


def mount_assets(app: FastAPI) -> None:
    """Mount every asset directory under its versioned path."""
    for assets in asset_dirs().values():
        app.mount(assets.prefix, ImmutableAssets(assets.directory), name=f"assets-{assets.name}")
