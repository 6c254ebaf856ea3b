"""Test databases, built by running the migrations (never ``create_all``).

Every test gets its own database cloned from a template: on SQLite a copy of a migrated file,
on PostgreSQL ``CREATE DATABASE ... TEMPLATE``. The suite runs on SQLite always, and also on
PostgreSQL when ``ROPA_TEST_POSTGRES_URL`` names a server (an admin database URL, e.g.
``postgresql+psycopg://postgres@127.0.0.1:5432/test``): tests taking the ``backend`` fixture
are parametrised over both.
"""

from __future__ import annotations

import itertools
import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, create_engine, text
from sqlalchemy.engine import make_url
from sqlmodel import Session

from app import migrate
from app.cli import load_seed
from app.config import PROJECT_ROOT, Settings
from app.db import make_engine, signal_for
from app.main import create_app
from app.register.seeds import SeedSet, read_seed_dir

POSTGRES_URL = os.environ.get("ROPA_TEST_POSTGRES_URL")
BACKENDS = ["sqlite", "postgres"] if POSTGRES_URL else ["sqlite"]
_counter = itertools.count()


@pytest.fixture(scope="session")
def seed() -> SeedSet:
    return read_seed_dir(PROJECT_ROOT / "seed")


class Backend:
    """Makes databases for tests: migrated (``empty``) or migrated and seeded (``seeded``)."""

    def __init__(self, name: str, workdir: Path, seed: SeedSet) -> None:
        self.name = name
        self.workdir = workdir
        self.seed = seed
        self._templates: dict[str, str] = {}
        self._created: list[str] = []
        self._admin: Engine | None = None
        if name == "postgres":
            assert POSTGRES_URL
            self._admin = create_engine(POSTGRES_URL, isolation_level="AUTOCOMMIT")

    def _new_url(self, label: str) -> str:
        n = next(_counter)
        if self.name == "sqlite":
            return f"sqlite:///{self.workdir / f'{label}-{n}.db'}"
        assert self._admin is not None
        db = f"ropa_{label}_{os.getpid()}_{n}"
        with self._admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{db}"'))
            conn.execute(text(f'CREATE DATABASE "{db}"'))
        self._created.append(db)
        return make_url(POSTGRES_URL).set(database=db).render_as_string(hide_password=False)  # type: ignore[arg-type]

    def _template(self, kind: str) -> str:
        if kind not in self._templates:
            url = self._new_url(f"tpl_{kind}")
            engine = make_engine(Settings(database_url=url))
            migrate.upgrade(engine)
            if kind == "seeded":
                load_seed(engine, PROJECT_ROOT / "seed")  # as `ropa seed load` does
            engine.dispose()
            self._templates[kind] = url
        return self._templates[kind]

    def database(self, kind: str = "seeded") -> str:
        """A new database of the given kind that the caller may change freely."""
        template = self._template(kind)
        if self.name == "sqlite":
            url = self._new_url(kind)
            shutil.copyfile(make_url(template).database or "", make_url(url).database or "")
            return url
        assert self._admin is not None
        n = next(_counter)
        db = f"ropa_{kind}_{os.getpid()}_{n}"
        with self._admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{db}" TEMPLATE "{make_url(template).database}"'))
        self._created.append(db)
        return make_url(POSTGRES_URL).set(database=db).render_as_string(hide_password=False)  # type: ignore[arg-type]

    def close(self) -> None:
        if self._admin is not None:
            with self._admin.connect() as conn:
                for db in reversed(self._created):
                    conn.execute(text(f'DROP DATABASE IF EXISTS "{db}" WITH (FORCE)'))
            self._admin.dispose()


@pytest.fixture(scope="session", params=BACKENDS)
def backend(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory, seed: SeedSet
) -> Iterator[Backend]:
    b = Backend(request.param, tmp_path_factory.mktemp(f"db-{request.param}"), seed)
    yield b
    b.close()


def _client(url: str) -> Iterator[TestClient]:
    app = create_app(Settings(database_url=url))
    with TestClient(app) as client:
        signal = signal_for(app.state.engine)
        assert signal is not None and signal.ready.wait(10), "no database change signal"
        yield client


@pytest.fixture(scope="session")
def client(backend: Backend) -> Iterator[TestClient]:
    """A client on a seeded database shared by the read-only tests of a backend."""
    yield from _client(backend.database("seeded"))


@pytest.fixture
def fresh_db(backend: Backend) -> str:
    """A seeded database of this test's own."""
    return backend.database("seeded")


@pytest.fixture
def empty_db(backend: Backend) -> str:
    """A migrated, empty database of this test's own."""
    return backend.database("empty")


@pytest.fixture
def fresh_client(fresh_db: str) -> Iterator[TestClient]:
    yield from _client(fresh_db)


@pytest.fixture
def keys(fresh_db: str) -> dict[str, dict[str, str]]:
    """Authorization headers by scope (editor, publisher, auditor, admin) on ``fresh_db``: the
    admin key is global, the others are bound to every controller of the seed."""
    from sqlmodel import select

    from app.auth.models import SCOPES
    from app.auth.service import create_key
    from app.register.models import Controller

    engine = make_engine(Settings(database_url=fresh_db))
    headers = {}
    with Session(engine) as session:
        every = list(session.exec(select(Controller.id)).all())
        for scope in SCOPES:
            key = create_key(
                session=session,
                name=f"test-{scope}",
                scope=scope,
                actor="test",
                controllers=every if scope != "admin" else (),
            )
            headers[scope] = {"Authorization": f"Bearer {key}"}
    engine.dispose()
    return headers
