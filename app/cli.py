"""The ``ropa`` command line: serve, migrate, load seeds, import and export notice documents."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated

import typer
from sqlalchemy import Engine
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlmodel import Session

from app import migrate
from app.config import get_settings
from app.db import make_engine
from app.errors import AppError
from app.register import service as svc
from app.register.seeds import DocumentFileError, read_document, read_seed_dir

cli = typer.Typer(help="The council processing-activity register.", no_args_is_help=True)
db_cli = typer.Typer(help="Database schema (Alembic).", no_args_is_help=True)
seed_cli = typer.Typer(help="Seed data.", no_args_is_help=True)
keys_cli = typer.Typer(help="API keys (stored hashed; a key is shown once).", no_args_is_help=True)
cli.add_typer(db_cli, name="db")
cli.add_typer(seed_cli, name="seed")
cli.add_typer(keys_cli, name="keys")


def _fail(message: str, code: int = 1) -> typer.Exit:
    typer.echo(message, err=True)
    return typer.Exit(code)


def _engine() -> Engine:
    return make_engine(get_settings(), pooled=False)


@db_cli.command("upgrade")
def db_upgrade(revision: str = "head") -> None:
    """Apply migrations up to REVISION (default: head)."""
    migrate.upgrade(_engine(), revision)
    typer.echo(f"database at {revision}")


def _keep_rows(engine: Engine) -> None:
    """Make the ROPA rows of published versions that have none made from today's terms.

    The kept rows are a cache: when they cannot be made now (the database is busy or down,
    or another process made them at the same moment), say so and go on; exports make the
    missing rows on the spot.
    """
    from app.exports.service import store_row_sets

    with Session(engine) as session:
        try:
            done = store_row_sets(session=session)
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


def _load_seed(engine: Engine, seed_dir: Path) -> int:
    seed = read_seed_dir(seed_dir)
    with Session(engine) as session:
        versions = svc.load_seed(
            session=session, vocabulary=seed.vocabulary, documents=seed.documents
        )
    _keep_rows(engine)
    return len(versions)


@seed_cli.command("load")
def seed_load(
    seed_dir: Annotated[
        Path | None, typer.Option(help="Seed directory (default ROPA_SEED_DIR)")
    ] = None,
    force: Annotated[
        bool, typer.Option(help="Load even if the register already has services")
    ] = False,
) -> None:
    """Load the vocabularies and the notice documents of the seed directory."""
    engine = _engine()
    migrate.upgrade(engine)
    with Session(engine) as session:
        if not force and not svc.is_empty(session=session):
            raise _fail("The register already has services; use --force to load the seed again.")
    try:
        count = _load_seed(engine, seed_dir or get_settings().seed_dir)
    except DocumentFileError as exc:
        raise _fail(str(exc)) from exc
    typer.echo(f"loaded {count} notices")


@seed_cli.command("synthetic")
def seed_synthetic(
    councils: Annotated[int, typer.Option(min=1, help="Synthetic councils (controllers)")] = 400,
    services: Annotated[int, typer.Option(min=1, help="Services per council")] = 25,
    activities: Annotated[int, typer.Option(min=0, help="Processing activities per service")] = 10,
    seed: Annotated[int, typer.Option(help="Random seed; the same seed gives the same data")] = 0,
) -> None:
    """Generate a large synthetic register (fake councils, GSS codes E99…) for benchmarks.

    Vocabularies come from ROPA_SEED_DIR/vocab when the register has none. Every notice is
    published and in effect today. Use a database of its own: this is not real data.
    """
    from app.register.synthetic import SyntheticRegisterError, generate

    engine = _engine()
    migrate.upgrade(engine)
    try:
        summary = generate(
            engine,
            councils=councils,
            services=services,
            activities=activities,
            seed=seed,
            vocab_dir=get_settings().seed_dir / "vocab",
        )
    except SyntheticRegisterError as exc:
        raise _fail(str(exc)) from exc
    _keep_rows(engine)
    typer.echo(
        f"generated {summary.controllers} synthetic councils, {summary.services} services, "
        f"{summary.activities} activities ({summary.rows} rows) in {summary.seconds:.1f} s"
    )


CLI_ACTOR = "cli"


@keys_cli.command("create")
def keys_create(
    name: Annotated[str, typer.Option(help="A name for the key's holder, e.g. 'web-team'")],
    scope: Annotated[str, typer.Option(help="editor | publisher | auditor | admin")],
) -> None:
    """Create a key and print it. It cannot be shown again."""
    from app.auth.service import create_key

    engine = _engine()
    migrate.upgrade(engine)
    try:
        with Session(engine) as session:
            key = create_key(session=session, name=name, scope=scope, actor=CLI_ACTOR)
    except AppError as exc:
        raise _fail(str(exc.detail)) from exc
    typer.echo(key)


@keys_cli.command("list")
def keys_list() -> None:
    """List keys: name, scope, created, revoked. Never the keys themselves."""
    from app.auth.service import list_keys

    with Session(_engine()) as session:
        for key in list_keys(session=session):
            revoked = f"revoked {key.revoked_at:%Y-%m-%d %H:%M}" if key.revoked_at else "active"
            typer.echo(f"{key.name}\t{key.scope}\t{key.created_at:%Y-%m-%d %H:%M}\t{revoked}")


@keys_cli.command("revoke")
def keys_revoke(name: str) -> None:
    """Revoke the key called NAME."""
    from app.auth.service import revoke_key

    try:
        with Session(_engine()) as session:
            revoke_key(session=session, name=name, actor=CLI_ACTOR)
    except AppError as exc:
        raise _fail(str(exc.detail)) from exc
    typer.echo(f"revoked {name}")


@cli.command("import")
def import_file(
    file: Annotated[Path, typer.Argument(help="A notice document, YAML or JSON")],
) -> None:
    """Import a notice document as its service's new published version (one transaction)."""
    engine = _engine()
    migrate.upgrade(engine)
    try:
        document = read_document(file)
        with Session(engine) as session:
            version = svc.import_document(session=session, document=document, author="cli import")
    except DocumentFileError as exc:
        raise _fail(str(exc)) from exc
    except AppError as exc:
        details = "".join(f"\n{file}: {e.pointer}: {e.detail}" for e in exc.errors or [])
        raise _fail(f"{file}: {exc.detail}{details}") from exc
    _keep_rows(engine)
    typer.echo(f"imported {version.service_id} version {version.version}")


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

    engine = _engine()
    try:
        with Session(engine) as session:
            row = svc.resolve_version(session=session, service_id=service_id, version=version)
            document = svc.export_document(session=session, version=row)
    except AppError as exc:
        raise _fail(str(exc.detail)) from exc
    data = document.model_dump(mode="json", exclude_none=True)
    if fmt == "json":
        text = json.dumps(data, indent=2, ensure_ascii=False) + "\n"
    elif fmt == "yaml":
        text = yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=100)
    else:
        raise _fail("--format must be yaml or json", 2)
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
    full_page: Annotated[bool, typer.Option("--full-page", help="html: a standalone page")] = False,
    output: Annotated[Path | None, typer.Option("--output", "-o")] = None,
) -> None:
    """Write the privacy notice of a service as text, generated from the register."""
    from app.notices.render import MEDIA_TYPES, render_notice

    if fmt not in MEDIA_TYPES:
        raise _fail("--format must be html, markdown or text", 2)
    try:
        with Session(_engine()) as session:
            row = svc.resolve_version(session=session, service_id=service_id, version=version)
            document = svc.export_document(session=session, version=row)
            vocabulary = svc.read_vocabulary(session=session)
    except AppError as exc:
        raise _fail(str(exc.detail)) from exc
    text = render_notice(document, vocabulary, fmt=fmt, full_page=full_page)  # type: ignore[arg-type]
    if output is None:
        sys.stdout.write(text)
    else:
        output.write_text(text, encoding="utf-8")


@cli.command("check")
def check(
    target: Annotated[
        str, typer.Argument(help="A service id in the register, or a notice document file")
    ],
    fmt: Annotated[str, typer.Option("--format", help="table or json")] = "table",
    version: Annotated[int | None, typer.Option(help="A version number (service ids only)")] = None,
    today: Annotated[str | None, typer.Option(help="Check as of this date (YYYY-MM-DD)")] = None,
) -> None:
    """Check a notice: findings with rule, severity, pointer, message and legal reference.

    Exits 1 when there are error findings. A file is checked against the shipped
    vocabularies (ROPA_SEED_DIR/vocab); a service id against the register's.
    """
    from datetime import date

    from app.notices.checks import check_notice
    from app.register.vocabulary import load_vocabulary

    as_of = date.fromisoformat(today) if today else date.today()
    path = Path(target)
    try:
        if path.suffix in (".yaml", ".yml", ".json") or path.exists():
            document = read_document(path)
            vocabulary = load_vocabulary(get_settings().seed_dir / "vocab")
        else:
            with Session(_engine()) as session:
                row = svc.resolve_version(session=session, service_id=target, version=version)
                document = svc.export_document(session=session, version=row)
                vocabulary = svc.read_vocabulary(session=session)
    except DocumentFileError as exc:
        raise _fail(str(exc), 2) from exc
    except AppError as exc:
        raise _fail(str(exc.detail), 2) from exc
    findings = check_notice(document, vocabulary, today=as_of)
    if fmt == "json":
        typer.echo(
            json.dumps([f.model_dump(mode="json") for f in findings], indent=2, ensure_ascii=False)
        )
    else:
        for f in findings:
            typer.echo(f"{f.severity.upper():8} {f.rule:45} {f.pointer}")
            typer.echo(f"         {f.message}")
            typer.echo(f"         ({f.legal_reference})")
        counts = {s: sum(f.severity == s for f in findings) for s in ("error", "warning", "info")}
        typer.echo(f"{counts['error']} errors, {counts['warning']} warnings, {counts['info']} info")
    if any(f.severity == "error" for f in findings):
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

    settings = get_settings()
    engine = make_engine(settings)
    migrate.upgrade(engine)
    with Session(engine) as session:
        empty = svc.is_empty(session=session)
    if seed and empty:
        try:
            typer.echo(f"loaded {_load_seed(engine, settings.seed_dir)} seed notices", err=True)
        except DocumentFileError as exc:
            raise _fail(str(exc)) from exc
    else:
        _keep_rows(engine)  # after a change of vocabularies or of the row format
    engine.dispose()
    uvicorn.run(
        "app.asgi:app",
        host=host,
        port=port,
        workers=workers,
        access_log=settings.access_log,
        proxy_headers=True,
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
    bom: Annotated[bool, typer.Option(help="CSV: start with a UTF-8 byte-order mark")] = False,
    base_url: Annotated[
        str, typer.Option(help="The service's public address, for JSON-LD identifiers")
    ] = "http://localhost:8000",
) -> None:
    """Write the ROPA (one row per processing activity), as GET /v1/ropa does."""
    from datetime import date

    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeRemainingColumn

    from app.exports.ropa import chunks, open_export

    if fmt not in ("json", "csv", "jsonld"):
        raise _fail("--format must be json, csv or jsonld", 2)
    try:
        when = date.fromisoformat(at) if at else date.today()
    except ValueError as exc:
        raise _fail("--at must be a date, YYYY-MM-DD", 2) from exc
    engine = _engine()
    with engine.connect() as conn:
        try:
            export = open_export(conn, at=when, controller=controller, service=service)
        except AppError as exc:
            hint = f" (did you mean: {', '.join(exc.suggestions)}?)" if exc.suggestions else ""
            raise _fail(f"{exc.detail}{hint}") from exc
        if output is None:
            for chunk in chunks(export, conn, fmt=fmt, bom=bom, base=base_url):
                sys.stdout.buffer.write(chunk)
            sys.stdout.flush()
            return
        columns = (*Progress.get_default_columns()[:1], BarColumn(), MofNCompleteColumn())
        with (
            output.open("wb") as out,
            Progress(*columns, TimeRemainingColumn(), console=Console(stderr=True)) as bar,
        ):
            task = bar.add_task("activities", total=export.total)
            for chunk in chunks(
                export,
                conn,
                fmt=fmt,
                bom=bom,
                base=base_url,
                progress=lambda n: bar.advance(task, n),
            ):
                out.write(chunk)
    typer.echo(f"wrote {export.total} activities to {output}", err=True)


def main() -> None:
    cli()
