"""Reading a notice's own words: what must not reach public text, and what its prose contains.

Pure functions over strings. The renderer uses :func:`public` to show the council's words
without editing debris (a link with no target, a pointer to numbering the page does not have);
the checks use :func:`debris` to report the same spans, with a patch that removes them. One
function finds them for both, so the text and the findings always agree.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Literal

DebrisKind = Literal["placeholder-link", "cross-reference"]

#: A Markdown link whose target is missing, "#" or a script/blank address.
_PLACEHOLDER_MD = re.compile(
    r"\[(?P<text>[^\[\]\n]{1,300})\]\(\s*(?P<target>#?|javascript:[^)\s]*|about:blank)\s*\)",
    re.IGNORECASE,
)
#: An HTML anchor whose href is missing, "#" or a script/blank address.
_PLACEHOLDER_HTML = re.compile(
    r"<a\b[^>]*?href\s*=\s*[\"']?(?:#|javascript:[^\"'>\s]*|about:blank)?[\"']?[^>]*>"
    r"(?P<text>.{0,300}?)</a>",
    re.IGNORECASE | re.DOTALL,
)
_NUMBERING = r"(?:section|paragraph|para|point|part|question)\s+\d{1,2}[a-z]?"
#: Pointers to the notice's own numbering, which a generated page does not have. A statute's
#: provisions ("section 17 of the Children Act 1989") are not pointers: see _not_a_statute.
_CROSS_REFERENCES = [
    # a sentence that is only a pointer: "This is explained in section 12."
    re.compile(
        r"(?:(?<=^)|(?<=[.!?]\s))(?:this|that|it|these|details|more)\s+(?:is|are|can be found)?\s*"
        rf"(?:explained|described|set\s+out|detailed|listed|covered|given)?\s*(?:in|at|under)\s+"
        rf"{_NUMBERING}(?:\s+(?:above|below))?\s*\.\s*",
        re.IGNORECASE,
    ),
    # a leading clause: "As explained in 5b above, ..."
    re.compile(
        r"(?:(?<=^)|(?<=[.!?]\s))as\s+(?:explained|described|set\s+out|detailed|listed|"
        rf"mentioned|shown)\s+in\s+(?:{_NUMBERING}|\d{{1,2}}[a-z])(?:\s+(?:above|below))?\s*,\s*",
        re.IGNORECASE,
    ),
    re.compile(
        r"(?<![.!?]),?\s*(?:as\s+)?(?:explained|described|set\s+out|detailed|listed|mentioned|shown|"
        rf"outlined|referred\s+to)\s+(?:in|at|under)\s+{_NUMBERING}(?:\s+(?:above|below))?",
        re.IGNORECASE,
    ),
    re.compile(rf"\s*\(\s*(?:see|as\s+in)\s+{_NUMBERING}(?:\s+(?:above|below))?\s*\)", re.I),
    re.compile(rf"\s*\bsee\s+{_NUMBERING}(?:\s+(?:above|below))?", re.IGNORECASE),
    re.compile(
        r"(?<![.!?]),?\s*(?:as\s+)?(?:explained|described|set\s+out|detailed|listed|mentioned|shown)\s+"
        r"in\s+\d{1,2}[a-z]\s+(?:above|below)",
        re.IGNORECASE,
    ),
    re.compile(r"\s*[–-]?\s*\(?\bsee\s+(?:the\s+)?links?\s+(?:above|below)\)?", re.IGNORECASE),
]
_STATUTE_AFTER = re.compile(r"^\s*(?:\([0-9a-z]+\)\s*)*(?:of|to)\s+(?:the\s+)?[A-Z]")


@dataclass(frozen=True)
class Debris:
    kind: DebrisKind
    start: int
    end: int
    #: What replaces the span in public text (a placeholder link keeps its words).
    keep: str

    def quoted(self, text: str) -> str:
        return text[self.start : self.end].strip()


def _not_a_statute(text: str, end: int) -> bool:
    return not _STATUTE_AFTER.match(text[end : end + 80])


def debris(text: str) -> list[Debris]:
    """Placeholder links and cross-references to numbering, in order, not overlapping."""
    found: list[Debris] = []
    for rx in (_PLACEHOLDER_MD, _PLACEHOLDER_HTML):
        found += [
            Debris("placeholder-link", m.start(), m.end(), m.group("text").strip())
            for m in rx.finditer(text)
        ]
    for rx in _CROSS_REFERENCES:
        found += [
            Debris("cross-reference", m.start(), m.end(), "")
            for m in rx.finditer(text)
            if _not_a_statute(text, m.end())
        ]
    found.sort(key=lambda d: (d.start, -d.end))
    out: list[Debris] = []
    for d in found:
        if not out or d.start >= out[-1].end:
            out.append(d)
    return out


def public(text: str) -> str:
    """The council's words as the public sees them: the same text without debris."""
    spans = debris(text)
    if not spans:
        return text
    out, at = [], 0
    for d in spans:
        out.append(text[at : d.start])
        out.append(d.keep)
        at = d.end
        at_start = d.start == 0 or text[: d.start].rstrip().endswith((".", "!", "?"))
        if at_start and d.kind == "cross-reference" and at < len(text):
            rest = text[at:]
            text = text[:at] + rest[:1].upper() + rest[1:]  # the sentence now starts here
    out.append(text[at:])
    cleaned = "".join(out)
    cleaned = re.sub(r"[ \t]+([.,;:])", r"\1", cleaned)  # "listed  ." → "listed."
    return re.sub(r"[ \t]{2,}", " ", cleaned)


# --- what prose contains ---------------------------------------------------------------------

_EMAIL = re.compile(r"(?<![\w.+-])[\w.+-]+@[\w-]+(?:\.[\w-]+)+(?![\w@])")
_URL = re.compile(r"\b(?:https?://|www\.)[^\s<>\"'()\[\]]+[^\s<>\"'()\[\].,;:]", re.IGNORECASE)
_MD_LINK = re.compile(r"\[(?P<text>[^\[\]\n]{1,300})\]\(\s*(?P<url>https?://[^\s)]+)\s*\)")


@dataclass(frozen=True)
class Found:
    kind: Literal["email", "url", "link"]
    start: int
    end: int
    text: str
    target: str


def contacts_and_links(text: str) -> Iterator[Found]:
    """E-mail addresses, web addresses and Markdown links in prose: links first, then e-mail
    and web addresses (sort by ``start`` for reading order)."""
    taken: list[tuple[int, int]] = []
    for m in _MD_LINK.finditer(text):
        taken.append((m.start(), m.end()))
        yield Found("link", m.start(), m.end(), m.group("text"), m.group("url"))

    def free(start: int, end: int) -> bool:
        return all(end <= a or start >= b for a, b in taken)

    for m in _EMAIL.finditer(text):
        if free(m.start(), m.end()):
            taken.append((m.start(), m.end()))
            yield Found("email", m.start(), m.end(), m.group(), "mailto:" + m.group())
    for m in _URL.finditer(text):
        if free(m.start(), m.end()):
            url = m.group()
            yield Found("url", m.start(), m.end(), url, url if "://" in url else "https://" + url)
