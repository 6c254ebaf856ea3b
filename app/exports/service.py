"""Keeping the finished ROPA rows of published versions (:class:`RopaRowSet`)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from sqlalchemy import delete, insert, select
from sqlmodel import Session

from app.exports.models import ROW_SETS, RopaRowSet
from app.exports.ropa import RopaExport, row_fingerprint
from app.register.service import PUBLIC_STATUSES
from app.sharing.service import load_vocab_index, table

#: Versions made per pass: bounds the memory of a pass and the size of its ``IN`` lists.
CHUNK = 1000


def store_row_sets(
    *, session: Session, version_ids: Sequence[int] | None = None, commit: bool = True
) -> int:
    """Make and keep the ROPA rows of published versions; the number of versions done.

    ``version_ids`` names the versions (a version being published, in its transaction: pass
    ``commit=False``; otherwise each chunk of :data:`CHUNK` versions is committed). By
    default: every public version whose kept rows are missing or were made from other
    vocabularies or another row format. Drafts, and versions without frozen blocks, are
    skipped (their rows follow the register, so are not kept).
    """
    conn = session.connection()
    vocab = load_vocab_index(conn)
    fingerprint = row_fingerprint(vocab)
    nv, rs = table("notice_version"), ROW_SETS
    public = select(nv.c.id).where(nv.c.status.in_(PUBLIC_STATUSES))
    if version_ids is not None:
        public = public.where(nv.c.id.in_(list(version_ids)))
    else:
        current = select(rs.c.notice_version_id).where(rs.c.fingerprint == fingerprint)
        public = public.where(nv.c.id.not_in(current))
    ids = list(conn.scalars(public.order_by(nv.c.id)))
    done = 0
    for start in range(0, len(ids), CHUNK):
        chunk = ids[start : start + CHUNK]
        export = RopaExport(conn=conn, vocab=vocab, at=date.today(), version_ids=chunk)
        made = {
            version.id: {
                "notice_version_id": version.id,
                "fingerprint": fingerprint,
                "row_count": version.count,
                "csv_rows": csv_rows,
                "json_rows": json_rows,
            }
            for version, csv_rows, json_rows in export.row_sets(conn)
            if version.storable
        }
        for v in export.versions:  # a version without activities has rows too: none
            if not v.storable:
                continue
            made.setdefault(
                v.id,
                {
                    "notice_version_id": v.id,
                    "fingerprint": fingerprint,
                    "row_count": 0,
                    "csv_rows": "",
                    "json_rows": "",
                },
            )
        conn.execute(delete(rs).where(rs.c.notice_version_id.in_(chunk)))
        if made:
            conn.execute(insert(RopaRowSet), list(made.values()))
        done += len(made)
        if commit:  # a chunk at a time: SQLite's write lock is held for one chunk only
            session.commit()
            conn = session.connection()
    return done
