"""Loading boundaries: stream a file into a staging table, then match and upsert it with set-based SQL.

Python streams Arrow batches and writes them with COPY (geometry as hex WKB, already in EPSG:4326);
PostgreSQL repairs invalid polygons (with the same GEOS as the table's CHECK), finds each feature's
parent, matches it to what is stored, and writes inserts, updates, history and retirements in a few
statements. Memory stays that of one batch, whatever the size of the file.
"""

from __future__ import annotations

import io
import re
import struct
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import shapely
from psycopg2 import sql

from etl import boundary_checks as checks
from etl.behind import Behind
from etl.parents import ParentFinder
from etl.runs import LoadError, RunReport
from etl.sources import NAME_CANDIDATES, NAME_EN_CANDIDATES, FieldPath, Source
from regen.db import copy_rows
from regen.text import fa_normalize, fold_letters

LEVELS = ("province", "city", "neighborhood")


@dataclass(frozen=True)
class Level:
    name: str
    table: str
    parent_col: str | None
    parent_table: str | None
    parent_label: str | None


LEVEL = {
    "province": Level("province", "provinces", None, None, None),
    "city": Level("city", "cities", "province_code", "provinces", "province"),
    "neighborhood": Level("neighborhood", "neighborhoods", "city_code", "cities", "city"),
}

KIND_WORDS = {
    "historic": ("historic", "تاریخی", "بافت تاریخی", "history"),
    "inner_city": (
        "inner_city",
        "inner city",
        "inner-city",
        "میانی",
        "پهنه نابسامان میانی",
        "نابسامان میانی",
        "بافت فرسوده",
        "فرسوده",
        "ناکارآمد",
        "بافت ناکارآمد",
    ),
    "rural_core": (
        "rural_core",
        "rural core",
        "rural",
        "روستایی",
        "روستا",
        "هسته روستایی",
        "روستای ادغام شده",
        "روستاهای ادغام شده",
    ),
    "informal": (
        "informal",
        "غیررسمی",
        "غیر رسمی",
        "سکونتگاه غیررسمی",
        "سکونتگاههای غیررسمی",
        "اسکان غیررسمی",
        "حاشیه نشینی",
    ),
}
# Compared without spaces or ZWNJ: «غیر رسمی», «غیررسمی» and «سکونتگاه‌های» all match.
_KIND_KEY = {fa_normalize(w).replace(" ", ""): k for k, words in KIND_WORDS.items() for w in words}
_KIND_SPLIT = re.compile(r"[,،;؛|/+]")

_POLYGONAL = {3, 6}
_SKIPPED = {1: "Point", 2: "LineString", 4: "MultiPoint", 5: "MultiLineString"}

STAGE_COLUMNS = ("row_no", "code", "name_fa", "name_en", "kinds", "parent_hint", "geom")
_CREATE_STAGE = """
CREATE TEMP TABLE boundary_stage (
    row_no      integer PRIMARY KEY,
    code        text,
    name_fa     text NOT NULL,
    name_en     text,
    kinds       text[],
    parent_hint text,
    -- Plain WKB gets SRID 4326 stamped here: _stage has already reprojected it to EPSG:4326.
    geom        geometry(Geometry, 4326) NOT NULL,
    parent      text,
    target      text,
    repair      text,
    reject      text
) ON COMMIT DROP;
-- Read many times (validity, parents, matching, writing): stored uncompressed, so no pass pays for
-- decompressing every polygon again.
ALTER TABLE boundary_stage ALTER COLUMN geom SET STORAGE EXTERNAL;
"""


@dataclass
class Options:
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


def strip_prefix(name: str, prefixes: tuple[str, ...]) -> str:
    """Gives `name` without the first of `prefixes` it starts with (ي/ی and ك/ک alike)."""
    fixed = fold_letters(name)  # one character for one: a prefix found in it can be cut from the name
    for p in prefixes:
        if p and fixed.startswith(fold_letters(p)) and len(name) > len(p):
            return name[len(p) :].strip()
    return name


def parse_kinds(text: str | None) -> tuple[list[str] | None, str | None]:
    """Gives (kinds, None) for a kind field's value, or (None, the unknown word)."""
    if text is None:
        return [], None
    out: list[str] = []
    for word in _KIND_SPLIT.split(text):
        key = fa_normalize(word)
        if key is None:
            continue
        key = key.replace(" ", "")
        kind = _KIND_KEY.get(key)
        if kind is None:
            return None, word.strip()
        if kind not in out:
            out.append(kind)
    return out, None


def load(
    cur,
    source: Source,
    opts: Options,
    report: RunReport,
    progress: Callable[[int, int], None] | None = None,
) -> None:
    """Loads the source into the level's table inside the run's transaction; fills in the report."""
    lvl = LEVEL[opts.level]
    fields = _fields(source, opts)
    for n in source.notes:  # what was decided about the file comes first in the report
        report.note(n)
    noted = len(source.notes)
    clock = _Clock()
    _room_for_staging(cur)
    # The set-based statements below are planned as costly enough for JIT, but their time is spent in
    # PostGIS/GEOS calls that JIT cannot speed up: compiling them only adds seconds (1.5 s at 15,000
    # features). Off for this transaction only.
    cur.execute("SELECT set_config('jit', 'off', true)")
    cur.execute(_CREATE_STAGE)
    finder = _parent_finder(cur, lvl, opts)
    store = Behind("store")
    try:
        _stage(cur, source, opts, fields, report, progress, finder, store)
        repaired = [r for rows in store.results() for r in rows]
        found = finder.results() if finder else {}
    finally:
        store.close()
        if finder:
            finder.close()
    clock.lap("read, stage and check validity")
    for n in source.notes[noted:]:  # what GDAL said while the features were read
        report.note(n)
    _repaired(cur, report, repaired)
    if lvl.name == "province":
        _match_provinces(cur, report, source)
    else:
        _check_duplicates(cur, source, "code", "code")
        _find_parents(cur, lvl, opts, found, report)
        clock.lap("parents")
        _match_targets(cur, lvl)
        _check_duplicates(cur, source, "target", "name within the same " + lvl.parent_label)
    _collect_rejects(cur, report)
    clock.lap("matching")
    _write(cur, lvl, opts, report, source, has_name_en=fields["name_en"] is not None)
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


def _room_for_staging(cur) -> None:
    # Temporary tables live in the session's temp_buffers (8 MB by default): a staging table larger
    # than that is re-read from disk on every pass. It can only be raised before the session first
    # touches a temporary table; a pooled session that already did keeps its setting.
    cur.execute("SAVEPOINT temp_buffers")
    try:
        cur.execute("SELECT set_config('temp_buffers', '1GB', true)")
    except Exception:  # noqa: BLE001 — the setting is an optimisation; the load works without it
        cur.execute("ROLLBACK TO SAVEPOINT temp_buffers")
    cur.execute("RELEASE SAVEPOINT temp_buffers")


# -- reading and staging ------------------------------------------------------------------------------
def _fields(source: Source, opts: Options) -> dict[str, FieldPath | None]:
    f = {
        "name": source.resolve(opts.name_field, "--name-field", required=True, candidates=NAME_CANDIDATES),
        "name_en": source.resolve(opts.name_en_field, "--name-en-field", candidates=NAME_EN_CANDIDATES),
        "code": source.resolve(opts.code_field, "--code-field"),
        "kind": source.resolve(opts.kind_field, "--kind-field"),
        "parent": source.resolve(opts.parent_field, "--parent-field"),
    }
    if f["name_en"] is not None and f["name_en"].asked == f["name"].asked:
        f["name_en"] = None
    return f


def _geom_type(wkb: bytes) -> tuple[int, int, bool]:
    """Gives (base geometry type, number of parts or rings, has Z or M) read from a WKB header."""
    order = "<" if wkb[0] == 1 else ">"
    raw = struct.unpack(order + "I", wkb[1:5])[0]
    count = struct.unpack(order + "I", wkb[5:9])[0] if len(wkb) >= 9 else 0
    extra = bool(raw & 0xE0000000) or (raw & 0xFFFF) >= 1000  # EWKB flags or ISO Z/M/ZM codes
    if raw & 0x20000000:  # EWKB with an SRID: the count comes after it
        count = struct.unpack(order + "I", wkb[9:13])[0] if len(wkb) >= 13 else 0
    return (raw & 0xFFFF) % 1000, count, extra


def _tsv(v: Any) -> str:
    if v is None:
        return r"\N"
    return str(v).replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")


def _stage(
    cur,
    source: Source,
    opts: Options,
    fields: dict[str, FieldPath | None],
    report: RunReport,
    progress: Callable[[int, int], None] | None,
    finder: ParentFinder | None,
    store: Behind,
) -> None:
    """Reads the source batch by batch; `store` COPYs each into the staging table (and repairs its
    invalid polygons) and `finder` finds parents, both on their threads while the next batch is read."""
    columns = sorted({fp.column for fp in fields.values() if fp is not None})
    transformer = source.transformer() if source.needs_transform else None
    skipped: dict[str, int] = {}
    row_no = swaps = 0
    for batch in source.batches(columns):
        n, first = batch.num_rows, row_no + 1
        col = {c: batch.column(c).to_pylist() for c in columns}
        vals = {k: (fp.values(col[fp.column]) if fp else [None] * n) for k, fp in fields.items()}
        geoms = batch.column(batch.num_columns - 1).to_pylist()
        keep: list[tuple[int, int]] = []  # (index in batch, row_no)
        wkbs: list[bytes] = []
        for i in range(n):
            row_no += 1
            wkb = geoms[i]
            name = vals["name"][i]
            if wkb is None:
                report.reject(row_no, "no geometry", name=name)
                continue
            gtype, parts, zm = _geom_type(wkb)
            if zm:  # heights and measures are not kept: the tables hold 2-D boundaries
                wkb = shapely.to_wkb(shapely.force_2d(shapely.from_wkb(wkb)))
            if gtype in _SKIPPED:
                skipped[_SKIPPED[gtype]] = skipped.get(_SKIPPED[gtype], 0) + 1
                continue
            if gtype == 7:  # a collection: keep its polygons, skip it when it has none
                polys = shapely.get_parts(shapely.from_wkb(wkb))
                polys = [p for p in polys if shapely.get_type_id(p) in (3, 6) and not p.is_empty]
                if not polys:
                    skipped["GeometryCollection"] = skipped.get("GeometryCollection", 0) + 1
                    continue
                wkb = shapely.to_wkb(shapely.multipolygons(shapely.get_parts(polys)))
                gtype, parts = 6, 1
            if gtype not in _POLYGONAL:
                report.reject(row_no, f"unsupported geometry type {gtype}", name=name)
                continue
            if parts == 0:
                report.reject(row_no, "empty geometry", name=name)
                continue
            if name is None:
                report.reject(
                    row_no, f"no name in field {fields['name'].asked}", name=None, field=fields["name"].asked
                )
                continue
            keep.append((i, row_no))
            wkbs.append(wkb)
        # Parsed once: for geometries GEOS cannot read, for reprojection, and for swapped x/y.
        geoms, bad = checks.parse(wkbs)
        keep, wkbs, geoms = _drop(report, keep, vals["name"], bad, wkbs, geoms)
        if transformer is not None and wkbs:
            geoms = shapely.transform(geoms, lambda xy: _reproject(transformer, xy))
            wkbs = list(shapely.to_wkb(geoms))
        swap = [checks.SWAPPED if s else None for s in checks.swapped(geoms)]
        swaps += sum(1 for s in swap if s)
        keep, wkbs, geoms = _drop(report, keep, vals["name"], swap, wkbs, geoms)
        if finder is not None:  # parents by overlap, on the worker thread while the next batch is read
            wanted = [k for k, (i, _) in enumerate(keep) if vals["parent"][i] is None]
            finder.submit([keep[k][1] for k in wanted], [wkbs[k] for k in wanted])
        buf = io.StringIO()
        for (i, rn), wkb in zip(keep, wkbs, strict=True):
            name = strip_prefix(vals["name"][i], opts.strip_prefix)
            kinds = None
            if fields["kind"] is not None:
                kinds, bad = parse_kinds(vals["kind"][i])
                if kinds is None:
                    report.reject(
                        rn,
                        f"unknown kind {bad!r} (known: historic, inner_city, rural_core, informal "
                        "or their Persian names)",
                        name=name,
                        field=fields["kind"].asked,
                    )
                    continue
            parent = opts.parent or vals["parent"][i]
            buf.write(
                "\t".join(
                    (
                        str(rn),
                        _tsv(vals["code"][i]),
                        _tsv(name),
                        _tsv(vals["name_en"][i]),
                        r"\N" if kinds is None else _tsv("{" + ",".join(kinds) + "}"),
                        _tsv(parent),
                        wkb.hex(),
                    )
                )
            )
            buf.write("\n")
        buf.seek(0)
        store.submit(_store, cur, buf, first, row_no)
        if progress:
            progress(n, source.features or 0)
    report.read = row_no
    report.skipped = sum(skipped.values())
    checks.refuse_if_no_polygon(source.path, row_no, skipped)
    polygons = row_no - report.skipped
    checks.refuse_if_all_swapped(source.path, swaps, polygons)
    no_name = sum(1 for r in report.rejects if r.reason.startswith("no name in field"))
    if polygons and no_name == polygons:
        fp = fields["name"]
        raise LoadError(
            f"{source.path}: --name-field {fp.asked!r} gave no name on any of the {polygons} polygon "
            f"feature(s); the file's fields are: {', '.join(source.fields)}"
            + (f" (keys inside {fp.column}: {', '.join(source.sample_keys(fp.column))})" if fp.keys else "")
        )
    if skipped:
        kinds = ", ".join(f"{v} {k}" for k, v in sorted(skipped.items()))
        report.note(f"skipped {report.skipped} feature(s) that are not polygons ({kinds})")


def _drop(report: RunReport, keep, names, reasons, wkbs, geoms):
    """Gives keep, wkbs and geoms without the features that have a reason, each rejected with it."""
    if not any(reasons):
        return keep, wkbs, geoms
    for (i, rn), why in zip(keep, reasons, strict=True):
        if why:
            report.reject(rn, why, name=names[i])
    ok = [k for k, why in enumerate(reasons) if not why]
    return [keep[k] for k in ok], [wkbs[k] for k in ok], geoms[ok]


def _store(cur, buf: io.StringIO, first: int, last: int) -> list[dict]:
    """Writes one batch into the staging table and repairs its invalid polygons; gives those."""
    copy_rows(cur, "boundary_stage", STAGE_COLUMNS, buf)
    cur.execute(_REPAIR, {"first": first, "last": last})
    return cur.fetchall()


def _reproject(transformer, xy):
    x, y = transformer.transform(xy[:, 0], xy[:, 1])
    xy[:, 0], xy[:, 1] = x, y
    return xy


# -- repair, duplicates, parents, targets ------------------------------------------------------------
# Repaired by PostGIS, not shapely: the tables' CHECK (ST_IsValid) runs the database's own GEOS.
_REPAIR = """
UPDATE boundary_stage
   SET repair = ST_IsValidReason(geom),
       geom = ST_Multi(ST_CollectionExtract(ST_MakeValid(geom), 3))
 WHERE row_no BETWEEN %(first)s AND %(last)s AND NOT ST_IsValid(geom)
RETURNING row_no, name_fa, repair, ST_IsEmpty(geom) AS empty
"""
_REJECT_EMPTY = (
    "UPDATE boundary_stage SET reject = 'no polygon left after repairing it: ' || repair "
    "WHERE repair IS NOT NULL AND ST_IsEmpty(geom)"
)
_DUPLICATES = """
SELECT {col} AS value, array_agg(row_no ORDER BY row_no) AS rows, array_agg(name_fa ORDER BY row_no) AS names
  FROM boundary_stage WHERE reject IS NULL AND {col} IS NOT NULL
 GROUP BY {col} HAVING count(*) > 1 ORDER BY min(row_no) LIMIT 20
"""


def _repaired(cur, report: RunReport, rows: list[dict]) -> None:
    """Reports the polygons repaired while staging; rejects those that no polygon was left of."""
    rows = sorted(rows, key=lambda r: r["row_no"])
    fixed = [r for r in rows if not r["empty"]]
    report.repaired = len(fixed)
    for r in fixed[:200]:
        report.note(f"repaired invalid polygon: row {r['row_no']} «{r['name_fa']}» ({r['repair']})")
    if len(fixed) > 200:
        report.note(f"… and {len(fixed) - 200} more repaired polygons")
    if len(fixed) < len(rows):
        cur.execute(_REJECT_EMPTY)


def _check_duplicates(cur, source: Source, col: str, what: str) -> None:
    cur.execute(sql.SQL(_DUPLICATES).format(col=sql.Identifier(col)))
    dups = cur.fetchall()
    if dups:
        lines = "\n".join(
            f"  {d['value']}: rows "
            + ", ".join(f"{r} «{n}»" for r, n in zip(d["rows"], d["names"], strict=True))
            for d in dups
        )
        raise LoadError(
            f"{source.path}: the same {what} appears on more than one feature; each boundary must appear "
            f"once. Nothing was loaded. Fix the file (merge or recode the features):\n{lines}"
        )


_PARENT_EXISTS = """
UPDATE boundary_stage s SET reject = format('its %%s %%s is not in the database', %(label)s, s.parent_hint)
 WHERE s.reject IS NULL AND s.parent_hint IS NOT NULL
   AND NOT EXISTS (SELECT 1 FROM {ptable} p WHERE p.code = s.parent_hint {current})
"""
_PARENT_BY_NAME = """
UPDATE boundary_stage s SET parent_hint = p.code FROM provinces p
 WHERE s.parent_hint IS NOT NULL AND s.parent_hint NOT IN (SELECT code FROM provinces)
   AND fa_normalize(s.parent_hint) IN (p.name_key, p.name_en_key)
"""
_PARENT_GIVEN = """
UPDATE boundary_stage s SET parent = s.parent_hint WHERE s.reject IS NULL AND s.parent_hint IS NOT NULL
"""
# A feature given its parent must still touch it (when the parent has a boundary).
_OUTSIDE_GIVEN = """
UPDATE boundary_stage s SET reject = format('it lies outside its %%s %%s', %(label)s, s.parent)
  FROM {ptable} p
 WHERE s.reject IS NULL AND p.code = s.parent AND p.boundary IS NOT NULL
   AND NOT ST_Intersects(p.boundary, s.geom)
"""
# Parent by overlap: the parent that holds the largest share of the feature's area, measured against
# the parent's pieces (boundary_pieces, ≤ 256 vertices each, refreshed here when a boundary changed).
# A feature meeting one parent needs no areas. For one meeting several, the parent it meets with most
# pieces is taken as the main one: the feature is intersected with the others' pieces only (mostly a
# sliver along a shared border), and the main one's share is what is left of the feature's area.
# Planar areas in degrees: within one feature they rank the parents the same as geodesic ones.
# The others' shares are summed per feature once (others_sum) and joined: a correlated subquery here
# rescans all of `others` for every feature, which grows with the square of the file's size.
_REFRESH_PIECES = """
WITH cur AS (
    SELECT p.code, md5(ST_AsEWKB(p.boundary)) AS h, p.boundary FROM {ptable} p
     WHERE p.boundary IS NOT NULL {current}
), stale AS (
    DELETE FROM boundary_pieces bp WHERE bp.level = %(plevel)s
       AND NOT EXISTS (SELECT 1 FROM cur WHERE cur.code = bp.code AND cur.h = bp.boundary_md5)
)
INSERT INTO boundary_pieces (level, code, boundary_md5, geom)
SELECT %(plevel)s, cur.code, cur.h, ST_Subdivide(cur.boundary, 256) FROM cur
 WHERE NOT EXISTS (SELECT 1 FROM boundary_pieces bp
                    WHERE bp.level = %(plevel)s AND bp.code = cur.code AND bp.boundary_md5 = cur.h)
"""
_PARENTS = """
SELECT p.code, ST_AsBinary(p.boundary) AS wkb FROM {ptable} p WHERE p.boundary IS NOT NULL {current}
"""
_PIECES = "SELECT code, ST_AsBinary(geom) AS wkb FROM boundary_pieces WHERE level = %(plevel)s"
# Parents etl/parents.py found while the file was read; a polygon the database repaired is left to
# the overlap below, which measures what was stored.
_PARENT_FOUND = """
UPDATE boundary_stage s SET parent = f.parent FROM boundary_found f
 WHERE f.row_no = s.row_no AND s.reject IS NULL AND s.parent IS NULL AND s.repair IS NULL
"""
_PARENT_BY_OVERLAP = """
WITH hits AS MATERIALIZED (
    SELECT s.row_no, bp.id, bp.code
      FROM boundary_stage s
      JOIN boundary_pieces bp ON bp.level = %(plevel)s AND ST_Intersects(bp.geom, s.geom)
     WHERE s.reject IS NULL AND s.parent IS NULL
), per AS (
    SELECT row_no, code, count(*) AS n FROM hits GROUP BY row_no, code
), main AS (
    SELECT DISTINCT ON (row_no) row_no, code, count(*) OVER (PARTITION BY row_no) AS parents
      FROM per ORDER BY row_no, n DESC, code
), others AS (
    SELECT h.row_no, h.code, sum(ST_Area(ST_Intersection(bp.geom, s.geom))) AS share
      FROM hits h JOIN main m ON m.row_no = h.row_no AND m.code <> h.code
      JOIN boundary_pieces bp ON bp.id = h.id JOIN boundary_stage s ON s.row_no = h.row_no
     GROUP BY h.row_no, h.code
), others_sum AS (
    SELECT row_no, sum(share) AS share FROM others GROUP BY row_no
), best AS (
    SELECT DISTINCT ON (row_no) row_no, code FROM (
        SELECT m.row_no, m.code, CASE WHEN m.parents = 1 THEN 0 ELSE ST_Area(s.geom) - os.share END AS share
          FROM main m JOIN boundary_stage s ON s.row_no = m.row_no
          LEFT JOIN others_sum os ON os.row_no = m.row_no
        UNION ALL
        SELECT row_no, code, share FROM others
    ) t ORDER BY row_no, share DESC, code
)
UPDATE boundary_stage s SET parent = best.code FROM best WHERE best.row_no = s.row_no
"""
_NO_PARENT = """
UPDATE boundary_stage s SET reject = format('it lies outside every %%s%%s', %(label)s, %(why)s)
 WHERE s.reject IS NULL AND s.parent IS NULL
"""


def _parent_finder(cur, lvl: Level, opts: Options) -> ParentFinder | None:
    """Gives the finder of parents by overlap, with the parent level's pieces refreshed, if needed."""
    if lvl.parent_table is None or opts.parent:
        return None
    ptable = sql.Identifier(lvl.parent_table)
    current = sql.SQL("AND p.retired_at IS NULL" if lvl.parent_table == "cities" else "")
    plevel = {"plevel": lvl.parent_label}
    cur.execute(sql.SQL(_REFRESH_PIECES).format(ptable=ptable, current=current), plevel)
    cur.execute(_PIECES, plevel)
    pieces = [(r["code"], bytes(r["wkb"])) for r in cur.fetchall()]
    if not pieces:
        return None
    cur.execute(sql.SQL(_PARENTS).format(ptable=ptable, current=current))
    return ParentFinder([(r["code"], bytes(r["wkb"])) for r in cur.fetchall()], pieces)


def _find_parents(cur, lvl: Level, opts: Options, found: dict[int, str], report: RunReport) -> None:
    ptable = sql.Identifier(lvl.parent_table)
    current = sql.SQL("AND p.retired_at IS NULL" if lvl.parent_table == "cities" else "")
    label = {"label": lvl.parent_label}
    if lvl.parent_table == "provinces":
        cur.execute(_PARENT_BY_NAME)
    cur.execute(sql.SQL(_PARENT_EXISTS).format(ptable=ptable, current=current), label)
    cur.execute(_PARENT_GIVEN)
    if opts.parent:
        cur.execute(sql.SQL(_OUTSIDE_GIVEN).format(ptable=ptable), label)
        return
    if found:
        cur.execute("CREATE TEMP TABLE boundary_found (row_no integer, parent text) ON COMMIT DROP")
        copy_rows(
            cur,
            "boundary_found",
            ("row_no", "parent"),
            io.StringIO("".join(f"{rn}\t{_tsv(code)}\n" for rn, code in found.items())),
        )
        cur.execute(_PARENT_FOUND)
    here = cur.rowcount if found else 0
    cur.execute("SELECT count(*) AS n FROM boundary_stage WHERE reject IS NULL AND parent IS NULL")
    left = cur.fetchone()["n"]
    report.note(f"parents by overlap: {here} found while reading, {left} left to the database")
    if left == 0:
        return
    plevel = {"plevel": lvl.parent_label}
    cur.execute("ANALYZE boundary_stage")
    cur.execute("SELECT count(DISTINCT code) AS n FROM boundary_pieces WHERE level = %(plevel)s", plevel)
    with_boundary = cur.fetchone()["n"]
    cur.execute(_PARENT_BY_OVERLAP, plevel)
    why = (
        ""
        if with_boundary
        else (
            f" (no {lvl.parent_label} has a boundary yet: load them first, or give "
            f"--{lvl.parent_label} / --parent-field)"
        )
    )
    cur.execute(_NO_PARENT, label | {"why": why})


_TARGET_BY_NAME = """
UPDATE boundary_stage s SET target = COALESCE(
    s.code,
    (SELECT t.code FROM {table} t WHERE t.{pcol} = s.parent AND t.name_key = fa_normalize(s.name_fa)
      ORDER BY t.retired_at IS NOT NULL, t.code LIMIT 1),
    s.parent || '-' || left(md5(fa_normalize(s.name_fa)), 8))
 WHERE s.reject IS NULL
"""


def _match_targets(cur, lvl: Level) -> None:
    cur.execute(
        sql.SQL(_TARGET_BY_NAME).format(table=sql.Identifier(lvl.table), pcol=sql.Identifier(lvl.parent_col))
    )


_MATCH_PROVINCES = """
UPDATE boundary_stage s SET target = (
    SELECT p.code FROM provinces p
     WHERE p.code = upper(s.code)
        OR (s.code IS NULL AND (p.name_key = fa_normalize(s.name_fa)
                                OR p.name_en_key = fa_normalize(s.name_fa)
                                OR p.name_en_key = fa_normalize(s.name_en)))
     ORDER BY p.code = upper(s.code) DESC NULLS LAST, p.name_key = fa_normalize(s.name_fa) DESC NULLS LAST
     LIMIT 1)
 WHERE s.reject IS NULL;
UPDATE boundary_stage SET reject = CASE WHEN code IS NULL
        THEN 'its name matches no province (by Persian or English name)'
        ELSE format('its code %s is not a province code (IR-00 … IR-30)', code) END
 WHERE reject IS NULL AND target IS NULL
"""


def _match_provinces(cur, report: RunReport, source: Source) -> None:
    cur.execute(_MATCH_PROVINCES)
    _check_duplicates(cur, source, "target", "province")


def _collect_rejects(cur, report: RunReport) -> None:
    cur.execute("SELECT row_no, name_fa, reject FROM boundary_stage WHERE reject IS NOT NULL ORDER BY row_no")
    for r in cur.fetchall():
        report.reject(r["row_no"], r["reject"], name=r["name_fa"])
    report.rejects.sort(key=lambda r: r.row_no or 0)


# -- writing ------------------------------------------------------------------------------------------
# What each accepted feature does to its row: the comparison is exact (binary) first and topological
# (ST_Equals) only when the bytes differ, so an unchanged reload costs one pass.
_CHANGES = """
CREATE TEMP TABLE boundary_changes ON COMMIT DROP AS
SELECT s.row_no, s.target, t.code IS NULL AS is_new,
       t.code IS NOT NULL AND t.boundary IS NOT NULL
         AND NOT (t.boundary = ST_Multi(s.geom)) AND NOT ST_Equals(t.boundary, ST_Multi(s.geom)) AS redrawn,
       {renamed} AS renamed,
       t.code IS NOT NULL AND (t.boundary IS NULL {other}) AS other_change
  FROM boundary_stage s LEFT JOIN {table} t ON t.code = s.target
 WHERE s.reject IS NULL
"""
# Provinces are reference data: a file attaches or redraws their boundary, never renames them.
_RENAMED_CHILD = "t.code IS NOT NULL AND t.name_fa IS DISTINCT FROM s.name_fa"
_OTHER_CHILD = """
         OR t.name_fa IS DISTINCT FROM s.name_fa
         OR (%(has_name_en)s AND t.name_en IS DISTINCT FROM s.name_en)
         OR t.{pcol} IS DISTINCT FROM s.parent
         OR t.retired_at IS NOT NULL"""
_OTHER_KINDS = """
         OR (%(has_kinds)s AND t.kinds IS DISTINCT FROM s.kinds)"""
_HISTORY = """
INSERT INTO boundary_history (level, code, name_fa, boundary, reason, run_id)
SELECT %(level)s, t.code, t.name_fa, t.boundary,
       CASE WHEN c.redrawn THEN 'redrawn' ELSE 'renamed' END, %(run)s
  FROM boundary_changes c JOIN {table} t ON t.code = c.target
 WHERE c.redrawn OR (c.renamed AND t.boundary IS NOT NULL)
"""
_UPDATE_PROVINCES = """
UPDATE provinces t SET boundary = ST_Multi(s.geom), boundary_source = %(source)s, run_id = %(run)s
  FROM boundary_changes c JOIN boundary_stage s USING (row_no)
 WHERE t.code = c.target AND (c.redrawn OR c.other_change)
"""
_UPDATE_CHILD = """
UPDATE {table} t SET {pcol} = s.parent, name_fa = s.name_fa,
       name_en = CASE WHEN %(has_name_en)s THEN s.name_en ELSE t.name_en END,
       boundary = ST_Multi(s.geom), source = %(source)s, run_id = %(run)s,
       retired_at = NULL, retired_run_id = NULL {kinds_set}
  FROM boundary_changes c JOIN boundary_stage s USING (row_no)
 WHERE t.code = c.target AND NOT c.is_new AND (c.redrawn OR c.other_change)
"""
_INSERT_CHILD = """
INSERT INTO {table} (code, {pcol}, name_fa, name_en, boundary, source, run_id {kinds_col})
SELECT c.target, s.parent, s.name_fa, s.name_en, ST_Multi(s.geom), %(source)s, %(run)s {kinds_val}
  FROM boundary_changes c JOIN boundary_stage s USING (row_no)
 WHERE c.is_new
"""
# --replace: current rows of the same parents that the file no longer has are retired (kept, with their
# last boundary in boundary_history). Rows the file mentions but rejected are left alone. Cities known
# only as a point (no boundary) are not boundary data and are never retired by a boundary file.
_RETIRE = """
WITH gone AS (
    SELECT t.code FROM {table} t
     WHERE t.{pcol} = ANY(%(parents)s) AND t.retired_at IS NULL AND t.boundary IS NOT NULL
       AND NOT EXISTS (SELECT 1 FROM boundary_stage s
                        WHERE s.target = t.code OR s.code = t.code
                           OR (s.code IS NULL AND s.parent = t.{pcol}
                               AND fa_normalize(s.name_fa) = t.name_key))
), hist AS (
    INSERT INTO boundary_history (level, code, name_fa, boundary, reason, run_id)
    SELECT %(level)s, t.code, t.name_fa, t.boundary, 'retired', %(run)s FROM {table} t JOIN gone USING (code)
)
UPDATE {table} t SET retired_at = now(), retired_run_id = %(run)s FROM gone WHERE t.code = gone.code
RETURNING t.code, t.name_fa, t.{pcol} AS parent
"""
_REMAINING = """
SELECT {pcol} AS parent, count(*) AS n FROM {table}
 WHERE {pcol} = ANY(%(parents)s) AND retired_at IS NULL AND boundary IS NOT NULL GROUP BY 1
"""


def _write(cur, lvl: Level, opts: Options, report: RunReport, source: Source, has_name_en: bool) -> None:
    table = sql.Identifier(lvl.table)
    child = lvl.name != "province"
    nb = lvl.name == "neighborhood"
    params = {
        "has_name_en": has_name_en,
        "has_kinds": opts.kind_field is not None,
        "level": lvl.name,
        "run": report.run_id,
        "source": Path(source.path).name,
    }
    if child:
        pcol = sql.Identifier(lvl.parent_col)
        renamed = sql.SQL(_RENAMED_CHILD)
        other = sql.SQL(_OTHER_CHILD + (_OTHER_KINDS if nb else "")).format(pcol=pcol)
    else:
        renamed, other = sql.SQL("false"), sql.SQL("")
    cur.execute(sql.SQL(_CHANGES).format(table=table, renamed=renamed, other=other), params)
    cur.execute(sql.SQL(_HISTORY).format(table=table), params)
    if not child:
        cur.execute(_UPDATE_PROVINCES, params)
        report.updated = cur.rowcount
    else:
        kinds_set = sql.SQL(", kinds = CASE WHEN %(has_kinds)s THEN s.kinds ELSE t.kinds END" if nb else "")
        cur.execute(sql.SQL(_UPDATE_CHILD).format(table=table, pcol=pcol, kinds_set=kinds_set), params)
        report.updated = cur.rowcount
        cur.execute(
            sql.SQL(_INSERT_CHILD).format(
                table=table,
                pcol=pcol,
                kinds_col=sql.SQL(", kinds" if nb else ""),
                kinds_val=sql.SQL(", COALESCE(s.kinds, '{}')" if nb else ""),
            ),
            params,
        )
        report.inserted = cur.rowcount
    cur.execute("SELECT count(*) AS n FROM boundary_changes")
    report.unchanged = cur.fetchone()["n"] - report.inserted - report.updated
    if opts.replace and child:
        if opts.parent:
            parents = [opts.parent]
        else:
            cur.execute("SELECT array_agg(DISTINCT parent) AS p FROM boundary_stage WHERE reject IS NULL")
            parents = cur.fetchone()["p"] or []
        cur.execute(sql.SQL(_RETIRE).format(table=table, pcol=pcol), params | {"parents": parents})
        gone = cur.fetchall()
        cur.execute(sql.SQL(_REMAINING).format(table=table, pcol=pcol), {"parents": parents})
        remaining = {r["parent"]: r["n"] for r in cur.fetchall()}
        checks.refuse_large_retirement(source.path, lvl.name, gone, remaining, opts.allow_retire_all)
        report.retired = len(gone)
        for g in gone[:200]:
            report.note(f"retired {lvl.name} {g['code']} «{g['name_fa']}»: not in the file (--replace)")
