"""The ``ropa`` command line: serve, migrate, load seeds, import and export notice documents."""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Annotated

import typer
from sqlalchemy import Engine
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlmodel import Session

from app import migrate
from app.auth.service import Principal
from app.config import get_settings
from app.db import make_engine, writer
from app.errors import AppError
from app.register import service as svc
from app.register import store
from app.register.current import State, read_current, read_vocabulary
from app.register.seeds import DocumentFileError, read_document, read_seed_dir
from app.register.seeds import read_vocabulary as read_vocabulary_dir

cli = typer.Typer(help="The council processing-activity register.", no_args_is_help=True)
db_cli = typer.Typer(help="Database schema (Alembic).", no_args_is_help=True)
seed_cli = typer.Typer(help="Seed data.", no_args_is_help=True)
keys_cli = typer.Typer(help="API keys (stored hashed; a key is shown once).", no_args_is_help=True)
terms_cli = typer.Typer(
    help="Vocabulary terms: parties, data subjects, data categories, statutes. Terms are never "
    "deleted: they are retired.",
    no_args_is_help=True,
)
cli.add_typer(db_cli, name="db")
cli.add_typer(seed_cli, name="seed")
cli.add_typer(keys_cli, name="keys")
cli.add_typer(terms_cli, name="terms")

CLI = Principal(name="cli", scope="admin", role="cli")
SEED = Principal(name="seed", scope="admin", role="seed")
SEED_OVERRIDE = (
    "Seed data: the council's notice as published, its mistakes kept as written; the checks "
    "report them."
)


def _fail(message: str, code: int = 1) -> typer.Exit:
    typer.echo(message, err=True)
    return typer.Exit(code)


def _engine() -> Engine:
    return make_engine(get_settings(), pooled=False)


def _documents() -> store.Documents:
    return store.Documents(256)


def _state(session: Session) -> State:
    today = date.today()
    return State(
        revisions=store.revisions(session=session),
        day=today,
        vocabulary=read_vocabulary(session=session),
        current=read_current(session=session, day=today),
    )


def _app_error(exc: AppError, where: str) -> typer.Exit:
    details = "".join(f"\n{where}: {e.pointer}: {e.detail}" for e in exc.errors or [])
    hint = f"\n(did you mean: {', '.join(exc.suggestions)}?)" if exc.suggestions else ""
    return _fail(f"{where}: {exc.detail}{details}{hint}")


@db_cli.command("upgrade")
def db_upgrade(revision: str = "head") -> None:
    """Apply migrations up to REVISION (default: head)."""
    migrate.upgrade(_engine(), revision)
    typer.echo(f"database at {revision}")


def _keep_rows(engine: Engine) -> None:
    """Make the ROPA rows of published versions that have none of the current row format.

    The kept rows are a cache: when they cannot be made now (the database is busy or down),
    say so and go on; exports make the missing rows on the spot.
    """
    from app.exports.service import store_row_sets

    with Session(writer(engine)) as session:
        try:
            done = store_row_sets(session=session, documents=_documents())
            session.commit()
        except (IntegrityError, OperationalError) as exc:
            session.rollback()
            reason = str(exc.orig).splitlines()[0] if exc.orig else type(exc).__name__
            typer.echo(
                f"the ROPA rows were not made now ({reason}); exports make them as needed",
                err=True,
            )
            return
    if done:
        typer.echo(f"made the ROPA rows of {done} published versions", err=True)


def load_seed(engine: Engine, seed_dir: Path) -> tuple[int, int]:
    """The seed's vocabularies, then each notice as its service's published version: a notice
    identical to the version in effect is not published again. Returns how many notices were
    published and how many were unchanged."""
    from app.editing.service import PublishRequest, import_document

    seed = read_seed_dir(seed_dir)
    documents = _documents()
    with Session(writer(engine)) as session:
        svc.save_terms(session=session, vocabulary=seed.vocabulary)
        session.commit()
    published = unchanged = 0
    for document in seed.documents:
        request = PublishRequest(
            effective_from=document.notice.effective_from,
            change_summary=document.notice.change_summary or "Loaded from the seed",
            override_reason=SEED_OVERRIDE,
        )
        with Session(writer(engine)) as session:
            outcome = import_document(
                session=session,
                document=document,
                request=request,
                principal=SEED,
                documents=documents,
            )
        if outcome.unchanged:
            unchanged += 1
        else:
            published += 1
    return published, unchanged


@seed_cli.command("load")
def seed_load(
    seed_dir: Annotated[
        Path | None, typer.Option(help="Seed directory (default ROPA_SEED_DIR)")
    ] = None,
    force: Annotated[
        bool,
        typer.Option(
            help="Load even if the register already has services (a notice identical to the "
            "version in effect is not published again)"
        ),
    ] = False,
) -> None:
    """Load the vocabularies and the notice documents of the seed directory."""
    engine = _engine()
    migrate.upgrade(engine)
    with Session(engine) as session:
        if not force and not svc.is_empty(session=session):
            raise _fail("The register already has services; use --force to load the seed again.")
    try:
        published, unchanged = load_seed(engine, seed_dir or get_settings().seed_dir)
    except DocumentFileError as exc:
        raise _fail(str(exc)) from exc
    except AppError as exc:
        raise _app_error(exc, "seed") from exc
    typer.echo(
        f"loaded {published + unchanged} notices: {published} published, {unchanged} unchanged "
        "(identical to the version in effect)"
    )


ControllerOption = Annotated[
    list[str] | None,
    typer.Option(
        "--controller",
        help="A controller (council) id the key acts for; repeat for several. Required for "
        "every scope but admin (an admin key with none is global).",
    ),
]
ExpiresOption = Annotated[
    str | None,
    typer.Option(
        help="When the key stops working: an ISO 8601 duration from now (P90D, or 90d / 12w / "
        "36h) or a date (2027-03-01: from 00:00 UTC that day)"
    ),
]


def _expiry(text: str | None) -> datetime | None:
    from app.auth.service import parse_expiry

    return parse_expiry(text, now=datetime.now(UTC)) if text is not None else None


@keys_cli.command("create")
def keys_create(
    name: Annotated[str, typer.Option(help="A name for the key's holder, e.g. 'web-team'")],
    scope: Annotated[str, typer.Option(help="editor | publisher | auditor | admin")],
    controller: ControllerOption = None,
    expires: ExpiresOption = None,
) -> None:
    """Create a key and print it. It cannot be shown again."""
    from app.auth.service import create_key

    engine = _engine()
    migrate.upgrade(engine)
    try:
        with Session(writer(engine)) as session:
            svc.require_known_controllers(session=session, controller_ids=controller or [])
            key = create_key(
                session=session,
                name=name,
                scope=scope,
                actor=CLI.name,
                controllers=controller or [],
                expires_at=_expiry(expires),
            )
    except AppError as exc:
        raise _fail(str(exc.detail)) from exc
    typer.echo(key)


@keys_cli.command("list")
def keys_list() -> None:
    """List keys: name, scope, controllers, created, expiry, state. Never the keys themselves."""
    from app.auth.service import list_keys

    now = datetime.now(UTC)
    with Session(_engine()) as session:
        for key in list_keys(session=session):
            expires = key.expires_at.replace(tzinfo=UTC) if key.expires_at else None
            if key.revoked_at:
                state = f"revoked {key.revoked_at:%Y-%m-%d %H:%M}"
            elif expires and expires <= now:
                state = f"expired {expires:%Y-%m-%d %H:%M}"
            else:
                state = f"active until {expires:%Y-%m-%d %H:%M}" if expires else "active"
            controllers = ",".join(key.controllers) or ("all" if key.scope == "admin" else "none")
            typer.echo(
                f"{key.name}\t{key.scope}\t{controllers}\t{key.created_at:%Y-%m-%d %H:%M}\t{state}"
            )


@keys_cli.command("rotate")
def keys_rotate(
    name: str,
    overlap: Annotated[
        str,
        typer.Option(
            help="How long the old secret keeps working: an ISO 8601 duration up to PT24H "
            "(default PT0S: revoked at once)"
        ),
    ] = "PT0S",
    expires: ExpiresOption = None,
) -> None:
    """Give the key NAME a new secret and print it (once). Name, scope and controllers stay;
    the old secret stops working at once or after --overlap."""
    import isodate

    from app.auth.service import rotate_key

    try:
        lap = isodate.parse_duration(overlap.upper())
    except (ValueError, isodate.ISO8601Error) as exc:
        raise _fail(f"--overlap '{overlap}' is not an ISO 8601 duration (PT1H)") from exc
    if not isinstance(lap, timedelta):
        raise _fail(f"--overlap '{overlap}' must be in days, hours, minutes or seconds")
    try:
        with Session(writer(_engine())) as session:
            key = rotate_key(
                session=session, name=name, actor=CLI.name, overlap=lap, expires_at=_expiry(expires)
            )
    except AppError as exc:
        raise _fail(str(exc.detail)) from exc
    typer.echo(key)


@keys_cli.command("bind")
def keys_bind(name: str, controller: ControllerOption = None) -> None:
    """Bind the key NAME to exactly the given controllers (none: an admin key becomes global)."""
    from app.auth.service import bind_key

    try:
        with Session(writer(_engine())) as session:
            svc.require_known_controllers(session=session, controller_ids=controller or [])
            bind_key(session=session, name=name, controllers=controller or [], actor=CLI.name)
    except AppError as exc:
        raise _fail(str(exc.detail)) from exc
    typer.echo(f"{name} acts for {', '.join(controller or []) or 'all controllers'}")


@keys_cli.command("revoke")
def keys_revoke(name: str) -> None:
    """Revoke the key called NAME."""
    from app.auth.service import revoke_key

    try:
        with Session(writer(_engine())) as session:
            revoke_key(session=session, name=name, actor=CLI.name)
    except AppError as exc:
        raise _fail(str(exc.detail)) from exc
    typer.echo(f"revoked {name}")


VocabArgument = Annotated[
    str, typer.Argument(help="data-categories | data-subjects | parties | statutes")
]
SlugArgument = Annotated[
    str, typer.Argument(help="'<controller>:<slug>' for a council's own term; no namespace: shared")
]


def _vocab(name: str) -> str:
    from app.register.terms import TERM_PATHS

    if name not in TERM_PATHS:
        raise _fail(f"unknown vocabulary '{name}': one of {', '.join(TERM_PATHS)}", 2)
    return TERM_PATHS[name]


def _term_write(action: str, write: Callable[[Session], object]) -> None:
    """Run a term write as the CLI (an admin), reporting problems as the API does."""
    engine = _engine()
    migrate.upgrade(engine)
    try:
        with Session(writer(engine)) as session:
            write(session)
    except AppError as exc:
        raise _app_error(exc, action) from exc


@terms_cli.command("list")
def terms_list(
    vocabulary: VocabArgument,
    controller: Annotated[str | None, typer.Option(help="Only this controller's own terms")] = None,
    shared: Annotated[bool, typer.Option(help="Only the shared terms")] = False,
    current: Annotated[bool, typer.Option(help="Leave out the terms retired today")] = False,
) -> None:
    """List terms: slug, name, whose (a controller or 'shared'), added, retired, replaced by."""
    from app.register.terms import list_terms

    vocab = _vocab(vocabulary)
    with Session(_engine()) as session:
        terms = list_terms(
            vocabulary=read_vocabulary(session=session),
            vocab=vocab,
            controller=controller,
            shared=shared,
            retired_on=date.today() if current else None,
        )
    for t in terms:
        retired = f"retired {t.retired.isoformat()}" if t.retired else ""
        replaced = f"replaced by {t.replaced_by}" if t.replaced_by else ""
        added = t.added.isoformat() if t.added else ""
        typer.echo("\t".join([t.slug, t.name, t.controller or "shared", added, retired, replaced]))


@terms_cli.command("load")
def terms_load(
    seed_dir: Annotated[
        Path | None, typer.Option(help="Seed directory (default ROPA_SEED_DIR)")
    ] = None,
) -> None:
    """Add the shipped vocabulary terms (SEED_DIR/vocab) the register does not have yet, e.g.
    after upgrading. Terms it has are not changed (a council may have renamed or retired them)."""
    from app.register.terms import load_shipped

    try:
        shipped = read_vocabulary_dir((seed_dir or get_settings().seed_dir) / "vocab")
    except DocumentFileError as exc:
        raise _fail(str(exc)) from exc
    added: dict[str, list[str]] = {}
    _term_write(
        "vocab",
        lambda session: added.update(
            load_shipped(session=session, shipped=shipped, principal=SEED)
        ),
    )
    for vocab, slugs in added.items():
        typer.echo(f"{vocab.replace('_', '-')}: added {len(slugs)}: {', '.join(slugs)}")
    typer.echo(f"added {sum(map(len, added.values()))} shipped terms")


@terms_cli.command("add")
def terms_add(
    vocabulary: VocabArgument,
    slug: SlugArgument,
    name: Annotated[str, typer.Option(help="The name residents read")],
    parent: Annotated[str | None, typer.Option(help="The broader term")] = None,
    kind: Annotated[
        str | None,
        typer.Option(
            help="data categories: personal | special_category | criminal_offence; parties: "
            "organisation | category; statutes: act | si | guidance | code | eu_regulation"
        ),
    ] = None,
    description: Annotated[str | None, typer.Option()] = None,
    source: Annotated[str | None, typer.Option(help="Where the facts come from")] = None,
    added: Annotated[str | None, typer.Option(help="YYYY-MM-DD (default today)")] = None,
    year: Annotated[int | None, typer.Option(help="Statutes: the year")] = None,
    number: Annotated[int | None, typer.Option(help="Statutes: chapter or SI number")] = None,
    legislation_type: Annotated[
        str | None, typer.Option(help="Statutes: ukpga, uksi, … as in legislation.gov.uk")
    ] = None,
    uri: Annotated[str | None, typer.Option(help="Statutes: the legislation.gov.uk URI")] = None,
) -> None:
    """Add a term, as POST /v1/vocabularies/VOCABULARY does."""
    from pydantic import ValidationError

    from app.register.terms import add_term
    from app.register.vocabulary import TERM_CLASSES

    vocab = _vocab(vocabulary)
    given = {
        "slug": slug,
        "name": name,
        "parent": parent,
        "kind": kind,
        "description": description,
        "source": source,
        "added": added,
        "year": year,
        "number": number,
        "legislation_type": legislation_type,
        "uri": uri,
    }
    try:
        term = TERM_CLASSES[vocab].model_validate({k: v for k, v in given.items() if v is not None})
    except ValidationError as exc:
        raise _fail(
            "\n".join(f"{slug}: {'.'.join(map(str, e['loc']))}: {e['msg']}" for e in exc.errors()),
            2,
        ) from exc
    _term_write(
        slug,
        lambda session: add_term(
            session=session, vocab=vocab, term=term, principal=CLI, today=date.today()
        ),
    )
    typer.echo(f"added {vocabulary} {slug}")


@terms_cli.command("rename")
def terms_rename(vocabulary: VocabArgument, slug: SlugArgument, name: str) -> None:
    """Give a term a new NAME; its slug stays. Published versions keep the name they were
    published with."""
    from app.register.schemas import TermUpdate
    from app.register.terms import update_term

    vocab = _vocab(vocabulary)
    _term_write(
        slug,
        lambda session: update_term(
            session=session, vocab=vocab, slug=slug, changes=TermUpdate(name=name), principal=CLI
        ),
    )
    typer.echo(f"renamed {vocabulary} {slug}: {name}")


@terms_cli.command("retire")
def terms_retire(
    vocabulary: VocabArgument,
    slug: SlugArgument,
    on: Annotated[str | None, typer.Option(help="YYYY-MM-DD (default today)")] = None,
    replaced_by: Annotated[str | None, typer.Option(help="The term to use instead")] = None,
) -> None:
    """Retire a term (never deleted): not offered for new drafts from ON."""
    from pydantic import ValidationError

    from app.register.schemas import TermRetire
    from app.register.terms import retire_term

    vocab = _vocab(vocabulary)
    try:
        retirement = TermRetire.model_validate({"retired": on, "replaced_by": replaced_by})
    except ValidationError as exc:
        raise _fail(f"{slug}: {exc.errors()[0]['msg']}", 2) from exc
    _term_write(
        slug,
        lambda session: retire_term(
            session=session,
            vocab=vocab,
            slug=slug,
            retirement=retirement,
            principal=CLI,
            today=date.today(),
        ),
    )
    typer.echo(
        f"retired {vocabulary} {slug}" + (f", replaced by {replaced_by}" if replaced_by else "")
    )


@cli.command("import")
def import_file(
    file: Annotated[Path, typer.Argument(help="A notice document, YAML or JSON")],
    summary: Annotated[
        str | None,
        typer.Option(
            "--summary",
            "--change-summary",
            help="What changed (required, as publishing requires it)",
        ),
    ] = None,
    override_reason: Annotated[
        str | None,
        typer.Option(help="Required to publish despite error-severity check findings"),
    ] = None,
    historical: Annotated[
        bool,
        typer.Option(
            "--historical",
            help="A document that took effect before the latest published version: slot it in "
            "date order (it changes nothing on or after the next version's effective_from)",
        ),
    ] = False,
) -> None:
    """Import a notice document as its service's new published version (one transaction),
    under the controls of publishing: the same checks, a change summary, and an override
    reason when there are error findings. A document whose effective_from is before the latest
    published version's is refused unless --historical; a document identical to the version
    it would follow changes nothing and says so."""
    from app.editing.service import PublishRefused, PublishRequest, import_document

    engine = _engine()
    migrate.upgrade(engine)
    try:
        with Session(writer(engine)) as session:
            document = read_document(file, read_vocabulary(session=session))
            if not summary or not summary.strip():
                raise _fail(f"{file}: give --summary (what changed), as publishing requires", 2)
            outcome = import_document(
                session=session,
                document=document,
                request=PublishRequest(
                    effective_from=document.notice.effective_from,
                    change_summary=summary,
                    override_reason=override_reason,
                ),
                principal=CLI,
                documents=_documents(),
                historical=historical,
            )
    except DocumentFileError as exc:
        raise _fail(str(exc)) from exc
    except PublishRefused as exc:
        error = _app_error(exc, str(file))
        typer.echo("give --override-reason to import it despite the error findings", err=True)
        raise error from exc
    except AppError as exc:
        raise _app_error(exc, str(file)) from exc
    typer.echo(f"{file}: {outcome.describe()}")


@cli.command("export")
def export(
    service_id: str,
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="Write here instead of stdout")
    ] = None,
    version: Annotated[
        int | None, typer.Option(help="A version number (default: in effect today)")
    ] = None,
    fmt: Annotated[str, typer.Option("--format", help="yaml or json")] = "yaml",
) -> None:
    """Write a service's published notice document."""
    import yaml

    if fmt not in ("yaml", "json"):
        raise _fail("--format must be yaml or json", 2)
    try:
        with Session(_engine()) as session:
            state = _state(session)
            row = svc.resolve_version(
                session=session, state=state, service_id=service_id, version=version
            )
            document = store.with_register_fields(
                _documents().one(session=session, version=row), row, state.day
            )
    except AppError as exc:
        raise _fail(str(exc.detail)) from exc
    data = document.model_dump(mode="json", exclude_none=True)
    if fmt == "json":
        text = json.dumps(data, indent=2, ensure_ascii=False) + "\n"
    else:
        text = yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=100)
    _write(text, output)


def _write(text: str, output: Path | None) -> None:
    if output is None:
        sys.stdout.write(text)
    else:
        output.write_text(text, encoding="utf-8")


@cli.command("render")
def render(
    service_id: str,
    fmt: Annotated[str, typer.Option("--format", help="html, markdown or text")] = "text",
    version: Annotated[
        int | None, typer.Option(help="A version number (default: in effect today)")
    ] = None,
    full_page: Annotated[
        bool, typer.Option("--full-page", help="html: a page in the GOV.UK layout")
    ] = False,
    output: Annotated[Path | None, typer.Option("--output", "-o")] = None,
) -> None:
    """Write the privacy notice of a service as text, generated from the register."""
    from app.notices.render import MEDIA_TYPES, render_notice
    from app.web.notice_page import notice_page

    if fmt not in MEDIA_TYPES:
        raise _fail("--format must be html, markdown or text", 2)
    documents = _documents()
    try:
        with Session(_engine()) as session:
            state = _state(session)
            row = svc.resolve_version(
                session=session, state=state, service_id=service_id, version=version
            )
            document = store.with_register_fields(
                documents.one(session=session, version=row), row, state.day, with_status=False
            )
            terms = documents.terms(session=session, version=row)
    except AppError as exc:
        raise _fail(str(exc.detail)) from exc
    assert terms is not None
    if fmt == "html" and full_page:
        _write(notice_page(document, terms), output)
    else:
        _write(render_notice(document, terms, fmt=fmt), output)


def _write_document(path: Path, document: object) -> None:
    import yaml

    from app.register.document import NoticeDocument

    assert isinstance(document, NoticeDocument)
    data = document.model_dump(mode="json", exclude_none=True)
    if path.suffix == ".json":
        path.write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    else:
        path.write_text(
            yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=100), encoding="utf-8"
        )


@cli.command("check")
def check(
    target: Annotated[
        str, typer.Argument(help="A service id in the register, or a notice document file")
    ],
    fmt: Annotated[str, typer.Option("--format", help="table or json")] = "table",
    version: Annotated[int | None, typer.Option(help="A version number (service ids only)")] = None,
    today: Annotated[str | None, typer.Option(help="Check as of this date (YYYY-MM-DD)")] = None,
    fix: Annotated[
        bool, typer.Option("--fix", help="A file: apply every mechanical fix and write it back")
    ] = False,
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="With --fix: write here instead")
    ] = None,
) -> None:
    """Check a notice: findings with rule, severity, pointer, message and legal reference.

    Exits 1 when there are error findings, 2 when the file or service cannot be read. A file
    is checked against the shipped vocabularies (ROPA_SEED_DIR/vocab), unknown terms first
    (file:line:column, with suggestions); a service id against the register's. ``--fix``
    applies the fixes the findings carry (RFC 6902 patches) and writes the patched document.
    """
    from app.notices.checks import apply_fixes, check_notice

    as_of = date.fromisoformat(today) if today else date.today()
    path = Path(target)
    is_file = path.suffix in (".yaml", ".yml", ".json") or path.exists()
    if fix and not is_file:
        raise _fail("--fix works on a document file; drafts are fixed with POST …/fixes", 2)
    try:
        if is_file:
            vocabulary = read_vocabulary_dir(get_settings().seed_dir / "vocab")
            document = read_document(path, vocabulary)
        else:
            with Session(_engine()) as session:
                state = _state(session)
                row = svc.resolve_version(
                    session=session, state=state, service_id=target, version=version
                )
                document = _documents().one(session=session, version=row)
                vocabulary = state.vocabulary
    except DocumentFileError as exc:
        raise _fail(str(exc), 2) from exc
    except AppError as exc:
        raise _fail(str(exc.detail), 2) from exc
    if fix:
        document, applied = apply_fixes(document, vocabulary, today=as_of)
        _write_document(output or path, document)
        for f in applied:
            typer.echo(f"fixed    {f.rule:45} {', '.join(f.pointers)}")
        typer.echo(f"{len(applied)} fixes written to {output or path}")
    findings = check_notice(document, vocabulary, today=as_of)
    if fmt == "json":
        typer.echo(
            json.dumps([f.model_dump(mode="json") for f in findings], indent=2, ensure_ascii=False)
        )
    else:
        for f in findings:
            more = f" (+{len(f.pointers) - 1} more)" if len(f.pointers) > 1 else ""
            typer.echo(f"{f.severity.upper():8} {f.rule:45} {f.pointer}{more}")
            typer.echo(f"         {f.message}")
            typer.echo(f"         ({f.legal_reference}){' [fix]' if f.fix else ''}")
        counts = {s: sum(f.severity == s for f in findings) for s in ("error", "warning", "info")}
        typer.echo(f"{counts['error']} errors, {counts['warning']} warnings, {counts['info']} info")
    if any(f.severity == "error" for f in findings):
        raise typer.Exit(1)


@cli.command("check-text")
def check_text(
    file: Annotated[Path, typer.Argument(help="A notice as published: .html, .md or .txt")],
    fmt: Annotated[
        str | None, typer.Option("--format", help="html, markdown or text (default: suffix)")
    ] = None,
    today: Annotated[str | None, typer.Option(help="Check as of this date (YYYY-MM-DD)")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Findings as JSON")] = False,
) -> None:
    """Check any notice's text before normalising it: citations in the prose, EU GDPR wording,
    phone numbers and e-mail addresses, renamed bodies, links with no address, pointers to
    numbering. Each finding gives file:line:column and quotes the text. Exits 1 on errors."""
    from app.notices.router import text_report

    suffix = {".html": "html", ".htm": "html", ".md": "markdown", ".markdown": "markdown"}
    kind = fmt or suffix.get(file.suffix.lower(), "text")
    if kind not in ("html", "markdown", "text"):
        raise _fail("--format must be html, markdown or text", 2)
    try:
        source = file.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise _fail(f"{file}: {exc}", 2) from exc
    vocabulary = read_vocabulary_dir(get_settings().seed_dir / "vocab")
    report = text_report(
        source, kind, vocabulary, date.fromisoformat(today) if today else date.today()
    )
    if as_json:
        typer.echo(report.model_dump_json(indent=2))
    else:
        for f in report.findings:
            line = source.count("\n", 0, f.start) + 1
            column = f.start - (source.rfind("\n", 0, f.start) + 1) + 1
            typer.echo(f"{file}:{line}:{column}: {f.severity.upper()} {f.rule}: {f.message}")
            typer.echo(f"    {f.quote!r}")
        typer.echo(f"{report.errors} errors, {report.warnings} warnings, {report.infos} info")
    if report.errors:
        raise typer.Exit(1)


@cli.command("serve")
def serve(
    host: Annotated[str, typer.Option(help="Interface to bind")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port")] = 8000,
    workers: Annotated[int, typer.Option(help="uvicorn worker processes")] = 1,
    seed: Annotated[bool, typer.Option(help="Load the seed if the register is empty")] = True,
) -> None:
    """Migrate, load the seed if the database is empty, and run the HTTP service."""
    import uvicorn

    if "public_base_url" not in get_settings().model_fields_set:
        # Not configured (environment or .env): identifiers name the address served. Set for
        # the workers too, which build the app from the environment.
        shown = f"[{host}]" if ":" in host else host
        os.environ["ROPA_PUBLIC_BASE_URL"] = f"http://{shown}:{port}"
        get_settings.cache_clear()
    settings = get_settings()
    engine = make_engine(settings)
    migrate.upgrade(engine)
    with Session(engine) as session:
        empty = svc.is_empty(session=session)
    if seed and empty:
        try:
            published, _ = load_seed(engine, settings.seed_dir)
            typer.echo(f"loaded {published} seed notices", err=True)
        except DocumentFileError as exc:
            raise _fail(str(exc)) from exc
    else:
        _keep_rows(engine)  # after a change of the row format
    engine.dispose()
    from app.server import uvicorn_options

    uvicorn.run(
        "app.asgi:app",
        host=host,
        port=port,
        workers=workers,
        proxy_headers=True,
        **uvicorn_options(settings),
    )


@cli.command("export-ropa")
def export_ropa(
    fmt: Annotated[str, typer.Option("--format", help="json, csv or jsonld")] = "json",
    controller: Annotated[str | None, typer.Option(help="Only this controller")] = None,
    service: Annotated[str | None, typer.Option(help="Only this service")] = None,
    at: Annotated[
        str | None, typer.Option(help="The register as it stood on YYYY-MM-DD (default today)")
    ] = None,
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="Write here instead of stdout")
    ] = None,
    recorded_at: Annotated[
        str | None,
        typer.Option(
            help="What the register said on YYYY-MM-DD (about --at): versions published later "
            "are left out"
        ),
    ] = None,
    bom: Annotated[bool, typer.Option(help="CSV: start with a UTF-8 byte-order mark")] = False,
    contacts: Annotated[
        bool, typer.Option(help="CSV: start with the controller and DPO contact block")
    ] = False,
    base_url: Annotated[
        str | None,
        typer.Option(
            help="The service's public address, for JSON-LD identifiers "
            "(default: ROPA_PUBLIC_BASE_URL)"
        ),
    ] = None,
) -> None:
    """Write the ROPA (one row per processing activity), as GET /v1/ropa does."""
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeRemainingColumn

    from app.exports.service import Export

    if fmt not in ("json", "csv", "jsonld"):
        raise _fail("--format must be json, csv or jsonld", 2)
    try:
        recorded = date.fromisoformat(recorded_at) if recorded_at else None
        when = date.fromisoformat(at) if at else (recorded or date.today())
    except ValueError as exc:
        raise _fail("--at and --recorded-at must be dates, YYYY-MM-DD", 2) from exc
    base_url = (base_url or get_settings().public_base_url).rstrip("/")
    documents = _documents()
    with Session(_engine()) as session:
        try:
            export = Export(
                session=session,
                at=when,
                controller=controller,
                service=service,
                recorded_at=recorded,
            )
        except AppError as exc:
            hint = f" (did you mean: {', '.join(exc.suggestions)}?)" if exc.suggestions else ""
            raise _fail(f"{exc.detail}{hint}") from exc
        if output is None:
            for chunk in export.chunks(
                session, documents, fmt=fmt, bom=bom, contacts=contacts, base=base_url
            ):
                sys.stdout.buffer.write(chunk)
            sys.stdout.flush()
            return
        columns = (*Progress.get_default_columns()[:1], BarColumn(), MofNCompleteColumn())
        with (
            output.open("wb") as out,
            Progress(*columns, TimeRemainingColumn(), console=Console(stderr=True)) as bar,
        ):
            task = bar.add_task("activities", total=None)
            for chunk in export.chunks(
                session,
                documents,
                fmt=fmt,
                bom=bom,
                contacts=contacts,
                base=base_url,
                progress=lambda n: bar.advance(task, n),
            ):
                out.write(chunk)
    typer.echo(f"wrote the ROPA of {len(export.placed)} notices to {output}", err=True)


def main() -> None:
    cli()
