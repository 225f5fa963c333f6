"""How the table loaders write: every change COPYed into staging tables, then one statement per kind
of write for the whole file.

The loaders decide row by row in Python (what is new, changed or unchanged, and which rows are wrong),
then hand over the changes. Each `Write` stages its rows (COPY) and applies them with one set-based
statement; when the database refuses the whole (a constraint, an impossible office history), the
writes are undone and done again one change at a time, each in its own savepoint, with the same
statements narrowed to that change: the refused rows are rejected alone, by row number, as before.
Writing row by row took most of a minute at `regen demo --scale 10`; see docs/demo.md.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import psycopg2
from psycopg2 import sql

from etl import values as v
from etl.runs import RunReport
from etl.tablefile import TableFile
from etl.values import RowError
from regen.db import copy_records

# The condition every Write's statement puts on its staging table `s`: all rows, or one change's.
ONE_CHANGE = "(%(seq)s::int IS NULL OR s.seq = %(seq)s)"


@dataclass(frozen=True)
class Write:
    """One kind of write: a staging table (`columns` as "name type") and the statement that applies it.

    The statement reads the staging table as `{stage} s` where ONE_CHANGE holds, and applies rows in
    (seq, ord) order; it may use %(run)s (the run's id) and %(source)s (the file's name). Staged
    numbers are `numeric`, whatever the table's type: a value out of its range must be refused by
    the statement (and its row rejected), not by the COPY (which would end the whole run)."""

    stage: str
    columns: tuple[str, ...]
    statement: str

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(c.split()[0] for c in self.columns)


@dataclass
class Change:
    """What one accepted row writes: its outcome ("inserted"/"updated"), and values per Write."""

    row_no: int
    key: str
    raw: dict
    outcome: str
    values: dict[Write, list[tuple]] = field(default_factory=dict)
    after: Callable[[], None] | None = None  # bookkeeping once the row is written
    extra: Any = None  # what a check needs to know about the row

    def add(self, write: Write, *values: Any) -> None:
        self.values.setdefault(write, []).append(values)


# Gives the problems of some changes (by position in the list) after they were written.
Check = Callable[[Any, list[Change]], dict[int, RowError]]


def load_rows(
    cur,
    table: TableFile,
    report: RunReport,
    handle: Callable[[str, dict, Change], str],
    writes: tuple[Write, ...],
    check: Check | None = None,
) -> None:
    """Calls handle(code, row, change) for each row, which gives its outcome and fills in the change's
    writes; records rejections, then writes all changes at once (write_changes counts them)."""
    first_seen: dict[str, int] = {}
    changes: list[Change] = []
    for row_no, row in table.rows:
        key = v.code(row.get("code"))
        change = Change(row_no, key, row, "unchanged")
        try:
            if row_no in table.problems:
                raise RowError(*table.problems[row_no], "unsaved_formula")
            if key is None:
                raise RowError("code", "the code is empty", "no_code")
            if key in first_seen:
                raise RowError(
                    "code",
                    f"code «{key}» appears again (first on row {first_seen[key]})",
                    "code_again",
                    code=key,
                    first=first_seen[key],
                )
            first_seen[key] = row_no
            outcome = handle(key, row, change)
        except RowError as e:
            report.reject(row_no, e.message, name=key, field=e.field, raw=row, key=e.key, values=e.values)
            continue
        if outcome == "unchanged":
            report.unchanged += 1
        else:
            change.outcome = outcome
            changes.append(change)
    params = {"run": report.run_id, "source": table.path.name}
    write_changes(cur, changes, writes, report, params, check)


def keep_stored(table: TableFile, row: dict, col: str, parsed, stored):
    """Gives the file's value, or the stored one where the file has no such column or an empty cell."""
    return parsed if table.has(col) and row.get(col) is not None else stored


class _Refused(Exception):
    pass


def write_changes(
    cur,
    changes: list[Change],
    writes: tuple[Write, ...],
    report: RunReport,
    params: dict[str, Any],
    check: Check | None = None,
) -> None:
    """Writes the changes in the order of `writes`; counts each written change's outcome in the
    report, and rejects (with its row number) a change the database refuses."""
    if not changes:
        return
    for w in writes:
        cur.execute(
            sql.SQL(
                "CREATE TEMP TABLE {} (seq integer, ord integer, {}, PRIMARY KEY (seq, ord)) ON COMMIT DROP"
            ).format(sql.Identifier(w.stage), sql.SQL(", ".join(w.columns)))
        )
        records = (
            (seq, ord_, *vals)
            for seq, c in enumerate(changes)
            for ord_, vals in enumerate(c.values.get(w, ()))
        )
        copy_records(cur, w.stage, ("seq", "ord", *w.names), records)
    written = _all_at_once(cur, changes, writes, params, check)
    if written is None:
        written = _one_by_one(cur, changes, writes, report, params, check)
    for c in written:
        setattr(report, c.outcome, getattr(report, c.outcome) + 1)
        if c.after:
            c.after()
    report.rejects.sort(key=lambda r: r.row_no or 0)


def _apply(cur, w: Write, params: dict[str, Any], seq: int | None) -> None:
    cur.execute(sql.SQL(w.statement).format(stage=sql.Identifier(w.stage)), {**params, "seq": seq})


def _all_at_once(cur, changes, writes, params, check) -> list[Change] | None:
    """Gives the changes, all written; None (and nothing written) when the database refused some."""
    cur.execute("SAVEPOINT table_writes")
    try:
        for w in writes:
            _apply(cur, w, params, None)
        if check and check(cur, changes):
            raise _Refused
    except (psycopg2.IntegrityError, psycopg2.DataError, _Refused):
        cur.execute("ROLLBACK TO SAVEPOINT table_writes")
        cur.execute("RELEASE SAVEPOINT table_writes")
        return None
    cur.execute("RELEASE SAVEPOINT table_writes")
    return changes


def _one_by_one(cur, changes, writes, report, params, check) -> list[Change]:
    """Writes each change in its own savepoint; the kept facts (coverage, overdue, the actions' groups)
    are brought up to date once, after the last change, not after each (migration 0200)."""
    written = []
    cur.execute("SELECT set_config('regen.facts_at_end', 'on', true)")
    for seq, c in enumerate(changes):
        try:
            with _savepoint(cur):
                for w in writes:
                    if w in c.values:
                        _apply(cur, w, params, seq)
                problem = check(cur, [c]).get(0) if check else None
                if problem:
                    raise problem
        except RowError as e:
            report.reject(
                c.row_no, e.message, name=c.key, field=e.field, raw=c.raw, key=e.key, values=e.values
            )
            continue
        written.append(c)
    cur.execute("SELECT refresh_pending_facts()")
    return written


@contextmanager
def _savepoint(cur) -> Iterator[None]:
    """Undoes one change's writes when it is refused; a database refusal becomes a RowError."""
    cur.execute("SAVEPOINT table_row")
    try:
        yield
    except RowError:
        cur.execute("ROLLBACK TO SAVEPOINT table_row")
        raise
    except (psycopg2.IntegrityError, psycopg2.DataError) as e:
        cur.execute("ROLLBACK TO SAVEPOINT table_row")
        detail = (e.pgerror or str(e)).strip().splitlines()[0]
        raise RowError(None, f"the database refused the row: {detail}", "db_refused", detail=detail) from None
    cur.execute("RELEASE SAVEPOINT table_row")
