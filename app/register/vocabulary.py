"""The vocabularies: every term a notice document refers to by slug, in one in-memory object.

Terms are data: the shipped ones come from ``seed/vocab/*.yaml``, councils add their own through
the API, the CLI or a document's ``terms`` block (namespaced ``<controller>:<slug>``). Data
categories, data subjects and parties are hierarchical (``parent``); a data category without a
kind of its own takes its parent's (a child of a special category is special). Lawful bases are
the UK GDPR / DPA 2018 enumerations. Statutes are the legislation registry: Acts, statutory
instruments, guidance and codes with their status in time (repealed, revoked, superseded by a
successor).

Terms are never deleted: they are ``retired`` (no longer offered for new drafts) and may name
the term that ``replaced_by`` them, so every published version can still be shown as published.

:class:`Vocabulary` is built once per vocabulary change and shared by the API, the renderer,
the checks, the lookup and the export. It is pure: no database, no HTTP, no settings. The
term models are the ``XBase`` classes the tables (:mod:`app.register.models`) extend.
"""

from __future__ import annotations

import hashlib
import json
import re
import threading
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from difflib import get_close_matches
from pathlib import Path
from typing import Any, Literal, TypeVar

import yaml
from pydantic import ConfigDict, ValidationError, field_validator, model_validator
from sqlalchemy import JSON
from sqlmodel import Field, SQLModel

from app.patterns import TERM_PATTERN
from app.register.document import (
    CategoryKind,
    LocalStatute,
    LocalTerm,
    NoticeDocument,
    clean_name,
    clean_text,
)

CATEGORY_KINDS = ("personal", "special_category", "criminal_offence")
PARTY_KINDS = ("organisation", "category")
BASIS_ARTICLES = ("6", "9", "10", "sch1")
STATUTE_KINDS = ("act", "si", "guidance", "code", "eu_regulation")
STATUTE_STATUSES = ("in_force", "repealed", "revoked", "superseded", "withdrawn")
LEGISLATION = "https://www.legislation.gov.uk"
#: legislation.gov.uk's types of primary and secondary legislation, as in its URIs.
LEGISLATION_TYPES = frozenset(
    {"ukpga", "uksi", "asp", "ssi", "nia", "nisr", "anaw", "asc", "mwa", "wsi", "ukla", "eur"}
)
_YEAR = re.compile(r"\s+\d{4}$")
VOCABULARIES = ("data_categories", "data_subjects", "parties", "lawful_bases", "statutes")
Vocab = Literal["data_categories", "data_subjects", "parties", "lawful_bases", "statutes"]


def _text(value: str | None) -> str | None:
    return clean_text(value) if value is not None else None


class TermBase(SQLModel):
    """What every term has: its slug, its name, and its life in the vocabulary."""

    model_config = ConfigDict(extra="forbid")  # type: ignore[assignment]

    slug: str = Field(
        primary_key=True, max_length=160, schema_extra={"pattern": TERM_PATTERN}
    )  # (SQLModel's ``regex=`` is not enforced under pydantic 2)
    name: str = Field(max_length=500, min_length=1)
    description: str | None = Field(default=None, max_length=5000)
    dpv: str | None = Field(default=None, max_length=200, description="A W3C DPV 2.3 term")
    aliases: list[str] = Field(
        default_factory=list, sa_type=JSON, description="Other official names or abbreviations"
    )
    controller: str | None = Field(
        default=None,
        max_length=120,
        description="The controller whose own term this is (slug '<controller>:…'); null for "
        "shipped terms",
    )
    added: date | None = None
    retired: date | None = Field(
        default=None, description="From this date the term is not offered for new drafts"
    )
    replaced_by: str | None = Field(default=None, max_length=160)
    source: str | None = Field(default=None, max_length=1000, description="Where a fact came from")

    @field_validator("name", "source")
    @classmethod
    def _clean_name(cls, value: str | None) -> str | None:
        return clean_name(value) if value is not None else None

    @field_validator("description")
    @classmethod
    def _clean(cls, value: str | None) -> str | None:
        return _text(value)

    def is_retired(self, on: date) -> bool:
        return self.retired is not None and self.retired <= on


def _one_of(value: str | None, allowed: tuple[str, ...]) -> str | None:
    if value is not None and value not in allowed:
        raise ValueError(f"must be one of {', '.join(allowed)}")
    return value


class DataCategoryBase(TermBase):
    kind: str | None = Field(
        default=None,
        max_length=40,
        description="personal | special_category | criminal_offence; null: the parent's",
    )
    parent: str | None = Field(default=None, max_length=160)

    @field_validator("kind")
    @classmethod
    def _kind(cls, value: str | None) -> str | None:
        return _one_of(value, CATEGORY_KINDS)


class DataSubjectBase(TermBase):
    parent: str | None = Field(default=None, max_length=160)


class PartyBase(TermBase):
    kind: str = Field(default="organisation", max_length=40, description="organisation | category")
    parent: str | None = Field(default=None, max_length=160)
    replaced_on: date | None = Field(
        default=None, description="With replaced_by: when the body was renamed or abolished"
    )

    @field_validator("kind")
    @classmethod
    def _kind(cls, value: str) -> str:
        return _one_of(value, PARTY_KINDS) or value


class LawfulBasisBase(TermBase):
    code: str = Field(max_length=100)
    article: str = Field(max_length=10, description="6 | 9 | 10 | sch1")
    plain: str | None = Field(
        default=None, max_length=1000, description="What the condition means, in plain English"
    )
    schedule1_part: int | None = Field(default=None, ge=1, le=4)
    schedule1_paragraph: int | None = Field(default=None, ge=1, le=41)
    requires_schedule1_part: int | None = Field(
        default=None, description="Art 9(2) conditions that need a DPA 2018 Sch 1 condition"
    )
    pairs_with: list[str] = Field(
        default_factory=list,
        sa_type=JSON,
        description="For a Schedule 1 condition: the Art 9(2) / Art 10 conditions it can support",
    )
    uri: str | None = Field(default=None, max_length=300)

    @field_validator("article")
    @classmethod
    def _article(cls, value: str) -> str:
        return _one_of(value, BASIS_ARTICLES) or value


class StatuteBase(TermBase):
    """An entry of the legislation registry. ``name`` is its title."""

    year: int | None = Field(default=None, ge=1200, le=2100)
    kind: str = Field(max_length=40, description="act | si | guidance | code | eu_regulation")
    legislation_type: str | None = Field(default=None, max_length=20)
    number: int | None = Field(default=None, description="Chapter (Acts) or SI number")
    uri: str | None = Field(default=None, max_length=300)
    status: str = Field(
        default="in_force",
        max_length=20,
        description="in_force | repealed | revoked | superseded | withdrawn",
    )
    status_date: date | None = None
    successor: str | None = Field(default=None, max_length=160)
    status_source: str | None = Field(default=None, max_length=1000)
    publisher: str | None = Field(default=None, max_length=500)
    work: str | None = Field(default=None, max_length=160, description="Editions of one document")
    every_act_of_title: bool = Field(
        default=False,
        description="The registry holds every Act with this title (whatever the year), so it "
        "may say that a year it does not hold has no such Act",
    )

    @field_validator("kind")
    @classmethod
    def _kind(cls, value: str) -> str:
        return _one_of(value, STATUTE_KINDS) or value

    @field_validator("status")
    @classmethod
    def _status(cls, value: str) -> str:
        return _one_of(value, STATUTE_STATUSES) or value

    @model_validator(mode="before")
    @classmethod
    def _title(cls, data: Any) -> Any:
        """Registry files call the name ``title``, as legislation.gov.uk does."""
        if isinstance(data, dict) and "title" in data and "name" not in data:
            data = dict(data)
            data["name"] = data.pop("title")
        return data

    @property
    def title(self) -> str:
        return self.name


TERM_CLASSES: dict[str, type[TermBase]] = {
    "data_categories": DataCategoryBase,
    "data_subjects": DataSubjectBase,
    "parties": PartyBase,
    "lawful_bases": LawfulBasisBase,
    "statutes": StatuteBase,
}
HIERARCHICAL = ("data_categories", "data_subjects", "parties")
T = TypeVar("T", bound=TermBase)
R = TypeVar("R")


def _chains(terms: Mapping[str, Any]) -> dict[str, tuple[str, ...]]:
    """Each slug with its ancestors, nearest first (a cycle is cut)."""
    out: dict[str, tuple[str, ...]] = {}
    for slug in terms:
        chain: list[str] = []
        current: str | None = slug
        while current is not None and current not in chain and current in terms:
            chain.append(current)
            current = terms[current].parent
        out[slug] = tuple(chain)
    return out


class Vocabulary:
    """All vocabularies, with their hierarchies worked out once."""

    def __init__(
        self,
        *,
        data_categories: Iterable[DataCategoryBase] = (),
        data_subjects: Iterable[DataSubjectBase] = (),
        parties: Iterable[PartyBase] = (),
        lawful_bases: Iterable[LawfulBasisBase] = (),
        statutes: Iterable[StatuteBase] = (),
    ) -> None:
        self.categories: dict[str, DataCategoryBase] = {t.slug: t for t in data_categories}
        self.subjects: dict[str, DataSubjectBase] = {t.slug: t for t in data_subjects}
        self.parties: dict[str, PartyBase] = {t.slug: t for t in parties}
        self.bases: dict[str, LawfulBasisBase] = {t.slug: t for t in lawful_bases}
        self.statutes: dict[str, StatuteBase] = {t.slug: t for t in statutes}
        self._ancestors = {
            "data_categories": _chains(self.categories),
            "data_subjects": _chains(self.subjects),
            "parties": _chains(self.parties),
        }
        children: dict[str, dict[str, list[str]]] = {name: {} for name in HIERARCHICAL}
        for name in HIERARCHICAL:
            for slug, term in self.terms(name).items():
                if term.parent is not None:
                    children[name].setdefault(term.parent, []).append(slug)
        self._children = children
        self._kinds: dict[str, CategoryKind] = {}
        for slug, chain in self._ancestors["data_categories"].items():
            kinds = [self.categories[s].kind for s in chain]
            kind = next((k for k in kinds if k and k != "personal"), "personal")
            self._kinds[slug] = kind  # type: ignore[assignment]
        self._memo: dict[str, Any] = {}
        self._lock = threading.Lock()

    # -- access ------------------------------------------------------------------------------

    def terms(self, vocab: str) -> Mapping[str, Any]:
        found: dict[str, Mapping[str, Any]] = {
            "data_categories": self.categories,
            "data_subjects": self.subjects,
            "parties": self.parties,
            "lawful_bases": self.bases,
            "statutes": self.statutes,
        }
        return found[vocab]

    def category(self, slug: str) -> DataCategoryBase | None:
        return self.categories.get(slug)

    def subject(self, slug: str) -> DataSubjectBase | None:
        return self.subjects.get(slug)

    def party(self, slug: str) -> PartyBase | None:
        return self.parties.get(slug)

    def basis(self, slug: str) -> LawfulBasisBase | None:
        return self.bases.get(slug)

    def statute(self, slug: str) -> StatuteBase | None:
        return self.statutes.get(slug)

    def name(self, vocab: str, slug: str) -> str:
        term = self.terms(vocab).get(slug)
        return term.name if term is not None else slug

    # -- hierarchy ---------------------------------------------------------------------------

    def ancestors(self, vocab: str, slug: str) -> tuple[str, ...]:
        """The term and the terms above it, nearest first."""
        return self._ancestors[vocab].get(slug, (slug,))

    def descendants(self, vocab: str, slug: str) -> frozenset[str]:
        """The term and every term below it."""
        found: set[str] = set()
        todo = [slug]
        while todo:
            current = todo.pop()
            if current not in found:
                found.add(current)
                todo.extend(self._children[vocab].get(current, ()))
        return frozenset(found)

    def category_kind(self, slug: str) -> CategoryKind:
        """The kind of data a category is, as the law sees it: special category or criminal
        offence data if it or any category above it is (the nearest such), else personal.
        A child of a special category is special whatever it says of itself."""
        return self._kinds.get(slug, "personal")

    # -- derived ----------------------------------------------------------------------------

    def memo(self, key: str, make: Callable[[], R]) -> R:
        """Something built once from these terms (e.g. a citation resolver)."""
        found = self._memo.get(key)
        if found is None:
            with self._lock:
                found = self._memo.get(key)
                if found is None:
                    found = self._memo[key] = make()
        return found

    def fingerprint(self) -> str:
        """A digest of the terms: the same terms give the same fingerprint in every process."""

        def make() -> str:
            data = self.dump()
            return hashlib.sha256(
                json.dumps(data, sort_keys=True, default=str).encode()
            ).hexdigest()

        return self.memo("fingerprint", make)

    def suggest(self, vocab: str, value: str, n: int = 5) -> list[str]:
        """The known slugs closest to ``value``: by slug, last slug segment and name."""
        names = {slug: term.name for slug, term in self.terms(vocab).items()}
        wanted = value.strip().lower()
        found = [s for s in names if s.rsplit(".", 1)[-1].rsplit(":", 1)[-1] == wanted]
        found += get_close_matches(wanted, list(names), n=n, cutoff=0.5)
        by_name = {name.lower(): slug for slug, name in names.items()}
        found += [by_name[m] for m in get_close_matches(wanted, list(by_name), n=n, cutoff=0.6)]
        return list(dict.fromkeys(found))[:n]

    # -- copies -----------------------------------------------------------------------------

    def dump(self) -> dict[str, list[dict[str, Any]]]:
        return {
            name: [
                t.model_dump(mode="json", exclude_defaults=True) for t in self.terms(name).values()
            ]
            for name in VOCABULARIES
        }

    def snapshot(self, used: Mapping[str, Iterable[str]]) -> dict[str, list[dict[str, Any]]]:
        """The terms a document uses, with everything they lean on (ancestors, successors,
        the conditions a Schedule 1 condition pairs with), as data: what a published version
        keeps, so it is always shown with the terms it was published with."""
        keep: dict[str, set[str]] = {name: set() for name in VOCABULARIES}
        todo = [(name, slug) for name, slugs in used.items() for slug in slugs]
        while todo:
            name, slug = todo.pop()
            term = self.terms(name).get(slug)
            if term is None or slug in keep[name]:
                continue
            keep[name].add(slug)
            if name in HIERARCHICAL:
                todo += [(name, s) for s in self.ancestors(name, slug)[1:]]
            if term.replaced_by:
                todo.append((name, term.replaced_by))
            if name == "statutes" and term.successor:
                todo.append((name, term.successor))
        return {
            name: [
                t.model_dump(mode="json", exclude_defaults=True)
                for slug, t in self.terms(name).items()
                if slug in keep[name]
            ]
            for name in VOCABULARIES
        }

    def merged(self, other: Vocabulary) -> Vocabulary:
        """These terms, with ``other``'s added where this has none of that slug."""
        parts = {name: {**other.terms(name), **self.terms(name)}.values() for name in VOCABULARIES}
        return Vocabulary(**parts)

    @classmethod
    def from_data(cls, data: Mapping[str, Iterable[Mapping[str, Any]]]) -> Vocabulary:
        """From plain data (vocabulary files, a version's snapshot): validated."""
        return cls(
            **{
                name: [TERM_CLASSES[name].model_validate(item) for item in data.get(name) or ()]
                for name in VOCABULARIES
            }  # type: ignore[arg-type]
        )


VOCABULARY_FILES = {
    "data_categories": "data-categories.yaml",
    "data_subjects": "data-subjects.yaml",
    "parties": "parties.yaml",
    "lawful_bases": "lawful-bases.yaml",
    "statutes": "legislation.yaml",
}


def read_vocabulary_files(directory: Path) -> dict[str, list[Any]]:
    """The vocabulary files of a seed directory (``seed/vocab``), as plain data."""
    parts: dict[str, list[Any]] = {}
    for vocab, filename in VOCABULARY_FILES.items():
        path = directory / filename
        parts[vocab] = (
            (yaml.safe_load(path.read_text(encoding="utf-8")) or []) if path.exists() else []
        )
    return parts


def vocabulary_problems(vocabulary: Vocabulary) -> list[str]:
    """What is inconsistent in a set of terms: unknown parents, successors or pairings, cycles,
    a child category of another kind than its parent."""
    problems: list[str] = []
    for name in HIERARCHICAL:
        terms = vocabulary.terms(name)
        for slug, term in terms.items():
            if term.parent is not None and term.parent not in terms:
                problems.append(f"{name}: '{slug}' has unknown parent '{term.parent}'")
            seen, current = {slug}, term.parent
            while current is not None and current in terms:
                if current in seen:
                    problems.append(f"{name}: '{slug}' is in a cycle of parents")
                    break
                seen.add(current)
                current = terms[current].parent
    for name in VOCABULARIES:
        terms = vocabulary.terms(name)
        for slug, term in terms.items():
            if term.replaced_by and term.replaced_by not in terms:
                problems.append(f"{name}: '{slug}' replaced_by unknown '{term.replaced_by}'")
            if term.controller is not None and not slug.startswith(term.controller + ":"):
                problems.append(f"{name}: '{slug}' must be namespaced '{term.controller}:…'")
            if term.controller is None and ":" in slug:
                problems.append(f"{name}: '{slug}' is namespaced but names no controller")
    for slug, category in vocabulary.categories.items():
        parent_kind = vocabulary.category_kind(category.parent) if category.parent else None
        if category.kind and parent_kind and category.kind != parent_kind:
            problems.append(
                f"data_categories: '{slug}' is {category.kind} but its parent is {parent_kind}"
            )
    for slug, basis in vocabulary.bases.items():
        problems += [
            f"lawful_bases: '{slug}' pairs with unknown '{p}'"
            for p in basis.pairs_with
            if p not in vocabulary.bases
        ]
    families: dict[str, list[StatuteBase]] = {}
    for slug, statute in vocabulary.statutes.items():
        if statute.successor and statute.successor not in vocabulary.statutes:
            problems.append(f"statutes: '{slug}' has unknown successor '{statute.successor}'")
        if statute.legislation_type and statute.legislation_type not in LEGISLATION_TYPES:
            problems.append(
                f"statutes: '{slug}' legislation_type {statute.legislation_type!r} is not one "
                "of legislation.gov.uk's"
            )
        if statute.kind in ("act", "si") and statute.legislation_type and statute.number:
            expected = f"{LEGISLATION}/{statute.legislation_type}/"
            if not (statute.uri or "").startswith(expected) or not (statute.uri or "").endswith(
                f"/{statute.number}"
            ):
                problems.append(
                    f"statutes: '{slug}' uri {statute.uri!r} is not {expected}…/{statute.number}"
                )
        if statute.kind == "act":
            families.setdefault(_YEAR.sub("", statute.name), []).append(statute)
    for title, members in families.items():
        flags = {m.every_act_of_title for m in members}
        if len(flags) > 1:
            problems.append(f"statutes: every_act_of_title must be set on every '{title}' or none")
    return problems


# --- a document's terms ----------------------------------------------------------------------

_WHAT = {
    "data_categories": "data category",
    "data_subjects": "data subject",
    "parties": "party",
    "lawful_bases": "lawful basis",
    "statutes": "statute",
}


def what(vocab: str) -> str:
    """A vocabulary's term, in words ('data category')."""
    return _WHAT[vocab]


def local_vocabulary(document: NoticeDocument) -> Vocabulary:
    """The terms a document defines for itself (``terms``), owned by their controller."""
    if document.terms is None:
        return Vocabulary()
    t = document.terms

    def common(term: LocalTerm | LocalStatute) -> dict[str, Any]:
        return {"slug": term.slug, "controller": term.slug.split(":", 1)[0]}

    return Vocabulary(
        data_categories=[
            DataCategoryBase(
                **common(x),
                name=x.name,
                description=x.description,
                parent=x.parent,
                kind=x.kind,
            )
            for x in t.data_categories
        ],
        data_subjects=[
            DataSubjectBase(**common(x), name=x.name, description=x.description, parent=x.parent)
            for x in t.data_subjects
        ],
        parties=[
            PartyBase(
                **common(x),
                name=x.name,
                description=x.description,
                parent=x.parent,
                kind=x.kind or "organisation",
            )
            for x in t.parties
        ],
        statutes=[
            StatuteBase(
                **common(x),
                name=x.title,
                year=x.year,
                kind=x.kind,
                uri=x.uri,
                publisher=x.publisher,
            )
            for x in t.statutes
        ],
    )


@dataclass(frozen=True)
class ReferenceProblem:
    pointer: str
    detail: str
    suggestions: tuple[str, ...] = ()


def reference_problems(document: NoticeDocument, vocabulary: Vocabulary) -> list[ReferenceProblem]:
    """Every slug the document uses that neither the vocabularies nor its own ``terms`` define,
    with the closest known slugs; and what is wrong with its own terms."""
    try:
        local = local_vocabulary(document)
    except ValidationError as exc:
        return [
            ReferenceProblem("/terms", f"{'/'.join(map(str, e['loc']))}: {e['msg']}")
            for e in exc.errors()
        ]
    known = local.merged(vocabulary)
    problems = [
        ReferenceProblem(
            pointer, f"unknown {what(vocab)} '{slug}'", tuple(known.suggest(vocab, slug))
        )
        for vocab, slug, pointer in document.references()
        if slug not in known.terms(vocab)
    ]
    for vocab in HIERARCHICAL:
        for i, term in enumerate(local.terms(vocab).values()):
            if term.parent is not None and term.parent not in known.terms(vocab):
                problems.append(
                    ReferenceProblem(
                        f"/terms/{vocab}/{i}/parent",
                        f"unknown {what(vocab)} '{term.parent}'",
                        tuple(known.suggest(vocab, term.parent)),
                    )
                )
    return problems
