"""`regen load boundaries FILE --level …`: the command, and `load_boundaries(...)` that it wraps."""

from __future__ import annotations

import sys
from pathlib import Path

import click
import psycopg2

from etl.run_options import echo_report, run_options
from etl.runs import LoadError, RunReport, etl_run
from regen.db import Database, get_db

LEVELS = ("province", "city", "neighborhood")

_PROVINCE = """
SELECT code, name_fa FROM provinces
 WHERE code = upper(%(v)s) OR name_key = fa_normalize(%(v)s) OR name_en_key = fa_normalize(%(v)s)
"""
_CITY = """
SELECT code, name_fa FROM cities
 WHERE retired_at IS NULL AND (code = %(v)s OR name_key = fa_normalize(%(v)s)) ORDER BY code = %(v)s DESC
"""
# Where a box of lon/lat lands: for the UTM hint of a file without CRS.
_WHERE = """
SELECT string_agg(name_fa || ' (' || code || ')', ', ' ORDER BY code) AS names FROM provinces
 WHERE boundary IS NOT NULL AND ST_Intersects(boundary, ST_Centroid(ST_MakeEnvelope(%s, %s, %s, %s, 4326)))
   AND (%s::text IS NULL OR code = %s)
"""


def load_boundaries(
    db: Database,
    path: Path,
    level: str,
    *,
    layer: str | None = None,
    name_field: str | None = None,
    name_en_field: str | None = None,
    code_field: str | None = None,
    kind_field: str | None = None,
    parent_field: str | None = None,
    province: str | None = None,
    city: str | None = None,
    strip_prefix: tuple[str, ...] = (),
    source_crs: str | None = None,
    encoding: str | None = None,
    replace: bool = False,
    allow_retire_all: bool = False,
    dry_run: bool = False,
    max_rejects: int = 0,
    progress=None,
) -> RunReport:
    """Gives the report of loading one boundary file (committed unless dry_run; any error changes nothing)."""
    from etl.boundaries import Options, load
    from etl.sources import open_source

    path = Path(path)
    _check_options(level, province, city, kind_field, parent_field, replace)
    if allow_retire_all and not replace:
        raise LoadError("--allow-retire-all confirms what --replace retires: use it with --replace")
    parent = _resolve_parent(db, province, "province", _PROVINCE) if province else None
    parent = _resolve_parent(db, city, "city", _CITY) if city else parent
    opts = Options(
        level=level,
        name_field=name_field,
        name_en_field=name_en_field,
        code_field=code_field,
        kind_field=kind_field,
        parent_field=parent_field,
        parent=parent,
        strip_prefix=tuple(strip_prefix),
        replace=replace,
        allow_retire_all=allow_retire_all,
    )
    given = {
        "level": level,
        "layer": layer,
        "name_field": name_field,
        "name_en_field": name_en_field,
        "code_field": code_field,
        "kind_field": kind_field,
        "parent_field": parent_field,
        "province": province,
        "city": city,
        "strip_prefix": list(strip_prefix) or None,
        "source_crs": source_crs,
        "encoding": encoding,
        "replace": replace or None,
        "allow_retire_all": allow_retire_all or None,
        "dry_run": dry_run or None,
        "max_rejects": max_rejects or None,
    }
    options = {k: v for k, v in given.items() if v is not None}
    city_parent = parent if level == "city" else None

    def where(box) -> str | None:
        row = db.query(_WHERE, (*box, city_parent, city_parent))
        return row[0]["names"] if row else None

    # Loads into one parent serialise on its own key and share the level's key; loads whose parents
    # come from the file (any parent) take the level's key alone, so they wait for all the others.
    level_key = f"boundaries:{level}"
    lock_key = f"{level_key}:{parent}" if parent else level_key
    with open_source(
        path, layer=layer, source_crs=source_crs, encoding=encoding, hint_crs_check=where
    ) as src:
        try:
            with etl_run(
                db,
                "boundaries",
                path,
                lock_key=lock_key,
                level=level,
                options=options,
                dry_run=dry_run,
                max_rejects=max_rejects,
            ) as (cur, report):
                if parent:
                    cur.execute("SELECT pg_advisory_xact_lock_shared(hashtextextended(%s, 0))", (level_key,))
                report.encoding, report.source_crs = src.encoding, src.source_crs
                load(cur, src, opts, report, progress=progress)
        except psycopg2.Error as e:
            detail = (e.pgerror or str(e)).strip().splitlines()[0]
            raise LoadError(f"{path}: the database refused the data, so nothing was loaded: {detail}") from e
    if dry_run:
        report.run_id = None
    return report


def _check_options(level, province, city, kind_field, parent_field, replace) -> None:
    if level not in LEVELS:
        raise LoadError(f"--level must be one of {', '.join(LEVELS)}")
    if province and level != "city":
        raise LoadError("--province sets the parent of cities: use it with --level city")
    if city and level != "neighborhood":
        raise LoadError("--city sets the parent of neighborhoods: use it with --level neighborhood")
    if kind_field and level != "neighborhood":
        raise LoadError("--kind-field is for neighborhoods (--level neighborhood)")
    if parent_field and (province or city):
        raise LoadError(
            "give the parent either for all features (--province/--city) or per feature "
            "(--parent-field), not both"
        )
    if level == "province" and (parent_field or replace):
        raise LoadError(
            "provinces are reference data (all 31 always exist): a province file attaches "
            "boundaries to them; --parent-field and --replace do not apply"
        )


def _resolve_parent(db: Database, value: str, label: str, query: str) -> str:
    rows = db.query(query, {"v": value})
    if not rows:
        raise LoadError(
            f"--{label} {value!r}: no such {label} in the database (give its code, e.g. "
            f"{'IR-23' if label == 'province' else 'the code used when the cities were loaded'})"
        )
    if len(rows) > 1 and rows[0]["code"] != value:
        names = ", ".join(f"{r['code']} «{r['name_fa']}»" for r in rows[:10])
        raise LoadError(f"--{label} {value!r} names several: {names}; give the code")
    return rows[0]["code"]


@click.command("boundaries")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--level", type=click.Choice(LEVELS), required=True, help="What the polygons are.")
@click.option("--layer", help="Layer of a GeoPackage (or Shapefile in a .zip) to read.")
@click.option("--name-field", help="Field with the Persian name; dotted for nested properties (tags.name).")
@click.option("--name-en-field", help="Field with the English name (tags.name:en).")
@click.option("--code-field", help="Field with the feature's code (e.g. id); without it, matched by name.")
@click.option("--kind-field", help="Neighborhoods: field with the kind(s), e.g. «تاریخی، غیررسمی».")  # noqa: E501
@click.option(
    "--parent-field",
    help="Field with each feature's parent code (province of a city, city of a "
    "neighborhood), instead of finding it by overlap.",
)
@click.option("--province", help="Cities: the province of every feature (code or name).")
@click.option("--city", help="Neighborhoods: the city of every feature (code).")
@click.option(
    "--strip-prefix",
    multiple=True,
    help="Remove this prefix from names (repeatable), e.g. «شهرستان ».",
)
@click.option("--source-crs", help="CRS of a file that declares none, e.g. EPSG:32639.")
@click.option(
    "--encoding",
    help="Text encoding of a Shapefile's attributes or a GeoJSON, e.g. windows-1256 (default: detected).",
)
@click.option(
    "--replace", is_flag=True, help="The file is the whole truth for its parents: retire what it lacks."
)
@click.option(
    "--allow-retire-all",
    is_flag=True,
    help="With --replace: allow retiring all, or more than half, of a parent's current rows.",
)
@run_options
def boundaries(file: Path, level: str, as_json: bool, **kwargs) -> None:
    """Load province, city or neighborhood boundaries from GeoJSON, Shapefile (.shp/.zip) or GeoPackage."""
    click.get_current_context().meta["regen.load.file"] = file
    show_bar = not as_json and sys.stderr.isatty()
    bar, done = None, 0

    def progress(n: int, total: int) -> None:
        nonlocal bar, done
        done += n
        if not total:  # a GeoJSON does not say how many features it holds: count them instead
            click.echo(f"\rreading features: {done}", nl=False, err=True)
            return
        if bar is None:
            bar = click.progressbar(length=total, label="reading features", file=sys.stderr)
            bar.__enter__()
        bar.update(n)

    try:
        report = load_boundaries(get_db(), file, level, progress=progress if show_bar else None, **kwargs)
    finally:
        if bar is not None:
            bar.__exit__(None, None, None)
        elif show_bar and done:
            click.echo(err=True)
    echo_report(report, as_json)
