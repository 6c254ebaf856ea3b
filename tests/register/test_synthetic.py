"""The synthetic register for benchmarks: small, deterministic, and answered by the API."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import text

from app.config import PROJECT_ROOT, Settings
from app.db import make_engine
from app.main import create_app
from app.register.document import NoticeDocument
from app.register.synthetic import SyntheticRegisterError, generate
from conftest import Backend

VOCAB = PROJECT_ROOT / "seed" / "vocab"


def _generate(url: str, seed: int = 7) -> None:
    engine = make_engine(Settings(database_url=url), pooled=False)
    try:
        summary = generate(engine, councils=3, services=2, activities=3, seed=seed, vocab_dir=VOCAB)
    finally:
        engine.dispose()
    assert (summary.controllers, summary.services, summary.activities) == (3, 6, 18)


@pytest.fixture
def synthetic(empty_db: str) -> Iterator[TestClient]:
    _generate(empty_db)
    with TestClient(create_app(Settings(database_url=empty_db))) as client:
        yield client


def test_services_and_controllers_are_listed_and_marked_synthetic(synthetic: TestClient) -> None:
    services = synthetic.get("/v1/services", params={"limit": 100}).json()
    assert services["total"] == 6
    assert all(s["current_version"] == 1 for s in services["items"])
    controller = synthetic.get("/v1/controllers/synthetic-council-0002").json()
    assert controller["gss_code"] == "E99000002"
    assert "synthetic" in controller["name"].lower()
    assert len(controller["services"]) == 2


def test_notice_documents_are_valid_and_in_effect_today(synthetic: TestClient) -> None:
    response = synthetic.get("/v1/services/synthetic-council-0001-early-help/notice")
    assert response.status_code == 200
    document = NoticeDocument.model_validate(response.json())
    assert document.notice.status == "published"
    assert [a.id for a in document.activities] == ["activity-01", "activity-02", "activity-03"]
    assert all(a.recipients and a.data_categories and a.lawful_bases for a in document.activities)
    rendered = synthetic.get("/v1/services/synthetic-council-0001-early-help/notice/render")
    assert rendered.status_code == 200
    assert "synthetic" in rendered.text.lower()


def test_a_listed_disclosure_is_documented_by_the_lookup(synthetic: TestClient) -> None:
    service = "synthetic-council-0003-family-support"
    activity = synthetic.get(f"/v1/activities/{service}.activity-02").json()
    link = activity["recipients"][0]
    recipient = link["party"]
    category = (link["data_categories"] or [activity["data_categories"][0]["category"]])[0]
    answer = synthetic.get(
        f"/v1/services/{service}/lawful-basis",
        params={"recipient": recipient, "data_category": category},
    )
    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert body["documented"] is True
    assert f"{service}.activity-02" in {a["id"] for a in body["activities"]}
    # asked again: the same answer (served from the answer cache)
    assert (
        synthetic.get(
            f"/v1/services/{service}/lawful-basis",
            params={"recipient": recipient, "data_category": category},
        ).json()
        == body
    )


def test_the_same_seed_gives_the_same_register(empty_db: str, backend: Backend) -> None:
    other = backend.database("empty")
    _generate(empty_db)
    _generate(other)
    query = text(
        "SELECT pl.party, pl.role, pl.position, a.slug FROM party_link pl "
        "JOIN activity a ON a.id = pl.activity_id ORDER BY a.notice_version_id, a.position, "
        "pl.role, pl.position"
    )
    rows = []
    for url in (empty_db, other):
        engine = make_engine(Settings(database_url=url), pooled=False)
        with engine.connect() as conn:
            rows.append(conn.execute(query).all())
        engine.dispose()
    assert rows[0] == rows[1] and rows[0]


def test_a_second_run_is_refused(empty_db: str) -> None:
    _generate(empty_db)
    with pytest.raises(SyntheticRegisterError, match="already has synthetic councils"):
        _generate(empty_db)
