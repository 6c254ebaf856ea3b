"""The ROPA export, as an auditor pulls it: CSV for Excel, JSON, and JSON-LD (W3C DPV)."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from datetime import date
from typing import Any

import pytest
from fastapi.testclient import TestClient
from helpers import import_doc, session_for
from pyld import jsonld
from sqlmodel import Session
from typer.testing import CliRunner

from app.cli import cli
from app.config import Settings, get_settings
from app.db import make_engine
from app.exports.ropa import COLUMNS, CONTEXT_PATH, contact_rows, duration_words
from app.exports.service import Export
from app.exports.terms import context as context_of
from app.main import create_app
from app.register.document import ControllerDoc, NoticeDocument

PROBLEM = "application/problem+json"
TODAY = date.today().isoformat()
#: The public base URL the tests' settings default to (never the request's Host).
BASE = "http://127.0.0.1:8000"

EXPECTED_HEADER = [
    "Controller GSS code",
    "Controller name",
    "Service ID",
    "Activity ID",
    "Activity name",
    "Notice version",
    "Effective from",
    "Published at",
    "Business function",
    "Purpose of processing",
    "Name and contact details of joint controller (if applicable)",
    "Categories of individuals",
    "Categories of personal data",
    "Categories of recipients",
    "Link to contract with processor",
    "Names of third countries or international organisations that personal data are "
    "transferred to (if applicable)",
    "Safeguards for exceptional transfers of personal data to third countries or international "
    "organisations (if applicable)",
    "Retention schedule (if possible)",
    "General description of technical and organisational security measures (if possible)",
    "Article 6 lawful basis for processing personal data",
    "Article 9 condition for processing special category data",
    "Legitimate interests for the processing (if applicable)",
    "Link to record of legitimate interests assessment (if applicable)",
    "Rights available to individuals",
    "Existence of automated decision-making, including profiling (if applicable)",
    "The source of the personal data (if applicable)",
    "Link to record of consent",
    "Location of personal data",
    "Data Protection Impact Assessment required?",
    "Data Protection Impact Assessment progress",
    "Link to Data Protection Impact Assessment",
    "Has a personal data breach occurred?",
    "Link to record of personal data breach",
    "Data Protection Act 2018 Schedule 1 Condition for processing",
    "GDPR Article 6 lawful basis for processing",
    "Link to retention and erasure policy document",
    "Is personal data retained and erased in accordance with the policy document?",
    "Reasons for not adhering to policy document (if applicable)",
    "Missing required items",
]


def get_csv(client: TestClient, **params: Any) -> tuple[list[str], list[dict[str, str]]]:
    response = client.get("/v1/ropa", params={"format": "csv", **params})
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "text/csv; charset=utf-8"
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"), newline="")))
    header, body = rows[0], rows[1:]
    assert all(len(r) == len(header) for r in body)
    return header, [dict(zip(header, r, strict=True)) for r in body]


def by_activity(rows: list[dict[str, str]]) -> dict[str, dict[str, str]]:
    return {r["Activity ID"]: r for r in rows}


def test_csv_header_is_identifiers_then_the_ico_template_then_missing_items(
    client: TestClient,
) -> None:
    header, _ = get_csv(client)
    assert header == EXPECTED_HEADER
    assert [c.label for c in COLUMNS] == EXPECTED_HEADER


def test_csv_has_one_row_per_activity_in_effect_incomplete_ones_included(
    client: TestClient,
) -> None:
    activities = client.get("/v1/activities", params={"limit": 500}).json()
    _, rows = get_csv(client)
    assert sorted(r["Activity ID"] for r in rows) == sorted(a["id"] for a in activities["items"])
    rows_by = by_activity(rows)
    eylog = rows_by["camden-early-help.eylog"]
    assert eylog["Controller GSS code"] == "E09000007"
    assert eylog["Controller name"] == "London Borough of Camden"
    assert eylog["Service ID"] == "camden-early-help"
    assert eylog["Notice version"] == "1"
    assert eylog["Effective from"] == "2023-11-01"
    assert eylog["Article 6 lawful basis for processing personal data"] == "Art 6(1)(a) Consent"
    assert eylog["Article 9 condition for processing special category data"].startswith(
        "Art 9(2)(a)"
    )
    assert eylog["Categories of recipients"].split("; ")[-1].startswith("Eyworks Limited (")
    assert eylog["Retention schedule (if possible)"] == (
        "25 years (P25Y) from date of birth (children); 6 years (P6Y) (adults)"
    )
    assert eylog["Link to contract with processor"] == ""
    assert eylog["Data Protection Impact Assessment required?"] == ""

    # Incomplete records are exported with what is missing named, never dropped.
    joint = rows_by["cambridgeshire-peterborough-early-help.early-help-assessment"]
    missing = joint["Missing required items"].split("; ")
    assert "DPO contact" in missing and "security measures" in missing
    assert joint[EXPECTED_HEADER[18]] == ""  # no security statement: the cell is empty
    # the notice does not say the two councils are joint controllers
    assert joint["Name and contact details of joint controller (if applicable)"] == ""
    assert joint["Controller GSS code"] == "E10000003"
    shropshire = rows_by["shropshire-strengthening-families.early-help"]
    assert "retention period" in shropshire["Missing required items"]
    assert "Schedule 1 condition" in shropshire["Missing required items"]
    southwark = rows_by["southwark-early-help.early-help"]
    assert "Article 9 condition" in southwark["Missing required items"]
    assert "Schedule 1 condition" in southwark["Missing required items"]
    evaluation = rows_by["southwark-early-help.service-evaluation"]
    assert "categories of recipients" in evaluation["Missing required items"]
    casework = rows_by["camden-early-help.casework"]
    # the notice pairs Schedule 1 para 1 (employment) with Art 9(2)(h), which it cannot support
    assert casework["Missing required items"] == "Schedule 1 condition"
    assert "DPA 2018 Sch 1 Pt 2 para 18" in casework[EXPECTED_HEADER[33]]
    assert casework[EXPECTED_HEADER[33]].startswith("Art 10 ")
    assert casework[EXPECTED_HEADER[34]] == casework[EXPECTED_HEADER[19]] != ""
    assert "MOSAIC" in casework["Location of personal data"].split("; ")


def test_csv_disposition_names_the_scope_and_date(client: TestClient) -> None:
    everything = client.get("/v1/ropa", params={"format": "csv"})
    assert everything.headers["content-disposition"] == (
        f'attachment; filename="ropa-all-{TODAY}.csv"'
    )
    camden = client.get("/v1/ropa", params={"format": "csv", "controller": "camden"})
    assert camden.headers["content-disposition"] == (
        f'attachment; filename="ropa-camden-{TODAY}.csv"'
    )
    past = client.get("/v1/ropa", params={"format": "json", "at": "2024-06-01"})
    assert past.headers["content-disposition"] == 'attachment; filename="ropa-all-2024-06-01.json"'


def test_filters_by_controller_and_service(client: TestClient) -> None:
    _, camden = get_csv(client, controller="camden")
    assert {r["Service ID"] for r in camden} == {"camden-early-help", "camden-family-support"}
    # A joint service's rows, asked for by its second controller, are that controller's rows.
    _, peterborough = get_csv(client, controller="peterborough")
    assert {r["Controller name"] for r in peterborough} == {"Peterborough City Council"}
    # The notice never says the councils are joint controllers, so no row says so.
    joint = "Name and contact details of joint controller (if applicable)"
    assert {r[joint] for r in peterborough} == {""}
    _, one = get_csv(client, service="southwark-early-help")
    assert {r["Service ID"] for r in one} == {"southwark-early-help"}


def test_at_gives_the_register_as_it_stood(client: TestClient) -> None:
    _, before = get_csv(client, at="2023-10-31")
    assert not [r for r in before if r["Service ID"] == "camden-early-help"]
    _, after = get_csv(client, at="2024-01-01")
    assert len([r for r in after if r["Service ID"] == "camden-early-help"]) == 4


def test_bom_is_optional(client: TestClient) -> None:
    plain = client.get("/v1/ropa", params={"format": "csv"}).content
    with_bom = client.get("/v1/ropa", params={"format": "csv", "bom": "true"}).content
    assert not plain.startswith(b"\xef\xbb\xbf")
    assert with_bom == b"\xef\xbb\xbf" + plain
    assert plain.startswith(b"Controller GSS code,")
    assert b"\r\n" in plain


def test_json_rows_and_controller_block(client: TestClient) -> None:
    response = client.get("/v1/ropa", params={"format": "json", "controller": "camden"})
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/json"
    body = response.json()
    assert body["at"] == TODAY
    assert body["filters"] == {"controller": "camden", "service": None}
    assert [c["label"] for c in body["columns"]] == EXPECTED_HEADER
    assert [c["ico_column"] for c in body["columns"] if c["ico_column"]] == list(range(1, 31))
    [camden] = body["controllers"]
    assert camden["gss_code"] == "E09000007"
    assert camden["dpo"]["email"].lower() == "dpo@camden.gov.uk"
    assert "representative" in camden
    assert body["row_count"] == len(body["rows"]) == 5
    keys = [c["key"] for c in body["columns"]]
    for row in body["rows"]:
        assert list(row) == keys
    eylog = next(r for r in body["rows"] if r["activity_id"] == "camden-early-help.eylog")
    assert eylog["art6_basis"] == ["Art 6(1)(a) Consent"]
    assert eylog["processor_contract"] is None
    assert eylog["notice_version"] == 1


def test_unknown_filters_and_formats_are_422(client: TestClient) -> None:
    response = client.get("/v1/ropa", params={"controller": "camdne"})
    assert response.status_code == 422
    assert response.headers["content-type"] == PROBLEM
    problem = response.json()
    assert problem["errors"][0]["pointer"] == "controller"
    assert problem["suggestions"][0] == "camden"
    service = client.get("/v1/ropa", params={"service": "camden-early-hel"})
    assert service.status_code == 422
    assert service.json()["suggestions"][0] == "camden-early-help"
    fmt = client.get("/v1/ropa", params={"format": "xlsx"})
    assert fmt.status_code == 422
    assert [e["pointer"] for e in fmt.json()["errors"]] == ["format"]


def _local_loader(context: bytes) -> Any:
    def load(url: str, options: Any = None) -> dict[str, Any]:
        assert url.endswith(CONTEXT_PATH), f"unexpected fetch of {url}"
        return {
            "contentType": "application/ld+json",
            "contextUrl": None,
            "documentUrl": url,
            "document": json.loads(context),
        }

    return load


def test_jsonld_is_dpv_and_expands_without_errors(client: TestClient) -> None:
    context = client.get(CONTEXT_PATH)
    assert context.status_code == 200
    assert context.headers["content-type"] == "application/ld+json"
    assert context.json() == context_of(BASE)
    response = client.get("/v1/ropa", params={"format": "jsonld"})
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/ld+json"
    document = response.json()
    assert document["@context"] == BASE + CONTEXT_PATH

    expanded = jsonld.expand(document, {"documentLoader": _local_loader(context.content)})
    text = json.dumps(expanded)
    processes = [n for n in expanded if "https://w3id.org/dpv#Process" in n.get("@type", [])]
    assert len(processes) == len(
        client.get("/v1/activities", params={"limit": 500}).json()["items"]
    )
    for iri in (
        "https://w3id.org/dpv#hasLegalBasis",
        "https://w3id.org/dpv/legal/eu/gdpr#A6-1-a",
        "https://w3id.org/dpv/legal/eu/gdpr#A9-2-a",
        "https://w3id.org/dpv/pd#Picture",
        "https://w3id.org/dpv#Child",
        "https://w3id.org/dpv#DataController",
        "https://w3id.org/dpv/legal/gb#law-DPA",
        BASE + "/terms#A10",
        BASE + "/terms#DPA2018-Sch1-Para18",
        "https://www.legislation.gov.uk/ukpga/1989/41/section/17",
    ):
        assert iri in text, iri
    eylog = next(
        n for n in processes if n["@id"] == BASE + "/v1/activities/camden-early-help.eylog"
    )
    assert eylog[BASE + "/terms#effectiveFrom"] == [
        {"@type": "http://www.w3.org/2001/XMLSchema#date", "@value": "2023-11-01"}
    ]
    # and it is an RDF graph: it converts to N-Quads.
    nquads = jsonld.to_rdf(
        document,
        {"documentLoader": _local_loader(context.content), "format": "application/n-quads"},
    )
    assert "<https://w3id.org/dpv#hasPersonalData>" in nquads
    assert client.get("/contexts/nothing.jsonld").status_code == 404


# --- on registers of our own -----------------------------------------------------------------


def _hostile_document() -> NoticeDocument:
    return NoticeDocument.model_validate(
        {
            "controllers": [{"id": "testshire", "name": "Testshire Council"}],
            "service": {"id": "testshire-help", "name": "Help", "controllers": ["testshire"]},
            "notice": {"title": "Help privacy notice", "effective_from": "2024-01-01"},
            "activities": [
                {
                    "id": "hostile",
                    "name": "@SUM(1+1)",
                    "business_function": "-2+3",
                    "purposes": ["=cmd|' /C calc'!A0", "a second purpose"],
                    "data_categories": [{"category": "personal.identity.name"}],
                    "systems": ["+44 20 7946 0000", "\u200bInvisible"],
                }
            ],
        }
    )


@pytest.fixture
def hostile_client(fresh_db: str) -> Iterator[TestClient]:
    with session_for(fresh_db) as session:
        import_doc(session, _hostile_document())
    with TestClient(create_app(Settings(database_url=fresh_db))) as client:
        yield client


def test_csv_cells_that_look_like_formulas_are_neutralised(hostile_client: TestClient) -> None:
    _, rows = get_csv(hostile_client, service="testshire-help")
    [row] = rows
    assert row["Activity name"] == "'@SUM(1+1)"
    assert row["Business function"] == "'-2+3"
    assert row["Purpose of processing"] == "'=cmd|' /C calc'!A0; a second purpose"
    assert row["Location of personal data"] == "'+44 20 7946 0000; \u200bInvisible"
    missing = row["Missing required items"].split("; ")
    assert {"categories of individuals", "categories of recipients", "retention period"} <= set(
        missing
    )
    assert "Article 6 lawful basis" in missing
    # JSON is data, not a spreadsheet: values are exact.
    body = hostile_client.get("/v1/ropa", params={"service": "testshire-help"}).json()
    assert body["rows"][0]["purposes"][0] == "=cmd|' /C calc'!A0"


def test_rows_are_grouped_by_controller_then_service(fresh_db: str) -> None:
    engine = make_engine(Settings(database_url=fresh_db))
    with Session(engine) as session:
        export = Export(session=session, at=date.today())
    engine.dispose()
    keys = [(controller, v.service_id) for v, controller in export.placed]
    assert keys == sorted(keys) and len(keys) == len(set(keys))


def test_cli_writes_the_same_bytes_as_the_api(
    fresh_db: str, tmp_path: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ROPA_DATABASE_URL", fresh_db)
    get_settings.cache_clear()
    try:
        out = tmp_path / "ropa.csv"
        result = CliRunner().invoke(
            cli, ["export-ropa", "--format", "csv", "--bom", "--output", str(out)]
        )
        assert result.exit_code == 0, result.output
        to_stdout = CliRunner().invoke(cli, ["export-ropa", "--controller", "camden"])
        assert to_stdout.exit_code == 0, to_stdout.output
        unknown = CliRunner().invoke(cli, ["export-ropa", "--controller", "camdne"])
        assert unknown.exit_code == 1
        assert "camden" in unknown.output
    finally:
        get_settings.cache_clear()
    with TestClient(create_app(Settings(database_url=fresh_db))) as client:
        api = client.get("/v1/ropa", params={"format": "csv", "bom": "true"}).content
        api_json = client.get("/v1/ropa", params={"controller": "camden"}).content
    assert out.read_bytes() == api
    assert to_stdout.stdout_bytes == api_json


def test_formulas_hidden_behind_blanks_or_invisible_characters_are_neutralised() -> None:
    from app.exports.ropa import neutralise

    hidden = [
        "=1+1",
        " =1+1",
        "\u00a0\u3000=1+1",
        "\n=1+1",
        "\uff1dSUM(A1)",
        "\uff0b1",
        "\uff0d1",
        "\uff20SUM(A1)",
        "\u200b=1+1",
        "\ufeff\u2060+1",
        "\u200e\u202e-1",
        "\u2212" + "1",
        "\tTabbed",
        "\rCarriage",
    ]
    for cell in hidden:
        assert neutralise(cell) == "'" + cell, repr(cell)
    for cell in ("", "Plain text", "A-B", "x=1", "1+1", " text", "\u200btext", "e-mail@x"):
        assert neutralise(cell) == cell, repr(cell)


# --- CSV for people: the contact block, durations in words -----------------------------------


def test_csv_contact_block_comes_first_when_asked_for(client: TestClient) -> None:
    plain = client.get("/v1/ropa", params={"format": "csv", "controller": "camden"})
    response = client.get(
        "/v1/ropa", params={"format": "csv", "controller": "camden", "contacts": "true"}
    )
    assert response.status_code == 200
    text = response.content.decode("utf-8")
    rows = list(csv.reader(io.StringIO(text, newline="")))
    blocks = client.get("/v1/ropa", params={"controller": "camden"}).json()["controllers"]
    assert rows[0] == ["", "Name", "Address", "Email", "Telephone"]
    block, rest = rows[1 : 1 + 3 * len(blocks)], rows[1 + 3 * len(blocks) :]
    assert [r[0] for r in block] == [
        "Controller",
        "Data Protection Officer",
        "Representative",
    ] * len(blocks)
    camden = next(b for b in blocks if b["id"] == "camden")
    i = [r[1] for r in block].index(camden["name"])
    assert block[i][3] == (camden["email"] or "") and block[i][4] == (camden["telephone"] or "")
    dpo = camden["dpo"] or {}
    assert block[i + 1][3] == (dpo.get("email") or "")
    assert block[i + 2][1:] == ["", "", "", ""], "the register holds no representative"
    assert rest[0] == [], "a blank row before the header"
    assert rest[1] == EXPECTED_HEADER
    # the rows after it are the plain export's, byte for byte
    assert text.endswith(plain.content.decode("utf-8"))


def test_contact_block_cells_are_neutralised_and_on_one_line() -> None:
    hostile = ControllerDoc.model_validate(
        {
            "id": "testshire",
            "name": '=HYPERLINK("http://evil.example")',
            "address": "1 High Street\nTestshire",
            "dpo": {"email": "dpo@testshire.gov.uk", "phone": "+44 20 7946 0000"},
        }
    )
    rows = contact_rows([hostile])
    assert rows[1] == [
        "Controller",
        '\'=HYPERLINK("http://evil.example")',
        "1 High Street Testshire",
        "",
        "",
    ]
    assert rows[2] == [
        "Data Protection Officer",
        "",
        "",
        "dpo@testshire.gov.uk",
        "'+44 20 7946 0000",
    ]


@pytest.mark.parametrize(
    ("duration", "words"),
    [
        ("P25Y", "25 years"),
        ("P1Y", "1 year"),
        ("P1Y6M", "1 year 6 months"),
        ("P18M", "18 months"),
        ("P6W", "6 weeks"),
        ("P30D", "30 days"),
        ("PT1M", "1 minute"),
        ("P1DT2H", "1 day 2 hours"),
        ("P1.5Y", "1.5 years"),
    ],
)
def test_durations_in_words_are_parsed_by_isodate(duration: str, words: str) -> None:
    assert duration_words(duration) == words


def test_a_streamed_export_holds_one_connection(
    client: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The request's session is closed when the route returns; only the stream's own session
    holds a connection while rows are sent (two each deadlocked the pool under concurrent
    exports until its timeout)."""
    engine = client.app.state.engine  # type: ignore[attr-defined]
    original = Export.chunks
    seen: list[int] = []

    def chunks(self: Export, *args: Any, **kwargs: Any) -> Iterator[bytes]:
        for piece in original(self, *args, **kwargs):
            for line in piece.splitlines(keepends=True):  # many chunks: some sent after return
                seen.append(engine.pool.checkedout())
                yield line

    monkeypatch.setattr(Export, "chunks", chunks)
    response = client.get("/v1/ropa?format=csv")
    assert response.status_code == 200
    # the first rows are read before the response starts (a database failing then is a 503),
    # while the route's session is still open; from then on only the stream's own is held
    assert len(seen) > 2, seen
    assert max(seen) <= 2 and set(seen[2:]) == {1}, seen
