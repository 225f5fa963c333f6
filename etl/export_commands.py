"""`regen export ENTITY`: the `export` group, one sub-command per entity."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from etl.export import ENTITIES, FORMATS, export_bytes
from regen.clibase import Group
from regen.errors import RegenError
from regen.jalali import parse_date
from regen.scope import NATIONAL


def _make(entity: str) -> click.Command:
    @click.command(entity, help=f"Export the current {entity} (GeoJSON, CSV with BOM, or XLSX).")
    @click.option(
        "--format",
        "fmt",
        type=click.Choice(FORMATS),
        default=None,
        help="Output format; default: from the -o file's extension, else csv.",
    )
    @click.option("--province", default=None, help="Only this province: code (IR-23) or name.")
    @click.option("--city", default=None, help="Only this city (its code).")
    @click.option(
        "--as-of",
        "as_of",
        default=None,
        help="States and statuses on this day (Jalali 1403/01/15 or ISO); default today.",
    )
    @click.option("--jalali", is_flag=True, help="Dates as Jalali text (1397/07/10) instead of ISO.")
    @click.option(
        "-o",
        "--output",
        type=click.Path(dir_okay=False, path_type=Path),
        default=None,
        help="Write to FILE instead of stdout.",
    )
    def command(
        fmt: str | None,
        province: str | None,
        city: str | None,
        as_of: str | None,
        jalali: bool,
        output: Path | None,
    ) -> None:
        from regen.db import get_db

        if fmt is None:
            suffix = output.suffix.lower().lstrip(".") if output else ""
            fmt = {"json": "geojson"}.get(suffix, suffix) if suffix in (*FORMATS, "json") else "csv"
        if fmt == "xlsx" and output is None and sys.stdout.isatty():
            raise RegenError("XLSX is a binary file: write it with -o FILE.xlsx (or redirect stdout)")
        data = export_bytes(
            get_db(),
            entity,
            fmt,
            province=province,
            city=city,
            as_of=parse_date(as_of),
            scope=NATIONAL,
            jalali=jalali,
        )
        if output is None:
            sys.stdout.flush()
            sys.stdout.buffer.write(data)
            sys.stdout.buffer.flush()
        else:
            output.write_bytes(data)
            click.echo(f"wrote {output} ({len(data):,} bytes)", err=True)

    return command


@click.group(cls=Group)
def export() -> None:
    """Export what the database holds as GeoJSON, CSV or XLSX."""


for _entity in ENTITIES:
    export.add_command(_make(_entity))
