"""Linked data that resolves (app/exports/terms.py): every JSON-LD export expands (pyld) and
parses as RDF (rdflib); every DPV IRI is a DPV 2.3 term; every IRI in the project's own
namespace is defined by the vocabulary document it resolves to; identifiers come from
ROPA_PUBLIC_BASE_URL, never from Host; joint controllers are dpv:hasJointDataControllers."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any
from urllib.parse import urldefrag, urlsplit

import pytest
import rdflib
from fastapi.testclient import TestClient
from helpers import import_doc, session_for
from pyld import jsonld
from rdflib.namespace import RDF, RDFS

from app.config import PROJECT_ROOT, Settings
from app.exports.terms import PROPERTIES, namespace
from app.main import create_app
from app.register.document import NoticeDocument

BASE = "http://127.0.0.1:8000"
DPV_NAMESPACES = (
    "https://w3id.org/dpv#",
    "https://w3id.org/dpv/pd#",
    "https://w3id.org/dpv/legal/eu/gdpr#",
    "https://w3id.org/dpv/legal/gb#",
    "https://w3id.org/dpv/sector/publicservices#",
)
DPV_TERMS = frozenset(
    line.strip()
    for line in (PROJECT_ROOT / "tests" / "data" / "dpv-2.3-terms.txt").read_text().splitlines()
    if line.strip() and not line.startswith("#")
)
DPV = rdflib.Namespace("https://w3id.org/dpv#")


def _loader(client: TestClient, base: str = BASE) -> Any:
    """pyld's document loader, fetching this service's documents from the test client (and
    refusing anything else: expansion needs no network)."""

    def load(url: str, options: Any = None) -> dict[str, Any]:
        assert url.startswith(base + "/"), f"unexpected fetch of {url}"
        response = client.get(url.removeprefix(base))
        assert response.status_code == 200, url
        return {
            "contentType": "application/ld+json",
            "contextUrl": None,
            "documentUrl": url,
            "document": response.json(),
        }

    return load


def _graph(client: TestClient, document: dict[str, Any], base: str = BASE) -> rdflib.Graph:
    """Expanded by pyld, converted to N-Triples by pyld, parsed by rdflib (rdflib's own
    JSON-LD parser warns of its deprecated ConjunctiveGraph, and warnings are errors)."""
    loader = {"documentLoader": _loader(client, base)}
    expanded = jsonld.expand(document, loader)
    assert expanded, "nothing expanded"
    triples = jsonld.to_rdf(expanded, {**loader, "format": "application/n-quads"})
    graph = rdflib.Graph()
    graph.parse(data=triples, format="nt")
    return graph


def _iris(graph: rdflib.Graph) -> set[str]:
    return {str(n) for triple in graph for n in triple if isinstance(n, rdflib.URIRef)}


def _keys(node: Any) -> Iterator[str]:
    """Every key of a JSON document (JSON-LD expansion drops keys it cannot map, silently)."""
    if isinstance(node, dict):
        for key, value in node.items():
            yield key
            yield from _keys(value)
    elif isinstance(node, list):
        for item in node:
            yield from _keys(item)


def _exports(client: TestClient) -> list[dict[str, str]]:
    """Every JSON-LD export: the whole register, each controller's and each service's."""
    controllers = [c["id"] for c in client.get("/v1/controllers").json()["items"]]
    services = [s["id"] for s in client.get("/v1/services", params={"limit": 500}).json()["items"]]
    return (
        [{}]
        + [{"controller": c} for c in controllers]
        + [{"service": s} for s in services]
        + [{"at": "2025-01-01"}]
    )


@pytest.fixture(scope="module")
def terms_graph(client: TestClient) -> rdflib.Graph:
    response = client.get("/terms")
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/ld+json"
    return _graph(client, response.json())


def test_every_export_expands_parses_and_uses_only_dpv_2_3_terms(
    client: TestClient, terms_graph: rdflib.Graph
) -> None:
    defined = {str(s) for s in terms_graph.subjects(RDFS.isDefinedBy, None)}
    exports = _exports(client)
    assert len(exports) > 8
    dpv_seen: set[str] = set()
    for params in exports:
        response = client.get("/v1/ropa", params={"format": "jsonld", **params})
        assert response.status_code == 200, params
        document = response.json()
        prefixes = set(client.get("/contexts/ropa-v1.jsonld").json()["@context"])
        unmapped = {k for k in _keys(document) if k.split(":")[0] not in prefixes}
        assert unmapped <= {"@context", "@graph", "@id", "@type", "@value"}, unmapped
        graph = _graph(client, document)
        assert len(graph) > 0, params
        processes = set(graph.subjects(RDF.type, DPV.Process))
        assert processes, params
        iris = _iris(graph)
        dpv = {i for i in iris if i.startswith(DPV_NAMESPACES)}
        assert dpv <= DPV_TERMS, (params, sorted(dpv - DPV_TERMS))
        dpv_seen |= dpv
        ours = {i for i in iris if i.startswith(namespace(BASE))}
        assert ours <= defined, (params, sorted(ours - defined))
    # the removed pre-2.2 spellings are not used, their 2.3 successors are
    assert "https://w3id.org/dpv/pd#CriminalOffense" not in dpv_seen
    assert "https://w3id.org/dpv/pd#ServiceConsumptionBehavior" not in dpv_seen
    assert "https://w3id.org/dpv/pd#CriminalOffence" in dpv_seen


def test_every_iri_of_this_service_resolves(client: TestClient) -> None:
    response = client.get("/v1/ropa", params={"format": "jsonld"})
    graph = _graph(client, response.json())
    ours = sorted({i for i in _iris(graph) if i.startswith(BASE + "/")})
    assert len(ours) > 20
    documents = {urldefrag(i).url for i in ours}
    for url in sorted(documents):
        parts = urlsplit(url)
        path = parts.path + (f"?{parts.query}" if parts.query else "")
        assert client.get(path).status_code == 200, url
    assert BASE + "/terms" in documents


def test_the_vocabulary_document_defines_every_local_term(
    client: TestClient, terms_graph: rdflib.Graph
) -> None:
    ns = namespace(BASE)
    for name in PROPERTIES:
        iri = rdflib.URIRef(ns + name)
        assert (iri, RDF.type, RDF.Property) in terms_graph, name
        assert terms_graph.value(iri, RDFS.label) is not None
    a10 = rdflib.URIRef(ns + "A10")
    assert (a10, RDF.type, RDFS.Class) in terms_graph
    assert terms_graph.value(a10, RDFS.subClassOf) == DPV.LegalBasis
    # every DPV IRI the vocabulary document refers to is a 2.3 term too
    dpv = {i for i in _iris(terms_graph) if i.startswith(DPV_NAMESPACES)}
    assert dpv and dpv <= DPV_TERMS, sorted(dpv - DPV_TERMS)
    again = client.get("/terms", headers={"If-None-Match": client.get("/terms").headers["etag"]})
    assert again.status_code == 304


def test_host_header_changes_nothing(client: TestClient) -> None:
    for url in (
        "/v1/ropa?format=jsonld",
        "/contexts/ropa-v1.jsonld",
        "/terms",
    ):
        plain = client.get(url)
        evil = client.get(url, headers={"Host": "evil.example"})
        assert evil.status_code == 200
        assert evil.content == plain.content, url
        assert b"evil.example" not in evil.content
        assert b"testserver" not in evil.content


@pytest.fixture
def elsewhere_client(fresh_db: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[TestClient]:
    monkeypatch.setenv("ROPA_PUBLIC_BASE_URL", "https://ropa.council.example/register/")
    with TestClient(create_app(Settings(database_url=fresh_db))) as client:
        yield client


def test_identifiers_follow_the_public_base_url(elsewhere_client: TestClient) -> None:
    base = "https://ropa.council.example/register"
    document = elsewhere_client.get(
        "/v1/ropa", params={"format": "jsonld", "service": "camden-early-help"}
    ).json()
    assert document["@context"] == base + "/contexts/ropa-v1.jsonld"
    context = elsewhere_client.get("/contexts/ropa-v1.jsonld").json()
    assert context["@context"]["ropa"] == base + "/terms#"
    graph = _graph(elsewhere_client, document, base)
    subjects = {str(s) for s in graph.subjects(RDF.type, DPV.Process)}
    assert base + "/v1/activities/camden-early-help.eylog" in subjects
    assert not {i for i in _iris(graph) if "127.0.0.1" in i or "testserver" in i}


def _joint_document() -> NoticeDocument:
    return NoticeDocument.model_validate(
        {
            "controllers": [
                {"id": "northshire", "name": "Northshire Council"},
                {"id": "southshire", "name": "Southshire Council"},
            ],
            "service": {
                "id": "shires-help",
                "name": "Shires Early Help",
                "controllers": ["northshire", "southshire"],
                "controller_relationship": "joint",
            },
            "notice": {"title": "Shires Early Help privacy notice", "effective_from": "2024-01-01"},
            "activities": [
                {
                    "id": "support",
                    "name": "Family support",
                    "purposes": ["To support families"],
                    "data_categories": [{"category": "personal.identity.name"}],
                }
            ],
        }
    )


def test_joint_controllers_where_the_record_says_so(fresh_db: str) -> None:
    with session_for(fresh_db) as session:
        import_doc(session, _joint_document())
    with TestClient(create_app(Settings(database_url=fresh_db))) as client:
        response = client.get("/v1/ropa", params={"format": "jsonld", "service": "shires-help"})
        graph = _graph(client, response.json())
        sole = client.get("/v1/ropa", params={"format": "jsonld", "service": "camden-early-help"})
        sole_graph = _graph(client, sole.json())
    [process] = graph.subjects(RDF.type, DPV.Process)
    assert graph.value(process, DPV.hasDataController) is None
    group = graph.value(process, DPV.hasJointDataControllers)
    assert (group, RDF.type, DPV.JointDataControllers) in graph
    members = {str(m) for m in graph.objects(group, DPV.hasDataController)}
    assert members == {f"{BASE}/v1/controllers/northshire", f"{BASE}/v1/controllers/southshire"}
    # a sole controller stays dpv:hasDataController
    assert not list(sole_graph.subjects(DPV.hasJointDataControllers, None))
    assert list(sole_graph.subjects(DPV.hasDataController, None))
