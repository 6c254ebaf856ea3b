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


def test_camden_controller_identical_in_both_notices(seeds: SeedSet) -> None:
    early = _doc(seeds, "camden-early-help").controllers[0]
    family = _doc(seeds, "camden-family-support").controllers[0]
    assert early == family
    assert early.dpo is not None
    assert early.dpo.name == "Andrew Maughan"
    assert early.dpo.role == "Borough Solicitor"
    assert early.dpo.email == "dpo@camden.gov.uk"
    assert early.dpo.phone == "020 7974 4444"
    assert early.website == "www.camden.gov.uk"
    assert "WC1H 9JE" in (early.address or "")


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
    assert set(arrangement.parties) == {"dluhc", "iff-research"}
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
