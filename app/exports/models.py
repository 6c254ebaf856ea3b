"""What the export keeps: the finished ROPA rows of each published notice version."""

from __future__ import annotations

from sqlmodel import Field, SQLModel

from app.register.models import NoticeVersion  # also sets the metadata's naming convention


class RopaRowSet(SQLModel, table=True):
    """The ROPA rows of one published notice version (for its first controller), as CSV lines
    and as JSON objects, with the controller blocks they name.

    A published version never changes, and its rows are made from its own document and the
    vocabulary terms it was published with, so they are made once and copied out by every
    export. Rows of another ``row_format`` than the code's are not used (the export makes
    those rows on the spot): a cache, never the record.
    """

    __tablename__ = "ropa_row_set"

    notice_version_id: int = Field(
        primary_key=True, foreign_key=f"{NoticeVersion.__tablename__}.id", ondelete="CASCADE"
    )
    row_format: int
    row_count: int
    csv_rows: str = Field(description="RFC 4180 lines (CRLF), no header")
    json_rows: str = Field(description="The rows as JSON objects, comma-separated")
    controllers: str = Field(description="The version's controller blocks, as a JSON array")
