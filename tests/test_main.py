"""The assembled app: cross-origin rules (public reads from anywhere, writes from nowhere)
and what start-up sets."""

from __future__ import annotations

import gc

import pytest
from fastapi.testclient import TestClient

from app.config import Settings
from app.main import create_app


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


def test_start_up_sets_the_collector_thresholds_from_settings(
    fresh_db: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ROPA_GC_THRESHOLD", "[1234, 11, 12]")
    assert Settings(database_url=fresh_db).gc_threshold == (1234, 11, 12)
    before = gc.get_threshold()
    try:
        with TestClient(create_app(Settings(database_url=fresh_db))) as client:
            assert client.get("/healthz").status_code == 200
            assert gc.get_threshold() == (1234, 11, 12)
        gc.set_threshold(*before)
        monkeypatch.setenv("ROPA_GC_THRESHOLD", "null")
        with TestClient(create_app(Settings(database_url=fresh_db))):
            assert gc.get_threshold() == before, "null keeps the process's thresholds"
    finally:
        gc.set_threshold(*before)
