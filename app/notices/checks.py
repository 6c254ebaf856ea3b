"""The notice checks: a linter for UK GDPR privacy notices held as notice documents.

:func:`check_notice` reads one :class:`~app.register.document.NoticeDocument` with the shared
:class:`~app.register.vocabulary.Vocabulary` and returns :class:`Finding` objects, each with a
stable rule id, a severity, a JSON pointer into the document, a message and the legal reference.
It is a pure function: no HTTP, no database, no clock (``today`` is a parameter, so the same
document checked "as at" the same date always gives the same findings, in the same order).

Families (rule ids and severities are documented in :data:`RULES`):

* Art 13/14 completeness: one rule per required item.
* Legal consistency: special category and criminal offence data and their conditions, the
  Schedule 1 part an Art 9(2) condition needs, legitimate interests relied on by a public
  authority, consent without the right to withdraw it.
* Citations: each statute citation resolved against the registry of real instruments
  (:mod:`app.notices.legislation`); the EU GDPR named after 2020.
* Staleness: ended sharing arrangements, bodies that have been renamed or replaced, notices
  not updated for more than two years.
* Contacts: UK phone numbers (``phonenumbers``) and email addresses (``email-validator``).

Severities follow one scheme. ``error``: an item the law requires is missing, or what is stated
cannot be right (a basis a council may not use, an instrument that does not exist, a contact
that cannot be used). ``warning``: the item is there but wrong or incomplete in a way a reader
could be misled by (a misnamed Act, an ended arrangement, an incomplete rights list).
``info``: wording to tidy that does not change what the notice tells people.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from typing import Any, Literal

import phonenumbers
from email_validator import EmailNotValidError, validate_email
from pydantic import BaseModel, ConfigDict

from app.notices.legislation import Resolution, Resolver, mentions_eu_gdpr
from app.register import rules
from app.register.document import Activity, Complaint, ControllerDoc, NoticeDocument
from app.register.vocabulary import LawfulBasisBase as LawfulBasisTerm
from app.register.vocabulary import PartyBase as PartyTerm
from app.register.vocabulary import Vocabulary

Severity = Literal["error", "warning", "info"]

UK_GDPR = "UK GDPR"
DPA = "DPA 2018"


class Finding(BaseModel):
    """One problem found in a notice document."""

    model_config = ConfigDict(frozen=True)

    rule: str
    severity: Severity
    pointer: str
    message: str
    legal_reference: str
    suggestion: str | None = None


class Rule(BaseModel):
    """A check's stable id, severity, what it looks for, the law, and why that severity."""

    model_config = ConfigDict(frozen=True)

    id: str
    severity: Severity
    title: str
    legal_reference: str
    rationale: str


def _rules(*rules: Rule) -> dict[str, Rule]:
    return {r.id: r for r in rules}


RULES: dict[str, Rule] = _rules(
    # ---------------------------------------------------------------- Art 13/14 completeness
    Rule(
        id="art13-14.controller-identity",
        severity="error",
        title="Controller identity and contact details",
        legal_reference=f"{UK_GDPR} Art 13(1)(a), Art 14(1)(a)",
        rationale="Required in every notice; without a way to contact the controller nobody "
        "can exercise any right.",
    ),
    Rule(
        id="art13-14.controller-designation",
        severity="warning",
        title="The notice names the controller as a kind of council it is not",
        legal_reference=f"{UK_GDPR} Art 13(1)(a), Art 14(1)(a); Art 12(1) (clear information)",
        rationale="The controller is identified elsewhere, but calling it e.g. 'the County "
        "Council' when it is a London borough misstates who is responsible.",
    ),
    Rule(
        id="art13-14.dpo-contact",
        severity="error",
        title="Data protection officer's contact details",
        legal_reference=f"{UK_GDPR} Art 13(1)(b), Art 14(1)(b); Art 37(1)(a)",
        rationale="Public authorities must designate a DPO (Art 37(1)(a)), so the contact is "
        "always 'applicable' for a council.",
    ),
    Rule(
        id="art13-14.purposes",
        severity="error",
        title="Purposes of the processing",
        legal_reference=f"{UK_GDPR} Art 13(1)(c), Art 14(1)(c); Art 30(1)(b)",
        rationale="Required for every processing activity.",
    ),
    Rule(
        id="art13-14.lawful-basis",
        severity="error",
        title="Art 6 lawful basis",
        legal_reference=f"{UK_GDPR} Art 13(1)(c), Art 14(1)(c); Art 6(1)",
        rationale="Required for every processing activity; without it the processing is not "
        "documented as lawful.",
    ),
    Rule(
        id="art14.data-categories",
        severity="error",
        title="Categories of personal data (data not obtained from the person)",
        legal_reference=f"{UK_GDPR} Art 14(1)(d); Art 30(1)(c)",
        rationale="Required where data come from third parties, which is the case for the "
        "services this register holds.",
    ),
    Rule(
        id="art13-14.recipients",
        severity="warning",
        title="Sharing described but no recipients listed",
        legal_reference=f"{UK_GDPR} Art 13(1)(e), Art 14(1)(e); Art 30(1)(d)",
        rationale="Recipients are required 'if any'. An activity that describes a sharing "
        "arrangement but lists no recipients is incomplete. An activity with no recipients and "
        "no sharing is not flagged, because it may share with no one; the other parties to an "
        "arrangement are not required to be recipients (they may supply data to it).",
    ),
    Rule(
        id="art13-14.transfers",
        severity="warning",
        title="Transfers outside the UK without the safeguards relied on",
        legal_reference=f"{UK_GDPR} Art 13(1)(f), Art 14(1)(f); Arts 45A-49",
        rationale="Silence is read as 'no transfers' (the item applies 'where applicable'); a "
        "notice that says transfers may happen must say where to and on what safeguards.",
    ),
    Rule(
        id="art13-14.retention",
        severity="error",
        title="Retention period or the criteria used to set it",
        legal_reference=f"{UK_GDPR} Art 13(2)(a), Art 14(2)(a); Art 30(1)(f)",
        rationale="Required. 'In line with our corporate retention schedule' names neither a "
        "period nor criteria, so it counts as missing.",
    ),
    Rule(
        id="art13-14.rights",
        severity="error",
        title="The data subject's rights",
        legal_reference=f"{UK_GDPR} Art 13(2)(b), Art 14(2)(c); Arts 15-21",
        rationale="Required; a notice with no rights at all leaves people unable to use them.",
    ),
    Rule(
        id="art13-14.rights-incomplete",
        severity="warning",
        title="A right that applies to the notice's lawful bases is not stated",
        legal_reference=f"{UK_GDPR} Art 13(2)(b), Art 14(2)(c); Arts 16-18, 20, 21",
        rationale="Access, rectification and restriction always apply; objection applies to "
        "Art 6(1)(e) and (f); erasure to (a), (b), (d) and (f); portability to (a) and (b) "
        "(ICO, 'Lawful basis for processing'). Some rights are stated, so this is a gap rather "
        "than an absence.",
    ),
    Rule(
        id="art13-14.withdraw-consent",
        severity="error",
        title="Consent relied on without the right to withdraw it",
        legal_reference=f"{UK_GDPR} Art 13(2)(c), Art 14(2)(d); Art 7(3)",
        rationale="Required wherever Art 6(1)(a), Art 9(2)(a) or DPA 2018 Sch 1 para 29 is a "
        "basis; consent that cannot be withdrawn is not valid consent.",
    ),
    Rule(
        id="art13-14.complaint-ico",
        severity="error",
        title="Right to complain to the Information Commissioner",
        legal_reference=f"{UK_GDPR} Art 13(2)(d), Art 14(2)(e); Art 77",
        rationale="Required in every notice; it is the person's route to the regulator.",
    ),
    Rule(
        id="art13-14.complaint-ico-not-stated",
        severity="warning",
        title="The ICO is named but the right to complain to it is not stated",
        legal_reference=f"{UK_GDPR} Art 13(2)(d), Art 14(2)(e); Art 77",
        rationale="People can find the regulator, but are not told they may complain to it; "
        "judged from the notice's own words.",
    ),
    Rule(
        id="art13.statutory-requirement",
        severity="warning",
        title="Whether providing the data is required, and what happens if it is not",
        legal_reference=f"{UK_GDPR} Art 13(2)(e)",
        rationale="Required where data are collected from the person; rated warning because "
        "for a statutory service the omission rarely misleads about rights.",
    ),
    Rule(
        id="art14.source",
        severity="warning",
        title="Source of the personal data",
        legal_reference=f"{UK_GDPR} Art 14(2)(f)",
        rationale="Where data come from others, the notice must say from where. Flagged when "
        "the notice names no source at all (not even the person). An activity without sources "
        "of its own is not flagged: it reuses data the notice's other activities collect.",
    ),
    Rule(
        id="art13-14.automated-decisions",
        severity="warning",
        title="Automated decision-making without information about it",
        legal_reference=f"{UK_GDPR} Art 13(2)(f), Art 14(2)(g); Arts 22A-22D",
        rationale="Where solely automated significant decisions are made, the notice must give "
        "meaningful information about the logic and consequences.",
    ),
    # ---------------------------------------------------------------- legal consistency
    Rule(
        id="consistency.special-without-art9",
        severity="error",
        title="Special category data without an Art 9 condition",
        legal_reference=f"{UK_GDPR} Art 9(1)-(2); Art 13(1)(c)",
        rationale="Processing special category data is prohibited unless an Art 9(2) condition "
        "applies; none is documented.",
    ),
    Rule(
        id="consistency.art9-without-schedule1",
        severity="warning",
        title="Art 9(2)(b), (g), (h), (i) or (j) without a Schedule 1 condition of the right part",
        legal_reference=f"{DPA} s.10(2)-(3), Sch 1 Parts 1-2, Sch 1 para 41",
        rationale="The Art 9 condition is stated but the DPA 2018 condition that makes it "
        "usable (Part 1 for (b), (h), (i), (j); Part 2 for (g)) is not, or is of the wrong part. "
        "A documentation gap (the record must name it, Sch 1 para 41) rather than a missing "
        "basis, hence warning.",
    ),
    Rule(
        id="consistency.criminal-without-condition",
        severity="error",
        title="Criminal offence data without an Art 10 / Schedule 1 condition",
        legal_reference=f"{UK_GDPR} Art 10; {DPA} s.10(5), s.11(2), Sch 1 Parts 1-3",
        rationale="Art 10 processing is authorised only where a Sch 1 Part 1, 2 or 3 condition "
        "is met; none is documented.",
    ),
    Rule(
        id="consistency.public-authority-legitimate-interests",
        severity="error",
        title="Art 6(1)(f) or (ea) relied on by a public authority",
        legal_reference=f"{UK_GDPR} Art 6(1) closing words (as amended by DUAA 2025 s.70)",
        rationale="Points (ea) and (f) do not apply to processing by public authorities in the "
        "performance of their tasks; a council's service processing is such a task.",
    ),
    # ---------------------------------------------------------------- citations
    Rule(
        id="citation.unknown-instrument",
        severity="error",
        title="A statute citation that names no instrument in the registry",
        legal_reference=f"{UK_GDPR} Art 13(1)(c), Art 6(3); Art 12(1)",
        rationale="The legal basis rests on a law that cannot be identified: the title and year "
        "match no real Act or instrument, or no year is given for a title several Acts share.",
    ),
    Rule(
        id="citation.misnamed",
        severity="warning",
        title="A statute cited under a wrong name",
        legal_reference=f"{UK_GDPR} Art 12(1)",
        rationale="The intended instrument is clear, but the citation is wrong as written.",
    ),
    Rule(
        id="citation.guidance-as-law",
        severity="warning",
        title="Guidance cited as legislation",
        legal_reference=f"{UK_GDPR} Art 6(3), Art 13(1)(c)",
        rationale="Guidance (even statutory guidance) is not a basis in law for Art 6(1)(c)/(e); "
        "presenting it as one overstates the legal basis.",
    ),
    Rule(
        id="citation.eu-gdpr",
        severity="info",
        title="The EU GDPR named instead of the UK GDPR",
        legal_reference="European Union (Withdrawal) Act 2018 s.3; "
        f"{DPA} s.3(10); {UK_GDPR} as amended",
        rationale="Since 1 January 2021 the law is the UK GDPR. The wording is out of date but "
        "the rights it describes are the same, hence info.",
    ),
    # ---------------------------------------------------------------- staleness
    Rule(
        id="staleness.arrangement-ended",
        severity="warning",
        title="A data-sharing arrangement past its end date",
        legal_reference=f"{UK_GDPR} Art 5(1)(a), Art 13(1)(e), Art 14(1)(e)",
        rationale="The notice describes sharing that has ended (or has continued without being "
        "documented).",
    ),
    Rule(
        id="staleness.renamed-department",
        severity="warning",
        title="A body cited under a name it no longer has",
        legal_reference=f"{UK_GDPR} Art 13(1)(e), Art 14(1)(e); Art 12(1)",
        rationale="Recipients and sources must be identifiable; the body has been renamed or "
        "replaced.",
    ),
    Rule(
        id="staleness.notice-review",
        severity="warning",
        title="Notice not updated for more than two years",
        legal_reference=f"{UK_GDPR} Art 5(2), Art 12(1); ICO right to be informed guidance",
        rationale="Notices must be kept under review; after two years the content is likely to "
        "have drifted from practice.",
    ),
    # ---------------------------------------------------------------- contacts
    Rule(
        id="contact.phone",
        severity="error",
        title="A phone number that is not a valid UK number",
        legal_reference=f"{UK_GDPR} Art 12(2), Art 13(1)(a)-(b), Art 14(1)(a)-(b)",
        rationale="A contact that cannot be dialled cannot be used.",
    ),
    Rule(
        id="contact.email",
        severity="error",
        title="A malformed email address",
        legal_reference=f"{UK_GDPR} Art 12(2), Art 13(1)(a)-(b), Art 14(1)(a)-(b)",
        rationale="A contact that cannot be written to cannot be used.",
    ),
)

# ============================================================================ helpers


def _escape(part: str | int) -> str:
    return str(part).replace("~", "~0").replace("/", "~1")


def _ptr(*parts: str | int) -> str:
    return "/" + "/".join(_escape(p) for p in parts)


@dataclass
class _Ctx:
    document: NoticeDocument
    vocabulary: Vocabulary
    today: date
    findings: list[Finding]

    def add(
        self,
        rule_id: str,
        pointer: str,
        message: str,
        *,
        legal_reference: str | None = None,
        suggestion: str | None = None,
    ) -> None:
        rule = RULES[rule_id]
        self.findings.append(
            Finding(
                rule=rule_id,
                severity=rule.severity,
                pointer=pointer,
                message=message,
                legal_reference=legal_reference or rule.legal_reference,
                suggestion=suggestion,
            )
        )


def _basis_letter(term: LawfulBasisTerm) -> str | None:
    """'a'..'f', 'ea' for Art 6(1) and Art 9(2) terms."""
    m = re.search(r"\((\w+)\)\s*$", term.code)
    if m:
        return m.group(1).lower()
    m = re.search(r"-(\w+)$", term.slug)
    return m.group(1).lower() if m else None


def _bases(activity: Activity, vocabulary: Vocabulary) -> list[tuple[int, LawfulBasisTerm]]:
    out = []
    for j, use in enumerate(activity.lawful_bases):
        term = vocabulary.basis(use.basis)
        if term is not None:
            out.append((j, term))
    return out


def _art6_letters(activity: Activity, vocabulary: Vocabulary) -> set[str]:
    return {
        letter
        for _, t in _bases(activity, vocabulary)
        if t.article == "6" and (letter := _basis_letter(t))
    }


_ICO_RE = re.compile(r"information\s+commissioner|\bICO\b|ico\.org\.uk", re.IGNORECASE)
_COMPLAIN_RE = re.compile(r"\bcomplain|\bcomplaint|\blodge\b|raise (?:a|your) concerns?", re.I)


def complaint_route(complaint: Complaint | None) -> Literal["complaint", "named", "none"]:
    """What the complaint route, as written, says of the Information Commissioner:
    ``complaint`` (a sentence names the Commissioner and a complaint to it), ``named`` (the
    Commissioner is named, e.g. for advice, but no complaint to it), or ``none``."""
    if complaint is None:
        return "none"
    sentences = re.split(r"(?<=[.!?])\s+", complaint.text or "")
    if any(_ICO_RE.search(x) and _COMPLAIN_RE.search(x) for x in sentences):
        return "complaint"
    contact = complaint.ico_contact
    named = _ICO_RE.search(complaint.text or "") or (
        contact is not None
        and _ICO_RE.search(" ".join(filter(None, (contact.name, contact.url, contact.email))))
    )
    return "named" if named else "none"


def names_ico(complaint: Complaint | None) -> bool:
    """Whether the notice tells people they can complain to the Information Commissioner."""
    return complaint_route(complaint) == "complaint"


def _party_chain(party: PartyTerm, vocabulary: Vocabulary) -> Iterator[PartyTerm]:
    seen: set[str] = set()
    term: PartyTerm | None = party
    while term is not None and term.slug not in seen:
        seen.add(term.slug)
        yield term
        term = vocabulary.party(term.parent) if term.parent else None


_DATA_SUBJECT_SLUGS = frozenset(
    {"data-subject", "data-subjects", "the-data-subject", "self", "you", "individual", "person"}
)


def _is_data_subject(slug: str, vocabulary: Vocabulary) -> bool:
    """Whether a source party is the person the data are about (Art 13 collection)."""
    if slug in _DATA_SUBJECT_SLUGS or slug.startswith(("data-subject", "subject.")):
        return True
    term = vocabulary.party(slug)
    if term is None:
        return False
    for t in _party_chain(term, vocabulary):
        if t.slug in _DATA_SUBJECT_SLUGS or (t.dpv or "").startswith("dpv:DataSubject"):
            return True
    return False


def _is_public_authority(controller: ControllerDoc) -> bool:
    return controller.gss_code is not None or bool(
        re.search(r"\b(council|borough|authority|county)\b", controller.name, re.IGNORECASE)
    )


# Free text: every string of the document that is prose, with its pointer.
_NOT_PROSE = frozenset(
    {
        "id",
        "category",
        "party",
        "basis",
        "statute",
        "cited_as",
        "email",
        "phone",
        "url",
        "website",
        "gss_code",
        "register_code",
        "corporate_privacy_notice_url",
        "agreement_url",
        "duration",
        "trigger",
        "applies_to",
        "right",
        "status",
        "kind_as_cited",
        "ico_registration_number",
        "end_date",
        "effective_from",
        "last_updated",
        "occurs",
        "provisions",
    }
)
_SLUG_LISTS = frozenset({"data_subjects", "controllers", "parties", "data_categories"})


def _prose(node: Any, path: tuple[str | int, ...] = ()) -> Iterator[tuple[str, str]]:
    if isinstance(node, dict):
        for key, value in node.items():
            if key in _NOT_PROSE:
                continue
            if (
                key in _SLUG_LISTS
                and isinstance(value, list)
                and all(isinstance(v, str) for v in value)
            ):
                continue
            yield from _prose(value, (*path, key))
    elif isinstance(node, list):
        for i, value in enumerate(node):
            yield from _prose(value, (*path, i))
    elif isinstance(node, str):
        yield _ptr(*path), node


def _contacts(node: Any, path: tuple[str | int, ...] = ()) -> Iterator[tuple[str, str, str]]:
    """(pointer, 'phone' | 'email', value) for every phone and email field of the document."""
    if isinstance(node, dict):
        for key, value in node.items():
            if key in ("phone", "email") and isinstance(value, str):
                yield _ptr(*path, key), key, value
            else:
                yield from _contacts(value, (*path, key))
    elif isinstance(node, list):
        for i, value in enumerate(node):
            yield from _contacts(value, (*path, i))


def _years_before(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)


# ============================================================================ Art 13/14


def _art13_applies(document: NoticeDocument, vocabulary: Vocabulary) -> bool:
    """Data are collected from the person: a source is the data subject, or an activity names
    no source at all (the notice then describes only direct collection)."""
    return any(
        not act.sources or any(_is_data_subject(s.party, vocabulary) for s in act.sources)
        for act in document.activities
    )


def _art14_applies(document: NoticeDocument, vocabulary: Vocabulary) -> bool:
    return any(
        not _is_data_subject(s.party, vocabulary)
        for act in document.activities
        for s in act.sources
    )


def _check_controllers(ctx: _Ctx) -> None:
    for i, c in enumerate(ctx.document.controllers):
        has_contact = bool(c.address or c.phone or c.website) or bool(
            c.dpo and (c.dpo.address or c.dpo.email or c.dpo.phone)
        )
        if not has_contact:
            ctx.add(
                "art13-14.controller-identity",
                _ptr("controllers", i),
                f"{c.name}: the notice gives no contact details for the controller "
                "(address, phone or website).",
                suggestion="Add the council's postal address and main contact route.",
            )
        dpo = c.dpo
        if dpo is None or not (dpo.email or dpo.phone or dpo.address or dpo.url):
            ctx.add(
                "art13-14.dpo-contact",
                _ptr("controllers", i, "dpo"),
                f"{c.name}: no contact details for the data protection officer.",
                suggestion="Give the DPO's email address and postal address or phone number.",
            )


_DESIGNATION_RE = re.compile(r"\bthe\s+(county|city|district)\s+council\b", re.IGNORECASE)
_GSS_BY_TYPE = {"county": ("E10",), "district": ("E07",), "city": ()}


def _check_designation(ctx: _Ctx) -> None:
    controllers = ctx.document.controllers
    if any(
        (c.gss_code or "").startswith("E07") or "district council" in c.name.lower()
        for c in controllers
    ):
        return  # a district council's notice may well refer to its county council
    names = " / ".join(c.name for c in controllers)
    dumped = ctx.document.model_dump(mode="json")
    for pointer, text in _prose(dumped):
        for m in _DESIGNATION_RE.finditer(text):
            kind = m.group(1).lower()
            if any(
                f"{kind} council" in c.name.lower()
                or (c.gss_code or "").startswith(_GSS_BY_TYPE[kind] or ("-",))
                for c in controllers
            ):
                continue
            ctx.add(
                "art13-14.controller-designation",
                pointer,
                f"The notice calls the controller '{m.group(0)}', but the controller is "
                f"{names}" + _council_type(controllers) + ".",
                suggestion=f"Refer to the controller by its name ({names}).",
            )
            break


def _council_type(controllers: list[ControllerDoc]) -> str:
    kinds = {
        "E06": "a unitary authority",
        "E07": "a district council",
        "E08": "a metropolitan borough",
        "E09": "a London borough",
        "E10": "a county council",
    }
    found = sorted(
        {kinds[c.gss_code[:3]] for c in controllers if c.gss_code and c.gss_code[:3] in kinds}
    )
    return f" ({' and '.join(found)})" if found else ""


def _check_activities(ctx: _Ctx) -> None:
    doc, vocab = ctx.document, ctx.vocabulary
    if not doc.activities:
        ctx.add("art13-14.purposes", "/activities", "The notice describes no processing at all.")
        ctx.add("art13-14.lawful-basis", "/activities", "The notice gives no lawful basis.")
        return
    art14 = _art14_applies(doc, vocab)
    if not any(a.sources for a in doc.activities):
        ctx.add(
            "art14.source",
            "/activities",
            "The notice does not say where any of the data come from: neither from the person "
            "nor from which organisations.",
            suggestion="Name the sources (or categories of source), and say what is collected "
            "from the person.",
        )
    for i, act in enumerate(doc.activities):
        base = ("activities", i)
        if not act.purposes:
            ctx.add("art13-14.purposes", _ptr(*base, "purposes"), f"{act.name}: no purpose given.")
        if not _art6_letters(act, vocab):
            ctx.add(
                "art13-14.lawful-basis",
                _ptr(*base, "lawful_bases"),
                f"{act.name}: no Art 6(1) lawful basis given.",
            )
        if art14 and not act.data_categories:
            ctx.add(
                "art14.data-categories",
                _ptr(*base, "data_categories"),
                f"{act.name}: the categories of personal data are not given, although data "
                "are obtained from third parties.",
            )
        _check_recipients(ctx, i, act)
        _check_retention(ctx, i, act)
        t = act.transfers
        if t is not None and t.occurs != "no" and not t.safeguards:
            ctx.add(
                "art13-14.transfers",
                _ptr(*base, "transfers"),
                f"{act.name}: the notice says data may be transferred outside the UK but not "
                "on what safeguards (adequacy regulations or Art 46 safeguards) or how to get "
                "a copy of them.",
            )
        adm = act.automated_decision_making
        if adm is not None and adm.used and not adm.text:
            ctx.add(
                "art13-14.automated-decisions",
                _ptr(*base, "automated_decision_making"),
                f"{act.name}: automated decisions are made but the notice gives no information "
                "about the logic involved or their consequences.",
            )


def _check_recipients(ctx: _Ctx, i: int, act: Activity) -> None:
    if act.sharing_arrangements and not act.recipients:
        names = ", ".join(f"'{a.name}'" for a in act.sharing_arrangements)
        ctx.add(
            "art13-14.recipients",
            _ptr("activities", i, "recipients"),
            f"{act.name}: the notice describes sharing ({names}) but lists no recipients.",
            suggestion="List the recipients (or categories of recipient) of the shared data.",
        )


def _check_retention(ctx: _Ctx, i: int, act: Activity) -> None:
    pointer = _ptr("activities", i, "retention")
    if not act.retention:
        ctx.add("art13-14.retention", pointer, f"{act.name}: no retention period or criteria.")
        return
    if all(
        r.duration is None and r.trigger in ("corporate_schedule", "unspecified")
        for r in act.retention
    ):
        ctx.add(
            "art13-14.retention",
            pointer,
            f"{act.name}: no retention period or criteria are given, only "
            + "; ".join(f'"{_excerpt(r.text)}"' for r in act.retention)
            + ".",
            suggestion="State how long records are kept (e.g. 'until the child is 25', 'six "
            "years after the case closes') or the criteria used.",
        )


def _excerpt(text: str, limit: int = 90) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


_RIGHT_NAMES = {
    "access": "access",
    "rectification": "rectification",
    "erasure": "erasure",
    "restriction": "restriction of processing",
    "objection": "to object",
    "portability": "data portability",
}


def _check_rights(ctx: _Ctx) -> None:
    doc, vocab = ctx.document, ctx.vocabulary
    stated = {r.right for r in doc.notice.rights}
    if not doc.notice.rights:
        ctx.add(
            "art13-14.rights",
            "/notice/rights",
            "The notice does not list the rights people have (access, rectification, erasure, "
            "restriction, objection, portability).",
        )
    else:
        letters = set().union(*(_art6_letters(a, vocab) for a in doc.activities))
        needed = {"access", "rectification", "restriction"}
        if letters & {"e", "f", "ea"}:
            needed.add("objection")
        if letters & {"a", "b", "d", "f", "ea"}:
            needed.add("erasure")
        if letters & {"a", "b"}:
            needed.add("portability")
        missing = [k for k in _RIGHT_NAMES if k in needed - stated]
        if missing:
            ctx.add(
                "art13-14.rights-incomplete",
                "/notice/rights",
                "The notice does not state the right"
                + ("s" if len(missing) > 1 else "")
                + " "
                + ", ".join(_RIGHT_NAMES[m] for m in missing)
                + ", which appl"
                + ("y" if len(missing) > 1 else "ies")
                + " given the lawful bases relied on.",
            )

    consent = rules.consent_without_withdrawal(doc, vocab)
    if consent:
        i, breach = consent[0]
        term = vocab.basis(doc.activities[i].lawful_bases[breach.bases[0]].basis)
        ctx.add(
            "art13-14.withdraw-consent",
            "/notice/rights",
            f"Consent ({term.code if term else ''}) is a basis for '{doc.activities[i].name}', "
            "but the notice does not say that consent can be withdrawn at any time.",
            suggestion="Add the right to withdraw consent and how to do it.",
        )

    route = complaint_route(doc.notice.complaint)
    if route == "named":
        ctx.add(
            "art13-14.complaint-ico-not-stated",
            "/notice/complaint",
            "The notice names the Information Commissioner's Office, but does not say that "
            "people can complain to it.",
            suggestion="Say that people can complain to the ICO, and how.",
        )
    elif route == "none":
        ctx.add(
            "art13-14.complaint-ico",
            "/notice/complaint",
            "The notice does not tell people they can complain to the Information "
            "Commissioner's Office.",
            suggestion="Add the right to complain to the ICO (ico.org.uk, 0303 123 1113).",
        )

    if doc.notice.provision_requirement is None and _art13_applies(doc, vocab):
        ctx.add(
            "art13.statutory-requirement",
            "/notice/provision_requirement",
            "The notice does not say whether people have to provide their information or what "
            "happens if they do not.",
        )


# ============================================================================ consistency


def _check_consistency(ctx: _Ctx) -> None:
    doc, vocab = ctx.document, ctx.vocabulary
    public = any(_is_public_authority(c) for c in doc.controllers)
    for i, act in enumerate(doc.activities):
        breaches = rules.condition_breaches(act, vocab) + rules.legitimate_interests_breaches(
            act, vocab, public_authority=public
        )
        for breach in breaches:
            _report_breach(ctx, i, act, breach)


def _report_breach(ctx: _Ctx, i: int, act: Activity, breach: rules.Breach) -> None:
    vocab = ctx.vocabulary
    codes = [
        t.code for j in breach.bases if (t := vocab.basis(act.lawful_bases[j].basis)) is not None
    ]
    pointer = (
        _ptr("activities", i, "lawful_bases", breach.bases[0])
        if breach.bases
        else _ptr("activities", i, "lawful_bases")
    )
    if breach.rule == "special-without-art9":
        ctx.add(
            "consistency.special-without-art9",
            pointer,
            f"{act.name}: special category data are processed but no Art 9(2) condition is given.",
        )
    elif breach.rule == "art9-without-schedule1":
        part = breach.part
        others = sorted(
            {
                f"Part {t.schedule1_part}"
                for b in act.lawful_bases
                if (t := vocab.basis(b.basis)) is not None and t.article == "sch1"
            }
        )
        extra = (
            f" (only {', '.join(others)} conditions are given"
            + (", which apply to criminal offence data" if others == ["Part 3"] else "")
            + ")"
            if others
            else ""
        )
        ctx.add(
            "consistency.art9-without-schedule1",
            pointer,
            f"{act.name}: {codes[0]} needs a DPA 2018 Schedule 1 Part {part} condition, and "
            f"none is given{extra}.",
            legal_reference=f"{DPA} s.10({2 if part == 1 else 3}), Sch 1 Part {part}",
        )
    elif breach.rule == "criminal-without-condition":
        cites_art10 = any(
            (t := vocab.basis(b.basis)) is not None and t.article == "10" for b in act.lawful_bases
        )
        ctx.add(
            "consistency.criminal-without-condition",
            pointer,
            f"{act.name}: criminal offence data are processed but "
            + (
                "only Art 10 is cited, with no DPA 2018 Schedule 1 condition."
                if cites_art10
                else "no Art 10 / DPA 2018 Schedule 1 condition is given."
            ),
        )
    elif breach.rule == "public-authority-legitimate-interests":
        term = vocab.basis(act.lawful_bases[breach.bases[0]].basis)
        ctx.add(
            "consistency.public-authority-legitimate-interests",
            pointer,
            f"{act.name}: {codes[0]} ({term.name if term else ''}) is not available to a public "
            "authority for processing in the performance of its tasks.",
            suggestion="Use Art 6(1)(e) public task (with the law that sets the task) or Art "
            "6(1)(c).",
        )


# ============================================================================ citations


def _check_citations(ctx: _Ctx) -> None:
    vocab = ctx.vocabulary
    resolver = vocab.memo("resolver", lambda: Resolver(list(vocab.statutes.values())))
    for i, act in enumerate(ctx.document.activities):
        for j, citation in enumerate(act.statutes):
            pointer = _ptr("activities", i, "statutes", j, "cited_as")
            res = resolver.resolve(citation.cited_as)
            for r in (res, *res.also):
                _report_resolution(ctx, pointer, citation.kind_as_cited, r)


def _report_resolution(ctx: _Ctx, pointer: str, kind_as_cited: str, r: Resolution) -> None:
    cited = r.cited_as
    if r.status == "unknown":
        names = [s.title for s in r.suggestions]
        if r.reason == "no_year":
            message = f"'{cited}' gives no year, so it does not identify one instrument."
        elif r.reason == "no_such_year":
            message = f"'{cited}': there is no {r.title} of {r.year}."
        else:
            message = f"'{cited}' does not match any Act, instrument or guidance in the registry."
        if names:
            message += " Did you mean " + " or ".join(names) + "?"
        ctx.add(
            "citation.unknown-instrument",
            pointer,
            message,
            suggestion=names[0] if len(names) == 1 else None,
        )
    elif r.status == "misnamed" and r.statute is not None:
        ctx.add(
            "citation.misnamed",
            pointer,
            f"'{cited}' names no instrument as written; it is presumably the {r.statute.title}.",
            suggestion=r.statute.title,
        )
    elif r.status == "guidance" and kind_as_cited == "law" and r.statute is not None:
        publisher = f" ({r.statute.publisher})" if r.statute.publisher else ""
        ctx.add(
            "citation.guidance-as-law",
            pointer,
            f"'{cited}' is cited as legislation, but '{r.statute.title}'{publisher} is "
            "guidance, not law.",
            suggestion="List it separately as guidance, or cite the Act it is issued under.",
        )
    elif r.status == "eu_gdpr" and ctx.today >= _UK_GDPR_FROM:
        ctx.add(
            "citation.eu-gdpr",
            pointer,
            f"'{cited}' names the EU GDPR; since 1 January 2021 the law is the UK GDPR.",
            suggestion="UK GDPR",
        )


_UK_GDPR_FROM = date(2021, 1, 1)


def _check_eu_gdpr_text(ctx: _Ctx) -> None:
    if ctx.today < _UK_GDPR_FROM:
        return
    for pointer, text in _prose(ctx.document.model_dump(mode="json")):
        if mentions_eu_gdpr(text):
            ctx.add(
                "citation.eu-gdpr",
                pointer,
                "The text refers to the GDPR / General Data Protection Regulation without "
                "saying UK; since 1 January 2021 the law is the UK GDPR.",
                suggestion="UK GDPR",
            )


# ============================================================================ staleness


def _check_staleness(ctx: _Ctx) -> None:
    doc, today = ctx.document, ctx.today
    for i, act in enumerate(doc.activities):
        for j, arr in enumerate(act.sharing_arrangements):
            if arr.end_date is not None and arr.end_date < today:
                as_written = f' ("{arr.end_date_as_written}")' if arr.end_date_as_written else ""
                ctx.add(
                    "staleness.arrangement-ended",
                    _ptr("activities", i, "sharing_arrangements", j, "end_date"),
                    f"{act.name}: '{arr.name}' ended on {arr.end_date.isoformat()}{as_written}, "
                    f"before {today.isoformat()}, but the notice still describes it.",
                    suggestion="Remove the arrangement, or record its extension and new end date.",
                )
        refs: list[tuple[str, str]] = []
        for role in ("sources", "recipients"):
            for j, link in enumerate(getattr(act, role)):
                refs.append((_ptr("activities", i, role, j, "party"), link.party))
        for j, arr in enumerate(act.sharing_arrangements):
            for k, party in enumerate(arr.parties):
                refs.append((_ptr("activities", i, "sharing_arrangements", j, "parties", k), party))
        for pointer, slug in refs:
            _check_renamed(ctx, pointer, slug)

    stamp = doc.notice.last_updated or doc.notice.effective_from
    if stamp is not None and stamp < _years_before(today, 2):
        field = "last_updated" if doc.notice.last_updated else "effective_from"
        written = doc.notice.last_updated_as_written
        ctx.add(
            "staleness.notice-review",
            _ptr("notice", field),
            f"The notice was last updated on {stamp.isoformat()}"
            + (f' ("{written}")' if written and field == "last_updated" else "")
            + f", more than two years before {today.isoformat()}.",
            suggestion="Review the notice against current practice and republish it.",
        )


def _check_renamed(ctx: _Ctx, pointer: str, slug: str) -> None:
    term = ctx.vocabulary.party(slug)
    if term is None or term.replaced_by is None:
        return
    if term.replaced_on is not None and term.replaced_on > ctx.today:
        return
    # Follow a chain of renamings (A → B → C) to the body that exists on ``today``.
    successor = ctx.vocabulary.party(term.replaced_by)
    seen = {term.slug}
    while (
        successor is not None
        and successor.slug not in seen
        and successor.replaced_by is not None
        and (successor.replaced_on is None or successor.replaced_on <= ctx.today)
    ):
        seen.add(successor.slug)
        successor = ctx.vocabulary.party(successor.replaced_by)
    new_name = successor.name if successor else term.replaced_by
    when = f" on {term.replaced_on.isoformat()}" if term.replaced_on else ""
    ctx.add(
        "staleness.renamed-department",
        pointer,
        f"{term.name} no longer exists under that name: it was replaced by {new_name}{when}.",
        suggestion=new_name,
    )


# ============================================================================ contacts

_PHONE_CANDIDATE_RE = re.compile(
    r"(?<![\w/])(?:\+44\s?\(?0?\)?\s?|\(?0)\d[\d\s()\-]{7,16}\d(?![\w/])"
)


def _bad_phone_numbers(text: str) -> list[str] | None:
    """The candidates in ``text`` that are not valid UK numbers; None if there is no number."""
    candidates = [m.group(0).strip() for m in _PHONE_CANDIDATE_RE.finditer(text)]
    if not candidates:
        return None
    bad = []
    for c in candidates:
        try:
            number = phonenumbers.parse(c, "GB")
        except phonenumbers.NumberParseException:
            bad.append(c)
            continue
        if not phonenumbers.is_valid_number(number):
            bad.append(c)
    return bad


def _digits(number: str) -> str:
    return re.sub(r"\D", "", number)


def _check_contacts(ctx: _Ctx) -> None:
    dumped = ctx.document.model_dump(mode="json")
    reported: set[str] = set()
    for pointer, kind, value in _contacts(dumped):
        if kind == "phone":
            bad = _bad_phone_numbers(value)
            if bad is None:
                ctx.add("contact.phone", pointer, f"'{value}' contains no phone number.")
            elif bad:
                reported.update(_digits(b) for b in bad)
                ctx.add(
                    "contact.phone",
                    pointer,
                    f"'{', '.join(bad)}' is not a valid UK phone number.",
                )
        else:
            _check_email(ctx, pointer, value)
    # Phone numbers written only into prose ("contact the DPO on 020 ...") are checked too; a
    # number already reported in a contact field is not reported again for the prose.
    for pointer, text in _prose(dumped):
        bad = [b for b in _bad_phone_numbers(text) or [] if _digits(b) not in reported]
        if bad:
            ctx.add(
                "contact.phone",
                pointer,
                f"'{', '.join(bad)}' is not a valid UK phone number.",
            )


def _check_email(ctx: _Ctx, pointer: str, value: str) -> None:
    tokens = [t.strip("<>()[],;.:") for t in re.split(r"[\s,;]+", value) if "@" in t]
    if not tokens:
        ctx.add("contact.email", pointer, f"'{value}' contains no email address.")
        return
    for token in tokens:
        try:
            validate_email(token, check_deliverability=False)
        except EmailNotValidError as exc:
            ctx.add("contact.email", pointer, f"'{token}' is not a valid email address: {exc}.")


# ============================================================================ entry point


def _natural(pointer: str) -> list[tuple[int, int | str]]:
    return [(0, int(p)) if p.isdigit() else (1, p) for p in pointer.split("/")]


def check_notice(document: NoticeDocument, vocabulary: Vocabulary, *, today: date) -> list[Finding]:
    """All findings for one notice document, as at ``today``, sorted by pointer then rule."""
    ctx = _Ctx(document=document, vocabulary=vocabulary, today=today, findings=[])
    _check_controllers(ctx)
    _check_designation(ctx)
    _check_activities(ctx)
    _check_rights(ctx)
    _check_consistency(ctx)
    _check_citations(ctx)
    _check_eu_gdpr_text(ctx)
    _check_staleness(ctx)
    _check_contacts(ctx)
    unique = {(f.pointer, f.rule, f.message): f for f in ctx.findings}
    return sorted(unique.values(), key=lambda f: (_natural(f.pointer), f.rule, f.message))
