"""Small helpers the tests share: importing a document as the CLI does, reading versions."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from typing import Any

from sqlmodel import Session

from app.auth.service import Principal
from app.cli import SEED_OVERRIDE, _state
from app.config import Settings
from app.db import make_engine, writer
from app.editing.service import PublishRequest, import_document
from app.register import service as svc
from app.register import store
from app.register.document import NoticeDocument
from app.register.models import NoticeVersion

TESTER = Principal(name="test", scope="admin")


@contextmanager
def session_for(url: str) -> Iterator[Session]:
    engine = make_engine(Settings(database_url=url))
    try:
        with Session(writer(engine)) as session:
            yield session
    finally:
        engine.dispose()


def import_doc(
    session: Session,
    document: NoticeDocument,
    *,
    today: date | None = None,
    historical: bool = False,
) -> NoticeVersion:
    """Import as `ropa import` does, with the seed's override of error findings: the new
    version, or the version the document is identical to (nothing imported)."""
    return import_document(
        session=session,
        document=document,
        request=PublishRequest(
            effective_from=document.notice.effective_from,
            change_summary=document.notice.change_summary or "Imported by a test",
            override_reason=SEED_OVERRIDE,
        ),
        principal=TESTER,
        documents=store.Documents(64),
        today=today,
        historical=historical,
    ).version


def resolve(
    session: Session, service_id: str, *, at: date | None = None, version: int | None = None
) -> NoticeVersion:
    return svc.resolve_version(
        session=session, state=_state(session), service_id=service_id, at=at, version=version
    )


def export(session: Session, version: NoticeVersion, today: date | None = None) -> NoticeDocument:
    document = store.Documents(8).one(session=session, version=version)
    return store.with_register_fields(document, version, today or date.today())


def revised(document: NoticeDocument, note: str = "Reviewed") -> NoticeDocument:
    """The document with one change (its cookies section), so that publishing it is not a
    no-op."""
    notice = document.notice.model_copy(update={"cookies": f"{note}: we use no cookies."})
    return document.model_copy(update={"notice": notice})


def changed_draft(
    client: Any, notice_url: str, headers: dict[str, str], note: str = "Reviewed"
) -> Any:
    """Open a draft copied from the version in effect and change it (a draft identical to the
    version in effect is not published); returns the PATCH response (its ETag)."""
    created = client.post(f"{notice_url}/drafts", headers=headers)
    assert created.status_code == 201, created.text
    patched = client.patch(
        created.headers["location"],
        json={"notice": {"cookies": f"{note}: we use no cookies."}},
        headers={
            **headers,
            "If-Match": created.headers["etag"],
            "Content-Type": "application/merge-patch+json",
        },
    )
    assert patched.status_code == 200, patched.text
    return patched
