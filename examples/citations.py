"""Run the legislation resolver over every citation in ``citations.tsv`` and write CITATIONS.md.

Each row of ``citations.tsv`` is a citation copied exactly as written from a real council privacy
notice, matched by hand to the real instrument and judged (``judgement``). This script asks the
registry's resolver (the same code that ``ropa check`` and ``ropa check-text`` use) what it makes of
the citation, and compares the answer with the hand judgement:

    python examples/citations.py            # writes examples/CITATIONS.md
    python examples/citations.py --check    # exits 1 if CITATIONS.md is out of date

The comparison is mechanical (see :func:`assess`); rows it cannot settle are marked "review" and
judged by hand in CITATIONS.md's notes.
"""

from __future__ import annotations

import csv
import re
import sys
from collections import Counter
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from app.notices.checks import RULES
from app.notices.legislation import Resolution, Resolver
from app.notices.textchecks import judge
from app.register.seeds import read_vocabulary
from app.register.vocabulary import StatuteBase, Vocabulary

HERE = Path(__file__).parent
ROOT = HERE.parent
#: The date the resolver judges "in force" on: fixed, so the table does not change by itself.
TODAY = date(2026, 12, 1)


@dataclass(frozen=True)
class Row:
    notice: str
    cited: str
    title: str
    year: str
    number: str
    hand_status: str
    judgement: str

    @property
    def verdict(self) -> str:
        """The hand judgement's first words: correct, misnamed, ambiguous, repealed/revoked, ..."""
        return re.split(r"\s*[(;:]", self.judgement, maxsplit=1)[0].strip()


@dataclass(frozen=True)
class Answer:
    status: str
    entry: StatuteBase | None
    findings: tuple[tuple[str, str, str], ...]  # (rule, severity, message)

    @property
    def says(self) -> str:
        if not self.findings:
            return f"{self.status}: {_name(self.entry)}" if self.entry else self.status
        return "; ".join(f"{sev} {rule}" for rule, sev, _ in self.findings)


def _name(entry: StatuteBase | None) -> str:
    if entry is None:
        return "–"
    return entry.title + (
        f" {entry.year}" if entry.year and str(entry.year) not in entry.title else ""
    )


def read_rows(path: Path = HERE / "citations.tsv") -> list[Row]:
    with path.open(encoding="utf-8", newline="") as f:
        reader = csv.DictReader(f, delimiter="\t")
        return [
            Row(
                r["notice_file"],
                r["citation_as_written"],
                r["instrument_title"],
                r["year"],
                r["type_and_number"],
                r["verified_status"],
                r["judgement"],
            )
            for r in reader
        ]


def vocabulary() -> Vocabulary:
    return read_vocabulary(ROOT / "seed" / "vocab")


def answer(row: Row, resolver: Resolver) -> Answer:
    r: Resolution = resolver.resolve(row.cited, on=TODAY)
    findings = tuple(
        (v.rule, RULES[v.rule].severity, v.message) for v in judge(r, TODAY, kind_as_cited="law")
    )
    return Answer(r.status, r.statute, findings)


def _number_of(entry: StatuteBase | None) -> str:
    """'ukpga 1989/41' from an entry's legislation.gov.uk address."""
    if entry is None or not entry.uri:
        return ""
    m = re.search(r"legislation\.gov\.uk/(\w+)/(\d{4})/(\d+)", entry.uri)
    return f"{m.group(1)} {m.group(2)}/{m.group(3)}" if m else ""


def assess(row: Row, a: Answer) -> tuple[str, str]:
    """(right | wrong | review, why) for the resolver's answer against the hand judgement."""
    rules = {rule for rule, _, _ in a.findings}
    severities = {sev for _, sev, _ in a.findings}
    same = bool(row.number) and _number_of(a.entry) == row.number.split(";")[0].strip()
    v = row.verdict
    if v == "correct":
        if "error" in severities:
            return "wrong", "a real, correctly named instrument reported as an error"
        if a.status == "exact" and same:
            return "right", "placed on the right instrument"
        if a.status in ("exact", "guidance") and a.entry is not None and not row.number:
            return "right", "placed (guidance or EU law)"
        if a.status == "not_verified":
            return "right", "not in the registry: said so as info, not as an error"
        if a.status == "exact":
            return (
                "wrong",
                f"placed on another instrument ({_number_of(a.entry) or _name(a.entry)})",
            )
        return "review", f"resolver says {a.status}"
    if v == "misnamed":
        if a.status == "misnamed" and (same or not row.number):
            return "right", "flagged as misnamed with the intended instrument"
        if a.status == "not_verified":
            return "review", "not placed (info); the hand judgement knows the intended instrument"
        return "review", f"resolver says {a.status}"
    if v == "EU GDPR wording":
        return (
            ("right", "EU GDPR named since 2021")
            if "citation.eu-gdpr" in rules
            else (
                "wrong",
                "EU GDPR wording not flagged",
            )
        )
    if v in ("repealed/revoked", "superseded edition"):
        if "citation.no-longer-in-force" in rules:
            return "right", "warning naming the successor"
        if a.status == "not_verified":
            return "review", "not placed, so its status is unknown to the registry (info)"
        if a.entry is not None and a.entry.status == "in_force" and "in_force" in row.hand_status:
            return "review", (
                "the registry's source (legislation.gov.uk metadata via legalize-uk) records it "
                "in force; the hand judgement of repeal is not in that source"
            )
        return "wrong", "not flagged as no longer in force"
    if v == "does not exist":
        if a.status in ("nonexistent", "misnamed") or a.status == "not_verified":
            return "right", f"{a.status} (never claimed to exist)"
        return "wrong", f"resolver says {a.status}"
    if v == "wrong year":
        if a.status in ("misnamed", "nonexistent") or rules & {"citation.misnamed"}:
            return "right", "the year flagged, with the likely instrument"
        if a.status == "not_verified":
            return "review", "not placed (info)"
        return "wrong", f"resolver says {a.status}"
    if v == "ambiguous":
        if a.status in ("ambiguous", "not_verified"):
            return "right", "no year: not placed on one instrument"
        if a.status == "exact" and same:
            return "right", "placed on the one instrument the hand judgement also chose"
        return "review", f"resolver says {a.status}"
    return "review", f"hand judgement '{v}'"


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def table(rows: list[Row], resolver: Resolver) -> str:
    results = [(row, answer(row, resolver)) for row in rows]
    assessed = [(row, a, *assess(row, a)) for row, a in results]
    counts = Counter(verdict for *_, verdict, _ in assessed)
    by_hand = Counter(row.verdict for row in rows)
    out = [
        "# Citations from real council notices, and what the resolver says of them",
        "",
        "Generated by `python examples/citations.py` from `citations.tsv` (do not edit by hand).",
        f"The resolver judges on {TODAY.isoformat()} against `seed/vocab/legislation.yaml`.",
        "",
        f"{len(rows)} citations from {len({r.notice for r in rows})} notices. "
        "Resolver's answer against "
        f"the hand judgement: **{counts['right']} right, {counts['wrong']} wrong, "
        f"{counts['review']} to review by hand** (see the notes at the end).",
        "",
        "Hand judgements: " + ", ".join(f"{k} {n}" for k, n in by_hand.most_common()) + ".",
        "",
        "| # | notice | as written | hand judgement | resolver says | right? |",
        "|---|---|---|---|---|---|",
    ]
    for i, (row, a, verdict, why) in enumerate(assessed, 1):
        says = a.says
        if a.findings:
            says += ": " + " / ".join(m for _, _, m in a.findings)
        out.append(
            f"| {i} | {row.notice.removesuffix('.txt')} | {_cell(row.cited)} | "
            f"{_cell(row.judgement)} | {_cell(says)} | {verdict}: {why} |"
        )
    out.append("")
    return "\n".join(out)


def main(argv: list[str]) -> int:
    vocab = vocabulary()
    text = table(read_rows(), Resolver(list(vocab.statutes.values())))
    target = HERE / "CITATIONS.md"
    if "--check" in argv:
        current = (
            target.read_text(encoding="utf-8").split("\n## Notes")[0] if target.exists() else ""
        )
        return 0 if current.rstrip() == text.rstrip() else 1
    notes = ""
    if target.exists() and "\n## Notes" in target.read_text(encoding="utf-8"):
        notes = "\n## Notes" + target.read_text(encoding="utf-8").split("\n## Notes", 1)[1]
    target.write_text(text + notes, encoding="utf-8")
    print(text.splitlines()[5])
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
