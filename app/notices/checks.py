"""The notice checks: a linter for UK GDPR privacy notices held as notice documents.

:func:`check_notice` reads one :class:`~app.register.document.NoticeDocument` with the
vocabulary (the legislation registry included) and returns :class:`Finding` objects. It is a
pure function: no HTTP, no database, no clock (``today`` is a parameter, so the same document
checked "as at" the same date always gives the same findings, in the same order).

One finding per problem: a problem found in several places (the same wording in twelve
sections) is one finding listing every pointer it concerns. Where the fix is mechanical (a
misnamed Act, a renamed body, a link with no address), the finding carries it as an RFC 6902
JSON Patch against the document (``fix``), which an editor can apply to a draft.

Families (rule ids and severities are documented in :data:`RULES`):

* Art 13/14 completeness: one rule per required item, judged from the notice's own words
  where it has them (the complaint route, the statement on automated decisions).
* Legal consistency: the rules of :mod:`app.register.rules` (special category and criminal
  offence data and their conditions, Schedule 1 pairings, legitimate interests by a public
  authority, consent and its withdrawal), and what the notice's words say of its bases.
* Citations: each citation resolved against the registry (:mod:`app.notices.legislation`).
  What the registry cannot place is "not verified", never "does not exist", unless the
  registry holds every Act of that title.
* Staleness: ended arrangements, renamed bodies and programmes (the name in force on the
  date), superseded law and guidance, undated notices and notices not reviewed for two years.
* Text: placeholder links and pointers to numbering the page does not have.
* Contacts: UK phone numbers (``phonenumbers``) and email addresses (``email-validator``).

Severities follow one scheme. ``error``: an item the law requires is missing, or what is stated
cannot be right (a basis a council may not use, an instrument that does not exist, a contact
that cannot be used). ``warning``: the item is there but wrong or incomplete in a way a reader
could be misled by. ``info``: wording to tidy, or something to verify.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from app.notices import textchecks
from app.notices.legislation import Resolver
from app.register import rules
from app.register.document import Activity, Complaint, ControllerDoc, NoticeDocument
from app.register.vocabulary import Vocabulary

Severity = Literal["error", "warning", "info"]
Patch = list[dict[str, Any]]

UK_GDPR = "UK GDPR"
DPA = "DPA 2018"


class Finding(BaseModel):
    """One problem found in a notice document."""

    model_config = ConfigDict(frozen=True)

    id: str = Field(description="Stable for the same problem in the same document")
    rule: str
    severity: Severity
    pointer: str = Field(description="The first place it concerns (a JSON pointer)")
    pointers: list[str] = Field(description="Every place it concerns")
    message: str
    legal_reference: str
    suggestion: str | None = None
    fix: Patch | None = Field(
        default=None, description="An RFC 6902 JSON Patch that makes the mechanical fix"
    )


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
    # ---------------------------------------------------------------- added with the
    # faithful-notice and open-vocabulary work
    Rule(
        id="art13-14.controller-relationship",
        severity="warning",
        title="Several controllers, and the notice does not say how they relate",
        legal_reference=f"{UK_GDPR} Art 13(1)(a), Art 14(1)(a); Art 26",
        rationale="Joint controllers must make the essence of their arrangement available "
        "(Art 26(2)); separate controllers each answer for their own data. A notice naming "
        "several councils must say which.",
    ),
    Rule(
        id="art13-14.automated-decisions-not-stated",
        severity="warning",
        title="The notice says nothing about automated decision-making",
        legal_reference=f"{UK_GDPR} Art 13(2)(f), Art 14(2)(g); Arts 22A-22D",
        rationale="The notice must say whether solely automated significant decisions are "
        "made; silence leaves people unable to tell.",
    ),
    Rule(
        id="art13-14.rights-not-available",
        severity="warning",
        title="A right is offered that the lawful bases relied on do not give",
        legal_reference=f"{UK_GDPR} Art 20(1), (3)",
        rationale="Data portability applies only to processing on consent or contract (Art "
        "20(1)), and never to a public task (Art 20(3)). Offering it where it cannot apply "
        "misleads.",
    ),
    Rule(
        id="consistency.schedule1-cannot-support",
        severity="warning",
        title="A Schedule 1 condition paired with a condition it cannot support",
        legal_reference=f"{DPA} s.10(2)-(5), Sch 1 Parts 1-3",
        rationale="Each Schedule 1 condition meets particular Art 9(2) conditions (para 1: "
        "(b); para 2: (h); para 3: (i); para 4: (j); Part 2: (g); Part 3: criminal offence "
        "data only). The pairing as recorded cannot hold.",
    ),
    Rule(
        id="consistency.para36-without-part2",
        severity="warning",
        title="Schedule 1 para 36 without the Part 2 condition it extends",
        legal_reference=f"{DPA} Sch 1 para 36",
        rationale="Para 36 applies a Part 2 condition to criminal offence data without its "
        "substantial-public-interest requirement; it needs that Part 2 condition.",
    ),
    Rule(
        id="consistency.consent-condition-without-consent-basis",
        severity="warning",
        title="Sharing said to depend on consent, but consent is not a lawful basis",
        legal_reference=f"{UK_GDPR} Art 6(1)(a), Art 7, Art 13(1)(c)",
        rationale="A notice that says information is shared only with consent, while relying on "
        "other bases, tells people something that the record does not back.",
    ),
    Rule(
        id="consistency.basis-words-describe-another",
        severity="warning",
        title="The words given for a condition describe another condition",
        legal_reference=f"{UK_GDPR} Art 9(2), Art 13(1)(c)",
        rationale="The article letter cited and the words the notice uses for it disagree, so "
        "the reader cannot tell which condition applies.",
    ),
    Rule(
        id="consistency.category-label",
        severity="warning",
        title="A category of data called something the law does not call it",
        legal_reference=f"{UK_GDPR} Art 9(1), Art 10; {DPA} s.11(2)",
        rationale="The notice calls data personal, special category or criminal offence data "
        "when the law classes it otherwise; the protections that apply follow the law.",
    ),
    Rule(
        id="art13-14.transfer-safeguards",
        severity="warning",
        title="Transfer safeguards that are not a recognised transfer mechanism",
        legal_reference=f"{UK_GDPR} Arts 45A, 46, 49; Art 13(1)(f), Art 14(1)(f)",
        rationale="Transfers need adequacy regulations (Art 45A), appropriate safeguards (Art "
        "46: e.g. the IDTA, standard clauses with the UK Addendum, binding corporate rules) or "
        "a derogation (Art 49). 'Liaising with the authorities' is none of these.",
    ),
    Rule(
        id="citation.nonexistent",
        severity="error",
        title="An instrument that does not exist",
        legal_reference=f"{UK_GDPR} Art 13(1)(c), Art 6(3); Art 12(1)",
        rationale="The registry holds every Act of that title and none of that year: the basis "
        "in law as cited does not exist.",
    ),
    Rule(
        id="citation.not-verified",
        severity="info",
        title="A citation the legislation registry cannot place",
        legal_reference=f"{UK_GDPR} Art 12(1)",
        rationale="The registry is not the law: an instrument it does not hold may well exist. "
        "Check the citation; add the instrument to the registry if it is right.",
    ),
    Rule(
        id="citation.ambiguous",
        severity="warning",
        title="A citation without a year that several Acts share",
        legal_reference=f"{UK_GDPR} Art 12(1), Art 13(1)(c)",
        rationale="Several Acts have that title; without the year the reader cannot tell which.",
    ),
    Rule(
        id="citation.no-longer-in-force",
        severity="warning",
        title="An instrument repealed or revoked, or a superseded edition",
        legal_reference=f"{UK_GDPR} Art 5(1)(a), Art 12(1), Art 13(1)(c)",
        rationale="The notice rests on law or guidance that no longer applies as cited; the "
        "successor is named.",
    ),
    Rule(
        id="citation.slug-mismatch",
        severity="warning",
        title="The registry entry recorded for a citation is not the instrument it cites",
        legal_reference=f"{UK_GDPR} Art 12(1)",
        rationale="The record links the citation to a different instrument from the one its "
        "words name, so links and lookups point at the wrong law.",
    ),
    Rule(
        id="staleness.renamed-body",
        severity="warning",
        title="A body or programme named under a name it no longer has",
        legal_reference=f"{UK_GDPR} Art 13(1)(e), Art 14(1)(e); Art 12(1)",
        rationale="Recipients and sources must be identifiable; the body was renamed, merged or "
        "abolished. The name in force on the date is given, never a body itself gone by then.",
    ),
    Rule(
        id="staleness.misnamed-body",
        severity="info",
        title="A body named slightly wrongly",
        legal_reference=f"{UK_GDPR} Art 12(1)",
        rationale="The body is recognisable but its name is not quite right "
        "('Department of Education').",
    ),
    Rule(
        id="staleness.undated",
        severity="warning",
        title="The notice does not say when it was last updated",
        legal_reference=f"{UK_GDPR} Art 5(2), Art 12(1); ICO right to be informed guidance",
        rationale="Without a date, readers cannot tell whether it is current, and its review "
        "cannot be tracked.",
    ),
    Rule(
        id="text.placeholder-link",
        severity="warning",
        title="A link with no address",
        legal_reference=f"{UK_GDPR} Art 12(1)",
        rationale="The notice points readers to something they cannot reach; the published "
        "text shows only the link's words.",
    ),
    Rule(
        id="text.cross-reference",
        severity="info",
        title="A pointer to numbering the published notice does not have",
        legal_reference=f"{UK_GDPR} Art 12(1)",
        rationale="'See section 3' means nothing on a page without section numbers; the "
        "published text leaves the pointer out.",
    ),
    Rule(
        id="vocabulary.retired-term",
        severity="info",
        title="A vocabulary term that has been retired",
        legal_reference="Register practice",
        rationale="The term is no longer offered for new notices; its replacement is named.",
    ),
)


# ============================================================================ helpers


def _escape(part: str | int) -> str:
    return str(part).replace("~", "~0").replace("/", "~1")


def _ptr(*parts: str | int) -> str:
    return "/" + "/".join(_escape(p) for p in parts)


@dataclass
class _Found:
    rule: str
    message: str
    pointers: list[str]
    legal_reference: str | None
    suggestion: str | None
    fix: Patch = field(default_factory=list)
    fixable: bool = True


@dataclass
class _Ctx:
    document: NoticeDocument
    vocabulary: Vocabulary
    today: date
    found: dict[tuple[str, str], _Found] = field(default_factory=dict)

    def add(
        self,
        rule_id: str,
        pointer: str,
        message: str,
        *,
        legal_reference: str | None = None,
        suggestion: str | None = None,
        fix: Patch | None = None,
    ) -> None:
        """Report a problem at ``pointer``; the same problem (rule and message) found again
        elsewhere adds its pointer (and its part of the fix) to the one finding."""
        assert rule_id in RULES, rule_id
        key = (rule_id, message)
        entry = self.found.get(key)
        if entry is None:
            entry = self.found[key] = _Found(rule_id, message, [], legal_reference, suggestion)
        if pointer not in entry.pointers:
            entry.pointers.append(pointer)
        if fix is None:
            entry.fixable = False
        else:
            entry.fix += [op for op in fix if op not in entry.fix]

    def findings(self) -> list[Finding]:
        out = []
        for f in self.found.values():
            rule = RULES[f.rule]
            digest = hashlib.sha256(f"{f.rule}\n{f.message}".encode()).hexdigest()[:12]
            out.append(
                Finding(
                    id=f"{f.rule}:{digest}",
                    rule=f.rule,
                    severity=rule.severity,
                    pointer=f.pointers[0],
                    pointers=f.pointers,
                    message=f.message,
                    legal_reference=f.legal_reference or rule.legal_reference,
                    suggestion=f.suggestion,
                    fix=f.fix if f.fixable and f.fix else None,
                )
            )
        return sorted(out, key=lambda f: (_natural(f.pointer), f.rule, f.message))


def _natural(pointer: str) -> list[tuple[int, int | str]]:
    return [(0, int(p)) if p.isdigit() else (1, p) for p in pointer.split("/")]


def _replace(pointer: str, value: Any) -> Patch:
    return [{"op": "replace", "path": pointer, "value": value}]


def _letters(activity: Activity, vocabulary: Vocabulary) -> set[str]:
    return {
        letter for b in rules.bases(activity, vocabulary) if (letter := rules.art6_letter(b.term))
    }


def _excerpt(text: str, limit: int = 90) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


_ICO_RE = re.compile(r"information\s+commissioner|\bICO\b|ico\.org\.uk", re.IGNORECASE)
_COMPLAIN_RE = re.compile(r"\bcomplain|\bcomplaint|\blodge\b|raise (?:a|your) concerns?", re.I)


def complaint_route(complaint: Complaint | None) -> Literal["complaint", "named", "none"]:
    """What the complaint route, as written, says of the Information Commissioner:
    ``complaint`` (a sentence names the Commissioner and a complaint to it), ``named`` (the
    Commissioner is named, e.g. for advice, but no complaint to it), or ``none``."""
    if complaint is None:
        return "none"
    # sentences end at a full stop (or ! ?), and at a paragraph break or a line-ending ";"
    # whatever precedes them
    sentences = re.split(r"(?<=[.!?])\s+|\n[ \t]*\n|;[ \t]*\n", complaint.text or "")
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


def is_data_subject(slug: str, vocabulary: Vocabulary) -> bool:
    """Whether a source party is the person the data are about (Art 13 collection)."""
    for s in vocabulary.ancestors("parties", slug):
        term = vocabulary.party(s)
        if s == "data-subject" or (
            term is not None and (term.dpv or "").startswith("dpv:DataSubject")
        ):
            return True
    return False


def _is_public_authority(controller: ControllerDoc) -> bool:
    return controller.gss_code is not None or bool(
        re.search(r"\b(council|borough|authority|county)\b", controller.name, re.IGNORECASE)
    )


#: Document fields that are not prose: identifiers, enumerations, values checked on their own.
_NOT_PROSE = frozenset(
    {
        *("id", "slug", "category", "party", "basis", "subject", "statute", "cited_as"),
        *("email", "phone", "url", "website", "gss_code", "register_code", "supports"),
        *("corporate_privacy_notice_url", "agreement_url", "duration", "trigger"),
        *("applies_to", "right", "status", "kind_as_cited", "ico_registration_number"),
        *("end_date", "effective_from", "last_updated", "occurs", "provisions", "kind"),
        *("labelled_as", "controller_relationship", "whichever", "schema_version", "terms"),
        *("parties", "data_categories", "controllers", "version", "change_summary"),
    }
)


def _prose(node: Any, path: tuple[str | int, ...] = ()) -> Iterator[tuple[str, str]]:
    """(pointer, text) of every prose string of the document."""
    if isinstance(node, dict):
        for key, value in node.items():
            if key not in _NOT_PROSE:
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
        not act.sources or any(is_data_subject(s.party, vocabulary) for s in act.sources)
        for act in document.activities
    )


def _art14_applies(document: NoticeDocument, vocabulary: Vocabulary) -> bool:
    return any(
        not is_data_subject(s.party, vocabulary) for act in document.activities for s in act.sources
    )


def _check_controllers(ctx: _Ctx) -> None:
    doc = ctx.document
    # The service's own contact is its one controller's: the service is part of the council.
    service_contact = doc.service.contact if len(doc.controllers) == 1 else None
    for i, c in enumerate(doc.controllers):
        has_contact = (
            bool(c.address or c.phone or c.website or c.email)
            or bool(c.dpo and (c.dpo.address or c.dpo.email or c.dpo.phone))
            or bool(
                service_contact
                and (
                    service_contact.address
                    or service_contact.phone
                    or service_contact.url
                    or "@" in (service_contact.email or "")
                )
            )
        )
        if not has_contact:
            ctx.add(
                "art13-14.controller-identity",
                _ptr("controllers", i),
                f"{c.name}: the notice gives no contact details for the controller "
                "(address, phone, email or website).",
                suggestion="Add the council's postal address and main contact route.",
            )
        dpo = c.dpo
        if dpo is None or not (dpo.email or dpo.phone or dpo.address or dpo.url):
            ctx.add(
                "art13-14.dpo-contact",
                _ptr("controllers", i, "dpo"),
                f"{c.name}: no contact details for the data protection officer"
                + (" (only a reference to another notice)" if dpo and dpo.text else "")
                + ".",
                suggestion="Give the DPO's email address and postal address or phone number.",
            )
    service = doc.service
    if len(doc.controllers) > 1 and service.controller_relationship is None:
        ctx.add(
            "art13-14.controller-relationship",
            "/service/controller_relationship",
            f"The notice names {len(doc.controllers)} councils but does not say whether they are "
            "joint controllers, separate controllers, or whether one runs the service for the "
            "others.",
            suggestion="Say how the councils share responsibility for the information.",
        )


_DESIGNATION_RE = re.compile(r"\bthe\s+(county|city|district)\s+council\b", re.IGNORECASE)
_GSS_BY_TYPE = {"county": ("E10",), "district": ("E07",), "city": ()}


def _check_designation(ctx: _Ctx, prose: list[tuple[str, str]]) -> None:
    controllers = ctx.document.controllers
    if any(
        (c.gss_code or "").startswith("E07") or "district council" in c.name.lower()
        for c in controllers
    ):
        return  # a district council's notice may well refer to its county council
    names = " / ".join(c.name for c in controllers)
    for pointer, text in prose:
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


#: What names a recognised transfer mechanism (UK GDPR Arts 45A, 46, 49).
_TRANSFER_MECHANISM = re.compile(
    r"adequa|article\s*4[569]|art\.?\s*4[569]|standard (?:contractual|data protection) clauses"
    r"|\bIDTA\b|international data transfer (?:agreement|addendum)|\baddendum\b"
    r"|binding corporate rules|\bBCRs?\b|derogation|explicit consent|vital interests"
    r"|important reasons of public interest|legal claims",
    re.IGNORECASE,
)


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
    if all(a.automated_decision_making is None for a in doc.activities):
        ctx.add(
            "art13-14.automated-decisions-not-stated",
            "/activities",
            "The notice does not say whether any decisions are made by automated means only.",
            suggestion="Say whether solely automated decisions are made, and if so give "
            "meaningful information about them.",
        )
    for i, act in enumerate(doc.activities):
        base = ("activities", i)
        if not act.purposes:
            ctx.add("art13-14.purposes", _ptr(*base, "purposes"), "No purpose is given.")
        if not _letters(act, vocab):
            ctx.add(
                "art13-14.lawful-basis",
                _ptr(*base, "lawful_bases"),
                "No Art 6(1) lawful basis is given.",
            )
        if art14 and not act.data_categories:
            ctx.add(
                "art14.data-categories",
                _ptr(*base, "data_categories"),
                "The categories of personal data are not given, although data "
                "are obtained from third parties.",
            )
        if act.sharing_arrangements and not act.recipients:
            names = ", ".join(f"'{a.name}'" for a in act.sharing_arrangements)
            ctx.add(
                "art13-14.recipients",
                _ptr(*base, "recipients"),
                f"The notice describes sharing ({names}) but lists no recipients.",
                suggestion="List the recipients (or categories of recipient) of the shared data.",
            )
        _check_retention(ctx, i, act)
        t = act.transfers
        if t is not None and t.occurs != "no":
            said = " ".join(filter(None, (t.safeguards, t.text)))
            if not t.safeguards and not _TRANSFER_MECHANISM.search(said):
                ctx.add(
                    "art13-14.transfers",
                    _ptr(*base, "transfers"),
                    "The notice says data may be transferred outside the UK but "
                    "not on what safeguards or how to get a copy of them.",
                )
            elif not _TRANSFER_MECHANISM.search(said):
                ctx.add(
                    "art13-14.transfer-safeguards",
                    _ptr(*base, "transfers", "safeguards" if t.safeguards else "text"),
                    f"'{_excerpt(t.safeguards or said, 120)}' is not a transfer mechanism the law "
                    "recognises (adequacy regulations, Art 46 safeguards such as the IDTA, or "
                    "an Art 49 derogation).",
                )
        adm = act.automated_decision_making
        if adm is not None and adm.used and not adm.text:
            ctx.add(
                "art13-14.automated-decisions",
                _ptr(*base, "automated_decision_making"),
                "Automated decisions are made but the notice gives no information "
                "about the logic involved or their consequences.",
            )


def _check_retention(ctx: _Ctx, i: int, act: Activity) -> None:
    pointer = _ptr("activities", i, "retention")
    if not act.retention:
        ctx.add("art13-14.retention", pointer, "No retention period or criteria are given.")
        return
    if all(
        r.duration is None and r.trigger in ("corporate_schedule", "unspecified")
        for r in act.retention
    ):
        ctx.add(
            "art13-14.retention",
            pointer,
            "No retention period or criteria are given, only "
            + "; ".join(f'"{_excerpt(r.text)}"' for r in act.retention)
            + ".",
            suggestion="State how long records are kept (e.g. 'until the child is 25', 'six "
            "years after the case closes') or the criteria used.",
        )


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
    letters = sorted(set().union(*(_letters(a, vocab) for a in doc.activities)))
    given = rules.rights_given(letters)
    if not doc.notice.rights:
        ctx.add(
            "art13-14.rights",
            "/notice/rights",
            "The notice does not list the rights people have (access, rectification, erasure, "
            "restriction, objection, portability).",
        )
    else:
        missing = [k for k in _RIGHT_NAMES if k in given - stated]
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
        if letters:
            for j, right in enumerate(doc.notice.rights):
                if right.right == "portability" and right.right not in given:
                    bases = ", ".join(f"Art 6(1)({x})" for x in letters)
                    ctx.add(
                        "art13-14.rights-not-available",
                        _ptr("notice", "rights", j),
                        f"The notice offers the right to {_RIGHT_NAMES[right.right]}, which does "
                        f"not apply to processing on the bases it relies on ({bases}).",
                        suggestion="Say the right does not apply, or explain when it does.",
                    )

    for i, breach in rules.consent_without_withdrawal(doc, vocab)[:1]:
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

#: Words that say which Art 9(2) condition a basis is, as notices word them.
_ART9_WORDS = {
    "art9-2-a": r"explicit consent|\bconsent",
    "art9-2-b": r"employment|social security|social protection",
    "art9-2-c": r"vital interest",
    "art9-2-f": r"legal claims|judicial",
    "art9-2-g": r"substantial public interest",
    "art9-2-h": r"health or social care|social care|medical|diagnosis|preventive|occupational",
    "art9-2-i": r"public health",
    "art9-2-j": r"archiving|research|statistic",
}


def _check_consistency(ctx: _Ctx) -> None:
    doc, vocab = ctx.document, ctx.vocabulary
    public = any(_is_public_authority(c) for c in doc.controllers)
    consent_basis = any(
        rules.is_consent(b.term) for a in doc.activities for b in rules.bases(a, vocab)
    )
    for i, act in enumerate(doc.activities):
        breaches = rules.condition_breaches(act, vocab) + rules.legitimate_interests_breaches(
            act, vocab, public_authority=public
        )
        for breach in breaches:
            _report_breach(ctx, i, act, breach)
        for j, use in enumerate(act.lawful_bases):
            term = vocab.basis(use.basis)
            if term is None or term.article != "9" or not use.as_written:
                continue
            words = use.as_written.lower()
            own = _ART9_WORDS.get(term.slug)
            other = [
                vocab.name("lawful_bases", slug) + f" ({vocab.basis(slug).code})"  # type: ignore[union-attr]
                for slug, pattern in _ART9_WORDS.items()
                if slug != term.slug
                and vocab.basis(slug) is not None
                and re.search(pattern, words)
                and not (own and re.search(own, words))
            ]
            if other:
                ctx.add(
                    "consistency.basis-words-describe-another",
                    _ptr("activities", i, "lawful_bases", j),
                    f"{term.code} ({term.name}) is cited, but the notice's words for it "
                    f"describe {other[0]}: '{_excerpt(use.as_written, 100)}'.",
                    suggestion="Cite the condition the words describe, or reword.",
                )
        for role in ("sources", "recipients"):
            for j, link in enumerate(getattr(act, role)):
                if (
                    link.condition
                    and re.search(r"\bconsent", link.condition, re.I)
                    and not consent_basis
                ):
                    ctx.add(
                        "consistency.consent-condition-without-consent-basis",
                        _ptr("activities", i, role, j, "condition"),
                        f"'{_excerpt(link.condition)}', but no processing in the "
                        "notice relies on consent (Art 6(1)(a) or Art 9(2)(a)).",
                        suggestion="Say on what basis the information is shared, or record "
                        "consent as a basis if it is one.",
                    )
        for j, cat in enumerate(act.data_categories):
            if cat.labelled_as is None:
                continue
            kind = vocab.category_kind(cat.category)
            if cat.labelled_as != kind:
                kinds = {
                    "personal": "personal data",
                    "special_category": "special category data",
                    "criminal_offence": "criminal offence data",
                }
                ctx.add(
                    "consistency.category-label",
                    _ptr("activities", i, "data_categories", j, "labelled_as"),
                    f"The notice lists {vocab.name('data_categories', cat.category)} as "
                    f"{kinds[cat.labelled_as]}; the law treats it as {kinds[kind]}.",
                    fix=_replace(_ptr("activities", i, "data_categories", j, "labelled_as"), kind),
                )


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
            "Special category data are processed but no Art 9(2) condition is given.",
        )
    elif breach.rule == "art9-without-schedule1":
        part = breach.part
        given = [
            t
            for b in act.lawful_bases
            if (t := vocab.basis(b.basis)) is not None and t.article == "sch1"
        ]
        parts = sorted({f"Part {t.schedule1_part}" for t in given})
        same_part = [t for t in given if t.schedule1_part == part]
        art9 = act.lawful_bases[breach.bases[0]].basis if breach.bases else ""
        cannot = [t.code for t in same_part if art9 not in t.pairs_with]
        elsewhere = [t.code for t in same_part if art9 in t.pairs_with]
        said = [
            *([f"{', '.join(cannot)} cannot support it"] if cannot else []),
            *(
                [
                    f"{', '.join(elsewhere)} {'is' if len(elsewhere) == 1 else 'are'} paired "
                    "with another condition in the notice"
                ]
                if elsewhere
                else []
            ),
        ]
        extra = (
            f" ({'; '.join(said)})"
            if said
            else (
                f" (only {', '.join(parts)} conditions are given"
                + (", which apply to criminal offence data" if parts == ["Part 3"] else "")
                + ")"
                if parts
                else ""
            )
        )
        ctx.add(
            "consistency.art9-without-schedule1",
            pointer,
            f"{codes[0]} needs a DPA 2018 Schedule 1 Part {part} condition, and "
            f"none that supports it is given{extra}.",
            legal_reference=f"{DPA} s.10({2 if part == 1 else 3}), Sch 1 Part {part}",
        )
    elif breach.rule == "schedule1-cannot-support":
        targets = [b.code if (b := vocab.basis(s)) else s for s in breach.targets]
        ctx.add(
            "consistency.schedule1-cannot-support",
            pointer,
            f"{codes[0]} is paired with {' and '.join(targets)}, which it cannot support.",
        )
    elif breach.rule == "para36-without-part2":
        ctx.add(
            "consistency.para36-without-part2",
            pointer,
            f"{codes[0]} extends a Schedule 1 Part 2 condition, and no Part 2 condition is given.",
        )
    elif breach.rule == "criminal-without-condition":
        cites_art10 = any(
            (t := vocab.basis(b.basis)) is not None and t.article == "10" for b in act.lawful_bases
        )
        ctx.add(
            "consistency.criminal-without-condition",
            pointer,
            "Criminal offence data are processed but "
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
            f"{codes[0]} ({term.name if term else ''}) is not available to a public "
            "authority for processing in the performance of its tasks.",
            suggestion="Use Art 6(1)(e) public task (with the law that sets the task) or Art "
            "6(1)(c).",
        )


# ============================================================================ citations


def _check_citations(ctx: _Ctx) -> None:
    vocab = ctx.vocabulary
    resolver: Resolver = vocab.memo("resolver", lambda: Resolver(list(vocab.statutes.values())))
    for i, act in enumerate(ctx.document.activities):
        for j, citation in enumerate(act.statutes):
            pointer = _ptr("activities", i, "statutes", j, "cited_as")
            resolution = resolver.resolve(citation.cited_as, on=ctx.today)
            verdicts = textchecks.judge(resolution, ctx.today, kind_as_cited=citation.kind_as_cited)
            for v in verdicts:
                fix = None
                if v.replacement is not None and v.rule in (
                    "citation.misnamed",
                    "citation.eu-gdpr",
                ):
                    fix = _replace(pointer, v.replacement)
                    if v.statute is not None and citation.statute != v.statute.slug:
                        fix += _replace(
                            _ptr("activities", i, "statutes", j, "statute"), v.statute.slug
                        )
                ctx.add(v.rule, pointer, v.message, suggestion=v.suggestion, fix=fix)
            named = resolution.statute
            recorded = vocab.statute(citation.statute) if citation.statute else None
            if (
                recorded is not None
                and named is not None
                and resolution.status in ("exact", "misnamed", "guidance")
                and named.slug != recorded.slug
                and not (named.work and named.work == recorded.work)
            ):
                ctx.add(
                    "citation.slug-mismatch",
                    _ptr("activities", i, "statutes", j, "statute"),
                    f"'{citation.cited_as}' names {textchecks._the(named.title)}, but the record "
                    f"links it to {textchecks._the(recorded.title)} ({recorded.slug}).",
                    suggestion=named.slug,
                    fix=_replace(_ptr("activities", i, "statutes", j, "statute"), named.slug),
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
                    f"'{arr.name}' ended on {arr.end_date.isoformat()}{as_written}, "
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

    notice = doc.notice
    if notice.last_updated is None:
        ctx.add(
            "staleness.undated",
            "/notice/last_updated",
            "The notice does not say when it was last updated"
            + (f' ("{notice.last_updated_as_written}")' if notice.last_updated_as_written else "")
            + ".",
            suggestion="State the date the notice was last reviewed or changed.",
        )
    elif notice.last_updated < _years_before(today, 2):
        written = notice.last_updated_as_written
        ctx.add(
            "staleness.notice-review",
            "/notice/last_updated",
            f"The notice was last updated on {notice.last_updated.isoformat()}"
            + (f' ("{written}")' if written else "")
            + f", more than two years before {today.isoformat()}.",
            suggestion="Review the notice against current practice and republish it.",
        )


def _check_renamed(ctx: _Ctx, pointer: str, slug: str) -> None:
    term = ctx.vocabulary.party(slug)
    if term is None or term.replaced_by is None:
        return
    if term.replaced_on is None or term.replaced_on > ctx.today:
        return
    message, successor = textchecks.renamed(ctx.vocabulary, term, ctx.today)
    ctx.add(
        "staleness.renamed-body",
        pointer,
        message,
        suggestion=successor.name if successor else None,
        fix=_replace(pointer, successor.slug) if successor else None,
    )


def _check_terms(ctx: _Ctx) -> None:
    """Retired vocabulary terms, with the term that replaced them."""
    for vocab_name, slug, pointer in ctx.document.references():
        term = ctx.vocabulary.terms(vocab_name).get(slug)
        if term is None or not term.is_retired(ctx.today):
            continue
        ctx.add(
            "vocabulary.retired-term",
            pointer,
            f"'{slug}' was retired on {term.retired.isoformat()}"
            + (f"; use '{term.replaced_by}'." if term.replaced_by else "."),
            fix=_replace(pointer, term.replaced_by) if term.replaced_by else None,
        )


# ============================================================================ prose and contacts


def _check_prose(ctx: _Ctx, prose: list[tuple[str, str]]) -> None:
    """The structure-free checks (:mod:`app.notices.textchecks`) over every prose field; a
    mechanical fix replaces the field with the text corrected."""
    dumped_phones: set[str] = set()
    for pointer, kind, value in _contacts(ctx.document.model_dump(mode="json")):
        if kind == "phone":
            bad = [h.quote for h in textchecks.phones(value)]
            if not textchecks._PHONE.search(value):
                ctx.add("contact.phone", pointer, f"'{value}' contains no phone number.")
            for b in bad:
                dumped_phones.add(re.sub(r"\D", "", b))
                ctx.add("contact.phone", pointer, f"'{b}' is not a valid UK phone number.")
        else:
            tokens = [t.strip("<>()[],;.:") for t in re.split(r"[\s,;]+", value) if "@" in t]
            if not tokens:
                ctx.add("contact.email", pointer, f"'{value}' contains no email address.")
            for token in tokens:
                why = textchecks.bad_email(token)
                if why:
                    ctx.add(
                        "contact.email", pointer, f"'{token}' is not a valid email address: {why}."
                    )
    for pointer, text in prose:
        hits = textchecks.prose_hits(text, ctx.vocabulary, ctx.today)
        fixed = _apply(text, [h for h in hits if h.replacement is not None])
        for h in hits:
            if h.rule == "contact.phone" and re.sub(r"\D", "", h.quote) in dumped_phones:
                continue  # already reported where the notice gives it as a contact
            message = (
                h.message
                if h.rule != "citation.eu-gdpr"
                else (
                    "The text refers to the GDPR / General Data Protection Regulation without "
                    "saying UK; since 1 January 2021 the law is the UK GDPR."
                )
            )
            fix = _replace(pointer, fixed) if h.replacement is not None else None
            ctx.add(h.rule, pointer, message, suggestion=h.suggestion, fix=fix)


def _apply(text: str, hits: list[textchecks.Hit]) -> str:
    out, at = [], 0
    for h in sorted(hits, key=lambda h: h.start):
        if h.start < at:
            continue
        out += [text[at : h.start], h.replacement or ""]
        at = h.end
    out.append(text[at:])
    return re.sub(r"[ \t]{2,}", " ", "".join(out))


# ============================================================================ entry point


def check_notice(document: NoticeDocument, vocabulary: Vocabulary, *, today: date) -> list[Finding]:
    """All findings for one notice document, as at ``today``, sorted by pointer then rule."""
    ctx = _Ctx(document=document, vocabulary=vocabulary, today=today)
    prose = list(_prose(document.model_dump(mode="json", exclude_none=True)))
    _check_controllers(ctx)
    _check_designation(ctx, prose)
    _check_activities(ctx)
    _check_rights(ctx)
    _check_consistency(ctx)
    _check_citations(ctx)
    _check_staleness(ctx)
    _check_terms(ctx)
    _check_prose(ctx, prose)
    return ctx.findings()


class FixError(ValueError):
    """A chosen finding cannot be fixed mechanically (gone, no fix, or the fix fails)."""


def apply_fixes(
    document: NoticeDocument,
    vocabulary: Vocabulary,
    *,
    today: date,
    finding_ids: list[str] | None = None,
) -> tuple[NoticeDocument, list[Finding]]:
    """The document with the fixes of the chosen findings applied (default: every finding
    that has one), and the findings applied. Each fix is taken from the findings of the
    document as it stands after the previous ones, so fixes to the same text add up."""
    import jsonpatch
    from pydantic import ValidationError

    applied: list[Finding] = []
    wanted = list(dict.fromkeys(finding_ids)) if finding_ids is not None else None
    done: set[str] = set()
    while True:
        current = {f.id: f for f in check_notice(document, vocabulary, today=today)}
        if wanted is None:
            todo = [i for i, f in current.items() if f.fix and i not in done]
        else:
            todo = [i for i in wanted if i not in done]
        if not todo:
            return document, applied
        finding = current.get(todo[0])
        done.add(todo[0])
        if finding is None:
            raise FixError(f"finding '{todo[0]}' is not a finding of this document")
        if not finding.fix:
            raise FixError(f"finding '{finding.id}' ({finding.rule}) has no mechanical fix")
        data = document.model_dump(mode="json", exclude_none=True)
        try:
            document = NoticeDocument.model_validate(jsonpatch.apply_patch(data, finding.fix))
        except (
            jsonpatch.JsonPatchException,
            jsonpatch.JsonPointerException,
            ValidationError,
        ) as exc:
            raise FixError(f"the fix of '{finding.id}' cannot be applied: {exc}") from exc
        applied.append(finding)
