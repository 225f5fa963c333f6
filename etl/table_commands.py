"""`regen load cities|offices|neighborhood-facts|actions|targets FILE`: the table loaders' commands."""

from __future__ import annotations

from pathlib import Path

import click

from etl.load_tables import KINDS, load_table
from etl.run_options import echo_report, run_options

_HELP = {
    "cities": "Load cities as points (code, name_fa, name_en, province, lat, lon, population).",
    "offices": "Load facilitation and renewal service offices with their neighborhoods and lifecycle dates.",
    "neighborhood-facts": "Load population, households, kinds and pilot flag of existing neighborhoods.",
    "actions": "Load the actions of HQ resolutions with their scope, due date and status.",
    "targets": "Load agencies' quantitative targets (agency, measure, province or nation, period, value).",
}


def _make(kind: str) -> click.Command:
    @click.command(
        kind,
        help=_HELP[kind] + " CSV (UTF-8, UTF-8 with BOM, Windows-1256) or XLSX; English or "
        "Persian headers (see docs/loading.md). One transaction: any error leaves the database as it was.",
    )
    @click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
    @click.option(
        "--encoding", default=None, help="CSV encoding (utf-8, utf-8-sig, cp1256); default: detected."
    )
    @click.option(
        "--sheet", default=None, help="XLSX sheet to read; default: the one with the table's header."
    )
    @run_options
    def command(
        file: Path, encoding: str | None, sheet: str | None, dry_run: bool, as_json: bool, max_rejects: int
    ) -> None:
        from regen.db import get_db

        click.get_current_context().meta["regen.load.file"] = file
        report = load_table(
            get_db(), kind, file, encoding=encoding, sheet=sheet, dry_run=dry_run, max_rejects=max_rejects
        )
        echo_report(report, as_json)

    return command


def register(group: click.Group) -> None:
    """Adds `regen load cities|offices|neighborhood-facts|actions|targets` to `group`."""
    for kind in KINDS:
        group.add_command(_make(kind))
