"""The public register's HTML pages (app/web/register.py) on the seeded register: what each
page shows, its links, its table markup, and that it is not part of the API contract. The
browser tests (tests/browser/) check them with axe-core and at 320 CSS px."""

from __future__ import annotations

import re
from html.parser import HTMLParser

from fastapi.testclient import TestClient

from app.http import PAGE_CSP

PROBLEM = "application/problem+json"


class _Page(HTMLParser):
    """The title, the links and the attributes of every table header cell of a page."""

    def __init__(self) -> None:
        super().__init__()
        self.title = ""
        self.links: list[str] = []
        self.headers: list[dict[str, str | None]] = []
        self.captions = 0
        self.h1: list[str] = []
        self._in: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        if tag == "a" and found.get("href"):
            self.links.append(str(found["href"]))
        elif tag == "th":
            self.headers.append(found)
        elif tag == "caption":
            self.captions += 1
        if tag in ("title", "h1"):
            self._in = tag
            if tag == "h1":
                self.h1.append("")

    def handle_endtag(self, tag: str) -> None:
        if tag == self._in:
            self._in = None

    def handle_data(self, data: str) -> None:
        if self._in == "title":
            self.title += data
        elif self._in == "h1":
            self.h1[-1] += data


def page(client: TestClient, path: str) -> _Page:
    response = client.get(path)
    assert response.status_code == 200, (path, response.text[:300])
    assert response.headers["content-type"] == "text/html; charset=utf-8"
    assert response.headers["content-security-policy"] == PAGE_CSP
    parsed = _Page()
    parsed.feed(response.text)
    assert len(parsed.h1) == 1, f"{path}: one <h1>, not {parsed.h1}"
    return parsed


def test_the_councils_link_to_their_pages(client: TestClient) -> None:
    found = page(client, "/register")
    assert found.title == "Councils – Register of processing activities"
    for council in ("camden", "southwark", "shropshire", "cambridgeshire", "peterborough"):
        assert f"/register/{council}" in found.links
    assert found.captions == 1
    assert all(h.get("scope") in ("col", "row") for h in found.headers), found.headers


def test_a_council_lists_its_services_and_their_notices(client: TestClient) -> None:
    found = page(client, "/register/camden")
    assert found.h1 == ["London Borough of Camden"]
    assert found.title == "London Borough of Camden – Register of processing activities"
    for service in ("camden-early-help", "camden-family-support"):
        assert f"/register/camden/services/{service}" in found.links
        assert f"/v1/services/{service}/notice/render?page=full" in found.links
    assert "/register/camden/ropa" in found.links
    assert "https://www.camden.gov.uk" in found.links  # the website, as a web address


def test_joint_services_are_under_each_council(client: TestClient) -> None:
    service = "cambridgeshire-peterborough-early-help"
    for council in ("cambridgeshire", "peterborough"):
        assert (
            f"/register/{council}/services/{service}" in page(client, f"/register/{council}").links
        )
        page(client, f"/register/{council}/services/{service}")


def test_a_service_page_has_the_notice_and_its_versions(client: TestClient) -> None:
    path = "/register/camden/services/camden-early-help"
    response = client.get(path)
    found = page(client, path)
    assert found.h1 == ["Early Help Services"]
    assert "/v1/services/camden-early-help/notice/render?page=full" in found.links
    assert "/v1/services/camden-early-help/notice/render?page=full&version=1" in found.links
    assert 'id="versions"' in response.text
    assert "Version 1 (in effect today)" in response.text
    assert '<time datetime="2023-11-01">1 November 2023</time>' in response.text
    assert "The first version in the register." in response.text


def test_every_link_from_the_register_is_served(client: TestClient) -> None:
    """Walk the register from /register: every page it links to, and every link of those."""
    pages, others = {"/register"}, set()
    todo = ["/register"]
    while todo:
        for link in page(client, todo.pop()).links:
            link = link.split("#")[0]
            if link.startswith("/register") and link not in pages:
                pages.add(link)
                todo.append(link)
            elif link.startswith("/") and not link.startswith("/register"):
                others.add(link)
    assert len(pages) == 1 + 5 + 5 + 6  # councils, each council, its ROPA, each service
    for link in others:
        assert client.get(link).status_code == 200, link


def test_the_ropa_table(client: TestClient) -> None:
    path = "/register/camden/ropa"
    response = client.get(path)
    found = page(client, path)
    html = response.text
    assert found.captions == 1
    # Wider than a phone: it scrolls in a focusable region named by the caption.
    assert re.search(r'<div [^>]*role="region" aria-labelledby="ropa-caption" tabindex="0"', html)
    assert '<caption id="ropa-caption"' in html
    columns = client.get("/v1/ropa", params={"controller": "camden"}).json()["columns"]
    col_headers = [h for h in found.headers if h.get("scope") == "col"]
    assert len(col_headers) == len(columns)
    row_headers = [h for h in found.headers if h.get("scope") == "row"]
    rows = client.get("/v1/ropa", params={"controller": "camden"}).json()["rows"]
    assert len(row_headers) == len(rows) > 0
    text = html.replace("&#39;", "'")
    for column in columns:
        assert f">{column['label']}</th>" in text
    for row in rows:
        assert f">{row['activity_name']}</th>" in text
    downloads = [link for link in found.links if link.startswith("/v1/ropa")]
    assert len(downloads) == 3
    for link in downloads:
        download = client.get(link)
        assert download.status_code == 200, link
        assert download.headers["content-type"].split(";")[0] in ("text/csv", "application/json")


def test_unknown_councils_and_services_are_404(client: TestClient) -> None:
    for path in (
        "/register/nowhere",
        "/register/nowhere/ropa",
        "/register/camden/services/nothing",
        "/register/camden/services/southwark-early-help",  # another council's
    ):
        response = client.get(path)
        assert response.status_code == 404, path
        assert response.headers["content-type"] == PROBLEM


def test_the_register_pages_are_not_in_the_contract(client: TestClient) -> None:
    assert not [p for p in client.get("/openapi.json").json()["paths"] if "register" in p]


def test_a_new_version_shows_what_changed(
    fresh_client: TestClient, keys: dict[str, dict[str, str]]
) -> None:
    drafts = "/v1/services/camden-early-help/notice/drafts"
    created = fresh_client.post(drafts, headers=keys["editor"])
    patched = fresh_client.patch(
        f"{drafts}/2",
        json={"notice": {"last_updated": "2026-11-21"}},
        headers={
            **keys["editor"],
            "If-Match": created.headers["etag"],
            "Content-Type": "application/merge-patch+json",
        },
    )
    assert patched.status_code == 200, patched.text
    published = fresh_client.post(
        f"{drafts}/2/publish",
        json={
            "effective_from": "2024-06-01",
            "change_summary": "Reviewed <in> 2024",
            "override_reason": "seed mistakes",
        },
        headers={**keys["publisher"], "If-Match": patched.headers["etag"]},
    )
    assert published.status_code == 200, published.text
    path = "/register/camden/services/camden-early-help"
    found = page(fresh_client, path)
    html = fresh_client.get(path).text
    assert "Version 2 (in effect today)" in html
    assert html.index("Version 2 (in effect today)") < html.index("Version 1<")
    assert '<p class="govuk-body">Reviewed &lt;in&gt; 2024</p>' in html  # escaped, as written
    # the first version's import note is the register's, not a change: never public
    assert "Imported from the notice as published" not in html
    assert "The first version in the register." in html
    # what changed, in words with before and after (HTML-escaped quotes)
    assert (
        "<li>notice: last updated changed from &#39;2023-11-01&#39; to &#39;2026-11-21&#39;</li>"
        in html
    )
    assert (
        'From <time datetime="2023-11-01">1 November 2023</time>, replaced on '
        '<time datetime="2024-06-01">1 June 2024</time>' in html
    )
    for version in (1, 2):
        link = f"/v1/services/camden-early-help/notice/render?page=full&version={version}"
        assert link in found.links
        assert f"Version {version}, in effect from" in fresh_client.get(link).text
