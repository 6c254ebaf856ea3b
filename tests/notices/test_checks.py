"""The notice checks: each rule on a small synthetic notice, once triggered and once not.

The builder makes a notice that passes every check; each test changes one thing. The last tests
run the checks on the five seed notices and assert the defects listed in
``shared/seeds/README.md`` are found.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from app.notices.checks import RULES, Finding, check_notice
from app.register.document import NoticeDocument
from app.register.vocabulary import Vocabulary

TODAY = date(2026, 11, 21)
ROOT = Path(__file__).resolve().parents[2]

# --------------------------------------------------------------------------- vocabulary

VOCABULARY = Vocabulary.from_data(
    {
        "data_categories": [
            {"slug": "personal", "name": "Personal details", "kind": "personal"},
            {"slug": "personal.name", "name": "Name", "kind": "personal", "parent": "personal"},
            {"slug": "special", "name": "Special category data", "kind": "special_category"},
            {"slug": "special.health", "name": "Health", "kind": "special_category"},
            {
                "slug": "special.health.mental",
                "name": "Mental health",
                "kind": "personal",  # inherits special category from its parent
                "parent": "special.health",
            },
            {"slug": "criminal", "name": "Criminal offences", "kind": "criminal_offence"},
        ],
        "data_subjects": [{"slug": "child", "name": "Child"}],
        "parties": [
            {"slug": "data-subject", "name": "The person themselves", "kind": "category"},
            {"slug": "police", "name": "Police", "kind": "category"},
            {
                "slug": "mhclg",
                "name": "Ministry of Housing, Communities and Local Government",
                "kind": "organisation",
            },
            {
                "slug": "dluhc",
                "name": "Department for Levelling Up, Housing and Communities",
                "kind": "organisation",
                "replaced_by": "mhclg",
                "replaced_on": "2024-07-08",
            },
            {
                "slug": "future-body",
                "name": "A body renamed next year",
                "kind": "organisation",
                "replaced_by": "mhclg",
                "replaced_on": "2027-04-01",
            },
        ],
        "lawful_bases": [
            {**b, "description": b["name"]}
            for b in (
                {"slug": "art6-1-a", "code": "Art 6(1)(a)", "article": "6", "name": "Consent"},
                {"slug": "art6-1-c", "code": "Art 6(1)(c)", "article": "6", "name": "Legal"},
                {"slug": "art6-1-e", "code": "Art 6(1)(e)", "article": "6", "name": "Public task"},
                {
                    "slug": "art6-1-ea",
                    "code": "Art 6(1)(ea)",
                    "article": "6",
                    "name": "Recognised legitimate interest",
                },
                {"slug": "art6-1-f", "code": "Art 6(1)(f)", "article": "6", "name": "LI"},
                {"slug": "art9-2-a", "code": "Art 9(2)(a)", "article": "9", "name": "Consent"},
                {
                    "slug": "art9-2-g",
                    "code": "Art 9(2)(g)",
                    "article": "9",
                    "name": "Substantial public interest",
                    "requires_schedule1_part": 2,
                },
                {
                    "slug": "art9-2-h",
                    "code": "Art 9(2)(h)",
                    "article": "9",
                    "name": "Health or social care",
                    "requires_schedule1_part": 1,
                },
                {"slug": "art10", "code": "Art 10", "article": "10", "name": "Criminal"},
                {
                    "slug": "dpa2018-sch1-para2",
                    "code": "DPA 2018 Sch 1 Pt 1 para 2",
                    "article": "sch1",
                    "name": "Health or social care purposes",
                    "schedule1_part": 1,
                    "schedule1_paragraph": 2,
                    "pairs_with": ["art9-2-h", "art10"],
                },
                {
                    "slug": "dpa2018-sch1-para18",
                    "code": "DPA 2018 Sch 1 Pt 2 para 18",
                    "article": "sch1",
                    "name": "Safeguarding",
                    "schedule1_part": 2,
                    "schedule1_paragraph": 18,
                    "pairs_with": ["art9-2-g", "art10"],
                },
                {
                    "slug": "dpa2018-sch1-para29",
                    "code": "DPA 2018 Sch 1 Pt 3 para 29",
                    "article": "sch1",
                    "name": "Consent",
                    "schedule1_part": 3,
                    "schedule1_paragraph": 29,
                    "pairs_with": ["art10"],
                },
                {
                    "slug": "dpa2018-sch1-para36",
                    "code": "DPA 2018 Sch 1 Pt 3 para 36",
                    "article": "sch1",
                    "name": "Extension of Part 2 conditions",
                    "schedule1_part": 3,
                    "schedule1_paragraph": 36,
                    "pairs_with": ["art10"],
                },
            )
        ],
        "statutes": [
            {
                "slug": "children-act-1989",
                "title": "Children Act 1989",
                "year": 1989,
                "kind": "act",
                "legislation_type": "ukpga",
                "number": 41,
            },
            {
                "slug": "equality-act-2010",
                "title": "Equality Act 2010",
                "year": 2010,
                "kind": "act",
                "legislation_type": "ukpga",
                "number": 15,
                "every_act_of_title": True,
            },
            {
                "slug": "children-act-2004",
                "title": "Children Act 2004",
                "year": 2004,
                "kind": "act",
                "legislation_type": "ukpga",
                "number": 31,
            },
            {
                "slug": "poor-law-act-1601",
                "title": "Poor Relief Act 1601",
                "year": 1601,
                "kind": "act",
                "status": "repealed",
                "status_date": "1967-01-01",
            },
            {
                "slug": "uk-gdpr",
                "title": "UK General Data Protection Regulation",
                "year": 2016,
                "kind": "eu_regulation",
                "aliases": ["UK GDPR"],
            },
            {
                "slug": "working-together",
                "title": "Working Together to Safeguard Children",
                "year": 2023,
                "kind": "guidance",
                "publisher": "Department for Education",
            },
        ],
    }
)

# --------------------------------------------------------------------------- builder


def _clean_notice() -> dict[str, Any]:
    """A notice with every Art 13/14 item present and nothing wrong."""
    return {
        "controllers": [
            {
                "id": "testshire",
                "name": "Testshire Council",
                "gss_code": "E06000099",
                "address": "Shire Hall, Testtown",
                "phone": "020 7946 0123",
                "dpo": {"email": "dpo@testshire.gov.uk", "phone": "020 7946 0124"},
            }
        ],
        "service": {"id": "testshire-help", "name": "Help", "controllers": ["testshire"]},
        "notice": {
            "title": "Help privacy notice",
            "last_updated": "2026-01-15",
            "introduction": "This notice explains how we use information under the UK GDPR.",
            "rights": [
                {"right": r}
                for r in (
                    "access",
                    "rectification",
                    "erasure",
                    "restriction",
                    "objection",
                    "withdraw_consent",
                    "complain",
                )
            ],
            "complaint": {
                "text": "You can complain to the Information Commissioner's Office (ICO).",
                "contact_first": {"email": "dpo@testshire.gov.uk"},
                "ico_contact": {"phone": "0303 123 1113", "email": "casework@ico.org.uk"},
            },
            "provision_requirement": "If you do not provide it we cannot help you.",
        },
        "activities": [
            {
                "id": "support",
                "name": "Family support",
                "purposes": ["Provide family support"],
                "data_subjects": [{"subject": "child"}],
                "data_categories": [{"category": "personal.name"}],
                "sources": [{"party": "data-subject"}, {"party": "police"}],
                "recipients": [{"party": "police"}],
                "lawful_bases": [{"basis": "art6-1-e"}],
                "statutes": [{"cited_as": "Children Act 1989 section 17"}],
                "retention": [
                    {"trigger": "case_closure", "duration": "P6Y", "text": "Six years after"}
                ],
                "transfers": {"occurs": "no"},
                "automated_decision_making": {"used": False},
            }
        ],
    }


def build(change: Callable[[dict[str, Any]], object] | None = None) -> NoticeDocument:
    data = copy.deepcopy(_clean_notice())
    if change is not None:
        change(data)
    return NoticeDocument.model_validate(data)


def findings(document: NoticeDocument, today: date = TODAY) -> list[Finding]:
    return check_notice(document, VOCABULARY, today=today)


def of_rule(document: NoticeDocument, rule: str, today: date = TODAY) -> list[Finding]:
    return [f for f in findings(document, today) if f.rule == rule]


def act(data: dict[str, Any]) -> dict[str, Any]:
    activity: dict[str, Any] = data["activities"][0]
    return activity


def set_rights(data: dict[str, Any], rights: list[str]) -> None:
    data["notice"]["rights"] = [{"right": r} for r in rights]


# --------------------------------------------------------------------------- baseline


def test_clean_notice_has_no_findings() -> None:
    assert findings(build()) == []


def test_findings_sorted_and_carry_rule_metadata() -> None:
    def many(d: dict[str, Any]) -> None:
        d["controllers"][0]["dpo"] = None
        d["notice"]["complaint"] = None
        act(d)["purposes"] = []

    result = findings(build(many))
    assert [f.pointer for f in result] == sorted(
        (f.pointer for f in result),
        key=lambda p: [int(x) if x.isdigit() else x for x in p.split("/")],
    )
    for f in result:
        assert f.severity == RULES[f.rule].severity
        assert f.legal_reference
    assert findings(build(many)) == result  # deterministic


def test_rules_registry_is_documented() -> None:
    for rule_id, rule in RULES.items():
        assert rule.id == rule_id
        assert rule.title and rule.legal_reference and rule.rationale
        assert rule.severity in ("error", "warning", "info")


# --------------------------------------------------------------------------- Art 13/14


def test_controller_identity() -> None:
    def no_contact(d: dict[str, Any]) -> None:
        c = d["controllers"][0]
        c["address"] = c["phone"] = None
        c["dpo"] = {"name": "The DPO"}

    hits = of_rule(build(no_contact), "art13-14.controller-identity")
    assert [f.pointer for f in hits] == ["/controllers/0"]
    assert hits[0].severity == "error"
    assert of_rule(build(), "art13-14.controller-identity") == []

    # the service's own postal address or phone is its one controller's contact
    def service_contact(d: dict[str, Any]) -> None:
        no_contact(d)
        d["service"]["contact"] = {"name": "Customer Services Team", "phone": "01273 482913"}

    assert of_rule(build(service_contact), "art13-14.controller-identity") == []

    # an e-mail link's label alone is no contact
    def label_only(d: dict[str, Any]) -> None:
        no_contact(d)
        d["service"]["contact"] = {"name": "Customer Services Team"}

    assert len(of_rule(build(label_only), "art13-14.controller-identity")) == 1


def test_controller_designation() -> None:
    def county(d: dict[str, Any]) -> None:
        d["controllers"][0]["gss_code"] = "E09000028"
        d["controllers"][0]["name"] = "London Borough of Testwark"
        d["notice"]["rights"][0]["text"] = "Ask how the County Council processes your data."

    hits = of_rule(build(county), "art13-14.controller-designation")
    assert [f.pointer for f in hits] == ["/notice/rights/0/text"]
    assert "London borough" in hits[0].message

    def real_county(d: dict[str, Any]) -> None:
        county(d)
        d["controllers"][0]["gss_code"] = "E10000003"
        d["controllers"][0]["name"] = "Testshire County Council"

    assert of_rule(build(real_county), "art13-14.controller-designation") == []
    assert of_rule(build(), "art13-14.controller-designation") == []


def test_dpo_contact() -> None:
    def no_dpo(d: dict[str, Any]) -> None:
        d["controllers"][0]["dpo"] = None

    hits = of_rule(build(no_dpo), "art13-14.dpo-contact")
    assert [(f.pointer, f.severity) for f in hits] == [("/controllers/0/dpo", "error")]
    assert of_rule(build(), "art13-14.dpo-contact") == []


def test_purposes() -> None:
    hits = of_rule(build(lambda d: act(d).update(purposes=[])), "art13-14.purposes")
    assert [f.pointer for f in hits] == ["/activities/0/purposes"]
    assert of_rule(build(), "art13-14.purposes") == []


def test_no_activities_at_all() -> None:
    rules = {f.rule for f in findings(build(lambda d: d.update(activities=[])))}
    assert {"art13-14.purposes", "art13-14.lawful-basis"} <= rules


def test_lawful_basis() -> None:
    def only_art9(d: dict[str, Any]) -> None:
        act(d)["lawful_bases"] = [{"basis": "art9-2-a"}]

    hits = of_rule(build(only_art9), "art13-14.lawful-basis")
    assert [f.pointer for f in hits] == ["/activities/0/lawful_bases"]
    assert of_rule(build(), "art13-14.lawful-basis") == []


def test_data_categories() -> None:
    hits = of_rule(build(lambda d: act(d).update(data_categories=[])), "art14.data-categories")
    assert [f.pointer for f in hits] == ["/activities/0/data_categories"]

    def direct_only(d: dict[str, Any]) -> None:  # Art 13 only: Art 14(1)(d) does not apply
        act(d).update(data_categories=[], sources=[{"party": "data-subject"}])

    assert of_rule(build(direct_only), "art14.data-categories") == []
    assert of_rule(build(), "art14.data-categories") == []


def test_recipients() -> None:
    def arrangement_without_recipients(d: dict[str, Any]) -> None:
        act(d)["recipients"] = []
        act(d)["sharing_arrangements"] = [{"name": "National data", "parties": ["mhclg"]}]

    hits = of_rule(build(arrangement_without_recipients), "art13-14.recipients")
    assert [(f.pointer, f.severity) for f in hits] == [("/activities/0/recipients", "warning")]
    assert "National data" in hits[0].message

    def other_parties_supply_data(d: dict[str, Any]) -> None:  # parties need not be recipients
        act(d)["sharing_arrangements"] = [{"name": "Evaluation", "parties": ["mhclg", "police"]}]

    assert of_rule(build(other_parties_supply_data), "art13-14.recipients") == []
    # No sharing described and no recipients: it may share with no one.
    assert of_rule(build(lambda d: act(d).update(recipients=[])), "art13-14.recipients") == []
    assert of_rule(build(), "art13-14.recipients") == []


def test_transfers() -> None:
    def maybe(d: dict[str, Any]) -> None:
        act(d)["transfers"] = {"occurs": "conditional", "text": "If a child moves abroad"}

    assert [f.pointer for f in of_rule(build(maybe), "art13-14.transfers")] == [
        "/activities/0/transfers"
    ]

    def with_safeguards(d: dict[str, Any]) -> None:
        act(d)["transfers"] = {"occurs": "yes", "safeguards": "UK adequacy regulations"}

    assert of_rule(build(with_safeguards), "art13-14.transfers") == []
    assert of_rule(build(lambda d: act(d).update(transfers=None)), "art13-14.transfers") == []


def test_retention() -> None:
    def corporate(d: dict[str, Any]) -> None:
        act(d)["retention"] = [
            {"trigger": "corporate_schedule", "text": "In line with our retention schedule"}
        ]

    hits = of_rule(build(corporate), "art13-14.retention")
    assert [(f.pointer, f.severity) for f in hits] == [("/activities/0/retention", "error")]
    assert "retention schedule" in hits[0].message

    none = of_rule(build(lambda d: act(d).update(retention=[])), "art13-14.retention")
    assert len(none) == 1

    def criteria(d: dict[str, Any]) -> None:  # a criterion without a period is enough
        act(d)["retention"] = [{"trigger": "end_of_service", "text": "Until support ends"}]

    assert of_rule(build(criteria), "art13-14.retention") == []
    assert of_rule(build(), "art13-14.retention") == []


def test_rights() -> None:
    hits = of_rule(build(lambda d: set_rights(d, [])), "art13-14.rights")
    assert [(f.pointer, f.severity) for f in hits] == [("/notice/rights", "error")]
    assert of_rule(build(), "art13-14.rights") == []


def test_rights_incomplete() -> None:
    hits = of_rule(build(lambda d: set_rights(d, ["access"])), "art13-14.rights-incomplete")
    assert len(hits) == 1
    assert "rectification" in hits[0].message and "to object" in hits[0].message
    # Public task: erasure and portability do not apply, so these four suffice.
    public_task = ["access", "rectification", "restriction", "objection"]
    assert of_rule(build(lambda d: set_rights(d, public_task)), "art13-14.rights-incomplete") == []

    def consent(d: dict[str, Any]) -> None:
        set_rights(d, [*public_task, "withdraw_consent"])
        act(d)["lawful_bases"].append({"basis": "art6-1-a"})

    hits = of_rule(build(consent), "art13-14.rights-incomplete")
    assert "erasure" in hits[0].message and "portability" in hits[0].message


def test_withdraw_consent() -> None:
    def consent(d: dict[str, Any]) -> None:
        act(d)["lawful_bases"].append({"basis": "art6-1-a"})
        set_rights(d, ["access", "rectification", "erasure", "restriction", "objection"])

    hits = of_rule(build(consent), "art13-14.withdraw-consent")
    assert [(f.pointer, f.severity) for f in hits] == [("/notice/rights", "error")]

    def explicit(d: dict[str, Any]) -> None:
        consent(d)
        act(d)["lawful_bases"] = [{"basis": "art6-1-e"}, {"basis": "art9-2-a"}]

    assert len(of_rule(build(explicit), "art13-14.withdraw-consent")) == 1
    # No consent basis: nothing to withdraw.
    no_consent = ["access", "rectification", "restriction", "objection"]
    assert of_rule(build(lambda d: set_rights(d, no_consent)), "art13-14.withdraw-consent") == []
    assert (
        of_rule(
            build(lambda d: act(d)["lawful_bases"].append({"basis": "art6-1-a"})),
            "art13-14.withdraw-consent",
        )
        == []
    )


def test_complaint_ico() -> None:
    def not_named(d: dict[str, Any]) -> None:
        d["notice"]["complaint"] = {"text": "Contact us"}

    hits = of_rule(build(not_named), "art13-14.complaint-ico")
    assert [(f.pointer, f.severity) for f in hits] == [("/notice/complaint", "error")]
    assert (
        len(of_rule(build(lambda d: d["notice"].update(complaint=None)), "art13-14.complaint-ico"))
        == 1
    )
    assert of_rule(build(), "art13-14.complaint-ico") == []


def test_complaint_ico_not_stated() -> None:
    def advice_only(d: dict[str, Any]) -> None:
        d["notice"]["complaint"]["text"] = (
            "For independent advice about data protection you can contact the ICO."
        )

    hits = of_rule(build(advice_only), "art13-14.complaint-ico-not-stated")
    assert [(f.pointer, f.severity) for f in hits] == [("/notice/complaint", "warning")]
    assert of_rule(build(advice_only), "art13-14.complaint-ico") == []
    assert of_rule(build(), "art13-14.complaint-ico-not-stated") == []

    def two_paragraphs(d: dict[str, Any]) -> None:
        # a complaint to the council, then the ICO for advice: no complaint to the ICO
        d["notice"]["complaint"]["text"] = (
            "To make a complaint you can contact our Data Protection Officer;\n\n"
            "For independent advice you can contact the Information Commissioner's Office:"
        )

    hits = of_rule(build(two_paragraphs), "art13-14.complaint-ico-not-stated")
    assert [f.pointer for f in hits] == ["/notice/complaint"]


def test_statutory_requirement() -> None:
    no_statement = build(lambda d: d["notice"].update(provision_requirement=None))
    hits = of_rule(no_statement, "art13.statutory-requirement")
    assert [f.pointer for f in hits] == ["/notice/provision_requirement"]

    def third_party_only(d: dict[str, Any]) -> None:  # Art 14 only: 13(2)(e) does not apply
        d["notice"]["provision_requirement"] = None
        act(d)["sources"] = [{"party": "police"}]

    assert of_rule(build(third_party_only), "art13.statutory-requirement") == []
    assert of_rule(build(), "art13.statutory-requirement") == []


def test_source() -> None:
    hits = of_rule(build(lambda d: act(d).update(sources=[])), "art14.source")
    assert [(f.pointer, f.severity) for f in hits] == [("/activities", "warning")]

    def second_activity_reuses_data(d: dict[str, Any]) -> None:
        other = copy.deepcopy(act(d))
        other.update(id="evaluation", name="Service evaluation", sources=[])
        d["activities"].append(other)

    assert of_rule(build(second_activity_reuses_data), "art14.source") == []
    assert of_rule(build(), "art14.source") == []


def test_automated_decisions() -> None:
    def adm(d: dict[str, Any]) -> None:
        act(d)["automated_decision_making"] = {"used": True}

    assert [f.pointer for f in of_rule(build(adm), "art13-14.automated-decisions")] == [
        "/activities/0/automated_decision_making"
    ]

    def explained(d: dict[str, Any]) -> None:
        act(d)["automated_decision_making"] = {"used": True, "text": "A score decides ..."}

    assert of_rule(build(explained), "art13-14.automated-decisions") == []
    assert of_rule(build(), "art13-14.automated-decisions") == []


# --------------------------------------------------------------------------- consistency


def health(d: dict[str, Any]) -> None:
    act(d)["data_categories"].append({"category": "special.health.mental"})


def test_special_without_art9() -> None:
    hits = of_rule(build(health), "consistency.special-without-art9")
    assert [(f.pointer, f.severity) for f in hits] == [("/activities/0/lawful_bases", "error")]

    def in_recipient_link(d: dict[str, Any]) -> None:  # categories on links count too
        act(d)["recipients"][0]["data_categories"] = ["special.health"]

    assert len(of_rule(build(in_recipient_link), "consistency.special-without-art9")) == 1

    def with_condition(d: dict[str, Any]) -> None:
        health(d)
        act(d)["lawful_bases"] += [{"basis": "art9-2-h"}, {"basis": "dpa2018-sch1-para2"}]

    assert of_rule(build(with_condition), "consistency.special-without-art9") == []
    assert of_rule(build(), "consistency.special-without-art9") == []


def test_art9_without_schedule1() -> None:
    def g_with_part3_only(d: dict[str, Any]) -> None:
        health(d)
        act(d)["lawful_bases"] += [{"basis": "art9-2-g"}, {"basis": "dpa2018-sch1-para36"}]

    hits = of_rule(build(g_with_part3_only), "consistency.art9-without-schedule1")
    assert [f.pointer for f in hits] == ["/activities/0/lawful_bases/1"]
    assert "Part 2" in hits[0].message and "Part 3" in hits[0].message
    assert hits[0].legal_reference == "DPA 2018 s.10(3), Sch 1 Part 2"

    def h_with_part2(d: dict[str, Any]) -> None:  # right condition, wrong part
        health(d)
        act(d)["lawful_bases"] += [{"basis": "art9-2-h"}, {"basis": "dpa2018-sch1-para18"}]

    assert len(of_rule(build(h_with_part2), "consistency.art9-without-schedule1")) == 1

    def right_parts(d: dict[str, Any]) -> None:
        health(d)
        act(d)["lawful_bases"] += [
            {"basis": "art9-2-g"},
            {"basis": "dpa2018-sch1-para18"},
            {"basis": "art9-2-h"},
            {"basis": "dpa2018-sch1-para2"},
        ]

    assert of_rule(build(right_parts), "consistency.art9-without-schedule1") == []

    def explicit_consent(d: dict[str, Any]) -> None:  # 9(2)(a) needs no Sch 1 condition
        health(d)
        act(d)["lawful_bases"].append({"basis": "art9-2-a"})

    assert of_rule(build(explicit_consent), "consistency.art9-without-schedule1") == []


def test_criminal_without_condition() -> None:
    def criminal(d: dict[str, Any]) -> None:
        act(d)["sources"][1]["data_categories"] = ["criminal"]

    hits = of_rule(build(criminal), "consistency.criminal-without-condition")
    assert [(f.pointer, f.severity) for f in hits] == [("/activities/0/lawful_bases", "error")]

    def art10_only(d: dict[str, Any]) -> None:
        criminal(d)
        act(d)["lawful_bases"].append({"basis": "art10"})

    hits = of_rule(build(art10_only), "consistency.criminal-without-condition")
    assert "only Art 10" in hits[0].message

    def with_sch1(d: dict[str, Any]) -> None:
        criminal(d)
        act(d)["lawful_bases"] += [{"basis": "art10"}, {"basis": "dpa2018-sch1-para18"}]

    assert of_rule(build(with_sch1), "consistency.criminal-without-condition") == []
    assert of_rule(build(), "consistency.criminal-without-condition") == []


@pytest.mark.parametrize("basis", ["art6-1-f", "art6-1-ea"])
def test_public_authority_legitimate_interests(basis: str) -> None:
    def li(d: dict[str, Any]) -> None:
        act(d)["lawful_bases"].append({"basis": basis})

    hits = of_rule(build(li), "consistency.public-authority-legitimate-interests")
    assert [(f.pointer, f.severity) for f in hits] == [("/activities/0/lawful_bases/1", "error")]

    def not_public(d: dict[str, Any]) -> None:
        li(d)
        d["controllers"][0].update(name="Testshire Charity Trust", gss_code=None)

    assert of_rule(build(not_public), "consistency.public-authority-legitimate-interests") == []
    assert of_rule(build(), "consistency.public-authority-legitimate-interests") == []


# --------------------------------------------------------------------------- citations


def cite(cited_as: str, kind: str = "law") -> Callable[[dict[str, Any]], None]:
    def change(d: dict[str, Any]) -> None:
        act(d)["statutes"] = [{"cited_as": cited_as, "kind_as_cited": kind}]

    return change


def test_nonexistent() -> None:
    # the registry holds every Equality Act: there is none of 2005
    hits = of_rule(build(cite("Equality Act 2005")), "citation.nonexistent")
    assert [(f.pointer, f.severity) for f in hits] == [
        ("/activities/0/statutes/0/cited_as", "error")
    ]
    assert "no Equality Act of 2005" in hits[0].message and "Equality Act 2010" in hits[0].message
    assert of_rule(build(cite("Equality Act 2010")), "citation.nonexistent") == []
    # a title the registry does not hold in full is never said not to exist
    assert of_rule(build(cite("Children Act 2005")), "citation.nonexistent") == []
    assert of_rule(build(cite("Family Fortunes Act 1999")), "citation.nonexistent") == []


def test_not_verified() -> None:
    for cited in ("Family Fortunes Act 1999", "Children Act 2005"):
        hits = of_rule(build(cite(cited)), "citation.not-verified")
        assert [(f.pointer, f.severity) for f in hits] == [
            ("/activities/0/statutes/0/cited_as", "info")
        ], cited
        assert "could not be verified" in hits[0].message
        assert "does not exist" not in hits[0].message
    assert of_rule(build(), "citation.not-verified") == []


def test_ambiguous() -> None:
    hits = of_rule(build(cite("the Children Act")), "citation.ambiguous")
    assert [(f.pointer, f.severity) for f in hits] == [
        ("/activities/0/statutes/0/cited_as", "warning")
    ]
    assert "Children Act 1989" in hits[0].message and "Children Act 2004" in hits[0].message
    assert of_rule(build(), "citation.ambiguous") == []


def test_no_longer_in_force() -> None:
    hits = of_rule(build(cite("Poor Relief Act 1601")), "citation.no-longer-in-force")
    assert [f.pointer for f in hits] == ["/activities/0/statutes/0/cited_as"]
    assert "1967-01-01" in hits[0].message
    # judged on the date asked about
    assert (
        of_rule(
            build(cite("Poor Relief Act 1601")),
            "citation.no-longer-in-force",
            today=date(1900, 1, 1),
        )
        == []
    )
    assert of_rule(build(), "citation.no-longer-in-force") == []


def test_slug_mismatch() -> None:
    def wrong(d: dict[str, Any]) -> None:
        act(d)["statutes"] = [{"cited_as": "Children Act 2004", "statute": "children-act-1989"}]

    hits = of_rule(build(wrong), "citation.slug-mismatch")
    assert [f.pointer for f in hits] == ["/activities/0/statutes/0/statute"]
    assert hits[0].fix == [
        {"op": "replace", "path": "/activities/0/statutes/0/statute", "value": "children-act-2004"}
    ]

    def right(d: dict[str, Any]) -> None:
        act(d)["statutes"] = [{"cited_as": "Children Act 2004", "statute": "children-act-2004"}]

    assert of_rule(build(right), "citation.slug-mismatch") == []


def test_misnamed() -> None:
    hits = of_rule(build(cite("Children's Act 1989 s.17")), "citation.misnamed")
    assert [(f.pointer, f.severity) for f in hits] == [
        ("/activities/0/statutes/0/cited_as", "warning")
    ]
    assert hits[0].suggestion == "Children Act 1989"
    assert of_rule(build(cite("The Children Act, 1989")), "citation.misnamed") == []


def test_guidance_as_law() -> None:
    hits = of_rule(
        build(cite("Working Together to Safeguard Children")), "citation.guidance-as-law"
    )
    assert [f.pointer for f in hits] == ["/activities/0/statutes/0/cited_as"]
    assert "Department for Education" in hits[0].message
    presented_as_guidance = cite("Working Together to Safeguard Children", kind="guidance")
    assert of_rule(build(presented_as_guidance), "citation.guidance-as-law") == []


def test_eu_gdpr() -> None:
    hits = of_rule(
        build(cite("General Data Protection Regulation (GDPR) Article 6")), "citation.eu-gdpr"
    )
    assert [(f.pointer, f.severity) for f in hits] == [
        ("/activities/0/statutes/0/cited_as", "info")
    ]

    def free_text(d: dict[str, Any]) -> None:
        d["notice"]["introduction"] = "Under the GDPR, and again the GDPR, you have rights."
        d["notice"]["rights_text"] = "Under the General Data Protection Regulation ..."

    hits = of_rule(build(free_text), "citation.eu-gdpr")
    # the same problem in two places is one finding that points at both
    assert [f.pointers for f in hits] == [["/notice/introduction", "/notice/rights_text"]]
    # Before 2021 the EU GDPR was the law.
    assert of_rule(build(free_text), "citation.eu-gdpr", today=date(2020, 6, 1)) == []
    assert of_rule(build(cite("UK GDPR Article 6(1)(e)")), "citation.eu-gdpr") == []
    assert of_rule(build(), "citation.eu-gdpr") == []  # the introduction says "UK GDPR"


# --------------------------------------------------------------------------- staleness


def test_arrangement_ended() -> None:
    def ended(d: dict[str, Any]) -> None:
        act(d)["recipients"].append({"party": "mhclg"})
        act(d)["sharing_arrangements"] = [
            {
                "name": "National data collection",
                "parties": ["mhclg"],
                "end_date": "2025-03-31",
                "end_date_as_written": "until March 2025",
            }
        ]

    hits = of_rule(build(ended), "staleness.arrangement-ended")
    assert [f.pointer for f in hits] == ["/activities/0/sharing_arrangements/0/end_date"]
    assert "2025-03-31" in hits[0].message and "until March 2025" in hits[0].message
    # Relative to the date asked about, not the clock.
    assert of_rule(build(ended), "staleness.arrangement-ended", today=date(2025, 1, 1)) == []


def test_renamed_body() -> None:
    def dluhc(d: dict[str, Any]) -> None:
        act(d)["recipients"].append({"party": "dluhc"})

    hits = of_rule(build(dluhc), "staleness.renamed-body")
    assert [f.pointer for f in hits] == ["/activities/0/recipients/1/party"]
    assert "Ministry of Housing" in hits[0].message and "2024-07-08" in hits[0].message
    assert hits[0].fix == [
        {"op": "replace", "path": "/activities/0/recipients/1/party", "value": "mhclg"}
    ]
    assert of_rule(build(dluhc), "staleness.renamed-body", today=date(2024, 1, 1)) == []

    def in_arrangement(d: dict[str, Any]) -> None:
        act(d)["recipients"].append({"party": "future-body"})
        act(d)["sharing_arrangements"] = [{"name": "x", "parties": ["dluhc"]}]

    hits = of_rule(build(in_arrangement), "staleness.renamed-body")
    assert [f.pointer for f in hits] == ["/activities/0/sharing_arrangements/0/parties/0"]

    def in_prose(d: dict[str, Any]) -> None:
        d["notice"]["introduction"] = (
            "We send figures to the Department for Levelling Up, Housing and Communities."
        )

    hits = of_rule(build(in_prose), "staleness.renamed-body")
    assert [f.pointer for f in hits] == ["/notice/introduction"]
    assert of_rule(build(), "staleness.renamed-body") == []


def test_misnamed_body() -> None:
    def swapped(d: dict[str, Any]) -> None:
        d["notice"]["introduction"] = (
            "We report to the Ministry for Housing, Communities and Local Government."
        )

    hits = of_rule(build(swapped), "staleness.misnamed-body")
    assert [(f.pointer, f.severity) for f in hits] == [("/notice/introduction", "info")]
    assert hits[0].suggestion == "Ministry of Housing, Communities and Local Government"
    assert of_rule(build(), "staleness.misnamed-body") == []


def test_undated() -> None:
    def undated(d: dict[str, Any]) -> None:
        d["notice"].update(last_updated=None, last_updated_as_written=None)

    hits = of_rule(build(undated), "staleness.undated")
    assert [(f.pointer, f.severity) for f in hits] == [("/notice/last_updated", "warning")]
    assert of_rule(build(), "staleness.undated") == []


def test_notice_review() -> None:
    def old(d: dict[str, Any]) -> None:
        d["notice"].update(last_updated="2023-11-01", last_updated_as_written="November 2023")

    hits = of_rule(build(old), "staleness.notice-review")
    assert [f.pointer for f in hits] == ["/notice/last_updated"]
    assert "November 2023" in hits[0].message

    def effective(d: dict[str, Any]) -> None:
        d["notice"].update(last_updated=None, effective_from="2020-01-01")

    # the register's own dates are not the notice's: an undated notice is undated
    assert of_rule(build(effective), "staleness.notice-review") == []
    assert [f.pointer for f in of_rule(build(effective), "staleness.undated")] == [
        "/notice/last_updated"
    ]
    # Exactly two years is not more than two years.
    exactly = build(lambda d: d["notice"].update(last_updated="2024-11-21"))
    assert of_rule(exactly, "staleness.notice-review") == []
    assert of_rule(build(), "staleness.notice-review") == []


# --------------------------------------------------------------------------- contacts


def test_phone() -> None:
    def bad(d: dict[str, Any]) -> None:
        d["controllers"][0]["dpo"]["phone"] = "020 75525 5000"

    hits = of_rule(build(bad), "contact.phone")
    assert [(f.pointer, f.severity) for f in hits] == [("/controllers/0/dpo/phone", "error")]

    def in_prose(d: dict[str, Any]) -> None:
        d["notice"]["rights_text"] = "Call our DPO on 020 75525 5000 or write to us."

    assert [f.pointer for f in of_rule(build(in_prose), "contact.phone")] == ["/notice/rights_text"]

    def two_good(d: dict[str, Any]) -> None:
        ico = d["notice"]["complaint"]["ico_contact"]
        ico["phone"] = "0303 123 1113 (local rate) or 01625 545 745"

    assert of_rule(build(two_good), "contact.phone") == []
    assert of_rule(build(), "contact.phone") == []


def test_email() -> None:
    def bad(d: dict[str, Any]) -> None:
        d["notice"]["complaint"]["contact_first"]["email"] = "dpo@camden"

    hits = of_rule(build(bad), "contact.email")
    assert [(f.pointer, f.severity) for f in hits] == [
        ("/notice/complaint/contact_first/email", "error")
    ]
    assert (
        len(
            of_rule(
                build(lambda d: d["controllers"][0]["dpo"].update(email="dpo at x")),
                "contact.email",
            )
        )
        == 1
    )
    assert of_rule(build(), "contact.email") == []


# --------------------------------------------------------------------------- added rules


def test_controller_relationship() -> None:
    def two(d: dict[str, Any]) -> None:
        other = copy.deepcopy(d["controllers"][0])
        other.update(id="otherton", name="Otherton Council", gss_code="E06000098")
        d["controllers"].append(other)
        d["service"]["controllers"] = ["testshire", "otherton"]

    hits = of_rule(build(two), "art13-14.controller-relationship")
    assert [(f.pointer, f.severity) for f in hits] == [
        ("/service/controller_relationship", "warning")
    ]
    assert "2 councils" in hits[0].message

    def stated(d: dict[str, Any]) -> None:
        two(d)
        d["service"]["controller_relationship"] = "joint"

    assert of_rule(build(stated), "art13-14.controller-relationship") == []
    assert of_rule(build(), "art13-14.controller-relationship") == []  # one controller


def test_automated_decisions_not_stated() -> None:
    hits = of_rule(
        build(lambda d: act(d).pop("automated_decision_making")),
        "art13-14.automated-decisions-not-stated",
    )
    assert [(f.pointer, f.severity) for f in hits] == [("/activities", "warning")]
    assert of_rule(build(), "art13-14.automated-decisions-not-stated") == []


def test_rights_not_available() -> None:
    def portability(d: dict[str, Any]) -> None:
        d["notice"]["rights"].append({"right": "portability"})

    hits = of_rule(build(portability), "art13-14.rights-not-available")
    assert [(f.pointer, f.severity) for f in hits] == [("/notice/rights/7", "warning")]
    assert "Art 6(1)(e)" in hits[0].message

    def on_consent(d: dict[str, Any]) -> None:
        portability(d)
        act(d)["lawful_bases"].append({"basis": "art6-1-a"})

    assert of_rule(build(on_consent), "art13-14.rights-not-available") == []
    assert of_rule(build(), "art13-14.rights-not-available") == []


def special(d: dict[str, Any], *bases: dict[str, Any]) -> None:
    act(d)["data_categories"].append({"category": "special.health"})
    act(d)["lawful_bases"] += list(bases)


def test_schedule1_cannot_support() -> None:
    def wrong_pair(d: dict[str, Any]) -> None:
        # para 18 (Part 2) cannot support Art 9(2)(h), which needs Part 1
        special(
            d,
            {"basis": "art9-2-g"},
            {"basis": "art9-2-h"},
            {"basis": "dpa2018-sch1-para18", "supports": ["art9-2-g", "art9-2-h"]},
            {"basis": "dpa2018-sch1-para2", "supports": ["art9-2-h"]},
        )

    hits = of_rule(build(wrong_pair), "consistency.schedule1-cannot-support")
    assert [(f.pointer, f.severity) for f in hits] == [("/activities/0/lawful_bases/3", "warning")]
    assert "Art 9(2)(h)" in hits[0].message

    def right_pair(d: dict[str, Any]) -> None:
        special(
            d,
            {"basis": "art9-2-g"},
            {"basis": "dpa2018-sch1-para18", "supports": ["art9-2-g"]},
        )

    assert of_rule(build(right_pair), "consistency.schedule1-cannot-support") == []


def test_para36_without_part2() -> None:
    def criminal(d: dict[str, Any], *bases: dict[str, Any]) -> None:
        act(d)["data_categories"].append({"category": "criminal"})
        act(d)["lawful_bases"] += [{"basis": "art10"}, *bases]

    hits = of_rule(
        build(lambda d: criminal(d, {"basis": "dpa2018-sch1-para36"})),
        "consistency.para36-without-part2",
    )
    assert [(f.pointer, f.severity) for f in hits] == [("/activities/0/lawful_bases/2", "warning")]
    with_part2 = build(
        lambda d: criminal(d, {"basis": "dpa2018-sch1-para18"}, {"basis": "dpa2018-sch1-para36"})
    )
    assert of_rule(with_part2, "consistency.para36-without-part2") == []


def test_consent_condition_without_consent_basis() -> None:
    def only_with_consent(d: dict[str, Any]) -> None:
        act(d)["recipients"][0]["condition"] = "only where you have given your consent"

    hits = of_rule(build(only_with_consent), "consistency.consent-condition-without-consent-basis")
    assert [(f.pointer, f.severity) for f in hits] == [
        ("/activities/0/recipients/0/condition", "warning")
    ]

    def and_consent_basis(d: dict[str, Any]) -> None:
        only_with_consent(d)
        act(d)["lawful_bases"].append({"basis": "art6-1-a"})

    assert (
        of_rule(build(and_consent_basis), "consistency.consent-condition-without-consent-basis")
        == []
    )


def test_basis_words_describe_another() -> None:
    def mislabelled(d: dict[str, Any]) -> None:
        special(
            d,
            {"basis": "art9-2-g", "as_written": "to provide health or social care"},
            {"basis": "dpa2018-sch1-para18", "supports": ["art9-2-g"]},
        )

    hits = of_rule(build(mislabelled), "consistency.basis-words-describe-another")
    assert [f.pointer for f in hits] == ["/activities/0/lawful_bases/1"]
    assert "Art 9(2)(h)" in hits[0].message

    def own_words(d: dict[str, Any]) -> None:
        special(
            d,
            {"basis": "art9-2-g", "as_written": "reasons of substantial public interest"},
            {"basis": "dpa2018-sch1-para18", "supports": ["art9-2-g"]},
        )

    assert of_rule(build(own_words), "consistency.basis-words-describe-another") == []


def test_category_label() -> None:
    def mislabelled(d: dict[str, Any]) -> None:
        # the notice lists mental health (special category by its parent) as personal data
        special(
            d,
            {"basis": "art9-2-g"},
            {"basis": "dpa2018-sch1-para18", "supports": ["art9-2-g"]},
        )
        act(d)["data_categories"].append(
            {"category": "special.health.mental", "labelled_as": "personal"}
        )

    hits = of_rule(build(mislabelled), "consistency.category-label")
    assert [(f.pointer, f.severity) for f in hits] == [
        ("/activities/0/data_categories/2/labelled_as", "warning")
    ]
    assert "special category data" in hits[0].message
    assert hits[0].fix == [
        {
            "op": "replace",
            "path": "/activities/0/data_categories/2/labelled_as",
            "value": "special_category",
        }
    ]
    as_the_law = build(
        lambda d: act(d)["data_categories"].append(
            {"category": "personal.name", "labelled_as": "personal"}
        )
    )
    assert of_rule(as_the_law, "consistency.category-label") == []


def test_transfer_safeguards() -> None:
    def liaise(d: dict[str, Any]) -> None:
        act(d)["transfers"] = {
            "occurs": "conditional",
            "safeguards": "we liaise with the authorities there",
        }

    hits = of_rule(build(liaise), "art13-14.transfer-safeguards")
    assert [(f.pointer, f.severity) for f in hits] == [
        ("/activities/0/transfers/safeguards", "warning")
    ]

    def idta(d: dict[str, Any]) -> None:
        act(d)["transfers"] = {
            "occurs": "yes",
            "safeguards": "the International Data Transfer Agreement",
        }

    assert of_rule(build(idta), "art13-14.transfer-safeguards") == []
    assert of_rule(build(idta), "art13-14.transfers") == []


def test_placeholder_link() -> None:
    def hash_link(d: dict[str, Any]) -> None:
        d["notice"]["rights_text"] = "Read [our rights page](#) to find out more."

    hits = of_rule(build(hash_link), "text.placeholder-link")
    assert [(f.pointer, f.severity) for f in hits] == [("/notice/rights_text", "warning")]
    assert hits[0].fix == [
        {
            "op": "replace",
            "path": "/notice/rights_text",
            "value": "Read our rights page to find out more.",
        }
    ]
    assert of_rule(build(), "text.placeholder-link") == []


def test_cross_reference() -> None:
    def pointer(d: dict[str, Any]) -> None:
        d["notice"]["rights_text"] = "Your rights are set out in section 7 below."

    hits = of_rule(build(pointer), "text.cross-reference")
    assert [(f.pointer, f.severity) for f in hits] == [("/notice/rights_text", "info")]

    def statute(d: dict[str, Any]) -> None:
        d["notice"]["rights_text"] = "As explained in section 17 of the Children Act 1989."

    assert of_rule(build(statute), "text.cross-reference") == []


def test_retired_term() -> None:
    retired = Vocabulary.from_data(
        {
            **VOCABULARY.dump(),
            "data_subjects": [
                {
                    "slug": "child",
                    "name": "Child",
                    "retired": "2026-01-01",
                    "replaced_by": "young-person",
                },
                {"slug": "young-person", "name": "Young person"},
            ],
        }
    )
    hits = [
        f
        for f in check_notice(build(), retired, today=TODAY)
        if f.rule == "vocabulary.retired-term"
    ]
    assert [(f.pointer, f.severity) for f in hits] == [
        ("/activities/0/data_subjects/0/subject", "info")
    ]
    assert hits[0].fix == [
        {
            "op": "replace",
            "path": "/activities/0/data_subjects/0/subject",
            "value": "young-person",
        }
    ]
    # not yet retired on the day asked about
    before = [
        f
        for f in check_notice(build(), retired, today=date(2025, 6, 1))
        if f.rule == "vocabulary.retired-term"
    ]
    assert before == []


def test_every_rule_has_a_test() -> None:
    names = {name for name in globals() if name.startswith("test_")}
    for rule_id in RULES:
        stem = rule_id.split(".", 1)[1].replace("-", "_")
        assert f"test_{stem}" in names, f"no test for {rule_id}"


# --------------------------------------------------------------------------- the five seeds


@pytest.fixture(scope="module")
def seed_findings() -> dict[str, list[Finding]]:
    from app.register.seeds import read_seed_dir

    seeds = read_seed_dir(ROOT / "seed")
    return {d.service.id: check_notice(d, seeds.vocabulary, today=TODAY) for d in seeds.documents}


def hits(found: list[Finding], rule: str, text: str = "") -> list[Finding]:
    return [f for f in found if f.rule == rule and text in f.message]


def test_seeds_equality_act_2005(seed_findings: dict[str, list[Finding]]) -> None:
    found = hits(seed_findings["camden-family-support"], "citation.nonexistent")
    assert len(found) == 1
    assert "Equality Act 2005" in found[0].message
    assert "Equality Act 2006" in found[0].message and "Equality Act 2010" in found[0].message
    for service, found_here in seed_findings.items():  # no other citation is unknown
        if service != "camden-family-support":
            assert hits(found_here, "citation.nonexistent") == [], service


def test_seeds_childrens_act(seed_findings: dict[str, list[Finding]]) -> None:
    camden = hits(seed_findings["camden-family-support"], "citation.misnamed", "Children's Act")
    assert len(camden) == 2
    assert {f.suggestion for f in camden} == {"Children Act 1989"}
    for service in ("shropshire-strengthening-families", "cambridgeshire-peterborough-early-help"):
        found = hits(seed_findings[service], "citation.misnamed", "Children")
        assert found and {f.suggestion for f in found} <= {
            "Children Act 2004",
            "Children and Families Act 2014",
        }
    # Only misnamed citations are reported as misnamed.
    for found_here in seed_findings.values():
        for f in hits(found_here, "citation.misnamed"):
            assert (
                "Children's" in f.message
                or "Children’s" in f.message
                or ("Special Education Needs" in f.message)
            )


def test_seeds_southwark(seed_findings: dict[str, list[Finding]]) -> None:
    found = seed_findings["southwark-early-help"]
    phone = hits(found, "contact.phone", "020 75525 5000")
    assert "/controllers/0/dpo/phone" in {f.pointer for f in phone}
    assert hits(found, "art13-14.controller-designation", "the County Council")
    # All other contact details in the five notices are valid.
    for service, found_here in seed_findings.items():
        for f in hits(found_here, "contact.phone"):
            assert service == "southwark-early-help" and "020 75525 5000" in f.message
        assert hits(found_here, "contact.email") == []


def test_seeds_national_insights_ended(seed_findings: dict[str, list[Finding]]) -> None:
    found = hits(seed_findings["camden-early-help"], "staleness.arrangement-ended")
    assert len(found) == 1
    assert "National Insights" in found[0].message and "2025-03-31" in found[0].message


def test_seeds_dluhc_renamed(seed_findings: dict[str, list[Finding]]) -> None:
    for service in ("shropshire-strengthening-families", "camden-early-help"):
        found = hits(seed_findings[service], "staleness.renamed-body", "Levelling Up")
        assert found, service
        assert all(
            "Ministry of Housing, Communities and Local Government" in f.message
            and "2024-07-08" in f.message
            for f in found
        )


def test_seeds_shropshire_retention(seed_findings: dict[str, list[Finding]]) -> None:
    found = hits(seed_findings["shropshire-strengthening-families"], "art13-14.retention")
    assert len(found) == 1, "one problem, one finding"
    assert set(found[0].pointers) == {f"/activities/{i}/retention" for i in range(4)}
    assert all("corporate retention schedule" in f.message for f in found)


def test_seeds_cambridgeshire_peterborough(seed_findings: dict[str, list[Finding]]) -> None:
    found = seed_findings["cambridgeshire-peterborough-early-help"]
    assert {f.pointer for f in hits(found, "art13-14.dpo-contact")} == {
        "/controllers/0/dpo",
        "/controllers/1/dpo",
    }
    assert len(hits(found, "art13-14.rights")) == 1
    assert len(hits(found, "art13-14.complaint-ico")) == 1


def test_seeds_no_false_alarms_on_complete_items(seed_findings: dict[str, list[Finding]]) -> None:
    """Items the notices do give are not reported missing."""
    for service in (
        "camden-early-help",
        "camden-family-support",
        "shropshire-strengthening-families",
    ):
        rules = {f.rule for f in seed_findings[service]}
        assert not rules & {"art13-14.dpo-contact", "art13-14.rights", "art13-14.complaint-ico"}
    assert hits(seed_findings["camden-family-support"], "art13-14.rights-incomplete") == []
    for found_here in seed_findings.values():
        assert hits(found_here, "art14.source") == []
        assert hits(found_here, "art13-14.recipients") == []
        assert hits(found_here, "consistency.public-authority-legitimate-interests") == []


def test_seeds_one_finding_per_problem(seed_findings: dict[str, list[Finding]]) -> None:
    for service, found in seed_findings.items():
        keys = [(f.rule, f.message) for f in found]
        assert len(keys) == len(set(keys)), service
    # Shropshire's many "GDPR"s are one finding that points at each
    eu = hits(seed_findings["shropshire-strengthening-families"], "citation.eu-gdpr")
    assert len(eu) == 1 and len(eu[0].pointers) > 3


def test_seeds_problems_the_new_rules_find(seed_findings: dict[str, list[Finding]]) -> None:
    camden_eh = seed_findings["camden-early-help"]
    # para 1 (employment, social security) paired with Art 9(2)(h), as the notice pairs them
    [pairing] = hits(camden_eh, "consistency.schedule1-cannot-support")
    assert "para 1" in pairing.message and "Art 9(2)(h)" in pairing.message
    assert "Art 10" not in pairing.message, "para 1 can support Art 10 (DPA 2018 s.10(5))"
    assert hits(camden_eh, "art13-14.transfer-safeguards", "liaise")
    assert hits(camden_eh, "text.placeholder-link", "Your rights - Camden Council")
    assert hits(camden_eh, "text.cross-reference", "5b above")
    assert hits(camden_eh, "staleness.renamed-body", "Clinical commissioning groups")

    camden_fs = seed_findings["camden-family-support"]
    assert hits(camden_fs, "consistency.para36-without-part2")
    assert hits(camden_fs, "consistency.category-label", "Gender as special category")

    cambs = seed_findings["cambridgeshire-peterborough-early-help"]
    assert hits(cambs, "art13-14.controller-relationship")
    assert hits(cambs, "staleness.renamed-body", "Troubled Families")
    assert hits(cambs, "staleness.misnamed-body", "Office of National Statistics")
    assert hits(cambs, "art13-14.automated-decisions-not-stated")
    assert hits(cambs, "staleness.undated")

    shropshire = seed_findings["shropshire-strengthening-families"]
    assert hits(shropshire, "art13-14.rights-not-available", "data portability")
    assert hits(shropshire, "art13-14.complaint-ico-not-stated")
    assert hits(shropshire, "staleness.renamed-body", "Public Health England")
    assert hits(shropshire, "consistency.basis-words-describe-another", "Art 9(2)(h)")
    for f in hits(shropshire, "staleness.renamed-body") + hits(camden_eh, "staleness.renamed-body"):
        # the body named in its place existed on the date asked about
        assert "Department for Levelling Up" not in (f.suggestion or "")
