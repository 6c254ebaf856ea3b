"""A deterministic synthetic register for the benchmarks (never part of the product).

``--scale 1`` is the five seed notices as they are (``ropa seed load``). ``--scale N`` adds
``N - 1`` synthetic councils per seed notice: each is a copy of that notice whose controllers,
service and GSS codes are renamed (``camden-s007``, ``camden-early-help-s007``, ``E99…``) and
whose activities use a few more terms drawn from the seeds' own vocabularies (so lookups and
filters differ between services). ``--scale 100`` is 500 services and 1,500 activities.

Every document goes through the product's one writer. The seed notices go through
:func:`app.editing.service.import_document`, exactly as ``ropa seed load`` does. The copies go
through the same writer in bulk (``--bulk``, the default): per document, the controllers and
service (:mod:`app.register.service`), a draft and its publication
(:func:`app.register.store.new_draft`, :func:`app.register.store.publish`: the stored
document, index rows, frozen terms, dates in effect, revisions) and its ROPA rows
(:func:`app.exports.service.store_row_sets`), one transaction per 50 documents, without
the publishing checks and the audit event (the copies would publish over their findings
anyway: the seeds' mistakes are kept as written). ``--checked`` imports every copy as
``ropa import`` would (about five times slower).

    python -m bench.synthetic --database-url sqlite:////tmp/ropa-bench/register-100x.db --scale 100

The same ``--seed`` gives the same register, byte for byte.
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import time
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from sqlmodel import Session

ROOT = Path(__file__).resolve().parent.parent
OVERRIDE = "Synthetic benchmark register: copies of the seed notices; the checks report them."


def _terms(vocabulary: Any, vocab: str, today: date) -> list[str]:
    """The shipped (not local, not retired) terms of one vocabulary, in its order."""
    return [
        slug
        for slug, term in vocabulary.terms(vocab).items()
        if ":" not in slug and not term.is_retired(today)
    ]


def _rename(value: Any, renames: dict[str, str]) -> Any:
    """Rename controller-namespaced term slugs (``camden:x`` → ``camden-s007:x``)."""
    if isinstance(value, dict):
        return {k: _rename(v, renames) for k, v in value.items()}
    if isinstance(value, list):
        return [_rename(v, renames) for v in value]
    if isinstance(value, str) and ":" in value:
        owner, _, rest = value.partition(":")
        if owner in renames:
            return f"{renames[owner]}:{rest}"
    return value


def variant(
    template: dict[str, Any],
    copy: int,
    rng: random.Random,
    pools: dict[str, list[str]],
    numbers: dict[str, int],
) -> dict[str, Any]:
    """Copy number ``copy`` (1, 2, …) of a seed document (as JSON data)."""
    tag = f"s{copy:03d}"
    renames = {c["id"]: f"{c['id']}-{tag}" for c in template["controllers"]}
    data: dict[str, Any] = _rename(template, renames)
    for original, controller in zip(template["controllers"], data["controllers"], strict=True):
        number = numbers.setdefault(original["id"], len(numbers))
        controller["id"] = renames[original["id"]]
        controller["name"] = f"{controller['name']} (synthetic {copy})"
        if controller.get("gss_code"):
            controller["gss_code"] = f"E99{copy:03d}{number:03d}"
    service = data["service"]
    service["id"] = f"{service['id']}-{tag}"
    service["controllers"] = [renames[c] for c in service["controllers"]]
    for activity in data["activities"]:
        used = {c["category"] for c in activity.get("data_categories", [])}
        extra = [c for c in rng.sample(pools["data_categories"], 3) if c not in used]
        activity.setdefault("data_categories", []).extend({"category": c} for c in extra)
        parties = {p["party"] for p in activity.get("recipients", [])}
        more = [p for p in rng.sample(pools["parties"], 2) if p not in parties]
        activity.setdefault("recipients", []).extend(
            {"party": p, "data_categories": extra[:1]} for p in more
        )
    return data


def generate(
    database_url: str, scale: int, seed: int = 1, quiet: bool = False, bulk: bool = True
) -> dict[str, Any]:
    """Migrate and fill an empty database; returns what was made."""
    os.environ["ROPA_DATABASE_URL"] = database_url
    from app import migrate
    from app.cli import SEED, SEED_OVERRIDE, _documents
    from app.config import get_settings
    from app.db import make_engine, writer
    from app.editing.service import PublishRequest, import_document
    from app.exports.service import store_row_sets
    from app.register import service as svc
    from app.register import store
    from app.register.current import read_vocabulary
    from app.register.document import NoticeDocument
    from app.register.seeds import read_seed_dir

    get_settings.cache_clear()
    settings = get_settings()
    started = time.perf_counter()
    engine = make_engine(settings, pooled=False)
    migrate.upgrade(engine)
    seeds = read_seed_dir(settings.seed_dir)
    documents = _documents()

    def write(document: NoticeDocument, summary: str, reason: str) -> None:
        request = PublishRequest(
            effective_from=document.notice.effective_from,
            change_summary=document.notice.change_summary or summary,
            override_reason=reason,
        )
        with Session(writer(engine)) as session:
            import_document(
                session=session,
                document=document,
                request=request,
                principal=SEED,
                documents=documents,
            )

    # 1x: what `ropa seed load` does (the vocabularies, then each seed notice)
    with Session(writer(engine)) as session:
        svc.save_terms(session=session, vocabulary=seeds.vocabulary)
        session.commit()
    for document in seeds.documents:
        write(document, "Loaded from the seed", SEED_OVERRIDE)
    today = date.today()
    pools = {v: _terms(seeds.vocabulary, v, today) for v in ("data_categories", "parties")}
    templates = [d.model_dump(mode="json", exclude_none=True) for d in seeds.documents]
    rng = random.Random(seed)
    numbers: dict[str, int] = {}
    made = len(templates)
    activities = sum(len(t["activities"]) for t in templates)
    copies = (
        NoticeDocument.model_validate(variant(template, copy, rng, pools, numbers))
        for copy in range(1, scale)
        for template in templates
    )
    if not bulk:
        for document in copies:
            write(document, "Synthetic", OVERRIDE)
            made += 1
            activities += len(document.activities)
    else:
        with Session(engine) as session:
            vocabulary = read_vocabulary(session=session)
        batch: list[NoticeDocument] = []
        for document in [*copies, None]:
            if document is not None:
                batch.append(document)
                if len(batch) < 50:
                    continue
            if not batch:
                break
            now = datetime.now(UTC)
            with Session(writer(engine)) as session:
                published = []
                for doc in batch:
                    svc.ensure_controllers(session=session, controllers=doc.controllers)
                    svc.save_service(session=session, service=doc.service)
                    version = store.new_draft(
                        session=session,
                        service_id=doc.service.id,
                        document=doc,
                        author=SEED.name,
                        now=now,
                    )
                    store.publish(
                        session=session,
                        version=version,
                        document=doc,
                        vocabulary=vocabulary,
                        effective_from=doc.notice.effective_from or date.today(),
                        change_summary=doc.notice.change_summary or "Synthetic",
                        now=now,
                    )
                    assert version.id is not None
                    published.append(version.id)
                store_row_sets(session=session, documents=documents, version_ids=published)
                session.commit()
            made += len(batch)
            activities += sum(len(d.activities) for d in batch)
            batch = []
            if not quiet:
                print(f"  {made} notices, {activities} activities", file=sys.stderr)
    engine.dispose()
    return {
        "services": made,
        "activities": activities,
        "seconds": round(time.perf_counter() - started, 1),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", required=True, help="an empty database")
    parser.add_argument("--scale", type=int, default=1, help="copies of the seed (1 = the seed)")
    parser.add_argument("--seed", type=int, default=1, help="random seed")
    parser.add_argument(
        "--checked",
        action="store_true",
        help="import every copy with its checks and audit event (slower)",
    )
    args = parser.parse_args()
    made = generate(args.database_url, args.scale, args.seed, bulk=not args.checked)
    print(f"{made['services']} services, {made['activities']} activities in {made['seconds']} s")


if __name__ == "__main__":
    main()
