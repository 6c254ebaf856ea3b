"""Facts of the seed notices: cambridgeshire peterborough."""

from __future__ import annotations

import pytest
from seed_facts_helpers import SEED_DIR, _act, _bases, _citation, _doc, _examples, _recipients

from app.notices.checks import names_ico
from app.register.seeds import SeedSet, read_seed_dir


@pytest.fixture(scope="module")
def seeds() -> SeedSet:
    return read_seed_dir(SEED_DIR)


# --------------------------------------------------------- 004 Cambridgeshire and Peterborough


def test_joint_notice_has_no_dpo_rights_list_or_complaint_route(seeds: SeedSet) -> None:
    doc = _doc(seeds, "cambridgeshire-peterborough-early-help")
    assert sorted(doc.service.controllers) == ["cambridgeshire", "peterborough"]
    assert all(c.dpo is None for c in doc.controllers)
    assert doc.notice.rights == []
    assert not names_ico(doc.notice.complaint)


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


def test_joint_notice_ons_troubled_families(seeds: SeedSet) -> None:
    act = _act(_doc(seeds, "cambridgeshire-peterborough-early-help"), "service-improvement")
    assert _recipients(act) == {"ons"}
    assert act.sharing_arrangements[0].parties == ["ons"]


def test_joint_notice_recipient_examples(seeds: SeedSet) -> None:
    act = _act(_doc(seeds, "cambridgeshire-peterborough-early-help"), "early-help-assessment")
    assert _examples(act.recipients, "council-services") == ["colleagues in the council"]
    assert _examples(act.recipients, "partner-agencies") == ["health colleagues"]
