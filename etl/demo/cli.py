"""`regen demo`: the demo data set (real cities and outline, synthetic neighborhoods, offices, actions)."""

from __future__ import annotations

from pathlib import Path

import click

from etl.demo.build import DEFAULT_SEED


@click.command("demo")
@click.option(
    "--boundaries",
    type=click.Path(file_okay=False, exists=True, path_type=Path),
    default=None,
    help="Folder with real provinces.geojson and counties/IR-NN.geojson (e.g. ../shared/data/iran-osm): "
    "loaded through `regen load boundaries`. Without it, provinces and cities are points.",
)
@click.option(
    "--scale",
    type=click.IntRange(min=1),
    default=1,
    show_default=True,
    help="Multiply neighborhoods, offices and actions by K (K=10 for benchmarks).",
)
@click.option(
    "--seed",
    type=int,
    default=DEFAULT_SEED,
    show_default=True,
    help="Seed of the synthetic data: the same seed gives the same data.",
)
@click.option(
    "--keep-files",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Write the generated files here and keep them (default: a temporary folder).",
)
@click.option("--checksums", is_flag=True, help="Print the sha256 of each entity's export afterwards.")
def demo(boundaries: Path | None, scale: int, seed: int, keep_files: Path | None, checksums: bool) -> None:
    """Build the demo data set into the database through the ETL loaders (the same files → the same data)."""
    from etl.demo.build import build_demo, export_checksums
    from regen.db import get_db
    from regen.migrate import migrate

    database = get_db()
    migrate(database)
    result = build_demo(
        database, boundaries=boundaries, scale=scale, seed=seed, workdir=keep_files, echo=click.echo
    )
    click.echo(result.summary())
    if checksums:
        for entity, digest in export_checksums(database).items():
            click.echo(f"  sha256 {entity}: {digest}")
