"""The public register as HTML pages in the GOV.UK layout (outside the OpenAPI schema):

- ``/register``: the councils;
- ``/register/{council}``: its services, each with its notice in effect today;
- ``/register/{council}/services/{service}``: the notice (current, and every published version
  with its dates and what changed);
- ``/register/{council}/ropa``: the council's record of processing activities as a table,
  with CSV and JSON downloads.

Every fact comes from the register's own service functions (app/register/service.py) and the
ROPA export (app/exports/service.py); these pages only lay them out.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse
from jinja2 import Environment, FileSystemLoader, StrictUndefined
from markupsafe import Markup
from sqlmodel import Session
from starlette.concurrency import run_in_threadpool

from app.deps import SlugPath
from app.errors import NotFound
from app.exports.service import Export
from app.notices.diff import diff_documents
from app.notices.render import long_date, safe_href
from app.register import service as svc
from app.register import store
from app.register.api import current_state
from app.register.current import State
from app.register.models import Controller, NoticeVersion
from app.web.pages import TEMPLATES_DIR, Breadcrumb, Council, Service, layout_assets, page_response

router = APIRouter(prefix="/register", include_in_schema=False)

REGISTER = "Register of processing activities"
#: Councils and services listed on one page (the seed has 5 and 5; a page of 1,000 is ~200 KB).
MOST = 1000
#: The ROPA table's row headers: the column naming each processing activity.
ROW_HEADER = "activity_name"

_ENV = Environment(
    loader=FileSystemLoader(TEMPLATES_DIR),
    autoescape=True,
    undefined=StrictUndefined,
    trim_blocks=True,
    lstrip_blocks=True,
    keep_trailing_newline=True,
)
_ENV.filters["long_date"] = long_date


def _page(template: str, *, title: str, breadcrumbs: list[Breadcrumb], **values: Any) -> str:
    return _ENV.get_template(f"register/{template}").render(
        title=title,
        council=values.pop("council", Council(REGISTER)),
        service=values.pop("service", Service(REGISTER, "/register")),
        breadcrumbs=breadcrumbs,
        footer_links=[],
        content=Markup(""),
        assets=layout_assets(),
        **values,
    )


def _council(row: Controller) -> Council:
    return Council(row.name, safe_href(row.website))


def _crumbs(*crumbs: Breadcrumb) -> list[Breadcrumb]:
    return [Breadcrumb("Register", "/register"), *crumbs]


async def _run(request: Request, work: Any) -> str:
    """``work(session, state)`` in a worker thread, on a session of its own."""
    state = await current_state(request)

    def run() -> str:
        with Session(request.app.state.engine) as session:
            return str(work(session, state))

    return await run_in_threadpool(run)


@router.get("", response_class=HTMLResponse)
async def councils(request: Request) -> HTMLResponse:
    def work(session: Session, state: State) -> str:
        rows, _ = svc.list_controllers(session=session, limit=MOST, offset=0)
        services = svc.services_of_controllers(session=session, controller_ids=[r.id for r in rows])
        return _page(
            "councils.html.jinja",
            title=f"Councils – {REGISTER}",
            breadcrumbs=[],
            councils=[(row, len(services.get(row.id, []))) for row in rows],
        )

    return page_response(await _run(request, work))


@router.get("/{council_id}", response_class=HTMLResponse)
async def council(request: Request, council_id: SlugPath) -> HTMLResponse:
    def work(session: Session, state: State) -> str:
        row = svc.get_controller(session=session, controller_id=council_id)
        services, _ = svc.list_services(
            session=session, controller=council_id, text=None, limit=MOST, offset=0
        )
        return _page(
            "council.html.jinja",
            title=f"{row.name} – {REGISTER}",
            breadcrumbs=_crumbs(Breadcrumb(row.name)),
            council=_council(row),
            row=row,
            services=[(s, state.current.get(s.id)) for s in services],
        )

    return page_response(await _run(request, work))


@dataclass(frozen=True)
class VersionView:
    version: int
    effective_from: date | None
    effective_to: date | None
    published_on: date | None
    current: bool
    change_summary: str | None
    changes: list[str]


def _versions(
    session: Session, request: Request, rows: list[NoticeVersion], state: State
) -> list[VersionView]:
    """Each published version, newest first, with what changed from the one before."""
    documents: store.Documents = request.app.state.documents
    docs = documents.get(session=session, versions=rows)
    views = []
    for i, row in enumerate(rows):
        changes = (
            diff_documents(
                docs[i - 1], docs[i], from_version=rows[i - 1].version, to_version=row.version
            ).summary
            if i
            else []
        )
        current = state.current.get(row.service_id)
        views.append(
            VersionView(
                version=row.version,
                effective_from=row.effective_from,
                effective_to=row.effective_to,
                published_on=row.published_at.date() if row.published_at else None,
                current=current is not None and current.id == row.id,
                # the first version's note is the register's own (how it was imported), not
                # a change to the notice: the notice never shows it either
                change_summary=row.change_summary if i else None,
                changes=changes,
            )
        )
    return views[::-1]


def _service_of(session: Session, council_id: str, service_id: str) -> tuple[Controller, Any]:
    row = svc.get_controller(session=session, controller_id=council_id)
    found = svc.get_service(session=session, service_id=service_id)
    if council_id not in svc.service_controllers(session=session, service_id=service_id):
        raise NotFound(f"Service '{service_id}' is not a service of '{council_id}'")
    return row, found


@router.get("/{council_id}/services/{service_id}", response_class=HTMLResponse)
async def service(request: Request, council_id: SlugPath, service_id: SlugPath) -> HTMLResponse:
    def work(session: Session, state: State) -> str:
        row, found = _service_of(session, council_id, service_id)
        versions = svc.list_versions(session=session, service_id=service_id, include_drafts=False)
        council_url = f"/register/{council_id}"
        return _page(
            "service.html.jinja",
            title=f"{found.name} – {row.name} – {REGISTER}",
            breadcrumbs=_crumbs(Breadcrumb(row.name, council_url), Breadcrumb(found.name)),
            council=_council(row),
            service=Service(found.name, f"{council_url}/services/{service_id}"),
            row=row,
            found=found,
            notice=f"/v1/services/{service_id}/notice/render?page=full",
            current=state.current.get(service_id),
            versions=_versions(session, request, versions, state),
        )

    return page_response(await _run(request, work))


@router.get("/{council_id}/ropa", response_class=HTMLResponse)
async def ropa(request: Request, council_id: SlugPath) -> HTMLResponse:
    def work(session: Session, state: State) -> str:
        row = svc.get_controller(session=session, controller_id=council_id)
        export = Export(session=session, at=state.day, controller=council_id)
        documents: store.Documents = request.app.state.documents
        data = json.loads(b"".join(export.json(session, documents)))
        download = f"/v1/ropa?controller={council_id}&at={state.day.isoformat()}"
        # The export's columns, with the activity's name first: it heads each row.
        columns = sorted(data["columns"], key=lambda c: c["key"] != ROW_HEADER)
        return _page(
            "ropa.html.jinja",
            title=f"Record of processing activities – {row.name} – {REGISTER}",
            breadcrumbs=_crumbs(
                Breadcrumb(row.name, f"/register/{council_id}"),
                Breadcrumb("Record of processing activities"),
            ),
            council=_council(row),
            row=row,
            day=state.day,
            columns=columns,
            row_header=ROW_HEADER,
            rows=data["rows"],
            downloads={
                "CSV": f"{download}&format=csv",
                "CSV for Excel (with a byte-order mark)": f"{download}&format=csv&bom=true",
                "JSON": f"{download}&format=json",
            },
        )

    return page_response(await _run(request, work))
