"""The assets the app serves itself: versioned paths, a year's immutable caching, explicit
media types, no listings, and the committed copies as the vendoring script recorded them."""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from app.config import Settings
from app.main import create_app
from app.web.static import GOVUK_FRONTEND_VERSION, STATIC_DIR, asset_dirs, asset_url

IMMUTABLE = "public, max-age=31536000, immutable"


@pytest.fixture(scope="module")
def client() -> Iterator[TestClient]:
    yield TestClient(create_app(Settings(database_url="sqlite://")))


@pytest.mark.parametrize(
    ("name", "path", "media_type"),
    [
        ("govuk-frontend", "govuk-frontend.min.css", "text/css; charset=utf-8"),
        ("govuk-frontend", "govuk-frontend.min.js", "text/javascript; charset=utf-8"),
        ("govuk-frontend", "LICENSE.txt", "text/plain; charset=utf-8"),
        ("swagger-ui", "swagger-ui-bundle.js", "text/javascript; charset=utf-8"),
        ("swagger-ui", "swagger-ui.css", "text/css; charset=utf-8"),
        ("redoc", "redoc.standalone.js", "text/javascript; charset=utf-8"),
        ("redoc", "LICENSE", "text/plain; charset=utf-8"),
        ("ropa", "init.mjs", "text/javascript; charset=utf-8"),
        ("ropa", "favicon.svg", "image/svg+xml"),
    ],
)
def test_assets_are_served_immutable_with_their_media_type(
    client: TestClient, name: str, path: str, media_type: str
) -> None:
    url = asset_url(name, path)
    assert url.startswith(f"/assets/{name}/{asset_dirs()[name].version}/")
    response = client.get(url)
    assert response.status_code == 200
    assert response.headers["content-type"] == media_type
    assert response.headers["cache-control"] == IMMUTABLE
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.content == (asset_dirs()[name].directory / path).read_bytes()
    revalidated = client.get(url, headers={"If-None-Match": response.headers["etag"]})
    assert revalidated.status_code == 304
    assert revalidated.headers["cache-control"] == IMMUTABLE
    assert client.head(url).status_code == 200


def test_the_govuk_frontend_path_names_its_version(client: TestClient) -> None:
    assert GOVUK_FRONTEND_VERSION.startswith("5.")
    assert asset_url("govuk-frontend", "govuk-frontend.min.css") == (
        f"/assets/govuk-frontend/{GOVUK_FRONTEND_VERSION}/govuk-frontend.min.css"
    )


def test_font_media_types_are_explicit() -> None:
    from app.web.static import MEDIA_TYPES

    assert MEDIA_TYPES[".woff2"] == "font/woff2"
    assert MEDIA_TYPES[".woff"] == "font/woff"
    assert MEDIA_TYPES[".svg"] == "image/svg+xml"


@pytest.mark.parametrize(
    "path",
    [
        f"/assets/govuk-frontend/{GOVUK_FRONTEND_VERSION}/",
        f"/assets/govuk-frontend/{GOVUK_FRONTEND_VERSION}",
        "/assets/govuk-frontend/",
        "/assets/",
        f"/assets/govuk-frontend/{GOVUK_FRONTEND_VERSION}/nothing.css",
        f"/assets/govuk-frontend/{GOVUK_FRONTEND_VERSION}/../../vendored.json",
        f"/assets/govuk-frontend/{GOVUK_FRONTEND_VERSION}/%2e%2e/%2e%2e/vendored.json",
        "/assets/govuk-frontend/0.0.0/govuk-frontend.min.css",
    ],
)
def test_no_listing_and_nothing_outside_the_directories(client: TestClient, path: str) -> None:
    response = client.get(path)
    assert response.status_code == 404
    assert response.headers["content-type"] == "application/problem+json"
    assert "integrity" not in response.text


def test_only_known_file_types_are_served(
    client: TestClient, tmp_path_factory: pytest.TempPathFactory
) -> None:
    from fastapi import FastAPI

    from app.web.static import ImmutableAssets

    directory = tmp_path_factory.mktemp("assets")
    (directory / "notes.md").write_text("# not an asset")
    (directory / "ok.css").write_text("p{}")
    (directory / "font.woff2").write_bytes(b"wOF2")
    app = FastAPI()
    app.mount("/a", ImmutableAssets(directory))
    with TestClient(app) as c:
        assert c.get("/a/notes.md").status_code == 404
        assert c.get("/a/ok.css").headers["content-type"] == "text/css; charset=utf-8"
        font = c.get("/a/font.woff2")
        assert font.headers["content-type"] == "font/woff2"
        assert font.headers["cache-control"] == IMMUTABLE


def test_assets_are_read_only(client: TestClient) -> None:
    response = client.post(asset_url("ropa", "ropa.css"))
    assert response.status_code == 405


def test_asset_url_refuses_a_missing_file() -> None:
    with pytest.raises(LookupError):
        asset_url("govuk-frontend", "govuk-frontend.css")
    with pytest.raises(LookupError):
        asset_url("ropa", "../vendored.json")


def test_the_committed_copies_are_what_the_vendoring_script_recorded() -> None:
    vendored = json.loads((STATIC_DIR / "vendored.json").read_text())
    for name, package in (
        ("govuk-frontend", "govuk-frontend"),
        ("swagger-ui", "swagger-ui-dist"),
        ("redoc", "redoc"),
    ):
        entry = vendored[package]
        assert entry["integrity"].startswith("sha512-")
        root = STATIC_DIR / name
        on_disk = {
            str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in root.rglob("*")
            if p.is_file()
        }
        assert on_disk == entry["files"], f"{name}: re-run scripts/vendor-web-assets.sh"
        assert any(re.match(r"LICEN[CS]E", f.split("/")[-1]) for f in on_disk), name


def test_no_gds_transport_font_and_no_crown_are_shipped() -> None:
    """GDS Transport and the crown are for GOV.UK only; a council is not GOV.UK."""
    govuk = asset_dirs()["govuk-frontend"].directory
    assert not [p for p in govuk.rglob("*") if p.suffix in (".woff", ".woff2", ".png", ".ico")]
    css = (govuk / "govuk-frontend.min.css").read_text()
    assert "GDS Transport" not in css
    assert "@font-face" not in css


def test_init_module_imports_the_vendored_govuk_frontend() -> None:
    init = (asset_dirs()["ropa"].directory / "init.mjs").read_text()
    imported = re.findall(r'from "([^"]+)"', init)
    assert imported == [f"../../govuk-frontend/{GOVUK_FRONTEND_VERSION}/govuk-frontend.min.js"]
    # …which resolves, from the module's own URL, to the served file.
    own = asset_url("ropa", "init.mjs")
    resolved = "/".join(own.split("/")[:-3]) + imported[0].removeprefix("../..")
    assert resolved == asset_url("govuk-frontend", "govuk-frontend.min.js")


def test_the_app_files_path_changes_with_their_contents() -> None:
    from app.web.static import _digest

    ropa = asset_dirs()["ropa"]
    assert ropa.version == _digest(ropa.directory)
    assert re.fullmatch(r"[0-9a-f]{16}", ropa.version)
