"""Resolve statute citations, as a notice writes them, against the registry of real instruments.

A notice cites law loosely: "Children's Act 1989 sections 17 and 47", "The Education Act, 1996",
"Education and Skills Act 2008 (ESA 2008)", "Section 11, 21, 157 and 175 of The Education Act
2002". The resolver takes one such citation and the registry (``Vocabulary.statutes``: the real
Acts, statutory instruments, retained EU law and the guidance documents that notices cite) and
says what it names:

``exact``
    the title and year name a registry entry once trivial differences are set aside (case,
    punctuation, a leading "The", "&" for "and", an abbreviation in brackets, the provisions),
    or the citation gives the official number ("SI 2014/1530", "1989 c. 41"), or it is the
    initials of a registered title with its year ("DPA 2018").
``misnamed``
    it names a registry entry only after a correction: a possessive ("Children's Act") or a
    close misspelling of a title of the same year ("Special Education Needs ... Regulations
    2014"). The intended instrument is given.
``nonexistent``
    the title is real but the registry holds every Act of that title (``every_act_of_title``)
    and none of that year: "Equality Act 2005" (there are the Equality Acts 2006 and 2010).
``not_verified``
    the registry cannot place it. That does not mean it does not exist: the registry is not
    the law. ``suggestions`` lists the closest entries.
``ambiguous``
    a title without a year that several Acts share ("the Children Act").
``guidance``
    it names a guidance document or code (statutory or not), which is not legislation; of a
    document with several editions, the edition its year names, else the one in force on the
    date asked about.
``eu_gdpr``
    it names the EU General Data Protection Regulation ("GDPR", "General Data Protection
    Regulation", "Regulation (EU) 2016/679") rather than the UK GDPR. ``statute`` is what it
    names (the EU Regulation); ``suggestions`` holds the UK GDPR.

The rules are generic (normalisation, possessives, edit similarity, initials); nothing here
knows any particular notice's mistakes. The registry is data (``seed/vocab/legislation.yaml``),
with each entry's status in time (in force, repealed, revoked, superseded) and successor.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from difflib import SequenceMatcher
from typing import Literal

from app.register.vocabulary import StatuteBase as StatuteTerm

ResolutionStatus = Literal[
    "exact", "misnamed", "guidance", "eu_gdpr", "ambiguous", "nonexistent", "not_verified"
]
UnknownReason = Literal["no_such_year", "no_year", "no_match"]
#: What the registry cannot place: it may well exist. "nonexistent" is said only where the
#: registry holds every Act of that title (``every_act_of_title``).
UNPLACED: tuple[ResolutionStatus, ...] = ("ambiguous", "nonexistent", "not_verified")
GUIDANCE_KINDS = frozenset({"guidance", "code"})

#: Similarity (difflib ratio of normalised titles) above which a same-year title is taken to be
#: a misspelling of a registered one. Chosen so that one or two letters' difference in a short
#: title ("Childrens Act" / "Children Act": 0.96) or a dropped suffix in a long one
#: ("Special Education Needs ..." / "Special Educational Needs ...": 0.98) match, while
#: different Acts of the same year ("Equality Act" / "Education Act": 0.72) do not.
MISSPELLING_RATIO = 0.85
#: Below this a title is not offered as a suggestion at all.
SUGGESTION_RATIO = 0.6

_YEAR_RE = re.compile(r"(?<!\d)(1[89]\d\d|20\d\d)(?!\d)")
_SI_RE = re.compile(
    r"\bS\.?\s?I\.?\s*(?P<year>\d{4})\s*(?:/|No\.?)\s*(?P<number>\d{1,5})\b", re.IGNORECASE
)
_CHAPTER_RE = re.compile(r"\b(?P<year>\d{4})\s*,?\s*c(?:h(?:apter)?)?\.?\s*(?P<number>\d{1,3})\b")
# An abbreviation in brackets: "(ESA 2008)", "(GDPR)", "(UK GDPR)", "(DLUHC)". Not "(England)"
# or "(Leaving Care)", which are part of titles.
_ABBREVIATION_RE = re.compile(r"\(\s*[A-Z][A-Z&.]*(?:\s+[A-Z][A-Z&.]*)*(?:\s+\d{4})?\s*\)")
_BRACKETED_YEAR_RE = re.compile(r"\(\s*(\d{4})\s*\)")

_EU_GDPR_RE = re.compile(
    r"(?<![A-Za-z])(?:EU\s+)?(?:GDPR|General\s+Data\s+Protection\s+Regulations?)(?![A-Za-z])",
    re.IGNORECASE,
)
_EU_REGULATION_RE = re.compile(r"Regulation\s*\(\s*EU\s*\)\s*(?:No\.?\s*)?2016\s*/\s*679", re.I)
_UK_BEFORE_RE = re.compile(r"\bUK[\s-]*$")
_UK_GDPR_RE = re.compile(r"\bUK[\s-]+(?:GDPR|General\s+Data\s+Protection\s+Regulations?)\b", re.I)

# Provisions. A unit word, then one or more numbers ("17", "17A", "6(1)(e)", "6 (1) (c)").
_UNITS: dict[str, str] = {
    "section": "section",
    "sections": "section",
    "sec": "section",
    "secs": "section",
    "s": "section",
    "ss": "section",
    "schedule": "schedule",
    "schedules": "schedule",
    "sch": "schedule",
    "sched": "schedule",
    "part": "part",
    "parts": "part",
    "pt": "part",
    "chapter": "chapter",
    "chapters": "chapter",
    "paragraph": "paragraph",
    "paragraphs": "paragraph",
    "para": "paragraph",
    "paras": "paragraph",
    "regulation": "regulation",
    "regulations": "regulation",
    "reg": "regulation",
    "regs": "regulation",
    "article": "article",
    "articles": "article",
    "art": "article",
    "arts": "article",
}
# Hierarchy: a unit of a lower rank directly after a single number of a higher one is part of
# the same provision ("schedule 2 part 1", "Schedule 1, Part 3, Paragraph 36").
_RANK = {
    "schedule": 0,
    "part": 1,
    "chapter": 2,
    "section": 3,
    "regulation": 3,
    "article": 3,
    "paragraph": 4,
}
_NUM = r"(?:\d{1,3}[A-Z]{0,2}(?![\d])(?:\s?\(\s?[0-9a-z]{1,4}\s?\))*|(?-i:[IVXL]{1,6})\b)"
_PROVISION_RE = re.compile(
    r"(?<![A-Za-z'’])(?P<unit>sections|section|secs?\.?|ss?\.|ss?(?=\s*\d)|schedules|schedule|"
    r"sched\.?|sch\.?|parts|part|pt\.?|chapters|chapter|paragraphs|paragraph|paras?\.?|"
    r"regulations|regulation|regs?\.?|articles|article|arts?\.?)"
    rf"\s*(?P<nums>{_NUM}(?:\s*(?:,|&|\band\b|\bor\b|\bto\b|-)\s*(?:\band\b\s*)?{_NUM})*)",
    re.IGNORECASE,
)
_NUM_RE = re.compile(_NUM, re.IGNORECASE)

# Words that join a citation's parts but are not part of a title.
_CONNECTORS = frozenset({"the", "of", "and", "or", "under", "in", "to", "see", "per", "with"})
# Words too common in titles to make two titles "about the same thing".
_GENERIC_WORDS = frozenset(
    {"act", "acts", "regulations", "order", "rules", "the", "and", "of", "for", "in", "to"}
)


@dataclass(frozen=True)
class Resolution:
    """What one citation names. ``statute`` is the matched (or, if misnamed, intended) entry."""

    cited_as: str
    status: ResolutionStatus
    statute: StatuteTerm | None = None
    reason: UnknownReason | None = None
    suggestions: tuple[StatuteTerm, ...] = ()
    title: str = ""
    year: int | None = None
    provisions: tuple[str, ...] = ()
    corrections: tuple[str, ...] = ()
    also: tuple[Resolution, ...] = field(default=())
    """Further instruments named in the same citation ("X Act 2017 and the Y Code")."""


# --------------------------------------------------------------------------- normalisation


def _clean(text: str) -> str:
    text = unicodedata.normalize("NFKC", text)
    for a, b in (("’", "'"), ("‘", "'"), ("“", '"'), ("”", '"'), ("–", "-"), ("—", "-")):
        text = text.replace(a, b)
    return re.sub(r"\s+", " ", text).strip()


def _words(text: str, *, drop_possessive: bool) -> list[str]:
    """Lower-case title words: '&' is 'and', punctuation and brackets go."""
    text = text.lower().replace("&", " and ")
    if drop_possessive:
        text = re.sub(r"(?<=[a-z])'s\b", "", text)
        text = re.sub(r"(?<=[a-z]s)'(?![a-z])", "", text)
        text = text.replace("'", "")
    # As written, an apostrophe is part of the word: "Children's" is not "Childrens".
    return [w.lstrip("'") for w in re.findall(r"[a-z0-9']+", text) if w.strip("'")]


def _strip_connectors(words: list[str]) -> list[str]:
    start, end = 0, len(words)
    while start < end and (words[start] in _CONNECTORS or len(words[start]) == 1):
        start += 1
    while end > start and (words[end - 1] in _CONNECTORS or len(words[end - 1]) == 1):
        end -= 1
    return words[start:end]


def _display_title(text: str) -> str:
    words = re.sub(r"[,;:]+", " ", text).split()
    while words and words[0].lower() in _CONNECTORS:
        words.pop(0)
    while words and words[-1].lower() in _CONNECTORS:
        words.pop()
    return " ".join(words)


def _without_year(title: str) -> str:
    return _YEAR_RE.sub(" ", title)


def title_key(title: str, *, drop_possessive: bool = False) -> str:
    """The comparable form of a title.

    'The Children (Leaving Care) Act' → 'children leaving care act'.
    """
    return " ".join(_strip_connectors(_words(title, drop_possessive=drop_possessive)))


def _stems(key: str) -> list[str]:
    """A title key's words without plural endings: "equalities" and "equality" alike."""
    out = []
    for w in key.split():
        if len(w) > 4 and w.endswith("ies"):
            w = w[:-3] + "y"
        elif len(w) > 3 and w.endswith("s") and not w.endswith("ss"):
            w = w[:-1]
        out.append(w)
    return out


def _initials(title: str) -> str:
    words = [
        w
        for w in _words(_without_year(title), drop_possessive=True)
        if w not in {"and", "of", "the", "for"}
    ]
    return "".join(w[0] for w in words)


# --------------------------------------------------------------------------- provisions


def _format_number(raw: str) -> str:
    raw = re.sub(r"\s+", "", raw)
    head = re.match(r"\d+[A-Za-z]*", raw)
    if head is None:  # a roman numeral: "Part III"
        return raw
    return head.group(0).upper() + raw[head.end() :].lower()


def _numbers(nums: str) -> list[str]:
    """'17, 37 and 115' → ['17', '37', '115']; '42 to 47' → ['42 to 47']."""
    found = list(_NUM_RE.finditer(nums))
    out: list[str] = []
    for k, n in enumerate(found):
        value = _format_number(n.group(0))
        gap = nums[found[k - 1].end() : n.start()] if k else ""
        if out and re.fullmatch(r"\s*(?:to|-)\s*", gap, re.IGNORECASE):
            out[-1] = f"{out[-1]} to {value}"
        else:
            out.append(value)
    return out


def _split_provisions(text: str) -> tuple[list[str], str]:
    """Find the provisions in a citation; return them and the text with them removed."""
    matches = list(_PROVISION_RE.finditer(text))
    groups: list[tuple[str, list[str]]] = []  # (unit, numbers) in order
    spans: list[tuple[int, int]] = []
    for m in matches:
        unit = _UNITS[m.group("unit").lower().rstrip(".")]
        numbers = _numbers(m.group("nums"))
        groups.append((unit, numbers))
        spans.append((m.start(), m.end()))

    provisions: list[str] = []
    i = 0
    while i < len(groups):
        unit, numbers = groups[i]
        chain = [f"{unit} {numbers[-1]}"] if numbers else []
        j = i
        while len(groups[j][1]) == 1 and j + 1 < len(groups):
            gap = text[spans[j][1] : spans[j + 1][0]]
            nxt_unit, nxt_numbers = groups[j + 1]
            if len(nxt_numbers) != 1:
                break
            if re.fullmatch(r"[\s,]*", gap) and _RANK[nxt_unit] > _RANK[groups[j][0]]:
                chain.append(f"{nxt_unit} {nxt_numbers[0]}")
            elif re.fullmatch(r"[\s,]*of[\s,]*(?:the\s+)?", gap, re.I) and (
                _RANK[nxt_unit] < _RANK[groups[j][0]]
            ):
                chain.insert(0, f"{nxt_unit} {nxt_numbers[0]}")
            else:
                break
            j += 1
        if j > i:
            provisions.append(" ".join(chain))
        else:
            provisions.extend(f"{unit} {n}" for n in numbers)
        i = j + 1

    remaining = text
    for start, end in reversed(spans):
        remaining = remaining[:start] + " " + remaining[end:]
    return provisions, remaining


def parse_provisions(cited_as: str) -> list[str]:
    """The provisions a citation names, e.g. ['section 17', 'section 47', 'schedule 2 part 1']."""
    return _split_provisions(_clean(cited_as))[0]


# --------------------------------------------------------------------------- EU GDPR


def mentions_eu_gdpr(text: str) -> bool:
    """Whether the text names the EU GDPR: "GDPR" or "General Data Protection Regulation" not
    qualified as the UK's, or "Regulation (EU) 2016/679".

    Where the same text also names the UK GDPR, its bare "GDPR" is read as shorthand for it.
    """
    text = _clean(text)
    if _EU_REGULATION_RE.search(text):
        return True
    if _UK_GDPR_RE.search(text):
        return bool(re.search(r"\bEU\s+GDPR\b|\bEU\s+General\s+Data", text, re.I))
    return any(not _UK_BEFORE_RE.search(text[: m.start()]) for m in _EU_GDPR_RE.finditer(text))


# --------------------------------------------------------------------------- resolver


@dataclass(frozen=True)
class _Entry:
    term: StatuteTerm
    strict: str  # title key as written
    loose: str  # possessives dropped
    year: int | None  # None: an alias without a year (matches any citation year)


class Resolver:
    """A citation resolver over one registry. Build once, call :meth:`resolve` many times."""

    def __init__(self, registry: Sequence[StatuteTerm]) -> None:
        self.registry = list(registry)
        self._entries: list[_Entry] = []
        for term in self.registry:
            bare = _without_year(term.title)
            # An instrument known by a title without its year ("UK General Data Protection
            # Regulation") is cited without one too.
            year = term.year if _YEAR_RE.search(term.title) else None
            self._entries.append(
                _Entry(term, title_key(bare), title_key(bare, drop_possessive=True), year)
            )
            for alias in term.aliases:
                alias_text = _clean(alias)
                m = _YEAR_RE.search(alias_text)
                alias_title = _without_year(alias_text)
                self._entries.append(
                    _Entry(
                        term,
                        title_key(alias_title),
                        title_key(alias_title, drop_possessive=True),
                        int(m.group(1)) if m else None,
                    )
                )
        # The EU GDPR as the EU has it (no legislation.gov.uk type), and the UK GDPR (type
        # "eur": retained EU law as amended), which is what applies in the UK today.
        eu = [t for t in self.registry if t.kind == "eu_regulation"]
        self._uk_gdpr = next((t for t in eu if t.legislation_type == "eur"), None)
        self._eu_gdpr = next((t for t in eu if t.legislation_type is None), self._uk_gdpr)
        # Titles that name another instrument with its year ("The Children Act 1989
        # Representations Procedure (England) Regulations 2006"): keyed by the words before
        # their own (last) year, earlier years kept.
        self._embedded: dict[tuple[str, int], StatuteTerm] = {}
        for term in self.registry:
            for title in (term.title, *term.aliases):
                years = list(_YEAR_RE.finditer(_clean(title)))
                if len(years) >= 2:
                    last = years[-1]
                    key = title_key(_clean(title)[: last.start()], drop_possessive=True)
                    self._embedded.setdefault((key, int(last.group(1))), term)

    # -- helpers

    def _by_number(self, legislation_type: str, year: int, number: int) -> StatuteTerm | None:
        return next(
            (
                t
                for t in self.registry
                if t.legislation_type == legislation_type and t.year == year and t.number == number
            ),
            None,
        )

    @staticmethod
    def _year_ok(entry: _Entry, year: int | None) -> bool:
        if entry.term.kind in GUIDANCE_KINDS:
            # an edition's year, or a year its title names ("Mental Health Act 1983: Code of
            # Practice" cited with 1983 names the code, whichever edition)
            return year is None or entry.term.year == year or str(year) in entry.term.title
        if entry.year is None:
            return True
        return entry.year == year

    def edition(self, terms: Sequence[StatuteTerm], on: date | None) -> StatuteTerm:
        """Of several editions of one document, the one in force on ``on`` (default: the
        newest): the latest edition published by then that had not been superseded."""
        ordered = sorted(terms, key=lambda t: t.year or 0)
        if on is None:
            return ordered[-1]
        current = [
            t
            for t in ordered
            if (t.year or 0) <= on.year and (t.status_date is None or t.status_date > on)
        ]
        return current[-1] if current else ordered[0]

    def _one(self, terms: list[StatuteTerm], on: date | None) -> StatuteTerm | None:
        """The single instrument these entries name, or one edition of one document."""
        if len(terms) == 1:
            return terms[0]
        works = {t.work for t in terms}
        if len(works) == 1 and None not in works:
            return self.edition(terms, on)
        return None

    def _unique(self, entries: Iterable[_Entry]) -> list[StatuteTerm]:
        seen: dict[str, StatuteTerm] = {}
        for e in entries:
            seen.setdefault(e.term.slug, e.term)
        return list(seen.values())

    def _status_for(self, term: StatuteTerm, corrected: bool) -> ResolutionStatus:
        if term.kind in GUIDANCE_KINDS:
            return "guidance"
        return "misnamed" if corrected else "exact"

    def family_complete(self, loose_title: str) -> bool:
        """Whether the registry holds every Act of this title (without its year)."""
        return any(
            e.term.every_act_of_title for e in self._entries if e.loose == loose_title and e.year
        )

    def _suggest(self, loose: str, year: int | None) -> list[StatuteTerm]:
        """Real instruments close to an unknown citation: same title in other years (nearest
        year first), else titles that share its distinctive words or read alike."""
        same_title = [
            e
            for e in self._entries
            if e.loose == loose and e.term.kind not in GUIDANCE_KINDS and e.year
        ]
        if same_title:
            terms = self._unique(same_title)
            return sorted(
                terms, key=lambda t: (abs((t.year or 0) - year) if year else 0, t.year or 0)
            )[:3]
        words = set(loose.split()) - _GENERIC_WORDS
        scored: list[tuple[float, StatuteTerm]] = []
        for e in self._entries:
            other = set(e.loose.split()) - _GENERIC_WORDS
            overlap = len(words & other) / len(words | other) if words and other else 0.0
            ratio = SequenceMatcher(None, loose, e.loose).ratio()
            score = max(overlap, ratio)
            if overlap >= 0.5 or ratio >= SUGGESTION_RATIO:
                bonus = 0.1 if year is not None and e.term.year == year else 0.0
                scored.append((score + bonus, e.term))
        scored.sort(key=lambda s: (-s[0], s[1].title, s[1].year or 0))
        return self._unique_terms(t for _, t in scored)[:3]

    @staticmethod
    def _unique_terms(terms: Iterable[StatuteTerm]) -> list[StatuteTerm]:
        seen: dict[str, StatuteTerm] = {}
        for t in terms:
            seen.setdefault(t.slug, t)
        return list(seen.values())

    # -- main

    def resolve(self, cited_as: str, on: date | None = None) -> Resolution:
        """What ``cited_as`` names; a document with several editions resolves to the edition
        the citation's year names, else the one in force on ``on``."""
        return self._resolve(cited_as, allow_also=True, on=on)

    def _resolve(
        self,
        cited_as: str,
        *,
        allow_also: bool,
        allow_tail: bool = True,
        on: date | None = None,
    ) -> Resolution:
        text = _clean(cited_as)
        corrections: list[str] = []

        # Official numbers: "SI 2014/1530", "1989 c. 41".
        by_number: StatuteTerm | None = None
        for rx, kind in ((_SI_RE, "uksi"), (_CHAPTER_RE, "ukpga")):
            m = rx.search(text)
            if m:
                by_number = self._by_number(kind, int(m.group("year")), int(m.group("number")))
                text = text[: m.start()] + " " + m.group("year") + " " + text[m.end() :]
                if by_number is not None:
                    break

        numbered = by_number is not None
        eu_numbered = bool(_EU_REGULATION_RE.search(text))
        eu_named = eu_numbered or (mentions_eu_gdpr(text) and not _UK_GDPR_RE.search(text))
        text = _EU_REGULATION_RE.sub(" ", text)
        text = _BRACKETED_YEAR_RE.sub(r" \1 ", text)
        text = _ABBREVIATION_RE.sub(" ", text)
        # A title that contains words like a provision ("The Health Protection (Part 2A
        # Orders) Regulations 2010"), cited exactly.
        whole_year = _YEAR_RE.findall(text)
        if by_number is None and len(whole_year) == 1:
            whole_key = title_key(_without_year(text))
            titled = [
                e
                for e in self._entries
                if e.strict == whole_key
                and e.term.kind not in GUIDANCE_KINDS
                and self._year_ok(e, int(whole_year[0]))
            ]
            if len(self._unique(titled)) == 1 and _PROVISION_RE.search(text):
                by_number = titled[0].term
        with_provisions = text
        provisions, text = _split_provisions(text)

        m = _YEAR_RE.search(text)
        year = int(m.group(1)) if m else None
        title_text = text[: m.start()] if m else text
        remainder = text[m.end() :] if m else ""
        strict = title_key(title_text)
        loose = title_key(title_text, drop_possessive=True)
        display_title = _display_title(title_text) or strict

        def done(
            status: ResolutionStatus,
            statute: StatuteTerm | None = None,
            reason: UnknownReason | None = None,
            suggestions: Iterable[StatuteTerm] = (),
        ) -> Resolution:
            return Resolution(
                cited_as=cited_as,
                status=status,
                statute=statute,
                reason=reason,
                suggestions=tuple(suggestions),
                title=display_title,
                year=year,
                provisions=tuple(provisions),
                corrections=tuple(corrections),
                also=self._also(remainder, on) if allow_also else (),
            )

        if by_number is not None:
            # The number decides which instrument; a title written beside it that is not one
            # of that instrument's names ("Local Safeguarding Children & Adults Boards
            # Regulations 2006 (SI 2006/90)") makes the citation misnamed.
            names = {
                k
                for e in self._entries
                if e.term.slug == by_number.slug
                for k in (e.strict, e.loose)
            }
            named_otherwise = (
                numbered and bool(loose) and strict not in names and loose not in names
            )
            return done(self._status_for(by_number, named_otherwise), statute=by_number)

        # The EU GDPR: its title, its abbreviation, or the EU regulation number.
        if eu_numbered or (
            eu_named and (not strict or "gdpr" in strict or "general data protection" in strict)
        ):
            return done(
                "eu_gdpr",
                statute=self._eu_gdpr,
                suggestions=(self._uk_gdpr,) if self._uk_gdpr is not None else (),
            )

        if not strict:
            return done("not_verified", reason="no_match")

        # A title that names another instrument with its year, cited whole.
        years = list(_YEAR_RE.finditer(text))
        if len(years) >= 2:
            last = years[-1]
            key = title_key(text[: last.start()], drop_possessive=True)
            embedded = self._embedded.get((key, int(last.group(1))))
            if embedded is not None:
                year = int(last.group(1))
                remainder = text[last.end() :]
                return done(self._status_for(embedded, False), statute=embedded)

        # 0. A guidance document whose title includes an Act's name and year ("Mental Health
        #    Act 1983: Code of Practice", "Working Together to Safeguard Children 2023").
        wholes = {
            title_key(_without_year(t), drop_possessive=True) for t in (text, with_provisions)
        }
        cited_years = {int(y) for y in _YEAR_RE.findall(text)}

        def edition_year_ok(term: StatuteTerm) -> bool:
            # the years cited that the title does not contain name the edition
            edition = {y for y in cited_years if str(y) not in term.title}
            return not edition or edition == {term.year}

        guidance = [
            e
            for e in self._entries
            if e.term.kind in GUIDANCE_KINDS and e.loose in wholes and edition_year_ok(e.term)
        ]
        if guidance and (edition := self._one(self._unique(guidance), on)) is not None:
            remainder = ""
            if title_key(_without_year(with_provisions), drop_possessive=True) == guidance[0].loose:
                provisions = []  # the "provisions" were words of the title
            return done("guidance", statute=edition)

        # 1. The title as written (case, punctuation, "The", "&" set aside).
        exact = [e for e in self._entries if e.strict == strict and self._year_ok(e, year)]
        if exact and (found := self._one(self._unique(exact), on)) is not None:
            return done(self._status_for(found, False), statute=found)

        # 2. Initials of a registered title, with its year ("DPA 2018").
        if " " not in strict and year is not None and len(strict) >= 2:
            by_initials = [
                t
                for t in self.registry
                if t.kind not in GUIDANCE_KINDS and t.year == year and _initials(t.title) == strict
            ]
            if len(by_initials) == 1:
                return done("exact", statute=by_initials[0])

        # 3. Possessives read as the plain word ("Children's Act" → "Children Act").
        if loose != strict:
            possessive = [e for e in self._entries if e.loose == loose and self._year_ok(e, year)]
            if possessive and (found := self._one(self._unique(possessive), on)) is not None:
                corrections.append(f"possessive read as plain word: '{display_title}'")
                return done(self._status_for(found, True), statute=found)

        # A real title cited without a year, or with a year it does not have.
        same_title = [
            e for e in self._entries if e.loose == loose and e.term.kind not in GUIDANCE_KINDS
        ]
        if year is None and same_title:
            terms = self._unique(same_title)
            if len(terms) == 1 and self.family_complete(loose):
                corrections.append(f"no year: the only {terms[0].title}")
                return done("exact", statute=terms[0])
            return done(
                "ambiguous",
                reason="no_year",
                suggestions=tuple(sorted(terms, key=lambda t: t.year or 0)),
            )
        if same_title:
            return done(
                "nonexistent" if self.family_complete(loose) else "not_verified",
                reason="no_such_year",
                suggestions=tuple(self._suggest(loose, year)),
            )

        # 4. A close misspelling of a title of the same year (or of a guidance title).
        close: list[tuple[float, StatuteTerm]] = []
        for e in self._entries:
            if not self._year_ok(e, year) or (
                year is None and e.year is not None and e.term.kind not in GUIDANCE_KINDS
            ):
                continue
            if len(e.loose.split()) != len(loose.split()):
                continue  # a misspelling, not a missing or extra word
            same_stems = _stems(loose) == _stems(e.loose)  # "Equalities Act" / "Equality Act"
            ratio = 1.0 if same_stems else SequenceMatcher(None, loose, e.loose).ratio()
            if ratio >= MISSPELLING_RATIO:
                close.append((ratio, e.term))
        if close:
            close.sort(key=lambda c: -c[0])
            best_ratio, best = close[0]
            runner_up = next((r for r, t in close[1:] if t.slug != best.slug), None)
            if runner_up is None or best_ratio - runner_up > 0.02:
                corrections.append(f"read as '{best.title}' ({best_ratio:.2f} similar)")
                return done(self._status_for(best, True), statute=best)

        # 5. A part of an Act described by name: "The Public Service Delivery chapter of the
        #    Digital Economy Act 2017". Resolve what follows the last "of (the)".
        of = list(re.finditer(r"\bof\s+(?:the\s+)?", title_text, re.IGNORECASE))
        if allow_tail and of:
            head, tail = title_text[: of[-1].start()], title_text[of[-1].end() :]
            if len(title_key(tail).split()) >= 2:
                named = self._resolve(
                    f"{tail} {year}" if year else tail, allow_also=False, allow_tail=False, on=on
                )
                if named.status not in UNPLACED:
                    provisions.append(_display_title(head))
                    corrections.extend(named.corrections)
                    return done(named.status, statute=named.statute)

        return done(
            "not_verified",
            reason="no_year" if year is None else "no_match",
            suggestions=tuple(self._suggest(loose, year)),
        )

    def _also(self, remainder: str, on: date | None) -> tuple[Resolution, ...]:
        words = _strip_connectors(_words(remainder, drop_possessive=False))
        if len(words) < 2:
            return ()
        extra = self._resolve(remainder, allow_also=False, on=on)
        return (extra,) if extra.status not in UNPLACED else ()


def resolve_citation(cited_as: str, registry: Sequence[StatuteTerm]) -> Resolution:
    """Resolve one citation against a registry (builds a :class:`Resolver`; reuse one for many)."""
    return Resolver(registry).resolve(cited_as)
