"""Facts of the seed notices: camden early help."""

from __future__ import annotations

import datetime as dt

import pytest
from seed_facts_helpers import SEED_DIR, _act, _bases, _citation, _doc, _examples, _recipients

from app.notices.checks import names_ico
from app.register.seeds import SeedSet, read_seed_dir


@pytest.fixture(scope="module")
def seeds() -> SeedSet:
    return read_seed_dir(SEED_DIR)


# ---------------------------------------------------------------------- 001 Camden Early Help


def test_camden_early_help_controller_is_this_notices_own(seeds: SeedSet) -> None:
    doc = _doc(seeds, "camden-early-help")
    camden = doc.controllers[0]
    assert camden.name == "London Borough of Camden"
    assert camden.dpo is not None
    assert camden.dpo.name == "Andrew Maughan"
    # "... is Andrew Maughan who is the council's Borough Solicitor. He can be contacted at
    # dpo@camden.gov.uk or via [this link](#)": kept as written (the render shows it once).
    assert "the council's Borough Solicitor" in (camden.dpo.text or "")
    assert camden.dpo.email == "dpo@camden.gov.uk"
    # This notice gives no DPO phone or address (the Family Support notice does): none is held.
    assert camden.dpo.phone is None and camden.dpo.address is None
    assert camden.phone is None
    assert camden.website == "www.camden.gov.uk"
    assert camden.address == "Judd Street, London. WC1H 9JE"
    # "The Data Controller is London Borough of Camden"
    assert doc.service.controller_relationship == "sole"
    assert doc.service.relationship_as_written == "The Data Controller is London Borough of Camden"


def test_camden_early_help_dates(seeds: SeedSet) -> None:
    notice = _doc(seeds, "camden-early-help").notice
    assert notice.effective_from == dt.date(2023, 11, 1)
    assert notice.last_updated == dt.date(2023, 11, 1)
    assert notice.last_updated_as_written == "Last updated November 2023"


def test_camden_early_help_bases_per_activity(seeds: SeedSet) -> None:
    doc = _doc(seeds, "camden-early-help")
    casework = _act(doc, "casework")
    assert _bases(casework) == {
        "art6-1-c",
        "art6-1-e",
        "art9-2-g",
        "art9-2-h",
        "dpa2018-sch1-para6",
        "dpa2018-sch1-para18",
        "dpa2018-sch1-para1",
        "dpa2018-sch1-para2",
        "art10",
    }
    assert not casework.consent_dependent
    eylog = _act(doc, "eylog")
    assert _bases(eylog) == {"art6-1-a", "art9-2-a"}
    assert eylog.consent_dependent
    assert {"other-parents", "eyworks"} <= _recipients(eylog)
    other_parents = next(r for r in eylog.recipients if r.party == "other-parents")
    assert "consented" in (other_parents.condition or "")


def test_camden_early_help_recipient_examples(seeds: SeedSet) -> None:
    casework = _act(_doc(seeds, "camden-early-help"), "casework")
    assert "special educational needs services" in _examples(
        casework.recipients, "commissioned-providers"
    )
    assert _examples(casework.recipients, "nhs-trusts") == ["Mental Health Services", "hospitals"]
    assert _examples(casework.recipients, "education") == ["early years"]
    assert _examples(casework.recipients, "council-services")[0] == "Children's Social Work Service"
    assert _examples(casework.recipients, "childrens-social-care") == []
    # As written: "Ministry for Housing", not "of".
    assert "Ministry for Housing, Communities and Local Government" in _examples(
        casework.recipients, "central-government"
    )


def test_camden_early_help_retention_by_age(seeds: SeedSet) -> None:
    casework = _act(_doc(seeds, "camden-early-help"), "casework")
    rules = {(r.applies_to, r.duration, r.trigger) for r in casework.retention}
    assert ("children", "P25Y", "date_of_birth") in rules
    assert any(a == "adults" and d == "P6Y" for a, d, _ in rules)


def test_camden_national_insights_has_ended(seeds: SeedSet) -> None:
    act = _act(_doc(seeds, "camden-early-help"), "national-insights")
    arrangement = act.sharing_arrangements[0]
    assert arrangement.end_date == dt.date(2025, 3, 31)
    assert arrangement.end_date_as_written == "until March 2025"
    assert arrangement.pseudonymised is True
    assert (arrangement.description or "").startswith("Pseudonymised data where names etc")
    assert {"dluhc", "iff-research"} <= _recipients(act)


def test_camden_liia_pseudonymised_and_destroyed_after_six_years(seeds: SeedSet) -> None:
    act = _act(_doc(seeds, "camden-early-help"), "liia")
    assert act.sharing_arrangements[0].pseudonymised is True
    assert [r.duration for r in act.retention] == ["P6Y"]
    assert act.automated_decision_making is not None
    assert act.automated_decision_making.used is False


def test_camden_early_help_citations_and_transfers(seeds: SeedSet) -> None:
    doc = _doc(seeds, "camden-early-help")
    casework = _act(doc, "casework")
    send = _citation(casework, "Special Education Needs and Disability Regulations 2014")
    assert send.statute == "special-educational-needs-and-disability-regulations-2014"
    ca1989 = _citation(casework, "Children Act 1989 sections 17 and 47, and schedule 2 part 1")
    assert ca1989.provisions == ["section 17", "section 47", "schedule 2 part 1"]
    assert {"dluhc", "mhclg", "ccgs"} <= _recipients(casework)
    assert casework.transfers is not None and casework.transfers.occurs == "conditional"
    complaint = doc.notice.complaint
    assert complaint is not None and names_ico(complaint)
    assert complaint.contact_first is not None
    assert complaint.contact_first.email == "dpa@camden.gov.uk"  # differs from the DPO address


def test_camden_early_help_schedule1_pairings_as_written(seeds: SeedSet) -> None:
    """Pairings as the notice makes them: 'For (g) ... paras 6 ... and 18', 'For (h) ... paras 1
    ... and 2' (para 1 cannot support Art 9(2)(h): kept as written, the checks flag it), and Art
    10 'met by ... the Data Protection Act schedule conditions as described above'."""
    casework = _act(_doc(seeds, "camden-early-help"), "casework")
    supports = {b.basis: b.supports for b in casework.lawful_bases if b.supports}
    assert supports == {
        "dpa2018-sch1-para6": ["art9-2-g", "art10"],
        "dpa2018-sch1-para18": ["art9-2-g", "art10"],
        "dpa2018-sch1-para1": ["art9-2-h", "art10"],
        "dpa2018-sch1-para2": ["art9-2-h", "art10"],
    }


def test_camden_early_help_categories_as_labelled(seeds: SeedSet) -> None:
    casework = _act(_doc(seeds, "camden-early-help"), "casework")
    labelled = {(c.category, c.labelled_as) for c in casework.data_categories if c.labelled_as}
    # gender is listed as special category information; well-being among the other information
    assert labelled == {
        ("personal.identity.gender", "special_category"),
        ("special.health.physical", "personal"),
        ("special.health.mental", "personal"),
    }
    examples = {c.category: c.examples for c in casework.data_categories if c.examples}
    assert examples["personal.legal-status"] == ["immigration status"]
    assert "personal.identity.date-of-birth" not in examples  # "DOB" is the category itself
    # The LIIA pseudonymisation illustration is not an example of a data category.
    liia = _act(_doc(seeds, "camden-early-help"), "liia")
    assert all(not c.examples for c in liia.data_categories)
