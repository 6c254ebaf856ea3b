"""Reading notice documents and vocabularies from files, with precise errors.

A bad file is reported with its path, the field (as a JSON pointer) or line, and what was
expected. Cross-references (a slug a document uses that no vocabulary defines) are checked
here, before anything touches the database.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from app.register.document import NoticeDocument
from app.register.vocabulary import Vocabulary, load_vocabulary


@dataclass(frozen=True)
class FileProblem:
    path: str
    location: str
    message: str

    def __str__(self) -> str:
        return f"{self.path}: {self.location}: {self.message}"


class DocumentFileError(Exception):
    """A notice document file that cannot be read or does not match the schema."""

    def __init__(self, problems: list[FileProblem]) -> None:
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))


def _pointer(loc: tuple[int | str, ...]) -> str:
    return "/" + "/".join(str(part) for part in loc) if loc else "/"


def parse_text(text: str, *, path: str = "<input>") -> Any:
    """Parse YAML or JSON (JSON is YAML), reporting the line of a syntax error."""
    try:
        if path.endswith(".json"):
            return json.loads(text)
        return yaml.safe_load(text)
    except json.JSONDecodeError as exc:
        raise DocumentFileError([FileProblem(path, f"line {exc.lineno}", exc.msg)]) from exc
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"line {mark.line + 1}, column {mark.column + 1}" if mark else "?"
        problem = getattr(exc, "problem", None) or str(exc)
        raise DocumentFileError([FileProblem(path, where, f"not valid YAML: {problem}")]) from exc


def document_from_data(data: Any, *, path: str = "<input>") -> NoticeDocument:
    try:
        return NoticeDocument.model_validate(data)
    except ValidationError as exc:
        raise DocumentFileError(
            [FileProblem(path, _pointer(e["loc"]), e["msg"]) for e in exc.errors()]
        ) from exc


def read_document(path: Path) -> NoticeDocument:
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise DocumentFileError([FileProblem(str(path), "file", str(exc))]) from exc
    return document_from_data(parse_text(text, path=str(path)), path=str(path))


def reference_problems(document: NoticeDocument, vocabulary: Vocabulary) -> list[str]:
    """Every slug the document uses that the vocabularies do not define, as JSON pointers."""
    categories = {t.slug for t in vocabulary.data_categories}
    parties = {t.slug for t in vocabulary.parties}
    subjects = {t.slug for t in vocabulary.data_subjects}
    bases = {t.slug for t in vocabulary.lawful_bases}
    statutes = {t.slug for t in vocabulary.statutes}
    problems: list[str] = []

    def need(known: set[str], slug: str, pointer: str, what: str) -> None:
        if slug not in known:
            problems.append(f"{pointer}: unknown {what} '{slug}'")

    for i, act in enumerate(document.activities):
        base = f"/activities/{i}"
        for j, s in enumerate(act.data_subjects):
            need(subjects, s, f"{base}/data_subjects/{j}", "data subject")
        for j, c in enumerate(act.data_categories):
            need(categories, c.category, f"{base}/data_categories/{j}/category", "data category")
        for role in ("sources", "recipients"):
            for j, link in enumerate(getattr(act, role)):
                need(parties, link.party, f"{base}/{role}/{j}/party", "party")
                for k, c in enumerate(link.data_categories):
                    need(categories, c, f"{base}/{role}/{j}/data_categories/{k}", "data category")
        for j, b in enumerate(act.lawful_bases):
            need(bases, b.basis, f"{base}/lawful_bases/{j}/basis", "lawful basis")
        for j, st in enumerate(act.statutes):
            if st.statute is not None:
                need(statutes, st.statute, f"{base}/statutes/{j}/statute", "statute")
        for j, arr in enumerate(act.sharing_arrangements):
            for k, p in enumerate(arr.parties):
                need(parties, p, f"{base}/sharing_arrangements/{j}/parties/{k}", "party")
    return problems


def vocabulary_problems(vocabulary: Vocabulary) -> list[str]:
    problems: list[str] = []
    for name, terms in (
        ("data-categories", vocabulary.data_categories),
        ("parties", vocabulary.parties),
    ):
        slugs = [t.slug for t in terms]
        problems += [
            f"{name}: duplicate slug '{s}'" for s in sorted(set(slugs)) if slugs.count(s) > 1
        ]
        known = set(slugs)
        problems += [
            f"{name}: '{t.slug}' has unknown parent '{t.parent}'"
            for t in terms
            if t.parent is not None and t.parent not in known
        ]
    parties = {t.slug for t in vocabulary.parties}
    problems += [
        f"parties: '{t.slug}' replaced_by unknown '{t.replaced_by}'"
        for t in vocabulary.parties
        if t.replaced_by and t.replaced_by not in parties
    ]
    for name, slugs in (
        ("data-subjects", [t.slug for t in vocabulary.data_subjects]),
        ("lawful-bases", [t.slug for t in vocabulary.lawful_bases]),
        ("statutes", [t.slug for t in vocabulary.statutes]),
    ):
        problems += [
            f"{name}: duplicate slug '{s}'" for s in sorted(set(slugs)) if slugs.count(s) > 1
        ]
    return problems


@dataclass(frozen=True)
class SeedSet:
    vocabulary: Vocabulary
    documents: list[NoticeDocument]


def read_seed_dir(directory: Path) -> SeedSet:
    """Read ``<dir>/vocab/*.yaml`` and every ``<dir>/*.yaml`` notice, checking references."""
    try:
        vocabulary = load_vocabulary(directory / "vocab")
    except ValidationError as exc:
        raise DocumentFileError(
            [
                FileProblem(str(directory / "vocab"), _pointer(e["loc"]), e["msg"])
                for e in exc.errors()
            ]
        ) from exc
    problems = [
        FileProblem(str(directory / "vocab"), "vocabulary", p)
        for p in vocabulary_problems(vocabulary)
    ]
    documents: list[NoticeDocument] = []
    for path in sorted(directory.glob("*.yaml")):
        document = read_document(path)
        problems += [
            FileProblem(str(path), *p.split(": ", 1))
            for p in reference_problems(document, vocabulary)
        ]
        if path.stem != document.service.id:
            problems.append(
                FileProblem(
                    str(path), "/service/id", f"file name must be '{document.service.id}.yaml'"
                )
            )
        documents.append(document)
    if problems:
        raise DocumentFileError(problems)
    return SeedSet(vocabulary=vocabulary, documents=documents)
