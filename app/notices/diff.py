"""What changed between two notice documents: RFC 6902 JSON Patch and a readable summary."""

from __future__ import annotations

from typing import Any

import jsonpatch
from pydantic import BaseModel, Field

from app.register.document import Activity, NoticeDocument

#: Set by the register, not by authors: left out of the comparison.
_REGISTER_FIELDS = ("version", "status", "effective_from", "change_summary")


class DiffResult(BaseModel):
    from_version: int
    to_version: int
    patch: list[dict[str, Any]] = Field(description="RFC 6902 operations turning `from` into `to`")
    summary: list[str] = Field(description="The changes in words, one line each")


def _comparable(document: NoticeDocument) -> dict[str, Any]:
    data = document.model_dump(mode="json")
    for key in _REGISTER_FIELDS:
        data["notice"].pop(key, None)
    return data


def _set_change(label: str, name: str, before: list[str], after: list[str]) -> list[str]:
    lines = []
    added = [x for x in after if x not in before]
    removed = [x for x in before if x not in after]
    if added:
        lines.append(f"{name}: {label} added: {', '.join(added)}")
    if removed:
        lines.append(f"{name}: {label} removed: {', '.join(removed)}")
    return lines


def _activity_changes(old: Activity, new: Activity) -> list[str]:
    name = f"activity '{new.id}'"
    lines: list[str] = []
    if old.name != new.name:
        lines.append(f"{name}: renamed from '{old.name}' to '{new.name}'")
    lines += _set_change("purposes", name, old.purposes, new.purposes)
    lines += _set_change(
        "data subjects",
        name,
        [s.subject for s in old.data_subjects],
        [s.subject for s in new.data_subjects],
    )
    lines += _set_change(
        "data categories",
        name,
        [c.category for c in old.data_categories],
        [c.category for c in new.data_categories],
    )
    lines += _set_change(
        "recipients", name, [r.party for r in old.recipients], [r.party for r in new.recipients]
    )
    lines += _set_change(
        "sources", name, [s.party for s in old.sources], [s.party for s in new.sources]
    )
    lines += _set_change(
        "lawful bases",
        name,
        [b.basis for b in old.lawful_bases],
        [b.basis for b in new.lawful_bases],
    )
    lines += _set_change(
        "statutes", name, [s.cited_as for s in old.statutes], [s.cited_as for s in new.statutes]
    )
    lines += _set_change("systems", name, old.systems, new.systems)
    lines += _set_change(
        "sharing arrangements",
        name,
        [a.name for a in old.sharing_arrangements],
        [a.name for a in new.sharing_arrangements],
    )
    if old.retention != new.retention:
        before = "; ".join(r.duration or r.trigger for r in old.retention) or "none"
        after = "; ".join(r.duration or r.trigger for r in new.retention) or "none"
        lines.append(f"{name}: retention changed ({before} → {after})")
    if old.transfers != new.transfers:
        lines.append(f"{name}: international transfers changed")
    if old.automated_decision_making != new.automated_decision_making:
        lines.append(f"{name}: automated decision-making changed")
    if old.consent_dependent != new.consent_dependent:
        lines.append(f"{name}: consent dependence changed to {new.consent_dependent}")
    if not lines and old != new:
        lines.append(f"{name}: wording changed")
    return lines


def diff_documents(
    old: NoticeDocument, new: NoticeDocument, *, from_version: int, to_version: int
) -> DiffResult:
    patch = jsonpatch.make_patch(_comparable(old), _comparable(new)).patch
    summary: list[str] = []
    old_acts = {a.id: a for a in old.activities}
    new_acts = {a.id: a for a in new.activities}
    summary += [f"activity '{i}' added ({new_acts[i].name})" for i in new_acts if i not in old_acts]
    summary += [
        f"activity '{i}' removed ({old_acts[i].name})" for i in old_acts if i not in new_acts
    ]
    for activity_id in (i for i in new_acts if i in old_acts):
        summary += _activity_changes(old_acts[activity_id], new_acts[activity_id])
    old_notice = old.notice.model_dump(exclude=set(_REGISTER_FIELDS))
    new_notice = new.notice.model_dump(exclude=set(_REGISTER_FIELDS))
    for key in new_notice:
        if old_notice.get(key) != new_notice[key]:
            summary.append(f"notice: {key.replace('_', ' ')} changed")
    if old.controllers != new.controllers:
        summary.append("controllers changed")
    if old.service != new.service:
        summary.append("service details changed")
    return DiffResult(
        from_version=from_version, to_version=to_version, patch=patch, summary=summary
    )
