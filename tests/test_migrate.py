"""The migrations are the only schema source, and they agree with the models."""

from __future__ import annotations

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect
from sqlmodel import SQLModel

import app.tables  # noqa: F401
from app import migrate
from app.config import Settings
from app.db import make_engine
from conftest import Backend


def test_migrations_match_the_models(backend: Backend) -> None:
    engine = make_engine(Settings(database_url=backend.database("empty")))
    with engine.connect() as connection:
        diff = compare_metadata(
            MigrationContext.configure(connection, opts={"compare_type": True}), SQLModel.metadata
        )
    engine.dispose()
    assert diff == [], f"models and migrations disagree; write a migration: {diff}"


def test_migrations_are_at_head_and_reversible(backend: Backend) -> None:
    url = backend.database("empty")
    engine = make_engine(Settings(database_url=url))
    assert migrate.is_current(engine)
    tables = set(inspect(engine).get_table_names())
    assert {"controller", "service", "notice_version", "activity", "party_link"} <= tables
    migrate.run(engine, lambda cfg: command.downgrade(cfg, "base"))
    assert set(inspect(engine).get_table_names()) <= {"alembic_version"}
    migrate.upgrade(engine)
    assert migrate.is_current(engine)
    engine.dispose()


def test_constraints_follow_the_naming_convention(backend: Backend) -> None:
    engine = make_engine(Settings(database_url=backend.database("empty")))
    insp = inspect(engine)
    for fk in insp.get_foreign_keys("activity"):
        assert fk["name"] and fk["name"].startswith("fk_activity_")
    assert insp.get_pk_constraint("controller")["name"] in (
        "pk_controller",
        None,
    )  # SQLite omits pk names
    uniques = {u["name"] for u in insp.get_unique_constraints("notice_version")}
    assert "uq_notice_version_service_id_version" in uniques
    engine.dispose()


def test_keys_revision_hides_key_names_and_leaves_old_keys_unbound(backend: Backend) -> None:
    """0004_keys14: a version's author that named a key becomes the key's scope; keys made
    before it are bound to no controller."""
    from sqlalchemy import text

    url = backend.database("seeded")
    engine = make_engine(Settings(database_url=url))
    migrate.run(engine, lambda cfg: command.downgrade(cfg, "0003"))
    with engine.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO api_key (name, scope, prefix, key_hash, created_at) "
                "VALUES ('jane.smith', 'editor', 'abcd1234', :h, CURRENT_TIMESTAMP)"
            ),
            {"h": "0" * 64},
        )
        conn.execute(
            text(
                "UPDATE notice_version SET author = 'jane.smith' "
                "WHERE service_id = 'camden-early-help'"
            )
        )
    migrate.upgrade(engine)
    with engine.connect() as conn:
        authors = conn.execute(
            text("SELECT DISTINCT author FROM notice_version ORDER BY author")
        ).scalars()
        assert list(authors) == ["editor", "seed"]
        assert conn.execute(text("SELECT count(*) FROM api_key_controller")).scalar() == 0
    engine.dispose()
