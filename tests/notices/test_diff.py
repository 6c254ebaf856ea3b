"""The diff tells the truth: every change, in words, with what it was and what it is."""

from __future__ import annotations

import copy
from typing import Any, get_args

import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from app.config import PROJECT_ROOT
from app.notices.diff import Change, diff_documents, words
from app.register.document import NoticeDocument, RetentionTrigger

SEED = yaml.safe_load((PROJECT_ROOT / "seed" / "camden-early-help.yaml").read_text())
BASE = NoticeDocument.model_validate(SEED).model_dump(mode="json", exclude_none=True)
FREE_TEXT = frozenset(
    {
        "name",
        "description",
        "text",
        "condition",
        "as_written",
        "title",
        "introduction",
        "security",
        "cookies",
        "heading",
        "safeguards",
        "business_function",
    }
)
PARTIES = ["police", "schools", "ofsted", "dwp"]


def _diff(old: dict[str, Any], new: dict[str, Any]) -> list[Change]:
    return diff_documents(
        NoticeDocument.model_validate(old),
        NoticeDocument.model_validate(new),
        from_version=1,
        to_version=2,
    ).changes


def _get(data: Any, path: list[Any]) -> Any:
    for part in path:
        data = data[part]
    return data


def _leaves(data: Any, path: list[Any]) -> list[list[Any]]:
    """Pointers (as lists) to the free-text fields of one activity or of the notice."""
    out: list[list[Any]] = []
    if isinstance(data, dict):
        for key, value in data.items():
            if isinstance(value, str) and key in FREE_TEXT:
                out.append([*path, key])
            elif key in ("purposes", "systems", "examples") and isinstance(value, list):
                out += [[*path, key, i] for i in range(len(value))]
            else:
                out += _leaves(value, [*path, key])
    elif isinstance(data, list):
        for i, value in enumerate(data):
            out += _leaves(value, [*path, i])
    return out


def _lists(data: Any, path: list[Any]) -> list[list[Any]]:
    """Pointers to the non-empty lists of one activity (items may be removed from them)."""
    out: list[list[Any]] = []
    if isinstance(data, dict):
        for key, value in data.items():
            if isinstance(value, list) and value:
                out.append([*path, key])
            out += _lists(value, [*path, key]) if isinstance(value, dict | list) else []
    elif isinstance(data, list):
        for i, value in enumerate(data):
            out += _lists(value, [*path, i])
    return out


#: The parts of the document an edit may touch: each activity, and the notice section.
PARTS: list[list[Any]] = [["notice"]] + [["activities", i] for i in range(len(BASE["activities"]))]
TEXT = st.from_regex(r"[A-Z][a-z]{2,12}( [a-z]{2,10}){0,3}", fullmatch=True)


@st.composite
def edits(draw: st.DrawFn) -> tuple[dict[str, Any], list[tuple[str, list[Any], Any, Any]]]:
    """A document after 1-3 edits to different parts, and each edit: (kind, path, before,
    after). Paths of removals are into the document before; the others into the one after."""
    data = copy.deepcopy(BASE)
    parts = draw(st.lists(st.sampled_from(PARTS), min_size=1, max_size=3, unique_by=tuple))
    done: list[tuple[str, list[Any], Any, Any]] = []
    for part in parts:
        target = _get(data, part)
        kinds = ["set"]
        if part[0] == "activities":
            kinds += (
                ["add-recipient", "remove", "retention"]
                if target.get("retention")
                else [
                    "add-recipient",
                    "remove",
                ]
            )
        kind = draw(st.sampled_from(kinds))
        if kind == "set":
            path = draw(st.sampled_from(_leaves(target, part)))
            before = _get(data, path)
            after = draw(TEXT.filter(lambda t, b=before: t != b))
            _get(data, path[:-1])[path[-1]] = after
        elif kind == "add-recipient":
            after = {"party": draw(st.sampled_from(PARTIES)), "condition": draw(TEXT)}
            before = None
            path = [*part, "recipients", len(target["recipients"])]
            target["recipients"].append(after)
        elif kind == "remove":
            where = draw(st.sampled_from(_lists(target, part)))
            items = _get(data, where)
            index = draw(st.integers(0, len(items) - 1))
            path, before, after = [*where, index], items[index], None
            del items[index]
        else:  # a retention rule's trigger
            rules = target["retention"]
            index = draw(st.integers(0, len(rules) - 1))
            before = rules[index]["trigger"]
            after = draw(st.sampled_from([t for t in get_args(RetentionTrigger) if t != before]))
            path = [*part, "retention", index, "trigger"]
            rules[index]["trigger"] = after
        done.append((kind, path, before, after))
    return data, done


def _pointer(path: list[Any]) -> str:
    return "".join(f"/{p}" for p in path)


def _related(a: str, b: str) -> bool:
    """One pointer is the other or lies within it."""
    return a == b or a.startswith(b + "/") or b.startswith(a + "/")


@settings(max_examples=80, deadline=None)
@given(case=edits())
def test_every_edit_appears_in_the_summary_with_both_values(
    case: tuple[dict[str, Any], list[tuple[str, list[Any], Any, Any]]],
) -> None:
    data, done = case
    try:
        NoticeDocument.model_validate(data)
    except ValueError:
        return  # an edit the schema refuses (a list that may not be empty): not a document
    found = _diff(BASE, data)
    for kind, path, before, after in done:
        pointer = _pointer(path)
        parent = _pointer(path[:-1])
        covering = [
            c
            for c in found
            if _related(c.path, pointer)
            or (kind == "remove" and c.op == "removed" and c.path.rsplit("/", 1)[0] == parent)
        ]
        assert covering, f"{kind} at {pointer} is not in {[c.text for c in found]}"
        exact = [c for c in covering if c.path == pointer]
        if kind in ("set", "retention") and exact:
            assert words(before) in exact[0].text and words(after) in exact[0].text
        if kind == "add-recipient":
            text = next(c.text for c in covering if c.op == "added")
            assert f"recipient '{after['party']}'" in text
            assert f"condition {words(after['condition'])}" in text
    assert [c.text for c in found] == diff_documents(
        NoticeDocument.model_validate(BASE),
        NoticeDocument.model_validate(data),
        from_version=1,
        to_version=2,
    ).summary


def test_the_words_of_the_issue() -> None:
    """The changes an IG officer and a DPO found summarised as 'wording changed'."""
    new = copy.deepcopy(BASE)
    casework = new["activities"][0]
    casework["recipients"].append({"party": "ofsted", "condition": "during an inspection"})
    rules = next(a for a in new["activities"] if a.get("retention"))["retention"]
    before_trigger = rules[0]["trigger"]
    rules[0]["trigger"] = "date_of_birth" if before_trigger != "date_of_birth" else "case_closure"
    new["notice"]["cookies"] = "We use no cookies."
    summary = [c.text for c in _diff(BASE, new)]
    assert (
        f"added recipient 'ofsted' to activity '{casework['id']}' with condition "
        "'during an inspection'" in summary
    )
    assert any(
        f"trigger changed from '{before_trigger}' to '{rules[0]['trigger']}'" in line
        for line in summary
    ), summary
    assert any(line.startswith("notice: cookies") for line in summary)
    assert not any("wording changed" in line for line in summary)


def test_a_removed_value_says_what_it_was_and_an_unchanged_document_has_no_changes() -> None:
    new = copy.deepcopy(BASE)
    removed = new["activities"].pop()
    found = _diff(BASE, new)
    assert [c.op for c in found] == ["removed"]
    assert found[0].before == removed and found[0].path == f"/activities/{len(new['activities'])}"
    assert f"removed activity '{removed['id']}'" in found[0].text
    assert _diff(BASE, copy.deepcopy(BASE)) == []
