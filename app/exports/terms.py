"""The project's own linked-data terms (the ``ropa:`` namespace) and the JSON-LD context.

Where W3C DPV 2.3 has no term, the JSON-LD export uses one of ours. Each is a hash IRI in one
namespace, ``<ROPA_PUBLIC_BASE_URL>/terms#`` (so ``ropa:asAt`` is ``…/terms#asAt``), and
``GET /terms`` is the vocabulary document that defines every one of them: the properties
below, and a class for each lawful basis, data subject and data category of the register's
vocabulary that DPV has no term for. Dereferencing any ``ropa:`` IRI therefore gives a 200
document that says what it means. The namespace follows the configured public address, never
a request's ``Host``.

Pure: no database, HTTP or settings.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from app.exports.ropa import CONTEXT_PATH, basis_term, category_term, subject_term
from app.register.vocabulary import Vocabulary

TERMS_PATH = "/terms"
CONTEXT_FILE = Path(__file__).resolve().parent / "context" / "ropa-v1.jsonld"

#: The properties of the namespace: name → (label, definition, range).
PROPERTIES: dict[str, tuple[str, str, str]] = {
    "asAt": (
        "as at",
        "The date on which the record of processing activities is as it stood.",
        "xsd:date",
    ),
    "noticeVersion": (
        "notice version",
        "The number of the published privacy-notice version the processing is documented in.",
        "xsd:integer",
    ),
    "effectiveFrom": (
        "effective from",
        "The date from which that notice version is in effect.",
        "xsd:date",
    ),
    "businessFunction": (
        "business function",
        "The part of the council that carries out the processing "
        "(ICO documentation template, column 1).",
        "xsd:string",
    ),
    "condition": (
        "condition",
        "The condition attached to a source or recipient, as the notice words it "
        "(e.g. 'where consent has been given').",
        "xsd:string",
    ),
    "trigger": (
        "trigger",
        "The event a retention period runs from: case_closure, date_of_birth, last_contact, "
        "end_of_service, collection, corporate_schedule or unspecified.",
        "xsd:string",
    ),
    "appliesTo": (
        "applies to",
        "Whose records a retention rule applies to: children, adults or all.",
        "xsd:string",
    ),
    "consentDependent": (
        "consent dependent",
        "Whether the processing depends on the data subject's consent.",
        "xsd:boolean",
    ),
    "systems": (
        "systems",
        "The case-management or other systems the processing uses, as the notice names them.",
        "xsd:string",
    ),
    "missingRequiredItems": (
        "missing required items",
        "An item UK GDPR Art 30(1) or DPA 2018 Schedule 1 paragraph 41 requires that the "
        "record does not give.",
        "xsd:string",
    ),
}


def namespace(base: str) -> str:
    return base.rstrip("/") + TERMS_PATH + "#"


def context(base: str) -> dict[str, Any]:
    """The JSON-LD context of the exports: the shipped file, with the ``ropa:`` namespace at
    this service's public address."""
    document: dict[str, Any] = json.loads(CONTEXT_FILE.read_text(encoding="utf-8"))
    document["@context"]["ropa"] = namespace(base)
    return document


def _class(iri: str, label: str, broader: str, definition: str | None, base: str) -> dict[str, Any]:
    node: dict[str, Any] = {
        "@id": iri,
        "@type": ["rdfs:Class", "skos:Concept"],
        "rdfs:label": label,
        "skos:prefLabel": label,
        "skos:broader": {"@id": broader},
        "rdfs:subClassOf": {"@id": broader},
        "rdfs:isDefinedBy": {"@id": base + TERMS_PATH},
    }
    if definition:
        node["skos:definition"] = definition
    return node


def vocabulary_document(base: str, vocabulary: Vocabulary) -> dict[str, Any]:
    """Every ``ropa:`` term, defined (JSON-LD, with :func:`context`'s context by URL)."""
    base = base.rstrip("/")
    graph: list[dict[str, Any]] = [
        {
            "@id": base + TERMS_PATH,
            "@type": "owl:Ontology",
            "dct:title": "Council ROPA register: local terms",
            "dct:description": "Terms the register's JSON-LD export uses where W3C DPV 2.3 "
            "has none. Everything else in the export is DPV 2.3.",
            "vann:preferredNamespacePrefix": "ropa",
            "vann:preferredNamespaceUri": namespace(base),
        }
    ]
    for name, (label, definition, range_) in PROPERTIES.items():
        graph.append(
            {
                "@id": f"ropa:{name}",
                "@type": "rdf:Property",
                "rdfs:label": label,
                "skos:definition": definition,
                "rdfs:range": {"@id": range_},
                "rdfs:isDefinedBy": {"@id": base + TERMS_PATH},
            }
        )
    seen: set[str] = set()
    for slug, basis in sorted(vocabulary.bases.items()):
        iri = basis_term(vocabulary, slug)
        if iri.startswith("ropa:") and iri not in seen:
            seen.add(iri)
            label = f"{basis.code} {basis.name}".strip()
            graph.append(_class(iri, label, "dpv:LegalBasis", basis.description, base))
    for slug, subject in sorted(vocabulary.subjects.items()):
        iri = subject_term(vocabulary, slug)
        if iri.startswith("ropa:"):
            parent = subject_term(vocabulary, subject.parent) if subject.parent else None
            broader = parent or "dpv:DataSubject"
            graph.append(_class(iri, subject.name, broader, subject.description, base))
    for slug, category in sorted(vocabulary.categories.items()):
        iri = category_term(vocabulary, slug)
        if iri.startswith("ropa:"):
            parent = category_term(vocabulary, category.parent) if category.parent else None
            broader = parent or "dpv:PersonalData"
            graph.append(_class(iri, category.name, broader, category.description, base))
    return {"@context": base + CONTEXT_PATH, "@graph": graph}
