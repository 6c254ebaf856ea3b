"""Request body limits: size (413) and JSON nesting depth (422), before the app sees them."""

from __future__ import annotations

from fastapi.testclient import TestClient

from app.limits import json_depth

PROBLEM = "application/problem+json"
DRAFTS = "/v1/services/camden-family-support/notice/drafts"


def test_json_depth_ignores_brackets_in_strings() -> None:
    assert json_depth(b"1") == 0
    assert json_depth(b"[]") == 1
    assert json_depth(b'{"a": [1, {"b": "[[[[{{"}]}') == 3
    assert json_depth(b'["\\"[[", ["]"]]') == 2
    assert json_depth(b"not json") == 0
    assert json_depth(b"[" * 100_000 + b"]" * 100_000) >= 1000


def _nested(levels: int) -> object:
    value: object = "x"
    for i in range(levels):
        value = {"a": value} if i % 2 else [value]
    return value


def test_deep_patch_values_are_422_and_the_connection_stays_usable(
    fresh_client: TestClient, keys: dict[str, dict[str, str]]
) -> None:
    created = fresh_client.post(DRAFTS, headers=keys["editor"])
    assert created.status_code == 201
    etag = created.headers["etag"]
    for content_type, body in (
        (
            "application/json-patch+json",
            [{"op": "add", "path": "/activities/0/purposes/-", "value": _nested(500)}],
        ),
        ("application/merge-patch+json", {"notice": {"x": _nested(500)}}),
        ("application/merge-patch+json", {"notice": {"x": _nested(40)}}),
    ):
        response = fresh_client.patch(
            f"{DRAFTS}/2",
            json=body,
            headers={**keys["editor"], "If-Match": etag, "Content-Type": content_type},
        )
        assert response.status_code == 422, response.text
        assert response.headers["content-type"] == PROBLEM
        assert "32 levels" in response.json()["detail"]
    # the same client (one connection) goes on working, and nothing was changed
    again = fresh_client.get(f"{DRAFTS}/2", headers=keys["editor"])
    assert again.status_code == 200 and again.headers["etag"] == etag
    fine = fresh_client.patch(
        f"{DRAFTS}/2",
        json=[{"op": "add", "path": "/activities/0/purposes/-", "value": "A shallow purpose"}],
        headers={
            **keys["editor"],
            "If-Match": etag,
            "Content-Type": "application/json-patch+json",
        },
    )
    assert fine.status_code == 200, fine.text


def test_deep_bodies_are_refused_on_every_json_route(
    fresh_client: TestClient, keys: dict[str, dict[str, str]]
) -> None:
    deep = b"[" * 33 + b"]" * 33
    for method, path in (
        ("POST", DRAFTS),
        ("POST", "/v1/controllers"),
        ("PUT", "/v1/services/camden-family-support"),
        ("POST", "/v1/checks/text"),
    ):
        response = fresh_client.request(
            method,
            path,
            content=deep,
            headers={**keys["admin"], "Content-Type": "application/json"},
        )
        assert response.status_code == 422, (path, response.status_code)
        assert response.headers["content-type"] == PROBLEM
