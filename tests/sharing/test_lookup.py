"""The lawful-basis lookup, as a case-management system asks it before sharing a record."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from typing import Any

import pytest
from fastapi.testclient import TestClient
from helpers import import_doc, session_for
from sqlalchemy import event

from app.config import Settings
from app.main import create_app
from app.register.document import NoticeDocument
from app.register.service import save_terms

PROBLEM = "application/problem+json"


def lookup(client: TestClient, service: str, **params: Any) -> dict[str, Any]:
    response = client.get(f"/v1/services/{service}/lawful-basis", params=params)
    assert response.status_code == 200, response.text
    return response.json()


def slugs(items: list[dict[str, Any]]) -> list[str]:
    return [i["slug"] for i in items]


def test_consent_based_eylog_sharing_is_documented_with_its_bases(client: TestClient) -> None:
    body = lookup(client, "camden-early-help", recipient="eyworks", data_category="personal.images")
    assert body["documented"] is True
    assert body["not_covered"] == []
    assert "not a legal judgement" in body["statement"]
    assert body["service_id"] == "camden-early-help"
    [activity] = body["activities"]
    assert activity["id"] == "camden-early-help.eylog"
    assert activity["covers"] == ["personal.images"]
    assert activity["consent_dependent"] is True
    bases = activity["lawful_bases"]
    assert slugs(bases["art6"]) == ["art6-1-a"]
    assert bases["art6"][0]["code"] == "Art 6(1)(a)"
    assert bases["art6"][0]["uri"].startswith("https://www.legislation.gov.uk/")
    assert slugs(bases["art9"]) == ["art9-2-a"]
    assert bases["art10"] == [] and bases["schedule1"] == []
    assert activity["conditions"] == ["if you consent to using the eyLog Parent application"]
    assert activity["recipient_links"][0]["data_categories"] == ["personal.images"]
    assert activity["notice_version"] == 1
    assert activity["effective_from"] == "2023-11-01"
    assert activity["notice_url"] == "/v1/services/camden-early-help/notice?version=1"
    assert {r["applies_to"] for r in activity["retention"]} == {"children", "adults"}
    assert body["warnings"] == []
    assert body["services"] == [
        {
            "service_id": "camden-early-help",
            "notice_version": 1,
            "effective_from": "2023-11-01",
            "documented": True,
            "not_covered": [],
        }
    ]


def test_statutes_are_given_as_cited_and_resolved(client: TestClient) -> None:
    body = lookup(
        client, "camden-early-help", recipient="police", data_category="personal.identity.name"
    )
    casework = next(a for a in body["activities"] if a["id"] == "camden-early-help.casework")
    children_act = next(s for s in casework["statutes"] if s["statute"] == "children-act-1989")
    assert children_act["cited_as"].startswith("Children Act 1989")
    assert children_act["title"] == "Children Act 1989"
    assert children_act["uri"] == "https://www.legislation.gov.uk/ukpga/1989/41"
    section_17 = next(p for p in children_act["provisions"] if p["text"] == "section 17")
    assert section_17["uri"] == "https://www.legislation.gov.uk/ukpga/1989/41/section/17"
    assert {"art6-1-c", "art6-1-e"} == set(slugs(casework["lawful_bases"]["art6"]))
    assert slugs(casework["lawful_bases"]["art10"]) == ["art10"]
    assert "dpa2018-sch1-para18" in slugs(casework["lawful_bases"]["schedule1"])


def test_special_and_criminal_data_without_conditions_are_warned(client: TestClient) -> None:
    # Southwark names only Art 6(1)(e): no Art 9, Art 10 or Schedule 1 condition.
    body = lookup(
        client,
        "southwark-early-help",
        recipient="police",
        data_category=["special.health", "criminal.offences"],
    )
    assert body["documented"] is True
    [activity] = body["activities"]
    assert activity["id"] == "southwark-early-help.early-help"
    assert activity["covers"] == ["special.health", "criminal.offences"]
    # police is listed, and so is criminal-justice (its parent), with its own condition.
    assert {link["party"] for link in activity["recipient_links"]} == {"police", "criminal-justice"}
    assert activity["conditions"] == ["if required by applicable law"]
    assert body["recipient"]["parents"] == ["criminal-justice"]
    codes = {(w["code"], w["activity"], w["data_category"]) for w in body["warnings"]}
    assert codes == {
        (
            "special-category-without-art9-condition",
            "southwark-early-help.early-help",
            "special.health",
        ),
        (
            "criminal-offence-without-condition",
            "southwark-early-help.early-help",
            "criminal.offences",
        ),
    }


def test_art9_condition_needing_schedule1_without_one_is_warned(client: TestClient) -> None:
    body = lookup(
        client,
        "shropshire-strengthening-families",
        recipient="police",
        data_category="special.health",
    )
    assert body["documented"] is True
    [activity] = body["activities"]
    assert slugs(activity["lawful_bases"]["art9"]) == ["art9-2-g", "art9-2-i"]
    assert activity["lawful_bases"]["schedule1"] == []
    assert [w["code"] for w in body["warnings"]] == ["art9-condition-without-schedule1-condition"]


def test_a_recipient_matches_activities_listing_a_party_above_it(client: TestClient) -> None:
    # Shropshire's Supporting Families activity lists "central government"; DWP is part of it.
    body = lookup(
        client,
        "shropshire-strengthening-families",
        recipient="dwp",
        data_category="personal.housing",
    )
    assert body["recipient"]["parents"] == ["central-government"]
    by_id = {a["id"]: a for a in body["activities"]}
    assert "shropshire-strengthening-families.supporting-families" in by_id
    links = by_id["shropshire-strengthening-families.supporting-families"]["recipient_links"]
    assert [link["party"] for link in links] == ["central-government"]
    assert "shropshire-strengthening-families.early-help" in by_id
    # ... but not the other way round: "police" does not match a named force below it.
    joint = lookup(
        client,
        "cambridgeshire-peterborough-early-help",
        recipient="police",
        data_category="personal.identity.name",
    )
    assert joint["documented"] is False
    force = lookup(
        client,
        "cambridgeshire-peterborough-early-help",
        recipient="cambridgeshire-constabulary",
        data_category="personal.identity.name",
    )
    assert force["documented"] is True


def test_categories_match_through_their_ancestors_only(client: TestClient) -> None:
    # Camden lists special.health (and narrower ones): a narrower request is covered.
    narrower = lookup(
        client, "camden-early-help", recipient="police", data_category="special.health.mental"
    )
    assert narrower["documented"] is True
    # Southwark lists criminal.offences etc, not the whole of criminal offence data.
    broader = lookup(client, "southwark-early-help", recipient="police", data_category="criminal")
    assert broader["documented"] is False
    assert broader["not_covered"] == ["criminal"]
    [coverage] = broader["coverage"]
    assert coverage["documented"] is False
    assert "criminal.offences" in coverage["narrower_documented"]


def test_uncovered_categories_are_listed(client: TestClient) -> None:
    body = lookup(
        client,
        "camden-early-help",
        recipient="eyworks",
        data_category=["personal.images", "special.health", "personal.images"],
    )
    assert body["data_categories"] == ["personal.images", "special.health"]
    assert body["documented"] is False
    assert body["not_covered"] == ["special.health"]
    assert [c["documented"] for c in body["coverage"]] == [True, False]
    assert body["services"][0]["not_covered"] == ["special.health"]


def test_ended_arrangements_and_renamed_recipients_are_warned(client: TestClient) -> None:
    body = lookup(
        client,
        "camden-early-help",
        recipient="dluhc",
        data_category="personal.case-records.assessments",
        at="2026-01-01",
    )
    assert body["documented"] is True
    assert body["recipient"]["replaced_by"] == "mhclg"
    warnings = {w["code"]: w for w in body["warnings"]}
    assert warnings["recipient-replaced"]["activity"] is None
    ended = warnings["sharing-arrangement-ended"]
    assert ended["activity"] == "camden-early-help.national-insights"
    assert "2025-03-31" in ended["detail"]
    # Before the end date the arrangement was running.
    earlier = lookup(
        client,
        "camden-early-help",
        recipient="dluhc",
        data_category="personal.case-records.assessments",
        at="2024-12-01",
    )
    assert "sharing-arrangement-ended" not in {w["code"] for w in earlier["warnings"]}


def test_purpose_text_filters_activities(client: TestClient) -> None:
    params = {"recipient": "dluhc", "data_category": "personal.case-records.assessments"}
    body = lookup(client, "camden-early-help", purpose="FAMILIES ARE FACING", **params)
    assert [a["id"] for a in body["activities"]] == ["camden-early-help.national-insights"]
    assert body["purpose"] == "FAMILIES ARE FACING"
    none = lookup(client, "camden-early-help", purpose="no activity says this", **params)
    assert none["documented"] is False
    assert none["activities"] == []


def test_unknown_recipient_or_category_is_422_with_suggestions(client: TestClient) -> None:
    response = client.get(
        "/v1/services/camden-early-help/lawful-basis",
        params={"recipient": "polic", "data_category": ["special.health", "helth"]},
    )
    assert response.status_code == 422
    assert response.headers["content-type"] == PROBLEM
    problem = response.json()
    assert problem["type"] == "urn:ropa:problem:validation-error"
    assert [(e["pointer"], e["detail"]) for e in problem["errors"]] == [
        ("recipient", "'polic' is not a known party"),
        ("data_category", "'helth' is not a known data category"),
    ]
    assert "police" in problem["suggestions"]
    assert "special.health" in problem["suggestions"]
    assert "polic" in problem["detail"] and "helth" in problem["detail"]


def test_missing_parameters_are_422_naming_them(client: TestClient) -> None:
    response = client.get("/v1/services/camden-early-help/lawful-basis")
    assert response.status_code == 422
    assert {e["pointer"] for e in response.json()["errors"]} == {"recipient", "data_category"}
    bad_date = client.get(
        "/v1/services/camden-early-help/lawful-basis",
        params={"recipient": "police", "data_category": "personal", "at": "soon"},
    )
    assert bad_date.status_code == 422
    assert [e["pointer"] for e in bad_date.json()["errors"]] == ["at"]


def test_unknown_service_or_no_notice_in_effect_is_404(client: TestClient) -> None:
    params = {"recipient": "police", "data_category": "personal"}
    missing = client.get("/v1/services/nowhere/lawful-basis", params=params)
    assert missing.status_code == 404
    assert missing.headers["content-type"] == PROBLEM
    before = client.get(
        "/v1/services/camden-early-help/lawful-basis", params={**params, "at": "2020-01-01"}
    )
    assert before.status_code == 404
    assert "2020-01-01" in before.json()["detail"]


def test_controller_lookup_covers_all_its_services(client: TestClient) -> None:
    response = client.get(
        "/v1/lawful-basis",
        params={
            "controller": "camden",
            "recipient": "police",
            "data_category": "criminal.offences",
        },
    )
    assert response.status_code == 200
    body = response.json()
    assert body["controller"] == "camden" and body["service_id"] is None
    assert "controller" in body["statement"]
    services = {s["service_id"]: s for s in body["services"]}
    assert set(services) == {"camden-early-help", "camden-family-support"}
    assert services["camden-family-support"]["documented"] is True
    # Camden Early Help lists alleged offences and convictions, not offences as a whole.
    assert services["camden-early-help"]["documented"] is False
    assert body["documented"] is True
    assert [a["id"] for a in body["activities"]] == ["camden-family-support.casework"]
    joint = client.get(
        "/v1/lawful-basis",
        params={
            "controller": "peterborough",
            "recipient": "dwp",
            "data_category": "personal.identity.name",
        },
    ).json()
    assert [s["service_id"] for s in joint["services"]] == [
        "cambridgeshire-peterborough-early-help"
    ]
    assert joint["documented"] is True


def test_controller_lookup_validates_the_controller(client: TestClient) -> None:
    response = client.get(
        "/v1/lawful-basis",
        params={"controller": "camdne", "recipient": "police", "data_category": "personal"},
    )
    assert response.status_code == 422
    problem = response.json()
    assert problem["errors"][0]["pointer"] == "controller"
    assert problem["suggestions"][0] == "camden"
    nul = client.get(
        "/v1/lawful-basis",
        params={"controller": "\x00", "recipient": "police", "data_category": "personal"},
    )
    assert nul.status_code == 422
    assert nul.json()["errors"][0]["pointer"] == "controller"
    missing = client.get("/v1/lawful-basis", params={"recipient": "police", "data_category": "x"})
    assert missing.status_code == 422
    assert [e["pointer"] for e in missing.json()["errors"]] == ["controller"]


def test_a_lookup_is_a_handful_of_queries_however_many_activities(client: TestClient) -> None:
    engine = client.app.state.engine  # type: ignore[attr-defined]
    statements: list[str] = []

    def count(*args: Any) -> None:
        statements.append(args[2])

    params = {
        "controller": "camden",
        "recipient": "police",
        "data_category": ["personal.identity.name", "special.health", "criminal.offences"],
    }
    client.get("/v1/lawful-basis", params=params)  # warm the vocabulary cache
    event.listen(engine, "before_cursor_execute", count)
    try:
        body = client.get("/v1/lawful-basis", params=params).json()
    finally:
        event.remove(engine, "before_cursor_execute", count)
    assert len(body["activities"]) >= 2
    assert len(statements) <= 12, statements


# --- on a register of our own ----------------------------------------------------------------


def _document() -> NoticeDocument:
    return NoticeDocument.model_validate(
        {
            "controllers": [{"id": "testshire", "name": "Testshire Council"}],
            "service": {"id": "testshire-help", "name": "Help", "controllers": ["testshire"]},
            "notice": {"title": "Help privacy notice", "effective_from": "2024-01-01"},
            "activities": [
                {
                    "id": "restricted",
                    "name": "Restricted sharing",
                    "purposes": ["Support families"],
                    "data_categories": [
                        {"category": "personal.identity.name"},
                        {"category": "special.health"},
                    ],
                    "recipients": [
                        {
                            "party": "central-government",
                            "data_categories": ["personal.identity.name"],
                            "condition": "when asked for a return",
                        }
                    ],
                    "lawful_bases": [
                        {"basis": "art6-1-e"},
                        {"basis": "art9-2-g"},
                        {"basis": "dpa2018-sch1-para18"},
                    ],
                    "sharing_arrangements": [{"name": "Old agreement", "end_date": "2020-01-01"}],
                }
            ],
        }
    )


@pytest.fixture
def own_client(empty_db: str, seed: Any) -> Iterator[TestClient]:
    with session_for(empty_db) as session:
        save_terms(session=session, vocabulary=seed.vocabulary)
        session.commit()
        document = _document()
        document.notice.effective_from = date(2024, 1, 1)
        import_doc(session, document)
    with TestClient(create_app(Settings(database_url=empty_db))) as client:
        yield client


def test_a_recipient_link_s_own_categories_restrict_it(own_client: TestClient) -> None:
    name = lookup(
        own_client, "testshire-help", recipient="dwp", data_category="personal.identity.name"
    )
    assert name["documented"] is True
    [activity] = name["activities"]
    assert activity["recipient_links"][0]["party"] == "central-government"
    assert activity["conditions"] == ["when asked for a return"]
    # The activity processes health data, but the notice does not send it to government.
    health = lookup(own_client, "testshire-help", recipient="dwp", data_category="special.health")
    assert health["documented"] is False
    assert health["activities"] == []


def test_an_ended_arrangement_with_no_parties_concerns_every_recipient(
    own_client: TestClient,
) -> None:
    body = lookup(
        own_client, "testshire-help", recipient="central-government", data_category="personal"
    )
    assert body["documented"] is False  # only a narrower category goes to government
    body = lookup(
        own_client,
        "testshire-help",
        recipient="central-government",
        data_category="personal.identity.name",
    )
    assert [w["code"] for w in body["warnings"]] == ["sharing-arrangement-ended"]
