"""The shapes of identifiers and values, shared by the document schema and the HTTP parameters.

A slug names a service, controller, activity or shipped vocabulary term; a term slug may also
name a council's own term, namespaced by its controller (``camden:family-hub``).

Each shape is stated once, as a pattern or format the OpenAPI document publishes, and the
server enforces exactly that shape: a date is ``YYYY-MM-DD`` (never a number of seconds), a time
is an RFC 3339 ``date-time`` with its offset, a duration is the ISO 8601 form the register
keeps, and text has no control or bidirectional-override characters.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, time
from typing import Annotated, Any

from pydantic import BeforeValidator, WithJsonSchema

SLUG_PATTERN = r"^[a-z0-9]+(?:[-.][a-z0-9]+)*$"
TERM_PATTERN = r"^(?:[a-z0-9]+(?:-[a-z0-9]+)*:)?[a-z0-9]+(?:[-.][a-z0-9]+)*$"

#: Characters no name or text may contain: the C0 and C1 controls and DEL, and the bidi
#: embeddings, overrides and isolates (U+202A-E, U+2066-9), which make text display differently
#: from what it says. Long text may contain tab and line feed (LONG_TEXT_ALLOWED).
CONTROL_CHARACTERS = r"\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069"
LONG_TEXT_ALLOWED = "\t\n"
#: Long text: no control character but tab and line feed.
TEXT_PATTERN = r"^[^\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]*$"
#: One line of text (a name, a query parameter, a filter): no control characters at all.
LINE_PATTERN = rf"^[^{CONTROL_CHARACTERS}]*$"

_N = r"[0-9]*[1-9][0-9]*"  # a number that is not zero
_Z = r"0+"  # zero
#: An ISO 8601 duration of whole years, months, weeks and days (in that order), not zero:
#: ``P6Y``, ``P18M``, ``P1Y6M``, ``P2W``. Each alternative starts at the first non-zero part.
DURATION_PATTERN = (
    "^P(?:"
    rf"{_N}Y(?:[0-9]+M)?(?:[0-9]+W)?(?:[0-9]+D)?"
    rf"|(?:{_Z}Y)?{_N}M(?:[0-9]+W)?(?:[0-9]+D)?"
    rf"|(?:{_Z}Y)?(?:{_Z}M)?{_N}W(?:[0-9]+D)?"
    rf"|(?:{_Z}Y)?(?:{_Z}M)?(?:{_Z}W)?{_N}D"
    ")$"
)

_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_DATE_TIME = re.compile(
    r"[0-9]{4}-[0-9]{2}-[0-9]{2}[Tt][0-9]{2}:[0-9]{2}:[0-9]{2}(?:\.[0-9]+)?"
    r"(?:[Zz]|[+-][0-9]{2}:[0-9]{2})"
)


def _iso_date(value: Any) -> Any:
    """``YYYY-MM-DD`` (a real calendar date), or a date already parsed (a YAML file's)."""
    if isinstance(value, date) and not isinstance(value, datetime):
        return value
    if isinstance(value, str) and _DATE.fullmatch(value):
        try:
            return date.fromisoformat(value)
        except ValueError as exc:
            raise ValueError(f"'{value}' is not a calendar date") from exc
    raise ValueError("must be a date written YYYY-MM-DD")


def _instant(value: Any) -> Any:
    """An RFC 3339 ``date-time`` (date, time and offset: ``Z`` or ``±hh:mm``), or a date (the
    start of that day, UTC). A time with no offset is ambiguous and refused."""
    if isinstance(value, datetime) and value.tzinfo is not None:
        return value
    if isinstance(value, str) and _DATE.fullmatch(value):
        return datetime.combine(_iso_date(value), time(), tzinfo=UTC)
    if isinstance(value, str) and _DATE_TIME.fullmatch(value):
        try:
            return datetime.fromisoformat(value.upper())
        except ValueError as exc:
            raise ValueError(f"'{value}' is not a valid date and time") from exc
    raise ValueError(
        "must be an RFC 3339 date-time with its offset (2025-01-31T09:00:00Z) or a date"
    )


#: A calendar date, ``YYYY-MM-DD``; numbers (seconds since 1970) are refused.
IsoDate = Annotated[date, BeforeValidator(_iso_date)]
#: An instant: RFC 3339 with its offset, or a date (its start, UTC); a time with no offset, or
#: a number, is refused.
Instant = Annotated[
    datetime,
    BeforeValidator(_instant),
    WithJsonSchema(
        {
            "anyOf": [
                {"type": "string", "format": "date-time"},
                {"type": "string", "format": "date"},
            ]
        }
    ),
]
