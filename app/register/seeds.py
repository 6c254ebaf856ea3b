"""Reading notice documents and vocabularies from files, with precise errors.

A bad file is reported as ``file:line:column: /json/pointer: what is wrong`` for every failing
value, with did-you-mean suggestions for unknown terms. Nesting deeper than
:data:`MAX_DEPTH` is refused before anything recurses over it.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from app.register.document import NoticeDocument, upgrade
from app.register.vocabulary import (
    Vocabulary,
    read_vocabulary_files,
    reference_problems,
    vocabulary_problems,
)

#: How deeply a document file may nest mappings and lists (a notice needs fewer than 10).
MAX_DEPTH = 32

Positions = dict[str, tuple[int, int]]


@dataclass(frozen=True)
class FileProblem:
    path: str
    pointer: str
    message: str
    line: int | None = None
    column: int | None = None

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}:{self.column}" if self.line else self.path
        return f"{where}: {self.pointer}: {self.message}"


class DocumentFileError(Exception):
    """A file that cannot be read, is not a valid notice document, or refers to unknown terms."""

    def __init__(self, problems: list[FileProblem]) -> None:
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))


def _escape(part: object) -> str:
    return str(part).replace("~", "~0").replace("/", "~1")


def pointer(loc: tuple[int | str, ...]) -> str:
    return "/" + "/".join(_escape(p) for p in loc) if loc else "/"


def _positions(root: yaml.Node) -> Positions:
    """The line and column (1-based) of every value, by JSON pointer; refuses deep nesting."""
    found: Positions = {}
    todo: list[tuple[yaml.Node, str, int]] = [(root, "", 0)]
    while todo:
        node, at, depth = todo.pop()
        if depth > MAX_DEPTH:
            raise DocumentFileError(
                [
                    FileProblem(
                        "",
                        at or "/",
                        f"nested more than {MAX_DEPTH} levels deep",
                        node.start_mark.line + 1,
                        node.start_mark.column + 1,
                    )
                ]
            )
        found[at or "/"] = (node.start_mark.line + 1, node.start_mark.column + 1)
        if isinstance(node, yaml.MappingNode):
            for key, value in node.value:
                todo.append((value, f"{at}/{_escape(key.value)}", depth + 1))
        elif isinstance(node, yaml.SequenceNode):
            for i, value in enumerate(node.value):
                todo.append((value, f"{at}/{i}", depth + 1))
    return found


def _too_deep(text: str, path: str) -> FileProblem:
    """Where ``text`` first nests deeper than :data:`MAX_DEPTH`, found from the parser's
    events (the parser does not recurse; composing the nodes does)."""
    depth = 0
    for event in yaml.parse(text, Loader=yaml.SafeLoader):
        if isinstance(event, yaml.CollectionStartEvent):
            depth += 1
            mark = event.start_mark
            if depth > MAX_DEPTH and mark is not None:
                return FileProblem(
                    path,
                    "/",
                    f"nested more than {MAX_DEPTH} levels deep",
                    mark.line + 1,
                    mark.column + 1,
                )
        elif isinstance(event, yaml.CollectionEndEvent):
            depth -= 1
    return FileProblem(path, "/", f"nested more than {MAX_DEPTH} levels deep")


def parse_text(text: str, *, path: str = "<input>") -> tuple[Any, Positions]:
    """Parse YAML or JSON, with the position of every value."""
    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
    except RecursionError as exc:
        raise DocumentFileError([_too_deep(text, path)]) from exc
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        problem = getattr(exc, "problem", None) or str(exc)
        raise DocumentFileError(
            [
                FileProblem(
                    path,
                    "/",
                    f"not valid {'JSON' if path.endswith('.json') else 'YAML'}: {problem}",
                    mark.line + 1 if mark else None,
                    mark.column + 1 if mark else None,
                )
            ]
        ) from exc
    if root is None:
        return None, {}
    try:
        positions = _positions(root)
    except DocumentFileError as exc:
        raise DocumentFileError(
            [FileProblem(path, p.pointer, p.message, p.line, p.column) for p in exc.problems]
        ) from None
    if path.endswith(".json"):
        try:
            return json.loads(text), positions
        except json.JSONDecodeError as exc:
            raise DocumentFileError(
                [FileProblem(path, "/", f"not valid JSON: {exc.msg}", exc.lineno, exc.colno)]
            ) from exc
    return yaml.SafeLoader(text).get_single_data(), positions


def _at(path: str, positions: Positions, at: str, message: str) -> FileProblem:
    """A problem at ``at``, placed at the value's position or its nearest parent's."""
    probe = at
    while probe and probe not in positions:
        probe = probe.rsplit("/", 1)[0]
    line, column = positions.get(probe or "/", (None, None))
    return FileProblem(path, at, message, line, column)


def document_from_data(
    data: Any, *, path: str = "<input>", positions: Positions | None = None
) -> NoticeDocument:
    try:
        return NoticeDocument.model_validate(upgrade(data))
    except ValidationError as exc:
        raise DocumentFileError(
            [_at(path, positions or {}, pointer(e["loc"]), e["msg"]) for e in exc.errors()]
        ) from exc


def read_document(path: Path, vocabulary: Vocabulary | None = None) -> NoticeDocument:
    """A notice document file, checked against the schema and, given ``vocabulary``, for
    unknown terms (with suggestions)."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise DocumentFileError([FileProblem(str(path), "/", str(exc))]) from exc
    data, positions = parse_text(text, path=str(path))
    document = document_from_data(data, path=str(path), positions=positions)
    if vocabulary is not None:
        problems = [
            _at(
                str(path),
                positions,
                p.pointer,
                p.detail
                + (f" (did you mean {', '.join(p.suggestions)}?)" if p.suggestions else ""),
            )
            for p in reference_problems(document, vocabulary)
        ]
        if problems:
            raise DocumentFileError(problems)
    return document


def read_vocabulary(directory: Path) -> Vocabulary:
    """The vocabulary files of a directory (``seed/vocab``), checked for consistency."""
    try:
        vocabulary = Vocabulary.from_data(read_vocabulary_files(directory))
    except ValidationError as exc:
        raise DocumentFileError(
            [FileProblem(str(directory), pointer(e["loc"]), e["msg"]) for e in exc.errors()]
        ) from exc
    problems = vocabulary_problems(vocabulary)
    if problems:
        raise DocumentFileError([FileProblem(str(directory), "/", p) for p in problems])
    return vocabulary


@dataclass(frozen=True)
class SeedSet:
    vocabulary: Vocabulary
    documents: list[NoticeDocument]


def read_seed_dir(directory: Path) -> SeedSet:
    """Read ``<dir>/vocab/*.yaml`` and every ``<dir>/*.yaml`` notice, checking references."""
    vocabulary = read_vocabulary(directory / "vocab")
    problems: list[FileProblem] = []
    documents: list[NoticeDocument] = []
    for path in sorted(directory.glob("*.yaml")):
        try:
            document = read_document(path, vocabulary)
        except DocumentFileError as exc:
            problems += exc.problems
            continue
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
