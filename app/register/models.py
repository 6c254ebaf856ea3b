"""The register's tables.

Each notice version stores its notice document whole (``document``): the record as the council
gave it, which every representation is derived from. Published versions also keep the
vocabulary terms they were published with (``terms``) and are indexed for queries across
services (``activity`` and its link tables: categories, subjects, parties, bases, statutes).
Only the register's writer (:mod:`app.register.store`) writes these.

Enumerations are stored as strings and validated in Python; the database has no native enum
types. Constraint names follow :data:`NAMING_CONVENTION`.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, Index, UniqueConstraint, text
from sqlmodel import Field, SQLModel

from app.register.document import Contact
from app.register.vocabulary import (
    DataCategoryBase,
    DataSubjectBase,
    LawfulBasisBase,
    PartyBase,
    StatuteBase,
)

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}
SQLModel.metadata.naming_convention = NAMING_CONVENTION


# --- vocabularies ----------------------------------------------------------------------------


class DataCategory(DataCategoryBase, table=True):
    __tablename__ = "data_category"
    position: int = 0


class DataSubject(DataSubjectBase, table=True):
    __tablename__ = "data_subject"
    position: int = 0


class Party(PartyBase, table=True):
    __tablename__ = "party"
    position: int = 0


class LawfulBasis(LawfulBasisBase, table=True):
    __tablename__ = "lawful_basis"
    position: int = 0


class Statute(StatuteBase, table=True):
    __tablename__ = "statute"
    position: int = 0


TERM_TABLES: dict[str, type[SQLModel]] = {
    "data_categories": DataCategory,
    "data_subjects": DataSubject,
    "parties": Party,
    "lawful_bases": LawfulBasis,
    "statutes": Statute,
}


class RegisterMeta(SQLModel, table=True):
    """Revision counters, bumped in the transaction of every change to what they count
    (``vocabulary``, ``publications``, ``register``: controllers and services). What the
    service keeps in memory is keyed by them."""

    __tablename__ = "register_meta"
    key: str = Field(primary_key=True, max_length=40)
    value: int = 0


# --- controllers and services ----------------------------------------------------------------


class ControllerBase(SQLModel):
    name: str = Field(max_length=500)
    gss_code: str | None = Field(default=None, max_length=9, unique=True)
    register_code: str | None = Field(default=None, max_length=3)
    address: str | None = None
    website: str | None = Field(default=None, max_length=500)
    phone: str | None = Field(default=None, max_length=500)
    email: str | None = Field(default=None, max_length=500)
    ico_registration_number: str | None = Field(default=None, max_length=500)
    corporate_privacy_notice_url: str | None = Field(default=None, max_length=500)
    dpo: dict[str, Any] | None = Field(default=None, sa_type=JSON)


class Controller(ControllerBase, table=True):
    """A council as the register knows it: the default for its new notices' controller block."""

    __tablename__ = "controller"
    id: str = Field(primary_key=True, max_length=120)

    def dpo_contact(self) -> Contact | None:
        return Contact.model_validate(self.dpo) if self.dpo else None


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


# --- notice versions -------------------------------------------------------------------------


class NoticeVersion(SQLModel, table=True):
    """A version of a service's notice: a draft, or published (immutable).

    A published version is in effect from ``effective_from`` until ``effective_to`` (the next
    version's ``effective_from``; null while none follows), both maintained by the writer;
    ``effective_from == effective_to`` means it never took effect.
    """

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
        Index("ix_notice_version_in_effect", "effective_from", "effective_to"),
    )

    id: int | None = Field(default=None, primary_key=True)
    service_id: str = Field(foreign_key="service.id", index=True, ondelete="CASCADE")
    version: int
    status: str = Field(max_length=20, description="draft | published")
    effective_from: date | None = None
    effective_to: date | None = None
    change_summary: str | None = None
    created_at: datetime
    published_at: datetime | None = None
    author: str | None = Field(default=None, max_length=200)
    revision: int = Field(
        default=0, description="Bumped by every change to a draft (optimistic lock)"
    )
    document: dict[str, Any] = Field(sa_type=JSON, description="The notice document")
    terms: dict[str, Any] | None = Field(
        default=None, sa_type=JSON, description="The vocabulary terms it was published with"
    )


class NoticeVersionController(SQLModel, table=True):
    """The controllers of a published version, as its document names them."""

    __tablename__ = "notice_version_controller"
    notice_version_id: int = Field(
        foreign_key="notice_version.id", primary_key=True, ondelete="CASCADE"
    )
    position: int = Field(primary_key=True)
    controller_id: str = Field(foreign_key="controller.id", index=True, max_length=120)


# --- the index of published activities -------------------------------------------------------


class ActivityRow(SQLModel, table=True):
    __tablename__ = "activity"
    __table_args__ = (UniqueConstraint("notice_version_id", "slug"),)

    id: int | None = Field(default=None, primary_key=True)
    notice_version_id: int = Field(foreign_key="notice_version.id", index=True, ondelete="CASCADE")
    slug: str = Field(max_length=120)
    position: int = 0


class ActivityDataSubject(SQLModel, table=True):
    __tablename__ = "activity_data_subject"
    activity_id: int = Field(foreign_key="activity.id", primary_key=True, ondelete="CASCADE")
    position: int = Field(primary_key=True)
    subject: str = Field(foreign_key="data_subject.slug", index=True, max_length=160)


class ActivityDataCategory(SQLModel, table=True):
    __tablename__ = "activity_data_category"
    activity_id: int = Field(foreign_key="activity.id", primary_key=True, ondelete="CASCADE")
    position: int = Field(primary_key=True)
    category: str = Field(foreign_key="data_category.slug", index=True, max_length=160)


class PartyLinkRow(SQLModel, table=True):
    """A source or recipient of an activity; ``role`` is ``source`` or ``recipient``."""

    __tablename__ = "party_link"
    activity_id: int = Field(foreign_key="activity.id", primary_key=True, ondelete="CASCADE")
    role: str = Field(primary_key=True, max_length=20)
    position: int = Field(primary_key=True)
    party: str = Field(foreign_key="party.slug", index=True, max_length=160)


class ActivityBasis(SQLModel, table=True):
    __tablename__ = "activity_basis"
    activity_id: int = Field(foreign_key="activity.id", primary_key=True, ondelete="CASCADE")
    position: int = Field(primary_key=True)
    basis: str = Field(foreign_key="lawful_basis.slug", index=True, max_length=160)


class StatuteCitationRow(SQLModel, table=True):
    __tablename__ = "statute_citation"
    activity_id: int = Field(foreign_key="activity.id", primary_key=True, ondelete="CASCADE")
    position: int = Field(primary_key=True)
    statute: str = Field(foreign_key="statute.slug", index=True, max_length=160)
