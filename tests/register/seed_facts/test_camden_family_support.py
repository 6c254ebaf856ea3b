"""Facts of the seed notices: camden family support."""

from __future__ import annotations

import pytest
from seed_facts_helpers import SEED_DIR, _act, _bases, _citation, _doc, _examples, _recipients

from app.notices.checks import names_ico
from app.register.seeds import SeedSet, read_seed_dir


@pytest.fixture(scope="module")
def seeds() -> SeedSet:
    return read_seed_dir(SEED_DIR)


# ---------------------------------------------------------------------- 003 Camden Family Support


def test_family_support_citations_kept_as_written(seeds: SeedSet) -> None:
    act = _act(_doc(seeds, "camden-family-support"), "casework")
    equality = _citation(act, "Equality Act 2005")
    assert equality.statute is None  # names no real Act
    ca1989 = _citation(act, "Children's Act 1989 sections 17 and 47")
    assert ca1989.statute == "children-act-1989"
    assert ca1989.provisions == ["section 17", "section 47"]
    sched = _citation(act, "Children's Act 1989 schedule 2 part 1")
    assert sched.provisions == ["schedule 2 part 1"]


def test_family_support_bases_and_contacts(seeds: SeedSet) -> None:
    doc = _doc(seeds, "camden-family-support")
    act = _act(doc, "casework")
    assert _bases(act) == {"art6-1-c", "art6-1-e", "art9-2-g", "art9-2-h", "dpa2018-sch1-para36"}
    assert "art10" not in _bases(act)
    assert act.transfers is not None and act.transfers.occurs == "no"
    assert act.automated_decision_making is not None and not act.automated_decision_making.used
    complaint = doc.notice.complaint
    assert complaint is not None and names_ico(complaint)
    assert complaint.contact_first is not None
    assert complaint.contact_first.email == "dpo@camden.gov.uk"
    assert {"camden-safety-net", "ccgs", "mhclg", "police"} <= _recipients(act)
    assert {r.right for r in doc.notice.rights} == {
        "access",
        "rectification",
        "restriction",
        "objection",
    }


def test_family_support_recipient_examples(seeds: SeedSet) -> None:
    act = _act(_doc(seeds, "camden-family-support"), "casework")
    # "Camden Council Services, including but not limited to: ... Landlord Services, ...
    # Temporary Accommodation, ..."
    housing = next(r for r in act.recipients if r.party == "housing-services")
    assert housing.examples == ["Landlord Services", "Temporary Accommodation"]
    assert "including but not limited to" in (housing.as_written or "")
    # "GPs and other primary health professionals", "Local hospitals": no examples given.
    assert _examples(act.recipients, "gps") == []
    assert _examples(act.recipients, "hospitals") == []
    assert "safeguarding services" in _examples(act.recipients, "commissioned-providers")
    assert _examples(act.recipients, "nhs-trusts") == ["Mental Health Services"]
    # As written: "Ministry for Housing", not "of".
    assert _examples(act.recipients, "central-government") == [
        "Ministry for Housing, Communities and Local Government"
    ]
    # "other organisations (e.g. GP, school nurse, Police)"
    assert _examples(act.sources, "partner-agencies") == ["GP", "school nurse", "Police"]
    assert all(r.condition is None for r in act.recipients)


def test_family_support_retention(seeds: SeedSet) -> None:
    act = _act(_doc(seeds, "camden-family-support"), "casework")
    assert {(r.applies_to, r.duration) for r in act.retention} == {
        ("children", "P25Y"),
        ("adults", "P6Y"),
    }


def test_family_support_contacts_only_its_own(seeds: SeedSet) -> None:
    doc = _doc(seeds, "camden-family-support")
    camden = doc.controllers[0]
    # The notice gives no web address, no address or phone for the council itself, and states
    # no controller relationship and no date.
    assert camden.website is None
    assert camden.corporate_privacy_notice_url is None
    assert camden.address is None
    assert camden.phone is None
    assert doc.service.controller_relationship is None
    assert doc.notice.last_updated is None
    assert doc.notice.last_updated_as_written is None
    dpo = camden.dpo
    assert dpo is not None
    assert (dpo.name, dpo.role, dpo.email, dpo.phone) == (
        "Andrew Maughan",
        "Borough Solicitor",
        "dpo@camden.gov.uk",
        "020 7974 4444",
    )
    assert "WC1H 9JE" in (dpo.address or "")


def test_family_support_categories_as_labelled(seeds: SeedSet) -> None:
    act = _act(_doc(seeds, "camden-family-support"), "casework")
    labels = {(c.category, c.labelled_as) for c in act.data_categories}
    # Ethnicity is listed in "You and your child's personal information (...)".
    assert ("special.racial-ethnic-origin", "personal") in labels
    # "Special category data is defined as: ... gender ... Criminal offence data ..."
    assert ("special.racial-ethnic-origin", None) in labels
    assert ("personal.identity.gender", "special_category") in labels
    assert ("criminal.offences", "special_category") in labels
    assert all(not c.examples for c in act.data_categories if c.category.startswith("special"))


def test_family_support_schedule1_unpaired(seeds: SeedSet) -> None:
    act = _act(_doc(seeds, "camden-family-support"), "casework")
    para36 = next(b for b in act.lawful_bases if b.basis == "dpa2018-sch1-para36")
    assert para36.supports == []  # listed on its own, paired with nothing
    assert para36.as_written == "Data Protection Act 2018 Schedule 1, Part 3, Paragraph 36"
