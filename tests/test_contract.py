"""The contract says what the server enforces: structural properties of the OpenAPI document,
the schemathesis configuration held to it, and the server refusing what the document refuses.

``scripts/fuzz.sh`` runs schemathesis against a served app (every check and phase); these are
the fast properties it relies on.
"""

from __future__ import annotations

import json
import re
import tomllib
from typing import Any

import pytest
from fastapi.testclient import TestClient
from test_openapi import current_schema

from app.config import PROJECT_ROOT
from app.patterns import DURATION_PATTERN, LINE_PATTERN, TEXT_PATTERN

CONFIG = PROJECT_ROOT / "schemathesis.toml"
METHODS = ("get", "put", "post", "delete", "patch")


def operations(schema: dict[str, Any]) -> list[tuple[str, str, dict[str, Any]]]:
    return [
        (method.upper(), path, op)
        for path, item in schema["paths"].items()
        for method, op in item.items()
        if method in METHODS
    ]


@pytest.fixture(scope="module")
def schema() -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads(current_schema())
    return loaded


def test_the_fuzz_config_only_expects_statuses_each_operation_declares(
    schema: dict[str, Any],
) -> None:
    config = tomllib.loads(CONFIG.read_text(encoding="utf-8"))
    assert set(config) == {"operations"}, "expected statuses per operation, nothing else"
    ops = {f"{m} {p}": op for m, p, op in operations(schema)}
    seen = []
    for entry in config["operations"]:
        name = entry["include-name"]
        assert set(entry) == {"include-name", "checks"}, name
        assert name in ops, f"{name} is not an operation of the contract"
        declared = set(ops[name]["responses"])
        for check, settings in entry["checks"].items():
            assert set(settings) == {"expected-statuses"}, f"{name} {check}: no check disabled"
            undeclared = set(settings["expected-statuses"]) - declared
            assert not undeclared, f"{name} {check} expects {undeclared}, which it does not declare"
        seen.append(name)
    assert len(seen) == len(set(seen)), "one entry per operation"


def test_operations_that_refuse_without_a_key_say_how_to_send_one(
    schema: dict[str, Any],
) -> None:
    for method, path, op in operations(schema):
        if "403" in op["responses"]:  # a scope is checked: a key is needed
            assert op.get("security"), f"{method} {path}"
            assert {} not in op["security"], f"{method} {path}"
            assert "401" in op["responses"], f"{method} {path}"


def test_if_match_is_required_where_the_server_requires_it(schema: dict[str, Any]) -> None:
    with_if_match = 0
    for method, path, op in operations(schema):
        for parameter in op.get("parameters", []):
            if parameter["in"] == "header" and parameter["name"].lower() == "if-match":
                with_if_match += 1
                assert parameter["required"] is True, f"{method} {path}"
                assert {"412", "428"} <= set(op["responses"]), f"{method} {path}"
    assert with_if_match == 5


def test_every_operation_with_input_declares_its_refusals(schema: dict[str, Any]) -> None:
    for method, path, op in operations(schema):
        codes = set(op["responses"])
        if op.get("parameters"):
            assert "422" in codes, f"{method} {path}"
        if "requestBody" in op:
            assert {"413", "422"} <= codes, f"{method} {path}"
        for code in codes - {"304"}:
            assert 200 <= int(code) < 300 or "content" in op["responses"][code] or code == "204"


def test_every_date_parameter_is_a_date_and_every_time_an_instant(
    schema: dict[str, Any],
) -> None:
    text = json.dumps(schema)
    assert '"format": "date"' in text
    for method, path, op in operations(schema):
        for parameter in op.get("parameters", []):
            if parameter["name"] in ("at",):
                assert {"format": "date", "type": "string"} in parameter["schema"]["anyOf"], path
            if parameter["name"] in ("since", "until"):
                assert "date-time" in json.dumps(parameter["schema"]), f"{method} {path}"


def test_the_document_states_its_text_and_duration_rules(schema: dict[str, Any]) -> None:
    components = schema["components"]["schemas"]
    # a name is one line (no control character at all); long text may hold tabs and line feeds
    assert components["Activity"]["properties"]["name"]["pattern"] == LINE_PATTERN
    description = components["Activity"]["properties"]["description"]["anyOf"][0]
    assert description["pattern"] == TEXT_PATTERN
    duration = components["RetentionRule"]["properties"]["duration"]["anyOf"][0]
    assert duration["pattern"] == DURATION_PATTERN
    assert "anyOf" in components["RetentionRule"], "alternatives go with whichever"
    assert components["ServiceDoc"]["properties"]["controllers"]["uniqueItems"] is True


@pytest.mark.parametrize(
    ("value", "valid"),
    [
        ("P6Y", True),
        ("P18M", True),
        ("P1Y6M", True),
        ("P2W", True),
        ("P0Y3D", True),
        ("P0Y", False),
        ("P", False),
        ("PT6H", False),
        ("P1.5Y", False),
        ("P6D1Y", False),
    ],
)
def test_the_duration_pattern_is_the_rule_the_server_applies(value: str, valid: bool) -> None:
    from pydantic import TypeAdapter, ValidationError

    from app.register.document import Duration

    assert bool(re.match(DURATION_PATTERN, value)) is valid
    try:
        TypeAdapter(Duration).validate_python(value)
        accepted = True
    except ValidationError:
        accepted = False
    assert accepted is valid


def test_a_405_names_every_method_the_contract_declares_at_the_path(
    client: TestClient, schema: dict[str, Any]
) -> None:
    paths = {
        "/v1/services": "/v1/services",
        "/v1/controllers/camden": "/v1/controllers/{controller_id}",
        "/v1/services/camden-early-help/notice/drafts/2": (
            "/v1/services/{service_id}/notice/drafts/{version}"
        ),
        "/v1/audit-events": "/v1/audit-events",
    }
    for path, template in paths.items():
        declared = {m.upper() for m in schema["paths"][template] if m in METHODS}
        response = client.request("TRACE", path)
        assert response.status_code == 405, path
        assert declared <= set(response.headers["allow"].split(", ")), path
        assert response.headers["content-type"] == "application/problem+json"


def test_dates_are_dates_not_numbers(client: TestClient) -> None:
    notice = "/v1/services/camden-early-help/notice"
    for value in ("0", "1700000000", "2024-02-30", "2024-1-1"):
        response = client.get(notice, params={"at": value})
        assert response.status_code == 422, value
        assert response.json()["errors"][0]["pointer"] == "at"
    # any calendar date is a question the register answers: before its first version, nothing
    assert client.get(notice, params={"at": "0001-01-01"}).status_code == 404
    assert client.get(notice, params={"at": "9999-12-31"}).status_code == 200
    text = client.post("/v1/checks/text", json={"text": "A notice", "date": 0})
    assert text.status_code == 422
    assert text.json()["errors"][0]["pointer"] == "/date"


def test_a_missing_if_match_is_428_and_a_stale_one_412(
    fresh_client: TestClient, keys: dict[str, dict[str, str]]
) -> None:
    service = "camden-early-help"
    created = fresh_client.post(f"/v1/services/{service}/notice/drafts", headers=keys["editor"])
    assert created.status_code == 201
    draft = created.headers["location"]
    missing = fresh_client.delete(draft, headers=keys["editor"])
    assert missing.status_code == 428
    assert missing.headers["content-type"] == "application/problem+json"
    stale = fresh_client.delete(draft, headers={**keys["editor"], "If-Match": '"stale"'})
    assert stale.status_code == 412
    done = fresh_client.delete(
        draft, headers={**keys["editor"], "If-Match": created.headers["etag"]}
    )
    assert done.status_code == 204


def test_body_values_have_the_type_the_schema_says(
    fresh_client: TestClient, keys: dict[str, dict[str, str]]
) -> None:
    service = {"id": "new-service", "name": "New", "controllers": ["camden"]}
    for field, value in (("id", "Not A Slug"), ("controllers", ["camden", "camden"])):
        response = fresh_client.post(
            "/v1/services", json={**service, field: value}, headers=keys["publisher"]
        )
        assert response.status_code == 422, field
    created = fresh_client.post("/v1/services", json=service, headers=keys["publisher"])
    assert created.status_code == 201


def test_a_malformed_json_patch_is_422_whatever_the_etag(
    fresh_client: TestClient, keys: dict[str, dict[str, str]]
) -> None:
    created = fresh_client.post(
        "/v1/services/camden-early-help/notice/drafts", headers=keys["editor"]
    )
    assert created.status_code == 201
    headers = {
        **keys["editor"],
        "If-Match": '"stale"',
        "Content-Type": "application/json-patch+json",
    }
    for patch in (
        [{"op": "move", "path": "", "from": "no-slash"}],
        [{"op": "add", "path": "/notice/title"}],
        [{"op": "rename", "path": "/notice/title"}],
    ):
        response = fresh_client.patch(created.headers["location"], json=patch, headers=headers)
        assert response.status_code == 422, patch
    good = [{"op": "replace", "path": "/notice/title", "value": "A title"}]
    stale = fresh_client.patch(created.headers["location"], json=good, headers=headers)
    assert stale.status_code == 412
