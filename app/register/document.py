"""The notice document: one schema for a whole privacy notice.

The same schema is the seed file format (``seed/*.yaml``), the body of the import and the
draft-editing endpoints, and the output of the JSON notice endpoint. Vocabulary terms (data
categories, data subjects, parties, lawful bases, statutes) are referenced by slug; their
definitions live in the vocabulary files (see :mod:`app.register.vocabulary`).

Facts are recorded *as the notice states them*. Where a notice is wrong (a misnamed Act, an
impossible phone number) the document keeps what it says; the checks report it.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Annotated, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    model_validator,
)

SCHEMA_VERSION: Literal[1] = 1

#: The shape of every identifier (services, controllers, vocabulary terms).
SLUG_PATTERN = r"^[a-z0-9]+(?:[-.][a-z0-9]+)*$"
_ISO_DURATION_RE = re.compile(r"^P(?!$)(\d+Y)?(\d+M)?(\d+W)?(\d+D)?$")


def _no_nul(value: str) -> str:
    if "\x00" in value:
        raise ValueError("must not contain NUL characters")
    return value


def _iso_duration(value: str) -> str:
    if not _ISO_DURATION_RE.match(value):
        raise ValueError("must be an ISO 8601 duration in years, months, weeks or days, e.g. P6Y")
    return value


Slug = Annotated[
    str,
    StringConstraints(min_length=1, max_length=120, pattern=SLUG_PATTERN),
    Field(description="A stable lower-case identifier: letters, digits, '-' and '.'"),
]
ShortText = Annotated[str, StringConstraints(min_length=1, max_length=500), AfterValidator(_no_nul)]
Text = Annotated[str, StringConstraints(min_length=1, max_length=20_000), AfterValidator(_no_nul)]
Duration = Annotated[
    str,
    StringConstraints(max_length=40),
    AfterValidator(_iso_duration),
    Field(description="ISO 8601 duration, e.g. P6Y", examples=["P6Y"]),
]

VersionStatus = Literal["draft", "published", "superseded"]
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
CitationKind = Literal["law", "guidance"]


class _Doc(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=False)


class Contact(_Doc):
    """Contact details as the notice gives them. Values are kept as written."""

    name: ShortText | None = None
    role: ShortText | None = None
    email: ShortText | None = None
    phone: ShortText | None = None
    address: Text | None = None
    url: ShortText | None = None


class ControllerDoc(_Doc):
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
    ico_registration_number: ShortText | None = None
    corporate_privacy_notice_url: ShortText | None = None
    dpo: Contact | None = None


class ServiceDoc(_Doc):
    id: Slug
    name: ShortText
    description: Text | None = None
    sub_services: list[ShortText] = Field(default_factory=list)
    controllers: list[Slug] = Field(min_length=1, description="Controller ids; several = joint")

    @model_validator(mode="after")
    def _distinct_controllers(self) -> ServiceDoc:
        if len(set(self.controllers)) != len(self.controllers):
            raise ValueError("controllers: each controller may be named once")
        return self


class Right(_Doc):
    right: RightKind
    text: Text | None = Field(default=None, description="The notice's own words, if any")


class Complaint(_Doc):
    """The right to complain to the Information Commissioner, and any first contact."""

    ico_named: bool = Field(description="Does the notice name the ICO as the place to complain?")
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
    version: int | None = Field(default=None, ge=1, description="Set by the register on export")
    status: VersionStatus | None = Field(default=None, description="Set by the register on export")
    effective_from: date | None = None
    change_summary: Text | None = None
    last_updated: date | None = Field(
        default=None, description="The notice's own 'last updated' date, normalised"
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


class CategoryUse(_Doc):
    category: Slug
    examples: list[ShortText] = Field(default_factory=list)
    as_written: Text | None = None


class PartyLink(_Doc):
    """A source or a recipient: a party, the data concerned, and any condition as written."""

    party: Slug
    examples: list[ShortText] = Field(
        default_factory=list, description="The notice's own examples of this party"
    )
    data_categories: list[Slug] = Field(default_factory=list)
    condition: Text | None = Field(default=None, examples=["where consent has been given"])
    as_written: Text | None = None


class BasisUse(_Doc):
    basis: Slug = Field(examples=["art6-1-e", "art9-2-g", "dpa2018-sch1-para18"])
    as_written: Text | None = None


class StatuteCitation(_Doc):
    cited_as: ShortText = Field(description="The citation exactly as the notice wrote it")
    statute: Slug | None = Field(
        default=None, description="The instrument in the registry; null when it names none"
    )
    provisions: list[ShortText] = Field(
        default_factory=list, examples=[["section 17", "section 47", "schedule 2 part 1"]]
    )
    kind_as_cited: CitationKind = Field(
        default="law", description="Whether the notice presents it as law or as guidance"
    )


class RetentionRule(_Doc):
    trigger: RetentionTrigger
    duration: Duration | None = None
    applies_to: AppliesTo = "all"
    text: Text = Field(description="The retention rule as written")


class SharingArrangement(_Doc):
    name: ShortText
    description: Text | None = None
    parties: list[Slug] = Field(default_factory=list)
    pseudonymised: bool | None = None
    end_date: date | None = None
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
    data_subjects: list[Slug] = Field(default_factory=list)
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


class NoticeDocument(_Doc):
    """A whole notice: controller(s), service, notice metadata and its processing activities."""

    schema_version: Literal[1] = SCHEMA_VERSION
    controllers: list[ControllerDoc] = Field(min_length=1)
    service: ServiceDoc
    notice: NoticeMeta
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
        return self
