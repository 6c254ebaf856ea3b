"""Response shapes of the read API that are not the notice document itself."""

from __future__ import annotations

from datetime import date, datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from app.patterns import IsoDate
from app.register.document import (
    Activity,
    CategoryKind,
    ControllerDoc,
    ShortText,
    TermSlug,
    Text,
    VersionStatus,
)
from app.register.vocabulary import (
    DataCategoryBase,
    DataSubjectBase,
    LawfulBasisBase,
    PartyBase,
    StatuteBase,
)


class ControllerPublic(ControllerDoc):
    services: list[str] = Field(
        description="Ids of the services this controller is a controller of"
    )


class ServicePublic(BaseModel):
    id: str
    name: str
    description: str | None
    sub_services: list[str]
    controllers: list[str]
    current_version: int | None = Field(description="The notice version in effect today, if any")
    effective_from: date | None
    notice_url: str | None


class VersionSummary(BaseModel):
    version: int
    status: VersionStatus
    effective_from: date | None
    effective_to: date | None = Field(description="When the next version took (takes) effect")
    published_at: datetime | None
    author: str | None
    change_summary: str | None
    title: str


class PublishOutcome(VersionSummary):
    """The version a publication made, or (``unchanged``) the version the draft is identical
    to: then nothing was published and the draft is left open."""

    unchanged: bool = Field(
        default=False,
        description="True when the draft is identical to the version it would follow: nothing "
        "was published, and this is that version",
    )
    detail: str = Field(description="What happened, in words")


class ActivityPublic(Activity):
    """A processing activity (one ROPA row) with where it belongs."""

    id: str = Field(description="'<service_id>.<activity>'", examples=["camden-early-help.eylog"])
    service_id: str
    controllers: list[str]
    notice_version: int
    effective_from: date | None


class DataCategoryPublic(DataCategoryBase):
    kind: CategoryKind = Field(
        description="As the law sees it: the category's own kind, else its parent's"
    )


class DataSubjectPublic(DataSubjectBase):
    pass


class PartyPublic(PartyBase):
    pass


class LawfulBasisPublic(LawfulBasisBase):
    pass


class StatutePublic(StatuteBase):
    pass


# --- writing terms: XCreate (the whole term) / XUpdate (what may change) / TermRetire ---------


#: The values the register accepts, stated in the contract (the validators say the same).
CategoryKindValue = Literal["personal", "special_category", "criminal_offence"]
PartyKindValue = Literal["organisation", "category"]
StatuteKindValue = Literal["act", "si", "guidance", "code", "eu_regulation"]
StatuteStatusValue = Literal["in_force", "repealed", "revoked", "superseded", "withdrawn"]


class DataCategoryCreate(DataCategoryBase):
    """A new data category. A council's own is '<controller>:<slug>'; a shared one (admin
    key) has no namespace. `added` defaults to today."""

    kind: CategoryKindValue | None = Field(
        default=None, description="Default: the parent's (personal at the top)"
    )
    added: IsoDate | None = None
    retired: IsoDate | None = Field(
        default=None, description="From this date the term is no longer offered for new drafts"
    )


class DataSubjectCreate(DataSubjectBase):
    """A new data subject: '<controller>:<slug>' for a council's own, no namespace for a
    shared one (admin key). `added` defaults to today."""

    added: IsoDate | None = None
    retired: IsoDate | None = Field(
        default=None, description="From this date the term is no longer offered for new drafts"
    )


class PartyCreate(PartyBase):
    """A new party (a source or recipient): '<controller>:<slug>' for a council's own, no
    namespace for a shared one (admin key). `added` defaults to today."""

    kind: PartyKindValue = "organisation"
    replaced_on: IsoDate | None = None
    added: IsoDate | None = None
    retired: IsoDate | None = Field(
        default=None, description="From this date the term is no longer offered for new drafts"
    )


class StatuteCreate(StatuteBase):
    """A new entry of the legislation registry (`title` or `name`): '<controller>:<slug>' for
    a council's own (e.g. its policies), no namespace for a shared one (admin key). `added`
    defaults to today."""

    kind: StatuteKindValue
    status: StatuteStatusValue = "in_force"
    status_date: IsoDate | None = None
    added: IsoDate | None = None
    retired: IsoDate | None = Field(
        default=None, description="From this date the term is no longer offered for new drafts"
    )


class TermUpdate(BaseModel):
    """What may change in a term (only the fields sent change). The slug never changes:
    renaming changes `name`. Versions already published keep the terms they were published
    with. Retiring is `POST …/{slug}/retire`."""

    model_config = ConfigDict(extra="forbid")

    name: ShortText | None = None
    description: Text | None = None
    dpv: str | None = Field(default=None, max_length=200)
    aliases: list[ShortText] | None = None
    source: str | None = Field(default=None, max_length=1000)


class DataCategoryUpdate(TermUpdate):
    kind: CategoryKindValue | None = None
    parent: TermSlug | None = None


class DataSubjectUpdate(TermUpdate):
    parent: TermSlug | None = None


class PartyUpdate(TermUpdate):
    kind: PartyKindValue | None = None
    parent: TermSlug | None = None
    replaced_on: IsoDate | None = None


class StatuteUpdate(TermUpdate):
    year: int | None = Field(default=None, ge=1200, le=2100)
    kind: StatuteKindValue | None = None
    legislation_type: str | None = Field(default=None, max_length=20)
    number: int | None = None
    uri: str | None = Field(default=None, max_length=300)
    status: StatuteStatusValue | None = None
    status_date: IsoDate | None = None
    successor: TermSlug | None = None
    status_source: str | None = Field(default=None, max_length=1000)
    publisher: str | None = Field(default=None, max_length=500)
    work: str | None = Field(default=None, max_length=160)


class TermRetire(BaseModel):
    """Retire a term: from `retired` (default today) it is no longer offered for new drafts;
    `replaced_by` names the term to use instead. A term is never deleted."""

    model_config = ConfigDict(extra="forbid")

    retired: IsoDate | None = Field(default=None, description="Default: today")
    replaced_by: TermSlug | None = None


class Health(BaseModel):
    status: str
    database: str | None = None
