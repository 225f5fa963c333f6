"""The dashboard's query layer: named SQL from sql/queries/dashboard.sql, run in the user's scope.

Callbacks call these functions and nothing else touches the database. Every function takes the
user's `Scope`, narrows the filters the browser sent to it (`auth_seam`), and passes it on to the
database so that row-level security can enforce it too. Geometry is simplified in SQL per level.
Results are kept per process until the data they depend on changes (dashboard/results.py).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import jdatetime

from dashboard.auth_seam import NotFound, aggregate_province, allowed_province, check_place
from dashboard.results import BASE, EVERYTHING, cached
from regen import DATA_DIR
from regen.db import Database, get_db
from regen.scope import Scope
from regen.text import search_key

OUTLINE_FILE = DATA_DIR / "geo" / "iran_outline.geojson"  # drawn when there are no province boundaries

# Measure → (column of the coverage rows, what it is a share of).
MEASURES = {
    "count": "coverage_count_pct",
    "ha": "coverage_area_pct",
    "population": "coverage_population_pct",
    "handover": "handover_pct",
}
STATUSES = ("none", "planned", "established", "active", "handed_over")
KINDS = ("historic", "inner_city", "rural_core", "informal")

SEARCH_LIMIT = 8  # results the search box shows (at most 20 are given)


def _columns(same: str, **keys: str) -> dict[str, str]:
    """Gives a list's sortable columns: grid column → the statement's column it sorts by (`same`: those
    sorted by themselves; `keys`: a name in the page's language or a lifecycle's rank)."""
    return {**{c: c for c in same.split()}, **keys}


# The columns each long list sorts by (a grid's column → its statement's column: texts collated in
# Persian order there); the column asked goes first in the statement's ORDER BY (regen/queries.py,
# `/* sort */`). Any other column asked gives the list's own order: nothing a browser sends is SQL.
SORTS = {
    "dash_city_table": _columns(
        "neighborhoods covered coverage_count_pct coverage_area_pct coverage_population_pct active "
        "handed_over handover_pct overdue",
        name="name_shown",
    ),
    "dash_neighborhoods": _columns(
        "area_ha population offices code", name="name_shown", status="status_rank"
    ),
    "dash_city_offices": _columns(
        "planned_on established_on active_on handed_over_on due_on code",
        name="name_shown",
        neighborhoods="neighborhoods_shown",
        state="state_rank",
    ),
    "dash_uncovered_neighborhoods": _columns(
        "area_ha population code", name="name_shown", city="city_shown", status="status_rank"
    ),
    "dash_offices_due_handover": _columns(
        "due_on code", name="name_shown", city="city_shown", state="state_rank", since="state_since"
    ),
    "dash_action_page": _columns(
        "due_on evidence",
        title="title_shown",
        agency="agency_shown",
        place="place_shown",
        status="status_rank",
        since="status_since",
    ),
}


def database() -> Database:
    """Gives the process-wide database (never starts the embedded cluster from a web request)."""
    return get_db(start_embedded=False)


def _on(province: str | None) -> str:
    """Gives what a result of one province (None: of the whole country) depends on."""
    return province or EVERYTHING


def data_changed_at(db: Database, scope: Scope):
    """Gives when the data last changed (a timestamp with its zone; None when it never did)."""
    return cached("dash_data_changed_at", db, scope)[0]["at"]


# -- coverage and handover (values, kept until the data changes) ----------------------------------
def coverage_provinces(db: Database, scope: Scope, as_of: dt.date, province: str | None = None) -> list[dict]:
    """Gives coverage_by_province(as_of) with names and label points, one row per province in view
    (all 31 for every signed-in role: the national picture is aggregates, not detail)."""
    province = aggregate_province(scope, province)
    return cached("dash_coverage_provinces", db, scope, _on(province), as_of=as_of, province=province)


def coverage_cities(
    db: Database,
    scope: Scope,
    as_of: dt.date,
    *,  # the filters by name: a province's code and a city's look alike
    province: str | None = None,
    city: str | None = None,
    kind: str | None = None,
) -> list[dict]:
    """Gives each city's figures on as_of (city_figures_on, migration 0191: coverage_by_city ⋈
    handover_by_city) with names and points, per city in view, lagging first; with a `kind`, the same
    over that kind's neighborhoods and the offices serving them."""
    province = allowed_province(scope, province)
    return cached(
        "dash_coverage_cities",
        db,
        scope,
        _on(province),
        as_of=as_of,
        province=province,
        city=city,
        kind=_kind(kind),
    )


def totals(rows: list[dict]) -> dict:
    """Gives the sums of coverage rows (provinces or cities) and the shares computed from the sums."""
    keys = (
        "neighborhoods",
        "covered",
        "area_ha",
        "covered_ha",
        "population",
        "covered_population",
        "planned",
        "established",
        "active",
        "handed_over",
        "closed",
    )
    t = {k: sum((r.get(k) or 0) for r in rows) for k in keys}
    t["coverage_count_pct"] = _pct(t["covered"], t["neighborhoods"])
    t["coverage_area_pct"] = _pct(t["covered_ha"], t["area_ha"])
    t["coverage_population_pct"] = _pct(t["covered_population"], t["population"])
    t["handover_pct"] = _pct(t["handed_over"], t["established"] + t["active"] + t["handed_over"])
    return t


def _pct(part: float, whole: float) -> float | None:
    return 100.0 * part / whole if whole else None


def headline(
    db: Database,
    scope: Scope,
    as_of: dt.date,
    *,
    rows: list[dict] | None = None,
    action_rows: list[dict] | None = None,
    province: str | None = None,  # the view's filters, as coverage_cities takes them
    city: str | None = None,
    kind: str | None = None,
) -> dict:
    """Gives the headline figures of a view: target neighborhoods, share covered, offices active,
    share handed over, actions overdue (from the SQL coverage functions and the actions query); with
    a `kind` (a province's or a city's view), those of that kind's neighborhoods and their offices.
    A caller that already holds the view's coverage or action rows passes them to save a query."""
    province = allowed_province(scope, province)
    if rows is None:
        if city or (province and _kind(kind)):
            rows = coverage_cities(db, scope, as_of, province=province, city=city, kind=kind)
        else:
            rows = coverage_provinces(db, scope, as_of, province=province)
    if action_rows is None:
        action_rows = overdue_counts(db, scope, as_of, province=province, city=city)
    t = totals(rows)
    t["overdue_actions"] = sum(_overdue(a) for a in action_rows)
    return t


def overdue_counts(
    db: Database, scope: Scope, as_of: dt.date, province: str | None = None, city: str | None = None
) -> list[dict]:
    """Gives the number of overdue actions on as_of per (province_code, city_code) of the actions."""
    province = allowed_province(scope, province)
    return cached("dash_overdue_counts", db, scope, _on(province), as_of=as_of, province=province, city=city)


def national_overdue(db: Database, scope: Scope, as_of: dt.date) -> list[dict]:
    """Gives overdue actions on as_of per province, over the whole country, for every signed-in role."""
    aggregate_province(scope, None)
    return cached("dash_overdue_by_province", db, scope, as_of=as_of)


def _overdue(row: dict) -> int:
    return int(row["overdue"])  # a count, or one action's flag (True = 1)


def overdue_by(rows: list[dict], key: str) -> dict[str, int]:
    """Gives overdue actions per value of `key` (province_code, city_code, agency_code), from overdue
    counts or from action rows."""
    out: dict[str, int] = {}
    for a in rows:
        if a[key] and _overdue(a):
            out[a[key]] = out.get(a[key], 0) + _overdue(a)
    return out


def resolutions(db: Database, scope: Scope) -> dict[tuple[int, int], dict]:
    """Gives (meeting, number) → the resolution's text."""
    return {(r["meeting_number"], r["number"]): r for r in cached("dash_resolutions", db, scope, BASE)}


def timeline_days(first: dt.date | None, as_of: dt.date, max_points: int = 16) -> list[dt.date]:
    """Gives the days a timeline is drawn at: the first day of each Jalali season from `first` to
    `as_of`, then `as_of` itself (at most `max_points`, thinning evenly)."""
    if first is None or first > as_of:
        return [as_of]
    j = jdatetime.date.fromgregorian(date=first)
    y, m = j.year, ((j.month - 1) // 3) * 3 + 1
    days = []
    while True:
        d = jdatetime.date(y, m, 1).togregorian()
        if d >= as_of:
            break
        if d >= first:
            days.append(d)
        m += 3
        if m > 12:
            y, m = y + 1, 1
    step = max(1, -(-len(days) // (max_points - 1)))
    days = days[::-1][::step][::-1]
    return [*days, as_of]


def timeline(db: Database, scope: Scope, as_of: dt.date, province: str | None = None) -> list[dict]:
    """Gives coverage and handover (sums of coverage_by_province) on each day of `timeline_days`."""
    province = aggregate_province(scope, province)
    first = first_office_day(db, scope)
    days = timeline_days(first, as_of)
    # The season starts are the same for every as-of day of a season: kept apart from the day itself,
    # so that moving the date computes one new day, not sixteen; and kept through writes dated after
    # the last of them (a state recorded today changes the as-of day only).
    rows = (
        cached("dash_timeline", db, scope, _on(province), upto=days[-2], days=days[:-1], province=province)
        if days[:-1]
        else []
    )
    rows = rows + cached("dash_timeline", db, scope, _on(province), days=days[-1:], province=province)
    return [
        {**r, "coverage_count_pct": _pct(r["covered"], r["neighborhoods"]),
         "handover_pct": _pct(r["handed_over"], r["established_total"])}
        for r in rows
    ]  # fmt: skip


# -- places, tables, histories ------------------------------------------------------------------------
def place_of(db: Database, scope: Scope, level: str, code: str) -> dict:
    """Gives a place's code, names, province and city; raises NotAllowed / NotFound.

    A city, neighborhood or office of another province reads exactly like an unknown code (row-level
    security hides it; the check here says the same): the answer must not tell what exists there.
    Provinces are public, so another province's view is refused as such."""
    rows = cached("dash_place", db, scope, BASE, level=level, code=code)
    if level != "province" and rows and not scope.sees_province(rows[0]["province_code"]):
        rows = []
    if not rows:
        raise NotFound(level, code)
    check_place(scope, rows[0]["province_code"])
    return rows[0]


def neighborhoods(
    db: Database, scope: Scope, city: str, as_of: dt.date, kind: str | None = None, **page: Any
) -> list[dict]:
    """Gives a city's current neighborhoods with their status on as_of (neighborhood_status_on): all
    of them, or the page `page` asks (see paging), each row with the list's `total`."""
    return _city_list("dash_neighborhoods", db, scope, city, as_of, kind, page)


def city_offices(
    db: Database, scope: Scope, city: str, as_of: dt.date, kind: str | None = None, **page: Any
) -> list[dict]:
    """Gives a city's offices (those serving a neighborhood of `kind`, with one) with their state on
    as_of, the dates of each state up to then, the neighborhoods they serve by name in the page's
    `lang`, and their handover's due date, months late and overdue flag (migration 0130); overdue
    first: all of them, or the page `page` asks (see paging), each row with the list's `total`."""
    return _city_list("dash_city_offices", db, scope, city, as_of, kind, page)


def _city_list(name: str, db: Database, scope: Scope, city: str, as_of, kind, page: dict) -> list[dict]:
    """Gives a page of a city's list cut from the whole list in the same order, kept: the view asks for
    the whole list (its map's points and colours) and for the first page, and every page is a sort of
    the whole list in the database anyway (a city's list is a few hundred rows at most). The order
    ends with the code, so the cut rows and their `total` are those the SQL's own OFFSET/LIMIT gives."""
    on = place_of(db, scope, "city", city)["province_code"]
    p = paging(name, **page)
    whole = cached(
        name, db, scope, on, city=city, as_of=as_of, kind=_kind(kind), **{**p, "offset": 0, "limit": None}
    )
    if p["offset"] == 0 and p["limit"] is None:
        return whole
    end = None if p["limit"] is None else p["offset"] + max(0, p["limit"])
    return whole[p["offset"] : end]


def history(db: Database, scope: Scope, level: str, code: str) -> list[dict]:
    """Gives the dated history of a neighborhood (its offices' lifecycles, old boundaries) or an office."""
    on = place_of(db, scope, level, code)["province_code"]
    name = "dash_office_history" if level == "office" else "dash_neighborhood_history"
    return cached(name, db, scope, on, code=code)


def uncovered_neighborhoods(
    db: Database, scope: Scope, province: str, as_of: dt.date, kind: str | None = None, **page: Any
) -> list[dict]:
    """Gives the neighborhoods of a province not covered on as_of: all of them, or the page `page`
    asks (see paging), each row with the list's `total`."""
    return _province_list("dash_uncovered_neighborhoods", db, scope, province, as_of, kind, page)


def offices_due_handover(
    db: Database, scope: Scope, province: str, as_of: dt.date, kind: str | None = None, **page: Any
) -> list[dict]:
    """Gives a province's established or active facilitation offices on as_of (those serving a
    neighborhood of `kind`, with one), soonest handover due first (or the page `page` asks, see
    paging), each row with the list's `total`, months late and overdue flag (migration 0130)."""
    return _province_list("dash_offices_due_handover", db, scope, province, as_of, kind, page)


def city_table(
    db: Database, scope: Scope, province: str, as_of: dt.date, kind: str | None = None, **page: Any
) -> list[dict]:
    """Gives a province's cities on as_of (over the neighborhoods of `kind`, with one) with their
    overdue actions, lagging first (or the page `page` asks, see paging), each row with the table's
    `total`: the numbers of coverage_cities and overdue_counts, sorted and paged by the database."""
    return _province_list("dash_city_table", db, scope, province, as_of, kind, page)


def _province_list(name: str, db: Database, scope: Scope, province: str, as_of, kind, page: dict):
    province = allowed_province(scope, province)
    return cached(
        name,
        db,
        scope,
        _on(province),
        province=province,
        as_of=as_of,
        kind=_kind(kind),
        **paging(name, **page),
    )


def paging(
    name: str,
    sort: str = "",
    descending: bool = False,
    lang: str = "fa",
    offset: int = 0,
    limit: int | None = None,
):
    """Gives the paging parameters of list query `name`: the statement's column to sort by (of the
    grid's column `sort`, by SORTS; '' the list's own order, as for a column not there), its direction,
    the names' language, the rows."""
    column = SORTS[name].get(sort, "") if isinstance(sort, str) else ""
    return {
        "sort": column,
        "descending": bool(descending and column),
        "lang": lang,
        "offset": max(0, offset),
        "limit": limit,
    }


def actions(db: Database, scope: Scope, as_of: dt.date, **where: str | None) -> list[dict]:
    """Gives the actions with their status on as_of, overdue first; `where` filters them by province,
    city and agency (a code each; None or absent: all)."""
    return _actions("dash_actions", db, scope, as_of, **where)


def action_groups(db: Database, scope: Scope, as_of: dt.date, **where: str | None) -> list[dict]:
    """Gives the actions on as_of counted (total, overdue, done) per resolution, agency and province,
    by the rule of `actions` (same filters `where`): the actions view's figures, looked up in the counts
    kept per day (migration 0195) without any action read."""
    return _actions("dash_action_group_counts", db, scope, as_of, **where)


def action_page(
    db: Database, scope: Scope, as_of: dt.date, resolution: str, where: dict, **page: Any
) -> list[dict]:
    """Gives the actions of one resolution (`resolution`: "<meeting>-<number>") by the rule and filters
    of `actions` (`where`): all of them, overdue first, or the page `page` asks (see paging), each row
    with the list's `total`. A resolution not so written has none."""
    meeting, _, number = resolution.partition("-")
    if not (meeting.isdigit() and number.isdigit()):
        return []
    return _actions(
        "dash_action_page",
        db,
        scope,
        as_of,
        meeting=int(meeting),
        resolution=int(number),
        **where,
        **paging("dash_action_page", **page),
    )


def _actions(name, db, scope, as_of, province=None, city=None, agency=None, **more) -> list[dict]:
    province = allowed_province(scope, province)
    return cached(
        name, db, scope, _on(province), as_of=as_of, province=province, city=city, agency=agency, **more
    )


def province_options(db: Database, scope: Scope) -> list[dict]:
    """Gives the provinces the user may pick."""
    return cached("dash_province_options", db, scope, BASE, province=allowed_province(scope, None))


def city_options(db: Database, scope: Scope, province: str | None) -> list[dict]:
    """Gives the current cities of a province (none without a province)."""
    if not province:
        return []
    return cached("dash_city_options", db, scope, BASE, province=allowed_province(scope, province))


def search(db: Database, scope: Scope, text: str | None, limit: int = SEARCH_LIMIT) -> list[dict]:
    """Gives the places of the scope (provinces, cities, neighborhoods, offices) whose name holds
    `text`, best first (dash_search), each with its parent; none for less than two letters."""
    province = allowed_province(scope, None)  # a provincial user's own; refuses the signed-out
    if len(search_key(text) or "") < 2:
        return []
    return cached("dash_search", db, scope, text=text[:100], province=province, limit=max(1, min(limit, 20)))


def agency_options(db: Database, scope: Scope) -> list[dict]:
    return cached("dash_agency_options", db, scope, BASE)


def etl_runs(db: Database, scope: Scope) -> list[dict]:
    """Gives the latest 200 ETL runs the scope sees, newest first: a provincial user's are the runs
    that touched its province (row-level security on etl_runs, migration 0070; checked here too)."""
    rows = cached("dash_etl_runs", db, scope, BASE)
    return [r for r in rows if _sees_all(scope) or scope.province in r["provinces"]]


def etl_rejects(db: Database, scope: Scope, run_id: int) -> list[dict]:
    """Gives the first 500 rejected rows of one run that the scope sees: a provincial user's are the
    rows that name a place of its province only (row-level security on etl_rejects; checked here too)."""
    rows = cached("dash_etl_rejects", db, scope, BASE, run_id=run_id)
    return [r for r in rows if _sees_all(scope) or scope.sees_province(r["province_code"])]


def _sees_all(scope: Scope) -> bool:
    return scope.role in ("national", "viewer")


def sources(db: Database, scope: Scope) -> dict:
    """Gives what the attributions depend on: demo rows present, OSM / GeoNames data loaded, the
    shipped outline drawn."""
    facts = cached("dash_sources", db, scope, BASE, osm="osm|openstreetmap")[0]
    return {**facts, "outline": OUTLINE_FILE.exists()}


def counts(db: Database, scope: Scope) -> dict:
    """Gives how many cities, current neighborhoods and offices the database holds."""
    return cached("dash_counts", db, scope, BASE)[0]


def ping(db: Database, scope: Scope) -> bool:
    """Gives True when the database answers."""
    return bool(cached("dash_ping", db, scope))


def _kind(kind: str | None) -> str | None:
    return kind if kind in KINDS else None


# -- the as-of calendar (dashboard/picker.py) ----------------------------------------------------------
def first_office_day(db: Database, scope: Scope) -> dt.date | None:
    """Gives the first day an office state began (the data's first day), None when there is none: a
    state that moves it leaves a row without a province (migration 0140), so it depends on BASE."""
    return cached("dash_first_office_date", db, scope, BASE)[0]["first"]


def meetings(db: Database, scope: Scope) -> list[dict]:
    """Gives the HQ meetings (number, held_on), oldest first."""
    return cached("picker_meetings", db, scope, BASE)
