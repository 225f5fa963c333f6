"""An ETL run: one transaction, one advisory lock, one `etl_runs` row with its counts and rejects.

Every loader works inside `etl_run(...)`: whatever it raises rolls everything back (the database is
exactly as before, and no run is recorded); `--dry-run` rolls back at the end too, after the report is
complete; rejects beyond `max_rejects` abort the run with a message that lists them.
"""

from __future__ import annotations

import getpass
import hashlib
import json
import logging
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from regen.db import Database
from regen.errors import RegenError

log = logging.getLogger(__name__)


class LoadError(RegenError):
    """A file that cannot be loaded: the message names the file, row or feature, field, and the fix."""


class TooManyRejects(LoadError):
    """More rows were rejected than --max-rejects allows; nothing was loaded."""


@dataclass
class Reject:
    row_no: int | None
    reason: str
    name: str | None = None
    field: str | None = None
    raw: dict | None = None
    key: str | None = None  # the reason for the dashboard, in its reader's language (words.toml rj_<key>)
    values: dict | None = None

    def describe(self) -> str:
        where = f"row {self.row_no}" if self.row_no is not None else "file"
        who = f" «{self.name}»" if self.name else ""
        col = f", field {self.field}" if self.field else ""
        return f"{where}{who}{col}: {self.reason}"


# What every run counts, in the order reports print them.
COUNTS = ("read", "inserted", "updated", "unchanged", "skipped", "rejected", "repaired", "retired")


@dataclass
class RunReport:
    kind: str
    file: str
    checksum: str
    level: str | None = None
    options: dict = field(default_factory=dict)
    dry_run: bool = False
    encoding: str | None = None
    source_crs: str | None = None
    read: int = 0
    inserted: int = 0
    updated: int = 0
    unchanged: int = 0
    skipped: int = 0
    rejected: int = 0
    repaired: int = 0
    retired: int = 0
    notes: list[str] = field(default_factory=list)
    rejects: list[Reject] = field(default_factory=list)
    run_id: int | None = None
    duration_ms: int | None = None

    def reject(
        self,
        row_no: int | None,
        reason: str,
        name: str | None = None,
        field: str | None = None,
        raw: dict | None = None,
        key: str | None = None,
        values: dict | None = None,
    ) -> None:
        self.rejects.append(Reject(row_no, reason, name, field, raw, key, values or None))
        self.rejected += 1

    def note(self, text: str) -> None:
        self.notes.append(text)

    @property
    def changed(self) -> bool:
        return bool(self.inserted or self.updated or self.retired)

    def as_dict(self) -> dict[str, Any]:
        d = asdict(self)
        d["rejects"] = [asdict(r) | {"message": r.describe()} for r in self.rejects]
        return d

    def summary(self) -> str:
        """Gives the readable run report printed without --json."""
        head = " ".join(
            filter(None, ["[dry run]" if self.dry_run else "", self.kind, self.level, "from", self.file])
        )
        counts = ", ".join(f"{k} {getattr(self, k)}" for k in COUNTS)
        lines = [head, counts]
        if self.encoding:
            lines.append(f"encoding: {self.encoding}")
        if self.source_crs:
            lines.append(f"source CRS: {self.source_crs}")
        if not self.changed and not self.dry_run:
            lines.append("nothing changed: the database already held this file's content")
        lines += [f"note: {n}" for n in self.notes]
        lines += [f"rejected {r.describe()}" for r in self.rejects]
        if self.run_id is not None and not self.dry_run:
            lines.append(f"run id: {self.run_id}")
        return "\n".join(lines)


def file_checksum(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


class _DryRun(Exception):
    pass


_INSERT_RUN = """
INSERT INTO etl_runs (kind, level, file, checksum, options, who)
VALUES (%s, %s, %s, %s, %s, %s) RETURNING id
"""
_FINISH_RUN = """
UPDATE etl_runs SET encoding = %s, source_crs = %s, read = %s, inserted = %s, updated = %s,
       unchanged = %s, skipped = %s, rejected = %s, repaired = %s, retired = %s, notes = %s,
       duration_ms = %s,
       provinces = ARRAY(SELECT DISTINCT province_code FROM etl_touched(%s)
                         WHERE province_code IS NOT NULL ORDER BY 1)
WHERE id = %s
"""
# A rejected row belongs to the province it names, a run to the provinces it touched (its rows' and
# its rejects'): what a provincial account sees of it (migration 0070).
_INSERT_REJECT = """
INSERT INTO etl_rejects (run_id, row_no, name, field, reason, reason_key, reason_values, raw, province_code)
VALUES (%(run)s, %(row_no)s, %(name)s, %(field)s, %(reason)s, %(key)s, %(values)s, %(raw)s,
        etl_reject_province(%(kind)s, %(raw)s::jsonb))
"""


@contextmanager
def etl_run(
    db: Database,
    kind: str,
    path: Path,
    *,
    lock_key: str,
    level: str | None = None,
    options: dict | None = None,
    dry_run: bool = False,
    max_rejects: int = 0,
    timeout_ms: int = 3_600_000,
    role: str | None = "regen_etl",
) -> Iterator[tuple[Any, RunReport]]:
    """Gives (cursor, report) inside the run's transaction; records the run when the block succeeds.

    `lock_key` names what the run writes (e.g. "boundaries:city:IR-23"): runs with the same key are
    serialised by a transaction-level advisory lock, never interleaved. The run works as `role`
    (regen_etl: reads and writes the loaded tables, no DDL, not the accounts; see 0040_accounts.sql);
    a loader that needs more (DDL) passes role=None and works as the owner.
    """
    path = Path(path)
    report = RunReport(
        kind=kind,
        file=str(path),
        checksum=file_checksum(path),
        level=level,
        options=options or {},
        dry_run=dry_run,
    )
    started = time.monotonic()
    try:
        with db.transaction(timeout_ms=timeout_ms, role=role, owner=True) as cur:
            _lock(cur, lock_key, report)
            cur.execute(
                _INSERT_RUN,
                (
                    kind,
                    level,
                    str(path),
                    report.checksum,
                    json.dumps(report.options, ensure_ascii=False, default=str),
                    _who(),
                ),
            )
            report.run_id = cur.fetchone()["id"]
            yield cur, report
            if report.rejected > max_rejects:
                shown = "\n".join("  " + r.describe() for r in report.rejects[:20])
                more = f"\n  … and {report.rejected - 20} more" if report.rejected > 20 else ""
                raise TooManyRejects(
                    f"{path}: {report.rejected} row(s) rejected, more than --max-rejects {max_rejects}; "
                    f"nothing was loaded. Fix the file, or allow them with --max-rejects:\n{shown}{more}"
                )
            for r in report.rejects:
                cur.execute(
                    _INSERT_REJECT,
                    {
                        "run": report.run_id,
                        "row_no": r.row_no,
                        "name": r.name,
                        "field": r.field,
                        "reason": r.reason,
                        "key": r.key,
                        "values": json.dumps(r.values, ensure_ascii=False, default=str) if r.values else None,
                        "raw": json.dumps(r.raw, ensure_ascii=False, default=str) if r.raw else None,
                        "kind": kind,
                    },
                )
            report.duration_ms = int((time.monotonic() - started) * 1000)
            cur.execute(
                _FINISH_RUN,
                (
                    report.encoding,
                    report.source_crs,
                    report.read,
                    report.inserted,
                    report.updated,
                    report.unchanged,
                    report.skipped,
                    report.rejected,
                    report.repaired,
                    report.retired,
                    json.dumps(report.notes, ensure_ascii=False),
                    report.duration_ms,
                    report.run_id,
                    report.run_id,
                ),
            )
            if dry_run:
                raise _DryRun
    except _DryRun:
        pass
    report.duration_ms = int((time.monotonic() - started) * 1000)


_TRY_LOCK = "SELECT pg_try_advisory_xact_lock(hashtextextended(%s, 0)) AS got"
_LOCK = "SELECT pg_advisory_xact_lock(hashtextextended(%s, 0))"


def _lock(cur, lock_key: str, report: RunReport) -> None:
    """Takes the run's lock, waiting (and saying so) while another run on the same data holds it."""
    cur.execute(_TRY_LOCK, (lock_key,))
    if cur.fetchone()["got"]:
        return
    log.warning(
        "%s: another load of the same data (%s) is running; waiting for it to finish "
        "(Ctrl-C gives up, nothing is written)",
        report.file,
        lock_key,
    )
    began = time.monotonic()
    cur.execute(_LOCK, (lock_key,))
    report.note(f"waited {time.monotonic() - began:.1f} s for another load of the same data ({lock_key})")


def _who() -> str:
    try:
        return getpass.getuser()
    except Exception:  # no login name (containers): the database role is still recorded by default
        return "unknown"
