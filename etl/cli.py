"""`regen load …`: the ETL's loaders (boundaries, and the agencies' tables)."""

from __future__ import annotations

import click

from regen.clibase import Group as _Group


@click.group(cls=_Group)
def load() -> None:
    """Load a file into the database (one transaction per run; see `regen load COMMAND --help`)."""


def _register() -> None:
    """Adds the table loaders (etl/table_commands.py) and the boundary loader."""
    from etl import table_commands
    from etl.load_boundaries import boundaries

    table_commands.register(load)
    load.add_command(boundaries)


_register()
