"""The legal rules about an activity's conditions for processing: one set, pure.

The checks (findings on a notice), the lookup (warnings on an answer) and the ROPA export (the
"Missing required items" column) all call these functions, so they always agree. Each returns
:class:`Breach` objects, which say which rule, which categories and which lawful bases (by their
position in the activity) are concerned; each caller words them its own way.

The law (UK GDPR Arts 6, 9, 10; DPA 2018 ss.10-11 and Schedule 1):

- special category data need an Art 9(2) condition;
- Art 9(2)(b), (h), (i) and (j) are met only with a Schedule 1 Part 1 condition, and (g) only
  with a Part 2 condition (s.10(2)-(3)); a Schedule 1 condition supports only the Art 9(2)
  condition(s) it is written for (para 1 employment and social security: (b); para 2 health or
  social care: (h); para 3 public health: (i); para 4 research: (j); Part 2: (g));
- criminal offence data need a Schedule 1 Part 1, 2 or 3 condition (s.10(5), s.11(2)); naming
  Art 10 alone does not meet it;
- Schedule 1 para 36 extends the Part 2 conditions, so it needs the Part 2 condition it extends;
- points (ea) and (f) of Art 6(1) do not apply to public authorities performing their tasks.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Literal

from app.register.document import Activity, NoticeDocument
from app.register.vocabulary import LawfulBasisBase, Vocabulary

RuleId = Literal[
    "special-without-art9",
    "art9-without-schedule1",
    "schedule1-cannot-support",
    "para36-without-part2",
    "criminal-without-condition",
    "public-authority-legitimate-interests",
    "consent-without-withdrawal",
]
#: The rules about conditions for special category and criminal offence data: what the
#: lookup warns of and the export counts as missing.
CONDITION_RULES: tuple[RuleId, ...] = (
    "special-without-art9",
    "art9-without-schedule1",
    "schedule1-cannot-support",
    "para36-without-part2",
    "criminal-without-condition",
)
PARA_36 = 36


@dataclass(frozen=True)
class Breach:
    rule: RuleId
    #: Positions in the activity's ``lawful_bases`` concerned (empty: the activity as a whole).
    bases: tuple[int, ...] = ()
    #: Data categories concerned.
    categories: tuple[str, ...] = ()
    #: The Schedule 1 Part needed, for ``art9-without-schedule1``.
    part: int | None = None
    #: The conditions a Schedule 1 condition is paired with but cannot support, for
    #: ``schedule1-cannot-support``.
    targets: tuple[str, ...] = ()


@dataclass(frozen=True)
class Basis:
    position: int
    term: LawfulBasisBase
    supports: tuple[str, ...]

    @property
    def slug(self) -> str:
        return self.term.slug


def bases(activity: Activity, vocabulary: Vocabulary) -> list[Basis]:
    """The activity's known lawful bases, with their positions."""
    out = []
    for i, use in enumerate(activity.lawful_bases):
        term = vocabulary.basis(use.basis)
        if term is not None:
            out.append(Basis(i, term, tuple(use.supports)))
    return out


def categories(activity: Activity) -> list[str]:
    """Every data category the activity names, including those of its sources and
    recipients, once each, in order."""
    found = [c.category for c in activity.data_categories]
    for link in (*activity.sources, *activity.recipients):
        found += link.data_categories
    return list(dict.fromkeys(found))


def art6_letter(term: LawfulBasisBase) -> str | None:
    """'a' … 'f', 'ea' for an Art 6(1) basis."""
    if term.article != "6":
        return None
    return term.slug.rsplit("-", 1)[-1]


def is_consent(term: LawfulBasisBase) -> bool:
    return term.slug in ("art6-1-a", "art9-2-a") or (
        term.article == "sch1" and term.schedule1_paragraph == 29
    )


def _supports(sch1: Basis, target: str) -> bool:
    """Whether a Schedule 1 condition counts for ``target`` (an Art 9 slug or 'art10'): it must
    be able to support it, and if the notice paired it with something, with that."""
    if target not in sch1.term.pairs_with:
        return False
    return not sch1.supports or target in sch1.supports


def condition_breaches(
    activity: Activity, vocabulary: Vocabulary, *, only: Iterable[str] | None = None
) -> list[Breach]:
    """Breaches of the rules on special category and criminal offence data. ``only``: the data
    categories to judge (default: all the activity names)."""
    named = categories(activity) if only is None else list(only)
    special = tuple(c for c in named if vocabulary.category_kind(c) == "special_category")
    criminal = tuple(c for c in named if vocabulary.category_kind(c) == "criminal_offence")
    listed = bases(activity, vocabulary)
    art9 = [b for b in listed if b.term.article == "9"]
    sch1 = [b for b in listed if b.term.article == "sch1"]
    out: list[Breach] = []
    if special and not art9:
        out.append(Breach("special-without-art9", categories=special))
    for b in sch1:
        wrong = [s for s in b.supports if s not in b.term.pairs_with]
        if wrong:
            out.append(
                Breach("schedule1-cannot-support", bases=(b.position,), targets=tuple(wrong))
            )
        if b.term.schedule1_paragraph == PARA_36 and not any(
            s.term.schedule1_part == 2 for s in sch1
        ):
            out.append(Breach("para36-without-part2", bases=(b.position,)))
    if special:
        for b in art9:
            part = b.term.requires_schedule1_part
            if part is None:
                continue
            if not any(s.term.schedule1_part == part and _supports(s, b.slug) for s in sch1):
                out.append(
                    Breach(
                        "art9-without-schedule1", bases=(b.position,), categories=special, part=part
                    )
                )
    if criminal and not any(_supports(s, "art10") for s in sch1):
        out.append(Breach("criminal-without-condition", categories=criminal))
    return out


def legitimate_interests_breaches(
    activity: Activity, vocabulary: Vocabulary, *, public_authority: bool
) -> list[Breach]:
    if not public_authority:
        return []
    return [
        Breach("public-authority-legitimate-interests", bases=(b.position,))
        for b in bases(activity, vocabulary)
        if art6_letter(b.term) in ("f", "ea")
    ]


def consent_without_withdrawal(
    document: NoticeDocument, vocabulary: Vocabulary
) -> list[tuple[int, Breach]]:
    """(activity position, breach) for activities relying on consent in a notice that does
    not say consent can be withdrawn."""
    if any(r.right == "withdraw_consent" for r in document.notice.rights):
        return []
    return [
        (i, Breach("consent-without-withdrawal", bases=(b.position,)))
        for i, act in enumerate(document.activities)
        for b in bases(act, vocabulary)
        if is_consent(b.term)
    ]


# --- rights the bases give -------------------------------------------------------------------

#: Rights that apply whatever the basis (ICO, "Lawful basis for processing").
ALWAYS = frozenset({"access", "rectification", "restriction"})


def rights_given(letters: Sequence[str]) -> frozenset[str]:
    """The Art 15-21 rights that apply given the Art 6(1) bases relied on: objection with (e),
    (f) and (ea); erasure with (a), (b), (d), (f) and (ea) (and generally not with (c) or (e));
    portability only with (a) and (b)."""
    given = set(ALWAYS)
    if set(letters) & {"e", "f", "ea"}:
        given.add("objection")
    if set(letters) & {"a", "b", "d", "f", "ea"}:
        given.add("erasure")
    if set(letters) & {"a", "b"}:
        given.add("portability")
    return frozenset(given)
