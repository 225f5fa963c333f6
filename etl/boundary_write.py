"""Writing matched features: inserts, updates, boundary history and `--replace` retirements, each in
one statement over the staging table."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from psycopg2 import sql

from etl import boundary_checks as checks
from etl.runs import RunReport
from etl.sources import Source

if TYPE_CHECKING:
    from etl.boundaries import Level, Options

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


def write(cur, lvl: Level, opts: Options, report: RunReport, source: Source, has_name_en: bool) -> None:
    """Writes the accepted features into the level's table; counts inserted, updated, unchanged, retired."""
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
