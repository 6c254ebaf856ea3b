"""The privacy notice as a page of its own, in the GOV.UK layout.

The notice's text is app/notices/render.py's (the same article a council embeds, with the
title as the ``<h1>``); the page adds what the register knows: the council and the service in
the header, the version and the date it took effect, and links to the version history in the
public register (app/web/register.py).
"""

from __future__ import annotations

from markupsafe import Markup

from app.notices.render import long_date, render_notice, safe_href
from app.register.document import NoticeDocument
from app.register.vocabulary import Vocabulary
from app.web.pages import Breadcrumb, Council, Service, render_page


def council_of(document: NoticeDocument) -> Council:
    """The controllers of a notice as the header names them (joint controllers together)."""
    controllers = document.controllers
    names = [c.name for c in controllers]
    name = names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]
    return Council(name, safe_href(controllers[0].website) if len(controllers) == 1 else None)


def register_urls(document: NoticeDocument) -> tuple[str, str]:
    """The register's pages of the notice's (first) council and of its service."""
    council = f"/register/{document.service.controllers[0]}"
    return council, f"{council}/services/{document.service.id}"


def page_title(document: NoticeDocument) -> str:
    """ "Privacy notice: <service> – <council>"."""
    return f"Privacy notice: {document.service.name} – {council_of(document).name}"


def notice_page(document: NoticeDocument, vocabulary: Vocabulary) -> str:
    """A whole page: the notice of ``document`` (with the register's fields set)."""
    notice = document.notice
    council = council_of(document)
    council_url, service_url = register_urls(document)
    facts = []
    if notice.version is not None:
        facts.append(Markup("Version {}").format(notice.version))
    if notice.effective_from is not None:
        facts.append(
            Markup('in effect from <time datetime="{}">{}</time>').format(
                notice.effective_from.isoformat(), long_date(notice.effective_from)
            )
        )
    meta = Markup(
        '<p class="govuk-body-s ropa-notice-meta">{facts}{sep}'
        '<a class="govuk-link" href="{history}">Version history and what changed</a></p>'
    ).format(
        facts=Markup(", ").join(facts),
        sep=Markup(". ") if facts else "",
        history=f"{service_url}#versions",
    )
    article = render_notice(document, vocabulary, fmt="html", embedded=False, after_title=meta)
    return render_page(
        title=page_title(document),
        council=council,
        service=Service(document.service.name, service_url),
        breadcrumbs=[
            Breadcrumb("Register", "/register"),
            Breadcrumb(document.controllers[0].name, council_url),
            Breadcrumb(document.service.name, service_url),
            Breadcrumb("Privacy notice"),
        ],
        # GOV.UK's reading width: two thirds of the page on a wide screen.
        content=Markup(
            '<div class="govuk-grid-row"><div class="govuk-grid-column-two-thirds">\n{}</div></div>'
        ).format(Markup(article)),
    )
