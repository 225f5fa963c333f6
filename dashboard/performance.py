"""The agencies' performance (resolution 2): targets against what was achieved, and overdue actions per
agency. Part of the dashboard's query layer: named SQL from sql/queries/performance.sql, run in the
user's scope and kept like every other result (dashboard/queries.py)."""

from __future__ import annotations

import datetime as dt

from dashboard import queries, results
from dashboard.auth_seam import allowed_province
from regen.db import Database
from regen.scope import Scope

MEASURES = ("offices_established", "neighborhoods_covered", "offices_handed_over", "reports_submitted")
STATES = ("met", "on_track", "behind", "missed", "upcoming")


def targets(
    db: Database,
    scope: Scope,
    as_of: dt.date,
    province: str | None = None,
    *,
    national: bool = True,
    agency: str | None = None,
) -> list[dict]:
    """Gives the targets in view with what was achieved by as_of (perf_targets): a province's and, with
    `national`, the country's; every target without a province filter. A provincial user gets its own
    province's and the national ones (and PostgreSQL's policy on `targets` says the same)."""
    province = allowed_province(scope, province)
    return results.cached(
        "perf_targets", db, scope, as_of=as_of, province=province, with_national=national, agency=agency
    )


def overdue_by_agency(
    db: Database, scope: Scope, as_of: dt.date, province: str | None = None
) -> dict[str, int]:
    """Gives overdue actions on as_of per agency, from the actions the dashboard lists (dash_actions)."""
    return queries.overdue_by(queries.actions(db, scope, as_of, province=province), "agency_code")
