"""`regen load …`: the ETL's loaders (boundaries, and the agencies' tables)."""

from __future__ import annotations

import logging

import click

from regen.clibase import Group

log = logging.getLogger(__name__)
FILE = "regen.load.file"  # ctx.meta key: each loader command puts its FILE there for the message below


class LoadGroup(Group):
    """Loaders read whatever agencies send: a file that trips on something no check foresaw still ends
    as one paragraph naming the file (the traceback goes to the log, shown with `regen -v`), never as a
    traceback. The run's transaction has rolled back by then, so nothing was loaded."""

    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except (click.exceptions.Exit, click.ClickException, click.Abort, KeyboardInterrupt):
            raise
        except Exception as e:  # noqa: BLE001 — the last guard; every known problem has its own message
            log.info("the loader stopped on an unexpected error", exc_info=True)
            file = ctx.meta.get(FILE, "the file")
            raise click.ClickException(
                f"{file}: the file could not be read ({type(e).__name__}: {str(e).strip()[:300]}); "
                "nothing was loaded. Check that it is the kind of file the command reads, export it "
                "again, and if this persists report it with the output of `regen -v load …`."
            ) from e


@click.group(cls=LoadGroup)
def load() -> None:
    """Load a file into the database (one transaction per run; see `regen load COMMAND --help`)."""


def _register() -> None:
    """Adds the table loaders (etl/table_commands.py) and the boundary loader."""
    from etl import table_commands
    from etl.load_boundaries import boundaries

    table_commands.register(load)
    load.add_command(boundaries)


_register()
