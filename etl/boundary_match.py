"""Matching staged features: each one's parent (given, by name, or by overlap), the stored row it
updates (its target), and the duplicates that make a file ambiguous. Set-based SQL on boundary_stage."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from psycopg2 import sql

from etl.parents import ParentFinder
from etl.runs import LoadError, RunReport
from etl.sources import Source
from regen.db import copy_records

if TYPE_CHECKING:
    from etl.boundaries import Level, Options

_DUPLICATES = """
SELECT {col} AS value, array_agg(row_no ORDER BY row_no) AS rows, array_agg(name_fa ORDER BY row_no) AS names
  FROM boundary_stage WHERE reject IS NULL AND {col} IS NOT NULL
 GROUP BY {col} HAVING count(*) > 1 ORDER BY min(row_no) LIMIT 20
"""


def refuse_duplicates(cur, source: Source, col: str, what: str) -> None:
    """Refuses the file when two of its features have the same `col` (a code, or a target)."""
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


def parent_finder(cur, lvl: Level, opts: Options) -> ParentFinder | None:
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


def find_parents(cur, lvl: Level, opts: Options, found: dict[int, str], report: RunReport) -> None:
    """Sets each staged feature's parent, or rejects it naming why it has none."""
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
        copy_records(cur, "boundary_found", ("row_no", "parent"), found.items())
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


def targets(cur, lvl: Level) -> None:
    """Sets the stored row each staged feature updates: by code, else by name under its parent, else new."""
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


def provinces(cur, source: Source) -> None:
    """Matches each staged feature to its province (by code or name); refuses two for one province."""
    cur.execute(_MATCH_PROVINCES)
    refuse_duplicates(cur, source, "target", "province")


# The reasons the statements above write, as the dashboard's keys (words.toml rj_<key>) and values.
_REASONS = (
    (re.compile(r"its (?P<level>province|city) (?P<code>.+) is not in the database$"), "parent_missing"),
    (re.compile(r"it lies outside its (?P<level>province|city) (?P<code>.+)$"), "outside_parent"),
    (re.compile(r"it lies outside every (?P<level>province|city) \(no "), "outside_every_unloaded"),
    (re.compile(r"it lies outside every (?P<level>province|city)$"), "outside_every"),
    (re.compile(r"its name matches no province"), "no_province_match"),
    (re.compile(r"its code (?P<code>.+) is not a province code"), "not_province_code"),
)


def reason_key(reason: str) -> tuple[str | None, dict | None]:
    """Gives the key and values of a reason the SQL wrote (None, None for one it does not know)."""
    for pattern, key in _REASONS:
        m = pattern.match(reason)
        if m:
            return key, m.groupdict()
    return None, None


def collect_rejects(cur, report: RunReport) -> None:
    """Adds the features the SQL rejected to the report, in file order."""
    cur.execute("SELECT row_no, name_fa, reject FROM boundary_stage WHERE reject IS NOT NULL ORDER BY row_no")
    for r in cur.fetchall():
        key, values = reason_key(r["reject"])
        report.reject(r["row_no"], r["reject"], name=r["name_fa"], key=key, values=values)
    report.rejects.sort(key=lambda r: r.row_no or 0)
