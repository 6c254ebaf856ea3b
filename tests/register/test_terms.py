"""Councils extend the vocabularies through the API: add, rename, retire; scoped and audited."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session, select

from app.audit.models import AuditEvent
from app.auth.service import Principal
from app.errors import Forbidden
from app.register.current import read_vocabulary
from app.register.document import LocalTerm, LocalTerms
from app.register.schemas import TermRetire
from app.register.seeds import SeedSet
from app.register.terms import add_term, retire_term
from app.register.vocabulary import PartyBase, TermBase, Vocabulary
from tests.conftest import _client
from tests.helpers import TESTER, import_doc, session_for

PROBLEM = "application/problem+json"
PARTIES = "/v1/vocabularies/parties"
SUBJECTS = "/v1/vocabularies/data-subjects"
CATEGORIES = "/v1/vocabularies/data-categories"
STATUTES = "/v1/vocabularies/statutes"
Keys = dict[str, dict[str, str]]
TODAY = date(2026, 12, 1)


def _events(client: TestClient, keys: Keys, **params: str) -> list[dict[str, Any]]:
    found = client.get("/v1/audit-events", params={"limit": "100", **params}, headers=keys["admin"])
    assert found.status_code == 200, found.text
    items: list[dict[str, Any]] = found.json()["items"]
    return items


def test_who_may_add_which_terms(fresh_client: TestClient, keys: Keys) -> None:
    own = {"slug": "camden:family-hub", "name": "Camden Family Hub"}
    assert fresh_client.post(PARTIES, json=own).status_code == 401
    auditor = fresh_client.post(PARTIES, json=own, headers=keys["auditor"])
    assert auditor.status_code == 403 and auditor.headers["content-type"] == PROBLEM

    editor = fresh_client.post(PARTIES, json=own, headers=keys["editor"])
    assert editor.status_code == 201, editor.text
    assert editor.headers["location"] == f"{PARTIES}/camden:family-hub"
    body = editor.json()
    assert body["controller"] == "camden" and body["added"] == date.today().isoformat()
    assert body["kind"] == "organisation"

    publisher = fresh_client.post(
        SUBJECTS,
        json={"slug": "southwark:kinship-carer", "name": "Kinship carer", "parent": "adult-carer"},
        headers=keys["publisher"],
    )
    assert publisher.status_code == 201, publisher.text

    shared = {"slug": "food-banks", "name": "Food banks", "kind": "category"}
    refused = fresh_client.post(PARTIES, json=shared, headers=keys["editor"])
    assert refused.status_code == 403
    assert "admin" in refused.json()["detail"]
    admin = fresh_client.post(
        PARTIES, json=shared | {"parent": "voluntary-sector"}, headers=keys["admin"]
    )
    assert admin.status_code == 201, admin.text
    assert admin.json()["controller"] is None

    again = fresh_client.post(PARTIES, json=own, headers=keys["editor"])
    assert again.status_code == 409

    created = _events(fresh_client, keys, action="term.create")
    assert {(e["target"], e["actor"], e["outcome"]) for e in created} == {
        ("controllers/camden/vocabularies/parties/camden:family-hub", "test-editor", "ok"),
        (
            "controllers/southwark/vocabularies/data-subjects/southwark:kinship-carer",
            "test-publisher",
            "ok",
        ),
        ("vocabularies/parties/food-banks", "test-editor", "denied"),
        ("vocabularies/parties/food-banks", "test-admin", "ok"),
    }
    ok = next(e for e in created if e["actor"] == "test-admin")
    assert ok["after_hash"] and ok["before_hash"] is None
    denied = _events(fresh_client, keys, outcome="denied")
    assert {e["actor"] for e in denied} >= {"test-auditor", "test-editor"}
    # an auditor bound to the councils sees the events about their terms, not the shared ones
    bound = fresh_client.get(
        "/v1/audit-events", params={"action": "term.create"}, headers=keys["auditor"]
    ).json()["items"]
    assert {e["target"].split("/")[1] for e in bound} == {"camden", "southwark"}

    # the vocabulary is rebuilt: the read routes show the new terms at once
    parties = fresh_client.get("/v1/parties", params={"limit": "500"}).json()["items"]
    assert {"camden:family-hub", "food-banks"} <= {p["slug"] for p in parties}
    one = fresh_client.get(f"{PARTIES}/food-banks")
    assert one.status_code == 200 and one.json()["parent"] == "voluntary-sector"
    # and the lookup takes the new term as a recipient
    lookup = fresh_client.get(
        "/v1/services/camden-early-help/lawful-basis",
        params={"recipient": "camden:family-hub", "data_category": "special.health"},
    )
    assert lookup.status_code == 200, lookup.text


def test_unknown_references_get_did_you_mean(fresh_client: TestClient, keys: Keys) -> None:
    admin = keys["admin"]
    namespace = fresh_client.post(PARTIES, json={"slug": "camdn:hub", "name": "Hub"}, headers=admin)
    assert namespace.status_code == 422
    assert "camden" in namespace.json()["suggestions"]

    parent = fresh_client.post(
        PARTIES, json={"slug": "camden:hub", "name": "Hub", "parent": "polise"}, headers=admin
    )
    assert parent.status_code == 422 and parent.headers["content-type"] == PROBLEM
    problem = parent.json()
    assert problem["errors"][0]["pointer"] == "/parent"
    assert "police" in problem["suggestions"]

    assert (
        fresh_client.post(
            PARTIES, json={"slug": "camden:hub", "name": "Hub"}, headers=keys["editor"]
        ).status_code
        == 201
    )
    retire = fresh_client.post(
        f"{PARTIES}/camden:hub/retire", json={"replaced_by": "early-help-team"}, headers=admin
    )
    assert retire.status_code == 422
    assert retire.json()["errors"][0]["pointer"] == "/replaced_by"
    assert "early-help-teams" in retire.json()["suggestions"]

    itself = fresh_client.post(
        f"{PARTIES}/camden:hub/retire", json={"replaced_by": "camden:hub"}, headers=admin
    )
    assert itself.status_code == 422

    missing = fresh_client.patch(f"{PARTIES}/camden:hubb", json={"name": "x"}, headers=admin)
    assert missing.status_code == 404 and "camden:hub" in missing.json()["suggestions"]

    wrong_kind = fresh_client.post(
        CATEGORIES,
        json={
            "slug": "camden:gp-letters",
            "name": "Letters from your GP",
            "parent": "special.health",
            "kind": "personal",
        },
        headers=keys["editor"],
    )
    assert wrong_kind.status_code == 422
    assert "special_category" in wrong_kind.json()["errors"][0]["detail"]

    bad_slug = fresh_client.post(PARTIES, json={"slug": "Camden Hub", "name": "X"}, headers=admin)
    assert bad_slug.status_code == 422
    assert bad_slug.json()["errors"][0]["pointer"] == "/slug"

    bad_field = fresh_client.post(
        PARTIES, json={"slug": "camden:x", "name": "X", "kind": "gang"}, headers=admin
    )
    assert bad_field.status_code == 422


def test_a_council_term_leans_only_on_shared_terms_and_its_own(
    fresh_client: TestClient, keys: Keys
) -> None:
    editor = keys["editor"]
    southwark = {"slug": "southwark:hub", "name": "Southwark hub", "kind": "category"}
    assert fresh_client.post(PARTIES, json=southwark, headers=editor).status_code == 201
    camden = {"slug": "camden:hub", "name": "Camden hub", "parent": "southwark:hub"}
    refused = fresh_client.post(PARTIES, json=camden, headers=editor)
    assert refused.status_code == 422
    assert "southwark" in refused.json()["errors"][0]["detail"]
    shared = {"slug": "hubs", "name": "Hubs", "parent": "southwark:hub"}
    assert fresh_client.post(PARTIES, json=shared, headers=keys["admin"]).status_code == 422
    own = fresh_client.post(PARTIES, json=camden | {"parent": "council-services"}, headers=editor)
    assert own.status_code == 201
    cycle = fresh_client.patch(
        f"{PARTIES}/camden:hub", json={"parent": "camden:hub"}, headers=editor
    )
    assert cycle.status_code == 422


def test_rename_keeps_the_slug_and_published_versions_render_as_published(
    fresh_db: str, keys: Keys
) -> None:
    render = "/v1/services/camden-early-help/notice/render"
    clients: list[Iterator[TestClient]] = []

    def client() -> TestClient:
        made = _client(fresh_db)
        clients.append(made)
        return next(made)

    first = client()
    before = first.get(render, params={"version": 1, "format": "text"})
    assert before.status_code == 200
    assert "Carer or guardian" in before.text  # the data subject 'carer', by its name
    renamed = first.patch(
        f"{SUBJECTS}/carer", json={"name": "Carer or guardian of a child"}, headers=keys["admin"]
    )
    assert renamed.status_code == 200, renamed.text
    assert renamed.json()["slug"] == "carer"
    assert renamed.json()["name"] == "Carer or guardian of a child"
    assert "no-store" in renamed.headers["cache-control"]
    event = _events(first, keys, action="term.update")[0]
    assert event["detail"]["changed"]["name"] == {
        "from": "Carer or guardian",
        "to": "Carer or guardian of a child",
    }
    assert event["before_hash"] != event["after_hash"]
    listed = first.get("/v1/data-subjects", params={"limit": "500"}).json()["items"]
    assert next(p for p in listed if p["slug"] == "carer")["name"].endswith("of a child")

    # a new process, with nothing in memory: the published version is the same bytes
    fresh = client()
    after = fresh.get(render, params={"version": 1, "format": "text"})
    assert after.content == before.content
    assert after.headers["etag"] == before.headers["etag"]
    # a draft follows the vocabulary as it is now
    draft = fresh.post("/v1/services/camden-early-help/notice/drafts", headers=keys["editor"])
    assert draft.status_code == 201
    text = fresh.get(render, params={"version": 2, "format": "text"}, headers=keys["editor"])
    assert text.status_code == 200 and "Carer or guardian of a child" in text.text
    assert "Carer or guardian of a child" not in before.text
    for made in clients:
        with pytest.raises(StopIteration):
            next(made)


def test_retire_with_a_date_and_a_replacement(fresh_client: TestClient, keys: Keys) -> None:
    editor = keys["editor"]
    term = {"slug": "camden:old-panel", "name": "Old panel", "kind": "category"}
    assert fresh_client.post(PARTIES, json=term, headers=editor).status_code == 201
    retired = fresh_client.post(
        f"{PARTIES}/camden:old-panel/retire",
        json={"retired": "2026-04-01", "replaced_by": "mash"},
        headers=editor,
    )
    assert retired.status_code == 200, retired.text
    assert retired.json()["retired"] == "2026-04-01"
    # a date is YYYY-MM-DD: a number is not read as a day of 1970
    for not_a_date in (0, "20260401", "2026-4-1"):
        refused = fresh_client.post(
            f"{PARTIES}/camden:old-panel/retire", json={"retired": not_a_date}, headers=editor
        )
        assert refused.status_code == 422, (not_a_date, refused.text)
    assert retired.json()["replaced_by"] == "mash"
    one = fresh_client.get(f"{PARTIES}/camden:old-panel").json()
    assert one["retired"] == "2026-04-01", "a retired term is still there"
    today = fresh_client.post(f"{SUBJECTS}/child/retire", headers=editor)
    assert today.status_code == 403, "a shared term is retired by an admin"
    by_admin = fresh_client.post(
        f"{SUBJECTS}/carer/retire", json={"replaced_by": "parent-carer"}, headers=keys["admin"]
    )
    assert by_admin.status_code == 200
    assert by_admin.json()["retired"] == date.today().isoformat()
    # a draft that uses the retired term is told which term replaced it, with the fix
    checks = "/v1/services/camden-early-help/notice/checks"
    assert fresh_client.post(
        "/v1/services/camden-early-help/notice/drafts", headers=editor
    ).is_success
    found = fresh_client.get(checks, params={"version": 2}, headers=editor).json()["findings"]
    retired_uses = [f for f in found if f["rule"] == "vocabulary.retired-term"]
    assert retired_uses and all("use 'parent-carer'" in f["message"] for f in retired_uses)
    assert retired_uses[0]["fix"][0]["value"] == "parent-carer"
    # the published version is checked against today's terms too (it is told, as info)
    published = fresh_client.get(checks, params={"version": 1}).json()["findings"]
    told = [f for f in published if f["rule"] == "vocabulary.retired-term"]
    assert told and {f["severity"] for f in told} == {"info"}
    events = _events(fresh_client, keys, action="term.retire")
    assert [(e["target"], e["outcome"]) for e in events] == [
        ("vocabularies/data-subjects/carer", "ok"),
        ("vocabularies/data-subjects/child", "denied"),
        ("controllers/camden/vocabularies/parties/camden:old-panel", "ok"),
    ]


def test_legislation_entries(fresh_client: TestClient, keys: Keys) -> None:
    entry = {
        "slug": "camden:housing-allocations-scheme",
        "title": "Camden Housing Allocation Scheme",
        "kind": "guidance",
        "publisher": "London Borough of Camden",
        "year": 2021,
    }
    created = fresh_client.post(STATUTES, json=entry, headers=keys["editor"])
    assert created.status_code == 201, created.text
    assert created.json()["name"] == "Camden Housing Allocation Scheme"
    changed = fresh_client.patch(
        f"{STATUTES}/camden:housing-allocations-scheme",
        json={"status": "superseded", "status_date": "2025-01-01"},
        headers=keys["editor"],
    )
    assert changed.status_code == 200 and changed.json()["status"] == "superseded"
    bad = fresh_client.patch(
        f"{STATUTES}/camden:housing-allocations-scheme",
        json={"status": "gone"},
        headers=keys["editor"],
    )
    assert bad.status_code == 422
    unchanged = fresh_client.patch(
        f"{STATUTES}/camden:housing-allocations-scheme", json={}, headers=keys["editor"]
    )
    assert unchanged.status_code == 200
    assert len(_events(fresh_client, keys, action="term.update")) == 1


def test_importing_a_documents_own_terms_again_does_not_undo_a_retirement(
    fresh_db: str, seed: SeedSet
) -> None:
    document = next(d for d in seed.documents if d.service.id == "camden-early-help")
    own = LocalTerms(parties=[LocalTerm(slug="camden:family-hub", name="Family hub")])
    with_terms = document.model_copy(update={"terms": own})
    with session_for(fresh_db) as session:
        import_doc(session, with_terms)
        retire_term(
            session=session,
            vocab="parties",
            slug="camden:family-hub",
            retirement=TermRetire(retired=date(2026, 4, 1), replaced_by="childrens-centres"),
            principal=TESTER,
            today=date(2026, 3, 1),
        )
        import_doc(session, with_terms)
        term = read_vocabulary(session=session).party("camden:family-hub")
    assert term is not None and term.name == "Family hub"
    assert term.retired == date(2026, 4, 1) and term.replaced_by == "childrens-centres"


def test_a_key_bound_to_councils_writes_their_terms_only(fresh_db: str) -> None:
    camden_editor = Principal(name="camden-ig", scope="editor", controllers=frozenset({"camden"}))
    camden_admin = Principal(name="camden-admin", scope="admin", controllers=frozenset({"camden"}))
    nobody = Principal(name="unbound-editor", scope="editor", controllers=frozenset())

    def add(session: Session, who: Principal, slug: str) -> TermBase:
        term = PartyBase(slug=slug, name="Hub", kind="category")
        return add_term(session=session, vocab="parties", term=term, principal=who, today=TODAY)

    with session_for(fresh_db) as session:
        assert add(session, camden_editor, "camden:hub").controller == "camden"
        for who, slug in (
            (camden_editor, "southwark:hub"),
            (nobody, "camden:hub2"),
            (camden_admin, "hubs"),
        ):
            with pytest.raises(Forbidden):
                add(session, who, slug)
        assert add(session, TESTER, "hubs").controller is None, "a global admin adds shared terms"
        denied = session.exec(select(AuditEvent).where(AuditEvent.outcome == "denied")).all()
    assert sorted(e.actor for e in denied) == ["camden-admin", "camden-ig", "unbound-editor"]


def test_a_write_rebuilds_the_vocabulary_once(
    fresh_client: TestClient, keys: Keys, monkeypatch: pytest.MonkeyPatch
) -> None:
    import app.register.current as current

    builds: list[int] = []
    real = current.read_vocabulary

    def counted(*, session: Session) -> Vocabulary:
        builds.append(1)
        return real(session=session)

    assert fresh_client.get("/v1/parties").status_code == 200
    monkeypatch.setattr(current, "read_vocabulary", counted)
    term = {"slug": "camden:hub", "name": "Hub"}
    assert fresh_client.post(PARTIES, json=term, headers=keys["editor"]).status_code == 201
    for path in ("/v1/parties", "/v1/data-categories", f"{PARTIES}/camden:hub", "/v1/parties"):
        assert fresh_client.get(path).status_code == 200
    assert len(builds) == 1
    listed = fresh_client.get("/v1/parties", params={"limit": "500"}).json()["items"]
    assert "camden:hub" in {p["slug"] for p in listed}
