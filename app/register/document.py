"""The notice document: one schema for a whole privacy notice.

The same schema is the seed file format (``seed/*.yaml``), the body of the import and the
draft-editing endpoints, what the register stores for each notice version, and the output of the
JSON notice endpoint. Vocabulary terms (data categories, data subjects, parties, lawful bases,
statutes) are referenced by slug; their definitions live in the vocabularies
(:mod:`app.register.vocabulary`), and a document may define terms of its own (``terms``),
namespaced to one of its controllers (``camden:youth-panel``).

Facts are recorded *as the notice states them*: a version's document is the only source of the
facts its public text shows. Where a notice is wrong (a misnamed Act, an impossible phone
number, a category it calls "special" that the law does not) the document keeps what it says;
the checks report it.
"""

from __future__ import annotations

import re
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    model_validator,
)

from app.patterns import (
    CONTROL_CHARACTERS,
    DURATION_PATTERN,
    LINE_PATTERN,
    LONG_TEXT_ALLOWED,
    SLUG_PATTERN,
    TERM_PATTERN,
    TEXT_PATTERN,
    IsoDate,
)

SCHEMA_VERSION: Literal[2] = 2

#: Never in names or text (``app.patterns.CONTROL_CHARACTERS``); tab and line feed only in long
#: text. The OpenAPI document states the same as patterns (LINE_PATTERN, TEXT_PATTERN).
_REFUSED = re.compile(f"[{CONTROL_CHARACTERS}]")


def _refuse_controls(value: str, allowed: str) -> str:
    for found in _REFUSED.finditer(value):
        if found.group() not in allowed:
            raise ValueError(
                "must not contain control or bidirectional-override characters "
                f"(U+{ord(found.group()):04X} at position {found.start()})"
            )
    return value


def clean_name(value: str) -> str:
    """The one check on names and other one-line text: no control character at all (not even
    a tab or line break), no bidi override or isolate."""
    return _refuse_controls(value, "")


def clean_text(value: str) -> str:
    """The same check on long text, which may contain line feeds and tabs."""
    return _refuse_controls(value, LONG_TEXT_ALLOWED)


_DURATION = re.compile(DURATION_PATTERN)


def _iso_duration(value: str) -> str:
    if not _DURATION.match(value):
        raise ValueError(
            "must be an ISO 8601 duration of whole years, months, weeks or days, not zero, "
            "e.g. P6Y or P18M"
        )
    return value


Slug = Annotated[
    str,
    StringConstraints(min_length=1, max_length=120, pattern=SLUG_PATTERN),
    Field(description="A stable lower-case identifier: letters, digits, '-' and '.'"),
]
TermSlug = Annotated[
    str,
    StringConstraints(min_length=1, max_length=160, pattern=TERM_PATTERN),
    Field(
        description="A vocabulary term: a shipped slug, or '<controller>:<slug>' for a "
        "council's own term"
    ),
]
#: The OpenAPI document states the characters text may not contain as a pattern; the server
#: refuses them with a message naming the character (``clean_name``, ``clean_text``).
_NO_CONTROLS = Field(json_schema_extra={"pattern": TEXT_PATTERN})
ShortText = Annotated[
    str,
    StringConstraints(min_length=1, max_length=500),
    AfterValidator(clean_name),
    Field(json_schema_extra={"pattern": LINE_PATTERN}),
]
Text = Annotated[
    str,
    StringConstraints(min_length=1, max_length=20_000),
    AfterValidator(clean_text),
    _NO_CONTROLS,
]
Duration = Annotated[
    str,
    StringConstraints(max_length=40),
    AfterValidator(_iso_duration),
    Field(
        description="ISO 8601 duration of whole years, months, weeks or days, not zero, e.g. P6Y",
        examples=["P6Y"],
        json_schema_extra={"pattern": DURATION_PATTERN},
    ),
]

VersionStatus = Literal["draft", "scheduled", "in_effect", "superseded", "never_in_effect"]
RetentionTrigger = Literal[
    "case_closure",
    "date_of_birth",
    "last_contact",
    "end_of_service",
    "collection",
    "corporate_schedule",
    "unspecified",
]
AppliesTo = Literal["all", "children", "adults"]
RightKind = Literal[
    "be_informed",
    "access",
    "rectification",
    "erasure",
    "restriction",
    "objection",
    "portability",
    "automated_decisions",
    "withdraw_consent",
    "complain",
]
#: Each right's name, as the ICO's guidance names it: the notice, the ROPA export and the pages
#: all use these.
RIGHT_NAMES: dict[str, str] = {
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
CitationKind = Literal["law", "guidance"]
CategoryKind = Literal["personal", "special_category", "criminal_offence"]
ControllerRelationship = Literal["sole", "joint", "separate", "processor"]


class _Doc(BaseModel):
    # strict: a number is not a date, a string is not a number or a boolean; what the schema
    # says a value is, it must be
    model_config = ConfigDict(extra="forbid", strict=True)


class Contact(_Doc):
    """Contact details as the notice gives them. Values are kept as written; ``text`` keeps the
    notice's own words (e.g. a contact given only by reference: "see our corporate notice")."""

    name: ShortText | None = None
    role: ShortText | None = None
    email: ShortText | None = None
    phone: ShortText | None = None
    address: Text | None = None
    url: ShortText | None = None
    text: Text | None = None


class ControllerDoc(_Doc):
    """A controller as this notice identifies it. Contact details are the notice's own: another
    notice of the same council may give others."""

    id: Slug
    name: ShortText
    gss_code: (
        Annotated[str, StringConstraints(pattern=r"^[EWSN]\d{8}$"), Field(examples=["E09000007"])]
        | None
    ) = None
    register_code: (
        Annotated[str, StringConstraints(pattern=r"^[A-Z]{3}$"), Field(examples=["CMD"])] | None
    ) = None
    address: Text | None = None
    website: ShortText | None = None
    phone: ShortText | None = None
    email: ShortText | None = None
    ico_registration_number: ShortText | None = None
    corporate_privacy_notice_url: ShortText | None = None
    dpo: Contact | None = None


class Organisation(_Doc):
    """A body named by the notice that is not one of its controllers (e.g. a processor)."""

    name: ShortText
    contact: Contact | None = None


class ServiceDoc(_Doc):
    model_config = ConfigDict(
        json_schema_extra={
            "description": "'sole' names one controller; 'joint' two or more.",
            "anyOf": [
                {"properties": {"controller_relationship": {"enum": ["separate", "processor"]}}},
                {"properties": {"controller_relationship": {"type": "null"}}},
                {
                    "properties": {
                        "controller_relationship": {"const": "sole"},
                        "controllers": {"maxItems": 1},
                    }
                },
                {
                    "required": ["controller_relationship", "controllers"],
                    "properties": {
                        "controller_relationship": {"const": "joint"},
                        "controllers": {"minItems": 2},
                    },
                },
            ],
        }
    )

    id: Slug
    name: ShortText
    description: Text | None = None
    sub_services: list[ShortText] = Field(default_factory=list)
    controllers: list[Slug] = Field(
        min_length=1, description="Controller ids", json_schema_extra={"uniqueItems": True}
    )
    controller_relationship: ControllerRelationship | None = Field(
        default=None,
        description="What the notice says about its controllers: 'sole' (one controller), "
        "'joint' (joint controllers, Art 26), 'separate' (each council is the controller of "
        "its own residents' information), 'processor' (a processor runs the service for the "
        "controllers). Null: the notice does not say.",
    )
    relationship_as_written: Text | None = None
    processor: Organisation | None = Field(
        default=None, description="The processor that runs the service, where the notice says"
    )
    contact: Contact | None = Field(default=None, description="The service's own contact")

    @model_validator(mode="after")
    def _consistent(self) -> ServiceDoc:
        if len(set(self.controllers)) != len(self.controllers):
            raise ValueError("controllers: each controller may be named once")
        if self.controller_relationship == "sole" and len(self.controllers) > 1:
            raise ValueError("controller_relationship 'sole' needs exactly one controller")
        if self.controller_relationship == "joint" and len(self.controllers) < 2:
            raise ValueError("controller_relationship 'joint' needs two or more controllers")
        return self


class Right(_Doc):
    right: RightKind
    text: Text | None = Field(default=None, description="The notice's own words, if any")


class Complaint(_Doc):
    """The complaint route as the notice gives it: its words, who to contact first, and the
    regulator's details. Whether it names the Information Commissioner is read from these."""

    text: Text | None = None
    contact_first: Contact | None = Field(
        default=None, description="Who the notice asks people to contact first"
    )
    ico_contact: Contact | None = None


class Section(_Doc):
    heading: ShortText
    text: Text


class NoticeMeta(_Doc):
    title: ShortText
    version: int | None = Field(default=None, ge=1, description="Set by the register")
    status: VersionStatus | None = Field(default=None, description="Set by the register")
    effective_from: IsoDate | None = Field(
        default=None,
        description="Set by the register: the date this version took (or takes) effect in the "
        "register. Not the notice's own date, which is 'last_updated'.",
    )
    change_summary: Text | None = Field(default=None, description="Set by the register")
    last_updated: IsoDate | None = Field(
        default=None,
        description="The notice's own 'last updated' date, normalised; null when "
        "the notice states none",
    )
    last_updated_as_written: ShortText | None = None
    introduction: Text | None = None
    rights: list[Right] = Field(default_factory=list)
    rights_text: Text | None = Field(
        default=None, description="General words about rights: how to exercise, limits, fees"
    )
    complaint: Complaint | None = None
    security: Text | None = None
    provision_requirement: Text | None = Field(
        default=None, description="'Do I have to provide it, and what if I don't?'"
    )
    cookies: Text | None = None
    other_sections: list[Section] = Field(default_factory=list)


class SubjectUse(_Doc):
    subject: TermSlug
    as_written: Text | None = Field(default=None, description="The notice's own wording")


class CategoryUse(_Doc):
    category: TermSlug
    examples: list[ShortText] = Field(
        default_factory=list, description="Only what the notice gives as examples of this category"
    )
    as_written: Text | None = None
    labelled_as: CategoryKind | None = Field(
        default=None,
        description="What the notice calls it, where it says (e.g. 'special category'); kept "
        "even when the law says otherwise, and flagged",
    )


class PartyLink(_Doc):
    """A source or a recipient: a party, the data concerned, and any condition as written."""

    party: TermSlug
    examples: list[ShortText] = Field(
        default_factory=list, description="The notice's own examples of this party"
    )
    data_categories: list[TermSlug] = Field(default_factory=list)
    condition: Text | None = Field(default=None, examples=["where consent has been given"])
    as_written: Text | None = None


class BasisUse(_Doc):
    basis: Slug = Field(examples=["art6-1-e", "art9-2-g", "dpa2018-sch1-para18"])
    as_written: Text | None = None
    supports: list[Slug] = Field(
        default_factory=list,
        description="For a DPA 2018 Schedule 1 condition: the Art 9(2) or Art 10 condition(s) "
        "the notice pairs it with. Only recorded pairs are shown.",
    )


class StatuteCitation(_Doc):
    cited_as: ShortText = Field(description="The citation as the notice wrote it")
    statute: TermSlug | None = Field(
        default=None, description="The instrument in the registry; null when it names none"
    )
    provisions: list[ShortText] = Field(
        default_factory=list, examples=[["section 17", "section 47", "schedule 2 part 1"]]
    )
    kind_as_cited: CitationKind = Field(
        default="law", description="Whether the notice presents it as law or as guidance"
    )


class RetentionPeriod(_Doc):
    trigger: RetentionTrigger
    duration: Duration | None = None


class RetentionRule(_Doc):
    model_config = ConfigDict(
        json_schema_extra={
            "description": "With 'alternatives', say 'whichever'; without, leave it out.",
            "anyOf": [
                {
                    "properties": {
                        "alternatives": {"maxItems": 0},
                        "whichever": {"type": "null"},
                    }
                },
                {
                    "required": ["alternatives", "whichever"],
                    "properties": {
                        "alternatives": {"minItems": 1},
                        "whichever": {"enum": ["later", "earlier"]},
                    },
                },
            ],
        }
    )

    trigger: RetentionTrigger
    duration: Duration | None = None
    applies_to: AppliesTo = "all"
    text: Text = Field(description="The retention rule as written")
    alternatives: list[RetentionPeriod] = Field(
        default_factory=list,
        description="Other periods of the same rule ('... or at the 18th birthday')",
    )
    whichever: Literal["later", "earlier"] | None = Field(
        default=None, description="With alternatives: which of the periods applies"
    )

    @model_validator(mode="after")
    def _alternatives(self) -> RetentionRule:
        if bool(self.alternatives) != bool(self.whichever):
            raise ValueError("give 'whichever' exactly when a rule has 'alternatives'")
        return self


class SharingArrangement(_Doc):
    name: ShortText
    description: Text | None = None
    parties: list[TermSlug] = Field(default_factory=list)
    pseudonymised: bool | None = None
    end_date: IsoDate | None = None
    end_date_as_written: ShortText | None = None
    agreement_url: ShortText | None = None


class Transfers(_Doc):
    occurs: Literal["no", "yes", "conditional"]
    destinations: list[ShortText] = Field(default_factory=list)
    safeguards: Text | None = None
    text: Text | None = None


class AutomatedDecisions(_Doc):
    used: bool
    text: Text | None = None


class Activity(_Doc):
    id: Annotated[str, StringConstraints(max_length=80, pattern=r"^[a-z0-9]+(?:-[a-z0-9]+)*$")] = (
        Field(description="Unique within the notice (no dots); public id is '<service_id>.<id>'")
    )
    name: ShortText
    description: Text | None = None
    business_function: ShortText | None = None
    purposes: list[Text] = Field(default_factory=list)
    data_subjects: list[SubjectUse] = Field(default_factory=list)
    data_categories: list[CategoryUse] = Field(default_factory=list)
    sources: list[PartyLink] = Field(default_factory=list)
    recipients: list[PartyLink] = Field(default_factory=list)
    lawful_bases: list[BasisUse] = Field(default_factory=list)
    statutes: list[StatuteCitation] = Field(default_factory=list)
    retention: list[RetentionRule] = Field(default_factory=list)
    systems: list[ShortText] = Field(default_factory=list)
    sharing_arrangements: list[SharingArrangement] = Field(default_factory=list)
    transfers: Transfers | None = None
    automated_decision_making: AutomatedDecisions | None = None
    consent_dependent: bool = False


class LocalTerm(_Doc):
    """A term a notice defines for itself: its slug is '<controller>:<slug>'."""

    slug: TermSlug
    name: ShortText
    description: Text | None = None
    parent: TermSlug | None = None
    kind: str | None = Field(
        default=None,
        description="Data categories: personal | special_category | criminal_offence (default: "
        "the parent's); parties: organisation | category (default organisation)",
    )


class LocalStatute(_Doc):
    slug: TermSlug
    title: ShortText
    year: int | None = Field(default=None, ge=1200, le=2100)
    kind: Literal["act", "si", "guidance", "code"] = "guidance"
    uri: ShortText | None = None
    publisher: ShortText | None = None


class LocalTerms(_Doc):
    parties: list[LocalTerm] = Field(default_factory=list)
    data_subjects: list[LocalTerm] = Field(default_factory=list)
    data_categories: list[LocalTerm] = Field(default_factory=list)
    statutes: list[LocalStatute] = Field(default_factory=list)

    def all(self) -> list[LocalTerm | LocalStatute]:
        return [*self.parties, *self.data_subjects, *self.data_categories, *self.statutes]


class NoticeDocument(_Doc):
    """A whole notice: controller(s), service, notice metadata and its processing activities."""

    schema_version: Literal[2] = SCHEMA_VERSION
    controllers: list[ControllerDoc] = Field(min_length=1)
    service: ServiceDoc
    notice: NoticeMeta
    terms: LocalTerms | None = Field(
        default=None, description="Terms this notice defines for itself (created on import)"
    )
    activities: list[Activity] = Field(default_factory=list)

    @model_validator(mode="after")
    def _consistent(self) -> NoticeDocument:
        ids = [c.id for c in self.controllers]
        if len(set(ids)) != len(ids):
            raise ValueError("controllers: each controller id may appear once")
        if sorted(ids) != sorted(self.service.controllers):
            raise ValueError(
                "service.controllers must name exactly the controllers given in 'controllers'"
            )
        activity_ids = [a.id for a in self.activities]
        duplicated = sorted({i for i in activity_ids if activity_ids.count(i) > 1})
        if duplicated:
            raise ValueError(f"activities: duplicate activity ids {duplicated}")
        for term in self.terms.all() if self.terms else []:
            owner = term.slug.split(":", 1)[0] if ":" in term.slug else None
            if owner not in ids:
                raise ValueError(
                    f"terms: '{term.slug}' must be namespaced to one of this notice's "
                    f"controllers ('<controller>:<slug>', one of {ids})"
                )
        return self

    def references(self) -> list[tuple[str, str, str]]:
        """(vocabulary, slug, JSON pointer) for every term the document uses, in order."""
        out: list[tuple[str, str, str]] = []
        for i, act in enumerate(self.activities):
            base = f"/activities/{i}"
            out += [
                ("data_subjects", s.subject, f"{base}/data_subjects/{j}/subject")
                for j, s in enumerate(act.data_subjects)
            ]
            out += [
                ("data_categories", c.category, f"{base}/data_categories/{j}/category")
                for j, c in enumerate(act.data_categories)
            ]
            for role in ("sources", "recipients"):
                for j, link in enumerate(getattr(act, role)):
                    out.append(("parties", link.party, f"{base}/{role}/{j}/party"))
                    out += [
                        ("data_categories", c, f"{base}/{role}/{j}/data_categories/{k}")
                        for k, c in enumerate(link.data_categories)
                    ]
            for j, b in enumerate(act.lawful_bases):
                out.append(("lawful_bases", b.basis, f"{base}/lawful_bases/{j}/basis"))
                out += [
                    ("lawful_bases", s, f"{base}/lawful_bases/{j}/supports/{k}")
                    for k, s in enumerate(b.supports)
                ]
            out += [
                ("statutes", st.statute, f"{base}/statutes/{j}/statute")
                for j, st in enumerate(act.statutes)
                if st.statute is not None
            ]
            for j, arr in enumerate(act.sharing_arrangements):
                out += [
                    ("parties", p, f"{base}/sharing_arrangements/{j}/parties/{k}")
                    for k, p in enumerate(arr.parties)
                ]
        return out

    def without_register_fields(self) -> NoticeDocument:
        """The document as the council wrote it: without what the register sets."""
        notice = self.notice.model_copy(
            update={"version": None, "status": None, "effective_from": None, "change_summary": None}
        )
        return self.model_copy(update={"notice": notice})


# --- older documents ----------------------------------------------------------------------


def upgrade(data: Any) -> Any:
    """A document of an earlier schema version, as the current one (other values unchanged).

    Version 1 listed data subjects as bare slugs and said in ``complaint.ico_named`` whether the
    ICO was named; version 2 keeps the subjects' own wording and reads the complaint route from
    its text and contacts.
    """
    if not isinstance(data, dict) or data.get("schema_version", 1) != 1:
        return data
    out = dict(data, schema_version=SCHEMA_VERSION)
    notice = out.get("notice")
    if isinstance(notice, dict) and isinstance(notice.get("complaint"), dict):
        complaint = dict(notice["complaint"])
        complaint.pop("ico_named", None)
        out["notice"] = dict(notice, complaint=complaint)
    activities = out.get("activities")
    if isinstance(activities, list):
        out["activities"] = [
            dict(
                a,
                data_subjects=[
                    {"subject": s} if isinstance(s, str) else s for s in a.get("data_subjects", [])
                ],
            )
            if isinstance(a, dict)
            else a
            for a in activities
        ]
    return out
