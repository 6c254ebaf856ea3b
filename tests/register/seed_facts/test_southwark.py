"""Facts of the seed notices: southwark."""

from __future__ import annotations

import pytest
from seed_facts_helpers import SEED_DIR, _act, _bases, _citation, _doc, _examples, _recipients

from app.notices.checks import names_ico
from app.register.seeds import SeedSet, read_seed_dir


@pytest.fixture(scope="module")
def seeds() -> SeedSet:
    return read_seed_dir(SEED_DIR)


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
