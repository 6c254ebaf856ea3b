"""The seed documents keep the councils' words: every text in a seed document is the source
notice's own (quoted verbatim), and the rendered notice shows no contact detail or date that
its own document does not hold, and is not much longer than the source."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from app.notices.render import render_notice
from app.register.document import NoticeDocument
from app.register.seeds import SeedSet

SOURCES = Path("/work/shared/seeds")
ROOT = Path(__file__).resolve().parents[2]
SOURCE_OF = {
    "southwark-early-help": "000",
    "camden-early-help": "001",
    "shropshire-strengthening-families": "002",
    "camden-family-support": "003",
    "cambridgeshire-peterborough-early-help": "004",
}
#: Document fields that hold words of the register's own, not the notice's: identifiers,
#: names of things the register lists (an activity is a ROPA row, named by the register),
#: and the register's facts about versions.
REGISTER_WORDS = {
    "id",
    "slug",
    "terms",
    "category",
    "party",
    "basis",
    "subject",
    "statute",
    "trigger",
    "duration",
    "applies_to",
    "kind_as_cited",
    "occurs",
    "labelled_as",
    "supports",
    "schema_version",
    "controllers",
    "effective_from",
    "change_summary",
    "last_updated",
    "end_date",
    "provisions",
    "gss_code",
    "register_code",
    "controller_relationship",
    "whichever",
    "business_function",
    "used",
    "pseudonymised",
    "consent_dependent",
    "right",
}

#: Keys that hold a list of vocabulary slugs where they are lists of strings (an arrangement's
#: parties, the data a source or recipient concerns).
SLUG_LISTS = {"parties", "data_categories"}


def canon(text: str) -> str:
    text = text.replace("’", "'").replace("‘", "'").replace("“", '"').replace("”", '"')
    text = re.sub(r"[–—]", "-", text)
    return re.sub(r"\s+", " ", text).strip().lower()


def texts(value: Any, pointer: str = "") -> list[tuple[str, str]]:
    """(pointer, text) of every string in the document that should be the notice's words."""
    out: list[tuple[str, str]] = []
    if isinstance(value, dict):
        for k, v in value.items():
            slugs = isinstance(v, list) and all(isinstance(x, str) for x in v)
            if k not in REGISTER_WORDS and not (k in SLUG_LISTS and slugs):
                out += texts(v, f"{pointer}/{k}")
    elif isinstance(value, list):
        for i, v in enumerate(value):
            out += texts(v, f"{pointer}/{i}")
    elif isinstance(value, str):
        out.append((pointer, value))
    return out


def source(service_id: str) -> str:
    return next(SOURCES.glob(SOURCE_OF[service_id] + "_*.txt")).read_text()


@pytest.fixture(scope="module")
def documents(seed: SeedSet) -> dict[str, NoticeDocument]:
    return {d.service.id: d for d in seed.documents}


@pytest.mark.parametrize("service_id", sorted(SOURCE_OF))
def test_every_text_is_the_notices_own_words(
    documents: dict[str, NoticeDocument], service_id: str
) -> None:
    original = canon(source(service_id))
    data = documents[service_id].model_dump(mode="json", exclude_none=True)
    invented = [
        f"{pointer}: {line[:100]}"
        for pointer, text in texts(data)
        for line in text.splitlines()
        if line.strip() and canon(re.sub(r"^\s*[-*•]\s+", "", line)) not in original
    ]
    assert invented == []


_CONTACT_FACTS = re.compile(
    r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+"  # e-mail addresses
    r"|(?:https?://|www\.)[^\s<>()]+"  # web addresses
    r"|\b(?:0|\+44)[\d ]{9,13}\d\b"  # phone numbers
    r"|\b[A-Z]{1,2}\d[A-Z\d]? ?\d[A-Z]{2}\b"  # postcodes
    r"|\b\d{1,2} (?:January|February|March|April|May|June|July|August|September|October"
    r"|November|December) \d{4}\b"  # dates
)


def _squash(text: str) -> str:
    return re.sub(r"[\s.,;:)]+$", "", re.sub(r"\s+", "", text)).lower()


@pytest.mark.parametrize("service_id", sorted(SOURCE_OF))
def test_the_render_shows_only_its_own_documents_contacts_and_dates(
    documents: dict[str, NoticeDocument], seed: SeedSet, service_id: str
) -> None:
    document = documents[service_id]
    held = _squash(document.model_dump_json())
    rendered = render_notice(document, seed.vocabulary, fmt="text")
    foreign = [
        m.group() for m in _CONTACT_FACTS.finditer(rendered) if _squash(m.group()) not in held
    ]
    assert foreign == []


def words(text: str) -> int:
    return len(re.findall(r"\w+(?:['’]\w+)*", text))


@pytest.mark.parametrize("service_id", sorted(SOURCE_OF))
def test_the_render_is_not_much_longer_than_the_source(
    documents: dict[str, NoticeDocument], seed: SeedSet, service_id: str
) -> None:
    rendered = render_notice(documents[service_id], seed.vocabulary, fmt="text")
    ratio = words(rendered) / words(source(service_id))
    assert ratio <= 1.1, f"{ratio:.2f}x the source's words"


FACTS = Path(__file__).resolve().parent / "seed_facts"


def facts_of(service_id: str) -> list[str]:
    """The facts of a source notice a reader must find in its render: one short phrase per
    line, quoted from the source (``seed_facts/<service_id>.facts``; ``#`` starts a comment)."""
    path = FACTS / f"{service_id}.facts"
    lines = [ln.split(" #", 1)[0].strip() for ln in path.read_text().splitlines()]
    return [ln for ln in lines if ln and not ln.startswith("#")]


@pytest.mark.parametrize("service_id", sorted(SOURCE_OF))
def test_every_fact_of_the_source_is_in_the_render(
    documents: dict[str, NoticeDocument], seed: SeedSet, service_id: str
) -> None:
    facts = facts_of(service_id)
    original = canon(source(service_id))
    assert [f for f in facts if canon(f) not in original] == [], "facts must quote the source"
    rendered = canon(render_notice(documents[service_id], seed.vocabulary, fmt="text"))
    missing = [f for f in facts if canon(f) not in rendered]
    assert missing == [], f"{len(facts) - len(missing)} of {len(facts)} facts carried"
