"""Named SQL statements kept in sql/queries/*.sql, loaded once.

A file holds statements each introduced by a line `-- name: some_name`; parameters are psycopg2
named placeholders (`%(as_of)s`). Callers use `run("some_name", db, as_of=...)`.
"""

from __future__ import annotations

import re
from functools import cache
from typing import Any

from regen import SQL_DIR
from regen.db import Database
from regen.scope import Scope

_HEADER = re.compile(r"^--\s*name:\s*([a-z_][a-z0-9_]*)\s*$", re.M)


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


def run(name: str, db: Database, scope: Scope | None = None, **params: Any) -> list[dict]:
    """Runs a named statement with bound parameters (in the user's scope); gives its rows as dicts."""
    return db.query(sql(name), params, scope=scope)
