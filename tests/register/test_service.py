"""Import and export: round trips, versions in time, and nothing half-written."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, timedelta

import pytest
from sqlmodel import Session, func, select

from app.config import Settings
from app.db import make_engine
from app.errors import Conflict, InvalidDocument
from app.register import service as svc
from app.register.document import NoticeDocument, PartyLink
from app.register.models import ActivityRow, NoticeVersion, Service
from app.register.seeds import SeedSet


@contextmanager
def _session(url: str) -> Iterator[Session]:
    engine = make_engine(Settings(database_url=url))
    try:
        with Session(engine) as session:
            yield session
    finally:
        engine.dispose()


def _strip_register_fields(document: NoticeDocument) -> NoticeDocument:
    notice = document.notice.model_copy(update={"version": None, "status": None})
    return document.model_copy(update={"notice": notice})


def test_import_then_export_gives_the_same_document(empty_db: str, seed: SeedSet) -> None:
    with _session(empty_db) as session:
        svc.load_vocabulary(session=session, vocabulary=seed.vocabulary)
        for document in seed.documents:
            version = svc.import_document(session=session, document=document)
            exported = svc.export_document(session=session, version=version)
            assert exported.notice.version == 1
            assert exported.notice.status == "published"
            assert _strip_register_fields(exported) == document, document.service.id
            # and the JSON form is stable too
            assert (
                _strip_register_fields(
                    NoticeDocument.model_validate_json(exported.model_dump_json())
                ).model_dump()
                == document.model_dump()
            )


def _camden(seed: SeedSet) -> NoticeDocument:
    return next(d for d in seed.documents if d.service.id == "camden-early-help")


def test_a_new_import_supersedes_and_dates_select_versions(fresh_db: str, seed: SeedSet) -> None:
    original = _camden(seed)
    revised = original.model_copy(
        update={
            "notice": original.notice.model_copy(
                update={
                    "effective_from": date(2025, 4, 1),
                    "change_summary": "National Insights ended",
                }
            )
        }
    )
    with _session(fresh_db) as session:
        v2 = svc.import_document(session=session, document=revised)
        assert v2.version == 2 and v2.status == "published"
        statuses = dict(
            session.exec(
                select(NoticeVersion.version, NoticeVersion.status).where(
                    NoticeVersion.service_id == "camden-early-help"
                )
            ).all()
        )
        assert statuses == {1: "superseded", 2: "published"}
        assert (
            svc.resolve_version(
                session=session, service_id="camden-early-help", at=date(2024, 6, 1)
            ).version
            == 1
        )
        assert (
            svc.resolve_version(
                session=session, service_id="camden-early-help", at=date(2025, 4, 1)
            ).version
            == 2
        )
        assert svc.resolve_version(session=session, service_id="camden-early-help").version == 2
        old = svc.export_document(
            session=session,
            version=svc.resolve_version(session=session, service_id="camden-early-help", version=1),
        )
        assert old.notice.status == "superseded"
        assert old.notice.change_summary == original.notice.change_summary


def _count(session: Session, model: type) -> int:
    return session.exec(select(func.count()).select_from(model)).one()


def test_unknown_references_write_nothing(fresh_db: str, seed: SeedSet) -> None:
    original = _camden(seed)
    first = original.activities[0]
    broken_activity = first.model_copy(
        update={"recipients": [*first.recipients, PartyLink(party="no-such-party")]}
    )
    broken = original.model_copy(update={"activities": [broken_activity, *original.activities[1:]]})
    with _session(fresh_db) as session:
        before = (
            _count(session, NoticeVersion),
            _count(session, ActivityRow),
            _count(session, Service),
        )
        with pytest.raises(InvalidDocument) as caught:
            svc.import_document(session=session, document=broken)
        assert caught.value.errors is not None
        pointer = caught.value.errors[0].pointer
        assert pointer == f"/activities/0/recipients/{len(first.recipients)}/party"
        assert "no-such-party" in caught.value.errors[0].detail
        after = (
            _count(session, NoticeVersion),
            _count(session, ActivityRow),
            _count(session, Service),
        )
        assert after == before


def test_a_gss_code_belongs_to_one_controller(fresh_db: str, seed: SeedSet) -> None:
    original = _camden(seed)
    impostor = original.controllers[0].model_copy(update={"id": "impostor", "name": "Impostor"})
    service = original.service.model_copy(
        update={"id": "impostor-service", "controllers": ["impostor"]}
    )
    document = original.model_copy(update={"controllers": [impostor], "service": service})
    with _session(fresh_db) as session:
        before = _count(session, NoticeVersion)
        with pytest.raises(Conflict):
            svc.import_document(session=session, document=document)
        assert _count(session, NoticeVersion) == before
        assert session.get(Service, "impostor-service") is None


def test_hierarchies(fresh_db: str) -> None:
    from app.register.models import DataCategory, Party

    with _session(fresh_db) as session:
        below_special = svc.descendants(session=session, model=DataCategory, slug="special")
        assert "special" in below_special and len(below_special) > 1
        kinds = {session.get_one(DataCategory, s).kind for s in below_special}
        assert kinds == {"special_category"}
        below_police = svc.descendants(session=session, model=Party, slug="police")
        assert {session.get_one(Party, s).parent for s in below_police - {"police"}} == {"police"}


def test_on_the_same_day_the_later_publication_is_in_effect(fresh_db: str, seed: SeedSet) -> None:
    original = _camden(seed)
    first = original.model_copy(
        update={
            "notice": original.notice.model_copy(
                update={"effective_from": date(2026, 1, 5), "title": "A"}
            )
        }
    )
    second = original.model_copy(
        update={
            "notice": original.notice.model_copy(
                update={"effective_from": date(2026, 1, 5), "title": "B"}
            )
        }
    )
    with _session(fresh_db) as session:
        a = svc.import_document(session=session, document=first)
        b = svc.import_document(session=session, document=second)
        # make the lower-numbered version the later publication
        a.published_at = b.published_at + timedelta(seconds=1)  # type: ignore[operator]
        session.add(a)
        session.commit()
        assert (
            svc.resolve_version(
                session=session, service_id="camden-early-help", at=date(2026, 2, 1)
            ).title
            == "A"
        )
        from app.audit.models import AuditEvent

        imports = session.exec(select(AuditEvent).where(AuditEvent.action == "notice.import")).all()
        assert {e.target for e in imports} >= {
            "services/camden-early-help/notice/2",
            "services/camden-early-help/notice/3",
        }
