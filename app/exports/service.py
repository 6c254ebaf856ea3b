"""Running the ROPA export, and keeping each published version's finished rows."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator, Sequence
from datetime import date
from typing import Any, Literal

from sqlalchemy import delete, insert
from sqlmodel import Session, col, select

from app.exports.models import RopaRowSet
from app.exports.ropa import (
    APPLICABLE_LAW,
    COLUMNS,
    CONTEXT_PATH,
    HEADER,
    ROW_FORMAT,
    Placed,
    ProcessBuilder,
    Progress,
    RowBuilder,
    contact_rows,
    controller_block,
    controller_node,
    csv_text,
    json_text,
)
from app.register import service as svc
from app.register import store
from app.register.document import ControllerDoc
from app.register.models import Controller, NoticeVersion, Service

#: Versions read and written per group: bounds memory and the size of ``IN`` lists.
GROUP = 500


def _builder(
    *, session: Session, documents: store.Documents, version: NoticeVersion, controller: str | None
) -> RowBuilder:
    document = documents.one(session=session, version=version)
    terms = documents.terms(session=session, version=version)
    assert version.id is not None and terms is not None
    placed = Placed(
        id=version.id,
        service_id=version.service_id,
        version=version.version,
        effective_from=version.effective_from,
        controller=controller or document.service.controllers[0],
        published_at=version.published_at,
    )
    return RowBuilder(placed, document, terms)


def store_row_sets(
    *, session: Session, documents: store.Documents, version_ids: Sequence[int] | None = None
) -> int:
    """Make and keep the rows of published versions (their first controller's); returns how
    many. ``version_ids`` names them (a version being published, in its transaction);
    by default every published version without rows of :data:`ROW_FORMAT`. Does not commit."""
    query = store.versions_query().where(NoticeVersion.status == store.PUBLISHED)
    if version_ids is not None:
        query = query.where(col(NoticeVersion.id).in_(list(version_ids)))
    else:
        current = select(RopaRowSet.notice_version_id).where(RopaRowSet.row_format == ROW_FORMAT)
        query = query.where(col(NoticeVersion.id).not_in(current))
    versions = list(session.exec(query.order_by(col(NoticeVersion.id))).all())
    for start in range(0, len(versions), GROUP):
        group = versions[start : start + GROUP]
        made = []
        for version in group:
            builder = _builder(
                session=session, documents=documents, version=version, controller=None
            )
            rows = builder.rows()
            made.append(
                {
                    "notice_version_id": version.id,
                    "row_format": ROW_FORMAT,
                    "row_count": len(rows),
                    "csv_rows": csv_text(rows),
                    "json_rows": json_text(rows),
                    "controllers": json.dumps(
                        [
                            c.model_dump(mode="json", exclude_none=True)
                            for c in builder.document.controllers
                        ]
                    ),
                }
            )
        session.execute(
            delete(RopaRowSet).where(col(RopaRowSet.notice_version_id).in_([v.id for v in group]))
        )
        session.execute(insert(RopaRowSet), made)
    return len(versions)


class Export:
    """The register in effect on ``at`` (optionally one controller's or one service's); with
    ``recorded_at``, as the register said it was at the end of that day (versions published
    later left out).

    Construction checks the filters (422 naming the parameter) and reads which versions are
    in effect; :meth:`chunks` streams the rows, reading on a session of its own.
    """

    def __init__(
        self,
        *,
        session: Session,
        at: date,
        controller: str | None = None,
        service: str | None = None,
        recorded_at: date | None = None,
    ) -> None:
        svc.require_ids(
            session=session,
            wanted=[("controller", controller, Controller), ("service", service, Service)],
        )
        self.at = at
        self.controller = controller
        self.service = service
        self.recorded_at = recorded_at
        service_ids = [service] if service else None
        if recorded_at is None:
            versions = store.versions_in_effect(
                session=session, at=at, service_ids=service_ids, controller=controller
            )
        else:
            versions = [
                v
                for v in store.recorded_versions(
                    session=session,
                    recorded_on=recorded_at,
                    service_ids=service_ids,
                    controller=controller,
                )
                if store.was_in_effect(v, at)
            ]
        firsts = svc.first_controllers(
            session=session, version_ids=[v.id for v in versions if v.id]
        )
        self.placed: list[tuple[NoticeVersion, str]] = sorted(
            ((v, controller or firsts[v.id or 0]) for v in versions),
            key=lambda p: (p[1], p[0].service_id, p[0].version),
        )

    def filename(self, fmt: str) -> str:
        scope = self.controller or self.service or "all"
        recorded = f"-recorded-{self.recorded_at.isoformat()}" if self.recorded_at else ""
        return f"ropa-{scope}-{self.at.isoformat()}{recorded}.{fmt}"

    def _pieces(
        self, session: Session, documents: store.Documents, fmt: Literal["csv", "json"]
    ) -> Iterator[tuple[str, int, list[ControllerDoc]]]:
        """Each group's rows as text, their number and the controllers they name."""
        column = RopaRowSet.csv_rows if fmt == "csv" else RopaRowSet.json_rows
        for start in range(0, len(self.placed), GROUP):
            group = self.placed[start : start + GROUP]
            firsts = svc.first_controllers(
                session=session, version_ids=[v.id for v, _ in group if v.id]
            )
            keep = [v.id for v, c in group if firsts.get(v.id or 0) == c]
            kept = {
                vid: (text, count, blocks)
                for vid, text, count, blocks in session.exec(
                    select(
                        RopaRowSet.notice_version_id,
                        column,
                        RopaRowSet.row_count,
                        RopaRowSet.controllers,
                    ).where(
                        col(RopaRowSet.notice_version_id).in_(keep),
                        RopaRowSet.row_format == ROW_FORMAT,
                    )
                ).all()
            }
            parts, count, controllers = [], 0, []
            for version, controller in group:
                found = kept.get(version.id or 0)
                if found is not None:
                    text, n, blocks = found
                    named = (  # the JSON export's controller blocks; CSV has none
                        [ControllerDoc.model_validate(b) for b in json.loads(blocks)]
                        if fmt == "json"
                        else []
                    )
                else:
                    builder = _builder(
                        session=session, documents=documents, version=version, controller=controller
                    )
                    rows = builder.rows()
                    text, n = (csv_text(rows) if fmt == "csv" else json_text(rows)), len(rows)
                    named = builder.document.controllers
                if text:
                    parts.append(text)
                count += n
                controllers += named
            if parts:
                yield ("" if fmt == "csv" else ",").join(parts), count, controllers

    def controllers(self, session: Session, documents: store.Documents) -> list[ControllerDoc]:
        """Every controller the exported notices name, as published with the first of them
        that names it, by id."""
        found: dict[str, ControllerDoc] = {}
        for start in range(0, len(self.placed), GROUP):
            versions = [v for v, _ in self.placed[start : start + GROUP]]
            for document in documents.get(session=session, versions=versions):
                for c in document.controllers:
                    found.setdefault(c.id, c)
        return [found[c] for c in sorted(found)]

    def csv(
        self,
        session: Session,
        documents: store.Documents,
        *,
        bom: bool = False,
        contacts: bool = False,
        progress: Progress | None = None,
    ) -> Iterator[bytes]:
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\r\n")
        if contacts:
            writer.writerows(contact_rows(self.controllers(session, documents)))
            writer.writerow([])
        writer.writerow(HEADER)
        yield (("\ufeff" if bom else "") + buffer.getvalue()).encode("utf-8")
        for text, count, _ in self._pieces(session, documents, "csv"):
            yield text.encode("utf-8")
            if progress:
                progress(count)

    def json(
        self, session: Session, documents: store.Documents, *, progress: Progress | None = None
    ) -> Iterator[bytes]:
        head = {
            "at": self.at.isoformat(),
            "recorded_at": self.recorded_at.isoformat() if self.recorded_at else None,
            "filters": {"controller": self.controller, "service": self.service},
            "columns": [{"key": c.key, "label": c.label, "ico_column": c.ico} for c in COLUMNS],
        }
        yield (json.dumps(head, ensure_ascii=False)[:-1] + ',"rows":[').encode("utf-8")
        total = 0
        controllers: dict[str, ControllerDoc] = {}
        for text, count, named in self._pieces(session, documents, "json"):
            yield (("," if total else "") + text).encode("utf-8")
            total += count
            for c in named:
                controllers.setdefault(c.id, c)
            if progress:
                progress(count)
        blocks = [controller_block(controllers[c]) for c in sorted(controllers)]
        tail = {"row_count": total, "controllers": blocks}
        yield ("]," + json.dumps(tail, ensure_ascii=False)[1:] + "\n").encode("utf-8")

    def jsonld(
        self,
        session: Session,
        documents: store.Documents,
        *,
        base: str,
        progress: Progress | None = None,
    ) -> Iterator[bytes]:
        base = base.rstrip("/")
        query = "&".join(
            f"{k}={v}"
            for k, v in (
                ("controller", self.controller),
                ("service", self.service),
                ("at", self.at.isoformat()),
                ("recorded_at", self.recorded_at.isoformat() if self.recorded_at else None),
            )
            if v
        )
        record: dict[str, Any] = {
            "@id": f"{base}/v1/ropa?format=jsonld&{query}",
            "@type": "dpv:RecordsOfActivities",
            "dct:title": "Record of processing activities",
            "ropa:asAt": self.at.isoformat(),
            **({"ropa:recordedAt": self.recorded_at.isoformat()} if self.recorded_at else {}),
            "dpv:hasApplicableLaw": APPLICABLE_LAW,
        }
        head = f'{{"@context":{json.dumps(base + CONTEXT_PATH)},"@graph":['
        yield (head + json.dumps(record, ensure_ascii=False)).encode("utf-8")
        seen: set[str] = set()
        for version, controller in self.placed:
            builder = _builder(
                session=session, documents=documents, version=version, controller=controller
            )
            nodes = [
                controller_node(base, c) for c in builder.document.controllers if c.id not in seen
            ]
            seen.update(c.id for c in builder.document.controllers)
            processes = ProcessBuilder(builder, base)
            nodes += [processes.node(a) for a in builder.document.activities]
            if nodes:
                yield ("," + ",".join(json.dumps(n, ensure_ascii=False) for n in nodes)).encode(
                    "utf-8"
                )
            if progress:
                progress(len(builder.document.activities))
        yield b"]}\n"

    def chunks(
        self,
        session: Session,
        documents: store.Documents,
        *,
        fmt: str,
        bom: bool = False,
        contacts: bool = False,
        base: str = "",
        progress: Progress | None = None,
    ) -> Iterator[bytes]:
        if fmt == "csv":
            return self.csv(session, documents, bom=bom, contacts=contacts, progress=progress)
        if fmt == "json":
            return self.json(session, documents, progress=progress)
        if fmt == "jsonld":
            return self.jsonld(session, documents, base=base, progress=progress)
        raise ValueError(f"unknown format {fmt!r}")
