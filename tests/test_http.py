"""HTTP by the book (app/http.py): HEAD, OPTIONS and Allow, Accept and Accept-Encoding
negotiation, gzip with its own entity tag, conditional requests, caching headers."""

from __future__ import annotations

import gzip
import re
from typing import Any

import pytest
from fastapi.testclient import TestClient
from starlette.routing import Mount
from werkzeug.http import parse_etags

from app.http import (
    gzip_etag,
    identity_tags,
    if_match_matches,
    negotiate,
)

PROBLEM = "application/problem+json"
RENDER = "/v1/services/camden-early-help/notice/render"
IMMUTABLE = "public, max-age=31536000, immutable"
CURRENT = "public, max-age=300"
GZIP = {"Accept-Encoding": "gzip"}
IDENTITY = {"Accept-Encoding": "identity"}

#: A value for each path parameter, so that every GET route can be asked for.
PARAMS = {
    "controller_id": "camden",
    "service_id": "camden-early-help",
    "version": "1",
    "activity_id": "camden-early-help.eylog",
    "name": "ropa-v1.jsonld",
}
#: Query strings some routes need to answer 200.
QUERIES = {
    "/v1/services/{service_id}/lawful-basis": "?recipient=police&data_category=special.health",
    "/v1/lawful-basis": "?controller=camden&recipient=police&data_category=special.health",
    "/v1/services/{service_id}/notice/versions/{version}/diff": "?from=1",
}
COMPARED = ("content-type", "content-length", "content-encoding", "etag", "cache-control", "vary")


def _get_paths(routes: Any) -> list[str]:
    """Every GET path template the application serves (static mounts excepted)."""
    out: list[str] = []
    for route in routes:
        original = getattr(route, "original_router", None)
        if original is not None:
            out += _get_paths(original.routes)
        elif not isinstance(route, Mount) and "GET" in (getattr(route, "methods", None) or ()):
            out.append(route.path)
    return out


def _url(template: str) -> str:
    url = re.sub(r"\{(\w+)\}", lambda m: PARAMS.get(m.group(1), "camden-early-help"), template)
    return url + QUERIES.get(template, "")


def test_head_on_every_get_route_gives_the_get_headers_without_a_body(client: TestClient) -> None:
    paths = _get_paths(client.app.router.routes)  # type: ignore[attr-defined]
    assert "/v1/ropa" in paths and "/terms" in paths and len(paths) > 25
    asset = re.search(r'href="(/assets/[^"]+\.css)"', client.get("/docs").text)
    assert asset is not None
    urls = [_url(p) for p in paths] + [asset.group(1), "/v1/ropa?format=csv"]
    statuses = set()
    for url in urls:
        for encoding in (GZIP, IDENTITY):
            get = client.get(url, headers=encoding)
            head = client.head(url, headers=encoding)
            assert head.status_code == get.status_code, url
            assert head.content == b"", url
            for name in COMPARED:
                assert head.headers.get(name) == get.headers.get(name), (url, name)
            statuses.add(get.status_code)
    assert 200 in statuses


def test_head_of_a_rendered_page_has_its_length_and_etag(client: TestClient) -> None:
    url = RENDER + "?page=full"
    get = client.get(url, headers=IDENTITY)
    head = client.head(url, headers=IDENTITY)
    assert head.status_code == 200
    assert int(head.headers["content-length"]) == len(get.content) > 1024
    assert head.headers["etag"] == get.headers["etag"]


def test_405_lists_every_method_of_the_path(client: TestClient) -> None:
    response = client.delete("/v1/controllers")
    assert response.status_code == 405
    assert response.headers["content-type"] == PROBLEM
    assert response.headers["allow"] == "GET, HEAD, POST, OPTIONS"
    draft = client.post("/v1/services/camden-early-help/notice/drafts/2")
    assert draft.status_code == 405
    assert draft.headers["allow"] == "GET, HEAD, PUT, PATCH, DELETE, OPTIONS"
    read_only = client.put("/v1/ropa")
    assert read_only.headers["allow"] == "GET, HEAD, OPTIONS"
    post_only = client.head("/v1/checks/text")
    assert post_only.status_code == 405
    assert post_only.headers["allow"] == "POST, OPTIONS"


def test_options_answers_with_allow(client: TestClient) -> None:
    response = client.options("/v1/services/camden-early-help")
    assert response.status_code == 204
    assert response.headers["allow"] == "GET, HEAD, PUT, OPTIONS"
    assert response.content == b""
    assert client.options("/nowhere").status_code == 404
    # A CORS preflight is still the CORS middleware's.
    preflight = client.options(
        "/v1/services",
        headers={"Origin": "https://council.example", "Access-Control-Request-Method": "GET"},
    )
    assert preflight.status_code == 200
    assert preflight.headers["access-control-allow-origin"] == "*"


@pytest.mark.parametrize(
    ("accept", "expected"),
    [
        ("text/markdown;q=0, text/html", "text/html"),
        ("text/markdown;q=0.5, text/plain;q=0.9", "text/plain"),
        ("text/*;q=0.1, text/markdown", "text/markdown"),
        ("*/*", "text/html"),
        ("text/markdown;q=0, */*", "text/html"),
        ("application/json, text/plain;q=0.2", "text/plain"),
    ],
)
def test_accept_q_values_choose_the_render_format(
    client: TestClient, accept: str, expected: str
) -> None:
    response = client.get(RENDER, headers={"Accept": accept})
    assert response.status_code == 200
    assert response.headers["content-type"].split(";")[0] == expected
    assert "Accept" in response.headers["vary"]


@pytest.mark.parametrize("accept", ["text/markdown;q=0", "application/pdf", "text/html;q=0"])
def test_nothing_acceptable_is_406_problem(client: TestClient, accept: str) -> None:
    response = client.get(RENDER, params={"format": "html"}, headers={"Accept": accept})
    assert response.status_code == 406
    assert response.headers["content-type"] == PROBLEM
    assert response.json()["type"] == "urn:ropa:problem:not-acceptable"


def test_negotiate_uses_werkzeug_semantics() -> None:
    offers = ["text/html", "text/markdown", "text/plain"]
    assert negotiate(None, offers) == "text/html"
    assert negotiate("", offers) == "text/html"
    assert negotiate("text/markdown;q=0, text/html", offers) == "text/html"
    assert negotiate("image/*", offers) is None


def test_large_text_is_gzipped_with_its_own_etag_and_vary(client: TestClient) -> None:
    url = RENDER + "?page=full"
    plain = client.get(url, headers=IDENTITY)
    zipped = client.get(url, headers=GZIP)
    assert len(plain.content) > 1024
    assert "content-encoding" not in plain.headers
    assert zipped.headers["content-encoding"] == "gzip"
    assert zipped.content == plain.content  # decoded by the client
    for response in (plain, zipped):
        assert "Accept-Encoding" in response.headers["vary"]
    assert zipped.headers["etag"] == gzip_etag(plain.headers["etag"]) != plain.headers["etag"]
    assert zipped.headers["etag"].endswith('-gzip"')
    # Each client revalidates what it holds; the 304 carries that tag.
    for headers, tag in ((GZIP, zipped.headers["etag"]), (IDENTITY, plain.headers["etag"])):
        again = client.get(url, headers={**headers, "If-None-Match": tag})
        assert again.status_code == 304 and again.content == b""
        assert again.headers["etag"] == tag
    # gzip;q=0 refuses gzip (a substring test would not).
    refused = client.get(url, headers={"Accept-Encoding": "gzip;q=0, identity"})
    assert "content-encoding" not in refused.headers
    assert refused.headers["etag"] == plain.headers["etag"]


def test_small_bodies_are_not_compressed(client: TestClient) -> None:
    response = client.get("/healthz", headers=GZIP)
    assert len(response.content) < 1024
    assert "content-encoding" not in response.headers


def test_streamed_and_uncached_bodies_are_gzipped_too(client: TestClient) -> None:
    csv = client.get("/v1/ropa", params={"format": "csv"}, headers=GZIP)
    assert csv.headers["content-encoding"] == "gzip"
    assert csv.headers["vary"].count("Accept-Encoding") == 1
    assert csv.headers["etag"].endswith('-gzip"')
    spec = client.get("/openapi.json", headers=GZIP)
    assert spec.headers["content-encoding"] == "gzip"
    assert "Accept-Encoding" in spec.headers["vary"]


def test_static_assets_revalidate_under_gzip(client: TestClient) -> None:
    asset = re.search(r'href="(/assets/[^"]+\.css)"', client.get("/docs").text)
    assert asset is not None
    first = client.get(asset.group(1), headers=GZIP)
    assert first.headers["content-encoding"] == "gzip"
    assert first.headers["etag"].endswith('-gzip"')
    again = client.get(asset.group(1), headers={**GZIP, "If-None-Match": first.headers["etag"]})
    assert again.status_code == 304
    assert again.headers["etag"] == first.headers["etag"]


def test_published_version_by_number_is_immutable(client: TestClient) -> None:
    for url in (
        "/v1/services/camden-early-help/notice?version=1",
        RENDER + "?version=1",
        RENDER + "?version=1&format=text",
    ):
        assert client.get(url).headers["cache-control"] == IMMUTABLE, url
    for url in ("/v1/services/camden-early-help/notice", RENDER):
        assert client.get(url).headers["cache-control"] == CURRENT, url


@pytest.mark.parametrize(
    "url",
    [
        "/v1/services/camden-early-help/notice/checks",
        "/v1/services/camden-early-help/notice/checks?at=2025-01-01",
        "/v1/services/camden-early-help/lawful-basis?recipient=police&data_category=special.health",
        "/v1/lawful-basis?controller=camden&recipient=police&data_category=special.health",
        "/v1/ropa?format=csv&controller=camden",
        "/v1/ropa?format=json",
        "/v1/ropa?format=jsonld&service=camden-early-help",
    ],
)
def test_checks_lookups_and_exports_are_cacheable(client: TestClient, url: str) -> None:
    for headers in (GZIP, IDENTITY):
        first = client.get(url, headers=headers)
        assert first.status_code == 200
        assert first.headers["cache-control"] == CURRENT
        etag = first.headers["etag"]
        assert client.get(url, headers=headers).headers["etag"] == etag
        again = client.get(url, headers={**headers, "If-None-Match": f'"other", {etag}'})
        assert again.status_code == 304 and again.content == b""
        star = client.get(url, headers={**headers, "If-None-Match": "*"})
        assert star.status_code == 304


def test_export_etag_follows_what_it_is_made_from(client: TestClient) -> None:
    def tag(**params: str) -> str:
        return client.get("/v1/ropa", params=params, headers=IDENTITY).headers["etag"]

    base = tag(format="csv")
    assert base.startswith('W/"')
    assert tag(format="csv") == base
    assert tag(format="csv", bom="true") != base
    assert tag(format="csv", contacts="true") != base
    assert tag(format="json") != base
    assert tag(format="csv", controller="camden") != base
    assert tag(format="csv", at="2025-01-01") != base


def test_if_match_accepts_either_coding_of_the_draft(
    fresh_client: TestClient, keys: dict[str, dict[str, str]]
) -> None:
    drafts = "/v1/services/camden-family-support/notice/drafts"
    created = fresh_client.post(drafts, headers=keys["editor"])
    assert created.status_code == 201
    read = fresh_client.get(f"{drafts}/2", headers={**keys["editor"], **GZIP})
    assert read.headers["content-encoding"] == "gzip"
    tag = read.headers["etag"]
    assert tag.endswith('-gzip"')
    patched = fresh_client.patch(
        f"{drafts}/2",
        json={"notice": {"title": "Family support privacy notice (draft)"}},
        headers={
            **keys["editor"],
            "If-Match": tag,
            "Content-Type": "application/merge-patch+json",
        },
    )
    assert patched.status_code == 200, patched.text
    stale = fresh_client.patch(
        f"{drafts}/2",
        json={"notice": {"title": "Another title"}},
        headers={
            **keys["editor"],
            "If-Match": tag,
            "Content-Type": "application/merge-patch+json",
        },
    )
    assert stale.status_code == 412


def test_entity_tag_helpers() -> None:
    assert gzip_etag('"ab12"') == '"ab12-gzip"'
    assert gzip_etag('W/"ab12"') == 'W/"ab12-gzip"'
    rewritten, had_gzip_tag = identity_tags('"ab12-gzip", W/"cd-gzip", "ef"')
    assert had_gzip_tag
    tags = parse_etags(rewritten)
    assert tags.as_set() == {"ab12", "ef"} and tags.as_set(include_weak=True) == {
        "ab12",
        "cd",
        "ef",
    }
    assert identity_tags('"ab12"') == ('"ab12"', False)
    assert identity_tags("*") == ("*", False)
    assert if_match_matches('"x", "ab12"', '"ab12"')
    assert if_match_matches("*", '"ab12"')
    assert not if_match_matches('W/"ab12"', '"ab12"'), "If-Match compares strongly"


def test_gzipped_representation_is_real_gzip(client: TestClient) -> None:
    with client.stream("GET", RENDER + "?page=full", headers=GZIP) as response:
        raw = b"".join(response.iter_raw())
    assert gzip.decompress(raw) == client.get(RENDER + "?page=full", headers=IDENTITY).content


@pytest.mark.parametrize(
    ("accept", "expected"),
    [
        (None, "application/json"),
        ("*/*", "application/json"),
        ("text/csv", "text/csv"),
        ("application/json;q=0.5, application/ld+json", "application/ld+json"),
        ("text/*, application/json;q=0", "text/csv"),
    ],
)
def test_export_format_follows_accept_when_not_named(
    client: TestClient, accept: str | None, expected: str
) -> None:
    headers = {"Accept": accept} if accept else {}
    response = client.get("/v1/ropa", params={"service": "camden-early-help"}, headers=headers)
    assert response.status_code == 200
    assert response.headers["content-type"].split(";")[0] == expected
    assert "Accept" in response.headers["vary"]


def test_export_406_when_accept_excludes_it(client: TestClient) -> None:
    nothing = client.get("/v1/ropa", headers={"Accept": "application/pdf"})
    assert nothing.status_code == 406
    assert nothing.headers["content-type"] == PROBLEM
    clash = client.get("/v1/ropa", params={"format": "csv"}, headers={"Accept": "application/json"})
    assert clash.status_code == 406
    assert clash.json()["type"] == "urn:ropa:problem:not-acceptable"


def test_head_of_the_export_makes_no_rows(
    client: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    from app.exports.service import Export

    url = "/v1/ropa?format=csv"
    get = {e: client.get(url, headers={"Accept-Encoding": e}) for e in ("gzip", "identity")}

    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("HEAD made the export's rows")

    monkeypatch.setattr(Export, "chunks", refuse)
    for encoding, response in get.items():
        head = client.head(url, headers={"Accept-Encoding": encoding})
        assert head.status_code == 200 and head.content == b""
        for name in COMPARED:
            assert head.headers.get(name) == response.headers.get(name), (encoding, name)
