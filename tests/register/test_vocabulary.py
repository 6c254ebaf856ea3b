"""The Schedule 1 rules shared by the checks, the lookup and the export."""

from __future__ import annotations

from fastapi.testclient import TestClient

from app.register.seeds import SeedSet
from app.register.vocabulary import criminal_condition_met, schedule1_shortfall


def test_schedule1_must_be_of_the_part_the_art9_condition_needs(seed: SeedSet) -> None:
    basis = {b.slug: b for b in seed.vocabulary.lawful_bases}
    g, h, a = basis["art9-2-g"], basis["art9-2-h"], basis["art9-2-a"]
    para18, para2, para36 = (
        basis["dpa2018-sch1-para18"],
        basis["dpa2018-sch1-para2"],
        basis["dpa2018-sch1-para36"],
    )
    assert schedule1_shortfall([g, para18]) == []
    assert schedule1_shortfall([g, h, para18]) == [h], "(h) needs Part 1"
    assert schedule1_shortfall([g, h, para18, para2]) == []
    assert schedule1_shortfall([g, h, para36]) == [g, h], "a Part 3 condition meets neither"
    assert schedule1_shortfall([a]) == [], "explicit consent needs no Schedule 1 condition"
    assert criminal_condition_met([para36]) and criminal_condition_met([para18])
    assert not criminal_condition_met([basis["art10"]]), "Art 10 alone is not a condition"


def test_lookup_and_export_agree_with_the_checks(client: TestClient) -> None:
    answer = client.get(
        "/v1/services/camden-family-support/lawful-basis",
        params={"recipient": "police", "data_category": "special.health"},
    ).json()
    assert answer["documented"] is True
    assert "art9-condition-without-schedule1-condition" in {w["code"] for w in answer["warnings"]}
    rows = client.get(
        "/v1/ropa", params={"format": "json", "service": "camden-family-support"}
    ).json()["rows"]
    assert "Schedule 1 condition" in rows[0]["missing_required_items"]
    checks = client.get("/v1/services/camden-family-support/notice/checks").json()
    assert "consistency.art9-without-schedule1" in {f["rule"] for f in checks["findings"]}
