"""The app as ``ropa serve`` runs it, plus two test-only pages, for the browser tests.

uvicorn runs ``create_app`` (``--factory``) in a subprocess; the routes below exist only here:

- ``/_test/layout``: a demo page in the GOV.UK layout (app/web/pages.py), with breadcrumbs,
  footer links and the strings that must wrap at 320 CSS px;
- ``/_test/host/{service_id}``: a minimal council web page that includes the notice fragment
  (``/v1/services/{id}/notice/render``), fetched over HTTP from this server as a council's
  website would (a CMS include), in a page with no styles of its own.
"""

from __future__ import annotations

import httpx
from fastapi import FastAPI, Request
from fastapi.responses import HTMLResponse
from markupsafe import Markup, escape

from app.main import create_app as create_product_app
from app.web.pages import Breadcrumb, Council, Link, Service, page_response, render_page

LONG_EMAIL = (
    "information.governance.and.data.protection.officer"
    "@cambridgeshirepeterborough-nhs.example.gov.uk"
)
LONG_URL = (
    "https://www.example-council.gov.uk/council-and-democracy/data-protection-and-freedom-of-"
    "information/privacy-notices/children-and-families/early-help-privacy-notice?version=2026-11"
)

DEMO_CONTENT = Markup(f"""\
<h1 class="govuk-heading-xl">Early Help privacy notice</h1>
<p class="govuk-body-l">How the council uses information about you and your family when you
get help from the Early Help service.</p>
<h2 class="govuk-heading-m">Contact the data protection officer</h2>
<p class="govuk-body">E-mail <a class="govuk-link" href="mailto:{LONG_EMAIL}">{LONG_EMAIL}</a>
or write to the address on <a class="govuk-link" href="{LONG_URL}">{LONG_URL}</a>.</p>
<p class="govuk-body">As plain text: {LONG_EMAIL}</p>
<h2 class="govuk-heading-m">Who we share it with</h2>
<ul class="govuk-list govuk-list--bullet">
<li>schools and early years settings</li>
<li>the police, when there is a risk of harm</li>
</ul>
<table class="govuk-table">
<caption class="govuk-table__caption govuk-table__caption--m">Retention</caption>
<thead class="govuk-table__head"><tr class="govuk-table__row">
<th scope="col" class="govuk-table__header">Record</th>
<th scope="col" class="govuk-table__header">Kept for</th></tr></thead>
<tbody class="govuk-table__body">
<tr class="govuk-table__row"><td class="govuk-table__cell">Early Help assessment</td>
<td class="govuk-table__cell">until the child is 25</td></tr>
<tr class="govuk-table__row"><td class="govuk-table__cell">Contact: {LONG_EMAIL}</td>
<td class="govuk-table__cell">6 years</td></tr>
</tbody>
</table>
<details class="govuk-details">
<summary class="govuk-details__summary">
<span class="govuk-details__summary-text">Your rights</span></summary>
<div class="govuk-details__text">You can ask for a copy of the information we hold about you.</div>
</details>
""")

COUNCIL = Council("Example Borough Council", "https://www.example-council.gov.uk/")
HOST_PAGE = """<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Privacy notice – {council}</title>
</head>
<body>
<header><p>{council}</p></header>
<main>
<h1>Privacy notice</h1>
{fragment}
</main>
</body>
</html>
"""


def create_app() -> FastAPI:
    app = create_product_app()

    @app.get("/_test/layout", include_in_schema=False)
    def layout_demo() -> HTMLResponse:
        return page_response(
            render_page(
                title="Early Help privacy notice – Early Help – Example Borough Council",
                council=COUNCIL,
                service=Service("Early Help", "/_test/layout"),
                breadcrumbs=[
                    Breadcrumb("Home", "https://www.example-council.gov.uk/"),
                    Breadcrumb("Privacy notices", "/_test/layout"),
                    Breadcrumb("Early Help privacy notice"),
                ],
                footer_links=[
                    Link("Accessibility statement", "/_test/layout#accessibility"),
                    Link("Cookies", "/_test/layout#cookies"),
                ],
                content=DEMO_CONTENT,
            )
        )

    @app.get("/_test/host/{service_id}", include_in_schema=False)
    def host_page(request: Request, service_id: str) -> HTMLResponse:
        url = str(request.base_url) + f"v1/services/{service_id}/notice/render"
        fragment = httpx.get(url, headers={"Accept": "text/html"}, timeout=30)
        fragment.raise_for_status()
        return HTMLResponse(HOST_PAGE.format(council=escape(COUNCIL.name), fragment=fragment.text))

    return app
