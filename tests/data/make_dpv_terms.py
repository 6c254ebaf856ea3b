#!/usr/bin/env python3
"""Regenerate tests/data/dpv-2.3-terms.txt from a w3c/dpv checkout (stdlib only).

    python3 tests/data/make_dpv_terms.py /path/to/dpv [--commit SHA] > tests/data/dpv-2.3-terms.txt

Reads the term CSVs of DPV 2.3 -- the aggregate file and every module file -- for
five namespaces: dpv core (all modules), pd, eu-gdpr, legal-gb, sector publicservices.
Each CSV row is one term (DPV has no separate "instance" rows: individual-like
concepts such as eu-gdpr:A6-1-a or legal-gb:law-GDPR are rows of type "class").
Keeps the `iri` column of rows whose IRI is in the namespace; the files' concept
schemes and serialisation descriptors are not in the CSVs and so are not listed.
Prints the IRIs sorted (Python codepoint order), one per line, after '#' header lines.
"""

import argparse
import csv
import glob
import os
import subprocess
import sys

VERSION = "2.3"
# (namespace IRI, folder under <checkout>/2.3/, aggregate CSV in that folder)
NAMESPACES = [
    ("https://w3id.org/dpv#", "dpv", "dpv.csv"),
    ("https://w3id.org/dpv/pd#", "pd", "pd.csv"),
    ("https://w3id.org/dpv/legal/eu/gdpr#", "legal/eu/gdpr", "eu-gdpr.csv"),
    ("https://w3id.org/dpv/legal/gb#", "legal/gb", "legal-gb.csv"),
    (
        "https://w3id.org/dpv/sector/publicservices#",
        "sector/publicservices",
        "sector-publicservices.csv",
    ),
]


def terms(checkout):
    found = {}
    for ns, folder, aggregate in NAMESPACES:
        base = os.path.join(checkout, VERSION, folder)
        if not os.path.isfile(os.path.join(base, aggregate)):
            sys.exit(
                f"{os.path.join(base, aggregate)} not found: is {checkout} a w3c/dpv checkout?"
            )
        modules = sorted(glob.glob(os.path.join(base, "modules", "*.csv")))
        files = [os.path.join(base, aggregate), *modules]
        iris = set()
        for path in files:
            with open(path, newline="", encoding="utf-8") as f:
                reader = csv.DictReader(f)
                if "iri" not in (reader.fieldnames or []):
                    continue  # e.g. legal_basis_rights_mapping.csv (a mapping, no terms)
                iris.update(
                    row["iri"].strip() for row in reader if row["iri"].strip().startswith(ns)
                )
        if not iris:
            sys.exit(f"no terms found for {ns} under {base}")
        found[ns] = iris
    return found


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("checkout", help="root of a w3c/dpv checkout (holds 2.3/)")
    ap.add_argument("--commit", help="w3c/dpv commit (default: git rev-parse HEAD in checkout)")
    args = ap.parse_args()
    commit = args.commit
    if not commit:
        try:
            commit = subprocess.run(
                ["git", "-C", args.checkout, "rev-parse", "HEAD"],
                capture_output=True,
                text=True,
                check=True,
            ).stdout.strip()
        except (OSError, subprocess.CalledProcessError):
            commit = "unknown"
    found = terms(args.checkout)
    all_iris = sorted(set().union(*found.values()))
    out = sys.stdout
    out.write(
        f"# DPV {VERSION} term IRIs; source: w3c/dpv commit {commit}, CSV files "
        f"2.3/{{dpv,pd,legal/eu/gdpr,legal/gb,sector/publicservices}}/*.csv and modules/*.csv "
        f"(column 'iri')\n"
    )
    out.write(
        "# counts: "
        + ", ".join(f"{ns} {len(found[ns])}" for ns, _, _ in NAMESPACES)
        + f"; total {len(all_iris)}\n"
    )
    out.write("# regenerate: python3 tests/data/make_dpv_terms.py <dpv checkout> --commit <sha>\n")
    for iri in all_iris:
        out.write(iri + "\n")


if __name__ == "__main__":
    main()
