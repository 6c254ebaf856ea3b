"""Render a notice document as the privacy-notice text (HTML, Markdown or plain text).

Rendering is a pure function of the notice document and the vocabulary: no HTTP, no
database, no clock. The same document always renders byte-identically.

The work is split in two:

* :func:`build_view` turns the document into a small, format-neutral view model: an ordered
  list of sections (in the order the ICO recommends for a privacy notice), each made of
  paragraphs, sub-headings and bullet lists of inline spans (text, optionally linked).
  Vocabulary look-ups, grouping across processing activities, plain-English explanations of
  the lawful bases and legislation.gov.uk links are all done here, so that
* the Jinja2 templates (``templates/*.jinja``) only lay the view model out in one format.

A section with nothing to say is left out: an item missing from the document is missing
from the text (and reported by the checks), never replaced by an empty heading.
"""

from __future__ import annotations

import re
import textwrap
from collections.abc import Callable, Hashable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Generic, Literal, TypeVar

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape
from markupsafe import Markup, escape

from app.register.citations import provision_path
from app.register.document import (
    Activity,
    AutomatedDecisions,
    CategoryKind,
    CategoryUse,
    Contact,
    ControllerDoc,
    NoticeDocument,
    PartyLink,
    RetentionRule,
    Right,
    SharingArrangement,
    StatuteCitation,
    Transfers,
)
from app.register.vocabulary import LawfulBasisBase as LawfulBasisTerm
from app.register.vocabulary import Vocabulary

Format = Literal["html", "markdown", "text"]

MEDIA_TYPES: dict[str, str] = {
    "html": "text/html; charset=utf-8",
    "markdown": "text/markdown; charset=utf-8",
    "text": "text/plain; charset=utf-8",
}

TEXT_WIDTH = 78

T = TypeVar("T")
K = TypeVar("K", bound=Hashable)


# --------------------------------------------------------------------------------------------
# View model
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Span:
    """A run of inline text, optionally a link.

    ``show_url`` says whether the plain-text format prints the address after the text
    (a letter cannot be clicked); it is off for secondary links such as a statute section.
    """

    text: str
    url: str | None = None
    strong: bool = False
    show_url: bool = True


Line = tuple[Span, ...]


@dataclass(frozen=True)
class Item:
    """A bullet: one line of spans, optionally with nested bullets."""

    spans: Line
    children: tuple[Item, ...] = ()


@dataclass(frozen=True)
class Block:
    """A paragraph (``lines``), a sub-heading (``lines[0]``) or a bullet list (``items``)."""

    kind: Literal["paragraph", "subheading", "list"]
    lines: tuple[Line, ...] = ()
    items: tuple[Item, ...] = ()


@dataclass(frozen=True)
class SectionView:
    id: str
    heading: str
    blocks: tuple[Block, ...]


@dataclass(frozen=True)
class NoticeView:
    title: str
    intro: tuple[Block, ...]
    sections: tuple[SectionView, ...]


# Small constructors --------------------------------------------------------------------------


def _span(
    text: str, url: str | None = None, *, strong: bool = False, show_url: bool = True
) -> Span:
    return Span(text=text, url=url, strong=strong, show_url=show_url)


def _para(*lines: Line | str) -> Block:
    return Block(kind="paragraph", lines=tuple(_line(x) for x in lines))


def _line(value: Line | str) -> Line:
    return (_span(value),) if isinstance(value, str) else value


def _sub(text: str) -> Block:
    return Block(kind="subheading", lines=((_span(text),),))


def _list(items: Iterable[Item | Line | str]) -> Block:
    return Block(
        kind="list",
        items=tuple(
            x
            if isinstance(x, Item)
            else Item(spans=_line(_one_line(x) if isinstance(x, str) else x))
            for x in items
        ),
    )


def _text_blocks(text: str) -> list[Block]:
    """Free text as written: blank lines separate paragraphs, other line breaks are kept,
    and runs of lines starting with a bullet (``-``, ``*``, ``•``, ``·``) become lists,
    nested where the bullets are indented further."""
    blocks: list[Block] = []
    for chunk in re.split(r"\n[ \t]*\n", text.strip("\n")):
        lines = [ln.rstrip() for ln in chunk.splitlines() if ln.strip()]
        run: list[tuple[int, str]] = []
        run_is_list = False
        for ln in [*lines, None]:
            bullet = re.match(r"^(\s*)[-*•·]\s+(.*)$", ln) if ln is not None else None
            if run and (ln is None or bool(bullet) != run_is_list):
                if run_is_list:
                    blocks.append(Block(kind="list", items=_nest(run)))
                else:
                    blocks.append(_para(*(x for _, x in run)))
                run = []
            if ln is not None:
                run_is_list = bool(bullet)
                if bullet:
                    run.append((len(bullet.group(1).expandtabs(4)), _one_line(bullet.group(2))))
                else:
                    run.append((0, ln.strip()))
    return blocks


def _nest(lines: Sequence[tuple[int, str]]) -> tuple[Item, ...]:
    """Bullets from (indent, text) lines: a line indented more than the one before it is
    nested under it."""
    items: list[Item] = []
    i = 0
    while i < len(lines):
        indent, text = lines[i]
        j = i + 1
        while j < len(lines) and lines[j][0] > indent:
            j += 1
        items.append(Item(spans=(_span(text),), children=_nest(lines[i + 1 : j])))
        i = j
    return tuple(items)


# --------------------------------------------------------------------------------------------
# Plain-English wording
# --------------------------------------------------------------------------------------------

_MONTHS = (
    *("January", "February", "March", "April", "May", "June"),
    *("July", "August", "September", "October", "November", "December"),
)


def _date(d: date) -> str:
    return f"{d.day} {_MONTHS[d.month - 1]} {d.year}"


def _join(words: Sequence[str], last: str = "and") -> str:
    words = list(words)
    if len(words) <= 1:
        return "".join(words)
    return ", ".join(words[:-1]) + f" {last} " + words[-1]


_PLAIN_BASES: dict[str, str] = {
    "art6-1-a": "you have given us your consent to use your information for a specific purpose",
    "art6-1-b": (
        "we need it to carry out a contract with you, or to take steps you have asked for "
        "before entering into one"
    ),
    "art6-1-c": "we need it to comply with a legal obligation: a duty the law places on us",
    "art6-1-d": "we need it to protect someone's life",
    "art6-1-e": (
        "we need it to carry out a task in the public interest or to use the official "
        "powers the law gives us"
    ),
    "art6-1-ea": "we need it for a recognised legitimate interest listed in the law",
    "art6-1-f": (
        "we need it for our legitimate interests or those of someone else, and your "
        "interests do not override them"
    ),
    "art9-2-a": "you have given us your explicit consent",
    "art9-2-b": (
        "we need it to meet our duties, or your rights, under employment, social security "
        "or social protection law"
    ),
    "art9-2-c": "we need it to protect someone's life when they cannot give consent",
    "art9-2-d": "it is used by a not-for-profit body about its members",
    "art9-2-e": "you have clearly made the information public yourself",
    "art9-2-f": "we need it for legal claims or when courts are acting in their judicial role",
    "art9-2-g": "we need it for reasons of substantial public interest set out in law",
    "art9-2-h": "we need it to provide health or social care, or to run those services",
    "art9-2-i": "we need it for reasons of public interest in public health",
    "art9-2-j": "we need it for archiving in the public interest, research or statistics",
    "art10": (
        "information about criminal offences may be used only under official authority or "
        "where the law allows it"
    ),
}

_CONSENT_BASES = frozenset({"art6-1-a", "art9-2-a"})

_KIND_HEADINGS: dict[CategoryKind, tuple[str, str | None]] = {
    "personal": ("Personal information", None),
    "special_category": (
        "Special category information",
        "This is more sensitive information, which the law protects more strongly "
        "(UK GDPR Article 9).",
    ),
    "criminal_offence": (
        "Criminal offence information",
        "This is information about criminal allegations, offences and convictions, which the "
        "law also protects more strongly (UK GDPR Article 10).",
    ),
}

_RIGHT_LABELS: dict[str, tuple[str, str]] = {
    "be_informed": (
        "Right to be informed",
        "you have the right to be told how we use your information; this notice does that",
    ),
    "access": ("Right of access", "you can ask for a copy of the information we hold about you"),
    "rectification": (
        "Right to rectification",
        "you can ask us to correct information that is wrong or to complete information "
        "that is incomplete",
    ),
    "erasure": ("Right to erasure", "you can ask us to delete your information"),
    "restriction": (
        "Right to restrict processing",
        "you can ask us to limit how we use your information",
    ),
    "objection": ("Right to object", "you can object to how we use your information"),
    "portability": (
        "Right to data portability",
        "you can ask us to move, copy or transfer your information",
    ),
    "automated_decisions": (
        "Rights about automated decisions",
        "you can challenge a decision made about you by automated means, without a person involved",
    ),
    "withdraw_consent": (
        "Right to withdraw consent",
        "where we rely on your consent, you can withdraw it at any time",
    ),
    "complain": (
        "Right to complain",
        "you can complain to the Information Commissioner's Office (ICO)",
    ),
}

_TRIGGERS: dict[str, str] = {
    "case_closure": "{d} after the case is closed",
    "date_of_birth": "{d} from the date of birth",
    "last_contact": "{d} after our last contact",
    "end_of_service": "{d} after the service ends",
    "collection": "{d} after we collect it",
    "corporate_schedule": "{d}, under the council's retention schedule",
    "unspecified": "{d}",
}

_APPLIES_TO = {"children": "For children", "adults": "For adults"}


def _duration(value: str) -> str:
    units = (("Y", "year"), ("M", "month"), ("W", "week"), ("D", "day"))
    parts = []
    for letter, unit in units:
        m = re.search(rf"(\d+){letter}", value)
        if m:
            n = int(m.group(1))
            parts.append(f"{n} {unit}{'' if n == 1 else 's'}")
    return _join(parts)


def _retention_summary(rule: RetentionRule) -> str | None:
    if rule.duration is None:
        return None
    years_only = re.fullmatch(r"P(\d+)Y", rule.duration)
    if rule.trigger == "date_of_birth" and years_only:
        return f"until the age of {int(years_only.group(1))}"
    return _TRIGGERS[rule.trigger].format(d=_duration(rule.duration))


# --------------------------------------------------------------------------------------------
# Links
# --------------------------------------------------------------------------------------------


def _href(value: str | None) -> str | None:
    """A safe address for a link, or None: only web addresses become links."""
    if not value:
        return None
    value = value.strip()
    if re.match(r"^https?://[^\s<>\"]+$", value, re.IGNORECASE):
        return value
    if re.match(r"^www\.[^\s<>\"]+$", value, re.IGNORECASE):
        return "https://" + value
    return None


def _mailto(value: str) -> str | None:
    value = value.strip()
    if re.fullmatch(r"[^@\s<>\"()]+@[^@\s<>\"()]+\.[^@\s<>\"()]+", value):
        return "mailto:" + value
    return None


# --------------------------------------------------------------------------------------------
# Grouping across activities
# --------------------------------------------------------------------------------------------


@dataclass
class _Merged(Generic[T]):
    value: T
    activities: list[str] = field(default_factory=list)


def _merge(
    activities: Sequence[Activity],
    items_of: Callable[[Activity], Iterable[T]],
    key: Callable[[T], Hashable],
) -> list[_Merged[T]]:
    """Items of all activities, first appearance first, each with the ids of the activities
    using it."""
    merged: dict[Hashable, _Merged[T]] = {}
    for act in activities:
        for item in items_of(act):
            entry = merged.setdefault(key(item), _Merged(value=item))
            if act.id not in entry.activities:
                entry.activities.append(act.id)
    return list(merged.values())


def _group_activities(
    activities: Sequence[Activity], value_of: Callable[[Activity], K | None]
) -> list[tuple[list[str], K]]:
    """Ids of activities with equal (non-empty) values together, in document order."""
    groups: dict[K, list[str]] = {}
    for act in activities:
        value = value_of(act)
        if value is None:
            continue
        groups.setdefault(value, []).append(act.id)
    return [(names, value) for value, names in groups.items()]


class _Builder:
    def __init__(self, document: NoticeDocument, vocabulary: Vocabulary) -> None:
        self.doc = document
        self.vocab = vocabulary
        self.activities = document.activities
        self.several = len(self.activities) > 1

    # -- helpers ---------------------------------------------------------------------------

    def everything(self) -> tuple[str, ...]:
        return tuple(a.id for a in self.activities)

    def names(self, ids: Sequence[str]) -> str:
        """The activities with these ids, by name, for the reader."""
        by_id = {a.id: a.name for a in self.activities}
        return _join([by_id[i] for i in ids])

    def lead(self, ids: Sequence[str]) -> Block:
        """The lead-in of a part of a section that applies to some activities only."""
        if tuple(ids) == self.everything():
            return _para(
                (_span("For all the uses of your information in this notice:", strong=True),)
            )
        return _para((_span(f"For {self.names(ids)}:", strong=True),))

    def grouped(
        self,
        merged: Sequence[_Merged[T]],
        line: Callable[[T], Item | str] | None = None,
        *,
        lines: Callable[[list[T]], list[Item]] | None = None,
    ) -> list[Block]:
        """Merged items as bullet lists, one list per set of activities using them.

        With one activity, or when every item applies to every activity, that is one plain
        list; otherwise each list is introduced by the activities it applies to, the items
        common to all activities first. Each item becomes a bullet with ``line``, or each
        list is made at once with ``lines``.
        """
        groups: dict[tuple[str, ...], list[T]] = {}
        for m in merged:
            groups.setdefault(tuple(m.activities), []).append(m.value)
        if not groups:
            return []

        def bullets(values: list[T]) -> Block:
            if lines is not None:
                return _list(lines(values))
            assert line is not None
            return _list(line(v) for v in values)

        if not self.several or list(groups) == [self.everything()]:
            return [bullets([v for values in groups.values() for v in values])]
        ordered = sorted(groups.items(), key=lambda kv: kv[0] != self.everything())
        blocks: list[Block] = []
        for names, values in ordered:
            blocks += [self.lead(names), bullets(values)]
        return blocks

    def by_activity(self, value_of: Callable[[Activity], K | None]) -> list[tuple[list[str], K]]:
        """Activities with equal (non-empty) values together; a lead-in is needed when the
        result has more than one group or does not cover every activity."""
        return _group_activities(self.activities, value_of)

    def needs_leads(self, groups: Sequence[tuple[list[str], object]]) -> bool:
        if not self.several:
            return False
        return len(groups) > 1 or tuple(groups[0][0]) != self.everything()

    def category_name(self, slug: str) -> str:
        term = self.vocab.category(slug)
        return term.name if term else slug

    def category_kind(self, slug: str) -> CategoryKind:
        return self.vocab.category_kind(slug)

    def party_name(self, slug: str) -> str:
        term = self.vocab.party(slug)
        return term.name if term else slug

    def subject_name(self, slug: str) -> str:
        term = self.vocab.subject(slug)
        return term.name if term else slug

    def contact_items(self, contact: Contact) -> list[Item]:
        items: list[Item] = []
        if contact.name or contact.role:
            who = ", ".join(x for x in (contact.name, contact.role) if x)
            items.append(Item(spans=(_span(who),)))
        if contact.email:
            items.append(
                Item(spans=(_span("Email: "), _span(contact.email, _mailto(contact.email))))
            )
        if contact.phone:
            items.append(Item(spans=(_span(f"Phone: {contact.phone}"),)))
        if contact.address:
            items.append(Item(spans=(_span(f"Address: {_address(contact.address)}"),)))
        if contact.url:
            items.append(Item(spans=(_span("Website: "), _span(contact.url, _href(contact.url)))))
        return items

    # -- sections --------------------------------------------------------------------------

    def intro(self) -> list[Block]:
        notice = self.doc.notice
        blocks: list[Block] = []
        if notice.status == "draft":
            blocks.append(_para("This is a draft notice. It has not been published."))
        if notice.introduction:
            blocks += _text_blocks(notice.introduction)
        return blocks

    def about(self) -> list[Block]:
        service = self.doc.service
        blocks: list[Block] = [_para(f"This notice is about {service.name}.")]
        if service.description:
            blocks += _text_blocks(service.description)
        if service.sub_services:
            blocks.append(_para("The service includes:"))
            blocks.append(_list(service.sub_services))
        if self.several:
            blocks.append(_para("This notice covers these uses of your information:"))
            blocks.append(_list(act.name for act in self.activities))
        return blocks

    def who_we_are(self) -> list[Block]:
        controllers = self.doc.controllers
        names = [c.name for c in controllers]
        if len(controllers) == 1:
            lead = (
                f"{names[0]} is the data controller for the information in this notice. This "
                "means it decides how your information is used and is responsible for it."
            )
        else:
            lead = (
                f"{_join(names)} are joint data controllers for the information in this "
                "notice. This means they decide together how your information is used and are "
                "responsible for it."
            )
        blocks = [_para(lead)]
        for c in controllers:
            items = self.controller_items(c)
            if not items:
                continue
            if len(controllers) > 1:
                blocks.append(_sub(c.name))
            blocks.append(_list(items))
        return blocks

    def controller_items(self, c: ControllerDoc) -> list[Item]:
        items: list[Item] = []
        if c.address:
            items.append(Item(spans=(_span(f"Address: {_address(c.address)}"),)))
        if c.phone:
            items.append(Item(spans=(_span(f"Phone: {c.phone}"),)))
        if c.website:
            items.append(Item(spans=(_span("Website: "), _span(c.website, _href(c.website)))))
        if c.ico_registration_number:
            items.append(
                Item(spans=(_span(f"ICO registration number: {c.ico_registration_number}"),))
            )
        if c.corporate_privacy_notice_url:
            url = c.corporate_privacy_notice_url
            items.append(Item(spans=(_span("Corporate privacy notice: "), _span(url, _href(url)))))
        return items

    def dpo(self) -> list[Block]:
        with_dpo = [c for c in self.doc.controllers if c.dpo is not None]
        blocks: list[Block] = []
        for c in with_dpo:
            assert c.dpo is not None
            items = self.contact_items(c.dpo)
            if not items:
                continue
            if len(self.doc.controllers) > 1:
                blocks.append(_sub(c.name))
            blocks.append(_para(f"You can contact the Data Protection Officer of {c.name}:"))
            blocks.append(_list(items))
        return blocks

    def information(self) -> list[Block]:
        blocks: list[Block] = []
        subjects = _merge(
            self.activities, lambda a: [s.subject for s in a.data_subjects], lambda s: s
        )
        if subjects:
            blocks.append(_para("We hold information about:"))
            blocks += self.grouped(subjects, self.subject_name)
        uses = _merge(self.activities, lambda a: a.data_categories, lambda use: use.category)
        examples: dict[str, list[str]] = {}
        for act in self.activities:
            for use in act.data_categories:
                bucket = examples.setdefault(use.category, [])
                bucket += [e for e in use.examples if e not in bucket]
        kind: CategoryKind
        for kind, (heading, explanation) in _KIND_HEADINGS.items():
            of_kind = [m for m in uses if self.category_kind(m.value.category) == kind]
            if not of_kind:
                continue
            blocks.append(_sub(heading))
            if explanation:
                blocks.append(_para(explanation))

            def line(use: CategoryUse) -> str:
                name = self.category_name(use.category)
                # An example that only repeats the name ("Email address, such as email") adds
                # nothing.
                found = [e for e in examples[use.category] if not _mentions(name, e)]
                return name + (", such as " + _join(found) if found else "")

            blocks += self.grouped(of_kind, line)
        return blocks

    def party_label(self, link: PartyLink) -> str:
        """The party's name, then the notice's own examples of it, e.g. "Commissioned
        providers (for example youth services and education services)"."""
        name = self.party_name(link.party)
        # An example that only repeats the name ("Legal services (for example Legal
        # Services)") adds nothing.
        found = [e for e in link.examples if not _mentions(name, e)]
        if not found:
            return name
        return f"{name} ({_examples_lead(link, found[0])} {_join_examples(found)})"

    def party_line(self, link: PartyLink) -> str:
        text = self.party_label(link)
        if link.data_categories:
            text += ": " + _join([self.category_name(c) for c in link.data_categories])
        if link.condition:
            text += f", {_lower_first(_one_line(link.condition))}"
        return text

    def party_items(self, links: list[PartyLink]) -> list[Item]:
        """Sources or recipients; parties sharing the same data and condition are listed
        together under it rather than repeating it for each."""
        shared: dict[tuple[tuple[str, ...], str | None], list[PartyLink]] = {}
        for link in links:
            if link.data_categories or link.condition:
                key = (tuple(link.data_categories), link.condition)
                shared.setdefault(key, []).append(link)
        items: list[Item] = []
        done: set[tuple[tuple[str, ...], str | None]] = set()
        for link in links:
            key = (tuple(link.data_categories), link.condition)
            if key not in shared or len(shared[key]) < 2:
                items.append(Item(spans=(_span(self.party_line(link)),)))
                continue
            if key in done:
                continue
            done.add(key)
            parts = []
            if link.data_categories:
                parts.append(_join([self.category_name(c) for c in link.data_categories]))
            if link.condition:
                parts.append(_one_line(link.condition))
            head = ", ".join(parts)
            children = tuple(Item(spans=(_span(self.party_label(p)),)) for p in shared[key])
            items.append(Item(spans=(_span(head[:1].upper() + head[1:] + ":"),), children=children))
        return items

    def sources(self) -> list[Block]:
        merged = _merge_links(self.activities, lambda a: a.sources)
        if not merged:
            return []
        return [
            _para("We get information about you from:"),
            *self.grouped(merged, lines=self.party_items),
        ]

    def purposes(self) -> list[Block]:
        """Each activity: what it is (its description, what it is part of) and its purposes."""
        blocks: list[Block] = []
        for act in self.activities:
            part_of = act.business_function
            if part_of == self.doc.service.name:
                part_of = None  # says nothing the reader does not know
            if not (act.description or part_of or act.purposes):
                continue
            if self.several:
                blocks.append(_sub(act.name))
            if part_of:
                blocks.append(_para(f"Part of: {part_of}"))
            if act.description:
                blocks += _text_blocks(act.description)
            if act.purposes:
                to = not any(re.match(r"to\b", p.strip(), re.IGNORECASE) for p in act.purposes)
                lead = "We use your information to:" if to else "We use your information:"
                blocks += [_para(lead), _list(act.purposes)]
        return blocks

    def basis_item(self, term: LawfulBasisTerm) -> Item:
        plain = _PLAIN_BASES.get(term.slug, term.description)
        if term.article == "sch1":
            if term.schedule1_part and term.schedule1_paragraph:
                ref = (
                    f"Data Protection Act 2018, Schedule 1, Part {term.schedule1_part}, "
                    f"paragraph {term.schedule1_paragraph}"
                )
            else:
                ref = term.code
            spans = (
                _span(term.name, strong=True),
                _span(" ("),
                _span(ref, _href(term.uri), show_url=False),
                _span(")"),
            )
        else:
            ref = "UK GDPR " + re.sub(r"^Art\b\.?", "Article", term.code)
            spans = (
                _span(term.name, strong=True),
                _span(" ("),
                _span(ref, _href(term.uri), show_url=False),
                _span(f"): {plain}"),
            )
        return Item(spans=spans)

    def lawful_basis(self) -> list[Block]:
        groups = self.by_activity(lambda a: tuple(b.basis for b in a.lawful_bases) or None)
        blocks: list[Block] = []
        if groups:
            blocks.append(
                _para(
                    "The law says we must have a lawful basis to use your information. "
                    "We rely on the following."
                )
            )
        for names, bases in groups:
            if self.needs_leads(groups):
                blocks.append(_sub(f"For {self.names(names)}"))
            blocks += self.bases(bases)
        consent = [a.name for a in self.activities if self.relies_on_consent(a)]
        if consent:
            which = f" for {_join(consent)}" if self.several else ""
            blocks.append(
                _para(f"Where we rely on your consent{which}, you can withdraw it at any time.")
            )
        dependent = [a.name for a in self.activities if a.consent_dependent]
        if dependent:
            which = f"for {_join(dependent)} " if self.several else ""
            blocks.append(_para(f"We only use your information {which}if you agree to it."))
        blocks += self.statutes()
        return blocks

    def bases(self, slugs: Sequence[str]) -> list[Block]:
        """One set of lawful bases, by kind of data: Art 6, Art 9 with its Schedule 1
        conditions, Art 10 with the Schedule 1 Part 3 conditions."""
        kinds: dict[str, list[Item | str]] = {"6": [], "9": [], "sch1": [], "10": [], "?": []}
        terms = [(slug, self.vocab.basis(slug)) for slug in dict.fromkeys(slugs)]
        schedule1 = [t for _, t in terms if t is not None and t.article == "sch1"]

        def conditions_for(term: LawfulBasisTerm) -> list[LawfulBasisTerm]:
            """The Schedule 1 conditions an Article 9 condition relies on (Part 1 or 2)."""
            if term.article != "9" or not term.requires_schedule1_part:
                return []
            return [c for c in schedule1 if c.schedule1_part == term.requires_schedule1_part]

        paired = {c.slug for _, t in terms if t is not None for c in conditions_for(t)}
        for slug, term in terms:
            if term is None:
                kinds["?"].append(slug)
                continue
            if term.slug in paired:
                continue  # shown under its Article 9 condition
            kind: str = term.article
            if kind == "sch1" and term.schedule1_part == 3:
                kind = "10"
            item = self.basis_item(term)
            children = tuple(self.basis_item(c) for c in conditions_for(term))
            if children:
                item = Item(
                    spans=(*item.spans, _span(", under these conditions:")), children=children
                )
            kinds[kind].append(item)
        blocks: list[Block] = []
        if kinds["6"]:
            blocks += [_para("For personal information (UK GDPR Article 6):"), _list(kinds["6"])]
        if kinds["9"]:
            blocks += [
                _para("For special category information (UK GDPR Article 9):"),
                _list(kinds["9"]),
            ]
        if kinds["sch1"]:
            blocks += [
                _para(
                    "For special category information, these conditions in Schedule 1 of the "
                    "Data Protection Act 2018:"
                ),
                _list(kinds["sch1"]),
            ]
        if kinds["10"]:
            blocks += [
                _para("For criminal offence information (UK GDPR Article 10):"),
                _list(kinds["10"]),
            ]
        if kinds["?"]:
            blocks += [_para("Also:"), _list(kinds["?"])]
        return blocks

    def relies_on_consent(self, act: Activity) -> bool:
        return any(b.basis in _CONSENT_BASES for b in act.lawful_bases)

    def statute_item(self, citation: StatuteCitation) -> Item:
        term = self.vocab.statute(citation.statute) if citation.statute else None
        if term is None:
            spans = [_span(citation.cited_as)]
            spans += [_span(", " + _join(citation.provisions))] if citation.provisions else []
            return Item(spans=_compact(spans))
        base = _href(term.uri)
        spans = [_span(term.title, base, show_url=False)]
        for i, provision in enumerate(citation.provisions):
            spans.append(_span(": " if i == 0 else ", "))
            path = provision_path(provision) if base and term.kind != "guidance" else None
            spans.append(_span(provision, base + path if base and path else None, show_url=False))
        if _citation_extra(citation.cited_as, term.title, citation.provisions):
            spans.append(_span(f" (cited as: {citation.cited_as})"))
        return Item(spans=_compact(spans))

    def statutes(self) -> list[Block]:
        merged = _merge(
            self.activities,
            lambda a: a.statutes,
            lambda s: (s.cited_as, s.statute, tuple(s.provisions), s.kind_as_cited),
        )
        laws = [m for m in merged if m.value.kind_as_cited == "law"]
        guidance = [m for m in merged if m.value.kind_as_cited == "guidance"]
        blocks: list[Block] = []
        if laws:
            blocks.append(_sub("The laws that give us these duties and powers"))
            blocks += self.grouped(laws, self.statute_item)
        if guidance:
            blocks.append(_sub("Guidance we follow"))
            blocks += self.grouped(guidance, self.statute_item)
        return blocks

    def sharing(self) -> list[Block]:
        blocks: list[Block] = []
        merged = _merge_links(self.activities, lambda a: a.recipients)
        if merged:
            blocks.append(_para("We may share your information with:"))
            blocks += self.grouped(merged, lines=self.party_items)
        arrangements = _merge(
            self.activities,
            lambda a: a.sharing_arrangements,
            lambda s: s.model_dump_json(),
        )
        if arrangements:
            blocks.append(_sub("Data-sharing arrangements"))
            for m in arrangements:
                blocks += self.arrangement(m.value)
        return blocks

    def arrangement(self, arr: SharingArrangement) -> list[Block]:
        blocks = [_para((_span(arr.name, strong=True),))]
        if arr.description:
            blocks += _text_blocks(arr.description)
        items: list[Item] = []
        if arr.parties:
            items.append(
                Item(
                    spans=(
                        _span("Shared with: " + _join([self.party_name(p) for p in arr.parties])),
                    )
                )
            )
        if arr.pseudonymised is True:
            items.append(
                Item(
                    spans=(
                        _span(
                            "The information is pseudonymised: names and other details that "
                            "identify you are replaced with a reference."
                        ),
                    )
                )
            )
        elif arr.pseudonymised is False:
            items.append(Item(spans=(_span("The information shared identifies you."),)))
        when = arr.end_date_as_written or (_date(arr.end_date) if arr.end_date else None)
        if when:
            if not re.match(r"(until|till|to|ends?|ending)\b", when, re.IGNORECASE):
                when = "until " + when
            items.append(Item(spans=(_span(f"The arrangement runs {when}."),)))
        if arr.agreement_url:
            items.append(
                Item(
                    spans=(
                        _span("The agreement: "),
                        _span(arr.agreement_url, _href(arr.agreement_url)),
                    )
                )
            )
        if items:
            blocks.append(_list(items))
        return blocks

    def transfers(self) -> list[Block]:
        groups = self.by_activity(lambda a: _frozen(a.transfers))
        blocks: list[Block] = []
        for names, key in groups:
            if self.needs_leads(groups):
                blocks.append(self.lead(names))
            blocks += _transfer_blocks(Transfers.model_validate_json(key))
        return blocks

    def retention(self) -> list[Block]:
        merged = _merge(self.activities, lambda a: a.retention, lambda r: r.model_dump_json())
        if not merged:
            return []

        def line(rule: RetentionRule) -> str:
            text = _one_line(rule.text)
            if rule.applies_to in _APPLIES_TO:
                text = f"{_APPLIES_TO[rule.applies_to]}: {text}"
            summary = _retention_summary(rule)
            return text + (f" (in short: {summary})" if summary else "")

        return self.grouped(merged, line)

    def automated(self) -> list[Block]:
        groups = self.by_activity(lambda a: _frozen(a.automated_decision_making))
        blocks: list[Block] = []
        for names, key in groups:
            if self.needs_leads(groups):
                blocks.append(self.lead(names))
            adm = AutomatedDecisions.model_validate_json(key)
            if adm.text:
                blocks += _text_blocks(adm.text)
            elif adm.used:
                blocks.append(_para("We make some decisions about you by automated means."))
            else:
                blocks.append(_para("We do not make decisions about you by automated means alone."))
        return blocks

    def provision(self) -> list[Block]:
        text = self.doc.notice.provision_requirement
        return _text_blocks(text) if text else []

    def rights(self) -> list[Block]:
        notice = self.doc.notice
        rights: list[Right] = list(notice.rights)
        consent = [a.name for a in self.activities if self.relies_on_consent(a)]
        if consent and not any(r.right == "withdraw_consent" for r in rights):
            rights.append(
                Right(
                    right="withdraw_consent",
                    text=(
                        f"we rely on your consent for {_join(consent)}"
                        if self.several
                        else "we rely on your consent"
                    )
                    + "; you can withdraw it at any time",
                )
            )
        blocks: list[Block] = []
        general = _text_blocks(notice.rights_text) if notice.rights_text else []
        lead = _para("You have these rights about your information:")
        first = general[0] if general else None
        if rights and first and first.kind == "paragraph" and _plain(first).endswith(":"):
            lead = general.pop(0)  # the notice's own words introducing its list of rights
        if rights:
            blocks.append(lead)
            items = []
            for r in rights:
                label, default = _RIGHT_LABELS[r.right]
                items.append(
                    Item(
                        spans=(
                            _span(label, strong=True),
                            _span(": " + _one_line(r.text or default)),
                        )
                    )
                )
            blocks.append(_list(items))
        return blocks + general

    def complaint(self) -> list[Block]:
        complaint = self.doc.notice.complaint
        if complaint is None:
            return []
        blocks: list[Block] = []
        if complaint.text:
            blocks += _text_blocks(complaint.text)
        if complaint.contact_first:
            items = self.contact_items(complaint.contact_first)
            if items:
                blocks += [_para("You can contact us first:"), _list(items)]
        if complaint.ico_contact:
            items = self.contact_items(complaint.ico_contact)
            if items:
                blocks += [_para("The Information Commissioner's Office:"), _list(items)]
        return blocks

    def security(self) -> list[Block]:
        blocks: list[Block] = []
        if self.doc.notice.security:
            blocks += _text_blocks(self.doc.notice.security)
        systems = _merge(self.activities, lambda a: a.systems, lambda s: s)
        if systems:
            blocks.append(_para("We hold your information on these systems:"))
            blocks += self.grouped(systems, str)
        return blocks

    def cookies(self) -> list[Block]:
        text = self.doc.notice.cookies
        return _text_blocks(text) if text else []

    def last_updated(self) -> list[Block]:
        notice = self.doc.notice
        lines: list[str] = []
        when = notice.last_updated_as_written or (
            _date(notice.last_updated) if notice.last_updated else None
        )
        if when:
            when = re.sub(r"^(privacy notice\s+)?last updated:?\s*", "", when, flags=re.I)
            lines.append(f"This notice was last updated: {when}.")
        if notice.version is not None:
            version = f"This is version {notice.version} of the notice"
            if notice.effective_from:
                version += f", in effect from {_date(notice.effective_from)}"
            lines.append(version + ".")
        elif notice.effective_from:
            lines.append(f"This notice is in effect from {_date(notice.effective_from)}.")
        blocks = [_para(line) for line in lines]
        if notice.change_summary:
            blocks.append(_para("What changed:"))
            blocks += _text_blocks(notice.change_summary)
        return blocks

    # -- assembly --------------------------------------------------------------------------

    def build(self) -> NoticeView:
        notice = self.doc.notice
        plan: list[tuple[str, str, list[Block]]] = [
            ("about", "About this service", self.about()),
            ("who-we-are", "Who we are", self.who_we_are()),
            ("data-protection-officer", "Our Data Protection Officer", self.dpo()),
            ("information", "What information we use", self.information()),
            ("sources", "Where we get your information from", self.sources()),
            ("purposes", "Why we use your information", self.purposes()),
            ("lawful-basis", "Our lawful basis for using your information", self.lawful_basis()),
            ("sharing", "Who we share your information with", self.sharing()),
            ("transfers", "Sending your information outside the UK", self.transfers()),
            ("retention", "How long we keep your information", self.retention()),
            ("automated-decisions", "Automated decision-making", self.automated()),
            ("provision", "Do you have to give us your information?", self.provision()),
            ("rights", "Your rights", self.rights()),
            ("complaints", "How to complain", self.complaint()),
            ("security", "How we keep your information secure", self.security()),
            ("cookies", "Cookies", self.cookies()),
        ]
        for other in notice.other_sections:
            plan.append((_slug(other.heading), other.heading, _text_blocks(other.text)))
        plan.append(("last-updated", "Changes to this notice", self.last_updated()))
        sections: list[SectionView] = []
        used: set[str] = set()
        for ident, heading, blocks in plan:
            if not blocks:
                continue
            unique = ident or "section"
            n = 2
            while unique in used:
                unique, n = f"{ident}-{n}", n + 1
            used.add(unique)
            sections.append(SectionView(id=unique, heading=heading, blocks=tuple(blocks)))
        return NoticeView(title=notice.title, intro=tuple(self.intro()), sections=tuple(sections))


def _transfer_blocks(t: Transfers) -> list[Block]:
    blocks: list[Block] = []
    if t.text:
        blocks += _text_blocks(t.text)
    elif t.occurs == "no":
        blocks.append(_para("We do not send your information outside the UK."))
    elif t.occurs == "yes":
        blocks.append(_para("We send some of your information outside the UK."))
    else:
        blocks.append(_para("We send your information outside the UK only in some circumstances."))
    items = []
    if t.destinations:
        items.append(f"Where it goes: {_join(t.destinations)}")
    if t.safeguards:
        items.append(f"How it is protected: {_one_line(t.safeguards)}")
    if items:
        blocks.append(_list(items))
    return blocks


def _frozen(model: Transfers | AutomatedDecisions | None) -> str | None:
    return model.model_dump_json() if model is not None else None


def _link_key(link: PartyLink) -> Hashable:
    return (link.party, tuple(link.data_categories), link.condition)


def _merge_links(
    activities: Sequence[Activity], links_of: Callable[[Activity], Iterable[PartyLink]]
) -> list[_Merged[PartyLink]]:
    """Sources or recipients of all activities, merged like :func:`_merge`; a party given
    with the same data and condition by several activities keeps the examples of all."""
    merged = _merge(activities, links_of, _link_key)
    same: dict[Hashable, list[PartyLink]] = {}
    for act in activities:
        for link in links_of(act):
            same.setdefault(_link_key(link), []).append(link)
    for m in merged:
        links = same[_link_key(m.value)]
        examples = list(dict.fromkeys(e for link in links for e in link.examples))
        if examples != m.value.examples:
            first = next(link for link in links if link.examples)  # whose words introduce them
            m.value = first.model_copy(update={"examples": examples})
    return merged


_EXAMPLE_LEAD = re.compile(
    r"\b(including but not limited to|including|includes?|for example|such as|e\.g\.)",
    re.IGNORECASE,
)


def _examples_lead(link: PartyLink, first_example: str) -> str:
    """How the notice introduces its examples of a party: "for example" where it says
    "for example", "such as" or "e.g."; "including" (or "including but not limited to")
    where it says so. The words looked at are those before the first example in the same
    sentence of the notice's text. A body the notice names without such words (or with no
    text to go by) is taken as included in the party: "including"."""
    written = _one_line(link.as_written or "")
    at = written.lower().find(first_example.lower())
    before = written[: max(at, 0)]
    sentence = re.split(r"(?<!\be\.g)[.!?]\s+", before)[-1]
    leads = _EXAMPLE_LEAD.findall(sentence)
    if not leads:
        return "including"
    lead = leads[-1].lower()
    if lead.startswith("includ"):
        return "including but not limited to" if lead.endswith("limited to") else "including"
    return "for example"


def _join_examples(examples: Sequence[str]) -> str:
    """Examples in a list; kept apart by semicolons when one has a comma of its own
    ("Ministry of Housing, Communities and Local Government")."""
    if any("," in e for e in examples):
        return "; ".join(examples)
    return _join(examples)


def _compact(spans: list[Span]) -> Line:
    """Drop empty spans and join neighbouring plain spans, so output stays tidy."""
    out: list[Span] = []
    for s in spans:
        if not s.text:
            continue
        if out and s.url is None and not s.strong and out[-1].url is None and not out[-1].strong:
            out[-1] = _span(out[-1].text + s.text)
        else:
            out.append(s)
    return tuple(out)


def _plain(block: Block) -> str:
    return " ".join("".join(s.text for s in line) for line in block.lines)


def _mentions(text: str, phrase: str) -> bool:
    """Does ``text`` contain ``phrase`` as whole words (ignoring case)?"""
    return re.search(rf"\b{re.escape(phrase.lower())}\b", text.lower()) is not None


_CITATION_NOISE = frozenset(
    (
        *("the", "and", "of", "a", "an", "act", "acts", "s", "ss", "sec", "sch", "chapter"),
        *("section", "sections", "subsection", "schedule", "schedules", "part", "parts"),
        *("paragraph", "paragraphs", "para", "paras", "article", "articles"),
        *("regulation", "regulations", "reg", "regs"),
    )
)


def _citation_extra(cited_as: str, title: str, provisions: Sequence[str]) -> bool:
    """Does a citation say more than the statute's title and its provisions (for example
    "and associated regulations", or a different name)?"""

    def words(text: str) -> set[str]:
        text = re.sub(r"['’]s\b", "", text.lower()).replace("&", " and ")
        return {w for w in re.findall(r"[a-z]+", text)}

    known = words(title) | words(" ".join(provisions)) | _CITATION_NOISE
    return bool(words(cited_as) - known)


_CONNECTIVES = frozenset(
    ("if", "in", "where", "when", "whenever", "only", "unless", "subject", "as", "for", "on")
)


def _lower_first(text: str) -> str:
    """A clause written as a sentence ("In Cambridgeshire, if ...") continued mid-sentence."""
    first, _, rest = text.partition(" ")
    if first.lower() in _CONNECTIVES and first[:1].isupper():
        return first.lower() + (" " + rest if rest else "")
    return text


def _one_line(text: str) -> str:
    return " ".join(text.split())


def _address(text: str) -> str:
    """An address on one line: its lines joined with commas (or a space after a full stop)."""
    out = ""
    for part in (p.strip().rstrip(",").strip() for p in text.splitlines()):
        if part:
            out += ("" if not out else " " if out.endswith(".") else ", ") + part
    return out


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


def build_view(document: NoticeDocument, vocabulary: Vocabulary) -> NoticeView:
    """The format-neutral view model of a notice (sections in the ICO's order)."""
    return _Builder(document, vocabulary).build()


# --------------------------------------------------------------------------------------------
# Format helpers used by the templates
# --------------------------------------------------------------------------------------------

_MD_SPECIAL = re.compile(r"([\\`*_\[\]<>|])")
_MD_LINE_START = re.compile(r"^(\s*)((?:#+|[+>]|-+|=+|\d+[.)])(?=\s|$)|~{3,})", re.MULTILINE)


def md_escape(text: str) -> str:
    """Escape what would make markup in Markdown (emphasis, links, HTML, lists, headings)."""
    text = _MD_SPECIAL.sub(r"\\\1", text)
    return _MD_LINE_START.sub(lambda m: m.group(1) + _escape_marker(m.group(2)), text)


def _escape_marker(marker: str) -> str:
    if marker[-1] in ".)":
        return marker[:-1] + "\\" + marker[-1]
    return "\\" + marker


def md_spans(line: Line) -> str:
    out = []
    for s in line:
        text = md_escape(s.text)
        if s.url:
            url = s.url.replace("(", "%28").replace(")", "%29").replace(" ", "%20")
            plain_url = s.url.removeprefix("mailto:")
            text = f"<{plain_url}>" if s.text == plain_url else f"[{text}]({url})"
        if s.strong:
            text = f"**{text}**"
        out.append(text)
    return "".join(out)


def md_paragraph(block: Block) -> str:
    """Lines of a paragraph, kept apart by hard line breaks."""
    return "\\\n".join(md_spans(line) for line in block.lines)


def html_spans(line: Line) -> Markup:
    out = []
    for s in line:
        text = escape(s.text)
        if s.url:
            text = Markup('<a href="{}">{}</a>').format(s.url, text)
        if s.strong:
            text = Markup("<strong>{}</strong>").format(text)
        out.append(text)
    return Markup("").join(out)


def text_spans(line: Line) -> str:
    out = []
    for s in line:
        text = s.text
        if s.url and s.show_url and s.url not in (text, "https://" + text, "mailto:" + text):
            text = f"{text} <{s.url}>"
        out.append(text)
    return "".join(out)


def _wrap(text: str, initial: str, subsequent: str) -> str:
    return textwrap.fill(
        text,
        width=TEXT_WIDTH,
        initial_indent=initial,
        subsequent_indent=subsequent,
        break_long_words=False,
        break_on_hyphens=False,
    )


def text_paragraph(block: Block) -> str:
    return "\n".join(_wrap(text_spans(line), "", "") for line in block.lines)


def text_list(block: Block) -> str:
    lines: list[str] = []

    def walk(items: Sequence[Item], depth: int) -> None:
        for item in items:
            indent = "  " * depth
            lines.append(_wrap(text_spans(item.spans), indent + "- ", indent + "  "))
            walk(item.children, depth + 1)

    walk(block.items, 0)
    return "\n".join(lines)


def text_heading(text: str, char: str) -> str:
    wrapped = _wrap(text, "", "")
    width = max(len(line) for line in wrapped.splitlines())
    return f"{wrapped}\n{char * width}"


# --------------------------------------------------------------------------------------------
# Environment and entry point
# --------------------------------------------------------------------------------------------

TEMPLATE_DIR = Path(__file__).parent / "templates"

_ENV = Environment(
    loader=FileSystemLoader(TEMPLATE_DIR),
    autoescape=select_autoescape(enabled_extensions=("html", "html.jinja"), default=False),
    undefined=StrictUndefined,
    trim_blocks=True,
    lstrip_blocks=True,
    keep_trailing_newline=True,
    auto_reload=False,
)
_ENV.filters.update(
    md_spans=md_spans,
    md_escape=md_escape,
    md_paragraph=md_paragraph,
    text_spans=text_spans,
    html_spans=html_spans,
    text_paragraph=text_paragraph,
    text_list=text_list,
    text_heading=text_heading,
)

_TEMPLATES = {
    "html": "notice.html.jinja",
    "markdown": "notice.md.jinja",
    "text": "notice.txt.jinja",
}


def _tidy(text: str, *, blank: bool = True) -> str:
    """Strip trailing spaces, collapse runs of blank lines (or drop blank lines altogether,
    ``blank=False``), end with exactly one newline."""
    lines = [line.rstrip() for line in text.splitlines()]
    if not blank:
        lines = [line for line in lines if line]
    out = re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip("\n")
    return out + "\n"


def render_notice(
    document: NoticeDocument,
    vocabulary: Vocabulary,
    *,
    fmt: Format,
    full_page: bool = False,
) -> str:
    """The privacy-notice text of ``document`` in ``fmt``.

    ``full_page`` (HTML only) gives a standalone page with a ``<title>`` and minimal CSS
    instead of a fragment to embed.
    """
    if fmt not in _TEMPLATES:
        raise ValueError(f"unknown format {fmt!r}; expected one of {sorted(_TEMPLATES)}")
    view = build_view(document, vocabulary)
    template = _ENV.get_template(_TEMPLATES[fmt])
    if fmt == "html":
        fragment = _tidy(template.render(view=view, level=1 if full_page else 2), blank=False)
        if full_page:
            page = _ENV.get_template("page.html.jinja")
            return _tidy(page.render(view=view, fragment=Markup(fragment)), blank=False)
        return fragment
    return _tidy(template.render(view=view))
