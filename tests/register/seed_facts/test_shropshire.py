"""Facts of the seed notices: shropshire."""

from __future__ import annotations

import pytest
from seed_facts_helpers import SEED_DIR, _act, _bases, _citation, _doc, _examples, _recipients

from app.register.seeds import SeedSet, read_seed_dir


@pytest.fixture(scope="module")
def seeds() -> SeedSet:
    return read_seed_dir(SEED_DIR)


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
