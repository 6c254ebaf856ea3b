"""The ROPA export: the register as one row per processing activity, streamed.

Rows are made by :class:`RowBuilder` (pure) from a published version's document and the
vocabulary terms it was published with, so a version's rows never change; they are made once
when it is published and kept (:class:`~app.exports.models.RopaRowSet`), and the export copies
them out, making on the spot any it does not find (of :data:`ROW_FORMAT`). Three formats share
the same rows:

``csv``
    RFC 4180 (CRLF, minimal quoting), UTF-8, optionally with a byte-order mark for Excel. The
    header is the identifier columns, then the columns of the ICO "Documentation template for
    controllers" in its order (:data:`ICO_COLUMNS`), then ``Missing required items``.
    Multi-valued cells are joined with ``"; "``. A cell a spreadsheet would run as a formula is
    prefixed with ``'`` (:func:`neutralise`).
``json``
    ``{"at", "filters", "columns", "controllers", "rows", "row_count"}``: the controller blocks
    as published, then the rows as objects keyed by the column keys.
``jsonld``
    The register as W3C DPV: each activity a ``dpv:Process``; the ``@context`` is the file
    shipped with the project (``app/exports/context/ropa-v1.jsonld``), served at
    :data:`CONTEXT_PATH`.

Decisions where the ICO template and the register do not line up one to one:

- *Controller of a row*: the controller asked for (``controller=``), otherwise the service's
  first controller. "Name and contact details of joint controller" lists the other controllers
  only where the notice says they are joint controllers.
- *Business function*: the activity's ``business_function``, else the service's name.
- *Retention schedule*: each rule in words (``6 years from case closure (adults)``), its ISO
  8601 duration beside it, else the rule as written.
- *Location of personal data*: the systems the activity names.
- *DPA 2018 Schedule 1 condition*: Art 10 (when cited) and the Schedule 1 conditions;
  *GDPR Article 6 lawful basis* of that section repeats the Art 6 bases when the section
  applies (special category or criminal offence data, or a Schedule 1 condition).
- Columns the register holds no data for (processor contracts, LIAs, consent records, DPIAs,
  breaches, policy documents) are present and empty.
- *Missing required items*: the Art 30(1) / DPA 2018 Sch 1 para 41 items the row lacks, the
  conditions judged by :mod:`app.register.rules` (the rules the checks and the lookup use).
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any, Literal, NamedTuple

import isodate

from app.register import rules
from app.register.citations import provision_uri
from app.register.document import (
    RIGHT_NAMES,
    Activity,
    ControllerDoc,
    NoticeDocument,
    RetentionRule,
)
from app.register.vocabulary import Vocabulary

#: The format of the rows kept for each published version. Change it (by hand) whenever the
#: rows change; ``tests/exports/test_ropa.py`` holds golden rows that fail until you do.
ROW_FORMAT = 3
CONTEXT_PATH = "/contexts/ropa-v1.jsonld"
Format = Literal["csv", "json", "jsonld"]
#: In order of preference when ``Accept`` does not choose (json is the default).
MEDIA_TYPES: dict[Format, str] = {
    "json": "application/json",
    "csv": "text/csv; charset=utf-8",
    "jsonld": "application/ld+json",
}
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
LEGITIMATE_INTEREST_LETTERS = frozenset({"f", "ea"})
CONDITION_ITEMS = {
    "special-without-art9": "Article 9 condition",
    "art9-without-schedule1": "Schedule 1 condition",
    "schedule1-cannot-support": "Schedule 1 condition",
    "para36-without-part2": "Schedule 1 condition",
    "criminal-without-condition": "Schedule 1 condition",
}


# --- one version's rows (pure) ---------------------------------------------------------------


@dataclass(frozen=True)
class Placed:
    """A published version in the export: where its rows belong."""

    id: int
    service_id: str
    version: int
    effective_from: date | None
    #: The controller the rows are for: the one asked for, else the service's first.
    controller: str


def duration_words(duration: str) -> str:
    """An ISO 8601 duration in words, parsed by isodate: ``P6Y`` → "6 years", ``P1Y6M`` →
    "1 year 6 months", ``P6W`` → "6 weeks", ``PT1M`` → "1 minute" (never a month)."""
    parsed = isodate.parse_duration(duration)
    if isinstance(parsed, isodate.Duration):
        years, months, delta = parsed.years, parsed.months, parsed.tdelta
    else:
        years, months, delta = 0, 0, parsed
    weeks, days = (0, delta.days)
    if duration.upper().endswith("W"):
        weeks, days = divmod(delta.days, 7)
    hours, rest = divmod(delta.seconds, 3600)
    minutes, seconds = divmod(rest, 60)
    parts = []
    for amount, unit in (
        (years, "year"),
        (months, "month"),
        (weeks, "week"),
        (days, "day"),
        (hours, "hour"),
        (minutes, "minute"),
        (seconds + delta.microseconds / 1_000_000, "second"),
    ):
        if amount:
            number = f"{float(amount):g}"
            parts.append(f"{number} {unit}{'' if number == '1' else 's'}")
    return " ".join(parts) or duration


def retention_label(rule: RetentionRule) -> str:
    """A rule in words with its ISO 8601 duration, e.g. ``6 years (P6Y) from case closure
    (adults)``; the rule as written when it gives no duration."""
    if not rule.duration:
        return rule.text
    words = TRIGGER_WORDS.get(rule.trigger, "")
    label = f"{duration_words(rule.duration)} ({rule.duration}) {words}".rstrip()
    for alt in rule.alternatives:
        if alt.duration:
            words = TRIGGER_WORDS.get(alt.trigger, "")
            label += f" or {duration_words(alt.duration)} ({alt.duration}) {words}".rstrip()
    if rule.whichever:
        label += f", whichever is {rule.whichever}"
    return f"{label} ({rule.applies_to})" if rule.applies_to != "all" else label


def _contact(c: ControllerDoc) -> str:
    """A joint controller's name and contact details, on one line."""
    dpo = c.dpo
    parts = []
    if dpo and dpo.email:
        parts.append(f"DPO {dpo.email}")
    phone = (dpo.phone if dpo else None) or c.phone
    if phone:
        parts.append(phone)
    if c.address:
        parts.append(" ".join(c.address.split()))
    return f"{c.name} ({', '.join(parts)})" if parts else c.name


def has_dpo_contact(c: ControllerDoc | None) -> bool:
    return (
        c is not None
        and c.dpo is not None
        and any((c.dpo.email, c.dpo.phone, c.dpo.address, c.dpo.url))
    )


class RowBuilder:
    """Turns one version's activities into ROPA rows, with the terms it was published with."""

    def __init__(self, placed: Placed, document: NoticeDocument, vocabulary: Vocabulary) -> None:
        self.placed = placed
        self.document = document
        self.vocabulary = vocabulary
        controllers = {c.id: c for c in document.controllers}
        self.controller = controllers.get(placed.controller)
        joint = document.service.controller_relationship == "joint"
        self.joint = (
            [_contact(c) for c in document.controllers if c.id != placed.controller]
            if joint
            else []
        )
        self.rights = [RIGHT_NAMES.get(r.right, r.right) for r in document.notice.rights]

    def _name(self, vocab: str, slug: str) -> str:
        return self.vocabulary.name(vocab, slug)

    def _party(self, slug: str, condition: str | None) -> str:
        name = self._name("parties", slug)
        return f"{name} ({condition})" if condition else name

    def _label(self, slug: str) -> str:
        term = self.vocabulary.basis(slug)
        return f"{term.code} {term.name}" if term else slug

    def missing(self, activity: Activity) -> list[str]:
        """The required items (Art 30(1), DPA 2018 Sch 1 para 41) the activity does not give."""
        v = self.vocabulary
        articles = [t.article if (t := v.basis(b.basis)) else "6" for b in activity.lawful_bases]
        missing = []
        if not activity.purposes:
            missing.append("purposes")
        if not activity.data_subjects:
            missing.append("categories of individuals")
        if not activity.data_categories:
            missing.append("categories of personal data")
        if not activity.recipients:
            missing.append("categories of recipients")
        if not any(r.duration or r.trigger not in VAGUE_TRIGGERS for r in activity.retention):
            missing.append("retention period")
        if "6" not in articles:
            missing.append("Article 6 lawful basis")
        for breach in rules.condition_breaches(activity, v):
            item = CONDITION_ITEMS[breach.rule]
            if item not in missing:
                missing.append(item)
        if not has_dpo_contact(self.controller):
            missing.append("DPO contact")
        if not self.document.notice.security:
            missing.append("security measures")
        return missing

    def row(self, activity: Activity) -> dict[str, Any]:
        """One ROPA row, keyed by column key, in column order; lists for multi-valued cells."""
        v, placed, controller = self.vocabulary, self.placed, self.controller
        by_article: dict[str, list[str]] = {"6": [], "9": [], "10": [], "sch1": []}
        letters: list[tuple[str, str | None, str]] = []
        for b in activity.lawful_bases:
            term = v.basis(b.basis)
            by_article[term.article if term else "6"].append(b.basis)
            if term is not None and (letter := rules.art6_letter(term)):
                letters.append((letter, b.as_written, b.basis))
        kinds = {v.category_kind(c) for c in rules.categories(activity)}
        art6 = [self._label(s) for s in by_article["6"]]
        section = bool(kinds & {"special_category", "criminal_offence"} or by_article["sch1"])
        transfers = activity.transfers
        if transfers is None:
            destinations: list[str] = []
        elif transfers.occurs == "no":
            destinations = ["None"]
        else:
            destinations = list(transfers.destinations) or (
                [transfers.text] if transfers.text else []
            )
        adm = activity.automated_decision_making
        return {
            "controller_gss_code": controller.gss_code if controller else None,
            "controller_name": controller.name if controller else None,
            "service_id": placed.service_id,
            "activity_id": f"{placed.service_id}.{activity.id}",
            "activity_name": activity.name,
            "notice_version": placed.version,
            "effective_from": placed.effective_from.isoformat() if placed.effective_from else None,
            "business_function": activity.business_function or self.document.service.name,
            "purposes": activity.purposes,
            "joint_controllers": self.joint,
            "data_subjects": [
                s.as_written or self._name("data_subjects", s.subject)
                for s in activity.data_subjects
            ],
            "data_categories": list(
                dict.fromkeys(
                    self._name("data_categories", c.category) for c in activity.data_categories
                )
            ),
            "recipients": list(
                dict.fromkeys(self._party(r.party, r.condition) for r in activity.recipients)
            ),
            "processor_contract": None,
            "transfer_destinations": destinations,
            "transfer_safeguards": transfers.safeguards if transfers else None,
            "retention": [retention_label(r) for r in activity.retention],
            "security_measures": self.document.notice.security,
            "art6_basis": art6,
            "art9_condition": [self._label(s) for s in by_article["9"]],
            "legitimate_interests": [
                aw or self._label(s)
                for letter, aw, s in letters
                if letter in LEGITIMATE_INTEREST_LETTERS
            ],
            "lia_link": None,
            "rights": self.rights,
            "automated_decision_making": None
            if adm is None
            else ("Yes" if adm.used else "No") + (f": {adm.text}" if adm.text else ""),
            "sources": list(
                dict.fromkeys(self._party(s.party, s.condition) for s in activity.sources)
            ),
            "consent_record_link": None,
            "data_location": activity.systems,
            "dpia_required": None,
            "dpia_progress": None,
            "dpia_link": None,
            "breach_occurred": None,
            "breach_link": None,
            "schedule1_condition": [self._label(s) for s in by_article["10"] + by_article["sch1"]],
            "schedule1_art6_basis": art6 if section else [],
            "retention_policy_link": None,
            "retained_per_policy": None,
            "policy_deviation_reasons": None,
            "missing_required_items": self.missing(activity),
        }

    def rows(self) -> list[dict[str, Any]]:
        return [self.row(a) for a in self.document.activities]


# --- text ------------------------------------------------------------------------------------

#: What a spreadsheet may take as the start of a formula, once blanks and invisible characters
#: are skipped: = + - @ (and their full-width forms), tab, carriage return.
_FORMULA_STARTS = frozenset("=+-@\t\r\uff1d\uff0b\uff0d\uff20")
_SKIPPED = frozenset(" \u00a0\u200b\u200c\u200d\u2060\ufeff")
_MULTI = tuple(c.multi for c in COLUMNS)


def neutralise(cell: str) -> str:
    """A cell a spreadsheet would run as a formula (OWASP CSV injection), prefixed with ``'``
    so it shows as text; leading blanks and zero-width characters do not hide one."""
    stripped = cell.lstrip("".join(_SKIPPED))
    return "'" + cell if stripped[:1] in _FORMULA_STARTS else cell


def csv_cells(row: dict[str, Any]) -> list[str]:
    """A row's cells: lists joined with ``"; "``, empty for nothing, formulas neutralised."""
    join = SEPARATOR.join
    return [
        "" if value is None else neutralise(join(value) if multi else str(value))
        for multi, value in zip(_MULTI, row.values(), strict=True)
    ]


def _dumps(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def csv_text(rows: Sequence[dict[str, Any]]) -> str:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\r\n").writerows(csv_cells(r) for r in rows)
    return buffer.getvalue()


def json_text(rows: Sequence[dict[str, Any]]) -> str:
    return ",".join(_dumps(r) for r in rows)


def controller_block(c: ControllerDoc) -> dict[str, Any]:
    """A controller's contact block (the top of the ICO template), as a notice gives it."""
    dpo = c.dpo
    dpo_block = {
        "name": dpo.name if dpo else None,
        "role": dpo.role if dpo else None,
        "email": dpo.email if dpo else None,
        "telephone": dpo.phone if dpo else None,
        "address": dpo.address if dpo else None,
        "url": dpo.url if dpo else None,
    }
    return {
        "id": c.id,
        "name": c.name,
        "gss_code": c.gss_code,
        "register_code": c.register_code,
        "address": c.address,
        "telephone": c.phone,
        "email": c.email,
        "website": c.website,
        "ico_registration_number": c.ico_registration_number,
        "dpo": dpo_block if any(dpo_block.values()) else None,
        "representative": None,
    }


CONTACT_HEADER = ("", "Name", "Address", "Email", "Telephone")


def contact_rows(controllers: Sequence[ControllerDoc]) -> list[list[str]]:
    """The ICO template's first rows for each controller: the controller, its data protection
    officer and its representative (Name, Address, Email, Telephone), as the notice gives
    them; a blank cell for what it does not give. Formulas neutralised."""
    rows: list[list[str | None]] = [list(CONTACT_HEADER)]
    for c in controllers:
        dpo = c.dpo
        rows += [
            ["Controller", c.name, c.address, c.email, c.phone],
            [
                "Data Protection Officer",
                (dpo.name or dpo.role) if dpo else None,
                dpo.address if dpo else None,
                dpo.email if dpo else None,
                dpo.phone if dpo else None,
            ],
            ["Representative", None, None, None, None],
        ]
    return [["" if v is None else neutralise(" ".join(v.split())) for v in r] for r in rows]


# --- JSON-LD (W3C DPV 2.3) -------------------------------------------------------------------

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


def basis_term(vocabulary: Vocabulary, slug: str) -> str:
    """The DPV term of a lawful basis; a ``ropa:`` term where DPV has none."""
    term = vocabulary.basis(slug)
    if term is None:
        return f"ropa:LawfulBasis-{slug}"
    if term.dpv:
        return term.dpv
    if term.article == "10":
        return "ropa:A10"
    if term.article == "sch1" and term.schedule1_paragraph:
        return f"ropa:DPA2018-Sch1-Para{term.schedule1_paragraph}"
    if slug.startswith("art6-"):
        return "ropa:A" + slug.removeprefix("art")
    return f"ropa:LawfulBasis-{slug}"


def subject_term(vocabulary: Vocabulary, slug: str) -> str:
    """The DPV term of a data subject; a ``ropa:`` term where the vocabulary gives none."""
    term = vocabulary.subject(slug)
    return term.dpv if term is not None and term.dpv else f"ropa:DataSubject-{slug}"


def category_term(vocabulary: Vocabulary, slug: str) -> str:
    """The DPV term of a data category; a ``ropa:`` term where the vocabulary gives none."""
    term = vocabulary.category(slug)
    return term.dpv if term is not None and term.dpv else f"ropa:DataCategory-{slug}"


def _compact(node: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in node.items() if v not in (None, [], "")}


def controller_node(base: str, c: ControllerDoc) -> dict[str, Any]:
    dpo = c.dpo
    dpo_node = (
        _compact(
            {
                "@type": "dpv:DataProtectionOfficer",
                "dpv:hasName": dpo.name or dpo.role,
                "dpv:hasContact": [x for x in (dpo.email, dpo.phone, dpo.url) if x],
                "dpv:hasAddress": dpo.address,
            }
        )
        if dpo
        else {}
    )
    return _compact(
        {
            "@id": f"{base}/v1/controllers/{c.id}",
            "@type": "dpv:DataController",
            "dpv:hasName": c.name,
            "dpv:hasIdentifier": [i for i in (c.gss_code, c.ico_registration_number) if i],
            "dpv:hasAddress": c.address,
            "dpv:hasContact": [x for x in (c.phone, c.email, c.website) if x],
            "dpv:hasDataProtectionOfficer": dpo_node if len(dpo_node) > 1 else None,
        }
    )


class ProcessBuilder:
    """One version's activities as ``dpv:Process`` nodes."""

    def __init__(self, rows: RowBuilder, base: str) -> None:
        self.rows = rows
        self.base = base

    def _party(self, slug: str, condition: str | None, kind: str) -> dict[str, Any]:
        term = self.rows.vocabulary.party(slug)
        types = [kind]
        if term is not None and term.dpv and term.dpv != kind:
            types.append(term.dpv)
        return _compact(
            {
                "@type": types,
                "dct:identifier": slug,
                "dpv:hasName": self.rows.vocabulary.name("parties", slug),
                "ropa:condition": condition,
            }
        )

    def _source_kind(self, slug: str) -> str:
        chain = self.rows.vocabulary.ancestors("parties", slug)
        if "data-subject" in chain:
            return "dpv:DataSubjectDataSource"
        if "council-services" in chain:
            return "dpv:DataControllerDataSource"
        return "dpv:ThirdPartyDataSource"

    def node(self, activity: Activity) -> dict[str, Any]:
        rows, base, v = self.rows, self.base, self.rows.vocabulary
        placed, document = rows.placed, rows.document
        public_id = f"{placed.service_id}.{activity.id}"
        subjects = [subject_term(v, s.subject) for s in activity.data_subjects]
        data = [category_term(v, c.category) for c in activity.data_categories]
        references: list[str] = []
        for citation in activity.statutes:
            term = v.statute(citation.statute) if citation.statute else None
            uris = [u for p in citation.provisions if (u := provision_uri(term, p))]
            references += uris or ([term.uri] if term is not None and term.uri else [])
        storage = []
        for rule in activity.retention:
            period: dict[str, Any] = {
                "@type": "dpv:TemporalDuration" if rule.duration else "dpv:IndeterminateDuration",
                "ropa:trigger": rule.trigger,
                "ropa:appliesTo": rule.applies_to,
                "dct:description": rule.text,
            }
            if rule.duration:
                period["rdf:value"] = {"@value": rule.duration, "@type": "xsd:duration"}
            storage.append({"@type": "dpv:StorageDuration", "dpv:hasDuration": period})
        controllers = [{"@id": f"{base}/v1/controllers/{c}"} for c in document.service.controllers]
        joint = document.service.controller_relationship == "joint"
        return _compact(
            {
                "@id": f"{base}/v1/activities/{public_id}",
                "@type": "dpv:Process",
                "dct:identifier": public_id,
                "dct:title": activity.name,
                "dct:isPartOf": {
                    "@id": f"{base}/v1/services/{placed.service_id}/notice?version={placed.version}"
                },
                "ropa:noticeVersion": placed.version,
                "ropa:effectiveFrom": placed.effective_from.isoformat()
                if placed.effective_from
                else None,
                "ropa:businessFunction": activity.business_function,
                "dpv:hasDataController": None if joint else controllers,
                "dpv:hasJointDataControllers": {
                    "@type": "dpv:JointDataControllers",
                    "dpv:hasDataController": controllers,
                }
                if joint
                else None,
                "dpv:hasPurpose": [
                    {"@type": "dpv:Purpose", "dct:description": p} for p in activity.purposes
                ],
                "dpv:hasDataSubject": [{"@id": s} for s in dict.fromkeys(subjects)],
                "dpv:hasPersonalData": [{"@id": d} for d in dict.fromkeys(data)],
                "dpv:hasLegalBasis": [
                    {"@id": t}
                    for t in dict.fromkeys(basis_term(v, b.basis) for b in activity.lawful_bases)
                ],
                "dpv:hasRecipient": [
                    self._party(r.party, r.condition, "dpv:Recipient") for r in activity.recipients
                ],
                "dpv:hasDataSource": [
                    self._party(s.party, s.condition, self._source_kind(s.party))
                    for s in activity.sources
                ],
                "dpv:hasStorageCondition": storage,
                "dpv:hasApplicableLaw": APPLICABLE_LAW,
                "dct:references": [{"@id": u} for u in dict.fromkeys(references)],
                "dpv:hasRight": [
                    {"@id": RIGHT_TERMS[r.right]}
                    for r in document.notice.rights
                    if r.right in RIGHT_TERMS
                ],
                "dpv:hasTechnicalOrganisationalMeasure": (
                    {
                        "@type": "dpv:TechnicalOrganisationalMeasure",
                        "dct:description": document.notice.security,
                    }
                    if document.notice.security
                    else None
                ),
                "ropa:consentDependent": activity.consent_dependent,
                "ropa:systems": list(activity.systems),
                "ropa:missingRequiredItems": rows.missing(activity),
            }
        )
