"""The kept ROPA rows of published versions: used when current, never different from rows made
on the spot, and made again when the vocabularies change."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from datetime import date

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, delete, func, select, update
from sqlalchemy.exc import OperationalError
from sqlmodel import Session

from app.config import Settings
from app.db import make_engine
from app.exports.models import RopaRowSet
from app.exports.ropa import open_export, row_fingerprint
from app.exports.service import store_row_sets
from app.main import create_app
from app.register.models import Controller, DataCategory, NoticeVersion
from app.sharing.service import load_vocab_index

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


def _kept(engine: Engine) -> dict[int, str]:
    with Session(engine) as session:
        return {
            r.notice_version_id: r.fingerprint for r in session.exec(select(RopaRowSet)).scalars()
        }


def test_kept_rows_give_the_same_bytes_as_rows_made_on_the_spot(
    fresh_db: str, engine: Engine
) -> None:
    kept = _kept(engine)
    with Session(engine) as session:
        public = session.scalar(
            select(func.count()).select_from(NoticeVersion).where(NoticeVersion.status != "draft")  # type: ignore[arg-type]
        )
    assert len(kept) == public == 5, "the seeded register keeps the rows of every version"
    with_rows = _exports(fresh_db)
    with Session(engine) as session:
        session.exec(delete(RopaRowSet))  # type: ignore[call-overload]
        session.commit()
    assert _kept(engine) == {}
    assert _exports(fresh_db) == with_rows
    with Session(engine) as session:
        assert store_row_sets(session=session) == 5
        assert store_row_sets(session=session) == 0, "only missing or stale rows are made"
    assert _exports(fresh_db) == with_rows


def test_current_kept_rows_are_used_and_stale_ones_are_not(fresh_db: str, engine: Engine) -> None:
    with Session(engine) as session:
        version_id = session.scalar(
            select(NoticeVersion.id).where(NoticeVersion.service_id == "southwark-early-help")  # type: ignore[arg-type]
        )
        marked = "MARK,kept,row\r\n"
        session.exec(
            update(RopaRowSet)  # type: ignore[call-overload]
            .where(RopaRowSet.notice_version_id == version_id)  # type: ignore[arg-type]
            .values(csv_rows=marked)
        )
        session.commit()
    with TestClient(create_app(Settings(database_url=fresh_db))) as client:
        used = client.get("/v1/ropa", params={"format": "csv"}).text
        assert "MARK,kept,row" in used, "a current row set is copied out as it is"
        with Session(engine) as session:
            session.exec(
                update(RopaRowSet)  # type: ignore[call-overload]
                .where(RopaRowSet.notice_version_id == version_id)  # type: ignore[arg-type]
                .values(fingerprint="0" * 64)
            )
            session.commit()
        made = client.get("/v1/ropa", params={"format": "csv"}).text
    assert "MARK" not in made
    rows = list(csv.DictReader(io.StringIO(made)))
    assert sum(r["Service ID"] == "southwark-early-help" for r in rows) == 4


def test_a_change_of_vocabulary_makes_the_rows_again(fresh_db: str, engine: Engine) -> None:
    with Session(engine) as session:
        old = row_fingerprint(load_vocab_index(session.connection()))
        session.exec(
            update(DataCategory)  # type: ignore[call-overload]
            .where(DataCategory.slug == "special.health")  # type: ignore[arg-type]
            .values(name="Health (renamed)")
        )
        session.commit()
        new = row_fingerprint(load_vocab_index(session.connection()))
    assert new != old
    assert set(_kept(engine).values()) == {old}
    with TestClient(create_app(Settings(database_url=fresh_db))) as client:
        text = client.get("/v1/ropa", params={"format": "csv"}).text
    assert "Health (renamed)" in text, "stale kept rows are not used"
    with Session(engine) as session:
        assert store_row_sets(session=session) == 5
    assert set(_kept(engine).values()) == {new}


def test_publishing_keeps_the_new_versions_rows_in_the_same_transaction(
    fresh_client: TestClient, keys: dict[str, dict[str, str]], engine: Engine
) -> None:
    drafts = "/v1/services/southwark-early-help/notice/drafts"
    created = fresh_client.post(drafts, headers=keys["editor"])
    assert created.status_code == 201
    body = {
        "effective_from": date.today().isoformat(),
        "change_summary": "Reviewed",
        "override_reason": "the findings are known and scheduled",
    }
    published = fresh_client.post(
        f"{drafts}/2/publish",
        json=body,
        headers={**keys["publisher"], "If-Match": created.headers["etag"]},
    )
    assert published.status_code == 200, published.text
    with Session(engine) as session:
        new_id = session.scalar(
            select(NoticeVersion.id).where(
                NoticeVersion.service_id == "southwark-early-help",  # type: ignore[arg-type]
                NoticeVersion.version == 2,  # type: ignore[arg-type]
            )
        )
        kept = session.get(RopaRowSet, new_id)
        assert kept is not None and kept.row_count == 4
        assert ",southwark-early-help,southwark-early-help." in kept.csv_rows
    rows = list(
        csv.DictReader(io.StringIO(fresh_client.get("/v1/ropa", params={"format": "csv"}).text))
    )
    assert {r["Notice version"] for r in rows if r["Service ID"] == "southwark-early-help"} == {"2"}


def test_rows_show_the_controller_as_published_until_the_next_version(
    fresh_client: TestClient, keys: dict[str, dict[str, str]], engine: Engine
) -> None:
    """The register "as it stood": a controller edit shows in the next published version's
    rows, not in the rows of versions already published (as the notice document itself)."""
    controller = fresh_client.get("/v1/controllers/southwark").json()
    controller.pop("services")
    controller["name"] = "Southwark Council (renamed)"
    updated = fresh_client.put(
        "/v1/controllers/southwark", json=controller, headers=keys["publisher"]
    )
    assert updated.status_code == 200, updated.text
    with Session(engine) as session:
        assert session.get_one(Controller, "southwark").name == "Southwark Council (renamed)"
    with engine.connect() as conn:
        export = open_export(conn, at=date.today(), controller="southwark")
        names = {v.controller_rows["southwark"].name for v in export.versions}
    assert names == {"London Borough of Southwark"}
    rows = list(
        csv.DictReader(
            io.StringIO(
                fresh_client.get(
                    "/v1/ropa", params={"format": "csv", "controller": "southwark"}
                ).text
            )
        )
    )
    assert {r["Controller name"] for r in rows} == {"London Borough of Southwark"}


def test_versions_without_frozen_blocks_are_made_on_the_spot_and_not_kept(
    fresh_db: str, engine: Engine
) -> None:
    before = _exports(fresh_db)
    with Session(engine) as session:
        version_id = session.scalar(select(func.min(NoticeVersion.id)))
        session.exec(
            update(NoticeVersion)  # type: ignore[call-overload]
            .where(NoticeVersion.id == version_id)  # type: ignore[arg-type]
            .values(published_blocks=None)
        )
        session.exec(delete(RopaRowSet).where(RopaRowSet.notice_version_id == version_id))  # type: ignore[call-overload, arg-type]
        session.commit()
        assert store_row_sets(session=session) == 0, "nothing to keep for it, every time"
        assert store_row_sets(session=session) == 0
    assert version_id not in _kept(engine)
    assert _exports(fresh_db) == before  # its blocks are read from the register instead


def test_the_cli_goes_on_when_the_rows_cannot_be_made_now(
    engine: Engine, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    import app.exports.service
    from app.cli import _keep_rows

    def busy(**_kwargs: object) -> int:
        raise OperationalError("INSERT", {}, Exception("database is locked"))

    monkeypatch.setattr(app.exports.service, "store_row_sets", busy)
    _keep_rows(engine)  # no exception: the kept rows are a cache
    assert "not made now (database is locked)" in capsys.readouterr().err


def test_groups_are_bounded_in_versions_as_well_as_rows() -> None:
    from app.exports.ropa import VersionInfo, _groups

    def version(i: int, count: int) -> VersionInfo:
        return VersionInfo(i, f"s{i}", "S", 1, None, None, count=count)

    empty = [version(i, 0) for i in range(1200)]
    assert [len(g) for g in _groups(empty, 500)] == [500, 500, 200]
    mixed = [version(0, 700), version(1, 10), version(2, 495), version(3, 0)]
    assert [[v.id for v in g] for g in _groups(mixed, 500)] == [[0], [1], [2, 3]]
