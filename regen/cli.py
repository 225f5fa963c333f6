"""`regen`: the one entry point. User mistakes end as one clear message and a non-zero exit."""

from __future__ import annotations

import logging
import sys
from pathlib import Path

import click

from regen import settings as settings_mod
from regen.clibase import Group
from regen.errors import RegenError


@click.group(
    cls=Group,
    lazy={  # the sub-command groups that live beside the modules they drive
        "load": "etl.cli:load",
        "export": "etl.export_commands:export",
        "demo": "etl.demo.cli:demo",
        "users": "regen.users_cli:users",
    },
)
@click.option("-v", "--verbose", is_flag=True, help="Log what happens (to stderr).")
def cli(verbose: bool) -> None:
    """Regen Atlas (اطلس بازآفرینی): the PostGIS database, ETL and dashboard of urban regeneration."""
    settings_mod.reload()  # a command reads the settings as its environment says when it starts
    logging.basicConfig(
        level=logging.INFO if verbose else logging.WARNING, format="%(levelname)s %(message)s"
    )


# -- database ----------------------------------------------------------------------------------------
@cli.group(cls=Group)
def db() -> None:
    """The database: the embedded cluster (default) or the server DATABASE_URL names."""


def _cluster():
    from regen.embedded import default_cluster

    return default_cluster(settings_mod.get().data_dir)


def _uses_external() -> bool:
    return bool(settings_mod.get().database_url)


@db.command("up")
def db_up() -> None:
    """Create (first time) and start the embedded cluster; a no-op when it is running."""
    if _uses_external():
        click.echo("DATABASE_URL is set: using that server, no embedded cluster started.")
        return
    cluster = _cluster()
    was_running = cluster.running()
    cluster.up()
    state = "already running" if was_running else "started"
    click.echo(f"embedded database {state}: {cluster.base} (127.0.0.1:{cluster.port()})")


@db.command("down")
def db_down() -> None:
    """Stop the embedded cluster cleanly."""
    if _uses_external():
        click.echo("DATABASE_URL is set: there is no embedded cluster to stop.")
        return
    click.echo("embedded database stopped." if _cluster().down() else "embedded database was not running.")


@db.command("url")
def db_url() -> None:
    """Print the connection URL, so that `psql "$(regen db url)"` works."""
    from regen.db import resolve_url

    click.echo(resolve_url(start_embedded=False))


@db.command("migrate")
def db_migrate() -> None:
    """Apply pending SQL migrations from sql/migrations."""
    from regen.db import get_db
    from regen.migrate import migrate

    applied = migrate(get_db())
    click.echo("\n".join(f"applied {name}" for name in applied) if applied else "database is up to date.")


@db.command("status")
def db_status() -> None:
    """Report the server, PostGIS version, migration level and row counts."""
    from regen import queries
    from regen.db import get_db, resolve_url
    from regen.migrate import level, pending

    if _uses_external():
        click.echo("server: DATABASE_URL")
    else:
        cluster = _cluster()
        if not cluster.running():
            raise RegenError(
                f"the embedded database in {cluster.base} is not running: start it with `regen db up`"
            )
        click.echo(f"server: embedded cluster in {cluster.base}, 127.0.0.1:{cluster.port()}")
    database = get_db(start_embedded=False)
    info = queries.run("server_status", database)[0]
    click.echo(f"postgresql: {info['server_version']}")
    click.echo(f"postgis: {info['postgis_version'] or 'not installed (run `regen db migrate`)'}")
    click.echo(f"migration level: {level(database) or 'none'}")
    todo = pending(database)
    if todo:
        click.echo(f"pending migrations: {', '.join(todo)}")
    if info["postgis_version"] and level(database):
        for row in queries.run("row_counts", database):
            click.echo(f"  {row['table_name']}: {row['n']}")
    del resolve_url


@db.command("dump")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
def db_dump(file: Path) -> None:
    """Back up the whole database (data, accounts, audit log, schema) to FILE (pg_dump custom format)."""
    from regen.backup import dump
    from regen.db import get_db

    size = dump(get_db(), file)
    click.echo(f"wrote {file} ({size:,} bytes)")


@db.command("restore")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.option(
    "--force",
    is_flag=True,
    help="The database is not empty: first delete everything in its public schema (all tables, data, "
    "accounts, functions, PostGIS), in the same transaction as the restore.",
)
def db_restore(file: Path, force: bool) -> None:
    """Restore a `regen db dump` FILE into the database, which must be empty (or --force); then run
    `regen db migrate` if the dump is older than this version."""
    from regen.backup import restore
    from regen.db import get_db
    from regen.migrate import level, pending

    database = get_db()
    restore(database, file, force=force)
    click.echo(f"restored {file}: migration level {level(database) or 'none'}")
    todo = pending(database)
    if todo:
        click.echo(f"the dump is older than this version: run `regen db migrate` ({len(todo)} pending)")


# -- dashboard -----------------------------------------------------------------------------------------
@cli.command("serve")
@click.option("--debug", is_flag=True, help="Flask's development server with reloading, not gunicorn.")
@click.option("--host", default=None, help="Address to listen on (REGEN_HOST, 127.0.0.1).")
@click.option("--port", type=int, default=None, help="Port to listen on (REGEN_PORT, 8050).")
def serve(debug: bool, host: str | None, port: int | None) -> None:
    """Serve the dashboard (gunicorn, REGEN_WORKERS workers)."""
    from dashboard.server import serve as run_server

    s = settings_mod.get()
    run_server(host or s.host, port or s.port, debug=debug, workers=s.workers)


@cli.command("run")
@click.option("--host", default=None, help="Address to listen on (REGEN_HOST, 127.0.0.1).")
@click.option("--port", type=int, default=None, help="Port to listen on (REGEN_PORT, 8050).")
def run(host: str | None, port: int | None) -> None:
    """What `make run` does: database up, migrate, demo data when empty, serve the dashboard."""
    from dashboard.server import serve as run_server
    from regen.db import get_db
    from regen.migrate import migrate

    s = settings_mod.get()
    database = get_db()
    for name in migrate(database):
        click.echo(f"applied {name}")
    _load_demo_if_empty(database)
    if not s.database_url:  # the embedded demo only: any other deployment starts with no account
        _show_demo_accounts(database, s.data_dir, host or s.host, port or s.port)
    click.echo(f"Regen Atlas on http://{host or s.host}:{port or s.port}/  (Ctrl-C stops it)")
    database.close()  # the workers open their own connections; the parent needs none while serving
    run_server(host or s.host, port or s.port, debug=False, workers=s.workers)


def _load_demo_if_empty(database) -> None:
    from regen import queries

    if queries.run("is_empty", database)[0]["empty"]:
        from etl.demo.build import build_demo

        click.echo("database is empty: loading the demo data set (`regen demo`) …")
        try:
            click.echo(build_demo(database, echo=click.echo).summary())
        except RegenError as e:  # the dashboard still serves; the demo can be loaded later
            click.echo(f"the demo data set could not be loaded ({e}); serving the empty database.", err=True)


def _show_demo_accounts(database, data_dir, host: str, port: int) -> None:
    from regen.accounts import DEMO_FILE, ensure_demo_accounts

    accounts = ensure_demo_accounts(database, data_dir)
    if accounts:
        click.echo(f"demo accounts (kept in {data_dir / DEMO_FILE}); sign in at http://{host}:{port}/login")
        for name, password, role, province in accounts:
            click.echo(f"  {name} / {password}   ({role}{' ' + province if province else ''})")


@cli.command("brief")
@click.option(
    "--meeting", type=click.IntRange(min=1), default=None, help="Meeting number; default: the next one."
)
@click.option(
    "--province", default=None, help="A province's brief (code IR-23 or name) instead of the nation's."
)
@click.option(
    "--as-of", "as_of", default=None, help="Figures on this day (Jalali 1405/09/05 or ISO); default today."
)
@click.option("--lang", type=click.Choice(["fa", "en"]), default="fa", show_default=True, help="Language.")
@click.option(
    "-o", "--output", type=click.Path(dir_okay=False, path_type=Path), required=True, help="The PDF to write."
)
def brief(meeting: int | None, province: str | None, as_of: str | None, lang: str, output: Path) -> None:
    """Write the meeting brief as PDF (A4; Persian, or English with --lang en), as the national scope."""
    import datetime as dt

    from dashboard.brief.render import brief_pdf
    from etl.export import resolve_province
    from regen.db import get_db
    from regen.jalali import parse_date
    from regen.scope import NATIONAL

    database = get_db()
    code = resolve_province(database, province) if province else None
    day = parse_date(as_of) or dt.date.today()
    data = brief_pdf(database, NATIONAL, as_of=day, lang=lang, meeting=meeting, province=code)
    output.write_bytes(data)
    click.echo(f"wrote {output} ({len(data):,} bytes)", err=True)


@cli.command("settings")
def show_settings() -> None:
    """List every setting (environment variable) with its help."""
    for env, help_text in settings_mod.Settings.documented():
        click.echo(f"{env}: {help_text}")


def main() -> None:
    try:
        cli(prog_name="regen")
    except RegenError as e:  # raised outside a command (e.g. while parsing settings)
        click.echo(f"Error: {e}", err=True)
        sys.exit(1)


if __name__ == "__main__":
    main()
