"""The citations of real council notices (examples/citations.tsv) through the resolver.

examples/CITATIONS.md is generated from the resolver's answers; these tests keep it true and
hold the resolver to the hand judgements where they are unambiguous.
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def table() -> ModuleType:
    spec = importlib.util.spec_from_file_location("citations_table", ROOT / "examples/citations.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


def test_at_least_a_hundred_real_citations(table: ModuleType) -> None:
    rows = table.read_rows()
    assert len(rows) >= 100
    assert len({r.notice for r in rows}) >= 30


def test_the_resolver_is_never_wrong_against_the_hand_judgement(table: ModuleType) -> None:
    vocab = table.vocabulary()
    resolver = table.Resolver(list(vocab.statutes.values()))
    wrong = []
    counts = {"right": 0, "wrong": 0, "review": 0}
    for row in table.read_rows():
        verdict, why = table.assess(row, table.answer(row, resolver))
        counts[verdict] += 1
        if verdict == "wrong":
            wrong.append(f"{row.cited!r}: {why}")
    assert not wrong
    assert counts["right"] >= 140, counts


def test_no_real_correctly_named_instrument_is_an_error(table: ModuleType) -> None:
    vocab = table.vocabulary()
    resolver = table.Resolver(list(vocab.statutes.values()))
    for row in table.read_rows():
        if row.verdict != "correct":
            continue
        severities = {sev for _, sev, _ in table.answer(row, resolver).findings}
        assert "error" not in severities, row.cited


def test_citations_md_is_up_to_date(table: ModuleType) -> None:
    assert table.main(["--check"]) == 0, "run: python examples/citations.py"
