"""One set of legal rules: the checks, the lookup's warnings and the export's "missing required
items" column give the same verdict on every case of every rule about conditions for special
category and criminal offence data (they all call :mod:`app.register.rules`)."""

from __future__ import annotations

import copy
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from app.exports.ropa import CONDITION_ITEMS, Placed, RowBuilder
from app.notices.checks import check_notice
from app.register import rules
from app.register.document import NoticeDocument
from app.register.seeds import read_seed_dir
from app.register.vocabulary import Vocabulary
from app.sharing.service import WARNING_CODES, Consulted, lookup

ROOT = Path(__file__).resolve().parents[2]
TODAY = date(2026, 12, 1)


@pytest.fixture(scope="module")
def vocabulary() -> Vocabulary:
    shipped = read_seed_dir(ROOT / "seed").vocabulary
    # a council's own narrower term under a special category, itself called "personal": it
    # inherits special category from its parent everywhere
    local = Vocabulary.from_data(
        {
            "data_categories": [
                {
                    "slug": "testshire:wellbeing-notes",
                    "name": "Well-being notes",
                    "kind": "personal",
                    "parent": "special.health.mental",
                }
            ]
        }
    )
    return shipped.merged(local)


BASE: dict[str, Any] = {
    "controllers": [
        {
            "id": "testshire",
            "name": "Testshire Council",
            "address": "Shire Hall",
            "dpo": {"email": "dpo@testshire.gov.uk"},
        }
    ],
    "service": {"id": "help", "name": "Help", "controllers": ["testshire"]},
    "notice": {"title": "Help", "security": "Locked away."},
    "activities": [
        {
            "id": "casework",
            "name": "Casework",
            "purposes": ["Help families"],
            "data_subjects": [{"subject": "child"}],
            "data_categories": [],
            "recipients": [{"party": "police"}],
            "lawful_bases": [{"basis": "art6-1-e"}],
            "retention": [{"trigger": "case_closure", "duration": "P6Y", "text": "Six years"}],
        }
    ],
}

#: (categories, further bases) → the rules about conditions that are breached.
CASES: dict[str, tuple[list[str], list[dict[str, Any]], set[rules.RuleId]]] = {
    "ordinary data only": (["personal.identity.name"], [], set()),
    "special without Art 9": (["special.health"], [], {"special-without-art9"}),
    "a child category inherits special category": (
        ["testshire:wellbeing-notes"],
        [],
        {"special-without-art9"},
    ),
    "Art 9(2)(g) without Part 2": (
        ["special.health"],
        [{"basis": "art9-2-g"}],
        {"art9-without-schedule1"},
    ),
    "Art 9(2)(g) with para 18": (
        ["special.health"],
        [{"basis": "art9-2-g"}, {"basis": "dpa2018-sch1-para18"}],
        set(),
    ),
    "Art 9(2)(h) with a Part 2 condition only": (
        ["special.health"],
        [{"basis": "art9-2-h"}, {"basis": "dpa2018-sch1-para18"}],
        {"art9-without-schedule1"},
    ),
    "para 1 paired with Art 9(2)(h)": (
        ["special.health"],
        [
            {"basis": "art9-2-h"},
            {"basis": "dpa2018-sch1-para2", "supports": ["art9-2-h"]},
            {"basis": "dpa2018-sch1-para1", "supports": ["art9-2-h"]},
        ],
        {"schedule1-cannot-support"},
    ),
    "criminal without condition": (["criminal.offences"], [], {"criminal-without-condition"}),
    "criminal with Art 10 alone": (
        ["criminal.offences"],
        [{"basis": "art10"}],
        {"criminal-without-condition"},
    ),
    "criminal with para 36 alone": (
        ["criminal.offences"],
        [{"basis": "art10"}, {"basis": "dpa2018-sch1-para36"}],
        {"para36-without-part2"},
    ),
    "criminal with para 18 and para 36": (
        ["criminal.offences"],
        [{"basis": "art10"}, {"basis": "dpa2018-sch1-para18"}, {"basis": "dpa2018-sch1-para36"}],
        set(),
    ),
}


def _document(categories: list[str], bases: list[dict[str, Any]]) -> NoticeDocument:
    data = copy.deepcopy(BASE)
    act = data["activities"][0]
    act["data_categories"] = [{"category": c} for c in categories]
    act["lawful_bases"] += bases
    return NoticeDocument.model_validate(data)


def _categories_exist(vocabulary: Vocabulary, categories: list[str]) -> None:
    for c in categories:
        assert c in vocabulary.categories, f"test case uses unknown category {c}"


@pytest.mark.parametrize("case", sorted(CASES))
def test_checks_lookup_and_export_agree(vocabulary: Vocabulary, case: str) -> None:
    categories, bases, expected = CASES[case]
    _categories_exist(vocabulary, categories)
    document = _document(categories, bases)
    activity = document.activities[0]

    # the rules themselves
    assert {b.rule for b in rules.condition_breaches(activity, vocabulary)} == expected

    # the checks
    found = check_notice(document, vocabulary, today=TODAY)
    by_checks = {f.rule.split(".", 1)[1] for f in found if f.rule.startswith("consistency.")}
    assert by_checks & set(WARNING_CODES) == expected

    # the lookup, asked about every category the activity names
    answer = lookup(
        consulted=[Consulted("help", 1, date(2026, 1, 1), document)],
        vocabulary=vocabulary,
        at=TODAY,
        recipient="police",
        data_categories=categories,
    )
    codes = {code: rule for rule, code in WARNING_CODES.items()}
    by_lookup = {codes[w.code] for w in answer.warnings if w.code in codes}
    assert by_lookup == expected

    # the export's missing-items column
    row_builder = RowBuilder(
        Placed(id=1, service_id="help", version=1, effective_from=None, controller="testshire"),
        document,
        vocabulary,
    )
    missing = set(row_builder.missing(activity))
    assert missing & set(CONDITION_ITEMS.values()) == {CONDITION_ITEMS[r] for r in expected}
