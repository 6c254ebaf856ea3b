"""Response shapes of the lawful-basis lookup (the sharing question a case system asks)."""

from __future__ import annotations

from datetime import date

from pydantic import BaseModel, Field


class RecipientRef(BaseModel):
    slug: str
    name: str
    kind: str = Field(description="organisation | category")
    parents: list[str] = Field(
        description="The party's parent chain, nearest first; activities listing any of these "
        "as a recipient match too"
    )
    replaced_by: str | None = Field(
        default=None, description="For a renamed or abolished body: the party that took over"
    )
    replaced_on: date | None = None


class BasisRef(BaseModel):
    slug: str = Field(examples=["art6-1-e"])
    code: str = Field(examples=["Art 6(1)(e)"])
    name: str = Field(examples=["Public task"])
    uri: str | None = None
    as_written: str | None = Field(default=None, description="The notice's own words, if any")


class LawfulBases(BaseModel):
    """An activity's lawful bases, split by the provision they come from."""

    art6: list[BasisRef] = Field(description="UK GDPR Art 6(1) bases")
    art9: list[BasisRef] = Field(description="UK GDPR Art 9(2) conditions (special category data)")
    art10: list[BasisRef] = Field(description="UK GDPR Art 10 (criminal offence data)")
    schedule1: list[BasisRef] = Field(description="DPA 2018 Schedule 1 conditions")


class ProvisionRef(BaseModel):
    text: str = Field(examples=["section 17"])
    uri: str | None = Field(
        default=None, description="legislation.gov.uk address, when the provision can be read"
    )


class StatuteRef(BaseModel):
    cited_as: str = Field(description="The citation exactly as the notice wrote it")
    statute: str | None = Field(description="The instrument in the registry; null if unresolved")
    title: str | None = None
    uri: str | None = None
    kind_as_cited: str = Field(description="law | guidance: how the notice presents it")
    provisions: list[ProvisionRef]


class RecipientLinkRef(BaseModel):
    """How the activity names the recipient: the party, the data concerned and any condition."""

    party: str
    name: str
    condition: str | None = Field(
        default=None, description="The condition as written, e.g. 'where consent has been given'"
    )
    as_written: str | None = None
    data_categories: list[str] = Field(
        description="Categories this recipient receives, when the notice says; empty = all of "
        "the activity's categories"
    )


class RetentionRef(BaseModel):
    trigger: str
    duration: str | None = Field(default=None, description="ISO 8601 duration")
    applies_to: str
    text: str


class MatchedActivity(BaseModel):
    id: str = Field(examples=["camden-early-help.eylog"])
    service_id: str
    name: str
    purposes: list[str]
    notice_version: int = Field(description="The notice version this answer comes from")
    effective_from: date | None
    notice_url: str
    covers: list[str] = Field(description="The requested data categories this activity covers")
    recipient_links: list[RecipientLinkRef] = Field(
        description="The activity's recipients that match the requested recipient"
    )
    conditions: list[str] = Field(
        description="The conditions attached to the recipient, as written"
    )
    consent_dependent: bool
    lawful_bases: LawfulBases
    statutes: list[StatuteRef]
    retention: list[RetentionRef]


class CategoryCoverage(BaseModel):
    data_category: str
    name: str
    kind: str = Field(description="personal | special_category | criminal_offence")
    documented: bool
    activities: list[str] = Field(description="Ids of the activities that cover it")
    narrower_documented: list[str] = Field(
        description="When not documented: narrower categories that are documented for this "
        "recipient (sharing the whole category is not)"
    )


class LookupWarning(BaseModel):
    code: str = Field(
        examples=[
            "special-category-without-art9-condition",
            "art9-condition-without-schedule1-condition",
            "criminal-offence-without-condition",
            "sharing-arrangement-ended",
            "recipient-replaced",
            "not-covered",
        ]
    )
    detail: str
    activity: str | None = None
    data_category: str | None = None


class ServiceAnswer(BaseModel):
    service_id: str
    notice_version: int
    effective_from: date | None
    documented: bool
    not_covered: list[str]


class LawfulBasisAnswer(BaseModel):
    """What the register documents about disclosing these data categories to this recipient."""

    statement: str = Field(
        description="What this answer is: a report of the register, not a legal judgement"
    )
    at: date
    service_id: str | None = Field(description="The service asked about (service lookup)")
    controller: str | None = Field(description="The controller asked about (controller lookup)")
    recipient: RecipientRef
    data_categories: list[str] = Field(description="The data categories asked about")
    purpose: str | None = None
    documented: bool = Field(
        description="True only if every requested data category is covered by at least one "
        "matching activity"
    )
    not_covered: list[str]
    coverage: list[CategoryCoverage]
    activities: list[MatchedActivity]
    warnings: list[LookupWarning]
    services: list[ServiceAnswer] = Field(
        description="Each service consulted, with the notice version in effect on `at`"
    )
