"""The ROPA export: the register as one row per processing activity, streamed.

Rows come from the public notice versions in effect on a date (the register as it stood then),
read in batches of :data:`BATCH_SIZE` activities with Core queries (one per linked table per
batch, no ORM objects), turned into rows by pure functions and written out batch by batch, so
memory stays flat however large the register is. Three formats share the same rows:

``csv``
    RFC 4180 (CRLF, minimal quoting), UTF-8, optionally with a byte-order mark for Excel. The
    header is the identifier columns, then the columns of the ICO "Documentation template for
    controllers" in its order (:data:`ICO_COLUMNS`), then ``Missing required items``.
    Multi-valued cells are joined with ``"; "``. A cell starting with ``=``, ``+``, ``-``,
    ``@``, a tab or a carriage return is prefixed with ``'`` so a spreadsheet does not run it
    as a formula.
``json``
    ``{"at", "filters", "columns", "controllers", "rows", "row_count"}``: the controller block
    (contact details, DPO, representative) then the same rows as objects keyed by the column
    keys; multi-valued cells are lists, empty cells ``null`` or ``[]``.
``jsonld``
    The register as W3C DPV: each activity a ``dpv:Process``; the ``@context`` is the file
    shipped with the project (``app/exports/context/ropa-v1.jsonld``), served at
    :data:`CONTEXT_PATH`.

Decisions where the ICO template and the register do not line up one to one:

- *Controller of a row*: the controller asked for (``controller=``), otherwise the service's
  first controller; the other controllers of a joint service fill "Name and contact details of
  joint controller".
- *Business function*: the activity's ``business_function``, else the service's name.
- *Retention schedule*: each rule as ``P6Y from case closure (adults)`` when it has a duration,
  else the rule's text as written.
- *Location of personal data*: the systems the activity names (MOSAIC, Liquid Logic ...).
- *DPA 2018 Schedule 1 condition*: Art 10 (when cited) and the Schedule 1 conditions.
  *GDPR Article 6 lawful basis* of that section repeats the Art 6 bases when the section
  applies (special category or criminal offence data, or a Schedule 1 condition).
- Columns the register holds no data for (processor contracts, legitimate interests
  assessments, consent records, DPIAs, breaches, policy documents) are present and empty.
- *Missing required items* (:meth:`RowBuilder.missing`): the Art 30(1) / DPA 2018 Sch 1 para 41
  items the row lacks: purposes; categories of individuals; categories of personal data;
  categories of recipients; retention period (no rule gives a duration or a criterion: a rule
  "per corporate schedule" or "unspecified" without a duration does not count); Article 6
  lawful basis; Article 9 condition (special category data); Schedule 1 condition (an Art 9
  condition that needs one, or criminal offence data); DPO contact (the row's controller has
  none); security measures (the notice has no security statement).
"""

from __future__ import annotations

import csv
import hashlib
import importlib.metadata
import io
import itertools
import json
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date
from difflib import get_close_matches
from pathlib import Path
from typing import Any, Literal, NamedTuple

from sqlalchemy import Connection, and_, func, or_, select

from app.errors import FieldError, InvalidQuery
from app.exports.models import ROW_SETS
from app.register import vocabulary as _vocabulary
from app.register.service import version_in_effect_clause
from app.register.vocabulary import criminal_condition_met, schedule1_shortfall
from app.sharing import service as _sharing
from app.sharing.service import (
    DbRow,
    VocabIndex,
    child_rows,
    load_vocab_index,
    statute_ref,
    table,
)

BATCH_SIZE = 500


#: The rows' format: a digest of the code that makes them (this module, the Schedule 1 rules,
#: the vocabulary index), so rows kept by an earlier release are made again, never served, by
#: a release that makes them differently. No one has to remember to change a number.
def _row_format() -> str:
    digest = hashlib.sha256()
    try:
        for source in (__file__, _vocabulary.__file__, _sharing.__file__):
            digest.update(Path(source or "").read_bytes())
    except OSError:  # installed without sources: the release's version stands for its code
        digest.update(importlib.metadata.version("ropa").encode())
    return digest.hexdigest()[:16]


ROW_FORMAT = _row_format()
CONTEXT_PATH = "/contexts/ropa-v1.jsonld"
Format = Literal["csv", "json", "jsonld"]
MEDIA_TYPES: dict[str, str] = {
    "csv": "text/csv; charset=utf-8",
    "json": "application/json",
    "jsonld": "application/ld+json",
}
EXTENSIONS: dict[str, str] = {"csv": "csv", "json": "json", "jsonld": "jsonld"}
SEPARATOR = "; "
Progress = Callable[[int], None]


class Column(NamedTuple):
    key: str
    label: str
    ico: int | None = None
    multi: bool = False


IDENTIFIER_COLUMNS: tuple[Column, ...] = (
    Column("controller_gss_code", "Controller GSS code"),
    Column("controller_name", "Controller name"),
    Column("service_id", "Service ID"),
    Column("activity_id", "Activity ID"),
    Column("activity_name", "Activity name"),
    Column("notice_version", "Notice version"),
    Column("effective_from", "Effective from"),
)

#: The ICO documentation template for controllers, in its order (standards.md section 1.3).
ICO_COLUMNS: tuple[Column, ...] = (
    Column("business_function", "Business function", 1),
    Column("purposes", "Purpose of processing", 2, True),
    Column(
        "joint_controllers", "Name and contact details of joint controller (if applicable)", 3, True
    ),
    Column("data_subjects", "Categories of individuals", 4, True),
    Column("data_categories", "Categories of personal data", 5, True),
    Column("recipients", "Categories of recipients", 6, True),
    Column("processor_contract", "Link to contract with processor", 7),
    Column(
        "transfer_destinations",
        "Names of third countries or international organisations that personal data are "
        "transferred to (if applicable)",
        8,
        True,
    ),
    Column(
        "transfer_safeguards",
        "Safeguards for exceptional transfers of personal data to third countries or "
        "international organisations (if applicable)",
        9,
    ),
    Column("retention", "Retention schedule (if possible)", 10, True),
    Column(
        "security_measures",
        "General description of technical and organisational security measures (if possible)",
        11,
    ),
    Column("art6_basis", "Article 6 lawful basis for processing personal data", 12, True),
    Column("art9_condition", "Article 9 condition for processing special category data", 13, True),
    Column(
        "legitimate_interests", "Legitimate interests for the processing (if applicable)", 14, True
    ),
    Column("lia_link", "Link to record of legitimate interests assessment (if applicable)", 15),
    Column("rights", "Rights available to individuals", 16, True),
    Column(
        "automated_decision_making",
        "Existence of automated decision-making, including profiling (if applicable)",
        17,
    ),
    Column("sources", "The source of the personal data (if applicable)", 18, True),
    Column("consent_record_link", "Link to record of consent", 19),
    Column("data_location", "Location of personal data", 20, True),
    Column("dpia_required", "Data Protection Impact Assessment required?", 21),
    Column("dpia_progress", "Data Protection Impact Assessment progress", 22),
    Column("dpia_link", "Link to Data Protection Impact Assessment", 23),
    Column("breach_occurred", "Has a personal data breach occurred?", 24),
    Column("breach_link", "Link to record of personal data breach", 25),
    Column(
        "schedule1_condition",
        "Data Protection Act 2018 Schedule 1 Condition for processing",
        26,
        True,
    ),
    Column("schedule1_art6_basis", "GDPR Article 6 lawful basis for processing", 27, True),
    Column("retention_policy_link", "Link to retention and erasure policy document", 28),
    Column(
        "retained_per_policy",
        "Is personal data retained and erased in accordance with the policy document?",
        29,
    ),
    Column(
        "policy_deviation_reasons",
        "Reasons for not adhering to policy document (if applicable)",
        30,
    ),
)
MISSING_COLUMN = Column("missing_required_items", "Missing required items", None, True)
COLUMNS: tuple[Column, ...] = (*IDENTIFIER_COLUMNS, *ICO_COLUMNS, MISSING_COLUMN)
HEADER: list[str] = [c.label for c in COLUMNS]

RIGHT_LABELS: dict[str, str] = {
    "be_informed": "Right to be informed",
    "access": "Right of access",
    "rectification": "Right to rectification",
    "erasure": "Right to erasure",
    "restriction": "Right to restrict processing",
    "objection": "Right to object",
    "portability": "Right to data portability",
    "automated_decisions": "Rights related to automated decision-making including profiling",
    "withdraw_consent": "Right to withdraw consent",
    "complain": "Right to complain to the Information Commissioner",
}
TRIGGER_WORDS: dict[str, str] = {
    "case_closure": "from case closure",
    "date_of_birth": "from date of birth",
    "last_contact": "from last contact",
    "end_of_service": "from the end of the service",
    "collection": "from collection",
    "corporate_schedule": "under the corporate retention schedule",
    "unspecified": "",
}
#: Rules that give no period and no criterion by themselves.
VAGUE_TRIGGERS = frozenset({"corporate_schedule", "unspecified"})
LEGITIMATE_INTEREST_BASES = frozenset({"art6-1-f", "art6-1-ea"})


# --- what is read from the database ----------------------------------------------------------


class ControllerRow(NamedTuple):
    """A controller's details as a row shows them: as published with the version (its frozen
    blocks), or from the register for a version without them."""

    id: str
    name: str
    gss_code: str | None = None
    register_code: str | None = None
    address: str | None = None
    website: str | None = None
    phone: str | None = None
    ico_registration_number: str | None = None
    dpo_name: str | None = None
    dpo_role: str | None = None
    dpo_email: str | None = None
    dpo_phone: str | None = None
    dpo_address: str | None = None
    dpo_url: str | None = None

    @classmethod
    def from_block(cls, block: dict[str, Any]) -> ControllerRow:
        """From a ``controllers`` item of a version's frozen blocks (a ``ControllerDoc``)."""
        dpo = block.get("dpo") or {}
        return cls(
            id=block["id"],
            name=block["name"],
            gss_code=block.get("gss_code"),
            register_code=block.get("register_code"),
            address=block.get("address"),
            website=block.get("website"),
            phone=block.get("phone"),
            ico_registration_number=block.get("ico_registration_number"),
            dpo_name=dpo.get("name"),
            dpo_role=dpo.get("role"),
            dpo_email=dpo.get("email"),
            dpo_phone=dpo.get("phone"),
            dpo_address=dpo.get("address"),
            dpo_url=dpo.get("url"),
        )

    @classmethod
    def from_db(cls, row: DbRow) -> ControllerRow:
        return cls(**{name: getattr(row, name) for name in cls._fields})


@dataclass(slots=True)
class VersionInfo:
    """A notice version in effect, with what its rows share."""

    id: int
    service_id: str
    service_name: str
    version: int
    effective_from: date | None
    security: str | None
    #: The controllers as published (the version's frozen blocks), lead first.
    controllers: list[str] = field(default_factory=list)
    controller_rows: dict[str, ControllerRow] = field(default_factory=dict)
    #: The controller of the version's rows: the one asked for, else the lead.
    controller: str | None = None
    rights: list[str] = field(default_factory=list)
    count: int = 0
    #: Whether the version's blocks are frozen (published), so its rows never change.
    frozen: bool = False

    @property
    def storable(self) -> bool:
        """Whether the version's rows are the ones kept (frozen, lead controller's rows)."""
        lead = self.controllers[0] if self.controllers else None
        return self.frozen and self.controller == lead


@dataclass(slots=True)
class ActivityRecord:
    """One processing activity with everything a row needs (slugs, resolved when written)."""

    id: int
    slug: str
    name: str
    business_function: str | None
    consent_dependent: bool
    transfers: dict[str, Any] | None
    adm_used: bool | None
    adm_text: str | None
    version: VersionInfo
    purposes: list[str] = field(default_factory=list)
    subjects: list[str] = field(default_factory=list)
    categories: list[str] = field(default_factory=list)
    sources: list[tuple[str, str | None]] = field(default_factory=list)
    recipients: list[tuple[str, str | None]] = field(default_factory=list)
    bases: list[tuple[str, str | None]] = field(default_factory=list)
    #: (cited as, statute, provisions as read: a list or its JSON text, kind as cited)
    statutes: list[tuple[str, str | None, Any, str]] = field(default_factory=list)
    retention: list[tuple[str, str | None, str, str]] = field(default_factory=list)
    systems: list[str] = field(default_factory=list)

    @property
    def public_id(self) -> str:
        return f"{self.version.service_id}.{self.slug}"


def _unknown_filter(parameter: str, value: str, known: Sequence[str]) -> InvalidQuery:
    return InvalidQuery(
        f"Unknown {parameter} '{value}'",
        errors=[FieldError(pointer=parameter, detail=f"'{value}' is not a known {parameter}")],
        suggestions=get_close_matches(value, list(known), n=5, cutoff=0.5),
    )


def _groups(versions: Sequence[VersionInfo], size: int) -> Iterator[list[VersionInfo]]:
    """Consecutive versions holding about ``size`` activities together (a larger one alone),
    and never more than ``size`` versions (versions without activities count too)."""
    group: list[VersionInfo] = []
    count = 0
    for v in versions:
        if group and (count + v.count > size or len(group) >= size):
            yield group
            group, count = [], 0
        group.append(v)
        count += v.count
    if group:
        yield group


def row_fingerprint(vocab: VocabIndex) -> str:
    """What a version's kept rows were made from besides the version: the vocabularies' terms
    and the code that makes rows (:data:`ROW_FORMAT`). Kept rows with another fingerprint are
    not used."""
    return hashlib.sha256(f"ropa-rows:{ROW_FORMAT}:{vocab.fingerprint}".encode()).hexdigest()


class RopaExport:
    """The register in effect on ``at`` (optionally one controller's or one service's).

    Construction validates the filters (422 naming the parameter) and reads the versions in
    effect, which are few (one per service); :meth:`pieces` and :meth:`batches` then read the
    rows. ``version_ids`` selects versions by id instead of by date (to make their rows).
    A version's controllers and service name are those it was published with (its frozen
    blocks), so the register "as it stood on" a date shows the details published then.
    """

    def __init__(
        self,
        *,
        conn: Connection,
        vocab: VocabIndex,
        at: date,
        controller: str | None = None,
        service: str | None = None,
        version_ids: Sequence[int] | None = None,
    ) -> None:
        self.vocab = vocab
        self.at = at
        self.controller = controller
        self.service = service
        self.fingerprint = row_fingerprint(vocab)
        ctl, svc, sc = table("controller"), table("service"), table("service_controller")
        self.controllers: dict[str, ControllerRow] = {
            r.id: ControllerRow.from_db(r) for r in conn.execute(select(ctl).order_by(ctl.c.id))
        }
        if controller is not None and controller not in self.controllers:
            raise _unknown_filter("controller", controller, list(self.controllers))
        if (
            service is not None
            and conn.execute(select(svc.c.id).where(svc.c.id == service)).first() is None
        ):
            known = [r[0] for r in conn.execute(select(svc.c.id))]
            raise _unknown_filter("service", service, known)

        nv = table("notice_version")
        chosen = select(nv.c.id)
        if version_ids is not None:
            chosen = chosen.where(nv.c.id.in_(list(version_ids)))
        else:
            chosen = chosen.where(version_in_effect_clause(at))
        if service is not None:
            chosen = chosen.where(nv.c.service_id == service)
        ids = chosen.scalar_subquery()
        versions: dict[int, VersionInfo] = {}
        for r in conn.execute(
            select(
                nv.c.id,
                nv.c.service_id,
                svc.c.name,
                nv.c.version,
                nv.c.effective_from,
                nv.c.security,
                nv.c.published_blocks,
            )
            .join_from(nv, svc, svc.c.id == nv.c.service_id)
            .where(nv.c.id.in_(ids))
        ):
            blocks = r.published_blocks
            if isinstance(blocks, str):
                blocks = json.loads(blocks)
            v = VersionInfo(
                id=r.id,
                service_id=r.service_id,
                service_name=blocks["service"]["name"] if blocks else r.name,
                version=r.version,
                effective_from=r.effective_from,
                security=r.security,
                frozen=blocks is not None,
            )
            if blocks:
                v.controller_rows = {
                    c["id"]: ControllerRow.from_block(c) for c in blocks["controllers"]
                }
                v.controllers = list(blocks["service"]["controllers"])
            versions[r.id] = v
        live = [v for v in versions.values() if not v.frozen]
        if live:
            by_service = {v.service_id: v for v in live}
            for service_id, controller_id in conn.execute(
                select(sc.c.service_id, sc.c.controller_id)
                .where(sc.c.service_id.in_(list(by_service)))
                .order_by(sc.c.service_id, sc.c.position)
            ):
                found = by_service[service_id]
                found.controllers.append(controller_id)
                if controller_id in self.controllers:
                    found.controller_rows[controller_id] = self.controllers[controller_id]
        if controller is not None:
            versions = {i: v for i, v in versions.items() if controller in v.controllers}
        for v in versions.values():
            lead = v.controllers[0] if v.controllers else None
            v.controller = controller if controller in v.controllers else lead
        nr, act = table("notice_right"), table("activity")
        for version_id, right in conn.execute(
            select(nr.c.notice_version_id, nr.c.right)
            .where(nr.c.notice_version_id.in_(ids))
            .order_by(nr.c.notice_version_id, nr.c.position)
        ):
            if version_id in versions:
                versions[version_id].rights.append(right)
        for version_id, count in conn.execute(
            select(act.c.notice_version_id, func.count())
            .where(act.c.notice_version_id.in_(ids))
            .group_by(act.c.notice_version_id)
        ):
            if version_id in versions:
                versions[version_id].count = count
        self.versions: list[VersionInfo] = sorted(
            versions.values(), key=lambda v: (v.controller or "", v.service_id, v.version)
        )
        self.total = sum(v.count for v in self.versions)
        self._by_version = {v.id: v for v in self.versions}
        self.rows = RowBuilder(vocab)

    def involved_controllers(self) -> list[ControllerRow]:
        """The controllers of the exported versions, as published, by id (the first version
        in export order that names a controller gives its details)."""
        found: dict[str, ControllerRow] = {}
        for v in self.versions:
            for c in v.controllers:
                row = v.controller_rows.get(c)
                if row is not None:
                    found.setdefault(c, row)
        return [found[c] for c in sorted(found)]

    # -- reading -------------------------------------------------------------------------------

    def filename(self, fmt: str) -> str:
        scope = self.controller or self.service or "all"
        return f"ropa-{scope}-{self.at.isoformat()}.{EXTENSIONS[fmt]}"

    def batches(
        self,
        conn: Connection,
        size: int = BATCH_SIZE,
        versions: Sequence[VersionInfo] | None = None,
    ) -> Iterator[list[ActivityRecord]]:
        """The activities (of ``versions``, default all), in export order, ``size`` at a time."""
        act = table("activity")
        columns = (
            act.c.id,
            act.c.notice_version_id,
            act.c.slug,
            act.c.name,
            act.c.business_function,
            act.c.consent_dependent,
            act.c.transfers,
            act.c.adm_used,
            act.c.adm_text,
            act.c.position,
        )
        pending: list[VersionInfo] = []
        pending_count = 0

        def flush() -> Iterator[list[ActivityRecord]]:
            order = {v.id: i for i, v in enumerate(pending)}
            rows = sorted(
                conn.execute(
                    select(*columns).where(act.c.notice_version_id.in_(list(order)))
                ).all(),
                key=lambda r: (order[r.notice_version_id], r.position, r.id),
            )
            if rows:
                yield self._records(conn, rows)

        for version in self.versions if versions is None else versions:
            if version.count == 0:
                continue
            if version.count > size:
                if pending:
                    yield from flush()
                    pending, pending_count = [], 0
                last: tuple[int, int] | None = None
                while True:
                    query = select(*columns).where(act.c.notice_version_id == version.id)
                    if last is not None:
                        query = query.where(
                            or_(
                                act.c.position > last[0],
                                and_(act.c.position == last[0], act.c.id > last[1]),
                            )
                        )
                    rows = conn.execute(query.order_by(act.c.position, act.c.id).limit(size)).all()
                    if not rows:
                        break
                    yield self._records(conn, rows)
                    last = (rows[-1].position, rows[-1].id)
                continue
            if pending and pending_count + version.count > size:
                yield from flush()
                pending, pending_count = [], 0
            pending.append(version)
            pending_count += version.count
        if pending:
            yield from flush()

    def pieces(
        self, conn: Connection, fmt: Literal["csv", "json"], size: int = BATCH_SIZE
    ) -> Iterator[tuple[str, int]]:
        """The rows as text (CSV lines, or JSON objects joined by commas) and their number,
        about ``size`` rows at a time, in export order.

        A version's rows are copied from its row set (:class:`~app.exports.models.RopaRowSet`)
        when it has one made from the current vocabularies and row format, and made here
        otherwise; both give the same text.
        """
        rs = ROW_SETS
        column = rs.c.csv_rows if fmt == "csv" else rs.c.json_rows
        glue = "" if fmt == "csv" else ","
        for group in _groups(self.versions, size):
            keep = [v.id for v in group if v.storable]
            stored: dict[int, str] = {}
            if keep:
                stored = {
                    vid: text
                    for vid, text in conn.execute(
                        select(rs.c.notice_version_id, column).where(
                            rs.c.notice_version_id.in_(keep), rs.c.fingerprint == self.fingerprint
                        )
                    )
                }
            made: dict[int, list[ActivityRecord]] = {}
            missing = [v for v in group if v.id not in stored]
            for batch in self.batches(conn, size, missing) if missing else ():
                for record in batch:
                    made.setdefault(record.version.id, []).append(record)
            parts = [
                text
                for v in group
                if (text := stored.get(v.id) or self.rows_text(made.get(v.id, []), fmt))
            ]
            if parts:
                yield glue.join(parts), sum(v.count for v in group)

    def rows_text(self, records: Sequence[ActivityRecord], fmt: Literal["csv", "json"]) -> str:
        """The rows of these records as CSV lines or as JSON objects joined by commas."""
        if fmt == "json":
            return ",".join(_dumps(self.rows.row(r)) for r in records)
        buffer = io.StringIO()
        csv.writer(buffer, lineterminator="\r\n").writerows(
            csv_cells(self.rows.row(r)) for r in records
        )
        return buffer.getvalue()

    def row_sets(self, conn: Connection) -> Iterator[tuple[VersionInfo, str, str]]:
        """Each version's rows as (version, CSV lines, JSON objects), to be kept."""
        records = (r for batch in self.batches(conn) for r in batch)
        for version, group in itertools.groupby(records, key=lambda r: r.version):
            mine = list(group)
            yield version, self.rows_text(mine, "csv"), self.rows_text(mine, "json")

    def _records(self, conn: Connection, rows: Sequence[DbRow]) -> list[ActivityRecord]:
        """Activity rows with their linked rows: one query per linked table for the batch."""
        by_version = self._by_version
        records: dict[int, ActivityRecord] = {}
        for aid, vid, slug, name, function, consent, transfers, adm_used, adm_text, _ in rows:
            records[aid] = ActivityRecord(
                aid,
                slug,
                name,
                function,
                bool(consent),
                transfers,
                adm_used,
                adm_text,
                by_version[vid],
            )
        ids = list(records)

        def fetch(name: str, *cols: str) -> Sequence[Sequence[Any]]:
            return child_rows(conn, name, "activity_id", cols, ids)

        for aid, text in fetch("activity_purpose", "text"):
            records[aid].purposes.append(text)
        for aid, subject in fetch("activity_data_subject", "subject"):
            records[aid].subjects.append(subject)
        for aid, category in fetch("activity_data_category", "category"):
            records[aid].categories.append(category)
        for aid, role, party, condition in fetch("party_link", "role", "party", "condition"):
            record = records[aid]
            (record.sources if role == "source" else record.recipients).append((party, condition))
        for aid, basis, as_written in fetch("activity_basis", "basis", "as_written"):
            records[aid].bases.append((basis, as_written))
        for aid, cited_as, statute, provisions, kind in fetch(
            "statute_citation", "cited_as", "statute", "provisions", "kind_as_cited"
        ):
            # ``provisions`` stays as read (JSON text on SQLite): only JSON-LD needs it.
            records[aid].statutes.append((cited_as, statute, provisions, kind))
        for aid, trigger, duration, applies_to, text in fetch(
            "retention_rule", "trigger", "duration", "applies_to", "text"
        ):
            records[aid].retention.append((trigger, duration, applies_to, text))
        for aid, system in fetch("activity_system", "name"):
            records[aid].systems.append(system)
        return list(records.values())


# --- rows (pure) -----------------------------------------------------------------------------


def retention_label(trigger: str, duration: str | None, applies_to: str, text: str) -> str:
    """``P6Y from case closure (adults)``, or the rule as written when it has no duration."""
    if not duration:
        return text
    words = TRIGGER_WORDS.get(trigger, "")
    label = f"{duration} {words}".rstrip()
    return f"{label} ({applies_to})" if applies_to != "all" else label


def _contact(row: ControllerRow) -> str:
    """A joint controller's name and contact details, on one line."""
    parts = []
    if row.dpo_email:
        parts.append(f"DPO {row.dpo_email}")
    phone = row.dpo_phone or row.phone
    if phone:
        parts.append(phone)
    if row.address:
        parts.append(" ".join(row.address.split()))
    return f"{row.name} ({', '.join(parts)})" if parts else row.name


def has_dpo_contact(row: ControllerRow | None) -> bool:
    return row is not None and any((row.dpo_email, row.dpo_phone, row.dpo_address, row.dpo_url))


@dataclass(slots=True)
class _VersionCells:
    """What every row of a version shares, worked out once."""

    controller: ControllerRow | None
    joint: list[str]
    rights: list[str]
    dpo_missing: bool
    security: str | None


class RowBuilder:
    """Turns activity records into ROPA rows (pure: vocabularies and controllers in memory).

    Vocabulary look-ups are flattened into plain dictionaries and what a version's rows share
    is computed once per version, so a row costs a few dictionary look-ups per cell.
    """

    def __init__(self, vocab: VocabIndex) -> None:
        self.vocab = vocab
        self.category_name = {s: t.name for s, t in vocab.categories.items()}
        self.category_kind = {s: t.kind for s, t in vocab.categories.items()}
        self.subject_name = {s: t.name for s, t in vocab.subjects.items()}
        self.party_name = {s: t.name for s, t in vocab.parties.items()}
        self.article = {s: t.article for s, t in vocab.bases.items()}
        self.basis_label = {s: f"{t.code} {t.name}" for s, t in vocab.bases.items()}
        self._versions: dict[int, _VersionCells] = {}

    def _version(self, v: VersionInfo) -> _VersionCells:
        cells = self._versions.get(v.id)
        if cells is None:
            controller = v.controller_rows.get(v.controller) if v.controller else None
            cells = _VersionCells(
                controller=controller,
                joint=[
                    _contact(v.controller_rows[c])
                    for c in v.controllers
                    if c != v.controller and c in v.controller_rows
                ],
                rights=[RIGHT_LABELS.get(r, r) for r in v.rights],
                dpo_missing=not has_dpo_contact(controller),
                security=v.security,
            )
            self._versions[v.id] = cells
        return cells

    def _party(self, slug: str, condition: str | None) -> str:
        name = self.party_name.get(slug, slug)
        return f"{name} ({condition})" if condition else name

    def _facts(
        self, record: ActivityRecord
    ) -> tuple[dict[str, list[tuple[str, str | None]]], set[str]]:
        """The record's bases by article (6, 9, 10, sch1) and the kinds of its data."""
        article = self.article
        by_article: dict[str, list[tuple[str, str | None]]] = {
            "6": [],
            "9": [],
            "10": [],
            "sch1": [],
        }
        for slug, as_written in record.bases:
            by_article[article.get(slug, "6")].append((slug, as_written))
        kind = self.category_kind
        return by_article, {kind.get(c, "personal") for c in record.categories}

    def missing(
        self,
        record: ActivityRecord,
        facts: tuple[dict[str, list[tuple[str, str | None]]], set[str]] | None = None,
    ) -> list[str]:
        """The required items (Art 30(1), DPA 2018 Sch 1 para 41) the record does not give."""
        by_article, kinds = facts or self._facts(record)
        art9 = by_article["9"]
        missing = []
        if not record.purposes:
            missing.append("purposes")
        if not record.subjects:
            missing.append("categories of individuals")
        if not record.categories:
            missing.append("categories of personal data")
        if not record.recipients:
            missing.append("categories of recipients")
        if not any(d or t not in VAGUE_TRIGGERS for t, d, _, _ in record.retention):
            missing.append("retention period")
        if not by_article["6"]:
            missing.append("Article 6 lawful basis")
        if "special_category" in kinds and not art9:
            missing.append("Article 9 condition")
        terms = [
            self.vocab.bases[s] for s, _ in (*art9, *by_article["sch1"]) if s in self.vocab.bases
        ]
        if schedule1_shortfall(terms) or (
            "criminal_offence" in kinds and not criminal_condition_met(terms)
        ):
            missing.append("Schedule 1 condition")
        if self._version(record.version).dpo_missing:
            missing.append("DPO contact")
        if not record.version.security:
            missing.append("security measures")
        return missing

    def row(self, record: ActivityRecord) -> dict[str, Any]:
        """One ROPA row, keyed by column key, in column order; lists for multi-valued cells."""
        v = record.version
        shared = self._version(v)
        controller = shared.controller
        label = self.basis_label
        facts = self._facts(record)
        by_article, kinds = facts
        art6 = [label.get(s, s) for s, _ in by_article["6"]]
        section_applies = bool(
            "special_category" in kinds or "criminal_offence" in kinds or by_article["sch1"]
        )
        transfers = record.transfers or {}
        occurs = transfers.get("occurs")
        if occurs == "no":
            destinations = ["None"]
        else:
            destinations = list(transfers.get("destinations") or [])
            if occurs and not destinations and transfers.get("text"):
                destinations = [transfers["text"]]
        if record.adm_used is None:
            adm = None
        else:
            adm = ("Yes" if record.adm_used else "No") + (
                f": {record.adm_text}" if record.adm_text else ""
            )
        names = self.category_name
        party = self._party
        return {
            "controller_gss_code": controller.gss_code if controller else None,
            "controller_name": controller.name if controller else None,
            "service_id": v.service_id,
            "activity_id": record.public_id,
            "activity_name": record.name,
            "notice_version": v.version,
            "effective_from": v.effective_from.isoformat() if v.effective_from else None,
            "business_function": record.business_function or v.service_name,
            "purposes": record.purposes,
            "joint_controllers": shared.joint,
            "data_subjects": [self.subject_name.get(s, s) for s in record.subjects],
            "data_categories": list(dict.fromkeys([names.get(c, c) for c in record.categories])),
            "recipients": list(dict.fromkeys([party(p, c) for p, c in record.recipients])),
            "processor_contract": None,
            "transfer_destinations": destinations,
            "transfer_safeguards": transfers.get("safeguards"),
            "retention": [retention_label(*rule) for rule in record.retention],
            "security_measures": shared.security,
            "art6_basis": art6,
            "art9_condition": [label.get(s, s) for s, _ in by_article["9"]],
            "legitimate_interests": [
                aw or label.get(s, s) for s, aw in by_article["6"] if s in LEGITIMATE_INTEREST_BASES
            ],
            "lia_link": None,
            "rights": shared.rights,
            "automated_decision_making": adm,
            "sources": list(dict.fromkeys([party(p, c) for p, c in record.sources])),
            "consent_record_link": None,
            "data_location": record.systems,
            "dpia_required": None,
            "dpia_progress": None,
            "dpia_link": None,
            "breach_occurred": None,
            "breach_link": None,
            "schedule1_condition": [
                label.get(s, s) for s, _ in by_article["10"] + by_article["sch1"]
            ],
            "schedule1_art6_basis": art6 if section_applies else [],
            "retention_policy_link": None,
            "retained_per_policy": None,
            "policy_deviation_reasons": None,
            "missing_required_items": self.missing(record, facts),
        }


_FORMULA_STARTS = frozenset("=+-@\t\r")
_MULTI = tuple(c.multi for c in COLUMNS)


def csv_cells(row: dict[str, Any]) -> list[str]:
    """A row's cells: lists joined with ``"; "``, empty for nothing, and a cell a spreadsheet
    would run as a formula (OWASP CSV injection) prefixed with ``'`` so it shows as text."""
    starts, join = _FORMULA_STARTS, SEPARATOR.join
    return [
        ""
        if value is None
        else ("'" + cell if (cell := join(value) if multi else str(value))[:1] in starts else cell)
        for multi, value in zip(_MULTI, row.values(), strict=True)
    ]


def controller_block(row: ControllerRow) -> dict[str, Any]:
    """The controller's contact block (the top of the ICO template)."""
    dpo = {
        "name": row.dpo_name,
        "role": row.dpo_role,
        "email": row.dpo_email,
        "telephone": row.dpo_phone,
        "address": row.dpo_address,
        "url": row.dpo_url,
    }
    return {
        "id": row.id,
        "name": row.name,
        "gss_code": row.gss_code,
        "register_code": row.register_code,
        "address": row.address,
        "telephone": row.phone,
        "website": row.website,
        "ico_registration_number": row.ico_registration_number,
        "dpo": dpo if any(dpo.values()) else None,
        "representative": None,
    }


# --- JSON-LD (W3C DPV) -----------------------------------------------------------------------

RIGHT_TERMS: dict[str, str] = {
    "be_informed": "eu-gdpr:A13",
    "access": "eu-gdpr:A15",
    "rectification": "eu-gdpr:A16",
    "erasure": "eu-gdpr:A17",
    "restriction": "eu-gdpr:A18",
    "portability": "eu-gdpr:A20",
    "objection": "eu-gdpr:A21",
    "automated_decisions": "eu-gdpr:A22",
    "withdraw_consent": "eu-gdpr:A7-3",
    "complain": "eu-gdpr:A77",
}
APPLICABLE_LAW = [{"@id": "legal-gb:law-GDPR"}, {"@id": "legal-gb:law-DPA"}]


def basis_term(vocab: VocabIndex, slug: str) -> str:
    """The DPV term of a lawful basis; a ``ropa:`` term where DPV has none."""
    term = vocab.bases.get(slug)
    if term is None:
        return f"ropa:LawfulBasis/{slug}"
    if term.dpv:
        return term.dpv
    if term.article == "10":
        return "ropa:A10"
    if term.article == "sch1" and term.schedule1_paragraph:
        return f"ropa:DPA2018-Sch1-Para{term.schedule1_paragraph}"
    if slug.startswith("art6-"):
        return "ropa:A" + slug.removeprefix("art")  # art6-1-ea -> ropa:A6-1-ea
    return f"ropa:LawfulBasis/{slug}"


def _compact(node: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in node.items() if v not in (None, [], "")}


def _party_node(vocab: VocabIndex, slug: str, condition: str | None, kind: str) -> dict[str, Any]:
    term = vocab.parties.get(slug)
    types = [kind]
    if term is not None and term.dpv and term.dpv != kind:
        types.append(term.dpv)
    return _compact(
        {
            "@type": types,
            "dct:identifier": slug,
            "dpv:hasName": vocab.party_name(slug),
            "ropa:condition": condition,
        }
    )


def _source_kind(vocab: VocabIndex, slug: str) -> str:
    if slug == "data-subject":
        return "dpv:DataSubjectDataSource"
    if "council-services" in vocab.party_chain(slug):
        return "dpv:DataControllerDataSource"
    return "dpv:ThirdPartyDataSource"


def controller_node(base: str, row: ControllerRow) -> dict[str, Any]:
    dpo = _compact(
        {
            "@type": "dpv:DataProtectionOfficer",
            "dpv:hasName": row.dpo_name or row.dpo_role,
            "dpv:hasContact": [c for c in (row.dpo_email, row.dpo_phone, row.dpo_url) if c],
            "dpv:hasAddress": row.dpo_address,
        }
    )
    return _compact(
        {
            "@id": f"{base}/v1/controllers/{row.id}",
            "@type": "dpv:DataController",
            "dpv:hasName": row.name,
            "dpv:hasIdentifier": [i for i in (row.gss_code, row.ico_registration_number) if i],
            "dpv:hasAddress": row.address,
            "dpv:hasContact": [c for c in (row.phone, row.website) if c],
            "dpv:hasDataProtectionOfficer": dpo if len(dpo) > 1 else None,
        }
    )


def process_node(record: ActivityRecord, builder: RowBuilder, base: str) -> dict[str, Any]:
    """One activity as a ``dpv:Process``."""
    v = record.version
    vocab = builder.vocab
    subjects = [
        (st.dpv if (st := vocab.subjects.get(s)) and st.dpv else f"ropa:DataSubject/{s}")
        for s in record.subjects
    ]
    data = [
        (ct.dpv if (ct := vocab.categories.get(c)) and ct.dpv else f"ropa:DataCategory/{c}")
        for c in record.categories
    ]
    references: list[str] = []
    for cited_as, statute, provisions, kind in record.statutes:
        if isinstance(provisions, str):
            provisions = json.loads(provisions)
        ref = statute_ref(vocab, cited_as, statute, provisions or [], kind)
        references += [p.uri for p in ref.provisions if p.uri] or ([ref.uri] if ref.uri else [])
    storage = []
    for trigger, duration, applies_to, text in record.retention:
        period: dict[str, Any] = {
            "@type": "dpv:TemporalDuration" if duration else "dpv:IndeterminateDuration",
            "ropa:trigger": trigger,
            "ropa:appliesTo": applies_to,
            "dct:description": text,
        }
        if duration:
            period["rdf:value"] = {"@value": duration, "@type": "xsd:duration"}
        storage.append({"@type": "dpv:StorageDuration", "dpv:hasDuration": period})
    return _compact(
        {
            "@id": f"{base}/v1/activities/{record.public_id}",
            "@type": "dpv:Process",
            "dct:identifier": record.public_id,
            "dct:title": record.name,
            "dct:isPartOf": {
                "@id": f"{base}/v1/services/{v.service_id}/notice?version={v.version}"
            },
            "ropa:noticeVersion": v.version,
            "ropa:effectiveFrom": v.effective_from.isoformat() if v.effective_from else None,
            "ropa:businessFunction": record.business_function,
            "dpv:hasDataController": [{"@id": f"{base}/v1/controllers/{c}"} for c in v.controllers],
            "dpv:hasPurpose": [
                {"@type": "dpv:Purpose", "dct:description": p} for p in record.purposes
            ],
            "dpv:hasDataSubject": [{"@id": s} for s in dict.fromkeys(subjects)],
            "dpv:hasPersonalData": [{"@id": d} for d in dict.fromkeys(data)],
            "dpv:hasLegalBasis": [
                {"@id": t} for t in dict.fromkeys(basis_term(vocab, s) for s, _ in record.bases)
            ],
            "dpv:hasRecipient": [
                _party_node(vocab, p, cond, "dpv:Recipient") for p, cond in record.recipients
            ],
            "dpv:hasDataSource": [
                _party_node(vocab, p, cond, _source_kind(vocab, p)) for p, cond in record.sources
            ],
            "dpv:hasStorageCondition": storage,
            "dpv:hasApplicableLaw": APPLICABLE_LAW,
            "dct:references": [{"@id": u} for u in dict.fromkeys(references)],
            "dpv:hasRight": [
                {"@id": RIGHT_TERMS[r]} for r in dict.fromkeys(v.rights) if r in RIGHT_TERMS
            ],
            "dpv:hasTechnicalOrganisationalMeasure": (
                {"@type": "dpv:TechnicalOrganisationalMeasure", "dct:description": v.security}
                if v.security
                else None
            ),
            "ropa:consentDependent": record.consent_dependent,
            "ropa:systems": list(record.systems),
            "ropa:missingRequiredItems": builder.missing(record),
        }
    )


# --- writers ---------------------------------------------------------------------------------


def _dumps(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def csv_chunks(
    export: RopaExport,
    conn: Connection,
    *,
    bom: bool = False,
    progress: Progress | None = None,
) -> Iterator[bytes]:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\r\n").writerow(HEADER)
    yield (("\ufeff" if bom else "") + buffer.getvalue()).encode("utf-8")
    for text, count in export.pieces(conn, "csv"):
        yield text.encode("utf-8")
        if progress:
            progress(count)


def json_chunks(
    export: RopaExport,
    conn: Connection,
    *,
    progress: Progress | None = None,
) -> Iterator[bytes]:
    head = {
        "at": export.at.isoformat(),
        "filters": {"controller": export.controller, "service": export.service},
        "columns": [{"key": c.key, "label": c.label, "ico_column": c.ico} for c in COLUMNS],
        "controllers": [controller_block(c) for c in export.involved_controllers()],
    }
    yield (_dumps(head)[:-1] + ',"rows":[').encode("utf-8")
    total = 0
    for text, count in export.pieces(conn, "json"):
        yield (("," if total else "") + text).encode("utf-8")
        total += count
        if progress:
            progress(count)
    yield f'],"row_count":{total}}}\n'.encode()


def jsonld_chunks(
    export: RopaExport,
    conn: Connection,
    *,
    base: str,
    progress: Progress | None = None,
) -> Iterator[bytes]:
    base = base.rstrip("/")
    query = "&".join(
        f"{k}={v}"
        for k, v in (
            ("controller", export.controller),
            ("service", export.service),
            ("at", export.at.isoformat()),
        )
        if v
    )
    record = {
        "@id": f"{base}/v1/ropa?format=jsonld&{query}",
        "@type": "dpv:RecordsOfActivities",
        "dct:title": "Record of processing activities",
        "ropa:asAt": export.at.isoformat(),
        "dpv:hasApplicableLaw": APPLICABLE_LAW,
    }
    nodes = [record] + [controller_node(base, c) for c in export.involved_controllers()]
    head = f'{{"@context":{_dumps(base + CONTEXT_PATH)},"@graph":['
    yield (head + ",".join(_dumps(n) for n in nodes)).encode("utf-8")
    for batch in export.batches(conn):
        body = ",".join(_dumps(process_node(r, export.rows, base)) for r in batch)
        yield ("," + body).encode("utf-8")
        if progress:
            progress(len(batch))
    yield b"]}\n"


def chunks(
    export: RopaExport,
    conn: Connection,
    *,
    fmt: str,
    bom: bool = False,
    base: str = "",
    progress: Progress | None = None,
) -> Iterator[bytes]:
    """The export's bytes in the given format, a batch of rows per chunk, read on ``conn``."""
    if fmt == "csv":
        return csv_chunks(export, conn, bom=bom, progress=progress)
    if fmt == "json":
        return json_chunks(export, conn, progress=progress)
    if fmt == "jsonld":
        return jsonld_chunks(export, conn, base=base, progress=progress)
    raise ValueError(f"unknown format {fmt!r}")


def open_export(
    conn: Connection,
    *,
    at: date,
    controller: str | None = None,
    service: str | None = None,
) -> RopaExport:
    """An export outside a request (the CLI): reads the vocabularies itself."""
    return RopaExport(
        conn=conn, vocab=load_vocab_index(conn), at=at, controller=controller, service=service
    )
