"""`regen load …` and `regen export …`: the ETL commands."""

from __future__ import annotations

import click

from regen.clibase import Group as _Group


@click.group(cls=_Group)
def load() -> None:
    """Load a file into the database (one transaction per run; see `regen load COMMAND --help`)."""


@click.group(cls=_Group)
def export() -> None:
    """Export what the database holds as GeoJSON, CSV or XLSX."""


def _register_tables() -> None:
    """Adds the table loaders and the exports (etl/table_commands.py, etl/export_commands.py)."""
    from etl import export_commands, table_commands

    table_commands.register(load)
    export_commands.register(export)


_register_tables()
