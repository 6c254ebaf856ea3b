"""Provisions of legislation, as a notice writes them, and their legislation.gov.uk addresses.

Pure: used by the renderer (links), the lookup and the export (provision URIs).
"""

from __future__ import annotations

import re

from app.register.vocabulary import StatuteBase

LEGISLATION_PREFIX = "https://www.legislation.gov.uk/"

_PROVISION_TOKEN = re.compile(
    r"(section|sections|s\.|schedule|part|chapter|paragraph|para|regulation|reg\.|article|art\.)"
    r"\s*(\d+[A-Z]*)((?:\(\w+\))*)",
    re.IGNORECASE,
)
_PROVISION_NAMES = {
    "section": "section",
    "sections": "section",
    "s.": "section",
    "schedule": "schedule",
    "part": "part",
    "chapter": "chapter",
    "paragraph": "paragraph",
    "para": "paragraph",
    "regulation": "regulation",
    "reg.": "regulation",
    "article": "article",
    "art.": "article",
}


def provision_path(provision: str) -> str | None:
    """The legislation.gov.uk path of a provision as written, e.g. "section 17" → /section/17.

    Understands sections, regulations and articles (with sub-divisions in brackets, e.g.
    "section 17(1)(a)"), schedules with a part or a paragraph, and parts with chapters.
    Returns None for anything it cannot read with certainty.
    """
    text = provision.strip()
    tokens = list(_PROVISION_TOKEN.finditer(text))
    if not tokens:
        return None
    leftover = _PROVISION_TOKEN.sub("", text)
    if re.sub(r"[\s,]+", "", leftover):
        return None
    parts: dict[str, str] = {}
    subdivisions = ""
    for m in tokens:
        name = _PROVISION_NAMES[m.group(1).lower()]
        if name in parts:
            return None
        parts[name] = m.group(2).lower()
        if m.group(3):
            subdivisions = "".join(f"/{s}" for s in re.findall(r"\((\w+)\)", m.group(3)))
    for top in ("section", "regulation", "article"):
        if top in parts:
            if len(parts) > 1:
                return None
            return f"/{top}/{parts[top]}{subdivisions}"
    if subdivisions:
        return None
    if "schedule" in parts:
        path = f"/schedule/{parts['schedule']}"
        if "paragraph" in parts:  # schedule paragraphs are numbered through the schedule
            return path + f"/paragraph/{parts['paragraph']}"
        if "part" in parts:
            path += f"/part/{parts['part']}"
        if set(parts) - {"schedule", "part"}:
            return None
        return path
    if "part" in parts:
        path = f"/part/{parts['part']}"
        if "chapter" in parts:
            path += f"/chapter/{parts['chapter']}"
        if set(parts) - {"part", "chapter"}:
            return None
        return path
    return None


def provision_uri(statute: StatuteBase | None, provision: str) -> str | None:
    """The legislation.gov.uk address of a provision of a registry entry, when it can be read
    with certainty."""
    if statute is None or not statute.uri or not statute.uri.startswith(LEGISLATION_PREFIX):
        return None
    path = provision_path(provision)
    return statute.uri.rstrip("/") + path if path else None
