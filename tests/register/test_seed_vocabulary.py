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
