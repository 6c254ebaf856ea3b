"""Render a notice document as its privacy-notice text (HTML, Markdown or plain text).

Rendering is a pure function of one notice document and the vocabulary terms it was published
with: no HTTP, no database, no clock. The same document always renders byte-identically.

Faithful before fluent. The text says what the document says and nothing more:

* every fact is the document's own: its controllers' and DPO's details as this notice gives
  them, its own "last updated" date (or "not stated"), its own words wherever it has them
  (``as_written``, ``text``), citations as cited, Schedule 1 conditions only beside the Art 9
  or Art 10 condition the notice pairs them with;
* each fact is shown once: lists are merged across the notice's activities, and a text already
  shown (the introduction, an activity's description) is not shown again;
* editing debris never reaches the public: a link with no target keeps only its words, and a
  pointer to the source notice's own numbering ("see section 3") is left out
  (:mod:`app.notices.text`, which the checks use to report the same spans);
* where the document is silent, the text is silent: no section is invented; the checks report
  what is missing.

:func:`build_view` turns the document into a small format-neutral view model (sections of
paragraphs, sub-headings and bullet lists of inline spans); the Jinja2 templates
(``templates/*.jinja``) only lay it out.
"""

from __future__ import annotations

import re
import textwrap
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Literal

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape
from markupsafe import Markup, escape

from app.notices.text import contacts_and_links, public
from app.register.citations import provision_uri
from app.register.document import (
    RIGHT_NAMES,
    Activity,
    BasisUse,
    CategoryKind,
    Contact,
    ControllerDoc,
    NoticeDocument,
    PartyLink,
    StatuteCitation,
)
from app.register.vocabulary import LawfulBasisBase, Vocabulary

Format = Literal["html", "markdown", "text"]

MEDIA_TYPES: dict[Format, str] = {
    "html": "text/html; charset=utf-8",
    "markdown": "text/markdown; charset=utf-8",
    "text": "text/plain; charset=utf-8",
}

TEXT_WIDTH = 78


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


def _line(value: Line | str) -> Line:
    return (_span(value),) if isinstance(value, str) else value


def _para(*lines: Line | str) -> Block:
    return Block(kind="paragraph", lines=tuple(_line(x) for x in lines))


def _sub(text: str) -> Block:
    return Block(kind="subheading", lines=((_span(text),),))


def _list(items: Iterable[Item | Line | str]) -> Block:
    return Block(
        kind="list",
        items=tuple(x if isinstance(x, Item) else Item(spans=_line(x)) for x in items),
    )


def _one_line(text: str) -> str:
    return " ".join(text.split())


def _rich(text: str) -> Line:
    """A line of the council's words, with its e-mail and web addresses (and Markdown links
    that have a target) as links."""
    spans: list[Span] = []
    at = 0
    for found in sorted(contacts_and_links(text), key=lambda f: f.start):
        if found.start < at:
            continue
        spans.append(_span(text[at : found.start]))
        spans.append(_span(found.text, found.target, show_url=found.kind == "link"))
        at = found.end
    spans.append(_span(text[at:]))
    return tuple(s for s in spans if s.text)


def _text_blocks(text: str) -> list[Block]:
    """The council's words as written, without debris: blank lines separate paragraphs, other
    line breaks are kept, and runs of bulleted lines (``-``, ``*``, ``•``) become lists."""
    blocks: list[Block] = []
    for chunk in re.split(r"\n[ \t]*\n", public(text).strip("\n")):
        lines = [ln.rstrip() for ln in chunk.splitlines() if ln.strip()]
        run: list[str] = []
        run_is_list = False
        for ln in [*lines, None]:
            bullet = re.match(r"^\s*[-*•·]\s+(.*)$", ln) if ln is not None else None
            if run and (ln is None or bool(bullet) != run_is_list):
                if run_is_list:
                    blocks.append(_list(_rich(x) for x in run))
                else:
                    blocks.append(_para(*(_rich(x) for x in run)))
                run = []
            if ln is not None:
                run_is_list = bool(bullet)
                run.append(bullet.group(1) if bullet else ln.strip())
    return blocks


def _join(words: Sequence[str], last: str = "and") -> str:
    words = list(words)
    if len(words) <= 1:
        return "".join(words)
    sep = "; " if any("," in w for w in words) else ", "
    return sep.join(words[:-1]) + f" {last} " + words[-1]


def _address(text: str) -> str:
    """An address on one line: its lines joined with commas."""
    out = ""
    for part in (p.strip().rstrip(",").strip() for p in text.splitlines()):
        if part:
            out += ("" if not out else " " if out.endswith(".") else ", ") + part
    return out


def safe_href(value: str | None) -> str | None:
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


def _norm(text: str) -> str:
    return re.sub(r"[\W_]+", " ", text.lower()).strip()


def _contains(haystack: str, needle: str) -> bool:
    """Does ``haystack`` already say ``needle`` (ignoring case, punctuation and spacing)?"""
    n = _norm(needle)
    return bool(n) and n in _norm(haystack)


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


_MONTHS = (
    *("January", "February", "March", "April", "May", "June"),
    *("July", "August", "September", "October", "November", "December"),
)


def long_date(d: date) -> str:
    return f"{d.day} {_MONTHS[d.month - 1]} {d.year}"


# --------------------------------------------------------------------------------------------
# Wording: only headings and the names of legal provisions are the register's own words
# --------------------------------------------------------------------------------------------

_KIND_HEADINGS: dict[CategoryKind, str] = {
    "personal": "Personal information",
    "special_category": "Special category information (UK GDPR Article 9)",
    "criminal_offence": "Criminal offence information (UK GDPR Article 10)",
}


_ARTICLES = {
    "6": "For personal information (UK GDPR Article 6):",
    "9": "For special category information (UK GDPR Article 9):",
    "10": "For criminal offence information (UK GDPR Article 10):",
    "sch1": "Conditions in Schedule 1 to the Data Protection Act 2018:",
}


# --------------------------------------------------------------------------------------------
# The builder
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Group:
    """Activities that have the same value of something, in document order."""

    names: tuple[str, ...]
    activities: tuple[Activity, ...]


class _Builder:
    def __init__(self, document: NoticeDocument, vocabulary: Vocabulary) -> None:
        self.doc = document
        self.vocab = vocabulary
        self.activities = document.activities
        self.shown: list[str] = []  # the council's texts already shown, so none is repeated

    # -- helpers ---------------------------------------------------------------------------

    def once(self, text: str | None) -> list[Block]:
        """The council's text as blocks, unless the same words were already shown."""
        if not text or not text.strip():
            return []
        if any(_contains(earlier, text) for earlier in self.shown):
            return []
        self.shown.append(text)
        return _text_blocks(text)

    def said(self, text: str) -> bool:
        return any(_contains(earlier, text) for earlier in self.shown)

    def name(self, vocab: str, slug: str) -> str:
        return self.vocab.name(vocab, slug)

    def groups(self, key: Callable[[Activity], object]) -> list[_Group]:
        found: dict[object, list[Activity]] = {}
        for act in self.activities:
            found.setdefault(key(act), []).append(act)
        return [_Group(tuple(a.name for a in acts), tuple(acts)) for acts in found.values()]

    def contact_items(self, contact: Contact, *, skip: str = "") -> list[Item]:
        """A contact's details as the notice gives them, leaving out what ``skip`` or a text
        already shown says."""
        skip = " ".join([skip, *self.shown])
        items: list[Item] = []
        who = ", ".join(x for x in (contact.name, contact.role) if x)
        if who and not _contains(skip, who):
            items.append(Item(spans=(_span(who),)))
        if contact.email and not _contains(skip, contact.email):
            items.append(
                Item(spans=(_span("Email: "), _span(contact.email, _mailto(contact.email))))
            )
        if contact.phone and not _contains(skip, contact.phone):
            items.append(Item(spans=(_span(f"Phone: {contact.phone}"),)))
        if contact.address and not _contains(skip, contact.address):
            items.append(Item(spans=(_span(f"Address: {_address(contact.address)}"),)))
        if contact.url and not _contains(skip, contact.url):
            items.append(
                Item(spans=(_span("Website: "), _span(contact.url, safe_href(contact.url))))
            )
        return items

    # -- sections --------------------------------------------------------------------------

    def intro(self) -> list[Block]:
        notice = self.doc.notice
        blocks: list[Block] = []
        if notice.status == "draft":
            blocks.append(_para("This is a draft. It has not been published."))
        updated = notice.last_updated_as_written or (
            f"Last updated: {long_date(notice.last_updated)}" if notice.last_updated else None
        )
        blocks.append(_para(updated or "Last updated: not stated"))
        blocks += self.once(notice.introduction)
        service = self.doc.service
        blocks += self.once(service.description)
        missing = [s for s in service.sub_services if not self.said(s)]
        if missing:
            blocks += [_para(f"{service.name} includes:"), _list(missing)]
        return blocks

    def who_we_are(self) -> list[Block]:
        blocks: list[Block] = []
        service = self.doc.service
        names = [c.name for c in self.doc.controllers]
        for c in self.doc.controllers:
            items = self.controller_items(c)
            if len(self.doc.controllers) > 1 or items:
                blocks.append(_para((_span(c.name, strong=True),)))
            if items:
                blocks.append(_list(items))
        relation = service.controller_relationship
        if service.relationship_as_written:
            blocks += self.once(service.relationship_as_written)
        elif relation == "sole":
            blocks.append(_para(f"{names[0]} is the data controller."))
        elif relation == "joint":
            blocks.append(_para(f"{_join(names)} are joint controllers."))
        elif relation == "separate":
            blocks.append(_para(f"{_join(names)} are each a separate controller."))
        if service.processor is not None:
            # the council's own words about its processor are not said again in ours
            if service.processor.name not in (service.relationship_as_written or ""):
                blocks.append(
                    _para(f"{service.processor.name} runs this service for {_join(names)}.")
                )
            if service.processor.contact:
                blocks.append(_list(self.contact_items(service.processor.contact)))
        if service.contact is not None:
            items = self.contact_items(service.contact)
            blocks += self.once(service.contact.text)
            if items:
                blocks += [_para(f"Contact {service.name}:"), _list(items)]
        return blocks

    def controller_items(self, c: ControllerDoc) -> list[Item]:
        shown = " ".join(self.shown)
        c = c.model_copy(
            update={
                k: None
                for k in ("address", "phone", "email", "website", "corporate_privacy_notice_url")
                if getattr(c, k) and _contains(shown, getattr(c, k))
            }
        )
        items: list[Item] = []
        if c.address:
            items.append(Item(spans=(_span(f"Address: {_address(c.address)}"),)))
        if c.phone:
            items.append(Item(spans=(_span(f"Phone: {c.phone}"),)))
        if c.email:
            items.append(Item(spans=(_span("Email: "), _span(c.email, _mailto(c.email)))))
        if c.website:
            items.append(Item(spans=(_span("Website: "), _span(c.website, safe_href(c.website)))))
        if c.corporate_privacy_notice_url:
            url = c.corporate_privacy_notice_url
            items.append(Item(spans=(_span("Privacy notice: "), _span(url, safe_href(url)))))
        if c.ico_registration_number:
            items.append(
                Item(spans=(_span(f"ICO registration number: {c.ico_registration_number}"),))
            )
        return items

    def dpo(self) -> list[Block]:
        blocks: list[Block] = []
        several = len(self.doc.controllers) > 1
        for c in self.doc.controllers:
            if c.dpo is None:
                continue
            if several:
                blocks.append(_para((_span(c.name, strong=True),)))
            blocks += self.once(c.dpo.text)
            items = self.contact_items(c.dpo)
            if items:
                blocks.append(_list(items))
        return blocks

    def information(self) -> list[Block]:
        blocks: list[Block] = []
        uses = [s for a in self.activities for s in a.data_subjects]
        # a subject the notice names in its own words somewhere is not named again by its label
        worded = {s.subject for s in uses if s.as_written}
        subjects = list(
            dict.fromkeys(
                _one_line(s.as_written) if s.as_written else self.name("data_subjects", s.subject)
                for s in uses
                if s.as_written or s.subject not in worded
            )
        )
        if subjects:
            blocks += [_para("We hold information about:"), _list(subjects)]
        # one entry per wording: words the council used for several categories (of one kind
        # or several) are listed once, under the first kind they describe, with the examples
        # of all of them
        entries: dict[str, tuple[CategoryKind, list[str]]] = {}
        for act in self.activities:
            for use in act.data_categories:
                kind = use.labelled_as or self.vocab.category_kind(use.category)
                text = (
                    _one_line(public(use.as_written))
                    if use.as_written
                    else self.name("data_categories", use.category)
                )
                _, examples = entries.setdefault(text, (kind, []))
                examples += [
                    e for e in use.examples if not _contains(text, e) and e not in examples
                ]
        by_kind: dict[CategoryKind, list[str]] = {k: [] for k in _KIND_HEADINGS}
        for text, (kind, examples) in entries.items():
            by_kind[kind].append(f"{text} (for example {_join(examples)})" if examples else text)
        for kind, heading in _KIND_HEADINGS.items():
            if by_kind[kind]:
                blocks += [_sub(heading), _list(by_kind[kind])]
        return blocks

    def party_text(self, link: PartyLink) -> str:
        """A source or recipient: the notice's words for it (else the party's name), with
        its examples, the data concerned and its condition where the words do not say them."""
        text = (
            _one_line(public(link.as_written))
            if link.as_written
            else self.name("parties", link.party)
        )
        examples = [e for e in link.examples if not _contains(text, e)]
        if examples:
            text += f" (for example {_join(examples)})"
        data = [
            self.name("data_categories", c)
            for c in link.data_categories
            if not _contains(text, self.name("data_categories", c))
        ]
        if data:
            text += f": {_join(data)}"
        if link.condition and not _contains(text, link.condition):
            text += f", {_one_line(link.condition)}"
        return text

    def parties(self, role: str) -> list[str]:
        return list(
            dict.fromkeys(
                self.party_text(link) for a in self.activities for link in getattr(a, role)
            )
        )

    def sources(self) -> list[Block]:
        found = self.parties("sources")
        return [_para("We get your information from:"), _list(found)] if found else []

    def purposes(self) -> list[Block]:
        blocks: list[Block] = []
        several = len(self.activities) > 1
        for act in self.activities:
            body = self.once(act.description)
            purposes = [p for p in act.purposes if not self.said(p)]
            if not body and not purposes:
                continue
            if several:
                blocks.append(_sub(act.name))
            blocks += body
            if purposes:
                self.shown += purposes
                blocks.append(_list(_rich(_one_line(public(p))) for p in purposes))
        return blocks

    # -- lawful basis ----------------------------------------------------------------------

    def basis_line(self, use: BasisUse, term: LawfulBasisBase | None) -> Line:
        """A basis as the notice words it, or by the meaning of its article letter."""
        code = term.code if term else use.basis
        if use.as_written:
            return (
                _span(code, strong=True),
                _span(": "),
                *_rich(_one_line(public(use.as_written))),
            )
        meaning = (term.plain or term.name) if term else ""
        return (_span(code, strong=True), _span(f": {meaning}" if meaning else ""))

    def bases(self, act: Activity) -> list[Block]:
        terms = [(use, self.vocab.basis(use.basis)) for use in act.lawful_bases]
        by_article: dict[str, list[Item]] = {k: [] for k in _ARTICLES}
        paired: set[int] = set()
        for i, (use, term) in enumerate(terms):
            if term is None or term.article not in ("9", "10"):
                continue
            children = []
            for j, (other, other_term) in enumerate(terms):
                if (
                    other_term is not None
                    and other_term.article == "sch1"
                    and use.basis in other.supports
                ):
                    children.append(Item(spans=self.basis_line(other, other_term)))
                    paired.add(j)
            by_article[term.article].append(
                Item(spans=self.basis_line(use, term), children=tuple(children))
            )
            paired.add(i)
        for i, (use, term) in enumerate(terms):
            if i in paired:
                continue
            article = term.article if term is not None else "6"
            by_article[article].append(Item(spans=self.basis_line(use, term)))
        blocks: list[Block] = []
        for article, lead in _ARTICLES.items():
            if by_article[article]:
                blocks += [_para(lead), _list(by_article[article])]
        if act.consent_dependent:
            blocks.append(_para("This depends on your consent."))
        return blocks

    def statute_line(self, citation: StatuteCitation) -> Line:
        """A citation as the notice cites it, linked to the instrument it names."""
        term = self.vocab.statute(citation.statute) if citation.statute else None
        cited = _one_line(public(citation.cited_as))
        spans = [_span(cited, safe_href(term.uri) if term else None, show_url=False)]
        missing = [p for p in citation.provisions if not _contains(cited, p)]
        for i, provision in enumerate(missing):
            spans.append(_span(": " if i == 0 else ", "))
            spans.append(_span(provision, provision_uri(term, provision), show_url=False))
        return tuple(spans)

    def lawful_basis(self) -> list[Block]:
        def key(act: Activity) -> object:
            return (
                tuple(b.model_dump_json() for b in act.lawful_bases),
                tuple(s.model_dump_json() for s in act.statutes),
                act.consent_dependent,
            )

        groups = [
            g for g in self.groups(key) if g.activities[0].lawful_bases or g.activities[0].statutes
        ]
        blocks: list[Block] = []
        for group in groups:
            act = group.activities[0]
            if len(groups) > 1:
                blocks.append(_sub(_join(group.names)))
            blocks += self.bases(act)
            laws = [s for s in act.statutes if s.kind_as_cited == "law"]
            guidance = [s for s in act.statutes if s.kind_as_cited == "guidance"]
            if laws:
                blocks += [_para("The law:"), _list(self.statute_line(s) for s in laws)]
            if guidance:
                blocks += [_para("Guidance:"), _list(self.statute_line(s) for s in guidance)]
        return blocks

    # -- sharing ---------------------------------------------------------------------------

    def sharing(self) -> list[Block]:
        blocks: list[Block] = []
        recipients = self.parties("recipients")
        if recipients:
            blocks += [_para("We may share your information with:"), _list(recipients)]
        seen: set[str] = set()
        for act in self.activities:
            for arr in act.sharing_arrangements:
                key = arr.model_dump_json()
                if key in seen:
                    continue
                seen.add(key)
                blocks.append(_sub(arr.name))
                blocks += self.once(arr.description)
                items: list[str] = []
                others = [
                    self.name("parties", p)
                    for p in arr.parties
                    if not any(_contains(r, self.name("parties", p)) for r in recipients)
                ]
                if others:
                    items.append(f"Shared with: {_join(others)}")
                if arr.pseudonymised and not self.said("pseudonymised"):
                    items.append("The information is pseudonymised.")
                end = arr.end_date_as_written or (long_date(arr.end_date) if arr.end_date else None)
                if end and not self.said(end):
                    items.append(f"Until: {end}")
                if arr.agreement_url:
                    items.append(f"Agreement: {arr.agreement_url}")
                if items:
                    blocks.append(_list(items))
        return blocks

    def transfers(self) -> list[Block]:
        blocks: list[Block] = []
        for act in self.activities:
            t = act.transfers
            if t is None:
                continue
            text = self.once(t.text)
            blocks += text
            if not text and t.text is None and t.occurs == "no" and not self.said("no-transfer"):
                self.shown.append("no-transfer")
                blocks.append(_para("We do not send your information outside the UK."))
            items = []
            places = [d for d in t.destinations if not self.said(d)]
            if places:
                items.append(f"Where: {_join(places)}")
            if t.safeguards and not self.said(t.safeguards):
                self.shown.append(t.safeguards)
                items.append(f"Safeguards: {_one_line(t.safeguards)}")
            if items:
                blocks.append(_list(items))
        return blocks

    def automated(self) -> list[Block]:
        blocks: list[Block] = []
        for act in self.activities:
            adm = act.automated_decision_making
            if adm is None:
                continue
            text = self.once(adm.text)
            blocks += text
            if not text and adm.text is None and not adm.used and not self.said("no-adm"):
                self.shown.append("no-adm")
                blocks.append(_para("We do not make decisions about you by automated means only."))
        return blocks

    def retention(self) -> list[Block]:
        blocks: list[Block] = []
        for act in self.activities:
            for rule in act.retention:
                blocks += self.once(rule.text)
        return blocks

    def rights(self) -> list[Block]:
        notice = self.doc.notice
        items: list[Item] = []
        for right in notice.rights:
            label = RIGHT_NAMES[right.right]
            if right.text and not self.said(right.text):
                self.shown.append(right.text)
                words = _rich(_one_line(public(right.text)))
                if re.match(r"\s*(?:the\s+|your\s+)?rights?\b", right.text, re.IGNORECASE):
                    # the council's words name the right themselves: not twice
                    items.append(Item(spans=words))
                else:
                    items.append(Item(spans=(_span(label, strong=True), _span(": "), *words)))
            else:
                items.append(Item(spans=(_span(label),)))
        blocks: list[Block] = [_list(items)] if items else []
        return blocks + self.once(notice.rights_text)

    def complaint(self) -> list[Block]:
        complaint = self.doc.notice.complaint
        if complaint is None:
            return []
        blocks = self.once(complaint.text)
        written = complaint.text or ""
        for contact in (complaint.contact_first, complaint.ico_contact):
            if contact is not None:
                items = self.contact_items(contact, skip=written)
                if items:
                    blocks.append(_list(items))
        return blocks

    def changes(self) -> list[Block]:
        notice = self.doc.notice
        if not notice.version or notice.version < 2 or not notice.change_summary:
            return []
        return [_para(f"Version {notice.version}:"), *self.once(notice.change_summary)]

    def build(self) -> NoticeView:
        notice = self.doc.notice
        intro = self.intro()
        plan: list[tuple[str, str, list[Block]]] = [
            ("who-we-are", "Who we are", self.who_we_are()),
            ("dpo", "Our Data Protection Officer", self.dpo()),
            ("information", "What information we use", self.information()),
            ("purposes", "Why we use your information", self.purposes()),
            ("lawful-basis", "Our lawful basis", self.lawful_basis()),
            ("sources", "Where we get your information from", self.sources()),
            ("sharing", "Who we share your information with", self.sharing()),
            ("transfers", "Sending your information outside the UK", self.transfers()),
            ("retention", "How long we keep your information", self.retention()),
            ("automated-decisions", "Automated decision-making", self.automated()),
            (
                "provision",
                "Do you have to give us your information?",
                self.once(notice.provision_requirement),
            ),
            ("rights", "Your rights", self.rights()),
            ("complaints", "How to complain", self.complaint()),
            ("security", "How we keep your information secure", self.once(notice.security)),
            ("cookies", "Cookies", self.once(notice.cookies)),
        ]
        for other in notice.other_sections:
            plan.append((_slug(other.heading), other.heading, self.once(other.text)))
        plan.append(("changes", "Changes to this notice", self.changes()))
        sections: list[SectionView] = []
        used: set[str] = set()
        for ident, heading, blocks in plan:
            if not blocks:
                continue
            unique, n = ident or "section", 2
            while unique in used:
                unique, n = f"{ident}-{n}", n + 1
            used.add(unique)
            sections.append(SectionView(id=unique, heading=heading, blocks=tuple(blocks)))
        return NoticeView(title=notice.title, intro=tuple(intro), sections=tuple(sections))


def build_view(document: NoticeDocument, vocabulary: Vocabulary) -> NoticeView:
    """The format-neutral view model of a notice."""
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
            text = Markup('<a class="govuk-link" href="{}">{}</a>').format(s.url, text)
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
    embedded: bool = True,
    after_title: Markup = Markup(""),
) -> str:
    """The privacy-notice text of ``document`` in ``fmt``.

    HTML is an ``<article>`` with GOV.UK Frontend's classes. ``embedded`` (the default) makes
    it a fragment for a council's own page: the title is an ``<h2>`` and it carries the least
    styling it needs under browser defaults. ``embedded=False`` gives the content of a page in
    the GOV.UK layout (``app.web.notice_page``): the title is the ``<h1>``, with ``after_title``
    (trusted HTML) just below it.
    """
    if fmt not in _TEMPLATES:
        raise ValueError(f"unknown format {fmt!r}; expected one of {sorted(_TEMPLATES)}")
    view = build_view(document, vocabulary)
    template = _ENV.get_template(_TEMPLATES[fmt])
    if fmt == "html":
        html = template.render(view=view, embedded=embedded, after_title=after_title)
        return _tidy(html, blank=False)
    return _tidy(template.render(view=view))
