"""Notices of services the seeds do not cover (examples/documents/), as a new user would load them:
imported with the CLI on top of the seed, rendered, and checked."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from typer.testing import CliRunner

from app.cli import cli
from app.config import PROJECT_ROOT, get_settings

runner = CliRunner()
DOCUMENTS = PROJECT_ROOT / "examples" / "documents"

#: For each document: words of the source notice its render must carry, and the findings
#: (rule ids) its checks must raise — each one a real problem of the (partial) source text.
EXPECTED: dict[str, tuple[list[str], set[str]]] = {
    "cheshire-youth-justice-services": (
        [
            "Youth Justice Services (YJS) acts as the Data Processor",
            "This will be dependent on which area you live",
            "dpo@warrington.gov.uk",
            "informationgovernanceservice@halton.gov.uk",
            "victims of youth crime",
            "medical history (for example CAMHs, substance misuse and speech & language)",
            "Offending History",
            "Use of audio monitoring equipment or CCTV",
        ],
        {
            "art13-14.lawful-basis",
            "consistency.special-without-art9",
            "consistency.criminal-without-condition",
            "art13-14.retention",
            "art13-14.complaint-ico",
            "art13-14.rights",
        },
    ),
    "east-sussex-adult-social-care": (
        [
            "by law we must provide or arrange social care support",
            "Category 1 and Category 2 responders",
            "UK power networks",
            "East Sussex Fire and Rescue Services",
            "Equalities Act 2010",
            "A right to portability of your data",
            "01273 482913",
        ],
        {
            "consistency.schedule1-cannot-support",
            "consistency.art9-without-schedule1",
            "citation.misnamed",
            "citation.guidance-as-law",
            "citation.not-verified",
            "citation.eu-gdpr",
            "art13-14.withdraw-consent",
            "contact.email",
        },
    ),
}


@pytest.fixture(scope="module")
def database(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    url = f"sqlite:///{tmp_path_factory.mktemp('examples') / 'examples.db'}"
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("ROPA_DATABASE_URL", url)
        get_settings.cache_clear()
        assert runner.invoke(cli, ["seed", "load"]).exit_code == 0
        yield url
    get_settings.cache_clear()


def test_every_document_is_expected() -> None:
    assert sorted(p.stem for p in DOCUMENTS.glob("*.yaml")) == sorted(EXPECTED)


@pytest.mark.parametrize("service_id", sorted(EXPECTED))
def test_imported_rendered_and_checked(database: str, service_id: str) -> None:
    path = DOCUMENTS / f"{service_id}.yaml"
    facts, rules = EXPECTED[service_id]

    checked = runner.invoke(cli, ["check", str(path)])
    found = {
        line.split()[1]
        for line in checked.output.splitlines()
        if line[:5] in ("ERROR", "WARNI", "INFO ")
    }
    assert rules <= found, checked.output

    refused = runner.invoke(cli, ["import", str(path), "--change-summary", "First import"])
    assert refused.exit_code != 0  # error findings need a reason
    imported = runner.invoke(
        cli,
        [
            "import",
            str(path),
            "--change-summary",
            "First import of the published notice",
            "--override-reason",
            "A partial notice, imported to show what it lacks",
        ],
    )
    assert imported.exit_code == 0, imported.output

    rendered = runner.invoke(cli, ["render", service_id, "--format", "markdown"])
    assert rendered.exit_code == 0, rendered.output
    text = " ".join(rendered.output.split())
    for fact in facts:
        assert " ".join(fact.split()) in text, fact
