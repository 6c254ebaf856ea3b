"""The lawful-basis lookup: is disclosing these data categories to this recipient documented?

A case-management system asks this before sharing a record. The answer is built from the public
(published or superseded) notice versions in effect on a date, with a handful of indexed
queries whatever the size of the register:

1. the versions in effect for the service (or for every service of a controller);
2. the recipient links of those versions' activities naming the recipient or a party above it
   in the party hierarchy (``party_link`` by ``activity_id``/``party``);
3. for those candidate activities only: their data categories, the links' own categories and
   the purposes (to decide coverage), then bases, statutes, retention and sharing arrangements
   of the activities that match.

The vocabularies (small tables that change only when the seed is loaded) are read once and
kept per application for :data:`VOCAB_TTL_SECONDS`; see :func:`cached_vocab`.

Coverage. A requested category C is covered by an activity that lists the recipient (or one of
its parents) when C or an ancestor of C is among the activity's data categories; when the
recipient link names its own data categories, those are the categories that go to that
recipient, and C or an ancestor must be among them instead. A broader category is *not*
covered by a narrower one (asking about all health data is not answered by an activity that
shares mental-health data only); such narrower matches are reported as
``narrower_documented``.

The answer reports what the register documents. It never says a disclosure is lawful.
"""

from __future__ import annotations

import functools
import hashlib
import itertools
import json
import re
import threading
import time
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from datetime import date
from difflib import get_close_matches
from typing import Any, NamedTuple

from sqlalchemy import Connection, Date, Row, Select, Table, bindparam, select
from sqlmodel import SQLModel

from app.cache import Current
from app.errors import FieldError, InvalidQuery, NotFound
from app.notices.render import provision_path
from app.register.document import SLUG_PATTERN
from app.register.service import version_in_effect_clause
from app.register.vocabulary import criminal_condition_met, schedule1_shortfall
from app.sharing.schemas import (
    BasisRef,
    CategoryCoverage,
    LawfulBases,
    LawfulBasisAnswer,
    LookupWarning,
    MatchedActivity,
    ProvisionRef,
    RecipientLinkRef,
    RecipientRef,
    RetentionRef,
    ServiceAnswer,
    StatuteRef,
)

STATEMENT_SERVICE = (
    "This reports what the register documents for this service; it is not a legal judgement "
    "that a disclosure is lawful."
)
STATEMENT_CONTROLLER = (
    "This reports what the register documents for the services of this controller; it is not "
    "a legal judgement that a disclosure is lawful."
)

#: How long a loaded vocabulary is reused by one application. Vocabularies change only when
#: the seed is (re)loaded; an unknown slug forces a reload before it is reported as unknown.
VOCAB_TTL_SECONDS = 60.0

LEGISLATION_PREFIX = "https://www.legislation.gov.uk/"
SLUG_RE = re.compile(SLUG_PATTERN)

#: A row of a Core query (attribute access by column name).
DbRow = Row[*tuple[Any, ...]]


def table(name: str) -> Table:
    """A table of the register, for Core queries (no ORM object per row)."""
    return SQLModel.metadata.tables[name]


# --- vocabularies ----------------------------------------------------------------------------


class CategoryTerm(NamedTuple):
    slug: str
    name: str
    kind: str
    parent: str | None
    dpv: str | None


class SubjectTerm(NamedTuple):
    slug: str
    name: str
    dpv: str | None


class PartyTerm(NamedTuple):
    slug: str
    name: str
    kind: str
    parent: str | None
    dpv: str | None
    replaced_by: str | None
    replaced_on: date | None


class BasisTerm(NamedTuple):
    slug: str
    code: str
    article: str
    name: str
    dpv: str | None
    schedule1_part: int | None
    schedule1_paragraph: int | None
    requires_schedule1_part: int | None
    uri: str | None


class StatuteTerm(NamedTuple):
    slug: str
    title: str
    uri: str | None


def _chains(parents: dict[str, str | None]) -> dict[str, tuple[str, ...]]:
    """Each slug with its ancestors, nearest first (cycles cut)."""
    out: dict[str, tuple[str, ...]] = {}
    for slug in parents:
        chain: list[str] = []
        current: str | None = slug
        while current is not None and current not in chain:
            chain.append(current)
            current = parents.get(current)
        out[slug] = tuple(chain)
    return out


_generations = itertools.count(1)


class VocabIndex:
    """The vocabularies in memory, with the hierarchies precomputed."""

    def __init__(
        self,
        *,
        categories: Iterable[CategoryTerm],
        subjects: Iterable[SubjectTerm],
        parties: Iterable[PartyTerm],
        bases: Iterable[BasisTerm],
        statutes: Iterable[StatuteTerm],
    ) -> None:
        self.categories = {t.slug: t for t in categories}
        self.subjects = {t.slug: t for t in subjects}
        self.parties = {t.slug: t for t in parties}
        self.bases = {t.slug: t for t in bases}
        self.statutes = {t.slug: t for t in statutes}
        self._category_chains = _chains({s: t.parent for s, t in self.categories.items()})
        self._party_chains = _chains({s: t.parent for s, t in self.parties.items()})
        #: Identifies these terms: answers cached from this index are keyed by it.
        self.generation = next(_generations)

    @functools.cached_property
    def fingerprint(self) -> str:
        """A digest of the terms (the same in every process), for what is kept in the database
        made from them (the export's row sets)."""
        terms = [
            [list(t) for t in getattr(self, name).values()]
            for name in ("categories", "subjects", "parties", "bases", "statutes")
        ]
        return hashlib.sha256(json.dumps(terms, default=str).encode()).hexdigest()

    def same_terms(self, other: VocabIndex) -> bool:
        """Whether ``other`` holds exactly these terms, in the same order."""
        return all(
            list(getattr(self, name).items()) == list(getattr(other, name).items())
            for name in ("categories", "subjects", "parties", "bases", "statutes")
        )

    def category_chain(self, slug: str) -> tuple[str, ...]:
        """The category and its ancestors, nearest first."""
        return self._category_chains.get(slug, (slug,))

    def party_chain(self, slug: str) -> tuple[str, ...]:
        """The party and the parties above it, nearest first."""
        return self._party_chains.get(slug, (slug,))

    def category_kind(self, slug: str) -> str:
        term = self.categories.get(slug)
        return term.kind if term else "personal"

    def category_name(self, slug: str) -> str:
        term = self.categories.get(slug)
        return term.name if term else slug

    def party_name(self, slug: str) -> str:
        term = self.parties.get(slug)
        return term.name if term else slug

    def subject_name(self, slug: str) -> str:
        term = self.subjects.get(slug)
        return term.name if term else slug


def load_vocab_index(conn: Connection) -> VocabIndex:
    dc, ds, pa, lb, st = (
        table(n) for n in ("data_category", "data_subject", "party", "lawful_basis", "statute")
    )
    return VocabIndex(
        categories=(
            CategoryTerm(*r)
            for r in conn.execute(
                select(dc.c.slug, dc.c.name, dc.c.kind, dc.c.parent, dc.c.dpv).order_by(
                    dc.c.position
                )
            )
        ),
        subjects=(
            SubjectTerm(*r)
            for r in conn.execute(select(ds.c.slug, ds.c.name, ds.c.dpv).order_by(ds.c.position))
        ),
        parties=(
            PartyTerm(*r)
            for r in conn.execute(
                select(
                    pa.c.slug,
                    pa.c.name,
                    pa.c.kind,
                    pa.c.parent,
                    pa.c.dpv,
                    pa.c.replaced_by,
                    pa.c.replaced_on,
                ).order_by(pa.c.position)
            )
        ),
        bases=(
            BasisTerm(*r)
            for r in conn.execute(
                select(
                    lb.c.slug,
                    lb.c.code,
                    lb.c.article,
                    lb.c.name,
                    lb.c.dpv,
                    lb.c.schedule1_part,
                    lb.c.schedule1_paragraph,
                    lb.c.requires_schedule1_part,
                    lb.c.uri,
                ).order_by(lb.c.position)
            )
        ),
        statutes=(
            StatuteTerm(*r)
            for r in conn.execute(select(st.c.slug, st.c.title, st.c.uri).order_by(st.c.position))
        ),
    )


_vocab_lock = threading.Lock()


def cached_vocab(state: Any, conn: Connection, *, refresh: bool = False) -> VocabIndex:
    """The vocabularies, kept on ``state`` (the application's state) for a short while."""
    now = time.monotonic()
    entry = getattr(state, "ropa_vocab_index", None)
    if not refresh and entry is not None and now - entry[0] < VOCAB_TTL_SECONDS:
        return entry[1]
    index = load_vocab_index(conn)
    if entry is not None and entry[1].same_terms(index):
        index = entry[1]  # unchanged: keep its generation, so cached answers stay valid
    with _vocab_lock:
        state.ropa_vocab_index = (now, index)
    return index


def vocab_epoch(state: Any, vocab: VocabIndex | None = None) -> int | None:
    """The generation of the vocabulary cached on ``state`` while it is fresh (and is ``vocab``).

    Answers cached by the router are keyed by it, so answers built from other terms are never
    served. A reload that finds the same terms keeps the generation.
    """
    entry = getattr(state, "ropa_vocab_index", None)
    if entry is None or time.monotonic() - entry[0] >= VOCAB_TTL_SECONDS:
        return None
    if vocab is not None and entry[1] is not vocab:
        return None
    return int(entry[1].generation)


# --- validation ------------------------------------------------------------------------------


def suggest(value: str, names: dict[str, str], n: int = 5) -> list[str]:
    """The known slugs closest to ``value``, by slug, by last slug segment and by name."""
    wanted = value.strip().lower()
    found: list[str] = [s for s in names if s.rsplit(".", 1)[-1] == wanted]
    found += get_close_matches(wanted, list(names), n=n, cutoff=0.5)
    by_name = {name.lower(): slug for slug, name in names.items()}
    found += [by_name[m] for m in get_close_matches(wanted, list(by_name), n=n, cutoff=0.6)]
    return list(dict.fromkeys(found))[:n]


def _unknown(
    vocab: VocabIndex, recipient: str, categories: Sequence[str]
) -> tuple[list[tuple[str, str, str]], list[str]]:
    """(parameter, value, what) for each unknown value, and the closest known slugs."""
    unknown: list[tuple[str, str, str]] = []
    suggestions: list[str] = []
    if recipient not in vocab.parties:
        unknown.append(("recipient", recipient, "party"))
        suggestions += suggest(recipient, {s: t.name for s, t in vocab.parties.items()})
    for category in categories:
        if category not in vocab.categories:
            unknown.append(("data_category", category, "data category"))
            suggestions += suggest(category, {s: t.name for s, t in vocab.categories.items()})
    return unknown, list(dict.fromkeys(suggestions))


def check_terms(
    *,
    state: Any,
    conn: Connection,
    recipient: str,
    categories: Sequence[str],
    controller: str | None = None,
) -> VocabIndex:
    """The vocabulary, once the recipient, categories (and controller) are known to exist.

    Raises 422 naming every unknown value, with the closest known slugs.
    """
    vocab = cached_vocab(state, conn)
    unknown, suggestions = _unknown(vocab, recipient, categories)
    if unknown:  # a term added since the vocabulary was cached?
        vocab = cached_vocab(state, conn, refresh=True)
        unknown, suggestions = _unknown(vocab, recipient, categories)
    if controller is not None:
        ctl = table("controller")
        if (  # a value that cannot be a slug (e.g. with a NUL) is not sent to the database
            not SLUG_RE.match(controller)
            or conn.execute(select(ctl.c.id).where(ctl.c.id == controller)).first() is None
        ):
            known = [r[0] for r in conn.execute(select(ctl.c.id))]
            unknown.insert(0, ("controller", controller, "controller"))
            suggestions = get_close_matches(controller, known, n=5, cutoff=0.5) + suggestions
    if unknown:
        raise InvalidQuery(
            "Unknown " + ", ".join(f"{parameter} '{value}'" for parameter, value, _ in unknown),
            errors=[
                FieldError(pointer=parameter, detail=f"'{value}' is not a known {what}")
                for parameter, value, what in unknown
            ],
            suggestions=suggestions,
        )
    return vocab


# --- the lookup ------------------------------------------------------------------------------


class _Version(NamedTuple):
    id: int
    service_id: str
    version: int
    effective_from: date | None


# The lookup's queries are built once, with bound parameters (``expanding`` for lists), and
# reused: building a statement costs more than SQLite takes to run it, and a statement object
# that is reused keeps its compiled form and cache key.
_STATEMENTS: dict[tuple[object, ...], Select[Any]] = {}


def _statement(key: tuple[object, ...], build: Callable[[], Select[Any]]) -> Select[Any]:
    found = _STATEMENTS.get(key)
    if found is None:
        found = _STATEMENTS.setdefault(key, build())
    return found


def require_service(conn: Connection, service_id: str) -> None:
    """404 unless the service exists (a Core query: no ORM object is needed)."""

    def build() -> Select[Any]:
        svc = table("service")
        return select(svc.c.id).where(svc.c.id == bindparam("service_id"))

    query = _statement(("service",), build)
    if conn.execute(query, {"service_id": service_id}).first() is None:
        raise NotFound(f"No service '{service_id}'")


def _versions_statement(by: str) -> Select[Any]:
    nv, sc = table("notice_version"), table("service_controller")
    query = select(nv.c.id, nv.c.service_id, nv.c.version, nv.c.effective_from).where(
        version_in_effect_clause(bindparam("at", type_=Date))
    )
    if by == "service":
        query = query.where(nv.c.service_id == bindparam("service_id"))
    else:
        query = query.where(
            nv.c.service_id.in_(
                select(sc.c.service_id).where(sc.c.controller_id == bindparam("controller"))
            )
        )
    return query.order_by(nv.c.service_id)


def _versions(
    conn: Connection, *, at: date, service_id: str | None, controller: str | None
) -> list[_Version]:
    if service_id is not None:
        query = _statement(("versions", "service"), lambda: _versions_statement("service"))
        params: dict[str, Any] = {"at": at, "service_id": service_id}
    else:
        query = _statement(("versions", "controller"), lambda: _versions_statement("controller"))
        params = {"at": at, "controller": controller}
    return [_Version(*r) for r in conn.execute(query, params)]


def child_rows(
    conn: Connection, name: str, key: str, columns: Sequence[str], ids: Sequence[int]
) -> Sequence[Sequence[Any]]:
    """Rows ``(key, *columns)`` of a child table for the given parent ids, in (parent,
    position) order.

    A hot path of the lookup and the export: these simple reads go to the DB-API cursor
    directly, as plain tuples, because a SQLAlchemy statement with an expanding ``IN`` costs
    several times what the database takes to run it. Values come back as the driver gives
    them (on SQLite, dates and JSON as text). Table and column names are the callers'
    constants; the ids are bound parameters.
    """
    if not ids:
        return []
    t = table(name)
    paramstyle = conn.dialect.paramstyle
    dbapi = conn.connection.dbapi_connection
    if dbapi is None or paramstyle not in ("qmark", "format", "pyformat"):
        return conn.execute(
            select(t.c[key], *(t.c[c] for c in columns))
            .where(t.c[key].in_(list(ids)))
            .order_by(t.c[key], t.c.position)
        ).all()
    mark = "?" if paramstyle == "qmark" else "%s"
    quote = conn.dialect.identifier_preparer.quote
    sql = (
        f"SELECT {', '.join(quote(c) for c in (key, *columns))} FROM {quote(name)} "
        f"WHERE {quote(key)} IN ({', '.join([mark] * len(ids))}) "
        f"ORDER BY {quote(key)}, position"
    )
    cursor = dbapi.cursor()
    try:
        cursor.execute(sql, tuple(ids))
        return cursor.fetchall()
    finally:
        cursor.close()


def _grouped(
    conn: Connection, name: str, key: str, columns: Sequence[str], ids: Sequence[int]
) -> dict[int, list[Sequence[Any]]]:
    """:func:`child_rows` grouped by parent: each parent's ``columns`` values, in order."""
    out: dict[int, list[Sequence[Any]]] = defaultdict(list)
    for row in child_rows(conn, name, key, columns, ids):
        out[row[0]].append(row[1:])
    return out


def _as_date(value: Any) -> date | None:
    return date.fromisoformat(value) if isinstance(value, str) else value


def _as_list(value: Any) -> list[str]:
    return json.loads(value) if isinstance(value, str) else list(value or [])


def _links_statement() -> Select[Any]:
    pl, act = table("party_link"), table("activity")
    return (
        select(
            pl.c.id,
            pl.c.activity_id,
            pl.c.party,
            pl.c.condition,
            pl.c.as_written,
            act.c.slug,
            act.c.name,
            act.c.position,
            act.c.consent_dependent,
            act.c.notice_version_id,
        )
        .join_from(pl, act, act.c.id == pl.c.activity_id)
        .where(
            act.c.notice_version_id.in_(bindparam("versions", expanding=True)),
            pl.c.role == "recipient",
            pl.c.party.concat("").in_(bindparam("parties", expanding=True)),
        )
        .order_by(pl.c.activity_id, pl.c.position)
    )


def _basis_ref(vocab: VocabIndex, slug: str, as_written: str | None) -> BasisRef:
    term = vocab.bases.get(slug)
    return BasisRef(
        slug=slug,
        code=term.code if term else slug,
        name=term.name if term else slug,
        uri=term.uri if term else None,
        as_written=as_written,
    )


def split_bases(vocab: VocabIndex, rows: Iterable[tuple[str, str | None]]) -> LawfulBases:
    """Bases (slug, as written) split into Art 6, Art 9, Art 10 and Schedule 1 lists."""
    lists: dict[str, list[BasisRef]] = {"6": [], "9": [], "10": [], "sch1": []}
    for slug, as_written in rows:
        term = vocab.bases.get(slug)
        lists[term.article if term else "6"].append(_basis_ref(vocab, slug, as_written))
    return LawfulBases(art6=lists["6"], art9=lists["9"], art10=lists["10"], schedule1=lists["sch1"])


def statute_ref(
    vocab: VocabIndex, cited_as: str, slug: str | None, provisions: Sequence[str], kind: str
) -> StatuteRef:
    term = vocab.statutes.get(slug) if slug else None
    uri = term.uri if term else None

    def provision_uri(text: str) -> str | None:
        if not uri or not uri.startswith(LEGISLATION_PREFIX):
            return None
        path = provision_path(text)
        return uri.rstrip("/") + path if path else None

    return StatuteRef(
        cited_as=cited_as,
        statute=slug,
        title=term.title if term else None,
        uri=uri,
        kind_as_cited=kind,
        provisions=[ProvisionRef(text=p, uri=provision_uri(p)) for p in provisions or []],
    )


def _recipient_ref(vocab: VocabIndex, slug: str) -> RecipientRef:
    term = vocab.parties[slug]
    return RecipientRef(
        slug=slug,
        name=term.name,
        kind=term.kind,
        parents=list(vocab.party_chain(slug)[1:]),
        replaced_by=term.replaced_by,
        replaced_on=term.replaced_on,
    )


def _replaced_warning(vocab: VocabIndex, slug: str, activity: str | None) -> LookupWarning | None:
    term = vocab.parties.get(slug)
    if term is None or term.replaced_by is None:
        return None
    when = f" on {term.replaced_on.isoformat()}" if term.replaced_on else ""
    where = f"Activity '{activity}' names" if activity else "The recipient is"
    return LookupWarning(
        code="recipient-replaced",
        detail=f"{where} '{term.name}', which was replaced by "
        f"'{vocab.party_name(term.replaced_by)}' ({term.replaced_by}){when}.",
        activity=activity,
    )


def lawful_basis_lookup(
    *,
    conn: Connection,
    vocab: VocabIndex,
    at: date,
    recipient: str,
    data_categories: Sequence[str],
    purpose: str | None = None,
    service_id: str | None = None,
    controller: str | None = None,
    current: Current | None = None,
) -> LawfulBasisAnswer:
    """The register's answer for one service (``service_id``) or a controller's services.

    The recipient and categories must be known (see :func:`check_terms`). ``current``, when
    given, is the service's version in effect on ``at`` (the fast paths' map), saving a query.
    """
    if (service_id is None) == (controller is None):
        raise ValueError("give exactly one of service_id and controller")
    requested = list(dict.fromkeys(data_categories))
    if current is not None and service_id is not None:
        versions = [_Version(current.id, service_id, current.version, current.effective_from)]
    else:
        versions = _versions(conn, at=at, service_id=service_id, controller=controller)
    if not versions:
        if service_id is not None:
            require_service(conn, service_id)
        whose = f"Service '{service_id}'" if service_id else f"Controller '{controller}'"
        raise NotFound(f"{whose} had no published notice in effect on {at.isoformat()}")
    by_version = {v.id: v for v in versions}
    recipients = vocab.party_chain(recipient)

    # Candidate activities: those listing the recipient or a party above it. The query is
    # driven from the versions' activities (few), never from the party index (a common party
    # is listed by a large share of the whole register): ``party || ''`` keeps the planner
    # from choosing ``ix_party_link_party``.
    links = conn.execute(
        _statement(("links",), _links_statement),
        {"versions": list(by_version), "parties": list(recipients)},
    ).all()
    links_by: dict[int, list[DbRow]] = defaultdict(list)
    for link in links:
        links_by[link.activity_id].append(link)
    candidates = sorted(
        links_by,
        key=lambda a: (
            by_version[links_by[a][0].notice_version_id].service_id,
            links_by[a][0].position,
        ),
    )

    categories = _grouped(conn, "activity_data_category", "activity_id", ["category"], candidates)
    link_categories = _grouped(
        conn, "party_link_category", "party_link_id", ["category"], [link.id for link in links]
    )
    purposes = _grouped(conn, "activity_purpose", "activity_id", ["text"], candidates)

    needle = (purpose or "").strip().casefold()
    chains = {c: set(vocab.category_chain(c)) for c in requested}
    covers: dict[int, list[str]] = {}
    narrower: dict[str, set[str]] = defaultdict(set)
    for aid in candidates:
        if needle and not any(needle in p[0].casefold() for p in purposes[aid]):
            continue
        activity_scope = {r[0] for r in categories[aid]}
        scopes = [
            {r[0] for r in link_categories[link.id]} or activity_scope for link in links_by[aid]
        ]
        covered = [c for c in requested if any(scope & chains[c] for scope in scopes)]
        if covered:
            covers[aid] = covered
        for c in requested:
            if c not in covered:
                narrower[c].update(
                    d for scope in scopes for d in scope if d != c and c in vocab.category_chain(d)
                )
    matched = [aid for aid in candidates if aid in covers]

    bases = _grouped(conn, "activity_basis", "activity_id", ["basis", "as_written"], matched)
    statutes = _grouped(
        conn,
        "statute_citation",
        "activity_id",
        ["cited_as", "statute", "provisions", "kind_as_cited"],
        matched,
    )
    retention = _grouped(
        conn,
        "retention_rule",
        "activity_id",
        ["trigger", "duration", "applies_to", "text"],
        matched,
    )
    arrangements = _grouped(
        conn,
        "sharing_arrangement",
        "activity_id",
        ["id", "name", "end_date", "end_date_as_written"],
        matched,
    )
    arrangement_parties = _grouped(
        conn,
        "sharing_arrangement_party",
        "arrangement_id",
        ["party"],
        [a[0] for rows in arrangements.values() for a in rows],
    )

    warnings: list[LookupWarning] = []
    replaced = _replaced_warning(vocab, recipient, None)
    if replaced:
        warnings.append(replaced)
    activities: list[MatchedActivity] = []
    for aid in matched:
        first = links_by[aid][0]
        version = by_version[first.notice_version_id]
        public_id = f"{version.service_id}.{first.slug}"
        split = split_bases(vocab, ((basis, as_written) for basis, as_written in bases[aid]))
        covered = covers[aid]
        kinds = {c: vocab.category_kind(c) for c in covered}
        special = [c for c in covered if kinds[c] == "special_category"]
        criminal = [c for c in covered if kinds[c] == "criminal_offence"]
        if special and not split.art9:
            warnings.append(
                LookupWarning(
                    code="special-category-without-art9-condition",
                    detail=f"Special category data ({', '.join(special)}) is requested but "
                    f"activity '{public_id}' names no Art 9 condition.",
                    activity=public_id,
                    data_category=special[0],
                )
            )
        elif special and (
            needing := schedule1_shortfall(
                [
                    vocab.bases[b.slug]
                    for b in (*split.art9, *split.schedule1)
                    if b.slug in vocab.bases
                ]
            )
        ):
            warnings.append(
                LookupWarning(
                    code="art9-condition-without-schedule1-condition",
                    detail=f"Activity '{public_id}' relies on "
                    f"{', '.join(b.code for b in needing)}, which needs a DPA 2018 "
                    "Schedule 1 condition of the right Part, and names none.",
                    activity=public_id,
                    data_category=special[0],
                )
            )
        if criminal and not criminal_condition_met(
            vocab.bases[b.slug] for b in split.schedule1 if b.slug in vocab.bases
        ):
            warnings.append(
                LookupWarning(
                    code="criminal-offence-without-condition",
                    detail=f"Criminal offence data ({', '.join(criminal)}) is requested but "
                    f"activity '{public_id}' names no Art 10 or DPA 2018 Schedule 1 condition.",
                    activity=public_id,
                    data_category=criminal[0],
                )
            )
        for arrangement_id, arrangement_name, end, end_as_written in arrangements[aid]:
            parties = [p[0] for p in arrangement_parties[arrangement_id]]
            concerns_recipient = not parties or any(
                p in recipients or recipient in vocab.party_chain(p) for p in parties
            )
            end_date = _as_date(end)
            if concerns_recipient and end_date and end_date < at:
                written = f" ('{end_as_written}')" if end_as_written else ""
                warnings.append(
                    LookupWarning(
                        code="sharing-arrangement-ended",
                        detail=f"The sharing arrangement '{arrangement_name}' of activity "
                        f"'{public_id}' ended on {end_date.isoformat()}{written}.",
                        activity=public_id,
                    )
                )
        for party in dict.fromkeys(link.party for link in links_by[aid]):
            if party != recipient:
                w = _replaced_warning(vocab, party, public_id)
                if w:
                    warnings.append(w)
        activities.append(
            MatchedActivity(
                id=public_id,
                service_id=version.service_id,
                name=first.name,
                purposes=[p[0] for p in purposes[aid]],
                notice_version=version.version,
                effective_from=version.effective_from,
                notice_url=f"/v1/services/{version.service_id}/notice?version={version.version}",
                covers=covered,
                recipient_links=[
                    RecipientLinkRef(
                        party=link.party,
                        name=vocab.party_name(link.party),
                        condition=link.condition,
                        as_written=link.as_written,
                        data_categories=[r[0] for r in link_categories[link.id]],
                    )
                    for link in links_by[aid]
                ],
                conditions=list(
                    dict.fromkeys(link.condition for link in links_by[aid] if link.condition)
                ),
                consent_dependent=bool(first.consent_dependent),
                lawful_bases=split,
                statutes=[
                    statute_ref(vocab, cited_as, slug, _as_list(provisions), kind)
                    for cited_as, slug, provisions, kind in statutes[aid]
                ],
                retention=[
                    RetentionRef(trigger=t, duration=d, applies_to=a, text=x)
                    for t, d, a, x in retention[aid]
                ],
            )
        )

    covering: dict[str, list[str]] = {c: [] for c in requested}
    for activity in activities:
        for c in activity.covers:
            covering[c].append(activity.id)
    not_covered = [c for c in requested if not covering[c]]
    services = []
    for version in versions:
        covered_here = {
            c for a in activities if a.service_id == version.service_id for c in a.covers
        }
        missing = [c for c in requested if c not in covered_here]
        services.append(
            ServiceAnswer(
                service_id=version.service_id,
                notice_version=version.version,
                effective_from=version.effective_from,
                documented=not missing,
                not_covered=missing,
            )
        )
    return LawfulBasisAnswer(
        statement=STATEMENT_SERVICE if service_id else STATEMENT_CONTROLLER,
        at=at,
        service_id=service_id,
        controller=controller,
        recipient=_recipient_ref(vocab, recipient),
        data_categories=requested,
        purpose=purpose,
        documented=not not_covered,
        not_covered=not_covered,
        coverage=[
            CategoryCoverage(
                data_category=c,
                name=vocab.category_name(c),
                kind=vocab.category_kind(c),
                documented=bool(covering[c]),
                activities=covering[c],
                narrower_documented=sorted(narrower[c]) if not covering[c] else [],
            )
            for c in requested
        ],
        activities=activities,
        warnings=warnings,
        services=services,
    )
