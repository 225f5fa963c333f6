"""What a brief says: every figure from the dashboard's query layer (dashboard/queries.py and
dashboard/performance.py) for one as-of day and one place, in the caller's scope."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from dashboard import performance, queries, shapes
from dashboard.auth_seam import NotAllowed, allowed_province
from regen import queries as named
from regen.db import Database
from regen.scope import Scope

LAGGING = 5  # places named in each "lag most" list
OVERDUE_SHOWN = 12  # overdue actions listed per agency in a national brief (the rest are counted)
OVERDUE_SHOWN_PROVINCE = 40
LIST_ROWS = 40  # rows of a province brief's lists


@dataclass
class Brief:
    lang: str
    as_of: dt.date
    meeting: int
    meeting_on: dt.date | None
    province: dict | None  # the province of a province brief (code, names), None for the nation
    headline: dict
    places: list[dict]  # provinces (national brief) or the province's cities
    shapes: dict | None  # the provinces' FeatureCollection for the national map
    outline: dict | None  # the province's outline for a province brief's map
    overdue_by_place: dict[str, int]
    lag_coverage: list[dict]
    lag_handover: list[dict]
    targets: list[dict]  # national targets, or the province's and the national ones
    provincial_targets: list[dict]  # a national brief's summary per agency, measure and period
    agencies: list[dict]  # per agency: name, status counts, overdue actions shown, how many more
    resolutions: dict
    uncovered: list[dict] = field(default_factory=list)
    uncovered_total: int = 0
    due_handover: list[dict] = field(default_factory=list)
    due_handover_total: int = 0

    @property
    def national(self) -> bool:
        return self.province is None


def next_meeting(db: Database, scope: Scope) -> tuple[int, dt.date | None]:
    """Gives the number and date of the meeting a brief is for by default: after the last one held."""
    meetings = named.run("brief_meetings", db, scope=scope)
    return (meetings[-1]["number"] + 1 if meetings else 1), None


def meeting_date(db: Database, scope: Scope, number: int) -> dt.date | None:
    """Gives the date of meeting `number` when it is recorded (a future meeting usually is not)."""
    return next(
        (m["held_on"] for m in named.run("brief_meetings", db, scope=scope) if m["number"] == number), None
    )


def _lagging(rows: list[dict], key: str) -> list[dict]:
    """Gives the places with the lowest share `key` among those where it is measured (neighborhoods for
    coverage, established offices for handover), the larger first among equals."""

    def size(r: dict) -> int:
        return (
            r["neighborhoods"]
            if key == "coverage_count_pct"
            else r["established"] + r["active"] + r["handed_over"]
        )

    measured = [r for r in rows if r.get(key) is not None and size(r) > 0]
    return sorted(measured, key=lambda r: (r[key], -size(r), r["code"]))[:LAGGING]


def _agencies(actions: list[dict], previous: int, shown: int) -> list[dict]:
    """Gives the actions of meetings before `previous`, per agency: counts by status and the overdue ones
    (oldest due first); agencies with the most overdue first."""
    out: dict[str, dict] = {}
    for a in actions:
        if a["meeting_number"] >= previous:
            continue
        g = out.setdefault(
            a["agency_code"],
            {"code": a["agency_code"], "name_fa": a["agency_fa"], "name_en": a["agency_en"], "total": 0,
             "open": 0, "in_progress": 0, "done": 0, "cancelled": 0, "overdue": 0, "listed": []},
        )  # fmt: skip
        g["total"] += 1
        g[a["status"]] += 1
        if a["overdue"]:
            g["overdue"] += 1
            g["listed"].append(a)
    for g in out.values():
        g["listed"].sort(key=lambda a: (a["due_on"], a["meeting_number"], a["resolution_number"], a["code"]))
        g["more"] = max(0, len(g["listed"]) - shown)
        g["listed"] = g["listed"][:shown]
    return sorted(out.values(), key=lambda g: (-g["overdue"], g["code"]))


_SUMMARY_KEYS = ("agency_code", "agency_fa", "agency_en", "measure", "from_year", "to_year")


def _provincial_summary(rows: list[dict]) -> list[dict]:
    """Gives the provincial targets summed per agency, measure and period, with how many provinces lag."""
    out: dict[tuple, dict] = {}
    for r in rows:
        key = (r["agency_code"], r["measure"], r["from_year"], r["to_year"])
        s = out.setdefault(
            key,
            {**{k: r[k] for k in _SUMMARY_KEYS},
             "provinces": 0, "behind": 0, "target": 0, "achieved": 0},
        )  # fmt: skip
        s["provinces"] += 1
        s["behind"] += r["state"] in ("behind", "missed")
        s["target"] += r["target"]
        s["achieved"] += r["achieved"]
    for s in out.values():
        s["achieved_pct"] = 100.0 * s["achieved"] / s["target"]
    return list(out.values())


def gather(
    db: Database,
    scope: Scope,
    *,
    as_of: dt.date,
    lang: str = "fa",
    meeting: int | None = None,
    province: str | None = None,
) -> Brief:
    """Gives the brief of `province` (None: the nation) on as_of for meeting `meeting` (default: the next
    one). A provincial scope gets its own province's brief only (NotAllowed otherwise)."""
    if scope.role == "provincial" and province is None:
        province = scope.province
    province = allowed_province(scope, province)
    number, on = next_meeting(db, scope) if meeting is None else (meeting, meeting_date(db, scope, meeting))
    resolutions = queries.resolutions(db, scope)
    actions = queries.actions(db, scope, as_of, province=province)
    if province is None:
        places = queries.coverage_provinces(db, scope, as_of)
        acts = queries.national_overdue(db, scope, as_of)
        head = queries.headline(db, scope, as_of, rows=places, action_rows=acts)
        overdue = queries.overdue_by(acts, "province_code")
        targets = performance.targets(db, scope, as_of, national=True)
        brief = Brief(
            lang, as_of, number, on, None, head, places,
            shapes.province_shapes(db, scope) if any(r["has_boundary"] for r in places) else None, None,
            overdue, _lagging(places, "coverage_count_pct"), _lagging(places, "handover_pct"),
            [t for t in targets if t["province_code"] is None],
            _provincial_summary([t for t in targets if t["province_code"] is not None]),
            _agencies(actions, number, OVERDUE_SHOWN), resolutions,
        )  # fmt: skip
        return brief
    place = queries.place_of(db, scope, "province", province)
    cities = queries.coverage_cities(db, scope, as_of, province=province)
    acts = queries.overdue_counts(db, scope, as_of, province=province)
    head = queries.headline(db, scope, as_of, province=province, rows=cities, action_rows=acts)
    shape = shapes.province_shapes(db, scope, province=province)
    uncovered = queries.uncovered_neighborhoods(db, scope, province, as_of)
    due = queries.offices_due_handover(db, scope, province, as_of)
    return Brief(
        lang, as_of, number, on, place, head, cities, None, shape if shape["features"] else None,
        queries.overdue_by(acts, "city_code"),
        _lagging(cities, "coverage_count_pct"), _lagging(cities, "handover_pct"),
        performance.targets(db, scope, as_of, province, national=True), [],
        _agencies(actions, number, OVERDUE_SHOWN_PROVINCE), resolutions,
        uncovered[:LIST_ROWS], len(uncovered), due[:LIST_ROWS], len(due),
    )  # fmt: skip


__all__ = ["Brief", "NotAllowed", "gather"]
