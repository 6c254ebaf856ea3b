"""What changed between two notice documents: RFC 6902 JSON Patch, and every change in words.

Every difference between the two documents is one :class:`Change`: where it is (a JSON
pointer), what it was and what it is, and a sentence that names the thing changed and both
values ("added recipient 'police' to activity 'casework' with condition 'where …'";
"activity 'casework', retention rule 1: trigger changed from 'case_closure' to
'date_of_birth'"). Lists whose items have an identity (an activity's id, a recipient's party,
a term's slug …) are compared by it, so an item added in the middle is one addition, not a
change to every item after it. Pure: no database, no settings.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from difflib import SequenceMatcher
from typing import Any, Literal

import jsonpatch
from pydantic import BaseModel, Field

from app.register.document import NoticeDocument

#: Set by the register, not by authors: left out of the comparison.
_REGISTER_FIELDS = ("version", "status", "effective_from", "change_summary")

#: Fields that identify an item of a list, in order of preference: the first that every item
#: (before and after) has is the list's identity.
_IDENTITIES = ("id", "slug", "party", "subject", "category", "basis", "cited_as", "right")
#: Lists identified by a name only when nothing better is there.
_NAMED = ("name", "heading")

#: What one item of a list is called.
_SINGULAR = {
    "activities": "activity",
    "controllers": "controller",
    "data_subjects": "data subject",
    "data_categories": "data category",
    "sources": "source",
    "recipients": "recipient",
    "lawful_bases": "lawful basis",
    "statutes": "statute citation",
    "retention": "retention rule",
    "sharing_arrangements": "sharing arrangement",
    "rights": "right",
    "other_sections": "section",
    "alternatives": "alternative period",
    "purposes": "purpose",
    "systems": "system",
    "examples": "example",
    "sub_services": "sub-service",
    "destinations": "destination",
    "parties": "party",
    "supports": "supported condition",
    "provisions": "provision",
}
#: Details left out when an added or removed item is described (its identity says it).
_QUIET = frozenset({"activities"})
_MAX_VALUE = 160

Op = Literal["added", "removed", "changed", "reordered"]


class Change(BaseModel):
    op: Op
    path: str = Field(
        description="JSON pointer: into `to` for added, changed and reordered; into `from` for "
        "removed"
    )
    before: Any = Field(default=None, description="The value in `from` (none when added)")
    after: Any = Field(default=None, description="The value in `to` (none when removed)")
    text: str = Field(description="The change in words, with both values")


class DiffResult(BaseModel):
    from_version: int
    to_version: int
    patch: list[dict[str, Any]] = Field(description="RFC 6902 operations turning `from` into `to`")
    summary: list[str] = Field(description="Every change in words, one line each")
    changes: list[Change] = Field(
        default_factory=list, description="Every change: where, before, after, and in words"
    )


# --- words -----------------------------------------------------------------------------------


def words(value: Any) -> str:
    """A value as a sentence quotes it (long text shortened; the change keeps it whole)."""
    if value is None:
        return "nothing"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, str):
        text = value if len(value) <= _MAX_VALUE else value[: _MAX_VALUE - 1] + "…"
        return f"'{text}'"
    if isinstance(value, list):
        return "[" + ", ".join(words(v) for v in value) + "]" if value else "none"
    if isinstance(value, dict):
        inner = "; ".join(
            f"{_field(k)} {words(v)}" for k, v in value.items() if v not in (None, [])
        )
        return "{" + inner + "}"
    return str(value)


def _field(key: str) -> str:
    return key.replace("_", " ")


def _pointer(parts: list[str | int]) -> str:
    return "".join("/" + str(p).replace("~", "~0").replace("/", "~1") for p in parts)


def _identity(old: list[Any], new: list[Any]) -> str | None:
    """The field that says which item is which (the first every item has)."""
    items = [*old, *new]
    if not items or not all(isinstance(i, dict) for i in items):
        return None
    for key in (*_IDENTITIES, *_NAMED):
        if all(isinstance(i.get(key), str) for i in items):
            return key
    return None


def _details(item: dict[str, Any], identity: str | None) -> str:
    """An added or removed item's content, in words: its condition first."""
    parts = []
    if item.get("condition"):
        parts.append(f" with condition {words(item['condition'])}")
    rest = [
        f"{_field(k)} {words(v)}"
        for k, v in item.items()
        if k not in (identity, "condition") and v not in (None, [], {}, False)
    ]
    if rest:
        parts.append(" (" + "; ".join(rest) + ")")
    return "".join(parts)


class _Walk:
    def __init__(self) -> None:
        self.changes: list[Change] = []

    def add(self, op: Op, path: list[str | int], before: Any, after: Any, text: str) -> None:
        self.changes.append(
            Change(op=op, path=_pointer(path), before=before, after=after, text=text)
        )

    def value(
        self, old: Any, new: Any, path: list[str | int], where: str, name: str, plural: str
    ) -> None:
        """Compare one value, called ``name`` (its field, in words) in ``where``."""
        if old == new:
            return
        if isinstance(old, dict) and isinstance(new, dict):
            inner = f"{where}, {name}" if where and name else (where or name)
            for key in [*new, *(k for k in old if k not in new)]:
                self.value(old.get(key), new.get(key), [*path, key], inner, _field(key), key)
            return
        if isinstance(old, list) and isinstance(new, list):
            self.items(old, new, path, where, plural)
            return
        at = f"{where}: " if where else ""
        if old is None or old == []:
            self.add("added", path, old, new, f"{at}{name} added: {words(new)}")
        elif new is None or new == []:
            self.add("removed", path, old, new, f"{at}{name} removed (was {words(old)})")
        else:
            self.add(
                "changed", path, old, new, f"{at}{name} changed from {words(old)} to {words(new)}"
            )

    def items(
        self, old: list[Any], new: list[Any], path: list[str | int], where: str, plural: str
    ) -> None:
        """Two lists, aligned (:class:`difflib.SequenceMatcher`): unchanged runs are skipped;
        in a changed run, items with the same identity (else, in a run of replacements, the
        same place) are compared field by field, the others are added or removed."""
        kind = _SINGULAR.get(plural, _field(plural))
        identity = _identity(old, new)
        matcher = SequenceMatcher(
            a=[_canon(i) for i in old], b=[_canon(i) for i in new], autojunk=False
        )
        added: list[int] = []
        removed: list[int] = []
        for tag, i1, i2, j1, j2 in matcher.get_opcodes():
            if tag == "equal":
                continue
            olds, news = list(range(i1, i2)), list(range(j1, j2))
            pairs: list[tuple[int, int]] = []
            if identity is not None:
                for j in news:
                    same = [i for i in olds if old[i][identity] == new[j][identity]]
                    if same:
                        pairs.append((same[0], j))
                        olds.remove(same[0])
                news = [j for j in news if j not in {p[1] for p in pairs}]
            elif tag == "replace":
                pairs = list(zip(olds, news, strict=False))
                olds, news = olds[len(pairs) :], news[len(pairs) :]
            for i, j in pairs:
                label = self.label(new[j], j, kind, identity)
                if isinstance(old[i], dict) and isinstance(new[j], dict):
                    inner = f"{where}, {label}" if where else label
                    self.value(old[i], new[j], [*path, j], inner, "", "")
                else:
                    self.value(old[i], new[j], [*path, j], where, label, plural)
            added += news
            removed += olds
        moved = {_canon(old[i]) for i in removed} & {_canon(new[j]) for j in added}
        place = f" to {where}" if where else ""
        source = f" from {where}" if where else ""
        for j in added:
            item = new[j]
            if _canon(item) in moved:
                i = next(i for i in removed if _canon(old[i]) == _canon(item))
                self.add(
                    "reordered",
                    [*path, j],
                    i,
                    j,
                    f"{where + ': ' if where else ''}{self.label(item, j, kind, identity)} moved "
                    f"from place {i + 1} to place {j + 1}",
                )
                continue
            label, details = self.describe(item, j, kind, identity, plural)
            self.add("added", [*path, j], None, item, f"added {label}{place}{details}")
        for i in removed:
            item = old[i]
            if _canon(item) in moved:
                continue
            label, details = self.describe(item, i, kind, identity, plural)
            was = f" (was{details})" if details.startswith(" with") else details
            self.add("removed", [*path, i], item, None, f"removed {label}{source}{was}")

    @staticmethod
    def label(item: Any, position: int, kind: str, identity: str | None) -> str:
        if identity is not None and isinstance(item, dict):
            return f"{kind} {words(item[identity])}"
        return f"{kind} {position + 1}"

    def describe(
        self, item: Any, position: int, kind: str, identity: str | None, plural: str
    ) -> tuple[str, str]:
        """An added or removed item: what it is, and what it says."""
        if not isinstance(item, dict):
            return f"{kind} {words(item)}", ""
        label = self.label(item, position, kind, identity)
        if plural in _QUIET:
            return label, f" ({words(item['name'])})" if item.get("name") else ""
        return label, _details(item, identity)


def _canon(value: Any) -> str:
    return json.dumps(value, sort_keys=True, ensure_ascii=False)


def _comparable(document: NoticeDocument) -> dict[str, Any]:
    data = document.model_dump(mode="json", exclude_none=True)
    for key in _REGISTER_FIELDS:
        data["notice"].pop(key, None)
    return data


_SECTIONS = {"notice": "notice", "service": "service", "terms": "the notice's own terms"}


def changes(
    old: NoticeDocument | dict[str, Any], new: NoticeDocument | dict[str, Any]
) -> list[Change]:
    """Every difference between two documents (or their JSON), in words."""
    before = _comparable(old) if isinstance(old, NoticeDocument) else old
    after = _comparable(new) if isinstance(new, NoticeDocument) else new
    walk = _Walk()
    for key in [*after, *(k for k in before if k not in after)]:
        if key in ("activities", "controllers"):
            walk.items(before.get(key, []), after.get(key, []), [key], "", key)
        else:
            walk.value(
                before.get(key), after.get(key), [key], "", _SECTIONS.get(key, _field(key)), key
            )
    return walk.changes


def removals(old: NoticeDocument, new: NoticeDocument) -> Iterator[Change]:
    """What ``new`` no longer has that ``old`` had: removed items and fields."""
    return (c for c in changes(old, new) if c.op == "removed")


def diff_documents(
    old: NoticeDocument, new: NoticeDocument, *, from_version: int, to_version: int
) -> DiffResult:
    before, after = _comparable(old), _comparable(new)
    found = changes(before, after)
    return DiffResult(
        from_version=from_version,
        to_version=to_version,
        patch=jsonpatch.make_patch(before, after).patch,
        summary=[c.text for c in found],
        changes=found,
    )
