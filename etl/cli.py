"""`regen load …` and `regen export …`: the ETL commands."""

from __future__ import annotations

import click

from regen.cli import _Group


@click.group(cls=_Group)
def load() -> None:
    """Load a file into the database (one transaction per run; see `regen load COMMAND --help`)."""


@click.group(cls=_Group)
def export() -> None:
    """Export what the database holds as GeoJSON, CSV or XLSX."""


def _register() -> None:
    from etl.load_boundaries import boundaries

    load.add_command(boundaries)


_register()
