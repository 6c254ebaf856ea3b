"""The read API on the seeded register, as websites, integrators and auditors use it."""

from __future__ import annotations

from fastapi.testclient import TestClient

PROBLEM = "application/problem+json"
SERVICES = {
    "southwark-early-help",
    "camden-early-help",
    "shropshire-strengthening-families",
    "camden-family-support",
    "cambridgeshire-peterborough-early-help",
}


def test_lists_the_five_services(client: TestClient) -> None:
    body = client.get("/v1/services").json()
    assert body["total"] == 5
    assert {s["id"] for s in body["items"]} == SERVICES
    joint = next(s for s in body["items"] if s["id"] == "cambridgeshire-peterborough-early-help")
    assert joint["controllers"] == ["cambridgeshire", "peterborough"]
    assert joint["current_version"] == 1
    assert joint["notice_url"] == "/v1/services/cambridgeshire-peterborough-early-help/notice"


def test_services_filter_by_controller_and_text(client: TestClient) -> None:
    camden = client.get("/v1/services", params={"controller": "camden"}).json()
    assert {s["id"] for s in camden["items"]} == {"camden-early-help", "camden-family-support"}
    peterborough = client.get("/v1/services", params={"controller": "peterborough"}).json()
    assert [s["id"] for s in peterborough["items"]] == ["cambridgeshire-peterborough-early-help"]
    text = client.get("/v1/services", params={"q": "SHROPSHIRE"}).json()
    assert [s["id"] for s in text["items"]] == ["shropshire-strengthening-families"]
    none = client.get("/v1/services", params={"q": "%"}).json()
    assert none["total"] == 0, "LIKE wildcards in the text filter are literal"


def test_pagination(client: TestClient) -> None:
    first = client.get("/v1/services", params={"limit": 2}).json()
    second = client.get("/v1/services", params={"limit": 2, "offset": 2}).json()
    assert first["total"] == second["total"] == 5
    assert len(first["items"]) == 2 and len(second["items"]) == 2
    assert not {s["id"] for s in first["items"]} & {s["id"] for s in second["items"]}


def test_controllers(client: TestClient) -> None:
    body = client.get("/v1/controllers").json()
    ids = {c["id"] for c in body["items"]}
    assert ids == {"southwark", "camden", "shropshire", "cambridgeshire", "peterborough"}
    camden = client.get("/v1/controllers/camden").json()
    assert camden["gss_code"] == "E09000007"
    assert camden["register_code"] == "CMD"
    assert camden["dpo"]["email"].lower() == "dpo@camden.gov.uk"
    assert camden["services"] == ["camden-early-help", "camden-family-support"]


def test_notice_document_with_etag_and_304(client: TestClient) -> None:
    response = client.get("/v1/services/camden-early-help/notice")
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/json"
    document = response.json()
    assert document["service"]["id"] == "camden-early-help"
    assert document["controllers"][0]["dpo"]["email"] == "dpo@camden.gov.uk"
    assert document["notice"]["version"] == 1
    assert document["notice"]["status"] == "in_effect"
    etag = response.headers["etag"]
    assert etag.startswith('"') and not etag.startswith("W/")
    again = client.get("/v1/services/camden-early-help/notice", headers={"If-None-Match": etag})
    assert again.status_code == 304
    assert again.content == b""
    assert again.headers["etag"] == etag
    other = client.get("/v1/services/camden-early-help/notice", headers={"If-None-Match": '"nope"'})
    assert other.status_code == 200
    assert other.content == response.content


def test_notice_by_version_and_date(client: TestClient) -> None:
    by_version = client.get("/v1/services/camden-early-help/notice", params={"version": 1})
    assert by_version.status_code == 200
    same = client.get("/v1/services/camden-early-help/notice/versions/1")
    assert same.content == by_version.content
    assert same.headers["etag"] == by_version.headers["etag"]
    # Camden's notice says "Last updated November 2023": in effect from then, not before.
    assert (
        client.get("/v1/services/camden-early-help/notice", params={"at": "2024-01-01"}).status_code
        == 200
    )
    before = client.get("/v1/services/camden-early-help/notice", params={"at": "2020-01-01"})
    assert before.status_code == 404
    assert before.headers["content-type"] == PROBLEM
    assert before.json()["type"] == "urn:ropa:problem:not-found"
    missing = client.get("/v1/services/camden-early-help/notice", params={"version": 9})
    assert missing.status_code == 404


def test_notice_selectors_are_validated(client: TestClient) -> None:
    both = client.get(
        "/v1/services/camden-early-help/notice", params={"version": 1, "at": "2024-01-01"}
    )
    assert both.status_code == 422
    assert both.json()["errors"][0]["pointer"] == "version"
    bad_date = client.get("/v1/services/camden-early-help/notice", params={"at": "yesterday"})
    assert bad_date.status_code == 422
    assert bad_date.headers["content-type"] == PROBLEM
    assert [e["pointer"] for e in bad_date.json()["errors"]] == ["at"]


def test_versions_list(client: TestClient) -> None:
    body = client.get("/v1/services/southwark-early-help/notice/versions").json()
    assert body["total"] == 1
    assert body["items"][0]["version"] == 1
    assert body["items"][0]["status"] == "in_effect"


def test_unknown_ids_are_404_problems(client: TestClient) -> None:
    for path in (
        "/v1/services/nowhere",
        "/v1/services/nowhere/notice",
        "/v1/services/nowhere/notice/versions",
        "/v1/controllers/nowhere",
        "/v1/activities/nowhere.casework",
        "/v1/no-such-route",
    ):
        response = client.get(path)
        assert response.status_code == 404, path
        assert response.headers["content-type"] == PROBLEM
        problem = response.json()
        assert problem["type"] == "urn:ropa:problem:not-found"
        assert problem["status"] == 404


def test_bad_query_values_are_422_naming_the_parameter(client: TestClient) -> None:
    response = client.get("/v1/services", params={"limit": 0, "offset": -1})
    assert response.status_code == 422
    problem = response.json()
    assert problem["type"] == "urn:ropa:problem:validation-error"
    assert {e["pointer"] for e in problem["errors"]} == {"limit", "offset"}
    bad_slug = client.get("/v1/services/Bad Slug!")
    assert bad_slug.status_code == 422
    assert bad_slug.json()["errors"][0]["pointer"] == "service_id"


def test_activities_filter_by_recipient_includes_all_services(client: TestClient) -> None:
    body = client.get("/v1/activities", params={"recipient": "police", "limit": 500}).json()
    services = {a["service_id"] for a in body["items"]}
    assert {"southwark-early-help", "camden-early-help", "camden-family-support"} <= services
    parties = client.get("/v1/parties", params={"limit": 500}).json()["items"]
    police = {"police"} | {p["slug"] for p in parties if p.get("parent") == "police"}
    assert len(police) > 1, "a police force in the seeds sits below 'police'"
    for activity in body["items"]:
        assert {r["party"] for r in activity["recipients"]} & police, activity["id"]


def test_activities_filter_by_category_includes_descendants(client: TestClient) -> None:
    special = client.get("/v1/activities", params={"data_category": "special", "limit": 500}).json()
    assert special["total"] > 0
    categories = client.get("/v1/data-categories", params={"limit": 500}).json()["items"]
    special_slugs = {c["slug"] for c in categories if c["kind"] == "special_category"}
    for activity in special["items"]:
        used = {c["category"] for c in activity["data_categories"]}
        assert used & special_slugs, activity["id"]


def test_activities_filter_by_basis_and_statute(client: TestClient) -> None:
    consent = client.get("/v1/activities", params={"lawful_basis": "art6-1-a", "limit": 500}).json()
    ids = {a["id"] for a in consent["items"]}
    assert any(i.startswith("camden-early-help.") for i in ids)
    for activity in consent["items"]:
        assert "art6-1-a" in {b["basis"] for b in activity["lawful_bases"]}
    statute = client.get(
        "/v1/activities", params={"statute": "children-act-2004", "limit": 500}
    ).json()
    assert statute["total"] > 0
    for activity in statute["items"]:
        assert "children-act-2004" in {s.get("statute") for s in activity["statutes"]}


def test_activity_filters_combine(client: TestClient) -> None:
    body = client.get(
        "/v1/activities", params={"controller": "camden", "lawful_basis": "art9-2-a", "limit": 500}
    ).json()
    assert body["total"] >= 1
    assert {a["service_id"] for a in body["items"]} <= {
        "camden-early-help",
        "camden-family-support",
    }


def test_unknown_filter_values_are_422_with_suggestions(client: TestClient) -> None:
    response = client.get("/v1/activities", params={"recipient": "polic"})
    assert response.status_code == 422
    problem = response.json()
    assert problem["errors"][0]["pointer"] == "recipient"
    assert "police" in problem["suggestions"]
    assert client.get("/v1/activities", params={"lawful_basis": "art6-1-z"}).status_code == 422
    typo = client.get("/v1/services", params={"controller": "camdne"}).json()
    assert typo["suggestions"][0] == "camden"


def test_one_activity(client: TestClient) -> None:
    listing = client.get("/v1/activities", params={"service": "camden-early-help"}).json()
    first = listing["items"][0]
    one = client.get(f"/v1/activities/{first['id']}").json()
    assert one == first
    assert one["controllers"] == ["camden"]
    assert one["notice_version"] == 1


def test_vocabularies(client: TestClient) -> None:
    for path, key in (
        ("/v1/data-categories", "slug"),
        ("/v1/data-subjects", "slug"),
        ("/v1/parties", "slug"),
        ("/v1/statutes", "slug"),
        ("/v1/lawful-bases", "slug"),
    ):
        body = client.get(path, params={"limit": 500}).json()
        assert body["total"] == len(body["items"]) > 0, path
        assert len({item[key] for item in body["items"]}) == body["total"]
    bases = {
        b["slug"]: b for b in client.get("/v1/lawful-bases", params={"limit": 500}).json()["items"]
    }
    assert bases["art9-2-g"]["requires_schedule1_part"] == 2
    assert bases["dpa2018-sch1-para18"]["schedule1_part"] == 2
    assert "art6-1-ea" in bases
    statutes = {
        s["slug"]: s for s in client.get("/v1/statutes", params={"limit": 500}).json()["items"]
    }
    assert statutes["children-act-1989"]["uri"] == "https://www.legislation.gov.uk/ukpga/1989/41"


def test_health(client: TestClient) -> None:
    assert client.get("/healthz").json() == {"status": "ok"}
    ready = client.get("/readyz")
    assert ready.status_code == 200
    assert ready.json()["status"] == "ready"
