"""Facts of the seed notices: cambridgeshire peterborough."""

from __future__ import annotations

import pytest
from seed_facts_helpers import SEED_DIR, _act, _bases, _citation, _doc, _examples, _recipients

from app.notices.checks import names_ico
from app.register.document import NoticeDocument
from app.register.seeds import SeedSet, read_seed_dir


@pytest.fixture(scope="module")
def seeds() -> SeedSet:
    return read_seed_dir(SEED_DIR)


@pytest.fixture(scope="module")
def doc(seeds: SeedSet) -> NoticeDocument:
    return _doc(seeds, "cambridgeshire-peterborough-early-help")


# --------------------------------------------------------- 004 Cambridgeshire and Peterborough


def test_joint_notice_has_no_dpo_rights_list_or_complaint_route(seeds: SeedSet) -> None:
    doc = _doc(seeds, "cambridgeshire-peterborough-early-help")
    assert sorted(doc.service.controllers) == ["cambridgeshire", "peterborough"]
    assert all(c.dpo is None for c in doc.controllers)
    assert doc.notice.rights == []
    assert not names_ico(doc.notice.complaint)


def test_joint_notice_states_no_relationship_date_or_contact(doc: NoticeDocument) -> None:
    # "Both councils have statutory duties": the notice never says joint or separate controllers.
    assert doc.service.controller_relationship is None
    assert doc.service.relationship_as_written is None
    assert doc.notice.last_updated is None and doc.notice.last_updated_as_written is None
    for c in doc.controllers:
        assert (c.address, c.phone, c.email, c.website, c.corporate_privacy_notice_url) == (
            None,
            None,
            None,
            None,
            None,
        )
    assert doc.notice.complaint is None
    assert "Peterborough City Council’s corporate privacy notice here" in (
        doc.notice.rights_text or ""
    )


def test_joint_notice_bases_statutes_retention(seeds: SeedSet) -> None:
    doc = _doc(seeds, "cambridgeshire-peterborough-early-help")
    act = _act(doc, "early-help-assessment")
    assert _bases(act) == {"art6-1-e", "art9-2-h"}
    wt = _citation(act, "Working Together to Safeguard Children")
    assert wt.kind_as_cited == "guidance"
    assert wt.statute == "working-together-to-safeguard-children"
    assert _citation(act, "Section 10 of the Children’s Act 2004").statute == "children-act-2004"
    case = next(r for r in act.retention if r.trigger == "case_closure")
    assert case.duration == "P6Y"
    assert {"cambridgeshire-constabulary", "multi-agency-panels", "dwp"} <= _recipients(act)
    masg = next(r for r in act.recipients if r.party == "multi-agency-panels")
    assert (masg.condition or "").startswith("In Peterborough")


def test_joint_notice_bases_as_the_notice_words_them(doc: NoticeDocument) -> None:
    for act in doc.activities:
        written = {b.basis: b.as_written or "" for b in act.lawful_bases}
        assert "Article 6 (1) (e) of the GDPR" in written["art6-1-e"]
        assert "Article 9 2(h) of the GDPR" in written["art9-2-h"]
        # The notice pairs no Schedule 1 condition with Art 9(2)(h).
        assert all(b.supports == [] for b in act.lawful_bases)
        assert [s.provisions for s in act.statutes] == [["section 17"], ["section 10"], []]


def test_joint_notice_retention_as_written(doc: NoticeDocument) -> None:
    act = _act(doc, "early-help-assessment")
    assert [(r.trigger, r.duration) for r in act.retention] == [
        ("case_closure", "P6Y"),
        ("corporate_schedule", None),
    ]
    assert act.retention[0].text.endswith("retained for 6 years from the close of the matter.")
    assert all(not r.alternatives and r.whichever is None for r in act.retention)
    # "How long do we keep it for?" answers for all the information the notice describes.
    assert _act(doc, "service-improvement").retention == act.retention


def test_joint_notice_ons_troubled_families(seeds: SeedSet) -> None:
    act = _act(_doc(seeds, "cambridgeshire-peterborough-early-help"), "service-improvement")
    assert _recipients(act) == {"ons"}
    assert act.sharing_arrangements[0].parties == ["ons"]
    arrangement = act.sharing_arrangements[0]
    assert arrangement.name == "Troubled Families programme"
    # The notice's own name for the body is kept: "Office of National Statistics (ONS)".
    assert "Office of National Statistics (ONS)" in (arrangement.description or "")
    # The arrangement does not repeat the activity's description.
    assert (act.description or "") not in (arrangement.description or "")
    assert act.name == "How we use personal information to improve our services"


def test_joint_notice_recipient_examples(seeds: SeedSet) -> None:
    act = _act(_doc(seeds, "cambridgeshire-peterborough-early-help"), "early-help-assessment")
    # "This includes colleagues in the council, schools, ...": the recipients themselves, not
    # examples of them; "a number of external partners including health colleagues" is one.
    assert _examples(act.recipients, "council-services") == []
    assert _examples(act.recipients, "partner-agencies") == ["health colleagues"]
    assert all(not link.examples for link in act.sources)


def test_joint_notice_pathway_conditions(doc: NoticeDocument) -> None:
    act = _act(doc, "early-help-assessment")
    team = next(r for r in act.recipients if r.party == "early-help-teams")
    assert team.condition == "if you request help from an Early Help District Team"
    # Both Cambridgeshire routes are one paragraph of the notice, kept whole so that
    # "In Cambridgeshire" still governs the Early Support Pathway.
    assert (team.as_written or "").startswith("In Cambridgeshire if you request help")
    pathway = [r for r in act.recipients if "Early Support Pathway" in (r.condition or "")]
    assert {r.party for r in pathway} == {"partner-agencies", "health"}
    assert all(r.as_written == team.as_written for r in pathway)


def test_joint_notice_data_categories(doc: NoticeDocument) -> None:
    act = _act(doc, "early-help-assessment")
    by_category: dict[str, list[str]] = {}
    for use in act.data_categories:
        by_category.setdefault(use.category, []).append(use.as_written or "")
    assert by_category["special.racial-ethnic-origin"] == ["Ethnic group"]
    assert by_category["personal.social-circumstances"] == ["home circumstances"]
    assert by_category["personal.identity.language"] == ["language"]
    assert by_category["special.health"][0] == "health information"
    assert by_category["personal.education.sen"] == [
        "Details of any special educational needs for young people"
    ]
    # Examples only where the notice gives them ("such as", "e.g.").
    examples = {u.category: u.examples for u in act.data_categories if u.examples}
    assert examples == {
        "personal.identifiers": ["National Insurance Number", "NHS Number"],
        "special.health": ["special educational needs", "disability"],
    }
    assert all(u.labelled_as is None for a in doc.activities for u in a.data_categories)


def test_joint_notice_each_text_once(doc: NoticeDocument) -> None:
    """The opening section is the service's description only; no activity repeats it, and the
    consent section is not repeated in an activity."""
    assert doc.notice.introduction is None
    opening = doc.service.description or ""
    assert opening.startswith("Early Help is about ensuring")
    sections = {s.heading: s.text for s in doc.notice.other_sections}
    consent = sections["Do we ask you for consent?"]
    for act in doc.activities:
        assert "Early Help is about ensuring" not in (act.description or "")
        assert "We use your information to deliver" not in (act.description or "")
    assert consent.startswith("We use your information to deliver the early help services")
    assert list(sections) == ["What are Early Help Services?", "Do we ask you for consent?"]
