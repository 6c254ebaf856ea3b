#!/usr/bin/env python3
"""Internal-consistency check for seed/vocab/legislation.yaml (standard library + PyYAML only).

Checks: allowed keys in the documented order, slug format and uniqueness, kinds/statuses/types,
legislation.gov.uk URIs of Acts and SIs against type/year/number, the legalize-uk `source` path,
dates, successors (exist, no cycles, same work for guidance), editions of a work,
`every_act_of_title` families, and that every slug of seed/vocab/statutes.yaml is kept.

Usage: python scripts/check_legislation.py [path/to/legislation.yaml]
Exit status 0 when no errors were found, 1 otherwise.
"""
from __future__ import annotations

import datetime as dt
import re
import sys
from collections import Counter, defaultdict
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
DEFAULT = ROOT / "seed" / "vocab" / "legislation.yaml"
STATUTES = ROOT / "seed" / "vocab" / "statutes.yaml"

KEYS = ["slug", "title", "year", "kind", "legislation_type", "number", "uri", "status", "status_date",
        "successor", "status_source", "aliases", "publisher", "work", "every_act_of_title", "source"]
REQUIRED = {"slug", "title", "year", "kind", "status", "source"}
KINDS = {"act", "si", "guidance", "code", "eu_regulation"}
STATUSES = {"in_force", "repealed", "revoked", "superseded", "withdrawn"}
STATUS_BY_KIND = {
    "act": {"in_force", "repealed"},
    "si": {"in_force", "revoked"},
    "guidance": {"in_force", "superseded", "withdrawn"},
    "code": {"in_force", "superseded", "withdrawn"},
    "eu_regulation": {"in_force", "repealed", "revoked"},
}
TYPES_BY_KIND = {
    "act": {"ukpga", "asp", "anaw", "asc", "mwa", "nia", "apni", "aep", "aosp", "apgb", "ukla"},
    "si": {"uksi", "ssi", "wsi", "nisr", "nisi"},
    "eu_regulation": {"eur"},
}
# legalize-uk folder for each type (source paths look like "<folder>/<type>-<year>-<number>.md")
FOLDER = {"ukpga": "uk", "uksi": "uk", "ukla": "uk", "asp": "uk-sct", "ssi": "uk-sct",
          "anaw": "uk-wls", "asc": "uk-wls", "mwa": "uk-wls", "wsi": "uk-wls", "nia": "uk-nir", "nisr": "uk-nir"}
SLUG_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
LGU = "https://www.legislation.gov.uk"
REGNAL_URI = re.compile(r"^https://www\.legislation\.gov\.uk/ukpga/[A-Z][A-Za-z0-9]*/\d+(?:-\d+)?/\d+$")
SOURCE_RE = re.compile(r"^legalize-dev/legalize-uk (?P<path>[a-z-]+/(?P<type>[a-z]+)-(?P<year>\d{4})-(?P<num>\d+)\.md)@[0-9a-f]{7,40}$")
YEAR_SUFFIX = re.compile(r"\s+\d{4}$")


def main(argv: list[str]) -> int:
    path = Path(argv[1]) if len(argv) > 1 else DEFAULT
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    errors: list[str] = []

    def err(slug: str, msg: str) -> None:
        errors.append(f"{slug}: {msg}")

    if not isinstance(data, list):
        print(f"{path}: top level must be a list")
        return 1

    by_slug: dict[str, dict] = {}
    for i, e in enumerate(data):
        slug = e.get("slug", f"<entry {i}>") if isinstance(e, dict) else f"<entry {i}>"
        if not isinstance(e, dict):
            err(slug, "entry is not a mapping")
            continue
        keys = list(e)
        unknown = [k for k in keys if k not in KEYS]
        if unknown:
            err(slug, f"unknown keys {unknown}")
        known = [k for k in keys if k in KEYS]
        if known != sorted(known, key=KEYS.index):
            err(slug, f"keys out of order: {known}")
        missing = REQUIRED - set(keys)
        if missing:
            err(slug, f"missing keys {sorted(missing)}")
        for k, v in e.items():
            if v is None or v == [] or v == "":
                err(slug, f"empty value for {k} (omit the key instead)")
        if not isinstance(slug, str) or not SLUG_RE.match(slug):
            err(slug, "slug must be lower-case [a-z0-9] words joined by '-'")
        if slug in by_slug:
            err(slug, "duplicate slug")
        by_slug[slug] = e

        kind, status = e.get("kind"), e.get("status")
        if kind not in KINDS:
            err(slug, f"kind {kind!r} not in {sorted(KINDS)}")
            continue
        if status not in STATUSES:
            err(slug, f"status {status!r} not in {sorted(STATUSES)}")
        elif status not in STATUS_BY_KIND[kind]:
            err(slug, f"status {status!r} not allowed for kind {kind}")
        year = e.get("year")
        if not isinstance(year, int) or not 1200 <= year <= dt.date.today().year + 1:
            err(slug, f"bad year {year!r}")
        if not isinstance(e.get("title"), str) or not e.get("title", "").strip():
            err(slug, "title must be a non-empty string")
        if "status_date" in e:
            try:
                dt.date.fromisoformat(str(e["status_date"]))
            except ValueError:
                err(slug, f"status_date {e['status_date']!r} is not YYYY-MM-DD")
            if status == "in_force":
                err(slug, "status_date given but status is in_force")
        if "aliases" in e:
            al = e["aliases"]
            if not isinstance(al, list) or not all(isinstance(a, str) and a.strip() for a in al):
                err(slug, "aliases must be a list of non-empty strings")
            else:
                if len(set(al)) != len(al):
                    err(slug, "duplicate alias")
                if e.get("title") in al:
                    err(slug, "alias repeats the title")
        if "every_act_of_title" in e and (e["every_act_of_title"] is not True or kind != "act"
                                          or e.get("legislation_type") != "ukpga"):
            err(slug, "every_act_of_title must be true and only on UK Public General Acts")

        if kind in ("act", "si"):
            for k in ("legislation_type", "number", "uri"):
                if k not in e:
                    err(slug, f"{kind} needs {k}")
            for k in ("publisher", "work"):
                if k in e:
                    err(slug, f"{k} is for guidance/codes only")
            typ, num = e.get("legislation_type"), e.get("number")
            if typ not in TYPES_BY_KIND[kind]:
                err(slug, f"legislation_type {typ!r} not valid for kind {kind}")
            if not isinstance(num, int) or num < 1:
                err(slug, f"bad number {num!r}")
            uri = e.get("uri")
            expected = f"{LGU}/{typ}/{year}/{num}"
            if uri != expected and not (isinstance(year, int) and year < 1963 and uri and REGNAL_URI.match(uri)
                                        and uri.endswith(f"/{num}")):
                err(slug, f"uri {uri!r} does not match {expected}")
            if isinstance(year, int) and str(year) not in str(e.get("title", "")):
                err(slug, "title does not contain the year")
            src = str(e.get("source", ""))
            m = SOURCE_RE.match(src)
            if m:
                if (m["type"], int(m["year"]), int(m["num"])) != (typ, year, num):
                    err(slug, f"source path {m['path']} does not match {typ}/{year}/{num}")
                if FOLDER.get(typ) and not m["path"].startswith(FOLDER[typ] + "/"):
                    err(slug, f"source path {m['path']} not in folder {FOLDER[typ]}/")
            elif "unverified" not in src.lower() or "NOT VERIFIED" not in str(e.get("status_source", "")):
                err(slug, "source must be 'legalize-dev/legalize-uk <path>@<sha>' or be marked unverified "
                          "(with NOT VERIFIED in status_source)")
        elif kind == "eu_regulation":
            if "legislation_type" in e and e["legislation_type"] not in TYPES_BY_KIND["eu_regulation"]:
                err(slug, f"legislation_type {e['legislation_type']!r} not valid for eu_regulation")
            if e.get("legislation_type") == "eur" and e.get("uri") != f"{LGU}/eur/{year}/{e.get('number')}":
                err(slug, "eur uri does not match year/number")
        else:  # guidance, code
            for k in ("publisher", "work"):
                if k not in e:
                    err(slug, f"{kind} needs {k}")
            for k in ("legislation_type", "number", "every_act_of_title"):
                if k in e:
                    err(slug, f"{k} is for legislation only")
            if "work" in e and not SLUG_RE.match(str(e["work"])):
                err(slug, "work must be a slug")
        if "uri" in e and not str(e["uri"]).startswith(("https://", "http://")):
            err(slug, "uri must be an http(s) URL")

    # successors
    for slug, e in by_slug.items():
        succ = e.get("successor")
        if succ is None:
            if e.get("kind") in ("guidance", "code") and e.get("status") == "superseded":
                err(slug, "superseded edition needs a successor")
            continue
        if succ == slug:
            err(slug, "successor is itself")
        elif succ not in by_slug:
            err(slug, f"successor {succ!r} is not in the file")
        else:
            if e.get("status") == "in_force":
                err(slug, "has a successor but status is in_force")
            s = by_slug[succ]
            if e.get("kind") in ("guidance", "code") and s.get("work") != e.get("work"):
                err(slug, f"successor {succ} belongs to another work")
            if isinstance(s.get("year"), int) and isinstance(e.get("year"), int) and s["year"] < e["year"]:
                err(slug, f"successor {succ} is older")
    for slug in by_slug:  # cycles
        seen, cur = set(), slug
        while cur in by_slug and "successor" in by_slug[cur]:
            if cur in seen:
                err(slug, "successor chain has a cycle")
                break
            seen.add(cur)
            cur = by_slug[cur]["successor"]

    # works: same kind, at most one current edition, distinct editions
    works: dict[str, list[dict]] = defaultdict(list)
    for e in by_slug.values():
        if "work" in e:
            works[e["work"]].append(e)
    for work, eds in works.items():
        if len({x["kind"] for x in eds}) > 1:
            err(work, "editions of one work have different kinds")
        current = [x["slug"] for x in eds if x.get("status") == "in_force"]
        if len(current) > 1:
            err(work, f"more than one in-force edition: {current}")

    # every_act_of_title families
    families: dict[str, list[dict]] = defaultdict(list)
    for e in by_slug.values():
        if e.get("kind") == "act" and e.get("legislation_type") == "ukpga":
            families[YEAR_SUFFIX.sub("", e["title"])].append(e)
    for base, members in families.items():
        flagged = [m for m in members if m.get("every_act_of_title")]
        if flagged and len(flagged) != len(members):
            err(base, "every_act_of_title set on some but not all of: "
                      + ", ".join(m["slug"] for m in members))
        years = Counter(m["year"] for m in members)
        if any(c > 1 for c in years.values()):
            err(base, f"same title and year twice: {[y for y, c in years.items() if c > 1]}")

    # nothing that referred to statutes.yaml breaks
    if STATUTES.exists() and path.resolve() != STATUTES.resolve():
        old = yaml.safe_load(STATUTES.read_text(encoding="utf-8")) or []
        for o in old:
            if o.get("slug") not in by_slug:
                err(o.get("slug", "?"), "slug from statutes.yaml missing")

    kinds = Counter(e.get("kind") for e in by_slug.values())
    statuses = Counter(e.get("status") for e in by_slug.values())
    print(f"{path}: {len(by_slug)} entries; kinds {dict(sorted(kinds.items()))}; "
          f"statuses {dict(sorted(statuses.items()))}; "
          f"families complete: {sorted(b for b, ms in families.items() if any(m.get('every_act_of_title') for m in ms))}")
    for line in errors:
        print("ERROR", line)
    print("OK" if not errors else f"{len(errors)} error(s)")
    return 0 if not errors else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv))
