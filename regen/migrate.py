"""Applies the numbered SQL migrations in sql/migrations, each in its own transaction, with checksums.

An already-applied migration whose file has changed is an error: schema history is append-only, so a
change goes into a new numbered file.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from pathlib import Path

from regen import SQL_DIR
from regen.db import Database
from regen.errors import RegenError

MIGRATIONS_DIR = SQL_DIR / "migrations"
_NAME = re.compile(r"^(\d{4})_[a-z0-9_]+\.sql$")
# Serialises concurrent `migrate` runs (compose's one-shot service and a developer, two gunicorn workers).
_LOCK_KEY = 0x7265_6765  # "rege"

_BOOKKEEPING = """
CREATE TABLE IF NOT EXISTS schema_migrations (
    version    text PRIMARY KEY,
    name       text NOT NULL,
    checksum   text NOT NULL,
    applied_at timestamptz NOT NULL DEFAULT now()
)"""


@dataclass(frozen=True)
class Migration:
    version: str
    name: str
    path: Path

    @property
    def sql(self) -> str:
        return self.path.read_text(encoding="utf-8")

    @property
    def checksum(self) -> str:
        return hashlib.sha256(self.path.read_bytes()).hexdigest()


def discover(directory: Path = MIGRATIONS_DIR) -> list[Migration]:
    """Gives the migration files in version order; a badly named file is an error, not ignored."""
    found = []
    for path in sorted(directory.glob("*.sql")):
        m = _NAME.match(path.name)
        if not m:
            raise RegenError(f"{path}: migration files are named NNNN_words.sql (e.g. 0007_add_users.sql)")
        found.append(Migration(m.group(1), path.name, path))
    versions = [m.version for m in found]
    dupes = {v for v in versions if versions.count(v) > 1}
    if dupes:
        raise RegenError(f"two migrations share the number(s) {sorted(dupes)} in {directory}; renumber one")
    return found


def applied(db: Database) -> dict[str, dict]:
    """Gives version → {name, checksum, applied_at} of what the database has applied."""
    with db.transaction() as cur:
        cur.execute("SELECT to_regclass('schema_migrations') IS NOT NULL AS present")
        if not cur.fetchone()["present"]:
            return {}
        cur.execute("SELECT version, name, checksum, applied_at FROM schema_migrations ORDER BY version")
        return {r["version"]: dict(r) for r in cur.fetchall()}


def migrate(db: Database, directory: Path = MIGRATIONS_DIR) -> list[str]:
    """Applies what is pending; gives the names applied (empty when the database was up to date)."""
    migrations = discover(directory)
    done: list[str] = []
    with db.transaction() as cur:
        cur.execute("SELECT pg_advisory_xact_lock(%s)", (_LOCK_KEY,))
        cur.execute(_BOOKKEEPING)
    for m in migrations:
        # One transaction per migration, holding the lock, re-reading what is applied inside it.
        with db.transaction(timeout_ms=600_000) as cur:
            cur.execute("SELECT pg_advisory_xact_lock(%s)", (_LOCK_KEY,))
            cur.execute("SELECT checksum FROM schema_migrations WHERE version = %s", (m.version,))
            row = cur.fetchone()
            if row is not None:
                if row["checksum"] != m.checksum:
                    raise RegenError(
                        f"migration {m.name} was edited after it was applied to this database "
                        f"(checksum {row['checksum'][:12]}… in the database, {m.checksum[:12]}… on disk). "
                        "Restore the file and put the change in a new numbered migration."
                    )
                continue
            cur.execute(m.sql)
            cur.execute(
                "INSERT INTO schema_migrations (version, name, checksum) VALUES (%s, %s, %s)",
                (m.version, m.name, m.checksum),
            )
            done.append(m.name)
    return done


def level(db: Database) -> str | None:
    """Gives the newest applied migration's name, or None for an unmigrated database."""
    rows = applied(db)
    return rows[max(rows)]["name"] if rows else None


def pending(db: Database, directory: Path = MIGRATIONS_DIR) -> list[str]:
    have = applied(db)
    return [m.name for m in discover(directory) if m.version not in have]
