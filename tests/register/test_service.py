"""Import and export: round trips, versions in time, and nothing half-written."""

from __future__ import annotations

from datetime import date

import pytest
from helpers import export, import_doc, resolve, revised, session_for
from sqlmodel import Session, func, select

from app.errors import Conflict, InvalidDocument
from app.register.document import NoticeDocument, PartyLink
from app.register.models import ActivityRow, NoticeVersion, Service
from app.register.seeds import SeedSet
from app.register.service import save_terms


def test_import_then_export_gives_the_same_document(empty_db: str, seed: SeedSet) -> None:
    with session_for(empty_db) as session:
        save_terms(session=session, vocabulary=seed.vocabulary)
        session.commit()
        for document in seed.documents:
            version = import_doc(session, document)
            exported = export(session, version)
            assert exported.notice.version == 1
            assert exported.notice.status in ("in_effect", "scheduled")
            assert exported.without_register_fields() == document.without_register_fields()
            assert exported.notice.effective_from == (
                document.notice.effective_from or date.today()
            )
            # and the JSON form is stable too
            again = NoticeDocument.model_validate_json(exported.model_dump_json())
            assert again == exported, document.service.id


def _camden(seed: SeedSet) -> NoticeDocument:
    return next(d for d in seed.documents if d.service.id == "camden-early-help")


def _dated(document: NoticeDocument, when: date, **notice: str) -> NoticeDocument:
    meta = document.notice.model_copy(update={"effective_from": when, **notice})
    return document.model_copy(update={"notice": meta})


def test_a_new_import_supersedes_and_dates_select_versions(fresh_db: str, seed: SeedSet) -> None:
    original = _camden(seed)
    later = _dated(
        revised(original, "National Insights ended"),
        date(2025, 4, 1),
        change_summary="National Insights ended",
    )
    with session_for(fresh_db) as session:
        v2 = import_doc(session, later)
        assert v2.version == 2 and v2.status == "published"
        v1 = resolve(session, "camden-early-help", version=1)
        assert v1.effective_to == date(2025, 4, 1) and v2.effective_to is None
        assert resolve(session, "camden-early-help", at=date(2024, 6, 1)).version == 1
        assert resolve(session, "camden-early-help", at=date(2025, 4, 1)).version == 2
        assert resolve(session, "camden-early-help").version == 2
        old = export(session, v1)
        assert old.notice.status == "superseded"
        assert old.notice.change_summary == original.notice.change_summary
        assert export(session, v2).notice.status == "in_effect"


def _count(session: Session, model: type) -> int:
    return session.exec(select(func.count()).select_from(model)).one()


def test_unknown_references_write_nothing(fresh_db: str, seed: SeedSet) -> None:
    original = _camden(seed)
    first = original.activities[0]
    broken_activity = first.model_copy(
        update={"recipients": [*first.recipients, PartyLink(party="no-such-party")]}
    )
    broken = original.model_copy(update={"activities": [broken_activity, *original.activities[1:]]})
    with session_for(fresh_db) as session:
        before = (
            _count(session, NoticeVersion),
            _count(session, ActivityRow),
            _count(session, Service),
        )
        with pytest.raises(InvalidDocument) as caught:
            import_doc(session, broken)
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
    with session_for(fresh_db) as session:
        before = _count(session, NoticeVersion)
        with pytest.raises(Conflict):
            import_doc(session, document)
        assert _count(session, NoticeVersion) == before
        assert session.get(Service, "impostor-service") is None


def test_on_the_same_day_the_later_publication_is_in_effect(fresh_db: str, seed: SeedSet) -> None:
    original = _camden(seed)
    first = _dated(original, date(2026, 1, 5), title="A")
    second = _dated(original, date(2026, 1, 5), title="B")
    with session_for(fresh_db) as session:
        a = import_doc(session, first, today=date(2026, 1, 5))
        b = import_doc(session, second, today=date(2026, 1, 5))
        assert (
            export(session, resolve(session, "camden-early-help", at=date(2026, 2, 1))).notice.title
            == "B"
        )
        assert export(session, a).notice.status == "never_in_effect"
        from app.audit.models import AuditEvent

        imports = session.exec(select(AuditEvent).where(AuditEvent.action == "notice.import")).all()
        assert {e.target for e in imports} >= {
            "services/camden-early-help/notice/2",
            "services/camden-early-help/notice/3",
        }
        assert b.effective_to is None
