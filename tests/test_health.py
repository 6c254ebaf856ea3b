"""Liveness and readiness."""

from __future__ import annotations

from pathlib import Path

from fastapi.testclient import TestClient

from app.config import Settings
from app.main import create_app


def test_ready_means_reachable_and_migrated(client: TestClient, tmp_path: Path) -> None:
    assert client.get("/readyz").json() == {"status": "ready", "database": "ok"}
    unmigrated = create_app(Settings(database_url=f"sqlite:///{tmp_path / 'new.db'}"))
    with TestClient(unmigrated) as fresh:
        assert fresh.get("/healthz").status_code == 200
        response = fresh.get("/readyz")
        assert response.status_code == 503
        assert "ropa db upgrade" in response.json()["detail"]
        assert response.headers["retry-after"]
    unmigrated.state.engine.dispose()
