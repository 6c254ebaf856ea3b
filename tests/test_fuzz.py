"""Schemathesis against the app's own OpenAPI contract (ASGI, no network), every operation.

Checks: no server errors, status codes and content types declared in the schema, responses
conforming to their schemas. Examples per operation: ``ROPA_FUZZ_EXAMPLES`` (default 15);
set it higher for a deeper run, e.g. ``ROPA_FUZZ_EXAMPLES=500 pytest tests/test_fuzz.py``.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)
from sqlmodel import Session

from app.auth.service import create_key
from app.config import Settings
from app.db import make_engine
from app.main import create_app
from conftest import Backend

EXAMPLES = int(os.environ.get("ROPA_FUZZ_EXAMPLES", "15"))
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]


@pytest.fixture(scope="module")
def fuzz_target(backend: Backend) -> Iterator[tuple[Any, dict[str, str]]]:
    url = backend.database("seeded")
    engine = make_engine(Settings(database_url=url))
    with Session(engine) as session:
        key = create_key(session=session, name="fuzzer", scope="admin", actor="test")
    engine.dispose()
    app = create_app(Settings(database_url=url))
    yield app, {"Authorization": f"Bearer {key}"}
    app.state.engine.dispose()


def test_every_operation_honours_the_contract(fuzz_target: tuple[Any, dict[str, str]]) -> None:
    app, headers = fuzz_target
    schema = schemathesis.openapi.from_asgi("/openapi.json", app)
    failures: dict[str, str] = {}
    operations = 0
    for result in schema.get_all_operations():
        operation = result.ok()
        operations += 1

        @given(case=operation.as_strategy())
        @settings(
            max_examples=EXAMPLES,
            deadline=None,
            suppress_health_check=list(HealthCheck),
            derandomize=os.environ.get("ROPA_FUZZ_RANDOM") != "1",
            database=None,
        )
        def run(case: Any) -> None:
            case.call_and_validate(headers=headers, checks=CHECKS)

        try:
            run()
        except Exception as exc:  # collect every operation's failure, then report them all
            failures[operation.label] = f"{type(exc).__name__}: {exc}"[:3000]
    assert operations >= 25, "every operation of the contract is exercised"
    assert not failures, "\n\n".join(f"{label}\n{text}" for label, text in failures.items())
