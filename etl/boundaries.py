"""Loading boundaries: stream a file into a staging table, then match and upsert it with set-based SQL.

Python streams Arrow batches and writes them with COPY (geometry as hex WKB, already in EPSG:4326);
PostgreSQL repairs invalid polygons (with the same GEOS as the table's CHECK), finds each feature's
parent, matches it to what is stored, and writes inserts, updates, history and retirements in a few
statements. Memory stays that of one batch, whatever the size of the file.

`load` runs the phases in order; each lives in its own module: reading and staging
(etl/boundary_stage.py), parents, targets and duplicates (etl/boundary_match.py), writing
(etl/boundary_write.py), and what makes a file wrong as a whole (etl/boundary_checks.py).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass

from etl import boundary_match as match
from etl.behind import Behind
from etl.boundary_stage import create_stage, read_fields, record_repairs, stage
from etl.boundary_write import write
from etl.runs import RunReport
from etl.sources import Source


@dataclass(frozen=True)
class Level:
    name: str
    table: str
    parent_col: str | None
    parent_table: str | None
    parent_label: str | None


# What each level is stored in and what its parent is.
LEVEL = {
    "province": Level("province", "provinces", None, None, None),
    "city": Level("city", "cities", "province_code", "provinces", "province"),
    "neighborhood": Level("neighborhood", "neighborhoods", "city_code", "cities", "city"),
}


@dataclass
class Options:
    """How to read a file's features: the command's options, the parent resolved to a code."""

    level: str
    name_field: str | None = None
    name_en_field: str | None = None
    code_field: str | None = None
    kind_field: str | None = None
    parent_field: str | None = None
    parent: str | None = None  # --province / --city, resolved to a code
    strip_prefix: tuple[str, ...] = ()
    replace: bool = False
    allow_retire_all: bool = False


def load(
    cur,
    source: Source,
    opts: Options,
    report: RunReport,
    progress: Callable[[int, int], None] | None = None,
) -> None:
    """Loads the source into the level's table inside the run's transaction; fills in the report."""
    lvl = LEVEL[opts.level]
    fields = read_fields(source, opts)
    for n in source.notes:  # what was decided about the file comes first in the report
        report.note(n)
    noted = len(source.notes)
    clock = _Clock()
    # The set-based statements below are planned as costly enough for JIT, but their time is spent in
    # PostGIS/GEOS calls that JIT cannot speed up: compiling them only adds seconds (1.5 s at 15,000
    # features). Off for this transaction only.
    cur.execute("SELECT set_config('jit', 'off', true)")
    create_stage(cur)
    finder = match.parent_finder(cur, lvl, opts)
    store = Behind("store")
    try:
        stage(cur, source, opts, fields, report, progress, finder, store)
        repaired = [r for rows in store.results() for r in rows]
        found = finder.results() if finder else {}
    finally:
        store.close()
        if finder:
            finder.close()
    clock.lap("read, stage and check validity")
    for n in source.notes[noted:]:  # what GDAL said while the features were read
        report.note(n)
    record_repairs(cur, report, repaired)
    if lvl.name == "province":
        match.provinces(cur, source)
    else:
        match.refuse_duplicates(cur, source, "code", "code")
        match.find_parents(cur, lvl, opts, found, report)
        clock.lap("parents")
        match.targets(cur, lvl)
        match.refuse_duplicates(cur, source, "target", "name within the same " + lvl.parent_label)
    match.collect_rejects(cur, report)
    clock.lap("matching")
    write(cur, lvl, opts, report, source, has_name_en=fields["name_en"] is not None)
    clock.lap("writing")
    report.note("time: " + clock.summary())


class _Clock:
    """Seconds spent per phase, for the report (a slow load should say where its time went)."""

    def __init__(self) -> None:
        self.t = time.perf_counter()
        self.laps: list[tuple[str, float]] = []

    def lap(self, name: str) -> None:
        now = time.perf_counter()
        self.laps.append((name, now - self.t))
        self.t = now

    def summary(self) -> str:
        return ", ".join(f"{name} {s:.1f} s" for name, s in self.laps)
