"""The checks that need no structure: what any notice's running text says.

Each function reads one string and returns :class:`Hit` objects with character offsets into
it, the text quoted, a message and, where the fix is mechanical, the words that should replace
the span. The document checks (:mod:`app.notices.checks`) run them over every prose field of a
notice document; ``POST /v1/checks/text`` and ``ropa check-text`` run them over a whole notice
as published (HTML, Markdown or plain text), so a council can check its notices before
normalising any of them. Pure: no database, no HTTP, no clock (``today`` is a parameter).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from html.parser import HTMLParser

import phonenumbers
from email_validator import EmailNotValidError, validate_email

from app.notices.legislation import Resolution, Resolver, mentions_eu_gdpr
from app.notices.text import debris
from app.register.vocabulary import PartyBase, StatuteBase, Vocabulary

UK_GDPR_FROM = date(2021, 1, 1)


@dataclass(frozen=True)
class Hit:
    rule: str
    start: int
    end: int
    quote: str
    message: str
    suggestion: str | None = None
    #: The words that should replace the span (a mechanical fix), if any.
    replacement: str | None = None


# --- EU GDPR ---------------------------------------------------------------------------------

_GDPR = re.compile(
    r"(?<![A-Za-z])(?:the\s+)?(?:EU\s+)?(?:General\s+Data\s+Protection\s+Regulations?"
    r"(?:\s*\(\s*GDPR\s*\))?(?:\s*\(?\s*(?:2016|\(EU\)\s*2016/679)\s*\)?)?|GDPR)(?![A-Za-z])",
    re.IGNORECASE,
)
_UK_BEFORE = re.compile(r"\bUK[\s-]*$", re.IGNORECASE)


def eu_gdpr(text: str, today: date) -> list[Hit]:
    """Mentions of the GDPR not qualified as the UK's, after 2020."""
    if today < UK_GDPR_FROM or not mentions_eu_gdpr(text):
        return []
    hits = []
    for m in _GDPR.finditer(text):
        if _UK_BEFORE.search(text[: m.start()]):
            continue
        hits.append(
            Hit(
                "citation.eu-gdpr",
                m.start(),
                m.end(),
                m.group(),
                "names the GDPR without saying UK; since 1 January 2021 the law is the UK GDPR.",
                suggestion="UK GDPR",
                replacement="the UK GDPR" if m.group().lower().startswith("the ") else "UK GDPR",
            )
        )
    return hits


# --- bodies renamed, abolished or misnamed ---------------------------------------------------


def in_force_on(vocabulary: Vocabulary, term: PartyBase, today: date) -> PartyBase | None:
    """The body that carries on ``term``'s work on ``today``: follow its replacements, but
    never to a body that had itself been replaced by then (nor to one not yet in being)."""
    chain = replacements(vocabulary, term, today)
    return chain[-1][1] if chain else None


def replacements(
    vocabulary: Vocabulary, term: PartyBase, today: date
) -> list[tuple[date, PartyBase]]:
    """Each replacement of ``term`` that had happened by ``today``, in order."""
    out: list[tuple[date, PartyBase]] = []
    seen = {term.slug}
    current = term
    while current.replaced_by and current.replaced_on is not None and current.replaced_on <= today:
        successor = vocabulary.party(current.replaced_by)
        if successor is None or successor.slug in seen:
            break
        seen.add(successor.slug)
        out.append((current.replaced_on, successor))
        current = successor
    return out


def renamed(vocabulary: Vocabulary, term: PartyBase, today: date) -> tuple[str, PartyBase | None]:
    """What to say of a body named under a name it no longer had on ``today``, and the body
    in being on that day."""
    chain = replacements(vocabulary, term, today)
    if not chain:
        return f"{term.name} no longer exists, and the register names no successor.", None
    steps = [f"replaced on {chain[0][0].isoformat()} by {chain[0][1].name}"]
    steps += [f"itself replaced on {d.isoformat()} by {t.name}" for d, t in chain[1:]]
    return f"{term.name} no longer exists under that name: {', '.join(steps)}.", chain[-1][1]


def _name_pattern(name: str) -> str:
    words = [re.escape(w) for w in re.findall(r"[\w'’]+|&", name)]
    joined = r"[\s,]+".join(w if w != "&" else r"(?:&|and)" for w in words)
    return rf"(?<![\w-]){joined}s?(?![\w-])"


def _bodies(vocabulary: Vocabulary) -> tuple[tuple[re.Pattern[str], PartyBase, bool], ...]:
    """For each replaced body, a pattern of its names; for each body of three words or more,
    a pattern of its name with "of"/"for" swapped (a common misnaming)."""
    out = []
    for term in vocabulary.parties.values():
        if term.replaced_by and term.replaced_on:
            names = [term.name, *term.aliases]
            alts = "|".join(_name_pattern(n) for n in names if len(n) >= 2)
            out.append((re.compile(alts, re.IGNORECASE if len(term.name) > 5 else 0), term, False))
        if term.kind == "organisation" and len(term.name.split()) >= 3:
            swapped = re.sub(
                r"\b(of|for)\b", lambda m: "for" if m.group(1) == "of" else "of", term.name
            )
            if swapped != term.name:
                out.append((re.compile(_name_pattern(swapped), re.IGNORECASE), term, True))
    return tuple(out)


def bodies(text: str, vocabulary: Vocabulary, today: date) -> list[Hit]:
    """Bodies named under a name they no longer had on ``today``, and misnamed ones."""
    hits: list[Hit] = []
    for pattern, term, misnamed in vocabulary.memo("bodies", lambda: _bodies(vocabulary)):
        for m in pattern.finditer(text):
            if misnamed:
                hits.append(
                    Hit(
                        "staleness.misnamed-body",
                        m.start(),
                        m.end(),
                        m.group(),
                        f"'{m.group()}' is not the body's name: it is {_the(term.name)}.",
                        suggestion=term.name,
                        replacement=term.name,
                    )
                )
                continue
            if term.replaced_on is None or term.replaced_on > today:
                continue
            message, successor = renamed(vocabulary, term, today)
            hits.append(
                Hit(
                    "staleness.renamed-body",
                    m.start(),
                    m.end(),
                    m.group(),
                    message,
                    suggestion=successor.name if successor else None,
                    replacement=successor.name if successor else None,
                )
            )
    return _first_of_overlaps(hits)


def _the(name: str) -> str:
    """A name with "the" before it, unless it has one."""
    return name if name.lower().startswith("the ") else f"the {name}"


def _first_of_overlaps(hits: list[Hit]) -> list[Hit]:
    hits = sorted(hits, key=lambda h: (h.start, -(h.end - h.start)))
    out: list[Hit] = []
    for h in hits:
        if not out or h.start >= out[-1].end:
            out.append(h)
    return out


# --- contacts --------------------------------------------------------------------------------

_PHONE = re.compile(r"(?<![\w/])(?:\+44\s?\(?0?\)?\s?|\(?0)\d[\d\s()\-]{7,16}\d(?![\w/])")
_EMAIL = re.compile(r"(?<![\w.+-])[\w.+'-]+@[\w-]+(?:\.[\w-]+)*(?![\w@-])")


def bad_phone(candidate: str) -> bool:
    try:
        number = phonenumbers.parse(candidate, "GB")
    except phonenumbers.NumberParseException:
        return True
    return not phonenumbers.is_valid_number(number)


def phones(text: str) -> list[Hit]:
    return [
        Hit(
            "contact.phone",
            m.start(),
            m.end(),
            m.group().strip(),
            f"'{m.group().strip()}' is not a valid UK phone number.",
        )
        for m in _PHONE.finditer(text)
        if bad_phone(m.group())
    ]


def bad_email(value: str) -> str | None:
    try:
        validate_email(value, check_deliverability=False)
    except EmailNotValidError as exc:
        return str(exc)
    return None


def emails(text: str) -> list[Hit]:
    out = []
    for m in _EMAIL.finditer(text):
        why = bad_email(m.group().rstrip("."))
        if why:
            out.append(
                Hit(
                    "contact.email",
                    m.start(),
                    m.end(),
                    m.group(),
                    f"'{m.group()}' is not a valid email address: {why}",
                )
            )
    return out


# --- debris ----------------------------------------------------------------------------------


def placeholders_and_references(text: str) -> list[Hit]:
    out = []
    for d in debris(text):
        quote = d.quoted(text)
        if d.kind == "placeholder-link":
            out.append(
                Hit(
                    "text.placeholder-link",
                    d.start,
                    d.end,
                    quote,
                    f"'{quote}' is a link with no address.",
                    suggestion="Give the link its address, or remove the link.",
                    replacement=d.keep,
                )
            )
        else:
            out.append(
                Hit(
                    "text.cross-reference",
                    d.start,
                    d.end,
                    quote,
                    f"'{quote}' points to numbering the published notice does not have.",
                    suggestion="Remove the pointer, or name what it points to.",
                    replacement="",
                )
            )
    return out


# --- citations in running prose --------------------------------------------------------------

_TITLE_WORD = r"(?:[A-Z][\w'’()\-]*|of|and|the|for|to|in|on|with|&|\(\w[\w ]*\))"
_CITATION = re.compile(
    r"(?:(?:section|s\.|sections|part|schedule|regulation|article)s?\s+[\dA-Z()]+"
    r"(?:\s*(?:,|and|&|or)\s*[\dA-Z()]+)*\s+(?:of\s+)?)?"
    rf"(?:the\s+)?{_TITLE_WORD}(?:[\s,]+{_TITLE_WORD}){{0,12}}?\s+"
    r"(?:Act|Acts|Regulations?|Order|Rules|Code of Practice|Measure)"
    r"(?:\s*,?\s*\(?\d{4}\)?)"
    r"(?:\s*(?:,\s*)?(?:s\.|ss\.|section|sections|part|schedule)\s*[\dA-Z()]+"
    r"(?:\s*(?:,|and|&)\s*[\dA-Z()]+)*)?",
)


def find_citations(text: str) -> Iterator[tuple[int, int, str]]:
    """Citations of Acts and instruments in running prose, with their provisions."""
    for m in _CITATION.finditer(text):
        cited = m.group().strip(" ,")
        start = m.start() + m.group().index(cited)
        if re.search(r"\d{4}", cited):
            yield start, start + len(cited), cited


def _guidance_titles(vocabulary: Vocabulary) -> tuple[tuple[re.Pattern[str], StatuteBase], ...]:
    found: dict[str, StatuteBase] = {}
    for t in vocabulary.statutes.values():
        if t.kind in ("guidance", "code") and len(t.name) > 12:
            found.setdefault(t.name.lower(), t)
    return tuple(
        (re.compile(re.escape(name) + r"(?:\s*\(?\d{4}\)?)?", re.IGNORECASE), t)
        for name, t in found.items()
    )


def citations(text: str, vocabulary: Vocabulary, today: date) -> list[Hit]:
    """Each citation in the prose, resolved against the registry (see :func:`judge`)."""
    resolver: Resolver = vocabulary.memo(
        "resolver", lambda: Resolver(list(vocabulary.statutes.values()))
    )
    spans = list(find_citations(text))
    spans += [
        (m.start(), m.end(), m.group())
        for pattern, _ in vocabulary.memo("guidance-titles", lambda: _guidance_titles(vocabulary))
        for m in pattern.finditer(text)
    ]
    hits = []
    for start, end, cited in spans:
        for r in judge(resolver.resolve(cited, on=today), today, kind_as_cited="law"):
            hits.append(
                Hit(
                    r.rule,
                    start,
                    end,
                    cited,
                    r.message,
                    suggestion=r.suggestion,
                    replacement=r.replacement,
                )
            )
    return _first_of_overlaps(hits)


@dataclass(frozen=True)
class Verdict:
    rule: str
    message: str
    suggestion: str | None = None
    #: The citation as it should read (a mechanical fix).
    replacement: str | None = None
    #: The registry entry the citation names (or, misnamed, should name).
    statute: StatuteBase | None = None


def judge(r: Resolution, today: date, *, kind_as_cited: str) -> list[Verdict]:
    """What to say of one resolved citation (and of any further instrument it names)."""
    out: list[Verdict] = []
    for one in (r, *r.also):
        out += _judge_one(one, today, kind_as_cited)
    return out


def _names(terms: tuple[StatuteBase, ...]) -> str:
    return " or ".join(
        t.title + (f" {t.year}" if t.year and str(t.year) not in t.title else "") for t in terms
    )


def _judge_one(r: Resolution, today: date, kind_as_cited: str) -> list[Verdict]:
    cited, term = r.cited_as, r.statute
    if r.status == "nonexistent":
        return [
            Verdict(
                "citation.nonexistent",
                f"'{cited}': there is no {r.title} of {r.year}"
                + (f"; did you mean the {_names(r.suggestions)}?" if r.suggestions else "."),
                suggestion=r.suggestions[0].title if len(r.suggestions) == 1 else None,
            )
        ]
    if r.status == "not_verified":
        return [
            Verdict(
                "citation.not-verified",
                f"'{cited}' is not in the legislation registry, so it could not be verified"
                + (f" (closest: {_names(r.suggestions)})." if r.suggestions else "."),
            )
        ]
    if r.status == "ambiguous":
        return [
            Verdict(
                "citation.ambiguous",
                f"'{cited}' gives no year, so it does not say which instrument it means"
                + (f": {_names(r.suggestions)}." if r.suggestions else "."),
            )
        ]
    out: list[Verdict] = []
    if r.status == "eu_gdpr" and today >= UK_GDPR_FROM:
        out.append(
            Verdict(
                "citation.eu-gdpr",
                f"'{cited}' names the EU GDPR; since 1 January 2021 the law is the UK GDPR.",
                suggestion="UK GDPR",
                replacement="UK GDPR",
                statute=r.suggestions[0] if r.suggestions else term,
            )
        )
    if r.status == "misnamed" and term is not None:
        right = term.title + "".join(f" {p}" for p in r.provisions)
        out.append(
            Verdict(
                "citation.misnamed",
                f"'{cited}' names no instrument as written; it is presumably {_the(term.title)}.",
                suggestion=term.title,
                replacement=right,
                statute=term,
            )
        )
    if r.status == "guidance" and term is not None and kind_as_cited == "law":
        publisher = f" ({term.publisher})" if term.publisher else ""
        out.append(
            Verdict(
                "citation.guidance-as-law",
                f"'{cited}' is cited as legislation, but '{term.title}'{publisher} is "
                f"{'a code of practice' if term.kind == 'code' else 'guidance'}, not law.",
                suggestion="List it separately as guidance, or cite the Act it is issued under.",
                statute=term,
            )
        )
    if (
        term is not None
        and term.status != "in_force"
        and (term.status_date is None or term.status_date <= today)
    ):
        out.append(_no_longer(cited, term))
    return out


def _no_longer(cited: str, term: StatuteBase) -> Verdict:
    what = {
        "repealed": "was repealed",
        "revoked": "was revoked",
        "superseded": "was superseded",
        "withdrawn": "was withdrawn",
    }[term.status]
    when = f" on {term.status_date.isoformat()}" if term.status_date else ""
    name = _the(term.title)
    if term.kind in ("guidance", "code") and term.year:
        name = f"the {term.year} edition of {term.title}"
    return Verdict(
        "citation.no-longer-in-force",
        f"'{cited}': {name} {what}{when}"
        + (f"; it was replaced by {term.successor}." if term.successor else "."),
        suggestion=term.successor,
        statute=term,
    )


# --- any text --------------------------------------------------------------------------------


def prose_hits(text: str, vocabulary: Vocabulary, today: date) -> list[Hit]:
    """Every structure-free check on one piece of prose (citations aside: a notice document
    holds its citations as data)."""
    return (
        eu_gdpr(text, today)
        + bodies(text, vocabulary, today)
        + phones(text)
        + emails(text)
        + placeholders_and_references(text)
    )


class _TextOf(HTMLParser):
    """The text of an HTML document, with the offset in the source of each character."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=False)
        self.chars: list[str] = []
        self.offsets: list[int] = []
        self._skip = 0

    def _add(self, text: str, at: int) -> None:
        self.chars.append(text)
        self.offsets += [at + i for i in range(len(text))] if len(text) > 1 else [at]

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("script", "style"):
            self._skip += 1
        elif tag in ("p", "br", "li", "div", "h1", "h2", "h3", "h4", "tr", "section"):
            self._add("\n", self._pos())

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style"):
            self._skip = max(0, self._skip - 1)

    def handle_data(self, data: str) -> None:
        if not self._skip:
            self._add(data, self._pos())

    def handle_entityref(self, name: str) -> None:
        from html import unescape

        self._add(unescape(f"&{name};"), self._pos())

    def handle_charref(self, name: str) -> None:
        from html import unescape

        self._add(unescape(f"&#{name};"), self._pos())

    def _pos(self) -> int:
        line, column = self.getpos()
        return self._line_starts[line - 1] + column

    def read(self, source: str) -> tuple[str, list[int]]:
        self._line_starts = [0]
        for m in re.finditer(r"\n", source):
            self._line_starts.append(m.end())
        self.feed(source)
        self.close()
        text = "".join(self.chars)
        offsets = [
            self.offsets[i] if i < len(self.offsets) else len(source) for i in range(len(text))
        ]
        return text, offsets


def check_text(source: str, vocabulary: Vocabulary, today: date, *, fmt: str = "text") -> list[Hit]:
    """Every structure-free check over a whole notice as published, with offsets into
    ``source``. ``fmt``: ``html`` (tags are read past, links with no address found in the
    markup), ``markdown`` or ``text``."""
    if fmt == "html":
        text, offsets = _TextOf().read(source)
        raw_links = [
            h for h in placeholders_and_references(source) if h.rule == "text.placeholder-link"
        ]
    else:
        text, offsets = source, list(range(len(source)))
        raw_links = []
    found = citations(text, vocabulary, today) + [
        h
        for h in prose_hits(text, vocabulary, today)
        if not (fmt == "html" and h.rule == "text.placeholder-link")
    ]

    def at(i: int) -> int:
        return offsets[i] if i < len(offsets) else len(source)

    placed = [
        Hit(
            h.rule,
            at(h.start),
            at(h.end - 1) + 1 if h.end > h.start else at(h.start),
            h.quote,
            h.message,
            h.suggestion,
            h.replacement,
        )
        for h in found
    ]
    return sorted(placed + raw_links, key=lambda h: (h.start, h.rule))
