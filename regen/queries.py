"""Named SQL statements kept in sql/queries/*.sql, loaded once.

A file holds statements each introduced by a line `-- name: some_name`; parameters are psycopg2
named placeholders (`%(as_of)s`). Callers use `run("some_name", db, as_of=...)`.

A long list's statement sorts by the column asked where its ORDER BY holds the comment `/* sort */`:
`run(..., sort="name_shown", descending=True)` puts that column there, quoted as an identifier (never
pasted as text), in that direction, no value last, before the list's own order (which breaks ties,
its code last: pages stay stable). Run as written, such a statement gives the list's own order. Which
columns a list may be sorted by is the query layer's to say (dashboard/queries.py, SORTS).

Every named statement runs prepared on its connection (regen/db.py, `_Connection`): PostgreSQL keeps
its plan once a generic one looks no costlier than planning each run. A statement holding the line
`-- plan: generic` keeps one plan for every value from its first run: for one whose planning costs
more than running it and whose best plan does not depend on its values (a day, a place). Not for a
LIKE search, whose best plan depends on its pattern (a generic one was 3-6× slower on dash_search).
"""

from __future__ import annotations

import re
from functools import cache
from typing import Any

from psycopg2 import sql as psql

from regen import SQL_DIR
from regen.db import Database
from regen.scope import Scope

_HEADER = re.compile(r"^--\s*name:\s*([a-z_][a-z0-9_]*)\s*$", re.M)
SORT = "/* sort */"  # where a long list's ORDER BY takes the column asked (see the module's docstring)
_GENERIC = re.compile(r"^--\s*plan:\s*generic\b", re.M)  # one plan for every value (the docstring)


@cache
def statements() -> dict[str, str]:
    """Gives name → SQL text for every named statement under sql/queries."""
    found: dict[str, str] = {}
    for path in sorted((SQL_DIR / "queries").glob("*.sql")):
        text = path.read_text(encoding="utf-8")
        parts = _HEADER.split(text)
        for name, body in zip(parts[1::2], parts[2::2], strict=True):
            if name in found:
                raise ValueError(f"query {name!r} is defined twice (second time in {path.name})")
            found[name] = body.strip().rstrip(";")
    return found


def sql(name: str) -> str:
    """Gives the SQL text of one named statement."""
    try:
        return statements()[name]
    except KeyError:
        raise KeyError(f"no query named {name!r} under sql/queries") from None


def sorted_sql(name: str, sort: str = "", descending: bool = False) -> str | psql.Composed:
    """Gives one named statement ordered by the column `sort` first (its identifier; '' or a statement
    without `/* sort */`: as written), descending or not, no value last."""
    return ordered(sql(name), sort, descending)


def ordered(text: str, sort: str = "", descending: bool = False) -> str | psql.Composed:
    """Gives the statement `text` ordered by the column `sort` first (see sorted_sql)."""
    if not sort or SORT not in text:
        return text
    before, after = text.split(SORT)  # one mark a statement (tests/test_tables_queries.py)
    direction = " DESC NULLS LAST, " if descending else " NULLS LAST, "
    return psql.Composed([psql.SQL(before), psql.Identifier(sort), psql.SQL(direction), psql.SQL(after)])


def run(name: str, db: Database, scope: Scope | None = None, **params: Any) -> list[dict]:
    """Runs a named statement with bound parameters (in the user's scope); gives its rows as dicts. A
    long list's `sort` and `descending` order it (see the module's docstring)."""
    statement = sorted_sql(name, params.get("sort", ""), bool(params.get("descending")))
    return db.query(statement, params, scope=scope, plan=plan_of(name))


@cache
def plan_of(name: str) -> str:
    """Gives how a named statement's plan is kept: "generic" where it says so, else "auto"."""
    return "generic" if _GENERIC.search(sql(name)) else "auto"
