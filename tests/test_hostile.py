"""Hostile input everywhere gets a clear 4xx problem, never a 500 and never a partial write."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

PROBLEM = "application/problem+json"
SQL = [
    "' OR 1=1 --",
    '"; DROP TABLE service; --',
    "%' UNION SELECT * FROM api_key --",
    "\\",
    "%",
    "_",
]
FILTERS = {
    "/v1/services": ["controller", "q"],
    "/v1/activities": [
        "controller",
        "service",
        "data_category",
        "recipient",
        "source",
        "lawful_basis",
        "statute",
    ],
    "/v1/audit-events": ["actor", "action", "target"],
}


@pytest.mark.parametrize("value", SQL)
def test_sql_metacharacters_in_every_filter(client: TestClient, value: str) -> None:
    for path, names in FILTERS.items():
        for name in names:
            response = client.get(path, params={name: value})
            assert response.status_code in (200, 401, 422), (path, name, response.status_code)
            if response.status_code != 200:
                assert response.headers["content-type"] == PROBLEM
    assert client.get("/v1/services").json()["total"] == 5, "nothing was dropped"


def test_path_traversal_in_ids(client: TestClient) -> None:
    for path in (
        "/v1/services/..%2F..%2Fetc%2Fpasswd",
        "/v1/services/../../etc/passwd",
        "/v1/controllers/%2e%2e",
        "/v1/activities/camden-early-help.%2e%2e%2f",
        "/v1/services/camden-early-help%00/notice",
    ):
        response = client.get(path)
        assert response.status_code in (404, 422), (path, response.status_code)
        assert response.headers["content-type"] == PROBLEM


def test_very_long_query_strings(client: TestClient) -> None:
    response = client.get("/v1/services", params={"q": "x" * 20_000})
    assert response.status_code == 422
    assert response.json()["errors"][0]["pointer"] == "q"
    many = "&".join(f"data_category=c{i}" for i in range(2_000))
    assert client.get(f"/v1/activities?{many}").status_code in (200, 422)


def test_nul_and_control_characters_in_queries(client: TestClient) -> None:
    for params in ({"q": "a\x00b"}, {"recipient": "police\x00"}, {"q": "\x1b[31m"}):
        response = client.get("/v1/services" if "q" in params else "/v1/activities", params=params)
        assert response.status_code == 422, params


def test_deeply_nested_json_is_refused(
    fresh_client: TestClient, keys: dict[str, dict[str, str]]
) -> None:
    depth = 200_000
    body = b"[" * depth + b"]" * depth
    response = fresh_client.post(
        "/v1/services/camden-early-help/notice/drafts",
        content=body,
        headers={**keys["editor"], "Content-Type": "application/json"},
    )
    assert response.status_code in (400, 413, 422)
    assert response.headers["content-type"] == PROBLEM
    shallow_but_deep = b'{"a":' * 50_000 + b"1" + b"}" * 50_000
    response = fresh_client.post(
        "/v1/services/camden-early-help/notice/drafts",
        content=shallow_but_deep,
        headers={**keys["editor"], "Content-Type": "application/json"},
    )
    assert response.status_code in (400, 413, 422)


def test_html_in_records_is_escaped_in_rendered_notices(
    fresh_client: TestClient, keys: dict[str, dict[str, str]]
) -> None:
    drafts = "/v1/services/camden-family-support/notice/drafts"
    created = fresh_client.post(drafts, headers=keys["editor"])
    payload = '<script>alert("x")</script><img src=x onerror=alert(1)>'
    patched = fresh_client.patch(
        f"{drafts}/2",
        json=[{"op": "add", "path": "/activities/0/purposes/-", "value": payload}],
        headers={
            **keys["editor"],
            "If-Match": created.headers["etag"],
            "Content-Type": "application/json-patch+json",
        },
    )
    assert patched.status_code == 200
    html = fresh_client.get(
        "/v1/services/camden-family-support/notice/render",
        params={"version": 2},
        headers=keys["editor"],
    ).text
    assert "<script>" not in html and "<img" not in html
    assert "&lt;script&gt;" in html


@pytest.mark.parametrize(
    ("value", "where"),
    [
        ("Camden\u202egnp.exe", "name"),
        ("Camden\u2066x\u2069", "name"),
        ("Camden\nCouncil", "name"),
        ("Camden\tCouncil", "name"),
        ("Camden\x1b[31m", "name"),
        ("Camden\x85", "name"),
        ("Long text with a \u202e override", "text"),
        ("Long text with a bell \x07", "text"),
        ("Long text with a carriage return\r\n", "text"),
    ],
)
def test_bidi_overrides_and_control_characters_are_refused_naming_the_field(
    fresh_client: TestClient, keys: dict[str, dict[str, str]], value: str, where: str
) -> None:
    drafts = "/v1/services/camden-family-support/notice/drafts"
    created = fresh_client.post(drafts, headers=keys["editor"])
    assert created.status_code == 201
    path, pointer = (
        ("/activities/0/name", "/activities/0/name")
        if where == "name"
        else ("/notice/other_sections/-", "/notice/other_sections/")
    )
    value_json: object = value if where == "name" else {"heading": "About", "text": value}
    response = fresh_client.patch(
        f"{drafts}/2",
        json=[{"op": "add", "path": path, "value": value_json}],
        headers={
            **keys["editor"],
            "If-Match": created.headers["etag"],
            "Content-Type": "application/json-patch+json",
        },
    )
    assert response.status_code == 422, response.text
    assert response.headers["content-type"] == PROBLEM
    pointers = [e["pointer"] for e in response.json()["errors"]]
    assert any(p.startswith(pointer) for p in pointers), pointers
    assert any(
        "control or bidirectional-override" in e["detail"] for e in response.json()["errors"]
    )


def test_long_text_keeps_its_line_breaks_and_tabs(
    fresh_client: TestClient, keys: dict[str, dict[str, str]]
) -> None:
    drafts = "/v1/services/camden-family-support/notice/drafts"
    created = fresh_client.post(drafts, headers=keys["editor"])
    response = fresh_client.patch(
        f"{drafts}/2",
        json=[
            {
                "op": "add",
                "path": "/notice/other_sections/-",
                "value": {"heading": "About", "text": "Line one\n\tLine two"},
            }
        ],
        headers={
            **keys["editor"],
            "If-Match": created.headers["etag"],
            "Content-Type": "application/json-patch+json",
        },
    )
    assert response.status_code == 200, response.text


def test_controller_names_with_bidi_overrides_are_refused(
    fresh_client: TestClient, keys: dict[str, dict[str, str]]
) -> None:
    controller = fresh_client.get("/v1/controllers/camden").json()
    controller.pop("services", None)
    controller["name"] = "London Borough of \u202eCamden"
    response = fresh_client.put("/v1/controllers/camden", json=controller, headers=keys["admin"])
    assert response.status_code == 422, response.text
    assert "/name" in [e["pointer"] for e in response.json()["errors"]]
