"""Shared vocabularies: the terms a notice document refers to by slug.

Data categories and parties are hierarchical (``parent``). Lawful bases and statutes are
closed registries: the lawful bases are the UK GDPR / DPA 2018 enumerations, the statutes are
the real Acts and instruments the register knows (``legislation.gov.uk`` URIs).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from pathlib import Path
from typing import Annotated, Literal, Protocol, TypeVar

import yaml
from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from app.register.document import ShortText, Slug, Text

CategoryKind = Literal["personal", "special_category", "criminal_offence"]
PartyKind = Literal["organisation", "category"]
BasisArticle = Literal["6", "9", "10", "sch1"]
StatuteKind = Literal["act", "si", "eu_regulation", "guidance"]

_Uri = Annotated[str, StringConstraints(max_length=300, pattern=r"^https?://")]


class _Term(BaseModel):
    model_config = ConfigDict(extra="forbid")


class DataCategoryTerm(_Term):
    slug: Slug
    name: ShortText
    kind: CategoryKind
    parent: Slug | None = None
    description: Text | None = None
    dpv: ShortText | None = Field(default=None, examples=["pd:HealthRecord"])


class DataSubjectTerm(_Term):
    slug: Slug
    name: ShortText
    description: Text | None = None
    dpv: ShortText | None = None


class PartyTerm(_Term):
    slug: Slug
    name: ShortText
    kind: PartyKind
    parent: Slug | None = None
    description: Text | None = None
    dpv: ShortText | None = None
    replaced_by: Slug | None = Field(
        default=None, description="For a body renamed or abolished: the party that took over"
    )
    replaced_on: date | None = None


class LawfulBasisTerm(_Term):
    slug: Slug
    code: ShortText = Field(examples=["Art 6(1)(e)"])
    article: BasisArticle
    name: ShortText
    description: Text
    dpv: ShortText | None = None
    schedule1_part: int | None = Field(default=None, ge=1, le=4)
    schedule1_paragraph: int | None = Field(default=None, ge=1, le=41)
    requires_schedule1_part: int | None = Field(
        default=None, description="Art 9(2) conditions that need a DPA 2018 Sch 1 condition"
    )
    uri: _Uri | None = None


class StatuteTerm(_Term):
    slug: Slug
    title: ShortText
    year: int = Field(ge=1800, le=2100)
    kind: StatuteKind
    legislation_type: ShortText | None = Field(default=None, examples=["ukpga", "uksi"])
    number: int | None = Field(default=None, description="Chapter (Acts) or SI number")
    uri: _Uri | None = None
    publisher: ShortText | None = Field(default=None, description="For guidance")
    aliases: list[ShortText] = Field(default_factory=list)


class Vocabulary(BaseModel):
    """All vocabularies together; what the renderer, the checks and the loader consult."""

    data_categories: list[DataCategoryTerm] = Field(default_factory=list)
    data_subjects: list[DataSubjectTerm] = Field(default_factory=list)
    parties: list[PartyTerm] = Field(default_factory=list)
    lawful_bases: list[LawfulBasisTerm] = Field(default_factory=list)
    statutes: list[StatuteTerm] = Field(default_factory=list)

    def category(self, slug: str) -> DataCategoryTerm | None:
        return next((t for t in self.data_categories if t.slug == slug), None)

    def party(self, slug: str) -> PartyTerm | None:
        return next((t for t in self.parties if t.slug == slug), None)

    def basis(self, slug: str) -> LawfulBasisTerm | None:
        return next((t for t in self.lawful_bases if t.slug == slug), None)

    def statute(self, slug: str) -> StatuteTerm | None:
        return next((t for t in self.statutes if t.slug == slug), None)

    def subject(self, slug: str) -> DataSubjectTerm | None:
        return next((t for t in self.data_subjects if t.slug == slug), None)


VOCABULARY_FILES = {
    "data_categories": "data-categories.yaml",
    "data_subjects": "data-subjects.yaml",
    "parties": "parties.yaml",
    "lawful_bases": "lawful-bases.yaml",
    "statutes": "statutes.yaml",
}


def load_vocabulary(directory: Path) -> Vocabulary:
    """Read the vocabulary files of a seed directory (``seed/vocab``)."""
    parts: dict[str, list[object]] = {}
    for field, filename in VOCABULARY_FILES.items():
        path = directory / filename
        parts[field] = (
            yaml.safe_load(path.read_text(encoding="utf-8")) or [] if path.exists() else []
        )
    return Vocabulary.model_validate(parts)


class _BasisLike(Protocol):
    @property
    def article(self) -> str: ...
    @property
    def schedule1_part(self) -> int | None: ...
    @property
    def requires_schedule1_part(self) -> int | None: ...


_B = TypeVar("_B", bound=_BasisLike)


def schedule1_shortfall(bases: Iterable[_B]) -> list[_B]:
    """The Art 9(2) conditions among ``bases`` that need a DPA 2018 Schedule 1 condition of a
    Part that none of ``bases`` supplies (s.10(2): Part 1 for (b), (h), (i), (j); s.10(3): Part 2
    for (g)). One rule for the checks, the lookup and the ROPA export."""
    listed = list(bases)
    parts = {b.schedule1_part for b in listed if b.article == "sch1"}
    return [
        b for b in listed if b.requires_schedule1_part and b.requires_schedule1_part not in parts
    ]


def criminal_condition_met(bases: Iterable[_BasisLike]) -> bool:
    """Criminal offence data: Art 10 is met only by a Schedule 1 Part 1, 2 or 3 condition
    (DPA 2018 s.10(5)); naming Art 10 alone does not meet it."""
    return any(b.article == "sch1" and b.schedule1_part in (1, 2, 3) for b in bases)
