"""Facts from the five source notices (shared/seeds/00*.txt) as the seed documents record them.

Pure: reads seed/ with read_seed_dir, no database. Each assertion is a fact a reader can check
against the notice text, including the notice's own mistakes, which are kept as written.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from app.notices.checks import names_ico
from app.register.document import Activity, NoticeDocument, PartyLink
from app.register.seeds import SeedSet, read_seed_dir

SEED_DIR = Path("seed")


@pytest.fixture(scope="module")
def seeds() -> SeedSet:
    return read_seed_dir(SEED_DIR)


def _doc(seeds: SeedSet, service_id: str) -> NoticeDocument:
    return next(d for d in seeds.documents if d.service.id == service_id)


def _act(doc: NoticeDocument, activity_id: str) -> Activity:
    return next(a for a in doc.activities if a.id == activity_id)


def _bases(act: Activity) -> set[str]:
    return {b.basis for b in act.lawful_bases}


def _recipients(act: Activity) -> set[str]:
    return {r.party for r in act.recipients}


def _examples(links: list[PartyLink], party: str) -> list[str]:
    """The notice's examples of ``party`` among these sources or recipients."""
    return next(link for link in links if link.party == party).examples


def _citation(act: Activity, cited_as: str):
    return next(s for s in act.statutes if s.cited_as == cited_as)


# ------------------------------------------------------------------------------ the seed set


def test_five_notices_with_their_controllers(seeds: SeedSet) -> None:
    by_service = {d.service.id: sorted(c.id for c in d.controllers) for d in seeds.documents}
    assert by_service == {
        "southwark-early-help": ["southwark"],
        "camden-early-help": ["camden"],
        "shropshire-strengthening-families": ["shropshire"],
        "camden-family-support": ["camden"],
        "cambridgeshire-peterborough-early-help": ["cambridgeshire", "peterborough"],
    }


def test_official_codes(seeds: SeedSet) -> None:
    codes = {c.id: (c.gss_code, c.register_code) for d in seeds.documents for c in d.controllers}
    assert codes == {
        "southwark": ("E09000028", "SWK"),
        "camden": ("E09000007", "CMD"),
        "shropshire": ("E06000051", "SHR"),
        "cambridgeshire": ("E10000003", "CAM"),
        "peterborough": ("E06000031", "PTE"),
    }


def test_undated_notices_take_the_register_creation_date(seeds: SeedSet) -> None:
    for service_id in (
        "southwark-early-help",
        "shropshire-strengthening-families",
        "camden-family-support",
        "cambridgeshire-peterborough-early-help",
    ):
        notice = _doc(seeds, service_id).notice
        assert notice.effective_from == dt.date(2026, 11, 21)
        assert notice.last_updated is None
        assert "states no date" in (notice.change_summary or "")
        assert notice.version is None and notice.status is None


def test_party_examples_are_the_notices_own_words(seeds: SeedSet) -> None:
    """Each example of a source or recipient is words from that link's own text."""
    examples = 0
    for doc in seeds.documents:
        for act in doc.activities:
            for link in [*act.sources, *act.recipients]:
                written = " ".join((link.as_written or "").split())
                for example in link.examples:
                    assert example in written, (doc.service.id, link.party, example)
                    examples += 1
    assert examples > 0


def test_activity_ids_unique_and_every_activity_has_a_purpose(seeds: SeedSet) -> None:
    for doc in seeds.documents:
        ids = [a.id for a in doc.activities]
        assert len(ids) == len(set(ids))
        for act in doc.activities:
            assert act.purposes, f"{doc.service.id}.{act.id}"
            assert act.data_categories, f"{doc.service.id}.{act.id}"


def test_category_kind_follows_its_branch(seeds: SeedSet) -> None:
    expected = {
        "personal": "personal",
        "special": "special_category",
        "criminal": "criminal_offence",
    }
    for term in seeds.vocabulary.categories.values():
        assert term.kind == expected[term.slug.split(".")[0]], term.slug
    gender = seeds.vocabulary.category("personal.identity.gender")
    assert gender is not None and gender.kind == "personal"


def test_renamed_and_replaced_bodies(seeds: SeedSet) -> None:
    dluhc = seeds.vocabulary.party("dluhc")
    assert dluhc is not None
    assert dluhc.replaced_by == "mhclg"
    assert dluhc.replaced_on == dt.date(2024, 7, 8)
    hmce = seeds.vocabulary.party("hm-customs-and-excise")
    assert hmce is not None and hmce.replaced_by == "hmrc"
    assert hmce.replaced_on == dt.date(2005, 4, 18)
    mhclg = seeds.vocabulary.party("mhclg")
    assert mhclg is not None and mhclg.replaced_by is None and mhclg.parent == "central-government"
    police = seeds.vocabulary.party("cambridgeshire-constabulary")
    assert police is not None and police.parent == "police"


def test_no_party_is_defined_twice_and_police_is_one_party(seeds: SeedSet) -> None:
    slugs = [p.slug for p in seeds.vocabulary.parties.values()]
    assert len(slugs) == len(set(slugs))
    for service_id in ("southwark-early-help", "camden-early-help", "camden-family-support"):
        doc = _doc(seeds, service_id)
        assert "police" in {r.party for a in doc.activities for r in a.recipients}


# ------------------------------------------------------------------------- 000 Southwark


def test_southwark_contacts_kept_as_written(seeds: SeedSet) -> None:
    doc = _doc(seeds, "southwark-early-help")
    dpo = doc.controllers[0].dpo
    assert dpo is not None
    assert dpo.email == "DPO@southwark.gov.uk"
    assert dpo.phone == "020 75525 5000"  # one digit too many, as published
    assert doc.notice.complaint is not None
    assert not names_ico(doc.notice.complaint)
    access = next(r for r in doc.notice.rights if r.right == "access")
    assert "County Council" in (access.text or "")


def test_southwark_bases_and_consent_activities(seeds: SeedSet) -> None:
    doc = _doc(seeds, "southwark-early-help")
    main = _act(doc, "early-help")
    assert _bases(main) == {"art6-1-e"}  # no Art 9 or Art 10 condition is named
    assert not main.consent_dependent
    centre = _act(doc, "family-centre")
    assert _bases(centre) == {"art6-1-a"}
    assert centre.consent_dependent
    assert "childrens-centres" in _recipients(centre)
    assert _act(doc, "publicity").consent_dependent


def test_southwark_sources_and_recipients(seeds: SeedSet) -> None:
    main = _act(_doc(seeds, "southwark-early-help"), "early-help")
    victims = next(s for s in main.sources if "criminal.victim-perpetrator" in s.data_categories)
    assert victims.party == "police"
    assert victims.condition == "where consent has been given"
    schools = next(s for s in main.sources if s.party == "schools")
    assert "personal.identifiers.upn" in schools.data_categories
    inspectors = {r.party: r.condition for r in main.recipients if r.party in ("ofsted", "hmip")}
    assert set(inspectors) == {"ofsted", "hmip"}
    assert all("inspection" in (c or "") for c in inspectors.values())
    assert {"dfe", "dwp", "moj", "mhclg"} <= _recipients(main)


def test_southwark_recipient_examples(seeds: SeedSet) -> None:
    main = _act(_doc(seeds, "southwark-early-help"), "early-help")
    assert _examples(main.recipients, "commissioned-providers") == [
        "family support services",
        "youth services",
        "young carers support",
        "NEET support",
        "mental health services",
        "education services",
    ]
    assert _examples(main.recipients, "council-services") == [
        "teams within Southwark Council working to improve outcomes for children and young people"
    ]
    assert _examples(main.recipients, "gps") == ["doctors"]
    assert _examples(main.recipients, "mental-health-services") == ["mental health workers"]


def test_southwark_statutes_and_retention(seeds: SeedSet) -> None:
    main = _act(_doc(seeds, "southwark-early-help"), "early-help")
    assert _citation(main, "The Education Act, 1996").statute == "education-act-1996"
    assert (
        _citation(main, "Adoption & Children Act 2002 and associated regulations").statute
        == "adoption-and-children-act-2002"
    )
    assert {s.statute for s in main.statutes} >= {
        "children-act-1989",
        "crime-and-disorder-act-1998",
    }
    triggers = {r.trigger for r in main.retention}
    assert "corporate_schedule" in triggers
    assert all(r.duration is None for r in main.retention)


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


# --------------------------------------------------------------------------- 002 Shropshire


def test_shropshire_contacts_and_cookies(seeds: SeedSet) -> None:
    doc = _doc(seeds, "shropshire-strengthening-families")
    dpo = doc.controllers[0].dpo
    assert dpo is not None
    assert dpo.phone == "01743 252774"
    assert dpo.email == "information.request@shropshire.gov.uk"
    assert "use-of-cookies" in (doc.notice.cookies or "")
    assert {o.heading for o in doc.notice.other_sections} >= {"Under 13"}


def test_shropshire_bases_as_cited(seeds: SeedSet) -> None:
    doc = _doc(seeds, "shropshire-strengthening-families")
    for act in doc.activities:
        assert _bases(act) == {"art6-1-e", "art6-1-c", "art9-2-g", "art9-2-i"}
        assert not any(b.startswith("dpa2018-sch1") for b in _bases(act))
    i = next(b for b in _act(doc, "early-help").lawful_bases if b.basis == "art9-2-i")
    assert "Health and Social Care" in (i.as_written or "")


def test_shropshire_retention_is_corporate_schedule_only(seeds: SeedSet) -> None:
    doc = _doc(seeds, "shropshire-strengthening-families")
    for act in doc.activities:
        assert [(r.trigger, r.duration) for r in act.retention] == [("corporate_schedule", None)]


def test_shropshire_statutes_as_cited(seeds: SeedSet) -> None:
    act = _act(_doc(seeds, "shropshire-strengthening-families"), "early-help")
    ca2004 = _citation(act, "Sections 10 and 11 of The Children's Act 2004")
    assert ca2004.statute == "children-act-2004"
    assert ca2004.provisions == ["section 10", "section 11"]
    cfa = _citation(act, "Section 23 and 25 of The Children's and Families Act 2014")
    assert cfa.statute == "children-and-families-act-2014"
    code = _citation(
        act, "the Public Service Delivery, Fraud and Debt: Data Sharing Code of Practice"
    )
    assert code.statute == "digital-economy-act-2017-public-service-delivery-code"
    assert code.kind_as_cited == "law"  # guidance listed among legislation


def test_shropshire_party_examples(seeds: SeedSet) -> None:
    doc = _doc(seeds, "shropshire-strengthening-families")
    early_help = _act(doc, "early-help")
    assert _examples(early_help.recipients, "housing-associations") == [
        "registered social landlords"
    ]
    families = _act(doc, "supporting-families")
    assert _examples(families.sources, "housing-services") == ["Housing Options"]
    assert _examples(families.sources, "youth-offending-teams") == ["Youth Justice Team"]


def test_shropshire_dluhc_evaluation(seeds: SeedSet) -> None:
    act = _act(_doc(seeds, "shropshire-strengthening-families"), "dluhc-evaluation")
    assert _recipients(act) == {"dluhc"}
    parties = set(act.sharing_arrangements[0].parties)
    assert {
        "dluhc",
        "dwp",
        "moj",
        "dfe",
        "hm-customs-and-excise",
        "public-health-england",
    } <= parties
    sources = _act(_doc(seeds, "shropshire-strengthening-families"), "supporting-families").sources
    assert {"police", "dwp", "schools", "compass", "housing-providers"} <= {
        s.party for s in sources
    }


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
    assert _examples(act.recipients, "gps") == ["other primary health professionals"]
    assert _examples(act.recipients, "hospitals") == ["Local hospitals"]
    assert "safeguarding services" in _examples(act.recipients, "commissioned-providers")


def test_family_support_retention(seeds: SeedSet) -> None:
    act = _act(_doc(seeds, "camden-family-support"), "casework")
    assert {(r.applies_to, r.duration) for r in act.retention} == {
        ("children", "P25Y"),
        ("adults", "P6Y"),
    }


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
