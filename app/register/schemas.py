"""Response shapes of the read API that are not the notice document itself."""

from __future__ import annotations

from datetime import date, datetime

from pydantic import BaseModel, Field

from app.register.document import Activity, ControllerDoc


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
    status: str
    effective_from: date | None
    published_at: datetime | None
    author: str | None
    change_summary: str | None
    title: str


class ActivityPublic(Activity):
    """A processing activity (one ROPA row) with where it belongs."""

    id: str = Field(description="'<service_id>.<activity>'", examples=["camden-early-help.eylog"])
    service_id: str
    controllers: list[str]
    notice_version: int
    effective_from: date | None


class Health(BaseModel):
    status: str
    database: str | None = None
