"""``openapi/openapi.json`` is the committed contract: the app must not drift from it."""

from __future__ import annotations

import json
import os

from app.config import PROJECT_ROOT, Settings
from app.main import create_app

CONTRACT = PROJECT_ROOT / "openapi" / "openapi.json"


def current_schema() -> str:
    app = create_app(Settings(database_url="sqlite://"))
    return json.dumps(app.openapi(), indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def test_the_app_matches_the_committed_contract() -> None:
    schema = current_schema()
    if os.environ.get("ROPA_UPDATE_OPENAPI") == "1":
        CONTRACT.write_text(schema, encoding="utf-8")
    assert CONTRACT.exists(), (
        "no committed contract: run ROPA_UPDATE_OPENAPI=1 pytest tests/test_openapi.py"
    )
    assert CONTRACT.read_text(encoding="utf-8") == schema, (
        "the app drifted from openapi/openapi.json; if intended, regenerate with "
        "ROPA_UPDATE_OPENAPI=1 pytest tests/test_openapi.py and review the diff"
    )


def test_every_operation_declares_its_error_responses() -> None:
    schema = json.loads(current_schema())
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            codes = set(operation["responses"])
            if path == "/healthz":
                continue
            assert codes & {"404", "422", "503"}, (
                f"{method.upper()} {path} declares no error responses"
            )
            for code in (c for c in codes if int(c) >= 400):
                content = operation["responses"][code].get("content", {})
                assert "application/problem+json" in content, f"{method.upper()} {path} {code}"
