"""The shipped vocabularies: consistent, DPV terms that exist, and the coverage councils need."""

from __future__ import annotations

from pathlib import Path

from app.register.seeds import SeedSet
from app.register.vocabulary import VOCABULARIES, vocabulary_problems

DPV_TERMS = Path(__file__).resolve().parents[1] / "data" / "dpv-2.3-terms.txt"
PREFIXES = {
    "dpv:": "https://w3id.org/dpv#",
    "pd:": "https://w3id.org/dpv/pd#",
    "eu-gdpr:": "https://w3id.org/dpv/legal/eu/gdpr#",
    "legal-gb:": "https://w3id.org/dpv/legal/gb#",
}


def test_the_shipped_vocabularies_are_consistent(seed: SeedSet) -> None:
    assert vocabulary_problems(seed.vocabulary) == []


def test_every_dpv_term_used_exists_in_dpv_2_3(seed: SeedSet) -> None:
    known = {
        line.strip()
        for line in DPV_TERMS.read_text().splitlines()
        if line.strip() and not line.startswith("#")
    }
    used = {
        term.dpv
        for name in VOCABULARIES
        for term in seed.vocabulary.terms(name).values()
        if term.dpv
    }
    assert used, "the vocabularies name DPV terms"
    expanded = {}
    for curie in used:
        prefix = next(p for p in PREFIXES if curie.startswith(p))
        expanded[curie] = PREFIXES[prefix] + curie.removeprefix(prefix)
    assert sorted(c for c, iri in expanded.items() if iri not in known) == []


def test_every_art9_and_art10_category_is_shipped(seed: SeedSet) -> None:
    v = seed.vocabulary
    special = {
        s: t.name.lower()
        for s, t in v.categories.items()
        if v.category_kind(s) == "special_category"
    }
    for needed in (
        "racial",
        "political",
        "religio",
        "trade union",
        "genetic",
        "biometric",
        "health",
        "sex life",
        "sexual orientation",
    ):
        assert any(needed in name for name in special.values()), needed
    criminal = [
        t.name.lower() for s, t in v.categories.items() if v.category_kind(s) == "criminal_offence"
    ]
    assert any("conviction" in n for n in criminal) and any("offence" in n for n in criminal)


def test_subjects_and_parties_beyond_early_help(seed: SeedSet) -> None:
    v = seed.vocabulary
    names = " | ".join(t.name.lower() for t in v.subjects.values())
    for needed in (
        "applicant",
        "complainant",
        "councillor",
        "adult carer",
        "young carer",
        "tenant",
    ):
        assert needed in names, needed
    parties = " | ".join(t.name.lower() for t in v.parties.values())
    for needed in (
        "youth justice board",
        "court",
        "electoral",
        "ombudsman",
        "care quality commission",
    ):
        assert needed in parties, needed


#: What a council's notices of each kind of service need, by slug: (parties, subjects, categories).
COVERAGE: dict[str, tuple[set[str], set[str], set[str]]] = {
    "children's social care": (
        {"childrens-social-care", "cafcass", "family-court", "ofsted", "fostering-agencies"},
        {"looked-after-child", "child-in-need", "care-leaver", "foster-carer", "adopter"},
        {"personal.case-records.safeguarding", "personal.case-records.placements"},
    ),
    "adults' social care": (
        {"adult-social-care", "care-providers", "cqc", "court-of-protection", "advocacy-services"},
        {"adult-receiving-care", "adult-at-risk", "adult-carer", "person-lacking-capacity"},
        {"special.health.care-needs", "special.health.mental-capacity"},
    ),
    "education and admissions": (
        {"schools", "school-admissions", "admission-appeal-panels", "dfe"},
        {"pupil", "parent-of-pupil", "school-place-applicant", "student"},
        {"personal.education.admissions", "personal.identifiers.upn"},
    ),
    "SEND": (
        {"send-services", "send-tribunal", "educational-psychology"},
        {"child-with-send"},
        {"personal.education.sen", "personal.education.sen.ehc-plan"},
    ),
    "youth justice": (
        {"youth-justice-board", "youth-offending-teams", "youth-courts", "police", "cps"},
        {"young-offender", "young-person-in-justice-system", "victim", "witness"},
        {"criminal.youth-offending", "criminal.proceedings", "criminal.offences.convictions"},
    ),
    "housing": (
        {"housing-associations", "private-landlords", "housing-ombudsman", "county-court"},
        {"tenant", "leaseholder", "housing-applicant", "homeless-person"},
        {"personal.housing.homelessness", "personal.anti-social-behaviour"},
    ),
    "public health": (
        {"ukhsa", "ohid", "sexual-health-services", "gps", "pharmacies"},
        {"patient", "infection-contact"},
        {"special.health.communicable-disease", "special.health.immunisation"},
    ),
    "revenues and benefits": (
        {"dwp", "hmrc", "valuation-office-agency", "enforcement-agents", "utilities"},
        {"council-tax-payer", "business-ratepayer", "benefit-claimant"},
        {"personal.financial.council-tax", "personal.financial.benefits.housing-benefit"},
    ),
    "licensing": (
        {"licensing-service", "responsible-authorities", "gambling-commission", "dbs"},
        {"licence-applicant", "licence-holder", "objector"},
        {"personal.licences", "criminal.record-checks"},
    ),
    "elections": (
        {"electoral-registration-officers", "returning-officers", "electoral-commission"},
        {"elector", "election-candidate", "councillor", "election-staff"},
        {"personal.electoral.absent-vote", "special.political-opinions"},
    ),
    "everywhere": (
        {
            "emergency-services",
            "fire-and-rescue-services",
            "ambulance-services",
            "courts-and-tribunals",
        },
        {"applicant", "complainant", "adult-carer", "councillor"},
        {"special.trade-union-membership", "special.genetic", "special.biometric"},
    ),
}


def test_every_kind_of_council_service_is_covered(seed: SeedSet) -> None:
    v = seed.vocabulary
    missing = {
        area: (parties - set(v.parties), subjects - set(v.subjects), categories - set(v.categories))
        for area, (parties, subjects, categories) in COVERAGE.items()
    }
    assert {area: m for area, m in missing.items() if any(m)} == {}
    # the terms a resident reads have names, not slugs, and none is retired today
    for needed in COVERAGE.values():
        for vocab, slugs in zip(
            ("parties", "data_subjects", "data_categories"), needed, strict=True
        ):
            for slug in slugs:
                term = v.terms(vocab)[slug]
                assert term.name != slug and term.retired is None, slug
    assert v.category_kind("special.health.mental-capacity") == "special_category"
    assert v.category_kind("personal.anti-social-behaviour") == "personal"
    assert v.ancestors("data_subjects", "person-lacking-capacity")[-1] == "adult"
