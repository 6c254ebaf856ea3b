"""The render and the checks never contradict each other.

For every rule whose subject the render also shows, the render of a document must say what the
finding says of it: a notice the checks call undated is rendered "Last updated: not stated";
one they say gives no complaint route to the ICO is not rendered with one; debris the checks
report never reaches the public text. Each seed, and variants of it with one thing removed,
are checked both ways.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from app.notices.checks import Finding, check_notice, complaint_route
from app.notices.render import render_notice
from app.register.document import Complaint, NoticeDocument
from app.register.seeds import SeedSet, read_seed_dir
from app.register.vocabulary import Vocabulary

ROOT = Path(__file__).resolve().parents[2]
TODAY = date(2026, 12, 1)


@pytest.fixture(scope="module")
def seeds() -> SeedSet:
    return read_seed_dir(ROOT / "seed")


def _drop(*path: str) -> Callable[[dict[str, Any]], None]:
    def change(data: dict[str, Any]) -> None:
        node = data
        for key in path[:-1]:
            node = node[key]
        node.pop(path[-1], None)

    return change


def _every_activity(key: str, value: Any) -> Callable[[dict[str, Any]], None]:
    def change(data: dict[str, Any]) -> None:
        for act in data["activities"]:
            act[key] = value

    return change


def _relationship(data: dict[str, Any]) -> None:
    several = len(data["controllers"]) > 1
    data["service"]["controller_relationship"] = "joint" if several else "sole"


VARIANTS: dict[str, Callable[[dict[str, Any]], None] | None] = {
    "as-seeded": None,
    "undated": lambda d: d["notice"].update(last_updated=None, last_updated_as_written=None),
    "no-complaint": _drop("notice", "complaint"),
    "no-rights": lambda d: d["notice"].update(rights=[], rights_text=None),
    "no-adm": _every_activity("automated_decision_making", None),
    "no-provision-requirement": _drop("notice", "provision_requirement"),
    "relationship-stated": _relationship,
}


def _variant(
    document: NoticeDocument, change: Callable[[dict[str, Any]], None] | None
) -> NoticeDocument:
    if change is None:
        return document
    data = document.model_dump(mode="json", exclude_none=True)
    change(data)
    return NoticeDocument.model_validate(data)


def _section(text: str, heading: str) -> str:
    """The text of one top-level section of a plain-text render ('' if absent)."""
    m = re.search(rf"^{re.escape(heading)}\n-+\n(.*?)(?=^\S[^\n]*\n-+\n|\Z)", text, re.M | re.S)
    return m.group(1) if m else ""


def _agree(document: NoticeDocument, vocabulary: Vocabulary) -> None:
    findings = check_notice(document, vocabulary, today=TODAY)
    rules = {f.rule for f in findings}
    text = render_notice(document, vocabulary, fmt="text")
    flat = re.sub(r"\s+", " ", text)

    def fired(rule: str) -> list[Finding]:
        return [f for f in findings if f.rule == rule]

    # dates: undated ⇔ the public reads "not stated"
    assert ("staleness.undated" in rules) == ("Last updated: not stated" in text)

    # controllers' relationship: a finding ⇔ the render states none
    stated = re.search(
        r"are joint controllers|each a separate controller|is the data controller"
        r"|runs this service for",
        flat,
    )
    if "art13-14.controller-relationship" in rules:
        assert not stated and not document.service.relationship_as_written
    elif len(document.controllers) > 1:
        assert stated or document.service.relationship_as_written

    # automated decisions: not stated ⇒ no section about them
    if "art13-14.automated-decisions-not-stated" in rules:
        assert _section(text, "Automated decision-making") == ""

    # the complaint route: what the render shows is judged the same way as the record
    complaint = _section(text, "How to complain")
    if "art13-14.complaint-ico" in rules:
        assert complaint_route(Complaint(text=complaint or None)) == "none" or (
            document.notice.complaint is not None and not document.notice.complaint.text
        )
        assert not re.search(
            r"complain[^.]*Information Commissioner|complain[^.]*\bICO\b", complaint
        )
    if "art13-14.complaint-ico-not-stated" in rules:
        assert not re.search(r"complain[^.;:]*(?:Information Commissioner|\bICO\b)", complaint)

    # rights and consent withdrawal
    if "art13-14.rights" in rules:
        # the council's general words may be shown, but no right the record does not list
        assert not re.search(r"^- Right (?:of|to) ", _section(text, "Your rights"), re.M)
    if "art13-14.withdraw-consent" in rules:
        assert "Right to withdraw consent" not in text
        assert not re.search(r"withdraw", flat, re.I) or any(
            "withdraw" in (t or "").lower()
            for t in (document.notice.rights_text, document.notice.introduction)
        ), "the render never adds a withdrawal statement the record does not make"

    # whether people must give their information
    if "art13.statutory-requirement" in rules:
        assert _section(text, "Do you have to give us your information?") == ""

    # the DPO: no contact details in the record, none in the render
    for f in fired("art13-14.dpo-contact"):
        index = int(f.pointer.split("/")[2])
        dpo = document.controllers[index].dpo
        for value in (dpo.email, dpo.phone) if dpo else ():
            assert value is None

    # debris reported by the checks never reaches the public
    for f in fired("text.placeholder-link") + fired("text.cross-reference"):
        quoted = re.findall(r"'([^']{4,})'", f.message)
        for q in quoted:
            if "](" in q or "href" in q or re.search(r"section|paragraph|above|below", q, re.I):
                assert q not in text, (f.rule, q)

    # citations are shown as cited, never corrected, whatever the checks say of them
    for act in document.activities:
        for citation in act.statutes:
            assert re.sub(r"\s+", " ", citation.cited_as.split("\n")[0]).strip()[:40] in flat


@pytest.mark.parametrize("variant", sorted(VARIANTS))
def test_render_and_checks_agree_on_every_seed(seeds: SeedSet, variant: str) -> None:
    for document in seeds.documents:
        _agree(_variant(document, VARIANTS[variant]), seeds.vocabulary)


def test_the_agreement_test_can_fail(seeds: SeedSet) -> None:
    """A render that contradicted the checks would be caught: an undated notice rendered with
    a date is."""
    document = _variant(seeds.documents[0], VARIANTS["undated"])
    findings = {f.rule for f in check_notice(document, seeds.vocabulary, today=TODAY)}
    assert "staleness.undated" in findings
    dated = _variant(document, lambda d: d["notice"].update(last_updated="2026-01-01"))
    assert "Last updated: not stated" not in render_notice(dated, seeds.vocabulary, fmt="text")
