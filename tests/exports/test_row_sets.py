"""The kept ROPA rows of published versions: used when of the current row format, never
different from rows made on the spot, and made in the transaction that publishes."""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from helpers import changed_draft
from sqlalchemy import Engine, delete, update
from sqlalchemy.exc import OperationalError
from sqlmodel import Session, func, select

from app.config import Settings
from app.db import make_engine
from app.exports.models import RopaRowSet
from app.exports.ropa import ROW_FORMAT, RowBuilder
from app.exports.service import _builder
from app.main import create_app
from app.register import store
from app.register.models import NoticeVersion

#: Every format and filter whose rows come from the kept rows (JSON-LD is always made).
VARIANTS = [
    {"format": "csv"},
    {"format": "csv", "bom": "true"},
    {"format": "json"},
    {"format": "csv", "controller": "peterborough"},  # a joint service's second controller
    {"format": "json", "controller": "cambridgeshire"},
    {"format": "csv", "service": "camden-early-help", "at": "2024-01-01"},
    {"format": "jsonld"},
]
GOLDEN = Path(__file__).resolve().parent / "golden-rows.json"


@pytest.fixture
def engine(fresh_db: str) -> Iterator[Engine]:
    engine = make_engine(Settings(database_url=fresh_db))
    yield engine
    engine.dispose()


def _exports(url: str) -> list[bytes]:
    with TestClient(create_app(Settings(database_url=url))) as client:
        responses = [client.get("/v1/ropa", params=p) for p in VARIANTS]
    assert all(r.status_code == 200 for r in responses)
    return [r.content for r in responses]


def _kept(engine: Engine) -> dict[int, int]:
    with Session(engine) as session:
        return dict(session.exec(select(RopaRowSet.notice_version_id, RopaRowSet.row_format)).all())


def test_every_published_version_has_kept_rows_of_the_current_format(engine: Engine) -> None:
    with Session(engine) as session:
        published = session.exec(
            select(func.count())
            .select_from(NoticeVersion)
            .where(NoticeVersion.status == "published")
        ).one()
    kept = _kept(engine)
    assert len(kept) == published and set(kept.values()) == {ROW_FORMAT}


def test_kept_rows_give_the_same_bytes_as_rows_made_on_the_spot(
    fresh_db: str, engine: Engine
) -> None:
    with_kept = _exports(fresh_db)
    with Session(engine) as session:
        session.execute(delete(RopaRowSet))
        session.commit()
    assert _kept(engine) == {}
    assert _exports(fresh_db) == with_kept


def test_rows_of_another_format_are_not_used(fresh_db: str, engine: Engine) -> None:
    before = _exports(fresh_db)
    with Session(engine) as session:
        session.execute(
            update(RopaRowSet).values(
                row_format=ROW_FORMAT - 1, csv_rows="stale\r\n", json_rows="{}"
            )
        )
        session.commit()
    assert _exports(fresh_db) == before


def test_publishing_keeps_the_new_versions_rows_in_the_same_transaction(
    fresh_client: TestClient, keys: dict[str, dict[str, str]], engine: Engine
) -> None:
    drafts = "/v1/services/camden-family-support/notice/drafts"
    created = changed_draft(
        fresh_client, "/v1/services/camden-family-support/notice", keys["editor"]
    )
    body = {"change_summary": "reviewed", "override_reason": "the seed's own mistakes"}
    published = fresh_client.post(
        f"{drafts}/2/publish",
        json=body,
        headers={**keys["publisher"], "If-Match": created.headers["etag"]},
    )
    assert published.status_code == 200, published.text
    with Session(engine) as session:
        version = session.exec(
            select(NoticeVersion).where(
                NoticeVersion.service_id == "camden-family-support", NoticeVersion.version == 2
            )
        ).one()
    assert _kept(engine)[version.id or 0] == ROW_FORMAT


def _golden_rows(engine: Engine) -> dict[str, list[dict[str, object]]]:
    documents = store.Documents(16)
    with Session(engine) as session:
        versions = session.exec(
            store.versions_query().where(NoticeVersion.status == "published")
        ).all()
        out = {}
        for version in sorted(versions, key=lambda v: v.service_id):
            builder: RowBuilder = _builder(
                session=session, documents=documents, version=version, controller=None
            )
            rows = builder.rows()
            for row in rows:
                row.pop("effective_from")  # the seed's undated notices take effect on load
                row.pop("published_at")  # when the test database was made
            out[version.service_id] = rows
    return out


def test_golden_rows_guard_the_row_format(engine: Engine) -> None:
    """The rows of the seed notices. When this fails because the rows changed on purpose, bump
    ``ROW_FORMAT`` (so kept rows of the old format are made again) and regenerate with
    ``ROPA_UPDATE_GOLDEN=1``."""
    rows = _golden_rows(engine)
    if os.environ.get("ROPA_UPDATE_GOLDEN"):
        GOLDEN.write_text(json.dumps({"row_format": ROW_FORMAT, "rows": rows}, indent=1) + "\n")
    golden = json.loads(GOLDEN.read_text())
    assert golden["rows"] == rows, "the rows changed: bump ROW_FORMAT and regenerate"
    assert golden["row_format"] == ROW_FORMAT, "regenerate the golden rows with the new format"


def test_the_cli_goes_on_when_the_rows_cannot_be_made_now(
    fresh_db: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from app import cli

    def busy(**_: object) -> int:
        raise OperationalError("INSERT", {}, Exception("database is locked"))

    monkeypatch.setattr("app.exports.service.store_row_sets", busy)
    engine = make_engine(Settings(database_url=fresh_db))
    cli._keep_rows(engine)
    engine.dispose()
    assert "were not made now (database is locked)" in capsys.readouterr().err
