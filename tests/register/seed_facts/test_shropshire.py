"""Facts of the seed notices: shropshire."""

from __future__ import annotations

import pytest
from seed_facts_helpers import SEED_DIR, _act, _bases, _citation, _doc, _recipients

from app.register.seeds import SeedSet, read_seed_dir

SERVICE = "shropshire-strengthening-families"


@pytest.fixture(scope="module")
def seeds() -> SeedSet:
    return read_seed_dir(SEED_DIR)


# --------------------------------------------------------------------------- 002 Shropshire


def test_shropshire_contacts_and_cookies(seeds: SeedSet) -> None:
    doc = _doc(seeds, SERVICE)
    dpo = doc.controllers[0].dpo
    assert dpo is not None
    assert dpo.phone == "01743 252774"
    assert dpo.email == "information.request@shropshire.gov.uk"
    # "contact our Data Protection Officer; By Post: Information Governance ..."
    assert (dpo.address or "").startswith("Information Governance")
    assert "use-of-cookies" in (doc.notice.cookies or "")
    assert {o.heading for o in doc.notice.other_sections} >= {"Under 13"}


def test_shropshire_says_nothing_it_does_not_state(seeds: SeedSet) -> None:
    doc = _doc(seeds, SERVICE)
    # The notice never says who the data controller is, nor when it was last updated.
    assert doc.service.controller_relationship is None
    assert doc.service.relationship_as_written is None
    assert doc.notice.last_updated is None and doc.notice.last_updated_as_written is None
    # It names no website or switchboard of the council: only the DPO's phone and e-mail.
    council = doc.controllers[0]
    assert council.website is None and council.phone is None and council.email is None
    complaint = doc.notice.complaint
    assert complaint is not None and complaint.ico_contact is not None
    assert complaint.ico_contact.phone == (
        "0303 123 1113 (local rate) or 01625 545 745 if you prefer to use a national rate number"
    )


def test_shropshire_bases_as_cited(seeds: SeedSet) -> None:
    doc = _doc(seeds, SERVICE)
    for act in doc.activities:
        assert _bases(act) == {"art6-1-e", "art6-1-c", "art9-2-g", "art9-2-i"}
        assert not any(b.startswith("dpa2018-sch1") for b in _bases(act))
        assert not any(b.supports for b in act.lawful_bases)  # the notice pairs none
    i = next(b for b in _act(doc, "early-help").lawful_bases if b.basis == "art9-2-i")
    # Cited as Article 9(2)(i), worded as the provision of health or social care (9(2)(h)).
    assert "Health and Social Care" in (i.as_written or "")


def test_shropshire_retention_is_corporate_schedule_only(seeds: SeedSet) -> None:
    doc = _doc(seeds, SERVICE)
    for act in doc.activities:
        assert [(r.trigger, r.duration) for r in act.retention] == [("corporate_schedule", None)]


def test_shropshire_statutes_as_cited(seeds: SeedSet) -> None:
    doc = _doc(seeds, SERVICE)
    act = _act(doc, "early-help")
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
    # One citation per instrument: the Digital Economy Act 2017 once, as the list cites it.
    for each in doc.activities:
        assert [s.cited_as for s in each.statutes if s.statute == "digital-economy-act-2017"] == [
            "The Digital Economy Act 2017"
        ]


def test_shropshire_categories_as_labelled(seeds: SeedSet) -> None:
    act = _act(_doc(seeds, SERVICE), "early-help")
    ethnic = "Ethnic group, home circumstances, language and health information."
    uses = {c.category: c for c in act.data_categories}
    # Listed as personal information ("Any additional personal information ...").
    for slug in ("special.racial-ethnic-origin", "special.health"):
        assert uses[slug].as_written == ethnic
        assert uses[slug].labelled_as == "personal"
    assert uses["personal.identifiers"].examples == ["National Insurance Number", "NHS Number"]
    assert uses["personal.case-records.support-needs"].examples == [
        "what is working well",
        "what you are worried about",
    ]
    # "Records of phone calls to the Front Door service." gives no examples.
    assert uses["personal.communications"].examples == []


def test_shropshire_party_examples(seeds: SeedSet) -> None:
    doc = _doc(seeds, SERVICE)
    # The notice gives no party as an example of another: "registered social landlords",
    # "Housing Options" and "Youth Justice Team" are named alongside, not as examples.
    for act in doc.activities:
        for link in [*act.sources, *act.recipients]:
            assert link.examples == []
    early_help = _act(doc, "early-help")
    assert {"housing-associations", "housing-providers"} <= _recipients(early_help)
    families = _act(doc, "supporting-families")
    assert {"housing-services", "youth-offending-teams"} <= {s.party for s in families.sources}


def test_shropshire_dluhc_evaluation(seeds: SeedSet) -> None:
    doc = _doc(seeds, SERVICE)
    act = _act(doc, "dluhc-evaluation")
    assert _recipients(act) == {"dluhc"}
    description = act.description or ""
    for department in (
        "Department for Work and Pensions (DWP)",
        "Ministry of Justice (MOJ)",
        "Department for Education (DfE) and DBIS",
        "Her Majesty's Customs and Excise (HMRC)",
        "NHS Digital and Public Health England",
    ):
        assert department in description
    sources = _act(doc, "supporting-families").sources
    assert {"police", "dwp", "schools", "compass", "housing-providers"} <= {
        s.party for s in sources
    }


def test_shropshire_early_help_module(seeds: SeedSet) -> None:
    act = _act(_doc(seeds, SERVICE), "early-help")
    [ehm] = act.sharing_arrangements
    assert ehm.name == "Early Help Module (EHM)"
    assert "Shropshire's Early Help case management system" in (ehm.description or "")
