"""What the export keeps: the finished ROPA rows of each published notice version."""

from __future__ import annotations

from sqlalchemy import Table
from sqlmodel import Field, SQLModel

from app.register.models import NoticeVersion  # also sets the metadata's naming convention


class RopaRowSet(SQLModel, table=True):
    """The ROPA rows of one published notice version, as CSV lines and as JSON objects.

    A published version never changes (its controller and service blocks are frozen), so its
    rows are made once and the export copies them out. ``fingerprint`` names what else the
    rows were made from (the vocabularies' terms and the row format): rows whose fingerprint
    is not the current one are not used, and the export makes those rows again. A cache,
    never the record: the export is correct without any of these rows.
    """

    __tablename__ = "ropa_row_set"

    notice_version_id: int = Field(
        primary_key=True, foreign_key=f"{NoticeVersion.__tablename__}.id", ondelete="CASCADE"
    )
    fingerprint: str = Field(max_length=64)
    row_count: int
    csv_rows: str = Field(description="RFC 4180 lines (CRLF), no header")
    json_rows: str = Field(description="The rows as JSON objects, comma-separated")


#: The table, for Core queries.
ROW_SETS: Table = SQLModel.metadata.tables[RopaRowSet.__tablename__]
