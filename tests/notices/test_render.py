"""Tests of the notice renderer: unit tests on synthetic documents, then golden files.

Golden files (``tests/notices/golden/<service_id>.html|.md|.txt``) hold the rendered text of
the seed notices, reviewed by eye against the source notices. Regenerate them with
``ROPA_UPDATE_GOLDEN=1 python -m pytest tests/notices``.
"""

from __future__ import annotations

import functools
import os
import re
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest

from app.notices.render import MEDIA_TYPES, render_notice
from app.register.document import NoticeDocument
from app.register.vocabulary import Vocabulary

FORMATS = ("html", "markdown", "text")
ROOT = Path(__file__).resolve().parents[2]
GOLDEN = Path(__file__).resolve().parent / "golden"
SUFFIX = {"html": "html", "markdown": "md", "text": "txt"}


def vocabulary() -> Vocabulary:
    return Vocabulary.from_data(
        {
            "data_categories": [
                {"slug": "identity", "name": "Identity details", "kind": "personal"},
                {"slug": "contact", "name": "Contact details", "kind": "personal"},
                {"slug": "photos", "name": "Photographs and videos", "kind": "personal"},
                {"slug": "special.health", "name": "Health", "kind": "special_category"},
                {
                    "slug": "criminal.offences",
                    "name": "Criminal offences",
                    "kind": "criminal_offence",
                },
            ],
            "data_subjects": [
                {"slug": "child", "name": "Children"},
                {"slug": "parent", "name": "Parents and carers"},
            ],
            "parties": [
                {"slug": "police", "name": "Police", "kind": "organisation"},
                {"slug": "schools", "name": "Schools", "kind": "category"},
                {"slug": "ofsted", "name": "Ofsted", "kind": "organisation"},
                {"slug": "other-parents", "name": "Other parents", "kind": "category"},
            ],
            "lawful_bases": [
                {
                    "slug": "art6-1-a",
                    "code": "Art 6(1)(a)",
                    "article": "6",
                    "name": "Consent",
                    "description": "consent",
                    "uri": "https://www.legislation.gov.uk/eur/2016/679/article/6",
                },
                {
                    "slug": "art6-1-e",
                    "code": "Art 6(1)(e)",
                    "article": "6",
                    "name": "Public task",
                    "description": "public task",
                    "uri": "https://www.legislation.gov.uk/eur/2016/679/article/6",
                },
                {
                    "slug": "art9-2-g",
                    "code": "Art 9(2)(g)",
                    "article": "9",
                    "name": "Substantial public interest",
                    "description": "substantial public interest",
                    "requires_schedule1_part": 2,
                    "uri": "https://www.legislation.gov.uk/eur/2016/679/article/9",
                },
                {
                    "slug": "art10",
                    "code": "Art 10",
                    "article": "10",
                    "name": "Criminal offence data",
                    "description": "criminal offence data",
                    "uri": "https://www.legislation.gov.uk/eur/2016/679/article/10",
                },
                {
                    "slug": "dpa2018-sch1-para18",
                    "code": "DPA 2018 Sch 1 Pt 2 para 18",
                    "article": "sch1",
                    "name": "Safeguarding of children and individuals at risk",
                    "description": "safeguarding",
                    "schedule1_part": 2,
                    "schedule1_paragraph": 18,
                    "pairs_with": ["art9-2-g", "art10"],
                    "uri": "https://www.legislation.gov.uk/ukpga/2018/12/schedule/1/paragraph/18",
                },
                {
                    "slug": "dpa2018-sch1-para36",
                    "code": "DPA 2018 Sch 1 Pt 3 para 36",
                    "article": "sch1",
                    "name": "Extension of conditions in Part 2",
                    "description": "extension",
                    "schedule1_part": 3,
                    "schedule1_paragraph": 36,
                    "pairs_with": ["art10"],
                    "uri": "https://www.legislation.gov.uk/ukpga/2018/12/schedule/1/paragraph/36",
                },
            ],
            "statutes": [
                {
                    "slug": "children-act-1989",
                    "title": "Children Act 1989",
                    "year": 1989,
                    "kind": "act",
                    "legislation_type": "ukpga",
                    "number": 41,
                    "uri": "https://www.legislation.gov.uk/ukpga/1989/41",
                },
            ],
        }
    )


def document_data() -> dict[str, Any]:
    """A notice with a distinctive value in every field the renderer must carry."""
    return {
        "controllers": [
            {
                "id": "anytown",
                "name": "Anytown Borough Council",
                "address": "Town Hall\nHigh Street\nAnytown AN1 1AA",
                "website": "https://www.anytown.gov.uk",
                "phone": "01234 567890",
                "ico_registration_number": "Z1234567",
                "corporate_privacy_notice_url": "https://www.anytown.gov.uk/privacy",
                "dpo": {
                    "name": "Dana Officer",
                    "role": "Borough Solicitor",
                    "email": "dpo@anytown.gov.uk",
                    "phone": "01234 000111",
                    "address": "DPO Office, Town Hall",
                },
            }
        ],
        "service": {
            "id": "anytown-early-help",
            "name": "Anytown Early Help",
            "description": "Early help for families in Anytown.",
            "sub_services": ["Youth Service", "Family Hubs"],
            "controllers": ["anytown"],
        },
        "notice": {
            "title": "Early Help Privacy Notice",
            "last_updated": "2023-11-01",
            "last_updated_as_written": "November 2023",
            "introduction": "This notice explains how we use your information.",
            "rights": [
                {"right": "access", "text": "ask for a copy of your records"},
                {"right": "erasure"},
            ],
            "rights_text": "You do not have to pay to exercise your rights.",
            "complaint": {
                "text": "You can complain to the ICO if unhappy.",
                "contact_first": {"email": "complaints@anytown.gov.uk"},
                "ico_contact": {
                    "name": "Information Commissioner's Office",
                    "phone": "0303 123 1113",
                    "address": "Wycliffe House, Water Lane, Wilmslow, Cheshire, SK9 5AF",
                    "url": "https://ico.org.uk",
                },
            },
            "security": "We keep your information locked away.",
            "provision_requirement": "If you do not give it, we cannot help you.",
            "cookies": "We use cookies on our website.",
            "other_sections": [{"heading": "Under 13", "text": "Ask a parent first."}],
        },
        "activities": [
            {
                "id": "support",
                "name": "Family support",
                "description": "Casework with families.",
                "purposes": ["plan and provide support", "evaluate our services"],
                "data_subjects": [{"subject": "child"}, {"subject": "parent"}],
                "data_categories": [
                    {"category": "identity", "examples": ["name", "date of birth"]},
                    {"category": "special.health", "examples": ["mental health"]},
                    {"category": "criminal.offences", "examples": ["youth offending"]},
                ],
                "sources": [
                    {
                        "party": "police",
                        "data_categories": ["criminal.offences"],
                        "condition": "where consent has been given",
                    }
                ],
                "recipients": [
                    {
                        "party": "schools",
                        "examples": ["academies", "free schools"],
                        "as_written": "schools such as academies and free schools",
                    },
                    {"party": "ofsted", "condition": "in the event of an inspection"},
                ],
                "lawful_bases": [
                    {"basis": "art6-1-e"},
                    {"basis": "art9-2-g"},
                    {"basis": "dpa2018-sch1-para18"},
                    {"basis": "art10"},
                    {"basis": "dpa2018-sch1-para36"},
                ],
                "statutes": [
                    {
                        "cited_as": "Children's Act 1989 sections 17 and 47",
                        "statute": "children-act-1989",
                        "provisions": ["section 17", "section 47", "schedule 2 part 1"],
                    },
                    {"cited_as": "Equality Act 2005"},
                    {"cited_as": "Working Together", "kind_as_cited": "guidance"},
                ],
                "retention": [
                    {
                        "trigger": "date_of_birth",
                        "duration": "P25Y",
                        "applies_to": "children",
                        "text": "until the child is 25",
                    },
                    {
                        "trigger": "case_closure",
                        "duration": "P6Y",
                        "applies_to": "adults",
                        "text": "six years for adults",
                    },
                ],
                "systems": ["MOSAIC"],
                "sharing_arrangements": [
                    {
                        "name": "National Insights",
                        "description": "A national data collection.",
                        "parties": ["schools"],
                        "pseudonymised": True,
                        "end_date": "2025-03-31",
                        "end_date_as_written": "March 2025",
                        "agreement_url": "https://www.anytown.gov.uk/dsa",
                    }
                ],
                "transfers": {
                    "occurs": "conditional",
                    "destinations": ["Narnia"],
                    "safeguards": "we liaise with the authority there",
                    "text": "Only if a child moves abroad.",
                },
                "automated_decision_making": {"used": False, "text": "We do not use ADM."},
            },
            {
                "id": "nursery-app",
                "name": "Nursery app",
                "purposes": ["share your child's development"],
                "data_subjects": [{"subject": "child"}],
                "data_categories": [{"category": "photos", "examples": ["video clips"]}],
                "recipients": [{"party": "other-parents", "data_categories": ["photos"]}],
                "lawful_bases": [{"basis": "art6-1-a"}],
                "consent_dependent": True,
                "systems": ["eyManage"],
            },
        ],
    }


def document(**changes: Any) -> NoticeDocument:
    data = document_data()
    data.update(changes)
    return NoticeDocument.model_validate(data)


def render_all(doc: NoticeDocument, vocab: Vocabulary | None = None) -> dict[str, str]:
    vocab = vocab or vocabulary()
    return {fmt: render_notice(doc, vocab, fmt=fmt) for fmt in FORMATS}  # type: ignore[arg-type]


# --- facts -----------------------------------------------------------------------------------

FACTS = [
    "Early Help Privacy Notice",
    "This notice explains how we use your information.",
    "Anytown Early Help",
    "Early help for families in Anytown.",
    "Youth Service",
    "Family Hubs",
    "Anytown Borough Council",
    "Town Hall, High Street, Anytown AN1 1AA",
    "01234 567890",
    "Z1234567",
    "https://www.anytown.gov.uk/privacy",
    "Dana Officer",
    "Borough Solicitor",
    "dpo@anytown.gov.uk",
    "01234 000111",
    "DPO Office, Town Hall",
    "Family support",
    "Casework with families.",
    "Nursery app",
    "plan and provide support",
    "evaluate our services",
    "share your child",
    "Children",
    "Parents and carers",
    "Identity details, such as name and date of birth",
    "Health, such as mental health",
    "Criminal offences, such as youth offending",
    "Photographs and videos, such as video clips",
    "Police: Criminal offences, where consent has been given",
    "Schools (for example academies and free schools)",
    "Ofsted, in the event of an inspection",
    "Other parents: Photographs and videos",
    "Public task",
    "Article 6(1)(e)",
    "Consent",
    "Article 6(1)(a)",
    "Substantial public interest",
    "Article 9(2)(g)",
    "Safeguarding of children and individuals at risk",
    "Schedule 1, Part 2, paragraph 18",
    "Article 10",
    "Schedule 1, Part 3, paragraph 36",
    "Children Act 1989",
    "section 17",
    "section 47",
    "schedule 2 part 1",
    "Equality Act 2005",
    "Working Together",
    "National Insights",
    "A national data collection.",
    "pseudonymised",
    "March 2025",
    "https://www.anytown.gov.uk/dsa",
    "Only if a child moves abroad.",
    "Narnia",
    "we liaise with the authority there",
    "until the child is 25",
    "six years for adults",
    "until the age of 25",
    "6 years after the case is closed",
    "We do not use ADM.",
    "If you do not give it, we cannot help you.",
    "ask for a copy of your records",
    "Right to erasure",
    "Right to withdraw consent",
    "You do not have to pay to exercise your rights.",
    "You can complain to the ICO if unhappy.",
    "complaints@anytown.gov.uk",
    "Information Commissioner",
    "0303 123 1113",
    "Wycliffe House, Water Lane, Wilmslow, Cheshire, SK9 5AF",
    "https://ico.org.uk",
    "We keep your information locked away.",
    "MOSAIC",
    "eyManage",
    "We use cookies on our website.",
    "Under 13",
    "Ask a parent first.",
    "November 2023",
]


def plain(fmt: str, rendered: str) -> str:
    """The rendered text with markup removed and whitespace normalised, to look for facts."""
    text = rendered
    if fmt == "html":
        text = re.sub(r"<[^>]+>", "", text)
        text = text.replace("&#39;", "'").replace("&amp;", "&").replace("&quot;", '"')
    elif fmt == "markdown":
        text = re.sub(r"\]\([^)]*\)", "]", text)
        text = text.replace("**", "").replace("[", "").replace("]", "")
        text = re.sub(r"\\(.)", r"\1", text)
    return " ".join(text.split())


@pytest.mark.parametrize("fmt", FORMATS)
def test_every_fact_appears(fmt: str) -> None:
    text = plain(fmt, render_all(document())[fmt])
    missing = [fact for fact in FACTS if fact not in text]
    assert missing == []


@pytest.mark.parametrize("fmt", FORMATS)
def test_special_category_and_criminal_data_named_as_such(fmt: str) -> None:
    text = plain(fmt, render_all(document())[fmt])
    assert "Special category information" in text
    assert "Criminal offence information" in text
    special = text.index("Special category information")
    criminal = text.index("Criminal offence information")
    assert special < text.index("Health, such as mental health") < criminal
    assert criminal < text.index("Criminal offences, such as youth offending")


def test_sections_in_ico_order() -> None:
    text = render_all(document())["markdown"]
    headings = re.findall(r"^## (.+)$", text, re.MULTILINE)
    assert headings == [
        "About this service",
        "Who we are",
        "Our Data Protection Officer",
        "What information we use",
        "Where we get your information from",
        "Why we use your information",
        "Our lawful basis for using your information",
        "Who we share your information with",
        "Sending your information outside the UK",
        "How long we keep your information",
        "Automated decision-making",
        "Do you have to give us your information?",
        "Your rights",
        "How to complain",
        "How we keep your information secure",
        "Cookies",
        "Under 13",
        "Changes to this notice",
    ]


def minimal() -> NoticeDocument:
    return NoticeDocument.model_validate(
        {
            "controllers": [{"id": "c", "name": "Council C"}],
            "service": {"id": "s", "name": "Service S", "controllers": ["c"]},
            "notice": {"title": "Notice N"},
            "activities": [{"id": "a", "name": "Activity A", "purposes": ["help you"]}],
        }
    )


@pytest.mark.parametrize("fmt", FORMATS)
def test_empty_sections_are_left_out(fmt: str) -> None:
    text = render_all(minimal())[fmt]
    for heading in (
        "Data Protection Officer",
        "What information",
        "lawful basis",
        "share",
        "outside the UK",
        "How long",
        "utomated",
        "Your rights",
        "complain",
        "secure",
        "Cookies",
        "Changes to this notice",
        "Special category",
        "Criminal offence",
    ):
        assert heading not in text
    assert "help you" in text
    assert "Council C" in text


def test_version_metadata_and_draft_marker() -> None:
    data = document_data()
    data["notice"].update(
        version=3,
        status="draft",
        effective_from="2024-04-01",
        change_summary="Added the nursery app.",
        last_updated_as_written="Last updated March 2024",
    )
    text = render_notice(NoticeDocument.model_validate(data), vocabulary(), fmt="text")
    assert text.index("This is a draft notice.") < text.index("About this service")
    tail = text[text.index("Changes to this notice") :]
    assert "This notice was last updated: March 2024." in tail
    assert "This is version 3 of the notice, in effect from 1 April 2024." in tail
    assert "Added the nursery app." in tail
    data["notice"].update(status="in_effect", last_updated_as_written=None)
    text = render_notice(NoticeDocument.model_validate(data), vocabulary(), fmt="text")
    assert "draft" not in text
    assert "This notice was last updated: 1 November 2023." in text


def test_no_complaint_section_without_complaint_and_no_invented_ico_contact() -> None:
    data = document_data()
    data["notice"]["complaint"] = None
    text = render_notice(NoticeDocument.model_validate(data), vocabulary(), fmt="text")
    assert "How to complain" not in text
    assert "0303 123 1113" not in text
    data["notice"]["complaint"] = {"text": "You can complain to the ICO."}
    text = render_notice(NoticeDocument.model_validate(data), vocabulary(), fmt="text")
    assert "How to complain" in text
    assert "You can complain to the ICO." in text
    assert "Information Commissioner's Office" not in text, "only the notice's own words"
    assert "0303" not in text


def test_html_escapes_everything() -> None:
    data = document_data()
    data["activities"][0]["purposes"] = ["<script>alert('x')</script> & more"]
    data["notice"]["title"] = "Notice <b>bold</b>"
    data["controllers"][0]["website"] = "javascript:alert(1)"
    doc = NoticeDocument.model_validate(data)
    for full_page in (False, True):
        html = render_notice(doc, vocabulary(), fmt="html", full_page=full_page)
        assert "<script>" not in html
        assert "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; more" in html
        assert "<b>" not in html
        assert "Notice &lt;b&gt;bold&lt;/b&gt;" in html
        assert 'href="javascript' not in html


def test_markdown_escapes_markup() -> None:
    data = document_data()
    data["activities"][0]["purposes"] = ["*not emphasis* and [not a link](x) <b>"]
    data["notice"]["other_sections"] = [{"heading": "Other", "text": "# not a heading"}]
    md = render_notice(NoticeDocument.model_validate(data), vocabulary(), fmt="markdown")
    assert "\\*not emphasis\\* and \\[not a link\\](x) \\<b\\>" in md
    assert "\n\\# not a heading\n" in md


def _with_links(
    recipients: list[dict[str, Any]], sources: list[dict[str, Any]] | None = None
) -> NoticeDocument:
    """The test notice with one activity, with these recipients (and sources)."""
    data = document_data()
    data["activities"] = data["activities"][:1]
    data["activities"][0]["recipients"] = recipients
    if sources is not None:
        data["activities"][0]["sources"] = sources
    return NoticeDocument.model_validate(data)


@pytest.mark.parametrize("fmt", FORMATS)
def test_party_examples_follow_the_party_name(fmt: str) -> None:
    doc = _with_links(
        [
            {
                "party": "police",
                "examples": ["the Met", "British Transport Police"],
                "condition": "to prevent crime",
                "as_written": "the police, for example the Met and British Transport Police",
            },
        ],
        sources=[
            {
                "party": "schools",
                "examples": ["academies"],
                "data_categories": ["contact"],
                "as_written": "schools (including academies)",
            }
        ],
    )
    text = plain(fmt, render_all(doc)[fmt])
    assert "Police (for example the Met and British Transport Police), to prevent crime" in text
    assert "Schools (including academies): Contact details" in text


@pytest.mark.parametrize(
    ("as_written", "lead"),
    [
        ("schools such as academies", "for example"),
        ("schools (e.g. academies)", "for example"),
        ("schools, for example academies", "for example"),
        ("schools including academies", "including"),
        ("partners which may include schools and academies", "including"),
        ("council services, including but not limited to: schools, academies", None),
        # A body named without "for example" or "including" is part of the party.
        ("academies", "including"),
        (None, "including"),
        # Words in an earlier sentence introduce something else.
        ("Needs such as housing. Data from academies", "including"),
    ],
)
def test_party_examples_lead_follows_the_notice(as_written: str | None, lead: str | None) -> None:
    lead = lead or "including but not limited to"
    doc = _with_links([{"party": "schools", "examples": ["academies"], "as_written": as_written}])
    text = render_notice(doc, vocabulary(), fmt="text")
    assert f"- Schools ({lead} academies)\n" in text


def test_party_examples_joined_clearly_and_repeats_of_the_name_dropped() -> None:
    doc = _with_links(
        [
            {"party": "schools", "examples": ["Schools", "academies"]},
            {"party": "ofsted", "examples": ["Ofsted"]},
            {"party": "police", "examples": ["Police, Camera, Action", "the Met"]},
        ]
    )
    text = render_notice(doc, vocabulary(), fmt="text")
    assert "- Schools (including academies)\n" in text
    assert "- Ofsted\n" in text
    assert "- Police (including Police, Camera, Action; the Met)\n" in text


def test_party_examples_shown_in_grouped_parties_and_merged_across_activities() -> None:
    data = document_data()
    shared = {"data_categories": ["photos"], "condition": "with consent"}
    data["activities"][0]["recipients"] = [
        {
            "party": "schools",
            **shared,
            "examples": ["academies"],
            "as_written": "such as academies",
        },
        {"party": "police", **shared},
    ]
    data["activities"][1]["recipients"] = [
        {"party": "schools", **shared, "examples": ["academies", "free schools"]},
        {"party": "police", **shared},
    ]
    text = render_notice(NoticeDocument.model_validate(data), vocabulary(), fmt="text")
    assert (
        "We may share your information with:\n\n"
        "- Photographs and videos, with consent:\n"
        "  - Schools (for example academies and free schools)\n"
        "  - Police\n"
    ) in text


def test_party_examples_escaped() -> None:
    doc = _with_links(
        [
            {
                "party": "schools",
                "examples": ["<script>alert('x')</script>", "*Saint* [Mary](x) & Co"],
                "as_written": "schools such as <script>alert('x')</script>",
            }
        ]
    )
    html = render_notice(doc, vocabulary(), fmt="html")
    assert "<script>" not in html
    assert (
        "<li>Schools (for example &lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; and "
        "*Saint* [Mary](x) &amp; Co)</li>"
    ) in html
    md = render_notice(doc, vocabulary(), fmt="markdown")
    assert (
        "- Schools (for example \\<script\\>alert('x')\\</script\\> and "
        "\\*Saint\\* \\[Mary\\](x) & Co)\n"
    ) in md


def test_free_text_keeps_paragraphs_lines_and_nested_bullets() -> None:
    data = document_data()
    data["notice"]["other_sections"] = [
        {
            "heading": "Partners",
            "text": "The partners are:\n- Police\n- Schools\n  - Academies\n  - Colleges\n"
            "- Health\n\nBy post:\nTown Hall\nAnytown",
        }
    ]
    doc = NoticeDocument.model_validate(data)
    html = render_notice(doc, vocabulary(), fmt="html")
    assert (
        "<p>The partners are:</p>\n<ul>\n<li>Police</li>\n<li>Schools<ul>\n"
        "<li>Academies</li>\n<li>Colleges</li>\n</ul>\n</li>\n<li>Health</li>\n</ul>\n"
        "<p>By post:<br>\nTown Hall<br>\nAnytown</p>"
    ) in html
    text = render_notice(doc, vocabulary(), fmt="text")
    assert "- Police\n- Schools\n  - Academies\n  - Colleges\n- Health\n" in text
    assert "By post:\nTown Hall\nAnytown\n" in text
    md = render_notice(doc, vocabulary(), fmt="markdown")
    assert "- Schools\n  - Academies\n  - Colleges\n- Health\n" in md
    assert "By post:\\\nTown Hall\\\nAnytown\n" in md


@pytest.mark.parametrize("full_page", [False, True])
@pytest.mark.parametrize("fmt", FORMATS)
def test_deterministic(fmt: str, full_page: bool) -> None:
    first = render_notice(document(), vocabulary(), fmt=fmt, full_page=full_page)  # type: ignore[arg-type]
    second = render_notice(document(), vocabulary(), fmt=fmt, full_page=full_page)  # type: ignore[arg-type]
    assert first == second
    assert first.endswith("\n") and not first.endswith("\n\n")


def test_text_is_wrapped_with_underlined_headings() -> None:
    data = document_data()
    data["notice"]["security"] = " ".join(["We protect your information carefully."] * 20)
    text = render_notice(NoticeDocument.model_validate(data), vocabulary(), fmt="text")
    lines = text.splitlines()
    for line in lines:
        # Only an unbreakable word (a long web address) may run past the margin.
        assert len(line) <= 78 or " " not in line.strip().removeprefix("- ")
    assert lines[0] == "Early Help Privacy Notice"
    assert lines[1] == "=" * len(lines[0])
    index = lines.index("Who we are")
    assert lines[index + 1] == "-" * len("Who we are")
    assert "<" not in text.replace("<https://", "")


def test_full_page_has_title_and_fragment_does_not() -> None:
    doc = document()
    page = render_notice(doc, vocabulary(), fmt="html", full_page=True)
    fragment = render_notice(doc, vocabulary(), fmt="html")
    assert page.startswith("<!DOCTYPE html>")
    assert "<title>Early Help Privacy Notice</title>" in page
    assert "<style>" in page
    assert '<html lang="en-GB">' in page
    assert "<h1>Early Help Privacy Notice</h1>" in page
    assert "<title>" not in fragment and "<html" not in fragment
    assert "<h2>Early Help Privacy Notice</h2>" in fragment
    assert '<h3 id="notice-who-we-are-heading">Who we are</h3>' in fragment
    assert "<ul>" in fragment and "<li>" in fragment
    assert fragment.replace("<h2>", "<h1>").count("<h1>") == 1
    assert '<article class="privacy-notice" lang="en-GB">' in page
    assert '<h2 id="notice-who-we-are-heading">Who we are</h2>' in page


class _Structure(HTMLParser):
    """Checks an HTML fragment: tags balanced, headings never skip a level."""

    VOID = frozenset({"br", "meta", "link", "img", "hr", "input"})

    def __init__(self) -> None:
        super().__init__()
        self.stack: list[str] = []
        self.levels: list[int] = []
        self.problems: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in self.VOID:
            return
        self.stack.append(tag)
        if re.fullmatch(r"h[1-6]", tag):
            level = int(tag[1])
            if self.levels and level > max(self.levels) + 1:
                self.problems.append(f"<{tag}> skips a level after h{max(self.levels)}")
            self.levels.append(level)

    def handle_endtag(self, tag: str) -> None:
        if not self.stack or self.stack.pop() != tag:
            self.problems.append(f"unbalanced </{tag}>")


def html_problems(html: str) -> list[str]:
    parser = _Structure()
    parser.feed(html)
    parser.close()
    return parser.problems + [f"unclosed <{t}>" for t in parser.stack]


@pytest.mark.parametrize("full_page", [False, True])
def test_html_is_well_formed_with_ordered_headings(full_page: bool) -> None:
    html = render_notice(document(), vocabulary(), fmt="html", full_page=full_page)
    assert html_problems(html.replace("<!DOCTYPE html>", "")) == []
    for golden in sorted(GOLDEN.glob("*.html")):
        assert html_problems(golden.read_text(encoding="utf-8")) == [], golden.name


def test_statutes_linked_when_resolved_and_not_when_unresolved() -> None:
    html = render_notice(document(), vocabulary(), fmt="html")
    base = "https://www.legislation.gov.uk/ukpga/1989/41"
    assert f'<a href="{base}">Children Act 1989</a>' in html
    assert f'<a href="{base}/section/17">section 17</a>' in html
    assert f'<a href="{base}/section/47">section 47</a>' in html
    assert f'<a href="{base}/schedule/2/part/1">schedule 2 part 1</a>' in html
    assert "<li>Equality Act 2005</li>" in html
    md = render_notice(document(), vocabulary(), fmt="markdown")
    assert f"[Children Act 1989]({base})" in md
    assert "- Equality Act 2005\n" in md
    text = render_notice(document(), vocabulary(), fmt="text")
    assert "- Children Act 1989: section 17, section 47, schedule 2 part 1" in text


def test_lawful_bases_in_plain_english_with_links() -> None:
    html = render_notice(document(), vocabulary(), fmt="html")
    article6 = "https://www.legislation.gov.uk/eur/2016/679/article/6"
    assert f'<a href="{article6}">UK GDPR Article 6(1)(e)</a>' in html
    assert "carry out a task in the public interest" in html


def test_schedule1_conditions_nested_under_their_article9_condition() -> None:
    text = render_notice(document(), vocabulary(), fmt="text")
    assert (
        "- Substantial public interest (UK GDPR Article 9(2)(g)): we need it for\n"
        "  reasons of substantial public interest set out in law, under these\n"
        "  conditions:\n"
        "  - Safeguarding of children and individuals at risk (Data Protection Act\n"
        "    2018, Schedule 1, Part 2, paragraph 18)\n"
    ) in text
    # A Part 3 condition (criminal offence data) stays with Article 10.
    assert text.index("Article 10):") < text.index("Part 3, paragraph 36")
    html = render_notice(document(), vocabulary(), fmt="html")
    sch1 = "https://www.legislation.gov.uk/ukpga/2018/12/schedule/1/paragraph/18"
    assert "under these conditions:<ul>\n<li><strong>Safeguarding" in html
    assert (
        f'<a href="{sch1}">Data Protection Act 2018, Schedule 1, Part 2, paragraph 18</a>' in html
    )


def test_items_attributed_to_activities_when_several() -> None:
    text = render_notice(document(), vocabulary(), fmt="text")
    personal = text.index("Personal information\n~~~~")
    nursery = text.index("For Nursery app:", personal)
    assert text.index("For Family support:", personal) < nursery
    assert nursery < text.index("- Photographs and videos, such as video clips", personal)
    # Items every activity shares come first, under a lead-in saying so.
    subjects = text.index("For all the uses of your information in this notice:")
    assert subjects < text.index("- Children\n") < text.index("For Family support:")
    assert "Where we rely on your consent for Nursery app, you can withdraw it" in text
    assert "We only use your information for Nursery app if you agree to it." in text
    # Lawful bases are grouped by the activities sharing them.
    assert "For Family support\n~~~~" in text and "For Nursery app\n~~~~" in text
    html = render_notice(document(), vocabulary(), fmt="html")
    assert "<p><strong>For Nursery app:</strong></p>" in html
    single = document_data()
    single["activities"] = single["activities"][:1]
    text = render_notice(NoticeDocument.model_validate(single), vocabulary(), fmt="text")
    assert "For Family support" not in text
    assert "For all the uses" not in text


@pytest.mark.parametrize(
    ("provision", "path"),
    [
        ("section 17", "/section/17"),
        ("section 17(1)(a)", "/section/17/1/a"),
        ("schedule 2 part 1", "/schedule/2/part/1"),
        ("Schedule 1, Part 3, paragraph 36", "/schedule/1/paragraph/36"),
        ("regulation 4", "/regulation/4"),
        ("part 5 chapter 1", "/part/5/chapter/1"),
        ("section 17 and 47", None),
        ("the whole Act", None),
    ],
)
def test_provision_paths(provision: str, path: str | None) -> None:
    from app.notices.render import provision_path

    assert provision_path(provision) == path


def test_media_types() -> None:
    assert MEDIA_TYPES == {
        "html": "text/html; charset=utf-8",
        "markdown": "text/markdown; charset=utf-8",
        "text": "text/plain; charset=utf-8",
    }


def test_unknown_format_rejected() -> None:
    with pytest.raises(ValueError):
        render_notice(document(), vocabulary(), fmt="pdf")  # type: ignore[arg-type]


# --- golden files ----------------------------------------------------------------------------


@functools.cache
def _seeds() -> Any:
    from app.register.seeds import read_seed_dir

    return read_seed_dir(ROOT / "seed")


# With no seed notices the golden test still runs once, and fails: it must never skip.
SEED_IDS = sorted(p.stem for p in (ROOT / "seed").glob("*.yaml")) or ["(no seed notices)"]


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("service_id", SEED_IDS)
def test_golden(service_id: str, fmt: str) -> None:
    seeds = _seeds()
    docs = [d for d in seeds.documents if d.service.id == service_id]
    assert docs, f"no seed notice {service_id!r} in seed/"
    doc = docs[0]
    full_page = False
    rendered = render_notice(doc, seeds.vocabulary, fmt=fmt, full_page=full_page)  # type: ignore[arg-type]
    path = GOLDEN / f"{service_id}.{SUFFIX[fmt]}"
    if os.environ.get("ROPA_UPDATE_GOLDEN") == "1":
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(rendered.encode("utf-8"))
        return
    assert path.exists(), f"missing golden file {path}; run with ROPA_UPDATE_GOLDEN=1"
    assert rendered == path.read_bytes().decode("utf-8"), f"{path} differs from the rendering"


def test_every_seed_has_golden_files() -> None:
    """A golden file with no seed (or a seed with no golden file) fails."""
    if os.environ.get("ROPA_UPDATE_GOLDEN") == "1":
        return
    expected = {f"{s}.{ext}" for s in SEED_IDS for ext in SUFFIX.values()}
    present = {p.name for p in GOLDEN.glob("*") if p.suffix in {".html", ".md", ".txt"}}
    assert present == expected
