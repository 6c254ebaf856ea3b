"""The assembled app: cross-origin rules (public reads from anywhere, writes from nowhere)
and what start-up sets."""

from __future__ import annotations

from fastapi.testclient import TestClient


def test_public_reads_are_open_to_any_origin(client: TestClient) -> None:
    response = client.get("/v1/services", headers={"Origin": "https://www.camden.gov.uk"})
    assert response.headers["access-control-allow-origin"] == "*"
    assert "access-control-allow-credentials" not in response.headers
    preflight = client.options(
        "/v1/services/camden-early-help/notice",
        headers={
            "Origin": "https://www.camden.gov.uk",
            "Access-Control-Request-Method": "GET",
            "Access-Control-Request-Headers": "If-None-Match",
        },
    )
    assert preflight.status_code == 200
    assert (
        "ETag"
        in client.get(
            "/v1/services/camden-early-help/notice", headers={"Origin": "https://x.example"}
        ).headers["access-control-expose-headers"]
    )


def test_writes_are_not_admitted_cross_origin(client: TestClient) -> None:
    for method, headers in (
        ("PUT", "Content-Type"),
        ("POST", "Authorization"),
        ("GET", "Authorization"),
    ):
        preflight = client.options(
            "/v1/services/camden-early-help/notice/drafts",
            headers={
                "Origin": "https://evil.example",
                "Access-Control-Request-Method": method,
                "Access-Control-Request-Headers": headers,
            },
        )
        assert preflight.status_code == 400, (method, headers)
