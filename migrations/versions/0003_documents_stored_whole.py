"""Notice documents stored whole; an index of published activities; open vocabularies

Each notice version keeps its document (JSON) and, once published, the vocabulary terms it was
published with; the child tables that spread a document over eleven tables are replaced by an
index of published activities. Published versions carry the dates they are in effect
(``effective_to``); "superseded" is no longer stored (it is worked out from the dates).
Vocabulary terms gain their life in the vocabulary (added, retired, replaced by), an owning
controller for councils' own terms, and the legislation registry its status in time.
Revision counters (``register_meta``) tell running processes what changed; on PostgreSQL a
trigger notifies them.

Existing data are converted: each version's document is rebuilt from the old tables (schema
version 1, which the application reads as version 2), published versions are indexed again,
and their terms are kept. Kept ROPA rows are dropped (they are made again).

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-01
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

S = sqlmodel.sql.sqltypes.AutoString
VOCAB = ("data_category", "data_subject", "party", "lawful_basis", "statute")
OLD_CHILDREN = (
    "party_link_category",
    "sharing_arrangement_party",
    "sharing_arrangement",
    "activity_purpose",
    "retention_rule",
    "activity_system",
    "activity_basis",
    "activity_data_category",
    "activity_data_subject",
    "statute_citation",
    "party_link",
    "notice_right",
)


def _json(value: Any) -> Any:
    return json.loads(value) if isinstance(value, str) else value


def _rows(bind: sa.Connection, table: str, order: str = "") -> list[Any]:
    return list(bind.execute(sa.text(f"SELECT * FROM {table}" + (f" ORDER BY {order}" if order else ""))))


def _by(rows: list[Any], key: str) -> dict[Any, list[Any]]:
    out: dict[Any, list[Any]] = defaultdict(list)
    for r in rows:
        out[getattr(r, key)].append(r)
    for items in out.values():
        items.sort(key=lambda r: r.position)
    return out


def _drop_none(data: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in data.items() if v not in (None, [], {})}


def _old_documents(bind: sa.Connection) -> tuple[list[Any], dict[int, dict[str, Any]]]:
    """Every version, and its document as the old reader built it (schema version 1)."""
    versions = _rows(bind, "notice_version", "id")
    controllers = {r.id: r for r in _rows(bind, "controller")}
    services = {r.id: r for r in _rows(bind, "service")}
    service_controllers = _by(_rows(bind, "service_controller"), "service_id")
    rights = _by(_rows(bind, "notice_right"), "notice_version_id")
    activities = _by(_rows(bind, "activity"), "notice_version_id")
    purposes = _by(_rows(bind, "activity_purpose"), "activity_id")
    subjects = _by(_rows(bind, "activity_data_subject"), "activity_id")
    categories = _by(_rows(bind, "activity_data_category"), "activity_id")
    links = _rows(bind, "party_link")
    link_categories = _by(_rows(bind, "party_link_category"), "party_link_id")
    bases = _by(_rows(bind, "activity_basis"), "activity_id")
    statutes = _by(_rows(bind, "statute_citation"), "activity_id")
    retention = _by(_rows(bind, "retention_rule"), "activity_id")
    systems = _by(_rows(bind, "activity_system"), "activity_id")
    arrangements = _by(_rows(bind, "sharing_arrangement"), "activity_id")
    arrangement_parties = _by(_rows(bind, "sharing_arrangement_party"), "arrangement_id")
    links_by: dict[tuple[int, str], list[Any]] = defaultdict(list)
    for link in sorted(links, key=lambda r: r.position):
        links_by[(link.activity_id, link.role)].append(link)

    def controller_block(row: Any) -> dict[str, Any]:
        dpo = _drop_none(
            {
                "name": row.dpo_name,
                "role": row.dpo_role,
                "email": row.dpo_email,
                "phone": row.dpo_phone,
                "address": row.dpo_address,
                "url": row.dpo_url,
            }
        )
        return _drop_none(
            {
                "id": row.id,
                "name": row.name,
                "gss_code": row.gss_code,
                "register_code": row.register_code,
                "address": row.address,
                "website": row.website,
                "phone": row.phone,
                "ico_registration_number": row.ico_registration_number,
                "corporate_privacy_notice_url": row.corporate_privacy_notice_url,
                "dpo": dpo or None,
            }
        )

    def party_links(aid: int, role: str) -> list[dict[str, Any]]:
        return [
            _drop_none(
                {
                    "party": link.party,
                    "examples": _json(link.examples),
                    "data_categories": [c.category for c in link_categories[link.id]],
                    "condition": link.condition,
                    "as_written": link.as_written,
                }
            )
            for link in links_by[(aid, role)]
        ]

    documents: dict[int, dict[str, Any]] = {}
    for v in versions:
        blocks = _json(v.published_blocks)
        if blocks is None:
            service = services[v.service_id]
            ids = [r.controller_id for r in service_controllers[v.service_id]]
            blocks = {
                "service": _drop_none(
                    {
                        "id": service.id,
                        "name": service.name,
                        "description": service.description,
                        "sub_services": _json(service.sub_services),
                        "controllers": ids,
                    }
                ),
                "controllers": [controller_block(controllers[c]) for c in ids],
            }
        complaint = _json(v.complaint)
        if isinstance(complaint, dict):
            complaint = {k: val for k, val in complaint.items() if k != "ico_named"} or None
        acts = []
        for a in sorted(activities[v.id], key=lambda r: r.position):
            adm = None if a.adm_used is None else _drop_none({"used": bool(a.adm_used), "text": a.adm_text})
            if adm is not None:
                adm["used"] = bool(a.adm_used)
            acts.append(
                _drop_none(
                    {
                        "id": a.slug,
                        "name": a.name,
                        "description": a.description,
                        "business_function": a.business_function,
                        "purposes": [p.text for p in purposes[a.id]],
                        "data_subjects": [s.subject for s in subjects[a.id]],
                        "data_categories": [
                            _drop_none(
                                {
                                    "category": c.category,
                                    "examples": _json(c.examples),
                                    "as_written": c.as_written,
                                }
                            )
                            for c in categories[a.id]
                        ],
                        "sources": party_links(a.id, "source"),
                        "recipients": party_links(a.id, "recipient"),
                        "lawful_bases": [
                            _drop_none({"basis": b.basis, "as_written": b.as_written})
                            for b in bases[a.id]
                        ],
                        "statutes": [
                            _drop_none(
                                {
                                    "cited_as": s.cited_as,
                                    "statute": s.statute,
                                    "provisions": _json(s.provisions),
                                    "kind_as_cited": s.kind_as_cited,
                                }
                            )
                            for s in statutes[a.id]
                        ],
                        "retention": [
                            _drop_none(
                                {
                                    "trigger": r.trigger,
                                    "duration": r.duration,
                                    "applies_to": r.applies_to,
                                    "text": r.text,
                                }
                            )
                            for r in retention[a.id]
                        ],
                        "systems": [s.name for s in systems[a.id]],
                        "sharing_arrangements": [
                            _drop_none(
                                {
                                    "name": s.name,
                                    "description": s.description,
                                    "parties": [p.party for p in arrangement_parties[s.id]],
                                    "pseudonymised": None if s.pseudonymised is None else bool(s.pseudonymised),
                                    "end_date": str(s.end_date) if s.end_date else None,
                                    "end_date_as_written": s.end_date_as_written,
                                    "agreement_url": s.agreement_url,
                                }
                            )
                            for s in arrangements[a.id]
                        ],
                        "transfers": _json(a.transfers),
                        "automated_decision_making": adm,
                        "consent_dependent": bool(a.consent_dependent) or None,
                    }
                )
            )
        documents[v.id] = {
            "schema_version": 1,
            "controllers": blocks["controllers"],
            "service": blocks["service"],
            "notice": _drop_none(
                {
                    "title": v.title,
                    "last_updated": str(v.last_updated) if v.last_updated else None,
                    "last_updated_as_written": v.last_updated_as_written,
                    "introduction": v.introduction,
                    "rights": [_drop_none({"right": r.right, "text": r.text}) for r in rights[v.id]],
                    "rights_text": v.rights_text,
                    "complaint": complaint,
                    "security": v.security,
                    "provision_requirement": v.provision_requirement,
                    "cookies": v.cookies,
                    "other_sections": _json(v.other_sections),
                }
            ),
            "activities": acts,
        }
    return versions, documents


def _terms(bind: sa.Connection, documents: dict[int, dict[str, Any]], published: set[int]) -> dict[int, dict[str, Any]]:
    """Each published version's terms: those its document uses, their ancestors and successors."""
    names = {"data_category": "data_categories", "data_subject": "data_subjects",
             "party": "parties", "lawful_basis": "lawful_bases", "statute": "statutes"}
    tables = {t: {r.slug: r._asdict() for r in _rows(bind, t, "position")} for t in VOCAB}
    out = {}
    for vid in published:
        doc = documents[vid]
        used: dict[str, set[str]] = {t: set() for t in VOCAB}
        for a in doc["activities"]:
            used["data_subject"].update(a.get("data_subjects", []))
            for c in a.get("data_categories", []):
                used["data_category"].add(c["category"])
            for role in ("sources", "recipients"):
                for link in a.get(role, []):
                    used["party"].add(link["party"])
                    used["data_category"].update(link.get("data_categories", []))
            used["lawful_basis"].update(b["basis"] for b in a.get("lawful_bases", []))
            used["statute"].update(s["statute"] for s in a.get("statutes", []) if s.get("statute"))
            for arr in a.get("sharing_arrangements", []):
                used["party"].update(arr.get("parties", []))
        snapshot = {}
        for t in VOCAB:
            keep, todo = set(), list(used[t])
            while todo:
                slug = todo.pop()
                row = tables[t].get(slug)
                if row is None or slug in keep:
                    continue
                keep.add(slug)
                todo += [row.get(k) for k in ("parent", "replaced_by") if row.get(k)]
            snapshot[names[t]] = [
                _drop_none({k: _json(v) if k == "aliases" else (str(v) if hasattr(v, "isoformat") else v)
                            for k, v in row.items() if k != "position"})
                | ({"name": row["title"]} if t == "statute" else {})
                for slug, row in tables[t].items()
                if slug in keep
            ]
            if t == "statute":
                for item in snapshot[names[t]]:
                    item.pop("title", None)
        out[vid] = snapshot
    return out


def _index_tables() -> None:
    op.create_table(
        "activity",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("notice_version_id", sa.Integer(), nullable=False),
        sa.Column("slug", S(length=120), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["notice_version_id"], ["notice_version.id"], name=op.f("fk_activity_notice_version_id_notice_version"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_activity")),
        sa.UniqueConstraint("notice_version_id", "slug", name=op.f("uq_activity_notice_version_id_slug")),
    )
    with op.batch_alter_table("activity") as b:
        b.create_index(b.f("ix_activity_notice_version_id"), ["notice_version_id"], unique=False)
    for table, column, target, extra in (
        ("activity_data_subject", "subject", "data_subject", ()),
        ("activity_data_category", "category", "data_category", ()),
        ("activity_basis", "basis", "lawful_basis", ()),
        ("statute_citation", "statute", "statute", ()),
        ("party_link", "party", "party", ("role",)),
    ):
        columns = [sa.Column("activity_id", sa.Integer(), nullable=False)]
        if extra:
            columns.append(sa.Column("role", S(length=20), nullable=False))
        columns += [
            sa.Column("position", sa.Integer(), nullable=False),
            sa.Column(column, S(length=160), nullable=False),
        ]
        op.create_table(
            table,
            *columns,
            sa.ForeignKeyConstraint(["activity_id"], ["activity.id"], name=op.f(f"fk_{table}_activity_id_activity"), ondelete="CASCADE"),
            sa.ForeignKeyConstraint([column], [f"{target}.slug"], name=op.f(f"fk_{table}_{column}_{target}")),
            sa.PrimaryKeyConstraint("activity_id", *extra, "position", name=op.f(f"pk_{table}")),
        )
        with op.batch_alter_table(table) as b:
            b.create_index(b.f(f"ix_{table}_{column}"), [column], unique=False)


def _index(bind: sa.Connection, vid: int, doc: dict[str, Any]) -> None:
    t = sa.table
    c = sa.column
    nvc = t("notice_version_controller", c("notice_version_id"), c("position"), c("controller_id"))
    bind.execute(nvc.insert(), [{"notice_version_id": vid, "position": i, "controller_id": cid}
                                for i, cid in enumerate(doc["service"]["controllers"])])
    act = t("activity", c("id"), c("notice_version_id"), c("slug"), c("position"))
    for i, a in enumerate(doc["activities"]):
        aid = bind.execute(act.insert().values(notice_version_id=vid, slug=a["id"], position=i).returning(act.c.id)).scalar_one()
        rows = {
            "activity_data_subject": [{"subject": s} for s in a.get("data_subjects", [])],
            "activity_data_category": [{"category": x["category"]} for x in a.get("data_categories", [])],
            "activity_basis": [{"basis": b["basis"]} for b in a.get("lawful_bases", [])],
            "statute_citation": [{"statute": s["statute"]} for s in a.get("statutes", []) if s.get("statute")],
        }
        for table, items in rows.items():
            column = next(iter(items[0])) if items else None
            if items:
                tb = t(table, c("activity_id"), c("position"), c(column))
                bind.execute(tb.insert(), [{"activity_id": aid, "position": j, **item} for j, item in enumerate(items)])
        pl = t("party_link", c("activity_id"), c("role"), c("position"), c("party"))
        links = [{"activity_id": aid, "role": role[:-1] if role == "sources" else "recipient", "position": j, "party": link["party"]}
                 for role in ("sources", "recipients") for j, link in enumerate(a.get(role, []))]
        if links:
            bind.execute(pl.insert(), links)


def upgrade() -> None:
    bind = op.get_bind()
    versions, documents = _old_documents(bind)
    published = {v.id for v in versions if v.status in ("published", "superseded")}
    terms = _terms(bind, documents, published)

    # -- new tables
    op.create_table(
        "register_meta",
        sa.Column("key", S(length=40), nullable=False),
        sa.Column("value", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_register_meta")),
    )
    op.create_table(
        "notice_version_controller",
        sa.Column("notice_version_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("controller_id", S(length=120), nullable=False),
        sa.ForeignKeyConstraint(["controller_id"], ["controller.id"], name=op.f("fk_notice_version_controller_controller_id_controller")),
        sa.ForeignKeyConstraint(["notice_version_id"], ["notice_version.id"], name=op.f("fk_notice_version_controller_notice_version_id_notice_version"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("notice_version_id", "position", name=op.f("pk_notice_version_controller")),
    )
    with op.batch_alter_table("notice_version_controller") as b:
        b.create_index(b.f("ix_notice_version_controller_controller_id"), ["controller_id"], unique=False)

    # -- the old child tables and kept rows go
    for table in (*OLD_CHILDREN, "activity", "ropa_row_set"):
        op.drop_table(table)

    # -- vocabularies
    def common() -> list[sa.Column[Any]]:
        return [
            sa.Column("aliases", sa.JSON(), nullable=False, server_default="[]"),
            sa.Column("controller", S(length=120), nullable=True),
            sa.Column("added", sa.Date(), nullable=True),
            sa.Column("retired", sa.Date(), nullable=True),
            sa.Column("source", S(length=1000), nullable=True),
        ]

    for table in VOCAB:
        with op.batch_alter_table(table) as b:
            for col in common():
                if table == "statute" and col.name == "aliases":
                    continue
                b.add_column(col)
            if table not in ("party",):
                b.add_column(sa.Column("replaced_by", S(length=160), nullable=True))
            b.alter_column("slug", existing_type=sa.VARCHAR(length=120), type_=S(length=160), existing_nullable=False)
            if table == "data_category":
                b.alter_column("kind", existing_type=sa.VARCHAR(length=40), nullable=True)
                b.alter_column("parent", existing_type=sa.VARCHAR(length=120), type_=S(length=160), existing_nullable=True)
                b.drop_constraint("fk_data_category_parent_data_category", type_="foreignkey")
            if table == "data_subject":
                b.add_column(sa.Column("parent", S(length=160), nullable=True))
            if table == "party":
                b.alter_column("parent", existing_type=sa.VARCHAR(length=120), type_=S(length=160), existing_nullable=True)
                b.alter_column("replaced_by", existing_type=sa.VARCHAR(length=120), type_=S(length=160), existing_nullable=True)
                b.drop_constraint("fk_party_parent_party", type_="foreignkey")
                b.drop_constraint("fk_party_replaced_by_party", type_="foreignkey")
            if table == "lawful_basis":
                b.add_column(sa.Column("plain", S(length=1000), nullable=True))
                b.add_column(sa.Column("pairs_with", sa.JSON(), nullable=False, server_default="[]"))
                b.alter_column("description", existing_type=sa.VARCHAR(), nullable=True)
            if table == "statute":
                b.add_column(sa.Column("name", S(length=500), nullable=True))
                b.add_column(sa.Column("description", S(length=5000), nullable=True))
                b.add_column(sa.Column("dpv", S(length=200), nullable=True))
                b.add_column(sa.Column("status", S(length=20), nullable=False, server_default="in_force"))
                b.add_column(sa.Column("status_date", sa.Date(), nullable=True))
                b.add_column(sa.Column("successor", S(length=160), nullable=True))
                b.add_column(sa.Column("status_source", S(length=1000), nullable=True))
                b.add_column(sa.Column("work", S(length=160), nullable=True))
                b.add_column(sa.Column("every_act_of_title", sa.Boolean(), nullable=False, server_default=sa.false()))
                b.alter_column("year", existing_type=sa.INTEGER(), nullable=True)
    bind.execute(sa.text("UPDATE statute SET name = title"))
    with op.batch_alter_table("statute") as b:
        b.alter_column("name", existing_type=S(length=500), nullable=False)
        b.drop_column("title")
    for table in VOCAB:
        with op.batch_alter_table(table) as b:
            b.alter_column("aliases", existing_type=sa.JSON(), server_default=None)
            if table == "lawful_basis":
                b.alter_column("pairs_with", existing_type=sa.JSON(), server_default=None)
            if table == "statute":
                b.alter_column("status", existing_type=S(length=20), server_default=None)
                b.alter_column("every_act_of_title", existing_type=sa.Boolean(), server_default=None)

    # -- controllers: the DPO as one block
    dpos = {
        r.id: _drop_none({"name": r.dpo_name, "role": r.dpo_role, "email": r.dpo_email,
                          "phone": r.dpo_phone, "address": r.dpo_address, "url": r.dpo_url})
        for r in _rows(bind, "controller")
    }
    with op.batch_alter_table("controller") as b:
        b.add_column(sa.Column("email", S(length=500), nullable=True))
        b.add_column(sa.Column("dpo", sa.JSON(), nullable=True))
        for name in ("dpo_name", "dpo_role", "dpo_email", "dpo_phone", "dpo_address", "dpo_url"):
            b.drop_column(name)
    ctl = sa.table("controller", sa.column("id"), sa.column("dpo", sa.JSON()))
    for cid, dpo in dpos.items():
        if dpo:
            bind.execute(ctl.update().where(ctl.c.id == cid).values(dpo=dpo))

    # -- versions: the document whole
    with op.batch_alter_table("notice_version") as b:
        b.add_column(sa.Column("effective_to", sa.Date(), nullable=True))
        b.add_column(sa.Column("document", sa.JSON(), nullable=True))
        b.add_column(sa.Column("terms", sa.JSON(), nullable=True))
        b.drop_index("ix_notice_version_effective_from")
        b.create_index("ix_notice_version_in_effect", ["effective_from", "effective_to"], unique=False)
        for name in ("rights_text", "cookies", "introduction", "other_sections", "title",
                     "published_blocks", "provision_requirement", "last_updated",
                     "last_updated_as_written", "security", "complaint"):
            b.drop_column(name)
    nv = sa.table(
        "notice_version", sa.column("id"), sa.column("status"), sa.column("document", sa.JSON()),
        sa.column("terms", sa.JSON()), sa.column("effective_to", sa.Date()),
    )
    for v in versions:
        bind.execute(
            nv.update().where(nv.c.id == v.id).values(
                document=documents[v.id],
                terms=terms.get(v.id),
                status="published" if v.id in published else "draft",
            )
        )
    with op.batch_alter_table("notice_version") as b:
        b.alter_column("document", existing_type=sa.JSON(), nullable=False)
    by_service: dict[str, list[Any]] = defaultdict(list)
    for v in versions:
        if v.id in published:
            by_service[v.service_id].append(v)
    for items in by_service.values():
        items.sort(key=lambda v: (str(v.effective_from), str(v.published_at), v.id))
        for current, following in zip(items, [*items[1:], None], strict=True):
            if following is not None:
                bind.execute(nv.update().where(nv.c.id == current.id).values(effective_to=following.effective_from))

    # -- the index of published activities
    _index_tables()
    for vid in sorted(published):
        _index(bind, vid, documents[vid])

    # -- kept ROPA rows, made again by the application
    op.create_table(
        "ropa_row_set",
        sa.Column("notice_version_id", sa.Integer(), nullable=False),
        sa.Column("row_format", sa.Integer(), nullable=False),
        sa.Column("row_count", sa.Integer(), nullable=False),
        sa.Column("csv_rows", S(), nullable=False),
        sa.Column("json_rows", S(), nullable=False),
        sa.Column("controllers", S(), nullable=False),
        sa.ForeignKeyConstraint(["notice_version_id"], ["notice_version.id"], name=op.f("fk_ropa_row_set_notice_version_id_notice_version"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("notice_version_id", name=op.f("pk_ropa_row_set")),
    )

    # -- revisions, and the notification of their changes
    meta = sa.table("register_meta", sa.column("key"), sa.column("value"))
    bind.execute(meta.insert(), [{"key": k, "value": 1} for k in ("vocabulary", "publications", "register")])
    if bind.dialect.name == "postgresql":
        op.execute(
            "CREATE FUNCTION ropa_notify_changed() RETURNS trigger AS $$ "
            "BEGIN PERFORM pg_notify('ropa_changed', ''); RETURN NULL; END $$ LANGUAGE plpgsql"
        )
        op.execute(
            "CREATE TRIGGER register_meta_changed AFTER INSERT OR UPDATE OR DELETE ON register_meta "
            "FOR EACH STATEMENT EXECUTE FUNCTION ropa_notify_changed()"
        )


def downgrade() -> None:
    """The 0002 schema again, for a database without notice versions (their documents cannot be
    spread back over the old tables)."""
    bind = op.get_bind()
    if bind.execute(sa.text("SELECT count(*) FROM notice_version")).scalar_one():
        raise RuntimeError(
            "0003 cannot be undone on a database with notice versions: their documents would "
            "be lost. Restore a backup taken before the upgrade instead."
        )
    if bind.dialect.name == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS register_meta_changed ON register_meta")
        op.execute("DROP FUNCTION IF EXISTS ropa_notify_changed()")
    for table in ("ropa_row_set", "activity_data_subject", "activity_data_category", "activity_basis",
                  "statute_citation", "party_link", "activity", "notice_version_controller", "register_meta"):
        op.drop_table(table)
    with op.batch_alter_table("notice_version") as b:
        b.drop_index("ix_notice_version_in_effect")
        b.create_index("ix_notice_version_effective_from", ["effective_from"], unique=False)
        for name in ("effective_to", "document", "terms"):
            b.drop_column(name)
        b.add_column(sa.Column("title", S(length=500), nullable=False))
        b.add_column(sa.Column("last_updated", sa.Date(), nullable=True))
        b.add_column(sa.Column("last_updated_as_written", S(length=500), nullable=True))
        for name in ("introduction", "rights_text", "security", "provision_requirement", "cookies"):
            b.add_column(sa.Column(name, S(), nullable=True))
        b.add_column(sa.Column("complaint", sa.JSON(), nullable=True))
        b.add_column(sa.Column("other_sections", sa.JSON(), nullable=False))
        b.add_column(sa.Column("published_blocks", sa.JSON(), nullable=True))
    with op.batch_alter_table("controller") as b:
        b.drop_column("email")
        b.drop_column("dpo")
        for name in ("dpo_name", "dpo_role", "dpo_email", "dpo_phone"):
            b.add_column(sa.Column(name, S(length=500), nullable=True))
        b.add_column(sa.Column("dpo_address", S(), nullable=True))
        b.add_column(sa.Column("dpo_url", S(length=500), nullable=True))
    for table in VOCAB:
        with op.batch_alter_table(table) as b:
            for name in ("controller", "added", "retired", "source"):
                b.drop_column(name)
            if table != "statute":
                b.drop_column("aliases")
            if table != "party":
                b.drop_column("replaced_by")
            b.alter_column("slug", existing_type=S(length=160), type_=S(length=120), existing_nullable=False)
            if table == "data_category":
                b.alter_column("kind", existing_type=S(length=40), nullable=False)
                b.alter_column("parent", existing_type=S(length=160), type_=S(length=120), existing_nullable=True)
                b.create_foreign_key("fk_data_category_parent_data_category", "data_category", ["parent"], ["slug"])
            if table == "data_subject":
                b.drop_column("parent")
            if table == "party":
                b.alter_column("parent", existing_type=S(length=160), type_=S(length=120), existing_nullable=True)
                b.alter_column("replaced_by", existing_type=S(length=160), type_=S(length=120), existing_nullable=True)
                b.create_foreign_key("fk_party_parent_party", "party", ["parent"], ["slug"])
                b.create_foreign_key("fk_party_replaced_by_party", "party", ["replaced_by"], ["slug"])
            if table == "lawful_basis":
                b.drop_column("plain")
                b.drop_column("pairs_with")
                b.alter_column("description", existing_type=S(), nullable=False)
            if table == "statute":
                b.add_column(sa.Column("title", S(length=500), nullable=False))
                for name in ("name", "description", "dpv", "status", "status_date", "successor",
                             "status_source", "work", "every_act_of_title"):
                    b.drop_column(name)
                b.alter_column("year", existing_type=sa.INTEGER(), nullable=False)
    # the tables of 0001, empty
    op.create_table('activity',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('notice_version_id', sa.Integer(), nullable=False),
    sa.Column('slug', sqlmodel.sql.sqltypes.AutoString(length=120), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('name', sqlmodel.sql.sqltypes.AutoString(length=500), nullable=False),
    sa.Column('description', sqlmodel.sql.sqltypes.AutoString(), nullable=True),
    sa.Column('business_function', sqlmodel.sql.sqltypes.AutoString(length=500), nullable=True),
    sa.Column('consent_dependent', sa.Boolean(), nullable=False),
    sa.Column('transfers', sa.JSON(), nullable=True),
    sa.Column('adm_used', sa.Boolean(), nullable=True),
    sa.Column('adm_text', sqlmodel.sql.sqltypes.AutoString(), nullable=True),
    sa.ForeignKeyConstraint(['notice_version_id'], ['notice_version.id'], name=op.f('fk_activity_notice_version_id_notice_version'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_activity')),
    sa.UniqueConstraint('notice_version_id', 'slug', name=op.f('uq_activity_notice_version_id_slug'))
    )
    with op.batch_alter_table('activity', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_activity_notice_version_id'), ['notice_version_id'], unique=False)
    op.create_table('notice_right',
    sa.Column('notice_version_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('right', sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
    sa.Column('text', sqlmodel.sql.sqltypes.AutoString(), nullable=True),
    sa.ForeignKeyConstraint(['notice_version_id'], ['notice_version.id'], name=op.f('fk_notice_right_notice_version_id_notice_version'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('notice_version_id', 'position', name=op.f('pk_notice_right'))
    )
    with op.batch_alter_table('notice_right', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_notice_right_right'), ['right'], unique=False)
    op.create_table('activity_basis',
    sa.Column('activity_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('basis', sqlmodel.sql.sqltypes.AutoString(length=120), nullable=False),
    sa.Column('as_written', sqlmodel.sql.sqltypes.AutoString(), nullable=True),
    sa.ForeignKeyConstraint(['activity_id'], ['activity.id'], name=op.f('fk_activity_basis_activity_id_activity'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['basis'], ['lawful_basis.slug'], name=op.f('fk_activity_basis_basis_lawful_basis')),
    sa.PrimaryKeyConstraint('activity_id', 'position', name=op.f('pk_activity_basis'))
    )
    with op.batch_alter_table('activity_basis', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_activity_basis_basis'), ['basis'], unique=False)
    op.create_table('activity_data_category',
    sa.Column('activity_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('category', sqlmodel.sql.sqltypes.AutoString(length=120), nullable=False),
    sa.Column('examples', sa.JSON(), nullable=False),
    sa.Column('as_written', sqlmodel.sql.sqltypes.AutoString(), nullable=True),
    sa.ForeignKeyConstraint(['activity_id'], ['activity.id'], name=op.f('fk_activity_data_category_activity_id_activity'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['category'], ['data_category.slug'], name=op.f('fk_activity_data_category_category_data_category')),
    sa.PrimaryKeyConstraint('activity_id', 'position', name=op.f('pk_activity_data_category'))
    )
    with op.batch_alter_table('activity_data_category', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_activity_data_category_category'), ['category'], unique=False)
    op.create_table('activity_data_subject',
    sa.Column('activity_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('subject', sqlmodel.sql.sqltypes.AutoString(length=120), nullable=False),
    sa.ForeignKeyConstraint(['activity_id'], ['activity.id'], name=op.f('fk_activity_data_subject_activity_id_activity'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['subject'], ['data_subject.slug'], name=op.f('fk_activity_data_subject_subject_data_subject')),
    sa.PrimaryKeyConstraint('activity_id', 'position', name=op.f('pk_activity_data_subject'))
    )
    with op.batch_alter_table('activity_data_subject', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_activity_data_subject_subject'), ['subject'], unique=False)
    op.create_table('activity_purpose',
    sa.Column('activity_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('text', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.ForeignKeyConstraint(['activity_id'], ['activity.id'], name=op.f('fk_activity_purpose_activity_id_activity'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('activity_id', 'position', name=op.f('pk_activity_purpose'))
    )
    op.create_table('activity_system',
    sa.Column('activity_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('name', sqlmodel.sql.sqltypes.AutoString(length=500), nullable=False),
    sa.ForeignKeyConstraint(['activity_id'], ['activity.id'], name=op.f('fk_activity_system_activity_id_activity'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('activity_id', 'position', name=op.f('pk_activity_system'))
    )
    with op.batch_alter_table('activity_system', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_activity_system_name'), ['name'], unique=False)
    op.create_table('party_link',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('activity_id', sa.Integer(), nullable=False),
    sa.Column('role', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('party', sqlmodel.sql.sqltypes.AutoString(length=120), nullable=False),
    sa.Column('examples', sa.JSON(), nullable=False),
    sa.Column('condition', sqlmodel.sql.sqltypes.AutoString(), nullable=True),
    sa.Column('as_written', sqlmodel.sql.sqltypes.AutoString(), nullable=True),
    sa.ForeignKeyConstraint(['activity_id'], ['activity.id'], name=op.f('fk_party_link_activity_id_activity'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['party'], ['party.slug'], name=op.f('fk_party_link_party_party')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_party_link'))
    )
    with op.batch_alter_table('party_link', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_party_link_activity_id'), ['activity_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_party_link_party'), ['party'], unique=False)
    op.create_table('retention_rule',
    sa.Column('activity_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('trigger', sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
    sa.Column('duration', sqlmodel.sql.sqltypes.AutoString(length=40), nullable=True),
    sa.Column('applies_to', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
    sa.Column('text', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.ForeignKeyConstraint(['activity_id'], ['activity.id'], name=op.f('fk_retention_rule_activity_id_activity'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('activity_id', 'position', name=op.f('pk_retention_rule'))
    )
    op.create_table('sharing_arrangement',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('activity_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('name', sqlmodel.sql.sqltypes.AutoString(length=500), nullable=False),
    sa.Column('description', sqlmodel.sql.sqltypes.AutoString(), nullable=True),
    sa.Column('pseudonymised', sa.Boolean(), nullable=True),
    sa.Column('end_date', sa.Date(), nullable=True),
    sa.Column('end_date_as_written', sqlmodel.sql.sqltypes.AutoString(length=500), nullable=True),
    sa.Column('agreement_url', sqlmodel.sql.sqltypes.AutoString(length=500), nullable=True),
    sa.ForeignKeyConstraint(['activity_id'], ['activity.id'], name=op.f('fk_sharing_arrangement_activity_id_activity'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_sharing_arrangement'))
    )
    with op.batch_alter_table('sharing_arrangement', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_sharing_arrangement_activity_id'), ['activity_id'], unique=False)
    op.create_table('statute_citation',
    sa.Column('activity_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('cited_as', sqlmodel.sql.sqltypes.AutoString(length=500), nullable=False),
    sa.Column('statute', sqlmodel.sql.sqltypes.AutoString(length=120), nullable=True),
    sa.Column('provisions', sa.JSON(), nullable=False),
    sa.Column('kind_as_cited', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
    sa.ForeignKeyConstraint(['activity_id'], ['activity.id'], name=op.f('fk_statute_citation_activity_id_activity'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['statute'], ['statute.slug'], name=op.f('fk_statute_citation_statute_statute')),
    sa.PrimaryKeyConstraint('activity_id', 'position', name=op.f('pk_statute_citation'))
    )
    with op.batch_alter_table('statute_citation', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_statute_citation_statute'), ['statute'], unique=False)
    op.create_table('party_link_category',
    sa.Column('party_link_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('category', sqlmodel.sql.sqltypes.AutoString(length=120), nullable=False),
    sa.ForeignKeyConstraint(['category'], ['data_category.slug'], name=op.f('fk_party_link_category_category_data_category')),
    sa.ForeignKeyConstraint(['party_link_id'], ['party_link.id'], name=op.f('fk_party_link_category_party_link_id_party_link'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('party_link_id', 'position', name=op.f('pk_party_link_category'))
    )
    with op.batch_alter_table('party_link_category', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_party_link_category_category'), ['category'], unique=False)
    op.create_table('sharing_arrangement_party',
    sa.Column('arrangement_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('party', sqlmodel.sql.sqltypes.AutoString(length=120), nullable=False),
    sa.ForeignKeyConstraint(['arrangement_id'], ['sharing_arrangement.id'], name=op.f('fk_sharing_arrangement_party_arrangement_id_sharing_arrangement'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['party'], ['party.slug'], name=op.f('fk_sharing_arrangement_party_party_party')),
    sa.PrimaryKeyConstraint('arrangement_id', 'position', name=op.f('pk_sharing_arrangement_party'))
    )
    with op.batch_alter_table('sharing_arrangement_party', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_sharing_arrangement_party_party'), ['party'], unique=False)

    # ### end Alembic commands ###
    op.create_table(
        "ropa_row_set",
        sa.Column("notice_version_id", sa.Integer(), nullable=False),
        sa.Column("fingerprint", S(length=64), nullable=False),
        sa.Column("row_count", sa.Integer(), nullable=False),
        sa.Column("csv_rows", S(), nullable=False),
        sa.Column("json_rows", S(), nullable=False),
        sa.ForeignKeyConstraint(["notice_version_id"], ["notice_version.id"], name=op.f("fk_ropa_row_set_notice_version_id_notice_version"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("notice_version_id", name=op.f("pk_ropa_row_set")),
    )
