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
                    "plain": "consent",
                    "uri": "https://www.legislation.gov.uk/eur/2016/679/article/6",
                },
                {
                    "slug": "art6-1-e",
                    "code": "Art 6(1)(e)",
                    "article": "6",
                    "name": "Public task",
                    "description": "public task",
                    "plain": "carry out a task in the public interest",
                    "uri": "https://www.legislation.gov.uk/eur/2016/679/article/6",
                },
                {
                    "slug": "art9-2-g",
                    "code": "Art 9(2)(g)",
                    "article": "9",
                    "name": "Substantial public interest",
                    "description": "substantial public interest",
                    "plain": "substantial public interest",
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


# --- facts, once each ------------------------------------------------------------------------

FACTS = [
    "Early Help Privacy Notice",
    "This notice explains how we use your information.",
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
    "Identity details (for example name and date of birth)",
    "Health (for example mental health)",
    "Criminal offences (for example youth offending)",
    "Photographs and videos (for example video clips)",
    "Police: Criminal offences, where consent has been given",
    "schools such as academies and free schools",
    "Ofsted, in the event of an inspection",
    "Other parents: Photographs and videos",
    "Art 6(1)(e): carry out a task in the public interest",
    "Art 6(1)(a): consent",
    "Art 9(2)(g): substantial public interest",
    "Art 10",
    "DPA 2018 Sch 1 Pt 2 para 18",
    "DPA 2018 Sch 1 Pt 3 para 36",
    "Children's Act 1989 sections 17 and 47",
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
    "We do not use ADM.",
    "If you do not give it, we cannot help you.",
    "ask for a copy of your records",
    "Right to erasure",
    "You do not have to pay to exercise your rights.",
    "You can complain to the ICO if unhappy.",
    "complaints@anytown.gov.uk",
    "Information Commissioner",
    "0303 123 1113",
    "Wycliffe House, Water Lane, Wilmslow, Cheshire, SK9 5AF",
    "https://ico.org.uk",
    "We keep your information locked away.",
    "We use cookies on our website.",
    "Under 13",
    "Ask a parent first.",
    "November 2023",
    "This depends on your consent.",
]


@pytest.mark.parametrize("fmt", FORMATS)
def test_every_fact_appears(fmt: str) -> None:
    text = plain(fmt, render_all(document())[fmt])
    missing = [fact for fact in FACTS if fact not in text]
    assert missing == []


def test_each_fact_once() -> None:
    data = document_data()
    # the DPO's email in the introduction, the DPO block and the complaint's first contact
    data["notice"]["introduction"] = "Our DPO can be reached at dpo@anytown.gov.uk."
    data["notice"]["complaint"]["contact_first"] = {"email": "dpo@anytown.gov.uk"}
    # the same sentence as two activities' descriptions, and as an arrangement's description
    data["activities"][1]["description"] = "Casework with families."
    data["activities"][0]["sharing_arrangements"][0]["description"] = "Casework with families."
    text = render_notice(NoticeDocument.model_validate(data), vocabulary(), fmt="text")
    assert text.count("dpo@anytown.gov.uk") == 1
    assert text.count("Casework with families.") == 1
    # the same category words for several categories, and the same retention text twice
    data = document_data()
    same = "your name, health and any offences"
    for use in data["activities"][0]["data_categories"]:
        use["as_written"] = same
    data["activities"][1]["retention"] = [
        {"trigger": "case_closure", "duration": "P6Y", "text": "six years for adults"}
    ]
    text = render_notice(NoticeDocument.model_validate(data), vocabulary(), fmt="text")
    assert text.count(same) == 1
    assert text.count("six years for adults") == 1


def test_no_sub_services_repeated_when_the_words_already_say_them() -> None:
    data = document_data()
    data["notice"]["introduction"] = "Early Help includes the Youth Service and Family Hubs."
    text = render_notice(NoticeDocument.model_validate(data), vocabulary(), fmt="text")
    assert text.count("Youth Service") == 1 and "includes:" not in text


@pytest.mark.parametrize("fmt", FORMATS)
def test_special_category_and_criminal_data_named_as_such(fmt: str) -> None:
    text = plain(fmt, render_all(document())[fmt])
    special = text.index("Special category information (UK GDPR Article 9)")
    criminal = text.index("Criminal offence information (UK GDPR Article 10)")
    assert special < text.index("Health (for example mental health)") < criminal
    assert criminal < text.index("Criminal offences (for example youth offending)")


def test_a_category_is_shown_as_the_notice_labels_it() -> None:
    data = document_data()
    data["activities"][0]["data_categories"][1]["labelled_as"] = "personal"
    text = render_notice(NoticeDocument.model_validate(data), vocabulary(), fmt="text")
    personal = text.index("Personal information\n")
    assert personal < text.index("Health (for example mental health)")
    assert "Special category information" not in text


def test_sections_in_order() -> None:
    text = render_all(document())["markdown"]
    headings = re.findall(r"^## (.+)$", text, re.MULTILINE)
    assert headings == [
        "Who we are",
        "Our Data Protection Officer",
        "What information we use",
        "Why we use your information",
        "Our lawful basis",
        "Where we get your information from",
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
    ]


@pytest.mark.parametrize("fmt", FORMATS)
def test_what_the_document_does_not_say_is_not_said(fmt: str) -> None:
    data = document_data()
    data["notice"].update(
        complaint=None,
        rights=[],
        rights_text=None,
        security=None,
        cookies=None,
        other_sections=[],
        last_updated=None,
        last_updated_as_written=None,
        provision_requirement=None,
    )
    data["controllers"][0].pop("dpo")
    for act in data["activities"]:
        act.pop("transfers", None)
        act.pop("automated_decision_making", None)
        act.pop("retention", None)
    text = plain(fmt, render_notice(NoticeDocument.model_validate(data), vocabulary(), fmt=fmt))  # type: ignore[arg-type]
    for absent in (
        "How to complain",
        "Your rights",
        "Data Protection Officer",
        "outside the UK",
        "Automated",
        "How long we keep",
        "Information Commissioner",
        "0303",
        "withdraw",
        "joint controller",
        "data controller",
        "in effect from",
    ):
        assert absent not in text, absent
    assert "Last updated: not stated" in text


def test_the_controllers_relationship_only_as_the_record_states_it() -> None:
    data = document_data()
    second = {**data["controllers"][0], "id": "othertown", "name": "Othertown Council"}
    second.pop("dpo")
    data["controllers"].append(second)
    data["service"]["controllers"] = ["anytown", "othertown"]

    def said(relationship: str | None) -> str:
        data["service"]["controller_relationship"] = relationship
        doc = NoticeDocument.model_validate(data)
        return render_notice(doc, vocabulary(), fmt="text")

    assert "joint controller" not in said(None) and "separate controller" not in said(None)
    assert "Anytown Borough Council and Othertown Council are joint controllers." in said("joint")
    assert "are each a separate controller" in said("separate")
    data["service"]["processor"] = {"name": "Shared Services Ltd"}
    assert "Shared Services Ltd runs this service for" in said("processor")


def test_only_the_notices_own_date_is_shown() -> None:
    data = document_data()
    data["notice"]["effective_from"] = "2026-11-21"
    data["notice"]["version"] = 1
    text = render_notice(NoticeDocument.model_validate(data), vocabulary(), fmt="text")
    assert "November 2023" in text and "2026" not in text and "21 November" not in text


def test_version_change_shown_only_after_the_first_version() -> None:
    data = document_data()
    data["notice"].update(version=1, change_summary="Imported from the notice as published")
    text = render_notice(NoticeDocument.model_validate(data), vocabulary(), fmt="text")
    assert "Imported" not in text and "Changes to this notice" not in text
    data["notice"].update(version=3, change_summary="National Insights sharing ended.")
    text = render_notice(NoticeDocument.model_validate(data), vocabulary(), fmt="text")
    assert "Changes to this notice" in text and "National Insights sharing ended." in text
    data["notice"].update(status="draft")
    text = render_notice(NoticeDocument.model_validate(data), vocabulary(), fmt="text")
    assert "This is a draft. It has not been published." in text


def test_bases_in_the_notices_words_or_by_the_meaning_of_the_letter() -> None:
    data = document_data()
    data["activities"][0]["lawful_bases"][0]["as_written"] = "we have to provide early help"
    text = render_notice(NoticeDocument.model_validate(data), vocabulary(), fmt="text")
    assert "Art 6(1)(e): we have to provide early help" in text
    assert "carry out a task in the public interest" not in text
    assert "Art 6(1)(a): consent" in text


def test_schedule1_conditions_nested_only_under_what_the_notice_pairs_them_with() -> None:
    text = render_notice(document(), vocabulary(), fmt="text")
    # unpaired: listed by themselves, not under Art 9(2)(g)
    assert "- Art 9(2)(g): substantial public interest\n" in text
    assert "Conditions in Schedule 1 to the Data Protection Act 2018:" in text
    data = document_data()
    data["activities"][0]["lawful_bases"][2]["supports"] = ["art9-2-g"]
    text = render_notice(NoticeDocument.model_validate(data), vocabulary(), fmt="text")
    assert (
        "- Art 9(2)(g): substantial public interest\n"
        "  - DPA 2018 Sch 1 Pt 2 para 18: Safeguarding of children and individuals at\n"
        "    risk\n"
    ) in text
    assert "para 36" in text.split("Conditions in Schedule 1")[1]


def test_citations_as_cited_and_linked_to_what_they_name() -> None:
    html = render_notice(document(), vocabulary(), fmt="html")
    base = "https://www.legislation.gov.uk/ukpga/1989/41"
    assert (
        f'<a class="govuk-link" href="{base}">Children&#39;s Act 1989 sections 17 and 47</a>'
        in html
    )
    assert f'<a class="govuk-link" href="{base}/schedule/2/part/1">schedule 2 part 1</a>' in html
    assert "Children Act 1989" not in html, "never corrected silently"
    assert "<li>Equality Act 2005</li>" in html
    text = render_notice(document(), vocabulary(), fmt="text")
    assert "cited as" not in text


def test_debris_does_not_reach_the_public() -> None:
    data = document_data()
    data["notice"]["rights_text"] = (
        "See our website [Your rights](#) for more. This is explained in section 12. "
        "Information listed in section 3 is shared. As explained in 5b above, we may share."
    )
    for fmt in FORMATS:
        out = render_notice(NoticeDocument.model_validate(data), vocabulary(), fmt=fmt)  # type: ignore[arg-type]
        text = plain(fmt, out)
        assert "Your rights for more." in text
        assert "(#)" not in out and 'href="#"' not in out
        assert "section 12" not in text and "section 3" not in text and "5b" not in text
        assert "Information is shared." in text and "We may share." in text


def test_links_in_the_councils_words() -> None:
    data = document_data()
    data["notice"]["rights_text"] = (
        "Write to rights@anytown.gov.uk or see www.anytown.gov.uk/rights or "
        "[our form](https://forms.anytown.gov.uk/rights)."
    )
    html = render_notice(NoticeDocument.model_validate(data), vocabulary(), fmt="html")
    assert (
        '<a class="govuk-link" href="mailto:rights@anytown.gov.uk">rights@anytown.gov.uk</a>'
        in html
    )
    assert (
        '<a class="govuk-link" href="https://www.anytown.gov.uk/rights">www.anytown.gov.uk/rights</a>'
        in html
    )
    assert '<a class="govuk-link" href="https://forms.anytown.gov.uk/rights">our form</a>' in html


def test_a_single_activity_has_no_activity_headings() -> None:
    data = document_data()
    data["activities"] = data["activities"][:1]
    text = render_notice(NoticeDocument.model_validate(data), vocabulary(), fmt="text")
    assert "Family support\n~~~" not in text
    assert "Family support\n~~~" in render_notice(document(), vocabulary(), fmt="text")


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


def test_html_escapes_everything() -> None:
    data = document_data()
    data["activities"][0]["purposes"] = ["<script>alert('x')</script> & more"]
    data["notice"]["title"] = "Notice <b>bold</b>"
    data["controllers"][0]["website"] = "javascript:alert(1)"
    doc = NoticeDocument.model_validate(data)
    for embedded in (True, False):
        html = render_notice(doc, vocabulary(), fmt="html", embedded=embedded)
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


@pytest.mark.parametrize("embedded", [True, False])
@pytest.mark.parametrize("fmt", FORMATS)
def test_deterministic(fmt: str, embedded: bool) -> None:
    first = render_notice(document(), vocabulary(), fmt=fmt, embedded=embedded)  # type: ignore[arg-type]
    second = render_notice(document(), vocabulary(), fmt=fmt, embedded=embedded)  # type: ignore[arg-type]
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


@pytest.mark.parametrize("embedded", [True, False])
def test_html_is_well_formed_with_ordered_headings(embedded: bool) -> None:
    html = render_notice(document(), vocabulary(), fmt="html", embedded=embedded)
    assert html_problems(html) == []
    for golden in sorted(GOLDEN.glob("*.html")):
        assert html_problems(golden.read_text(encoding="utf-8")) == [], golden.name


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
    rendered = render_notice(doc, seeds.vocabulary, fmt=fmt)  # type: ignore[arg-type]
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


def test_a_right_the_councils_words_name_is_not_named_twice() -> None:
    data = document_data()
    data["notice"]["rights"] = [
        {"right": "access", "text": "ask for a copy of your records"},
        {"right": "erasure", "text": "Right to be forgotten: ask us to delete it"},
    ]
    text = render_notice(NoticeDocument.model_validate(data), vocabulary(), fmt="text")
    assert "- Right of access: ask for a copy of your records" in text
    assert "- Right to be forgotten: ask us to delete it" in text
    assert "Right to erasure" not in text
