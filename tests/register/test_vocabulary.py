"""The vocabulary in memory: hierarchies, inherited kinds, snapshots, a document's own terms."""

from __future__ import annotations

from app.register.document import NoticeDocument
from app.register.seeds import SeedSet
from app.register.vocabulary import Vocabulary, local_vocabulary, reference_problems


def test_hierarchies_and_inherited_kinds(seed: SeedSet) -> None:
    v = seed.vocabulary
    assert v.ancestors("data_categories", "special.health.mental") == (
        "special.health.mental",
        "special.health",
        "special",
    )
    assert "special.health.mental" in v.descendants("data_categories", "special")
    assert v.category_kind("special.health.mental") == "special_category"
    assert v.category_kind("criminal.offences.alleged") == "criminal_offence"
    assert v.category_kind("personal.contact.email") == "personal"


def test_a_child_category_without_a_kind_takes_its_parents() -> None:
    v = Vocabulary.from_data(
        {
            "data_categories": [
                {"slug": "special", "name": "Special", "kind": "special_category"},
                {"slug": "special.x", "name": "X", "parent": "special"},
                {"slug": "personal", "name": "Personal", "kind": "personal"},
                {"slug": "personal.y", "name": "Y", "parent": "personal"},
            ]
        }
    )
    assert v.category_kind("special.x") == "special_category"
    assert v.category_kind("personal.y") == "personal"
    assert v.category_kind("unknown") == "personal"


def test_a_snapshot_keeps_the_terms_used_and_what_they_lean_on(seed: SeedSet) -> None:
    v = seed.vocabulary
    snap = Vocabulary.from_data(
        v.snapshot({"data_categories": ["special.health.mental"], "parties": ["dluhc"]})
    )
    assert set(snap.categories) == {"special.health.mental", "special.health", "special"}
    assert "mhclg" in snap.parties, "a renamed body keeps its successor"
    assert snap.category_kind("special.health.mental") == "special_category"


def test_a_documents_own_terms_are_namespaced_and_checked(seed: SeedSet) -> None:
    data = seed.documents[0].model_dump(mode="json", exclude_none=True)
    owner = data["controllers"][0]["id"]
    data["terms"] = {
        "parties": [{"slug": f"{owner}:youth-panel", "name": "Youth panel", "parent": "polise"}]
    }
    data["activities"][0]["recipients"].append({"party": f"{owner}:youth-panel"})
    document = NoticeDocument.model_validate(data)
    local = local_vocabulary(document)
    assert local.parties[f"{owner}:youth-panel"].controller == owner
    problems = reference_problems(document, seed.vocabulary)
    assert [p.pointer for p in problems] == ["/terms/parties/0/parent"]
    assert "police" in problems[0].suggestions
