"""The statute citation resolver, and the registry of instruments the project ships."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from app.notices.legislation import (
    UNPLACED,
    Resolution,
    Resolver,
    mentions_eu_gdpr,
    parse_provisions,
    resolve_citation,
)
from app.register.seeds import read_vocabulary
from app.register.vocabulary import LEGISLATION_TYPES
from app.register.vocabulary import StatuteBase as StatuteTerm

ROOT = Path(__file__).resolve().parents[2]
REGISTRY = list(read_vocabulary(ROOT / "seed" / "vocab").statutes.values())
RESOLVER = Resolver(REGISTRY)


def resolve(cited_as: str) -> Resolution:
    return RESOLVER.resolve(cited_as)


def slug(r: Resolution) -> str | None:
    return r.statute.slug if r.statute else None


# --------------------------------------------------------------------------- exact


@pytest.mark.parametrize(
    ("cited_as", "expected", "provisions"),
    [
        ("The Care Act 2014 s.42", "care-act-2014", ["section 42"]),
        ("Mental Capacity Act, 2005", "mental-capacity-act-2005", []),
        ("Housing Act 1996 Part 7", "housing-act-1996", ["part 7"]),
        ("Adoption & Children Act 2002", "adoption-and-children-act-2002", []),
        ("Education and Skills Act 2008 (ESA 2008)", "education-and-skills-act-2008", []),
        ("Children (Leaving Care) Act 2000", "children-leaving-care-act-2000", []),
        (
            "Section 17, 37 and 115 of The Crime and Disorder Act 1998",
            "crime-and-disorder-act-1998",
            ["section 17", "section 37", "section 115"],
        ),
        (
            "paragraph 18 of Part 2 of Schedule 1 to the Data Protection Act 2018",
            "data-protection-act-2018",
            ["schedule 1 part 2 paragraph 18"],
        ),
        ("Local Government Act 1972 s.111", "local-government-act-1972", ["section 111"]),
        ("Anti-social Behaviour, Crime and Policing Act 2014", None, []),
        ("UK GDPR Article 6(1)(e)", "uk-gdpr", ["article 6(1)(e)"]),
    ],
)
def test_exact(cited_as: str, expected: str | None, provisions: list[str]) -> None:
    r = resolve(cited_as)
    assert r.status == "exact"
    assert slug(r) == (expected or "anti-social-behaviour-crime-and-policing-act-2014")
    assert list(r.provisions) == provisions


def test_official_numbers_and_initials() -> None:
    assert slug(resolve("SI 2005/1437")) == "education-pupil-information-england-regulations-2005"
    assert slug(resolve("S.I. 2014 No. 1530")) == (
        "special-educational-needs-and-disability-regulations-2014"
    )
    assert slug(resolve("1989 c. 41")) == "children-act-1989"
    assert slug(resolve("HRA 1998")) == "human-rights-act-1998"
    assert resolve("DPA 2018").status == "exact"
    assert slug(resolve("LASPO 2012")) == (
        "legal-aid-sentencing-and-punishment-of-offenders-act-2012"
    )


# --------------------------------------------------------------------------- misnamed


@pytest.mark.parametrize(
    ("cited_as", "intended"),
    [
        ("Childrens Act 1989", "children-act-1989"),
        ("Children's Act 2004 section 10", "children-act-2004"),
        ("The Childrens' Act 1989", "children-act-1989"),
        ("Children and Young Person Act 1969", "children-and-young-persons-act-1969"),
        ("Safeguarding Vulnerable Group Act 2006", "safeguarding-vulnerable-groups-act-2006"),
        ("Homelessness Reductions Act 2017", "homelessness-reduction-act-2017"),
    ],
)
def test_misnamed(cited_as: str, intended: str) -> None:
    r = resolve(cited_as)
    assert r.status == "misnamed"
    assert slug(r) == intended
    assert r.corrections


# --------------------------------------------------------------------------- unknown


def test_a_title_held_in_full_in_another_year_does_not_exist() -> None:
    # the registry holds every Equality Act, Care Act and Mental Capacity Act
    r = resolve("Equality Act 2005")
    assert (r.status, r.reason) == ("nonexistent", "no_such_year")
    assert [s.title for s in r.suggestions] == ["Equality Act 2006", "Equality Act 2010"]

    r = resolve("Care Act 2015 s.42")
    assert (r.status, r.reason) == ("nonexistent", "no_such_year")
    assert [s.title for s in r.suggestions] == ["Care Act 2014"]
    assert list(r.provisions) == ["section 42"]

    r = resolve("Mental Capacity Act 2004")
    assert r.status == "nonexistent"
    assert [s.title for s in r.suggestions] == ["Mental Capacity Act 2005"]


def test_a_title_not_held_in_full_is_not_verified_nearest_years_first() -> None:
    # the registry does not hold every Education Act: 2009 may be real for all it knows
    r = resolve("Education Act 2009")
    assert (r.status, r.reason) == ("not_verified", "no_such_year")
    assert [s.year for s in r.suggestions] == [2011, 2005, 2002]


def test_a_title_without_year_several_acts_share_is_ambiguous() -> None:
    r = resolve("Children Act")
    assert (r.status, r.reason) == ("ambiguous", "no_year")
    assert {"children-act-1989", "children-act-2004"} <= {s.slug for s in r.suggestions}
    assert all(s.title.startswith("Children Act ") for s in r.suggestions)


def test_nothing_like_it_is_not_verified_never_nonexistent() -> None:
    r = resolve("Family Fortunes Act 1999")
    assert (r.status, r.reason) == ("not_verified", "no_match")
    assert r.statute is None
    # a real Act the registry does not hold
    r = resolve("Hunting Act 2004")
    assert r.status == "not_verified"


def test_not_verified_suggests_by_shared_words() -> None:
    r = resolve("Special Educational Needs Regulations 2014")
    assert r.status == "not_verified"
    assert r.suggestions[0].slug == "special-educational-needs-and-disability-regulations-2014"


def test_unplaced_statuses() -> None:
    assert set(UNPLACED) == {"ambiguous", "nonexistent", "not_verified"}


# --------------------------------------------------------------------------- guidance, EU GDPR


@pytest.mark.parametrize(
    ("cited_as", "expected"),
    [
        ("Working Together to Safeguard Children", "working-together-to-safeguard-children"),
        ("Working together to safeguard children 2023", "working-together-to-safeguard-children"),
        # the year names the edition
        ("Keeping Children Safe in Education 2024", "keeping-children-safe-in-education-2024"),
        # a year the title names is not an edition's: the newest edition
        ("Mental Health Act 1983: Code of Practice", "mental-health-act-code-of-practice"),
        ("SEND Code of Practice: 0 to 25 years", "send-code-of-practice"),
    ],
)
def test_guidance(cited_as: str, expected: str) -> None:
    r = resolve(cited_as)
    assert r.status == "guidance"
    assert slug(r) == expected


def test_compound_citation_names_both() -> None:
    r = resolve(
        "The Digital Economy Act 2017 and the Public Service Delivery, Fraud and Debt: "
        "Data Sharing Code of Practice"
    )
    assert (r.status, slug(r)) == ("exact", "digital-economy-act-2017")
    assert [(a.status, slug(a)) for a in r.also] == [
        ("guidance", "digital-economy-act-2017-public-service-delivery-code")
    ]
    # Trailing words that name nothing are not a second instrument.
    assert resolve("Adoption & Children Act 2002 and associated regulations").also == ()


@pytest.mark.parametrize(
    "cited_as",
    [
        "GDPR",
        "EU GDPR Article 6",
        "General Data Protection Regulation (GDPR) Article 6 (1) (c) and(e)",
        "General Data Protection Regulations (2016)",
        "Regulation (EU) 2016/679",
    ],
)
def test_eu_gdpr(cited_as: str) -> None:
    r = resolve(cited_as)
    assert r.status == "eu_gdpr"
    assert slug(r) == "eu-gdpr"  # what it names, never corrected silently
    assert [s.slug for s in r.suggestions] == ["uk-gdpr"]  # what applies today


def test_mentions_eu_gdpr() -> None:
    assert mentions_eu_gdpr("Your rights under the GDPR")
    assert mentions_eu_gdpr("the General Data Protection Regulation and DPA 2018")
    assert mentions_eu_gdpr("Regulation (EU) 2016/679")
    assert not mentions_eu_gdpr("Your rights under the UK GDPR")
    assert not mentions_eu_gdpr("the UK General Data Protection Regulation (GDPR)")
    assert not mentions_eu_gdpr("Data Protection Act 2018")
    assert mentions_eu_gdpr("UK GDPR replaced the EU GDPR")


# --------------------------------------------------------------------------- provisions


@pytest.mark.parametrize(
    ("cited_as", "expected"),
    [
        (
            "Children Act 1989 sections 17 and 47, and schedule 2 part 1",
            ["section 17", "section 47", "schedule 2 part 1"],
        ),
        (
            "Data Protection Act 2018 Schedule 1, Part 3, Paragraph 36",
            ["schedule 1 part 3 paragraph 36"],
        ),
        ("Sections 10 and 11 of The Children Act 2004", ["section 10", "section 11"]),
        ("Care Act 2014 ss. 42-47", ["section 42 to 47"]),
        ("Children Act 1989 s.17(10)", ["section 17(10)"]),
        ("Children Act 1989 Part III", ["part III"]),
        ("Article 9 (2) (g)", ["article 9(2)(g)"]),
        ("Special Educational Needs and Disability Regulations 2014 reg 5", ["regulation 5"]),
        ("Special Educational Needs and Disability Regulations 2014", []),
    ],
)
def test_parse_provisions(cited_as: str, expected: list[str]) -> None:
    assert parse_provisions(cited_as) == expected


# --------------------------------------------------------------------------- generic rules


def test_rules_are_generic() -> None:
    """Nothing depends on the real registry: the same rules work on invented titles."""
    registry = [
        StatuteTerm(slug="widgets-1990", title="Grand Widgets Act 1990", year=1990, kind="act"),
        StatuteTerm(slug="widgets-1995", title="Grand Widgets Act 1995", year=1995, kind="act"),
        StatuteTerm(slug="owl-code", title="Owl's Code of Conduct", year=2001, kind="guidance"),
    ]
    assert resolve_citation("The Grand Widgets Act, 1990 s.3", registry).status == "exact"
    assert resolve_citation("Grand Widget Act 1990", registry).status == "misnamed"
    assert resolve_citation("Grand Widget's Act 1995", registry).status == "misnamed"
    r = resolve_citation("Grand Widgets Act 1993", registry)
    assert [s.slug for s in r.suggestions] == ["widgets-1995", "widgets-1990"]
    assert resolve_citation("Owl's Code of Conduct", registry).status == "guidance"
    assert resolve_citation("GWA 1995", registry).statute == registry[1]


# --------------------------------------------------------------------------- the registry

TYPICAL = [
    "Children Act 1989",
    "Children Act 2004",
    "Children and Families Act 2014",
    "Children and Young Persons Act 1933",
    "Children and Young Persons Act 1969",
    "Children and Young Persons Act 2008",
    "Crime and Disorder Act 1998",
    "Criminal Justice Act 2003",
    "Legal Aid, Sentencing and Punishment of Offenders Act 2012",
    "Police and Criminal Evidence Act 1984",
    "Education Act 1996",
    "Education Act 2002",
    "Education Act 2011",
    "Education and Inspections Act 2006",
    "Academies Act 2010",
    "Care Act 2014",
    "Mental Capacity Act 2005",
    "Mental Health Act 1983",
    "Housing Act 1996",
    "Homelessness Reduction Act 2017",
    "Local Government Act 1972",
    "Local Government Act 2000",
    "Health and Social Care Act 2012",
    "Health and Care Act 2022",
    "Care Standards Act 2000",
    "Human Rights Act 1998",
    "Freedom of Information Act 2000",
    "Safeguarding Vulnerable Groups Act 2006",
    "Counter-Terrorism and Security Act 2015",
    "Domestic Abuse Act 2021",
    "Modern Slavery Act 2015",
    "Anti-social Behaviour, Crime and Policing Act 2014",
    "Sexual Offences Act 2003",
    "Education (Pupil Information) (England) Regulations 2005",
    "Data Protection Act 2018",
]


@pytest.mark.parametrize("title", TYPICAL)
def test_registry_covers_typical_instruments(title: str) -> None:
    r = resolve(title)
    assert r.status == "exact", title
    assert r.statute is not None and r.statute.uri


def test_registry_entries_are_well_formed() -> None:
    slugs = [t.slug for t in REGISTRY]
    assert len(slugs) == len(set(slugs))
    keys = [(t.title.lower(), t.year) for t in REGISTRY]
    assert len(keys) == len(set(keys))
    for t in REGISTRY:
        if t.kind in ("act", "si"):
            assert t.number is not None, t.slug
            assert t.legislation_type in LEGISLATION_TYPES, t.slug
            assert str(t.year) in t.title, t.slug
            assert t.uri is not None
            if t.kind == "si" or t.year >= 1963:
                assert t.uri == (
                    f"https://www.legislation.gov.uk/{t.legislation_type}/{t.year}/{t.number}"
                ), t.slug
            else:  # pre-1963 Acts are published under regnal years
                assert re.fullmatch(
                    rf"https://www\.legislation\.gov\.uk/ukpga/\w+/[\d-]+/{t.number}", t.uri
                ), t.slug
        if t.kind == "guidance":
            assert t.number is None and t.publisher, t.slug


def test_every_registry_title_resolves_to_itself() -> None:
    for t in REGISTRY:
        # one edition of a document with several is named by its year
        cited = f"{t.title} {t.year}" if t.work and str(t.year) not in t.title else t.title
        r = resolve(cited)
        assert slug(r) == t.slug, cited
        expected = "guidance" if t.kind in ("guidance", "code") else "exact"
        if t.slug == "eu-gdpr":
            expected = "eu_gdpr"  # named by its own title, it is still the EU's
        assert r.status == expected, t.title


def test_an_official_number_with_another_instruments_title_is_misnamed() -> None:
    # SI 2006/90 is the Local Safeguarding Children Boards Regulations: no "Adults Boards".
    r = resolve("Local Safeguarding Children & Adults Boards Regulations 2006 (SI 2006/90)")
    assert r.status == "misnamed"
    assert r.statute is not None and r.statute.uri is not None
    assert r.statute.uri.endswith("/uksi/2006/90")
    # the same number with the instrument's own title is exact
    r = resolve("Local Safeguarding Children Boards Regulations 2006 (SI 2006/90)")
    assert r.status == "exact"
