"""History is append-only in meaning, and every reader of it agrees.

A property test over random sequences of imports (ordinary and historical) and publishes: after
each sequence, for every date D (and every day R the register recorded something), the notice
`?at=D`, the export at D and the versions list `?at=D` name the same version, and it is the one
a simple model of the rules says: the latest publication taking effect on or before D, later
publications winning ties. Refusals and no-ops happen exactly when the model says.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import update
from sqlmodel import Session, col

from app.auth.service import Principal
from app.db import writer
from app.editing.service import (
    DateTaken,
    EarlierThanLatest,
    NotHistorical,
    PublishRequest,
    import_document,
)
from app.register import store
from app.register.document import NoticeDocument
from app.register.models import NoticeVersion
from app.register.seeds import SeedSet

TODAY = date.today()
BASE_DAY = TODAY - timedelta(days=20)
#: Each step is recorded on a day of its own, in order, long enough ago.
RECORDED = datetime.now(UTC).replace(microsecond=0) - timedelta(days=60)
WINDOW = 30
TESTER = Principal(name="test", scope="admin")
CONTROLS = {"change_summary": "test", "override_reason": "the seed's own mistakes"}
_services = itertools.count(1)


@dataclass
class Step:
    kind: str  # "import", "historical" or "publish"
    offset: int  # effective_from = BASE_DAY + offset
    content: int  # which of a few documents


STEPS = st.builds(
    Step,
    kind=st.sampled_from(["import", "historical", "publish"]),
    offset=st.integers(0, WINDOW - 1),
    content=st.integers(0, 2),
)


@dataclass
class Published:
    effective_from: date
    order: int
    content: int
    version: int
    recorded_on: date


def in_effect(published: list[Published], day: date, recorded_on: date | None = None) -> int | None:
    """The model: the version in effect on ``day``, as recorded by ``recorded_on``."""
    held = [
        p
        for p in published
        if p.effective_from <= day and (recorded_on is None or p.recorded_on <= recorded_on)
    ]
    return max(held, key=lambda p: (p.effective_from, p.order)).version if held else None


def _document(seed: SeedSet, service_id: str, content: int) -> NoticeDocument:
    original = next(d for d in seed.documents if d.service.id == "camden-family-support")
    service = original.service.model_copy(update={"id": service_id})
    notice = original.notice.model_copy(update={"cookies": f"Cookies, version {content}."})
    return original.model_copy(update={"service": service, "notice": notice})


def _answers(client: TestClient, service_id: str, day: date, recorded: date | None) -> set[Any]:
    """The version in effect on ``day`` according to the notice, the export and the versions
    list (None where there is none)."""
    params: dict[str, str] = {"at": day.isoformat()}
    if recorded is not None:
        params["recorded_at"] = recorded.isoformat()
    notice = client.get(f"/v1/services/{service_id}/notice", params=params)
    assert notice.status_code in (200, 404), notice.text
    by_notice = notice.json()["notice"]["version"] if notice.status_code == 200 else None
    rows = client.get(
        "/v1/ropa", params={**params, "service": service_id, "format": "json"}
    ).json()["rows"]
    by_export = {r["notice_version"] for r in rows} or {None}
    versions = client.get(
        f"/v1/services/{service_id}/notice/versions", params={**params, "limit": 100}
    ).json()["items"]
    by_list = {v["version"] for v in versions if v["status"] == "in_effect"} or {None}
    return {by_notice} | by_export | by_list


@settings(
    max_examples=12,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(first=st.integers(0, WINDOW - 1), steps=st.lists(STEPS, min_size=1, max_size=5))
def test_the_notice_the_export_and_the_versions_list_agree_with_the_rules(
    fresh_client: TestClient,
    keys: dict[str, dict[str, str]],
    seed: SeedSet,
    first: int,
    steps: list[Step],
) -> None:
    service_id = f"history-{next(_services)}"
    engine = fresh_client.app.state.engine  # type: ignore[attr-defined]
    published: list[Published] = []
    notice_url = f"/v1/services/{service_id}/notice"

    def record(number: int, effective_from: date, content: int) -> None:
        """Date the publication on a day of its own (as if the steps were days apart)."""
        when = RECORDED + timedelta(days=len(published))
        with Session(writer(engine)) as session:
            session.execute(
                update(NoticeVersion)
                .where(
                    col(NoticeVersion.service_id) == service_id,
                    col(NoticeVersion.version) == number,
                )
                .values(published_at=when)
            )
            session.commit()
        published.append(
            Published(
                effective_from=effective_from,
                order=len(published),
                content=content,
                version=number,
                recorded_on=when.date(),
            )
        )

    for step in [Step("import", first, 0), *steps]:
        effective_from = BASE_DAY + timedelta(days=step.offset)
        latest = max(published, key=lambda p: (p.effective_from, p.order), default=None)
        historical = step.kind == "historical"
        previous = in_effect(published, effective_from)
        expected_refusal: type[Exception] | None = None
        if latest is not None and not historical and effective_from < latest.effective_from:
            expected_refusal = EarlierThanLatest
        elif historical and (latest is None or effective_from >= latest.effective_from):
            expected_refusal = NotHistorical
        elif historical and any(p.effective_from == effective_from for p in published):
            expected_refusal = DateTaken
        unchanged = previous is not None and any(
            p.version == previous and p.content == step.content for p in published
        )
        document = _document(seed, service_id, step.content)
        if step.kind in ("import", "historical"):
            try:
                with Session(writer(engine)) as session:
                    outcome = import_document(
                        session=session,
                        document=document,
                        request=PublishRequest(effective_from=effective_from, **CONTROLS),
                        principal=TESTER,
                        documents=store.Documents(8),
                        historical=historical,
                    )
            except (EarlierThanLatest, NotHistorical, DateTaken) as exc:
                assert type(exc) is expected_refusal, (step, exc)
                continue
            assert expected_refusal is None, step
            assert outcome.unchanged is unchanged, step
            if unchanged:
                assert outcome.version.version == previous
            else:
                record(outcome.version.version, effective_from, step.content)
            continue
        # a publish: a draft of the whole document, published from effective_from
        created = fresh_client.post(
            f"{notice_url}/drafts",
            json=document.model_dump(mode="json", exclude_none=True),
            headers=keys["editor"],
        )
        assert created.status_code == 201, created.text
        answer = fresh_client.post(
            f"{created.headers['location']}/publish",
            json={**CONTROLS, "effective_from": effective_from.isoformat()},
            headers={**keys["publisher"], "If-Match": created.headers["etag"]},
        )
        refused = expected_refusal is EarlierThanLatest
        assert answer.status_code == (422 if refused else 200), (step, answer.text)
        if answer.status_code == 200:
            assert answer.json()["unchanged"] is unchanged, step
        if refused or unchanged:
            discarded = fresh_client.delete(
                created.headers["location"],
                headers={**keys["editor"], "If-Match": created.headers["etag"]},
            )
            assert discarded.status_code == 204
        else:
            record(answer.json()["version"], effective_from, step.content)

    # where answers can change: each effective_from and the day before it, and the ends
    edges = {BASE_DAY - timedelta(days=1), BASE_DAY + timedelta(days=WINDOW), TODAY}
    days = sorted(edges | {p.effective_from - timedelta(days=k) for p in published for k in (0, 1)})
    for day in days:
        expected = in_effect(published, day)
        assert _answers(fresh_client, service_id, day, None) == {expected}, day
    for recorded_on in sorted({p.recorded_on for p in published}):
        for day in days:
            expected = in_effect(published, day, recorded_on)
            assert _answers(fresh_client, service_id, day, recorded_on) == {expected}, (
                day,
                recorded_on,
            )
    # the day before anything was recorded, the register held nothing of the service
    before = RECORDED.date() - timedelta(days=1)
    assert _answers(fresh_client, service_id, TODAY, before) == {None}
