#!/usr/bin/env python3
"""Check the shipped vocabularies in ``seed/vocab`` (stdlib + PyYAML only).

Checks, for every vocabulary file:

* each term is a mapping with only the keys allowed for that file, and its required keys;
* slugs (and ``parent`` / ``replaced_by`` values) match ``^[a-z0-9]+(?:[-.][a-z0-9]+)*$``;
* slugs are unique within the file;
* ``parent`` names a term of the same file, and the parent links have no cycle;
* data categories: ``kind`` is one of the three kinds, a dotted slug's parent is the slug minus its
  last segment, and a child's ``kind`` equals its parent's;
* parties: ``kind`` is ``organisation`` or ``category``; ``replaced_by`` names an existing party
  other than itself, comes with ``replaced_on`` and a ``source``, and the chains of
  ``replaced_by`` have no cycle;
* ``added`` and ``replaced_on`` are dates, ``aliases`` a list of distinct non-empty strings,
  ``dpv`` a prefixed name (``dpv:`` or ``pd:`` for these three files) and not one of the names
  known not to exist in DPV 2.2+.

Optional:

* ``--dpv FILE ...``: DPV Turtle files (e.g. ``2.3/dpv/dpv.ttl`` and ``2.3/pd/pd.ttl`` of
  ``w3c/dpv``); every ``dpv`` value must then be a term defined in them;
* ``--against REF``: compare with the vocabularies at a git ref; no term of REF may be missing,
  and its ``name``, ``kind`` and ``parent`` must be unchanged (published notices refer to them);
* ``--notices``: every slug that the notice documents in ``seed/*.yaml`` refer to must exist.

Exit status 0 when every check passes, 1 otherwise. Run: ``python scripts/check_vocab.py``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import re
import subprocess
import sys
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parent.parent
VOCAB_DIR = ROOT / "seed" / "vocab"

SLUG_RE = re.compile(r"^[a-z0-9]+(?:[-.][a-z0-9]+)*$")
PREFIXED_RE = re.compile(r"^[a-z][a-z0-9-]*:[A-Za-z0-9][A-Za-z0-9_-]*$")

#: Keys every term may carry besides its own (brief: optional on any term).
COMMON_OPTIONAL = {"aliases", "source", "added"}

#: file -> (required keys, optional keys)
SCHEMA: dict[str, tuple[set[str], set[str]]] = {
    "data-categories.yaml": (
        {"slug", "name", "kind"},
        {"parent", "description", "dpv"} | COMMON_OPTIONAL,
    ),
    "data-subjects.yaml": (
        {"slug", "name"},
        {"parent", "description", "dpv"} | COMMON_OPTIONAL,
    ),
    "parties.yaml": (
        {"slug", "name", "kind"},
        {"parent", "description", "dpv", "replaced_by", "replaced_on"} | COMMON_OPTIONAL,
    ),
    "lawful-bases.yaml": (
        {"slug", "code", "article", "name", "description"},
        {
            "dpv",
            "schedule1_part",
            "schedule1_paragraph",
            "requires_schedule1_part",
            "uri",
        }
        | COMMON_OPTIONAL,
    ),
    "statutes.yaml": (
        {"slug", "title", "year", "kind"},
        {"legislation_type", "number", "uri", "publisher"} | COMMON_OPTIONAL,
    ),
}

#: Files whose terms form a hierarchy through ``parent``.
HIERARCHICAL = ("data-categories.yaml", "data-subjects.yaml", "parties.yaml")
#: Files whose ``dpv`` must be a ``dpv:`` or ``pd:`` name.
DPV_PREFIXES = {
    "data-categories.yaml": ("dpv", "pd"),
    "data-subjects.yaml": ("dpv", "pd"),
    "parties.yaml": ("dpv", "pd"),
}
CATEGORY_KINDS = {"personal", "special_category", "criminal_offence"}
PARTY_KINDS = {"organisation", "category"}
#: Names that are not DPV 2.2+ terms although they look like one (DPV spells them
#: ``pd:CriminalOffence`` and ``pd:ServiceConsumptionBehaviour``).
KNOWN_NOT_DPV = {"pd:CriminalOffense", "pd:ServiceConsumptionBehavior"}

DPV_NAMESPACES = {"https://w3id.org/dpv#": "dpv", "https://w3id.org/dpv/pd#": "pd"}


class Report:
    def __init__(self) -> None:
        self.problems: list[str] = []

    def add(self, where: str, message: str) -> None:
        self.problems.append(f"{where}: {message}")


def load_terms(text: str, where: str, report: Report) -> list[dict[str, Any]]:
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        report.add(where, f"not valid YAML: {exc}")
        return []
    if data is None:
        return []
    if not isinstance(data, list):
        report.add(where, "the file must be a list of terms")
        return []
    terms = []
    for i, term in enumerate(data):
        if not isinstance(term, dict):
            report.add(where, f"item {i} is not a mapping")
            continue
        terms.append(term)
    return terms


def _label(term: dict[str, Any], index: int) -> str:
    slug = term.get("slug")
    return f"'{slug}'" if isinstance(slug, str) else f"item {index}"


def check_keys(name: str, terms: list[dict[str, Any]], report: Report) -> None:
    required, optional = SCHEMA[name]
    allowed = required | optional
    for i, term in enumerate(terms):
        label = _label(term, i)
        for key in sorted(set(term) - allowed, key=str):
            report.add(name, f"{label} has a key that is not allowed: {key!r}")
        for key in sorted(required - set(term)):
            report.add(name, f"{label} lacks the required key {key!r}")
        for key in ("name", "title", "description", "source", "code"):
            if key in term and (not isinstance(term[key], str) or not term[key].strip()):
                report.add(name, f"{label}: {key} must be a non-empty string")
        if "added" in term and not isinstance(term["added"], dt.date):
            report.add(name, f"{label}: added must be a date (YYYY-MM-DD), not {term['added']!r}")
        if "aliases" in term:
            aliases = term["aliases"]
            if not isinstance(aliases, list) or not all(
                isinstance(a, str) and a.strip() for a in aliases
            ):
                report.add(name, f"{label}: aliases must be a list of non-empty strings")
            elif len(set(aliases)) != len(aliases):
                report.add(name, f"{label}: aliases repeat a value")


def check_slugs(name: str, terms: list[dict[str, Any]], report: Report) -> None:
    seen: dict[str, int] = {}
    for i, term in enumerate(terms):
        slug = term.get("slug")
        if not isinstance(slug, str) or not SLUG_RE.match(slug):
            report.add(name, f"item {i}: slug {slug!r} does not match {SLUG_RE.pattern}")
            continue
        if slug in seen:
            report.add(name, f"duplicate slug '{slug}' (items {seen[slug]} and {i})")
        else:
            seen[slug] = i
        for key in ("parent", "replaced_by"):
            value = term.get(key)
            if value is not None and (not isinstance(value, str) or not SLUG_RE.match(value)):
                report.add(name, f"'{slug}': {key} {value!r} is not a slug")


def _cycles(links: dict[str, str]) -> Iterator[list[str]]:
    """Each cycle in a functional graph (slug -> next slug), once."""
    done: set[str] = set()
    for start in links:
        path: list[str] = []
        index: dict[str, int] = {}
        node: str | None = start
        while node is not None and node not in done and node not in index:
            index[node] = len(path)
            path.append(node)
            node = links.get(node)
        if node is not None and node in index:
            yield path[index[node] :]
        done.update(path)


def check_hierarchy(name: str, terms: list[dict[str, Any]], report: Report) -> None:
    slugs = {t["slug"] for t in terms if isinstance(t.get("slug"), str)}
    parents: dict[str, str] = {}
    for term in terms:
        slug, parent = term.get("slug"), term.get("parent")
        if not isinstance(slug, str) or parent is None:
            continue
        if parent == slug:
            report.add(name, f"'{slug}' is its own parent")
        elif parent not in slugs:
            report.add(name, f"'{slug}' has unknown parent '{parent}'")
        else:
            parents[slug] = parent
    for cycle in _cycles(parents):
        report.add(name, "parent cycle: " + " -> ".join([*cycle, cycle[0]]))


def check_categories(terms: list[dict[str, Any]], report: Report) -> None:
    name = "data-categories.yaml"
    by_slug = {t["slug"]: t for t in terms if isinstance(t.get("slug"), str)}
    for slug, term in by_slug.items():
        kind = term.get("kind")
        if kind not in CATEGORY_KINDS:
            report.add(name, f"'{slug}': kind {kind!r} is not one of {sorted(CATEGORY_KINDS)}")
        parent = term.get("parent")
        if "." in slug:
            expected = slug.rsplit(".", 1)[0]
            if parent != expected:
                report.add(
                    name, f"'{slug}': a dotted slug's parent must be '{expected}', not {parent!r}"
                )
        elif parent is not None:
            report.add(name, f"'{slug}': a root category (no dot) must have no parent")
        if parent in by_slug and by_slug[parent].get("kind") != kind:
            report.add(
                name,
                f"'{slug}': kind {kind!r} differs from its parent '{parent}' "
                f"({by_slug[parent].get('kind')!r})",
            )


def check_parties(terms: list[dict[str, Any]], report: Report) -> None:
    name = "parties.yaml"
    by_slug = {t["slug"]: t for t in terms if isinstance(t.get("slug"), str)}
    successors: dict[str, str] = {}
    for slug, term in by_slug.items():
        if term.get("kind") not in PARTY_KINDS:
            kind = term.get("kind")
            report.add(name, f"'{slug}': kind {kind!r} is not one of {sorted(PARTY_KINDS)}")
        target = term.get("replaced_by")
        when = term.get("replaced_on")
        if when is not None and not isinstance(when, dt.date):
            report.add(name, f"'{slug}': replaced_on must be a date (YYYY-MM-DD), not {when!r}")
        if target is None:
            if when is not None:
                report.add(name, f"'{slug}': replaced_on without replaced_by")
            continue
        if target == slug:
            report.add(name, f"'{slug}' is replaced by itself")
        elif target not in by_slug:
            report.add(name, f"'{slug}' replaced_by unknown party '{target}'")
        else:
            successors[slug] = target
        if when is None:
            report.add(name, f"'{slug}': replaced_by without replaced_on")
        if not term.get("source"):
            report.add(name, f"'{slug}': replaced_by without a source saying where it was verified")
    for cycle in _cycles(successors):
        report.add(name, "replaced_by cycle: " + " -> ".join([*cycle, cycle[0]]))


def check_dpv(
    name: str, terms: list[dict[str, Any]], known: set[str] | None, report: Report
) -> None:
    prefixes = DPV_PREFIXES.get(name)
    for i, term in enumerate(terms):
        value = term.get("dpv")
        if value is None:
            continue
        label = _label(term, i)
        if not isinstance(value, str) or not PREFIXED_RE.match(value):
            report.add(name, f"{label}: dpv {value!r} is not a prefixed name such as 'pd:Name'")
            continue
        if prefixes and value.split(":", 1)[0] not in prefixes:
            report.add(name, f"{label}: dpv {value!r} must use one of the prefixes {prefixes}")
        if value in KNOWN_NOT_DPV:
            report.add(name, f"{label}: dpv {value!r} is not a DPV 2.2+ term")
        elif known is not None and value.split(":", 1)[0] in {"dpv", "pd"} and value not in known:
            report.add(name, f"{label}: dpv {value!r} is not defined in the given DPV files")


def dpv_terms(paths: Iterable[Path]) -> set[str]:
    """Prefixed names of the terms defined in DPV Turtle files (subjects of statements)."""
    terms: set[str] = set()
    subject = re.compile(r"^(dpv|pd):([A-Za-z0-9_-]+)\s")
    full = re.compile(r"^<(https://w3id\.org/dpv(?:/pd)?#)([A-Za-z0-9_-]+)>\s")
    for path in paths:
        for line in path.read_text(encoding="utf-8").splitlines():
            m = subject.match(line)
            if m:
                terms.add(f"{m.group(1)}:{m.group(2)}")
                continue
            m = full.match(line)
            if m:
                terms.add(f"{DPV_NAMESPACES[m.group(1)]}:{m.group(2)}")
    return terms


def check_against(ref: str, current: dict[str, list[dict[str, Any]]], report: Report) -> None:
    for name, terms in current.items():
        rel = (VOCAB_DIR / name).relative_to(ROOT).as_posix()
        try:
            old_text = subprocess.run(
                ["git", "-C", str(ROOT), "show", f"{ref}:{rel}"],
                check=True,
                capture_output=True,
                text=True,
            ).stdout
        except subprocess.CalledProcessError:
            continue  # the file did not exist at that ref
        old_terms = load_terms(old_text, f"{ref}:{rel}", report)
        now = {t.get("slug"): t for t in terms}
        for old in old_terms:
            slug = old.get("slug")
            new = now.get(slug)
            if new is None:
                report.add(name, f"'{slug}' existed at {ref} and has been removed")
                continue
            for key in ("name", "title", "kind", "parent"):
                if old.get(key) != new.get(key):
                    report.add(
                        name,
                        f"'{slug}': {key} changed since {ref} "
                        f"({old.get(key)!r} -> {new.get(key)!r})",
                    )


def _walk_refs(doc: Any) -> Iterator[tuple[str, str]]:
    """(vocabulary file, slug) pairs referred to by a notice document."""
    for act in doc.get("activities") or []:
        for slug in act.get("data_subjects") or []:
            yield "data-subjects.yaml", slug
        for cat in act.get("data_categories") or []:
            if isinstance(cat, dict) and cat.get("category"):
                yield "data-categories.yaml", cat["category"]
        for role in ("sources", "recipients"):
            for link in act.get(role) or []:
                if link.get("party"):
                    yield "parties.yaml", link["party"]
                for slug in link.get("data_categories") or []:
                    yield "data-categories.yaml", slug
        for arr in act.get("sharing_arrangements") or []:
            for slug in arr.get("parties") or []:
                yield "parties.yaml", slug


def check_notices(current: dict[str, list[dict[str, Any]]], report: Report) -> None:
    known = {name: {t.get("slug") for t in terms} for name, terms in current.items()}
    for path in sorted((ROOT / "seed").glob("*.yaml")):
        doc = yaml.safe_load(path.read_text(encoding="utf-8"))
        if not isinstance(doc, dict):
            continue
        for name, slug in _walk_refs(doc):
            if slug not in known.get(name, set()):
                report.add(path.name, f"refers to '{slug}', which is not in {name}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dir", type=Path, default=VOCAB_DIR, help="vocabulary directory")
    parser.add_argument("--dpv", type=Path, nargs="+", metavar="TTL", help="DPV Turtle files")
    parser.add_argument("--against", metavar="REF", help="git ref to compare existing terms with")
    parser.add_argument("--notices", action="store_true", help="check the seed notices' references")
    args = parser.parse_args(argv)

    report = Report()
    known = dpv_terms(args.dpv) if args.dpv else None
    current: dict[str, list[dict[str, Any]]] = {}
    for name in SCHEMA:
        path = args.dir / name
        if not path.exists():
            report.add(name, "file not found")
            continue
        terms = load_terms(path.read_text(encoding="utf-8"), name, report)
        current[name] = terms
        check_keys(name, terms, report)
        check_slugs(name, terms, report)
        check_dpv(name, terms, known, report)
        if name in HIERARCHICAL:
            check_hierarchy(name, terms, report)
    if "data-categories.yaml" in current:
        check_categories(current["data-categories.yaml"], report)
    if "parties.yaml" in current:
        check_parties(current["parties.yaml"], report)
    if args.against:
        check_against(args.against, current, report)
    if args.notices:
        check_notices(current, report)

    for problem in report.problems:
        print(problem)
    counts = ", ".join(f"{name} {len(terms)}" for name, terms in current.items())
    print(f"{len(report.problems)} problem(s); terms: {counts}")
    return 1 if report.problems else 0


if __name__ == "__main__":
    sys.exit(main())
