"""Reading a boundary file into the staging table: each feature's fields, kinds and polygon, checked
batch by batch, and its invalid polygons repaired by the database as each batch arrives."""

from __future__ import annotations

import io
import re
import struct
from collections.abc import Callable
from typing import TYPE_CHECKING

import shapely

from etl import boundary_checks as checks
from etl.behind import Behind
from etl.parents import ParentFinder
from etl.runs import LoadError, RunReport
from etl.sources import NAME_CANDIDATES, NAME_EN_CANDIDATES, FieldPath, Source
from regen.db import copy_rows, copy_text
from regen.text import fa_normalize, fold_letters

if TYPE_CHECKING:
    from etl.boundaries import Options

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


def create_stage(cur) -> None:
    """Creates the run's staging table (dropped at commit), with room for it in memory if it can."""
    # Temporary tables live in the session's temp_buffers (8 MB by default): a staging table larger
    # than that is re-read from disk on every pass. It can only be raised before the session first
    # touches a temporary table; a pooled session that already did keeps its setting.
    cur.execute("SAVEPOINT temp_buffers")
    try:
        cur.execute("SELECT set_config('temp_buffers', '1GB', true)")
    except Exception:  # noqa: BLE001 — the setting is an optimisation; the load works without it
        cur.execute("ROLLBACK TO SAVEPOINT temp_buffers")
    cur.execute("RELEASE SAVEPOINT temp_buffers")
    cur.execute(_CREATE_STAGE)


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


def read_fields(source: Source, opts: Options) -> dict[str, FieldPath | None]:
    """Gives the field path of each value a feature may carry (None where the file has no such field)."""
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


def geom_type(wkb: bytes) -> tuple[int, int, bool]:
    """Gives (base geometry type, number of parts or rings, has Z or M) read from a WKB header."""
    order = "<" if wkb[0] == 1 else ">"
    raw = struct.unpack(order + "I", wkb[1:5])[0]
    count = struct.unpack(order + "I", wkb[5:9])[0] if len(wkb) >= 9 else 0
    extra = bool(raw & 0xE0000000) or (raw & 0xFFFF) >= 1000  # EWKB flags or ISO Z/M/ZM codes
    if raw & 0x20000000:  # EWKB with an SRID: the count comes after it
        count = struct.unpack(order + "I", wkb[9:13])[0] if len(wkb) >= 13 else 0
    return (raw & 0xFFFF) % 1000, count, extra


def stage(
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
                report.reject(row_no, "no geometry", name=name, key="no_geometry")
                continue
            gtype, parts, zm = geom_type(wkb)
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
                report.reject(
                    row_no,
                    f"unsupported geometry type {gtype}",
                    name=name,
                    key="geometry_type",
                    values={"type": gtype},
                )
                continue
            if parts == 0:
                report.reject(row_no, "empty geometry", name=name, key="empty_geometry")
                continue
            if name is None:
                report.reject(
                    row_no,
                    f"no name in field {fields['name'].asked}",
                    name=None,
                    field=fields["name"].asked,
                    key="no_name",
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
                        key="unknown_kind",
                        values={"value": bad},
                    )
                    continue
            parent = opts.parent or vals["parent"][i]
            buf.write(
                "\t".join(
                    (
                        str(rn),
                        copy_text(vals["code"][i]),
                        copy_text(name),
                        copy_text(vals["name_en"][i]),
                        copy_text(kinds),
                        copy_text(parent),
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
    no_name = sum(1 for r in report.rejects if r.key == "no_name")
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
            report.reject(rn, why, name=names[i], key=checks.reason_key(why))
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


def record_repairs(cur, report: RunReport, rows: list[dict]) -> None:
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
