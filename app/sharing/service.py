"""The lawful-basis lookup: is disclosing these data categories to this recipient documented?

A case-management system asks this before sharing a record. The answer is worked out from the
notice documents of the published versions in effect on a date (one service's, or every
service of a controller), which the register keeps in memory, and the vocabulary. It is pure:
the router finds the versions and their documents.

Coverage. A requested category C is covered by an activity that lists the recipient (or one of
its parents) when C or an ancestor of C is among the activity's data categories; when the
recipient link names its own data categories, those are the categories that go to that
recipient, and C or an ancestor must be among them instead. A broader category is *not*
covered by a narrower one (asking about all health data is not answered by an activity that
shares mental-health data only); such narrower matches are reported as
``narrower_documented``.

The legal warnings come from :mod:`app.register.rules`, the rules the checks and the export use.
The answer reports what the register documents. It never says a disclosure is lawful.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from app.register import rules
from app.register.citations import provision_uri
from app.register.document import Activity, NoticeDocument, PartyLink
from app.register.vocabulary import Vocabulary
from app.sharing.schemas import (
    BasisRef,
    CategoryCoverage,
    LawfulBases,
    LawfulBasisAnswer,
    LookupWarning,
    MatchedActivity,
    ProvisionRef,
    RecipientLinkRef,
    RecipientRef,
    RetentionRef,
    ServiceAnswer,
    StatuteRef,
)

STATEMENT_SERVICE = (
    "This reports what the register documents for this service; it is not a legal judgement "
    "that a disclosure is lawful."
)
STATEMENT_CONTROLLER = (
    "This reports what the register documents for the services of this controller; it is not "
    "a legal judgement that a disclosure is lawful."
)

#: The lookup's warning code for each rule about conditions.
WARNING_CODES: dict[str, str] = {
    "special-without-art9": "special-category-without-art9-condition",
    "art9-without-schedule1": "art9-condition-without-schedule1-condition",
    "schedule1-cannot-support": "schedule1-condition-cannot-support",
    "para36-without-part2": "schedule1-para36-without-part2-condition",
    "criminal-without-condition": "criminal-offence-without-condition",
}


@dataclass(frozen=True)
class Consulted:
    """A published version in effect, and its document."""

    service_id: str
    version: int
    effective_from: date | None
    document: NoticeDocument


def basis_ref(vocabulary: Vocabulary, slug: str, as_written: str | None) -> BasisRef:
    term = vocabulary.basis(slug)
    return BasisRef(
        slug=slug,
        code=term.code if term else slug,
        name=term.name if term else slug,
        uri=term.uri if term else None,
        as_written=as_written,
    )


def split_bases(vocabulary: Vocabulary, activity: Activity) -> LawfulBases:
    lists: dict[str, list[BasisRef]] = {"6": [], "9": [], "10": [], "sch1": []}
    for use in activity.lawful_bases:
        term = vocabulary.basis(use.basis)
        lists[term.article if term else "6"].append(
            basis_ref(vocabulary, use.basis, use.as_written)
        )
    return LawfulBases(art6=lists["6"], art9=lists["9"], art10=lists["10"], schedule1=lists["sch1"])


def statute_refs(vocabulary: Vocabulary, activity: Activity) -> list[StatuteRef]:
    out = []
    for citation in activity.statutes:
        term = vocabulary.statute(citation.statute) if citation.statute else None
        out.append(
            StatuteRef(
                cited_as=citation.cited_as,
                statute=citation.statute,
                title=term.title if term else None,
                uri=term.uri if term else None,
                kind_as_cited=citation.kind_as_cited,
                provisions=[
                    ProvisionRef(text=p, uri=provision_uri(term, p)) for p in citation.provisions
                ],
            )
        )
    return out


def _recipient_ref(vocabulary: Vocabulary, slug: str) -> RecipientRef:
    term = vocabulary.parties[slug]
    return RecipientRef(
        slug=slug,
        name=term.name,
        kind=term.kind,
        parents=list(vocabulary.ancestors("parties", slug)[1:]),
        replaced_by=term.replaced_by,
        replaced_on=term.replaced_on,
    )


def _replaced(vocabulary: Vocabulary, slug: str, activity: str | None) -> LookupWarning | None:
    term = vocabulary.party(slug)
    if term is None or term.replaced_by is None:
        return None
    when = f" on {term.replaced_on.isoformat()}" if term.replaced_on else ""
    where = f"Activity '{activity}' names" if activity else "The recipient is"
    return LookupWarning(
        code="recipient-replaced",
        detail=f"{where} '{term.name}', which was replaced by "
        f"'{vocabulary.name('parties', term.replaced_by)}' ({term.replaced_by}){when}.",
        activity=activity,
    )


def _rule_warning(
    vocabulary: Vocabulary, activity: Activity, public_id: str, breaches: list[rules.Breach]
) -> LookupWarning:
    """One warning for an activity's breaches of one rule."""
    rule = breaches[0].rule
    codes = ", ".join(
        t.code
        for b in breaches
        for j in b.bases
        if (t := vocabulary.basis(activity.lawful_bases[j].basis))
    )
    categories = list(dict.fromkeys(c for b in breaches for c in b.categories))
    data = ", ".join(categories)
    several = sum(len(b.bases) for b in breaches) > 1
    detail = {
        "special-without-art9": f"Special category data ({data}) is requested but activity "
        f"'{public_id}' names no Art 9 condition.",
        "art9-without-schedule1": f"Activity '{public_id}' relies on {codes}, which "
        f"need{'' if several else 's'} a DPA 2018 Schedule 1 condition of the right Part that "
        "supports it, and names none.",
        "schedule1-cannot-support": f"Activity '{public_id}' pairs {codes} with a condition it "
        "cannot support.",
        "para36-without-part2": f"Activity '{public_id}' relies on {codes}, which extends a "
        "Schedule 1 Part 2 condition, and names none.",
        "criminal-without-condition": f"Criminal offence data ({data}) is requested but activity "
        f"'{public_id}' names no Art 10 or DPA 2018 Schedule 1 condition.",
    }[rule]
    return LookupWarning(
        code=WARNING_CODES[rule],
        detail=detail,
        activity=public_id,
        data_category=categories[0] if categories else None,
    )


def lookup(
    *,
    consulted: Sequence[Consulted],
    vocabulary: Vocabulary,
    at: date,
    recipient: str,
    data_categories: Sequence[str],
    purpose: str | None = None,
    service_id: str | None = None,
    controller: str | None = None,
) -> LawfulBasisAnswer:
    """The register's answer about the ``consulted`` versions (one service's, or a
    controller's). The recipient and categories must be known terms."""
    requested = list(dict.fromkeys(data_categories))
    recipients = set(vocabulary.ancestors("parties", recipient))
    chains = {c: set(vocabulary.ancestors("data_categories", c)) for c in requested}
    needle = (purpose or "").strip().casefold()

    warnings: list[LookupWarning] = []
    replaced = _replaced(vocabulary, recipient, None)
    if replaced:
        warnings.append(replaced)
    narrower: dict[str, set[str]] = defaultdict(set)
    activities: list[MatchedActivity] = []
    for source in sorted(consulted, key=lambda c: c.service_id):
        for activity in source.document.activities:
            links: list[PartyLink] = [r for r in activity.recipients if r.party in recipients]
            if not links:
                continue
            if needle and not any(needle in p.casefold() for p in activity.purposes):
                continue
            own = {c.category for c in activity.data_categories}
            scopes = [set(link.data_categories) or own for link in links]
            covered = [c for c in requested if any(scope & chains[c] for scope in scopes)]
            for c in requested:
                if c not in covered:
                    narrower[c].update(
                        d
                        for scope in scopes
                        for d in scope
                        if d != c and c in vocabulary.ancestors("data_categories", d)
                    )
            if not covered:
                continue
            public_id = f"{source.service_id}.{activity.id}"
            by_rule: dict[str, list[rules.Breach]] = defaultdict(list)
            for breach in rules.condition_breaches(activity, vocabulary, only=covered):
                by_rule[breach.rule].append(breach)
            warnings += [
                _rule_warning(vocabulary, activity, public_id, found) for found in by_rule.values()
            ]
            for arrangement in activity.sharing_arrangements:
                concerns = not arrangement.parties or any(
                    p in recipients or recipient in vocabulary.ancestors("parties", p)
                    for p in arrangement.parties
                )
                if concerns and arrangement.end_date and arrangement.end_date < at:
                    written = (
                        f" ('{arrangement.end_date_as_written}')"
                        if arrangement.end_date_as_written
                        else ""
                    )
                    warnings.append(
                        LookupWarning(
                            code="sharing-arrangement-ended",
                            detail=f"The sharing arrangement '{arrangement.name}' of activity "
                            f"'{public_id}' ended on {arrangement.end_date.isoformat()}{written}.",
                            activity=public_id,
                        )
                    )
            for party in dict.fromkeys(link.party for link in links):
                if party != recipient and (w := _replaced(vocabulary, party, public_id)):
                    warnings.append(w)
            activities.append(
                MatchedActivity(
                    id=public_id,
                    service_id=source.service_id,
                    name=activity.name,
                    purposes=activity.purposes,
                    notice_version=source.version,
                    effective_from=source.effective_from,
                    notice_url=f"/v1/services/{source.service_id}/notice?version={source.version}",
                    covers=covered,
                    recipient_links=[
                        RecipientLinkRef(
                            party=link.party,
                            name=vocabulary.name("parties", link.party),
                            condition=link.condition,
                            as_written=link.as_written,
                            data_categories=link.data_categories,
                        )
                        for link in links
                    ],
                    conditions=list(dict.fromkeys(lk.condition for lk in links if lk.condition)),
                    consent_dependent=activity.consent_dependent,
                    lawful_bases=split_bases(vocabulary, activity),
                    statutes=statute_refs(vocabulary, activity),
                    retention=[
                        RetentionRef(
                            trigger=r.trigger,
                            duration=r.duration,
                            applies_to=r.applies_to,
                            text=r.text,
                        )
                        for r in activity.retention
                    ],
                )
            )

    covering: dict[str, list[str]] = {c: [] for c in requested}
    for matched in activities:
        for c in matched.covers:
            covering[c].append(matched.id)
    not_covered = [c for c in requested if not covering[c]]
    services = []
    for source in sorted(consulted, key=lambda c: c.service_id):
        here = {c for a in activities if a.service_id == source.service_id for c in a.covers}
        missing = [c for c in requested if c not in here]
        services.append(
            ServiceAnswer(
                service_id=source.service_id,
                notice_version=source.version,
                effective_from=source.effective_from,
                documented=not missing,
                not_covered=missing,
            )
        )
    return LawfulBasisAnswer(
        statement=STATEMENT_SERVICE if service_id else STATEMENT_CONTROLLER,
        at=at,
        service_id=service_id,
        controller=controller,
        recipient=_recipient_ref(vocabulary, recipient),
        data_categories=requested,
        purpose=purpose,
        documented=not not_covered,
        not_covered=not_covered,
        coverage=[
            CategoryCoverage(
                data_category=c,
                name=vocabulary.name("data_categories", c),
                kind=vocabulary.category_kind(c),
                documented=bool(covering[c]),
                activities=covering[c],
                narrower_documented=sorted(narrower[c]) if not covering[c] else [],
            )
            for c in requested
        ],
        activities=activities,
        warnings=warnings,
        services=services,
    )
