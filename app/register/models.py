"""The register's tables: the notice document, normalised so it can be queried across services.

Enumerations are stored as strings and validated in Python (the document schema); the database
has no native enum types. Ordering within a notice is kept in ``position`` columns so that a
document exported from these rows equals the document imported.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, Index, UniqueConstraint, text
from sqlmodel import Field, SQLModel

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}
SQLModel.metadata.naming_convention = NAMING_CONVENTION


# --- vocabularies ----------------------------------------------------------------------------


class DataCategoryBase(SQLModel):
    slug: str = Field(primary_key=True, max_length=120)
    name: str = Field(max_length=500)
    kind: str = Field(max_length=40, description="personal | special_category | criminal_offence")
    parent: str | None = Field(default=None, foreign_key="data_category.slug", max_length=120)
    description: str | None = None
    dpv: str | None = Field(default=None, max_length=200)


class DataCategory(DataCategoryBase, table=True):
    __tablename__ = "data_category"
    position: int = 0


class DataCategoryPublic(DataCategoryBase):
    pass


class DataSubjectBase(SQLModel):
    slug: str = Field(primary_key=True, max_length=120)
    name: str = Field(max_length=500)
    description: str | None = None
    dpv: str | None = Field(default=None, max_length=200)


class DataSubject(DataSubjectBase, table=True):
    __tablename__ = "data_subject"
    position: int = 0


class DataSubjectPublic(DataSubjectBase):
    pass


class PartyBase(SQLModel):
    slug: str = Field(primary_key=True, max_length=120)
    name: str = Field(max_length=500)
    kind: str = Field(max_length=40, description="organisation | category")
    parent: str | None = Field(default=None, foreign_key="party.slug", max_length=120)
    description: str | None = None
    dpv: str | None = Field(default=None, max_length=200)
    replaced_by: str | None = Field(default=None, foreign_key="party.slug", max_length=120)
    replaced_on: date | None = None


class Party(PartyBase, table=True):
    __tablename__ = "party"
    position: int = 0


class PartyPublic(PartyBase):
    pass


class LawfulBasisBase(SQLModel):
    slug: str = Field(primary_key=True, max_length=120)
    code: str = Field(max_length=100)
    article: str = Field(max_length=10, description="6 | 9 | 10 | sch1")
    name: str = Field(max_length=500)
    description: str
    dpv: str | None = Field(default=None, max_length=200)
    schedule1_part: int | None = None
    schedule1_paragraph: int | None = None
    requires_schedule1_part: int | None = None
    uri: str | None = Field(default=None, max_length=300)


class LawfulBasis(LawfulBasisBase, table=True):
    __tablename__ = "lawful_basis"
    position: int = 0


class LawfulBasisPublic(LawfulBasisBase):
    pass


class StatuteBase(SQLModel):
    slug: str = Field(primary_key=True, max_length=120)
    title: str = Field(max_length=500)
    year: int
    kind: str = Field(max_length=40, description="act | si | eu_regulation | guidance")
    legislation_type: str | None = Field(default=None, max_length=20)
    number: int | None = None
    uri: str | None = Field(default=None, max_length=300)
    publisher: str | None = Field(default=None, max_length=500)
    aliases: list[str] = Field(default_factory=list, sa_type=JSON)


class Statute(StatuteBase, table=True):
    __tablename__ = "statute"
    position: int = 0


class StatutePublic(StatuteBase):
    pass


# --- controllers and services ----------------------------------------------------------------


class ControllerBase(SQLModel):
    name: str = Field(max_length=500)
    gss_code: str | None = Field(default=None, max_length=9, unique=True)
    register_code: str | None = Field(default=None, max_length=3)
    address: str | None = None
    website: str | None = Field(default=None, max_length=500)
    phone: str | None = Field(default=None, max_length=500)
    ico_registration_number: str | None = Field(default=None, max_length=500)
    corporate_privacy_notice_url: str | None = Field(default=None, max_length=500)
    dpo_name: str | None = Field(default=None, max_length=500)
    dpo_role: str | None = Field(default=None, max_length=500)
    dpo_email: str | None = Field(default=None, max_length=500)
    dpo_phone: str | None = Field(default=None, max_length=500)
    dpo_address: str | None = None
    dpo_url: str | None = Field(default=None, max_length=500)


class Controller(ControllerBase, table=True):
    __tablename__ = "controller"
    id: str = Field(primary_key=True, max_length=120)


class ServiceBase(SQLModel):
    name: str = Field(max_length=500)
    description: str | None = None
    sub_services: list[str] = Field(default_factory=list, sa_type=JSON)


class Service(ServiceBase, table=True):
    __tablename__ = "service"
    id: str = Field(primary_key=True, max_length=120)


class ServiceController(SQLModel, table=True):
    __tablename__ = "service_controller"
    service_id: str = Field(foreign_key="service.id", primary_key=True, ondelete="CASCADE")
    controller_id: str = Field(foreign_key="controller.id", primary_key=True, index=True)
    position: int = 0


# --- notices and their versions --------------------------------------------------------------


class NoticeVersion(SQLModel, table=True):
    __tablename__ = "notice_version"
    __table_args__ = (
        UniqueConstraint("service_id", "version"),
        # at most one open draft per service, whatever the timing of concurrent requests
        Index(
            "uq_notice_version_one_draft",
            "service_id",
            unique=True,
            sqlite_where=text("status = 'draft'"),
            postgresql_where=text("status = 'draft'"),
        ),
    )

    id: int | None = Field(default=None, primary_key=True)
    service_id: str = Field(foreign_key="service.id", index=True, ondelete="CASCADE")
    version: int
    status: str = Field(max_length=20, description="draft | published | superseded")
    effective_from: date | None = Field(default=None, index=True)
    change_summary: str | None = None
    created_at: datetime
    published_at: datetime | None = None
    author: str | None = Field(default=None, max_length=200)
    revision: int = Field(
        default=0, description="Bumped by every change to a draft (optimistic lock)"
    )
    title: str = Field(max_length=500)
    last_updated: date | None = None
    last_updated_as_written: str | None = Field(default=None, max_length=500)
    introduction: str | None = None
    rights_text: str | None = None
    security: str | None = None
    provision_requirement: str | None = None
    cookies: str | None = None
    complaint: dict[str, Any] | None = Field(default=None, sa_type=JSON)
    other_sections: list[dict[str, Any]] = Field(default_factory=list, sa_type=JSON)
    #: The controller and service blocks as they were when the version was published, so a
    #: published version (and "the notice on date D") never changes when a controller does.
    #: Null for drafts, which show the register's current blocks.
    published_blocks: dict[str, Any] | None = Field(default=None, sa_type=JSON)


class NoticeRight(SQLModel, table=True):
    __tablename__ = "notice_right"
    notice_version_id: int = Field(
        foreign_key="notice_version.id", primary_key=True, ondelete="CASCADE"
    )
    position: int = Field(primary_key=True)
    right: str = Field(max_length=40, index=True)
    text: str | None = None


class ActivityRow(SQLModel, table=True):
    __tablename__ = "activity"
    __table_args__ = (UniqueConstraint("notice_version_id", "slug"),)

    id: int | None = Field(default=None, primary_key=True)
    notice_version_id: int = Field(foreign_key="notice_version.id", index=True, ondelete="CASCADE")
    slug: str = Field(max_length=120)
    position: int = 0
    name: str = Field(max_length=500)
    description: str | None = None
    business_function: str | None = Field(default=None, max_length=500)
    consent_dependent: bool = False
    transfers: dict[str, Any] | None = Field(default=None, sa_type=JSON)
    adm_used: bool | None = None
    adm_text: str | None = None


class ActivityPurpose(SQLModel, table=True):
    __tablename__ = "activity_purpose"
    activity_id: int = Field(foreign_key="activity.id", primary_key=True, ondelete="CASCADE")
    position: int = Field(primary_key=True)
    text: str


class ActivityDataSubject(SQLModel, table=True):
    __tablename__ = "activity_data_subject"
    activity_id: int = Field(foreign_key="activity.id", primary_key=True, ondelete="CASCADE")
    position: int = Field(primary_key=True)
    subject: str = Field(foreign_key="data_subject.slug", index=True, max_length=120)


class ActivityDataCategory(SQLModel, table=True):
    __tablename__ = "activity_data_category"
    activity_id: int = Field(foreign_key="activity.id", primary_key=True, ondelete="CASCADE")
    position: int = Field(primary_key=True)
    category: str = Field(foreign_key="data_category.slug", index=True, max_length=120)
    examples: list[str] = Field(default_factory=list, sa_type=JSON)
    as_written: str | None = None


class PartyLinkRow(SQLModel, table=True):
    """A source or recipient of an activity; ``role`` is ``source`` or ``recipient``."""

    __tablename__ = "party_link"
    id: int | None = Field(default=None, primary_key=True)
    activity_id: int = Field(foreign_key="activity.id", index=True, ondelete="CASCADE")
    role: str = Field(max_length=20)
    position: int = 0
    party: str = Field(foreign_key="party.slug", index=True, max_length=120)
    examples: list[str] = Field(default_factory=list, sa_type=JSON)
    condition: str | None = None
    as_written: str | None = None


class PartyLinkCategory(SQLModel, table=True):
    __tablename__ = "party_link_category"
    party_link_id: int = Field(foreign_key="party_link.id", primary_key=True, ondelete="CASCADE")
    position: int = Field(primary_key=True)
    category: str = Field(foreign_key="data_category.slug", index=True, max_length=120)


class ActivityBasis(SQLModel, table=True):
    __tablename__ = "activity_basis"
    activity_id: int = Field(foreign_key="activity.id", primary_key=True, ondelete="CASCADE")
    position: int = Field(primary_key=True)
    basis: str = Field(foreign_key="lawful_basis.slug", index=True, max_length=120)
    as_written: str | None = None


class StatuteCitationRow(SQLModel, table=True):
    __tablename__ = "statute_citation"
    activity_id: int = Field(foreign_key="activity.id", primary_key=True, ondelete="CASCADE")
    position: int = Field(primary_key=True)
    cited_as: str = Field(max_length=500)
    statute: str | None = Field(
        default=None, foreign_key="statute.slug", index=True, max_length=120
    )
    provisions: list[str] = Field(default_factory=list, sa_type=JSON)
    kind_as_cited: str = Field(default="law", max_length=20)


class RetentionRuleRow(SQLModel, table=True):
    __tablename__ = "retention_rule"
    activity_id: int = Field(foreign_key="activity.id", primary_key=True, ondelete="CASCADE")
    position: int = Field(primary_key=True)
    trigger: str = Field(max_length=40)
    duration: str | None = Field(default=None, max_length=40)
    applies_to: str = Field(default="all", max_length=20)
    text: str


class ActivitySystem(SQLModel, table=True):
    __tablename__ = "activity_system"
    activity_id: int = Field(foreign_key="activity.id", primary_key=True, ondelete="CASCADE")
    position: int = Field(primary_key=True)
    name: str = Field(max_length=500, index=True)


class SharingArrangementRow(SQLModel, table=True):
    __tablename__ = "sharing_arrangement"
    id: int | None = Field(default=None, primary_key=True)
    activity_id: int = Field(foreign_key="activity.id", index=True, ondelete="CASCADE")
    position: int = 0
    name: str = Field(max_length=500)
    description: str | None = None
    pseudonymised: bool | None = None
    end_date: date | None = None
    end_date_as_written: str | None = Field(default=None, max_length=500)
    agreement_url: str | None = Field(default=None, max_length=500)


class SharingArrangementParty(SQLModel, table=True):
    __tablename__ = "sharing_arrangement_party"
    arrangement_id: int = Field(
        foreign_key="sharing_arrangement.id", primary_key=True, ondelete="CASCADE"
    )
    position: int = Field(primary_key=True)
    party: str = Field(foreign_key="party.slug", index=True, max_length=120)
