"""Response shapes of the read API that are not the notice document itself."""

from __future__ import annotations

from datetime import date, datetime

from pydantic import BaseModel, Field

from app.register.document import Activity, CategoryKind, ControllerDoc, VersionStatus
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


class Health(BaseModel):
    status: str
    database: str | None = None
