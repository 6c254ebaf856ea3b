"""Facts of the seed notices: southwark."""

from __future__ import annotations

import pytest
from seed_facts_helpers import SEED_DIR, _act, _bases, _citation, _doc, _examples, _recipients

from app.notices.checks import complaint_route, names_ico
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
    assert dpo.text == (
        "The Council’s Data Protection Officer (DPO) contact is: DPO@southwark.gov.uk"
    )
    assert doc.notice.complaint is not None
    assert not names_ico(doc.notice.complaint)
    # The Information Commissioner is named for more information, not as a complaint route.
    assert complaint_route(doc.notice.complaint) == "named"
    access = next(r for r in doc.notice.rights if r.right == "access")
    assert "County Council" in (access.text or "")


def test_southwark_states_its_controller_and_no_date(seeds: SeedSet) -> None:
    doc = _doc(seeds, "southwark-early-help")
    # "The Council is the "data controller" for the personal information held by the
    # London Borough of Southwark."
    assert doc.service.controller_relationship == "sole"
    assert 'The Council is the "data controller"' in (doc.service.relationship_as_written or "")
    assert doc.notice.last_updated is None
    assert doc.notice.last_updated_as_written is None
    controller = doc.controllers[0]
    assert controller.phone is None and controller.email is None and controller.address is None
    assert controller.corporate_privacy_notice_url == (
        "https://www.southwark.gov.uk/terms-and-disclaimer/corporate-data-privacy-notice"
    )


def test_southwark_bases_and_consent_activities(seeds: SeedSet) -> None:
    doc = _doc(seeds, "southwark-early-help")
    main = _act(doc, "early-help")
    assert _bases(main) == {"art6-1-e"}  # no Art 9 or Art 10 condition is named
    assert not main.consent_dependent
    evaluation = _act(doc, "service-evaluation")
    assert _bases(evaluation) == {"art6-1-e"}
    assert evaluation.statutes == main.statutes
    assert "evaluate and quality assure the services we provide" in evaluation.purposes
    centre = _act(doc, "family-centre")
    assert _bases(centre) == {"art6-1-a"}
    assert centre.consent_dependent
    assert "childrens-centres" in _recipients(centre)
    assert all("if you have consented for us to do so" in p for p in centre.purposes)
    publicity = _act(doc, "publicity")
    assert publicity.consent_dependent
    assert _bases(publicity) == {"art6-1-a"}
    assert "we may seek specific consent" in (publicity.lawful_bases[0].as_written or "")
    # No Schedule 1 condition and no pairing: the notice names none.
    assert all(not b.supports for a in doc.activities for b in a.lawful_bases)


def test_southwark_categories_as_labelled(seeds: SeedSet) -> None:
    main = _act(_doc(seeds, "southwark-early-help"), "early-help")
    labels: dict[str, set[str | None]] = {}
    for use in main.data_categories:
        labels.setdefault(use.category, set()).add(use.labelled_as)
    # Ethnic origin, beliefs and sexual orientation are listed under "personal information";
    # ethnicity and disability under "special category characteristics".
    assert labels["special.racial-ethnic-origin"] == {"personal", "special_category"}
    assert labels["special.religion-beliefs"] == {"personal"}
    assert labels["special.sex-life-orientation.sexual-orientation"] == {"personal"}
    assert labels["special.health.disability"] == {"special_category"}
    # "young person missing from home" is listed among the "criminal offences".
    assert labels["personal.case-records.safeguarding"] == {"criminal_offence"}
    offences = next(u for u in main.data_categories if u.category == "criminal.offences")
    assert offences.examples == [
        "youth offending",
        "domestic abuse",
        "young person missing from home",
        "crime and anti-social behaviour",
    ]
    upn = next(u for u in main.data_categories if u.category == "personal.identifiers.upn")
    assert "unique pupil number, from your child’s school" in (upn.as_written or "")


def test_southwark_sources_and_recipients(seeds: SeedSet) -> None:
    main = _act(_doc(seeds, "southwark-early-help"), "early-help")
    victims = next(s for s in main.sources if s.condition)
    assert victims.party == "police"
    assert victims.condition == "where consent has been given"
    schools = next(s for s in main.sources if s.party == "schools")
    assert schools.as_written == "your child’s school"
    assert {s.party for s in main.sources} == {
        "data-subject",
        "police",
        "schools",
        "childrens-services",
        "dwp",
        "health",
    }
    inspectors = {r.party: r.condition for r in main.recipients if r.party in ("ofsted", "hmip")}
    assert set(inspectors) == {"ofsted", "hmip"}
    assert all("inspection" in (c or "") for c in inspectors.values())
    assert {"dfe", "dwp", "moj", "mhclg"} <= _recipients(main)
    law = next(r for r in main.recipients if r.party == "criminal-justice")
    assert law.condition == "if required by applicable law"


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
    # "government Departments including ..."
    assert _examples(main.recipients, "central-government") == [
        "Department of Education",
        "Department of Work and Pensions",
        "Ministry of Justice",
        "Ministry of Housing, Communities and Local Government",
    ]
    # The teams, doctors and mental health workers are the recipients the notice names, not
    # examples of them.
    assert _examples(main.recipients, "council-services") == []
    assert _examples(main.recipients, "gps") == []
    assert _examples(main.recipients, "mental-health-services") == []


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
    assert len(main.statutes) == 8
    triggers = {r.trigger for r in main.retention}
    assert "corporate_schedule" in triggers
    assert all(r.duration is None for r in main.retention)
    assert len(main.retention) == 2
