"""Facts of the seed notices: common."""

from __future__ import annotations

import datetime as dt

import pytest
from seed_facts_helpers import SEED_DIR, _doc

from app.register.seeds import SeedSet, read_seed_dir


@pytest.fixture(scope="module")
def seeds() -> SeedSet:
    return read_seed_dir(SEED_DIR)


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
