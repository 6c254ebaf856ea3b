"""Facts from the five source notices (shared/seeds/00*.txt) as the seed documents record them.

Pure: reads seed/ with read_seed_dir, no database. Each assertion is a fact a reader can check
against the notice text, including the notice's own mistakes, which are kept as written.
"""

from __future__ import annotations

from pathlib import Path

from app.register.document import Activity, NoticeDocument, PartyLink
from app.register.seeds import SeedSet

SEED_DIR = Path("seed")


def _doc(seeds: SeedSet, service_id: str) -> NoticeDocument:
    return next(d for d in seeds.documents if d.service.id == service_id)


def _act(doc: NoticeDocument, activity_id: str) -> Activity:
    return next(a for a in doc.activities if a.id == activity_id)


def _bases(act: Activity) -> set[str]:
    return {b.basis for b in act.lawful_bases}


def _recipients(act: Activity) -> set[str]:
    return {r.party for r in act.recipients}


def _examples(links: list[PartyLink], party: str) -> list[str]:
    """The notice's examples of ``party`` among these sources or recipients."""
    return next(link for link in links if link.party == party).examples


def _citation(act: Activity, cited_as: str):
    return next(s for s in act.statutes if s.cited_as == cited_as)
