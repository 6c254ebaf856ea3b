"""A synthetic register for benchmarks: N councils x S services x A processing activities.

Everything generated here is **synthetic test data**, not any council's record:

- controllers are ``synthetic-council-0001`` ... with the name "Synthetic Council 0001
  (synthetic test data)", a GSS code ``E99xxxxxx`` (the ``E99`` range is not allocated by
  the ONS) and ``example.invalid`` addresses;
- each council has S services (``synthetic-council-0001-early-help`` ...), each with one
  published notice version in effect since :data:`EFFECTIVE_FROM` (so in effect today);
- each notice has A activities whose data subjects, data categories, sources, recipients,
  lawful bases and statutes are drawn from the register's real vocabularies (``seed/vocab``),
  so lookups and exports over it behave like lookups over real notices: common recipients
  (police, schools, GPs ...) are listed often, special category and criminal offence data come
  with their Art 9 / Art 10 / Schedule 1 conditions (mostly: a few are left without, as real
  notices do, so the warnings have something to report).

The output is a pure function of (councils, services, activities, seed). Rows are written with
SQLAlchemy Core ``insert()`` executemany in batches, in one transaction, with the ids assigned
here (no ORM object, no flush per row), so 100k activities and their ~2M link rows load in
well under a minute on SQLite.
"""

from __future__ import annotations

import random
import time
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, Table, func, select, text
from sqlmodel import Session, SQLModel

from app.register import service as svc
from app.register.document import ServiceDoc
from app.register.models import Controller
from app.register.vocabulary import load_vocabulary

#: When every synthetic notice took effect: in the past, so each is the version in effect today.
EFFECTIVE_FROM = date(2024, 4, 1)
ID_PREFIX = "synthetic-council-"
#: Rows buffered before they are written (across all tables).
BATCH_ROWS = 20_000

SERVICE_KINDS: tuple[tuple[str, str], ...] = (
    ("early-help", "Early Help"),
    ("family-support", "Family Support"),
    ("childrens-social-care", "Children's Social Care"),
    ("youth-justice", "Youth Justice"),
    ("youth-services", "Youth Services"),
    ("send", "Special Educational Needs and Disabilities"),
    ("school-admissions", "School Admissions"),
    ("education-welfare", "Education Welfare"),
    ("early-years", "Early Years and Childcare"),
    ("adult-social-care", "Adult Social Care"),
    ("carers-support", "Carers Support"),
    ("housing-options", "Housing Options and Homelessness"),
    ("housing-benefit", "Housing Benefit and Council Tax Support"),
    ("public-health", "Public Health"),
    ("substance-misuse", "Substance Misuse Services"),
    ("domestic-abuse", "Domestic Abuse Support"),
    ("supporting-families", "Supporting Families"),
    ("leaving-care", "Leaving Care"),
    ("fostering", "Fostering"),
    ("adoption", "Adoption"),
    ("community-safety", "Community Safety"),
    ("employment-support", "Employment and Skills Support"),
    ("welfare-rights", "Welfare Rights"),
    ("neet-support", "Support for Young People not in Education or Work"),
    ("safeguarding-adults", "Safeguarding Adults"),
)

ACTIVITY_KINDS: tuple[str, ...] = (
    "Referral and contact handling",
    "Assessment",
    "Casework and support planning",
    "Safeguarding",
    "Multi-agency panels",
    "Commissioned support",
    "Service monitoring and statistics",
    "Statutory returns to government",
    "Complaints and feedback",
    "Quality assurance and inspection",
    "Case recording",
    "Eligibility checks",
    "Outcome tracking",
    "Research and evaluation",
    "Record retention and archiving",
)

PURPOSES: tuple[str, ...] = (
    "assess the needs of children, young people and their families",
    "provide advice, guidance and support",
    "keep children and adults at risk safe from harm",
    "plan, commission and monitor services",
    "meet statutory duties and report to government",
    "prevent and detect crime and fraud",
    "evaluate the impact of services on outcomes",
    "coordinate support with partner agencies",
    "respond to complaints and requests",
    "check eligibility for services and entitlements",
)

#: Recipients that real notices list often; drawn more often than the rest.
COMMON_RECIPIENTS: tuple[str, ...] = (
    "police",
    "schools",
    "gps",
    "health",
    "nhs-trusts",
    "childrens-social-care",
    "dwp",
    "dfe",
    "ofsted",
    "commissioned-providers",
    "other-local-authorities",
    "youth-offending-teams",
    "housing-providers",
    "probation",
)
COMMON_SOURCES: tuple[str, ...] = (
    "data-subject",
    "family-and-carers",
    "schools",
    "gps",
    "police",
    "health-visitors",
    "childrens-social-care",
)
CONDITIONS: tuple[str, ...] = (
    "where consent has been given",
    "in the event of an inspection",
    "where there is a safeguarding concern",
    "where required by law",
    "to prevent or detect crime",
)
SYSTEMS: tuple[str, ...] = ("MOSAIC", "Liquid Logic", "EHM", "Childview", "Capita One", "Synergy")
RETENTION: tuple[tuple[str, str | None, str], ...] = (
    ("case_closure", "P6Y", "all"),
    ("date_of_birth", "P25Y", "children"),
    ("last_contact", "P3Y", "adults"),
    ("end_of_service", "P2Y", "all"),
    ("corporate_schedule", None, "all"),
)
RIGHTS: tuple[str, ...] = ("access", "rectification", "erasure", "restriction", "objection")
PROVISIONS: tuple[str, ...] = ("section 17", "section 47", "section 11", "section 10", "schedule 2")


@dataclass(frozen=True)
class Vocab:
    """The slugs the generator draws from, read from the register's vocabulary tables."""

    subjects: list[str]
    categories: list[str]
    category_kind: dict[str, str]
    parties: list[str]
    bases: set[str]
    statutes: list[str]


@dataclass(frozen=True)
class Summary:
    controllers: int
    services: int
    activities: int
    rows: int
    seconds: float


class SyntheticRegisterError(Exception):
    pass


def _tables() -> dict[str, Table]:
    return SQLModel.metadata.tables


def _read_vocab(conn: Connection) -> Vocab:
    t = _tables()
    dc, ds, pa, lb, st = (
        t[n] for n in ("data_category", "data_subject", "party", "lawful_basis", "statute")
    )
    categories = conn.execute(select(dc.c.slug, dc.c.kind).order_by(dc.c.position)).all()
    return Vocab(
        subjects=list(conn.execute(select(ds.c.slug).order_by(ds.c.position)).scalars()),
        categories=[slug for slug, _ in categories],
        category_kind=dict(categories),
        parties=list(conn.execute(select(pa.c.slug).order_by(pa.c.position)).scalars()),
        bases=set(conn.execute(select(lb.c.slug)).scalars()),
        statutes=list(
            conn.execute(
                select(st.c.slug).where(st.c.kind.in_(("act", "si"))).order_by(st.c.position)
            ).scalars()
        ),
    )


def ensure_vocabulary(engine: Engine, vocab_dir: Path) -> None:
    """Load the shipped vocabularies when the register has none."""
    with Session(engine) as session:
        dc = _tables()["data_category"]
        if session.connection().execute(select(func.count()).select_from(dc)).scalar_one() == 0:
            session.rollback()
            svc.load_vocabulary(session=session, vocabulary=load_vocabulary(vocab_dir))


def _register_code(index: int) -> str | None:
    if index >= 26**3:
        return None
    letters = ""
    for _ in range(3):
        index, rest = divmod(index, 26)
        letters = chr(ord("A") + rest) + letters
    return letters


class _Writer:
    """Buffers rows per table and writes them with executemany, parents first."""

    ORDER = (
        "controller",
        "service",
        "service_controller",
        "notice_version",
        "notice_right",
        "activity",
        "activity_purpose",
        "activity_data_subject",
        "activity_data_category",
        "party_link",
        "party_link_category",
        "activity_basis",
        "statute_citation",
        "retention_rule",
        "activity_system",
        "sharing_arrangement",
        "sharing_arrangement_party",
    )

    def __init__(self, conn: Connection) -> None:
        self.conn = conn
        self.rows: dict[str, list[dict[str, Any]]] = defaultdict(list)
        self.pending = 0
        self.written = 0

    def add(self, table: str, row: dict[str, Any]) -> None:
        self.rows[table].append(row)
        self.pending += 1
        if self.pending >= BATCH_ROWS:
            self.flush()

    def flush(self) -> None:
        tables = _tables()
        for name in self.ORDER:
            batch = self.rows.pop(name, None)
            if batch:
                self.conn.execute(tables[name].insert(), batch)
                self.written += len(batch)
        self.pending = 0


class _Ids:
    """Next free primary keys of the tables whose children need them."""

    def __init__(self, conn: Connection) -> None:
        t = _tables()
        self.next: dict[str, int] = {
            name: (conn.execute(select(func.max(t[name].c.id))).scalar() or 0) + 1
            for name in ("notice_version", "activity", "party_link", "sharing_arrangement")
        }

    def take(self, name: str) -> int:
        value = self.next[name]
        self.next[name] = value + 1
        return value


def _generate_council(
    rng: random.Random,
    vocab: Vocab,
    ids: _Ids,
    out: _Writer,
    *,
    index: int,
    services: int,
    activities: int,
    now: datetime,
) -> None:
    tables = _tables()
    number = f"{index + 1:04d}"
    controller_id = f"{ID_PREFIX}{number}"
    name = f"Synthetic Council {number}"
    controller: dict[str, Any] = {
        "id": controller_id,
        "name": f"{name} (synthetic test data)",
        "gss_code": f"E99{index + 1:06d}",
        "register_code": _register_code(index),
        "address": f"1 Synthetic Street, Testtown, ZZ99 {index % 10}ZZ",
        "website": f"https://{controller_id}.example.invalid",
        "phone": None,
        "ico_registration_number": f"ZZ{index + 1:06d}",
        "corporate_privacy_notice_url": f"https://{controller_id}.example.invalid/privacy",
        "dpo_name": "Synthetic Data Protection Officer",
        "dpo_role": "Data Protection Officer",
        "dpo_email": f"dpo@{controller_id}.example.invalid",
        "dpo_phone": None,
        "dpo_address": None,
        "dpo_url": None,
    }
    out.add("controller", controller)
    frozen = tables["notice_version"].c.get("published_blocks") is not None
    controller_block = svc.controller_doc(Controller(**controller)).model_dump(mode="json")
    link_examples = tables["party_link"].c.get("examples") is not None
    recipients_pool = [p for p in vocab.parties if p != "data-subject"]
    common_recipients = [p for p in COMMON_RECIPIENTS if p in vocab.parties] or recipients_pool
    common_sources = [p for p in COMMON_SOURCES if p in vocab.parties] or vocab.parties
    special = [c for c in vocab.categories if vocab.category_kind[c] == "special_category"]
    criminal = [c for c in vocab.categories if vocab.category_kind[c] == "criminal_offence"]
    personal = [c for c in vocab.categories if vocab.category_kind[c] == "personal"]

    def basis_rows(aid: int, slugs: Sequence[str]) -> None:
        for position, slug in enumerate(s for s in dict.fromkeys(slugs) if s in vocab.bases):
            out.add(
                "activity_basis",
                {"activity_id": aid, "position": position, "basis": slug, "as_written": None},
            )

    for s in range(services):
        suffix, kind_name = SERVICE_KINDS[s % len(SERVICE_KINDS)]
        if s >= len(SERVICE_KINDS):
            suffix, kind_name = f"{suffix}-{s // len(SERVICE_KINDS) + 1}", f"{kind_name} {s + 1}"
        service_id = f"{controller_id}-{suffix}"
        service_name = f"{kind_name} ({name})"
        service: dict[str, Any] = {
            "id": service_id,
            "name": service_name,
            "description": f"Synthetic test data: the {kind_name} service of {name}, "
            "generated for benchmarks. Not a real council's service.",
            "sub_services": [],
        }
        out.add("service", service)
        out.add(
            "service_controller",
            {"service_id": service_id, "controller_id": controller_id, "position": 0},
        )
        version_id = ids.take("notice_version")
        version: dict[str, Any] = {
            "id": version_id,
            "service_id": service_id,
            "version": 1,
            "status": "published",
            "effective_from": EFFECTIVE_FROM,
            "change_summary": "Synthetic test data generated by 'ropa seed synthetic'.",
            "created_at": now,
            "published_at": now,
            "author": "ropa seed synthetic",
            "revision": 0,
            "title": f"{kind_name} Privacy Notice (synthetic test data)",
            "last_updated": EFFECTIVE_FROM,
            "last_updated_as_written": f"Last updated {EFFECTIVE_FROM:%B %Y}",
            "introduction": f"This is a synthetic privacy notice of {name}'s {kind_name} "
            "service, generated for benchmarks. It describes no real processing.",
            "rights_text": "You can exercise your rights by contacting the Data Protection "
            "Officer.",
            "security": "Information is held on secure case-management systems with "
            "role-based access and audit logging.",
            "provision_requirement": "If you do not provide the information we may be unable "
            "to provide the service.",
            "cookies": None,
            "complaint": {
                "ico_named": True,
                "text": "You can complain to the Information Commissioner's Office (ICO).",
            },
            "other_sections": [],
        }
        if frozen:  # the blocks as published (see register.service.freeze_blocks)
            version["published_blocks"] = {
                "service": ServiceDoc(**service, controllers=[controller_id]).model_dump(
                    mode="json"
                ),
                "controllers": [controller_block],
            }
        out.add("notice_version", version)
        for position, right in enumerate(RIGHTS):
            out.add(
                "notice_right",
                {
                    "notice_version_id": version_id,
                    "position": position,
                    "right": right,
                    "text": None,
                },
            )
        for a in range(activities):
            aid = ids.take("activity")
            consent = rng.random() < 0.1
            out.add(
                "activity",
                {
                    "id": aid,
                    "notice_version_id": version_id,
                    "slug": f"activity-{a + 1:02d}",
                    "position": a,
                    "name": f"{ACTIVITY_KINDS[a % len(ACTIVITY_KINDS)]} ({kind_name})",
                    "description": None,
                    "business_function": kind_name,
                    "consent_dependent": consent,
                    "transfers": {"occurs": "no"},
                    "adm_used": False,
                    "adm_text": None,
                },
            )
            for position, purpose in enumerate(rng.sample(PURPOSES, rng.randint(1, 3))):
                out.add(
                    "activity_purpose", {"activity_id": aid, "position": position, "text": purpose}
                )
            for position, subject in enumerate(
                rng.sample(vocab.subjects, min(len(vocab.subjects), rng.randint(2, 4)))
            ):
                out.add(
                    "activity_data_subject",
                    {"activity_id": aid, "position": position, "subject": subject},
                )
            categories = rng.sample(personal, min(len(personal), rng.randint(3, 6)))
            has_special = bool(special) and rng.random() < 0.6
            has_criminal = bool(criminal) and rng.random() < 0.25
            if has_special:
                categories += rng.sample(special, rng.randint(1, min(2, len(special))))
            if has_criminal:
                categories.append(rng.choice(criminal))
            for position, category in enumerate(categories):
                out.add(
                    "activity_data_category",
                    {
                        "activity_id": aid,
                        "position": position,
                        "category": category,
                        "examples": [],
                        "as_written": None,
                    },
                )
            sources = list(
                dict.fromkeys(rng.choice(common_sources) for _ in range(rng.randint(1, 3)))
            )
            recipients = list(
                dict.fromkeys(
                    rng.choice(common_recipients if rng.random() < 0.7 else recipients_pool)
                    for _ in range(rng.randint(2, 5))
                )
            )
            for role, parties in (("source", sources), ("recipient", recipients)):
                for position, party in enumerate(parties):
                    link_id = ids.take("party_link")
                    out.add(
                        "party_link",
                        {
                            "id": link_id,
                            "activity_id": aid,
                            "role": role,
                            "position": position,
                            "party": party,
                            "condition": rng.choice(CONDITIONS) if rng.random() < 0.2 else None,
                            "as_written": None,
                            **({"examples": []} if link_examples else {}),
                        },
                    )
                    if role == "recipient" and rng.random() < 0.3:
                        for j, category in enumerate(
                            rng.sample(categories, min(len(categories), rng.randint(1, 2)))
                        ):
                            out.add(
                                "party_link_category",
                                {"party_link_id": link_id, "position": j, "category": category},
                            )
            bases = ["art6-1-e"]
            if rng.random() < 0.5:
                bases.append("art6-1-c")
            if consent:
                bases.append("art6-1-a")
            if has_special and rng.random() < 0.9:
                if rng.random() < 0.5:
                    bases.append("art9-2-g")
                    if rng.random() < 0.85:
                        bases.append("dpa2018-sch1-para6")
                else:
                    bases.append("art9-2-h")
                    if rng.random() < 0.85:
                        bases.append("dpa2018-sch1-para2")
            if has_criminal and rng.random() < 0.9:
                bases += ["art10", "dpa2018-sch1-para10"]
            basis_rows(aid, bases)
            for position, statute in enumerate(
                rng.sample(vocab.statutes, min(len(vocab.statutes), rng.randint(1, 3)))
            ):
                out.add(
                    "statute_citation",
                    {
                        "activity_id": aid,
                        "position": position,
                        "cited_as": statute.replace("-", " ").title(),
                        "statute": statute,
                        "provisions": [rng.choice(PROVISIONS)] if rng.random() < 0.5 else [],
                        "kind_as_cited": "law",
                    },
                )
            trigger, duration, applies_to = rng.choice(RETENTION)
            out.add(
                "retention_rule",
                {
                    "activity_id": aid,
                    "position": 0,
                    "trigger": trigger,
                    "duration": duration,
                    "applies_to": applies_to,
                    "text": f"Kept {duration or 'per the corporate retention schedule'} "
                    f"({trigger.replace('_', ' ')}).",
                },
            )
            out.add(
                "activity_system",
                {"activity_id": aid, "position": 0, "name": rng.choice(SYSTEMS)},
            )
            if rng.random() < 0.1:
                arrangement_id = ids.take("sharing_arrangement")
                ended = rng.random() < 0.2
                out.add(
                    "sharing_arrangement",
                    {
                        "id": arrangement_id,
                        "activity_id": aid,
                        "position": 0,
                        "name": f"Synthetic data sharing agreement {arrangement_id}",
                        "description": None,
                        "pseudonymised": rng.random() < 0.5,
                        "end_date": date(2024, 3, 31) if ended else None,
                        "end_date_as_written": "31 March 2024" if ended else None,
                        "agreement_url": None,
                    },
                )
                out.add(
                    "sharing_arrangement_party",
                    {
                        "arrangement_id": arrangement_id,
                        "position": 0,
                        "party": recipients[0],
                    },
                )


def _fix_sequences(conn: Connection) -> None:
    """PostgreSQL: move the id sequences past the ids assigned here."""
    if conn.dialect.name != "postgresql":
        return
    for name in ("notice_version", "activity", "party_link", "sharing_arrangement"):
        conn.execute(
            text(
                f"SELECT setval(pg_get_serial_sequence('{name}', 'id'), "
                f"(SELECT COALESCE(MAX(id), 1) FROM {name}))"
            )
        )


def generate(
    engine: Engine,
    *,
    councils: int,
    services: int,
    activities: int,
    seed: int = 0,
    vocab_dir: Path | None = None,
    progress: Callable[[int], None] | None = None,
) -> Summary:
    """Write a synthetic register into a migrated database (one transaction).

    The vocabularies are loaded from ``vocab_dir`` when the register has none. Refuses when the
    register already has synthetic councils.
    """
    if councils < 1 or services < 1 or activities < 0:
        raise SyntheticRegisterError("councils and services must be at least 1, activities >= 0")
    if vocab_dir is not None:
        ensure_vocabulary(engine, vocab_dir)
    started = time.perf_counter()
    rng = random.Random(seed)
    now = datetime.now(UTC)
    with engine.begin() as conn:
        ctl = _tables()["controller"]
        if conn.execute(select(ctl.c.id).where(ctl.c.id.startswith(ID_PREFIX))).first():
            raise SyntheticRegisterError(
                "The register already has synthetic councils; use a fresh database."
            )
        vocab = _read_vocab(conn)
        if not vocab.categories or not vocab.parties or not vocab.subjects:
            raise SyntheticRegisterError("The register has no vocabularies; load them first.")
        ids = _Ids(conn)
        out = _Writer(conn)
        for index in range(councils):
            _generate_council(
                rng,
                vocab,
                ids,
                out,
                index=index,
                services=services,
                activities=activities,
                now=now,
            )
            if progress:
                progress(1)
        out.flush()
        _fix_sequences(conn)
    return Summary(
        controllers=councils,
        services=councils * services,
        activities=councils * services * activities,
        rows=out.written,
        seconds=time.perf_counter() - started,
    )
