"""`build_demo`: generate the demo, write it as files in a temporary folder, load them through the
same ETL loaders real files go through, and report what was loaded."""

from __future__ import annotations

import hashlib
import json
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from shapely.geometry import shape

from etl.demo import actions as actions_mod
from etl.demo import files
from etl.demo import neighborhoods as neighborhoods_mod
from etl.demo import offices as offices_mod
from etl.demo import targets as targets_mod
from etl.demo.calendar import as_of
from etl.demo.counties import county_boundaries
from etl.demo.places import iran_cities
from etl.runs import RunReport
from regen.db import Database
from regen.errors import RegenError

DEFAULT_SEED = 1397
ROOT = Path(__file__).resolve().parents[2]
OUTLINE = ROOT / "data" / "geo" / "iran_outline.geojson"
PROVINCES = ROOT / "data" / "geo" / "iran_provinces.geojson"

_REAL_NEIGHBORHOODS = "SELECT count(*) AS n FROM neighborhoods WHERE source NOT LIKE 'demo-%'"
_STORY = """
SELECT sum(neighborhoods)::int AS neighborhoods, sum(covered)::int AS covered,
       100.0 * sum(covered) / NULLIF(sum(neighborhoods), 0) AS coverage_pct,
       100.0 * sum(handed_over) / NULLIF(sum(established + active + handed_over), 0) AS handover_pct
FROM coverage_by_province(%s)
"""
_COUNTS = """
SELECT (SELECT count(*) FROM cities) AS cities,
       (SELECT count(*) FROM cities WHERE boundary IS NOT NULL) AS cities_with_boundary,
       (SELECT count(*) FROM provinces WHERE boundary IS NOT NULL) AS provinces_with_boundary,
       (SELECT count(*) FROM neighborhoods) AS neighborhoods,
       (SELECT count(*) FROM offices WHERE kind = 'facilitation') AS facilitation_offices,
       (SELECT count(*) FROM offices WHERE kind = 'renewal_service') AS renewal_offices,
       (SELECT count(*) FROM actions) AS actions,
       (SELECT count(*) FROM targets) AS targets
"""


@dataclass
class DemoResult:
    reports: list[RunReport] = field(default_factory=list)
    counts: dict = field(default_factory=dict)
    story: dict = field(default_factory=dict)
    timings: dict = field(default_factory=dict)
    persian_names: dict = field(default_factory=dict)

    def summary(self) -> str:
        """Gives what was loaded, in a few lines."""
        c, s = self.counts, self.story
        lines = [
            f"demo data loaded in {self.timings.get('total', 0):.1f} s "
            f"(generate {self.timings.get('generate', 0):.1f} s, load {self.timings.get('load', 0):.1f} s):",
            f"  real: {c.get('cities')} cities from GeoNames "
            f"({c.get('cities_with_boundary')} with an OSM county as boundary), "
            f"{c.get('provinces_with_boundary')} province boundaries from OpenStreetMap",
            f"  synthetic (source demo-…): {c.get('neighborhoods')} target neighborhoods, "
            f"{c.get('facilitation_offices')} facilitation and "
            f"{c.get('renewal_offices')} renewal service offices, "
            f"{c.get('actions')} actions of the 50th meeting, {c.get('targets')} agencies' targets",
            f"  national coverage {s.get('coverage_pct') or 0:.1f}% "
            f"({s.get('covered')} of {s.get('neighborhoods')} "
            f"neighborhoods), handover rate {s.get('handover_pct') or 0:.1f}%",
        ]
        return "\n".join(lines)


def build_demo(
    db: Database,
    *,
    boundaries: Path | None = None,
    scale: int = 1,
    seed: int = DEFAULT_SEED,
    workdir: Path | None = None,
    echo: Callable[[str], None] = lambda _: None,
) -> DemoResult:
    """Builds the demo into `db` through the ETL loaders; gives what was loaded.

    `boundaries` is a folder like ../shared/data/iran-osm (provinces.geojson, counties/IR-NN.geojson);
    `workdir` keeps the written files (a temporary folder otherwise).
    """
    if scale < 1:
        raise RegenError(f"--scale must be 1 or more, not {scale}")
    if db.scalar(_REAL_NEIGHBORHOODS):
        raise RegenError(
            "the database already holds neighborhoods that are not demo data: the demo is for an "
            "empty database (or one that holds only the demo)"
        )
    result = DemoResult()
    started = time.monotonic()
    cities = iran_cities()
    outline = shape(json.loads(OUTLINE.read_text())["features"][0]["geometry"])
    counties = county_boundaries(boundaries, cities) if boundaries else []
    nbhds = neighborhoods_mod.generate(
        cities, seed, scale, boundaries={b.city.code: b.geometry for b in counties}, land=outline
    )
    offices = offices_mod.generate(cities, nbhds, seed, scale)
    actions = actions_mod.generate(nbhds, offices, seed, scale)
    targets = targets_mod.generate(offices, seed, scale)
    result.persian_names = {
        k: sum(c.persian_from == k for c in cities) for k in ("geonames", "by hand", "english fallback")
    }
    result.timings["generate"] = time.monotonic() - started
    echo(
        f"generated {len(cities)} cities, {len(nbhds)} neighborhoods, {len(offices)} offices, "
        f"{len(actions)} actions "
        f"in {result.timings['generate']:.1f} s"
    )

    loading = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="regen-demo-") as tmp:
        folder = Path(workdir or tmp)
        folder.mkdir(parents=True, exist_ok=True)
        steps = _steps(folder, boundaries, cities, counties, nbhds, offices, actions, targets)
        for label, run in steps:
            t = time.monotonic()
            report = run(db)
            result.reports.append(report)
            echo(
                f"  {label}: read {report.read}, inserted {report.inserted}, updated {report.updated}, "
                f"unchanged {report.unchanged}, rejected {report.rejected} ({time.monotonic() - t:.1f} s)"
            )
    result.timings["load"] = time.monotonic() - loading
    result.counts = db.query(_COUNTS)[0]
    result.story = db.query(_STORY, (as_of(),))[0]
    result.timings["total"] = time.monotonic() - started
    return result


def _steps(folder: Path, boundaries: Path | None, cities, counties, nbhds, offices, actions, targets):
    """Gives (label, load function) in the order the loaders need: parents before children."""
    from etl.load_boundaries import load_boundaries
    from etl.load_tables import load_table

    # The full OSM provinces when a boundaries folder is given, else the simplified ones shipped in
    # data/geo (made from the same file by scripts/make_provinces.py): the map always has provinces.
    provinces = Path(boundaries) / "provinces.geojson" if boundaries else PROVINCES
    steps = [
        (
            "provinces (OSM)",
            lambda db: load_boundaries(
                db, provinces, "province", name_field="name:fa", name_en_field="name:en"
            ),
        )
    ]
    cities_csv = files.write_cities(folder, cities)
    steps.append(("cities (GeoNames)", lambda db: load_table(db, "cities", cities_csv)))
    if counties:
        counties_file = files.write_counties(folder, counties)
        steps.append(
            (
                "city boundaries (OSM counties)",
                lambda db: load_boundaries(
                    db,
                    counties_file,
                    "city",
                    code_field="code",
                    name_field="name_fa",
                    name_en_field="name_en",
                    parent_field="province",
                ),
            )
        )
    nbhd_file = files.write_neighborhoods(folder, nbhds)
    steps.append(
        (
            "neighborhoods (demo)",
            lambda db: load_boundaries(
                db,
                nbhd_file,
                "neighborhood",
                code_field="code",
                name_field="name_fa",
                name_en_field="name_en",
                kind_field="kinds",
                parent_field="city",
            ),
        )
    )
    facts = files.write_facts(folder, nbhds)
    steps.append(("neighborhood facts (demo)", lambda db: load_table(db, "neighborhood-facts", facts)))
    offices_csv = files.write_offices(folder, offices)
    steps.append(("offices (demo)", lambda db: load_table(db, "offices", offices_csv)))
    actions_csv = files.write_actions(folder, actions)
    steps.append(("actions (demo)", lambda db: load_table(db, "actions", actions_csv)))
    targets_csv = files.write_targets(folder, targets)
    steps.append(("targets (demo)", lambda db: load_table(db, "targets", targets_csv)))
    return steps


def export_checksums(db: Database) -> dict[str, str]:
    """Gives the sha256 of each entity's GeoJSON export (the same data gives the same checksums)."""
    from etl.export import ENTITIES, export_bytes
    from regen.scope import NATIONAL

    return {e: hashlib.sha256(export_bytes(db, e, "geojson", scope=NATIONAL)).hexdigest() for e in ENTITIES}
