"""`regen load cities|offices|neighborhood-facts|actions|targets`: the agencies' tables into the database.

Each run reads the whole file first (a header problem stops it before anything is written), then
works in one `etl_run` transaction: rows are compared with what is stored and only differences are
written, so loading the same file again changes nothing. A row with a wrong cell is rejected with
its row number, column and value; rejects beyond --max-rejects roll the whole run back. Writes of
one row happen inside a savepoint, so a row the database refuses (an impossible office history)
is rejected alone.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import psycopg2

from etl import values as v
from etl.columns import (
    ACTION_KINDS,
    ACTION_STATUSES,
    NATIONAL_WORDS,
    NEIGHBORHOOD_KINDS,
    OFFICE_KINDS,
    SPECS,
    TARGET_MEASURES,
    header_key,
)
from etl.runs import RunReport, etl_run
from etl.tablefile import TableFile, read_table
from etl.values import Lookups, RowError

KINDS = tuple(SPECS)  # cities, offices, neighborhood-facts, actions, targets
_KIND_ORDER = ("historic", "inner_city", "rural_core", "informal")
LIFECYCLE = {
    "planned_on": "planned",
    "established_on": "established",
    "active_on": "active",
    "handed_over_on": "handed_over",
    "closed_on": "closed",
}


def load_table(
    db,
    kind: str,
    path: Path,
    *,
    encoding: str | None = None,
    sheet: str | None = None,
    dry_run: bool = False,
    max_rejects: int = 0,
) -> RunReport:
    """Loads one table file of `kind`; gives the run report (raises LoadError / TooManyRejects)."""
    path = Path(path)
    table = read_table(path, SPECS[kind], encoding=encoding, sheet=sheet)
    options = {"encoding": encoding, "sheet": sheet, "max_rejects": max_rejects}
    with etl_run(
        db, kind, path, lock_key=f"table:{kind}", options=options, dry_run=dry_run, max_rejects=max_rejects
    ) as (cur, report):
        report.encoding = table.encoding
        report.read = len(table.rows)
        report.skipped = table.blank_rows
        _LOADERS[kind](cur, table, report, Lookups.read(cur))
    return report


def _rows(table: TableFile, report: RunReport, handle: Callable[[str, dict], str]) -> None:
    """Calls handle(code, row) for each row; counts its outcome or records its rejection."""
    first_seen: dict[str, int] = {}
    for row_no, row in table.rows:
        key = v.code(row.get("code"))
        try:
            if key is None:
                raise RowError("code", "the code is empty")
            if key in first_seen:
                raise RowError("code", f"code «{key}» appears again (first on row {first_seen[key]})")
            first_seen[key] = row_no
            outcome = handle(key, row)
        except RowError as e:
            report.reject(row_no, e.message, name=key, field=e.field, raw=row)
            continue
        setattr(report, outcome, getattr(report, outcome) + 1)


@contextmanager
def _savepoint(cur) -> Iterator[None]:
    """Undoes one row's writes when the row is rejected; a database refusal becomes a RowError."""
    cur.execute("SAVEPOINT table_row")
    try:
        yield
    except RowError:
        cur.execute("ROLLBACK TO SAVEPOINT table_row")
        raise
    except (psycopg2.IntegrityError, psycopg2.DataError) as e:
        cur.execute("ROLLBACK TO SAVEPOINT table_row")
        detail = (e.pgerror or str(e)).strip().splitlines()[0]
        raise RowError(None, f"the database refused the row: {detail}") from None
    cur.execute("RELEASE SAVEPOINT table_row")


def _keep(table: TableFile, row: dict, col: str, parsed, stored):
    """Gives the file's value, or the stored one where the file has no such column or an empty cell."""
    return parsed if table.has(col) and row.get(col) is not None else stored


# -- cities -----------------------------------------------------------------------------------------------
_CITIES = """
SELECT code, name_fa, name_en, province_code, ST_X(location) AS lon, ST_Y(location) AS lat, population
FROM cities
"""
_UPSERT_CITY = """
INSERT INTO cities (code, province_code, name_fa, name_en, location, population, source, run_id)
VALUES (%(code)s, %(province_code)s, %(name_fa)s, %(name_en)s,
        CASE WHEN %(lon)s::float8 IS NULL THEN NULL ELSE ST_SetSRID(ST_MakePoint(%(lon)s, %(lat)s), 4326) END,
        %(population)s, %(source)s, %(run_id)s)
ON CONFLICT (code) DO UPDATE SET
  province_code = EXCLUDED.province_code, name_fa = EXCLUDED.name_fa, name_en = EXCLUDED.name_en,
  location = EXCLUDED.location, population = EXCLUDED.population, run_id = EXCLUDED.run_id
"""
_CITY_FIELDS = ("name_fa", "name_en", "province_code", "lon", "lat", "population")


def _load_cities(cur, table: TableFile, report: RunReport, look: Lookups) -> None:
    cur.execute(_CITIES)
    stored = {r["code"]: dict(r) for r in cur.fetchall()}

    def handle(key: str, row: dict) -> str:
        old = stored.get(key, {})
        name_fa = row.get("name_fa")
        if name_fa is None:
            raise RowError("name_fa", "the Persian name is empty")
        province = look.province(row.get("province"), "province")
        if province is None:
            raise RowError("province", "the province is empty: give its code (IR-23) or name")
        pt = v.point(row.get("lat"), row.get("lon"))
        new = {
            "name_fa": name_fa,
            "name_en": _keep(table, row, "name_en", row.get("name_en"), old.get("name_en")),
            "province_code": province,
            "lon": pt[0] if pt else old.get("lon"),
            "lat": pt[1] if pt else old.get("lat"),
            "population": _keep(
                table,
                row,
                "population",
                v.integer(row.get("population"), "population"),
                old.get("population"),
            ),
        }
        if not old and new["lon"] is None:
            raise RowError(
                "lat",
                "a new city needs lat and lon (or load its boundary first with "
                "`regen load boundaries --level city`)",
            )
        if old and all(old[f] == new[f] for f in _CITY_FIELDS):
            return "unchanged"
        with _savepoint(cur):
            cur.execute(
                _UPSERT_CITY, {**new, "code": key, "source": table.path.name, "run_id": report.run_id}
            )
        look.cities[key] = province
        return "updated" if old else "inserted"

    _rows(table, report, handle)


# -- neighborhood facts -------------------------------------------------------------------------------------
_FACTS = "SELECT code, population, households, kinds, pilot FROM neighborhoods WHERE retired_at IS NULL"
_UPDATE_FACTS = """
UPDATE neighborhoods SET population = %(population)s, households = %(households)s, kinds = %(kinds)s,
       pilot = %(pilot)s
WHERE code = %(code)s
"""


def _kinds(value: str | None) -> list[str]:
    found = {v.choice(part.strip(), "kinds", NEIGHBORHOOD_KINDS) for part in v.codes(value)}
    return [k for k in _KIND_ORDER if k in found]


def _load_facts(cur, table: TableFile, report: RunReport, look: Lookups) -> None:
    cur.execute(_FACTS)
    stored = {r["code"]: dict(r) for r in cur.fetchall()}

    def handle(key: str, row: dict) -> str:
        look.neighborhood(key, "code")
        old = stored[key]
        new = {
            "population": _keep(
                table, row, "population", v.integer(row.get("population"), "population"), old["population"]
            ),
            "households": _keep(
                table, row, "households", v.integer(row.get("households"), "households"), old["households"]
            ),
            "kinds": _keep(table, row, "kinds", _kinds(row.get("kinds")), list(old["kinds"])),
            "pilot": _keep(table, row, "pilot", v.boolean(row.get("pilot"), "pilot"), old["pilot"]),
        }
        if all(old[f] == new[f] for f in new):
            return "unchanged"
        with _savepoint(cur):
            cur.execute(_UPDATE_FACTS, {**new, "code": key})
        return "updated"

    _rows(table, report, handle)


# -- offices ------------------------------------------------------------------------------------------------
_OFFICES = """
SELECT o.code, o.kind, o.name_fa, o.name_en, o.city_code, ST_X(o.location) AS lon, ST_Y(o.location) AS lat,
       o.location_estimated, o.operator_agency_code, o.supervising_agency_code, o.pre_program,
       ARRAY(SELECT neighborhood_code FROM office_neighborhoods n WHERE n.office_code = o.code
             ORDER BY neighborhood_code) AS neighborhoods,
       ARRAY(SELECT ARRAY[state, began_on::text, COALESCE(letter_no, '')] FROM office_states s
             WHERE s.office_code = o.code) AS states,
       -- recorded in the dashboard (record_office_state), not loaded from a file
       ARRAY(SELECT ARRAY[state, began_on::text, COALESCE(letter_no, '')] FROM office_states s
             WHERE s.office_code = o.code AND s.run_id IS NULL) AS recorded
FROM offices o
"""
_POINT_IN = (
    "SELECT ST_X(p) AS lon, ST_Y(p) AS lat FROM (SELECT ST_PointOnSurface(boundary) AS p "
    "FROM neighborhoods WHERE code = %s) q"
)
_UPSERT_OFFICE = """
INSERT INTO offices (code, kind, name_fa, name_en, city_code, location, location_estimated,
                     operator_agency_code, supervising_agency_code, pre_program, source, run_id)
VALUES (%(code)s, %(kind)s, %(name_fa)s, %(name_en)s, %(city_code)s,
        ST_SetSRID(ST_MakePoint(%(lon)s, %(lat)s), 4326), %(location_estimated)s,
        %(operator_agency_code)s, %(supervising_agency_code)s, %(pre_program)s, %(source)s, %(run_id)s)
ON CONFLICT (code) DO UPDATE SET
  kind = EXCLUDED.kind, name_fa = EXCLUDED.name_fa, name_en = EXCLUDED.name_en,
  city_code = EXCLUDED.city_code,
  location = EXCLUDED.location, location_estimated = EXCLUDED.location_estimated,
  operator_agency_code = EXCLUDED.operator_agency_code,
  supervising_agency_code = EXCLUDED.supervising_agency_code, pre_program = EXCLUDED.pre_program,
  run_id = EXCLUDED.run_id
"""
_OFFICE_FIELDS = (
    "kind",
    "name_fa",
    "name_en",
    "city_code",
    "lon",
    "lat",
    "location_estimated",
    "operator_agency_code",
    "supervising_agency_code",
    "pre_program",
)


def _office_states(row: dict) -> set[tuple[str, str, str]]:
    """Gives the lifecycle of a row as {(state, ISO date, letter)}."""
    states = set()
    for col, state in LIFECYCLE.items():
        began = v.day(row.get(col), col)
        if began is not None:
            # letter numbers are identifiers: digits stored as ASCII, so «۱۲۳/۴۵» and «123/45» are one letter
            letter = v.code(row.get("handover_letter")) if state == "handed_over" else None
            states.add((state, began.isoformat(), letter or ""))
    if row.get("handover_letter") and row.get("handed_over_on") is None:
        raise RowError("handover_letter", "a handover letter needs its date in handed_over_on")
    return states


def _load_offices(cur, table: TableFile, report: RunReport, look: Lookups) -> None:
    cur.execute(_OFFICES)
    stored = {r["code"]: dict(r) for r in cur.fetchall()}
    has_history = any(table.has(c) for c in LIFECYCLE)
    estimated = 0
    kept_recorded: list[str] = []

    def handle(key: str, row: dict) -> str:
        nonlocal estimated
        old = stored.get(key)
        if row.get("name_fa") is None:
            raise RowError("name_fa", "the Persian name is empty")
        kind = v.choice(row.get("kind"), "kind", OFFICE_KINDS)
        if kind is None:
            raise RowError(
                "kind", "the kind is empty: facilitation (تسهیلگری) or renewal_service (خدمات نوسازی)"
            )
        nbhds = [look.neighborhood(c, "neighborhoods") for c in v.codes(row.get("neighborhoods"))]
        city = look.city(row.get("city"), "city") or (look.neighborhoods[nbhds[0]] if nbhds else None)
        if city is None:
            raise RowError(
                "neighborhoods", "give the neighborhood code(s) the office serves (or at least its city)"
            )
        for n in nbhds:
            if look.neighborhoods[n] != city:
                raise RowError(
                    "neighborhoods",
                    f"neighborhood «{n}» is in city {look.neighborhoods[n]}, not in the office's city {city}",
                )
        pt = v.point(row.get("lat"), row.get("lon"))
        is_estimate = pt is None or bool(v.boolean(row.get("location_estimated"), "location_estimated"))
        if is_estimate:
            if not nbhds:
                raise RowError("lat", "no lat/lon and no neighborhood to place the office in")
            cur.execute(_POINT_IN, (nbhds[0],))
            p = cur.fetchone()
            pt = (p["lon"], p["lat"])
        states = _office_states(row)
        new = {
            "kind": kind,
            "name_fa": row["name_fa"],
            "name_en": row.get("name_en"),
            "city_code": city,
            "lon": pt[0],
            "lat": pt[1],
            "location_estimated": is_estimate,
            "operator_agency_code": look.agency(row.get("operator"), "operator"),
            "supervising_agency_code": look.agency(row.get("supervisor"), "supervisor"),
            "pre_program": bool(v.boolean(row.get("pre_program"), "pre_program")),
        }
        estimated += new["location_estimated"]
        old_states = {tuple(s) for s in old["states"]} if old else set()
        # The file is the truth for the states it names; a state recorded in the dashboard that it
        # does not name (the agency's table is older than the officer's news) is kept, not lost.
        named = {s for s, _, _ in states}
        recorded = {tuple(s) for s in old["recorded"]} if old else set()
        keep = {s for s in recorded if s[0] not in named}
        same_nbhds = old is not None and sorted(nbhds) == list(old["neighborhoods"])
        same_states = not has_history or states | keep == old_states
        if old and same_nbhds and same_states and all(old[f] == new[f] for f in _OFFICE_FIELDS):
            if has_history and keep:
                kept_recorded.append(key)
            return "unchanged"
        with _savepoint(cur):
            cur.execute(
                _UPSERT_OFFICE, {**new, "code": key, "source": table.path.name, "run_id": report.run_id}
            )
            if not same_nbhds:
                cur.execute("DELETE FROM office_neighborhoods WHERE office_code = %s", (key,))
                for n in nbhds:
                    cur.execute(
                        "INSERT INTO office_neighborhoods (office_code, neighborhood_code) VALUES (%s, %s)",
                        (key, n),
                    )
            if not same_states:
                _replace_history(cur, key, states, keep, report.run_id)
        if has_history and keep:  # a row refused above is not said to keep anything
            kept_recorded.append(key)
        look.offices[key] = city
        return "updated" if old else "inserted"

    _rows(table, report, handle)
    if estimated:
        report.note(
            f"{estimated} office(s) had no lat/lon: placed inside their first neighborhood "
            "(ST_PointOnSurface), marked location_estimated"
        )
    if kept_recorded:
        shown = ", ".join(kept_recorded[:20]) + (" …" if len(kept_recorded) > 20 else "")
        report.note(
            f"{len(kept_recorded)} office(s) keep states recorded in the dashboard that the file does "
            f"not name: {shown}"
        )


_INSERT_STATE = """
INSERT INTO office_states (office_code, state, began_on, letter_no, note, run_id)
VALUES (%s, %s, %s, NULLIF(%s, ''), 'loaded from a table file', %s)
"""


def _replace_history(
    cur, office: str, states: set[tuple[str, str, str]], keep: set[tuple[str, str, str]], run_id: int
) -> None:
    """Makes the file's lifecycle the office's history, with the dashboard's states in `keep` kept;
    an impossible sequence rejects the row."""
    cur.execute(
        "DELETE FROM office_states WHERE office_code = %s AND NOT (run_id IS NULL AND state = ANY(%s))",
        (office, [s for s, _, _ in keep]),
    )
    for state, began, letter in sorted(states):
        cur.execute(_INSERT_STATE, (office, state, began, letter, run_id))
    cur.execute("SELECT office_history_problem(%s) AS problem", (office,))
    problem = cur.fetchone()["problem"]
    if problem:
        state = problem.split(" ", 1)[0]
        col = f"{state}_on" if state in LIFECYCLE.values() else None
        also = (
            " (with the state(s) recorded in the dashboard that the file does not name: "
            + ", ".join(f"{s} on {d}" for s, d, _ in sorted(keep))
            + ")"
            if keep
            else ""
        )
        raise RowError(col, f"impossible lifecycle: {problem}{also}")


# -- actions ------------------------------------------------------------------------------------------------
_ACTIONS = """
SELECT code, meeting_number, resolution_number, agency_code, title_fa, title_en, kind, province_code,
       city_code, neighborhood_code, office_code, due_on FROM actions
"""
_CURRENT_STATUSES = """
SELECT DISTINCT ON (action_code) id, action_code, status, began_on, evidence
FROM action_statuses ORDER BY action_code, began_on DESC, id DESC
"""
_UPSERT_ACTION = """
INSERT INTO actions (code, meeting_number, resolution_number, agency_code, title_fa, title_en, kind,
                     province_code, city_code, neighborhood_code, office_code, due_on, source, run_id)
VALUES (%(code)s, %(meeting_number)s, %(resolution_number)s, %(agency_code)s, %(title_fa)s, %(title_en)s,
        %(kind)s, %(province_code)s, %(city_code)s, %(neighborhood_code)s, %(office_code)s, %(due_on)s,
        %(source)s, %(run_id)s)
ON CONFLICT (code) DO UPDATE SET
  meeting_number = EXCLUDED.meeting_number, resolution_number = EXCLUDED.resolution_number,
  agency_code = EXCLUDED.agency_code, title_fa = EXCLUDED.title_fa, title_en = EXCLUDED.title_en,
  kind = EXCLUDED.kind, province_code = EXCLUDED.province_code, city_code = EXCLUDED.city_code,
  neighborhood_code = EXCLUDED.neighborhood_code, office_code = EXCLUDED.office_code,
  due_on = EXCLUDED.due_on, run_id = EXCLUDED.run_id
"""
_INSERT_STATUS = """
INSERT INTO action_statuses (action_code, status, began_on, evidence, run_id) VALUES (%s, %s, %s, %s, %s)
"""
_ACTION_FIELDS = (
    "meeting_number",
    "resolution_number",
    "agency_code",
    "title_fa",
    "title_en",
    "kind",
    "province_code",
    "city_code",
    "neighborhood_code",
    "office_code",
    "due_on",
)


def _action_row(row: dict, look: Lookups) -> dict:
    """Gives the action's columns from a row, with its places checked against each other."""
    meeting = v.integer(row.get("meeting"), "meeting")
    resolution = v.integer(row.get("resolution"), "resolution")
    if (meeting, resolution) not in look.resolutions:
        raise RowError(
            "resolution", f"there is no resolution {resolution} of meeting {meeting} in the database"
        )
    agency = look.agency(row.get("agency"), "agency")
    if agency is None or row.get("title_fa") is None:
        raise RowError("agency" if agency is None else "title_fa", "this column must not be empty")
    new = {
        "meeting_number": meeting,
        "resolution_number": resolution,
        "agency_code": agency,
        "title_fa": row["title_fa"],
        "title_en": row.get("title_en"),
        "kind": v.choice(row.get("kind"), "kind", ACTION_KINDS) or "other",
        "province_code": look.province(row.get("province"), "province"),
        "city_code": look.city(row.get("city"), "city"),
        "neighborhood_code": look.neighborhood(row.get("neighborhood"), "neighborhood"),
        "office_code": look.office(row.get("office"), "office"),
        "due_on": v.day(row.get("due_on"), "due_on"),
    }
    city, province = new["city_code"], new["province_code"]
    if city and province and look.cities[city] != province:
        raise RowError("city", f"city «{city}» is in {look.cities[city]}, not in province {province}")
    for col, code, where in (
        ("neighborhood", new["neighborhood_code"], look.neighborhoods),
        ("office", new["office_code"], look.offices),
    ):
        if code and city and where[code] != city:
            raise RowError(col, f"{col} «{code}» is in city {where[code]}, not in city {city}")
    return new


def _load_actions(cur, table: TableFile, report: RunReport, look: Lookups) -> None:
    cur.execute(_ACTIONS)
    stored = {r["code"]: dict(r) for r in cur.fetchall()}
    cur.execute(_CURRENT_STATUSES)
    current = {r["action_code"]: dict(r) for r in cur.fetchall()}
    today = dt.date.today()

    def handle(key: str, row: dict) -> str:
        old = stored.get(key)
        new = _action_row(row, look)
        status = v.choice(row.get("status"), "status", ACTION_STATUSES)
        status_on = v.day(row.get("status_on"), "status_on")
        evidence = row.get("evidence")
        if status is None and (status_on or evidence):
            raise RowError("status", "status_on or evidence is given without a status")
        meeting_day = look.resolutions[(new["meeting_number"], new["resolution_number"])]
        if status is None and old is None:
            status = (
                "open"  # a new action is open from its meeting on, until a file or the dashboard says more
            )
        if status_on is None and status is not None:
            status_on = meeting_day if status == "open" else today
        if status_on and status_on > today:
            raise RowError("status_on", f"{status_on} is in the future")
        cur_status = current.get(key)
        status_change = None  # "append" | "evidence" | None
        if status is not None:
            if cur_status is None or cur_status["status"] != status:
                if cur_status and status_on < cur_status["began_on"]:
                    raise RowError(
                        "status_on",
                        f"status {status} of {status_on} is older than the recorded "
                        f"status {cur_status['status']} of {cur_status['began_on']}; "
                        "the file is out of date for this action",
                    )
                status_change = "append"
            elif evidence and evidence != cur_status["evidence"]:
                status_change = "evidence"
        changed_row = old is None or any(old[f] != new[f] for f in _ACTION_FIELDS)
        if not changed_row and status_change is None:
            return "unchanged"
        with _savepoint(cur):
            if changed_row:
                cur.execute(
                    _UPSERT_ACTION, {**new, "code": key, "source": table.path.name, "run_id": report.run_id}
                )
            if status_change == "append":
                cur.execute(_INSERT_STATUS, (key, status, status_on, evidence, report.run_id))
            elif status_change == "evidence":
                cur.execute(
                    "UPDATE action_statuses SET evidence = %s WHERE id = %s", (evidence, cur_status["id"])
                )
        return "updated" if old else "inserted"

    _rows(table, report, handle)


# -- targets ------------------------------------------------------------------------------------------------
_TARGETS = "SELECT code, agency_code, measure, province_code, from_year, to_year, target, note FROM targets"
_UPSERT_TARGET = """
INSERT INTO targets (code, agency_code, measure, province_code, from_year, to_year, starts_on, ends_on,
                     target, note, source, run_id)
VALUES (%(code)s, %(agency_code)s, %(measure)s, %(province_code)s, %(from_year)s, %(to_year)s,
        %(starts_on)s, %(ends_on)s, %(target)s, %(note)s, %(source)s, %(run_id)s)
ON CONFLICT (code) DO UPDATE SET
  agency_code = EXCLUDED.agency_code, measure = EXCLUDED.measure, province_code = EXCLUDED.province_code,
  from_year = EXCLUDED.from_year, to_year = EXCLUDED.to_year, starts_on = EXCLUDED.starts_on,
  ends_on = EXCLUDED.ends_on, target = EXCLUDED.target, note = EXCLUDED.note, run_id = EXCLUDED.run_id
"""
_TARGET_FIELDS = ("agency_code", "measure", "province_code", "from_year", "to_year", "target", "note")


def _target_row(row: dict, look: Lookups) -> dict:
    """Gives a target's columns from a row: agency, measure, place (None = national), period, value."""
    agency = look.agency(row.get("agency"), "agency")
    if agency is None:
        raise RowError("agency", "the agency is empty: give its code (moi_social) or its Persian name")
    measure = v.choice(row.get("measure"), "measure", TARGET_MEASURES)
    if measure is None:
        raise RowError("measure", "the measure is empty: " + ", ".join(sorted(set(TARGET_MEASURES.values()))))
    place = row.get("province")
    national = place is None or header_key(place) in NATIONAL_WORDS
    years = v.period(row.get("period"), "period")
    if years is None:
        raise RowError("period", "the period is empty: a Jalali year (1402), 1396-1400 or برنامه ششم")
    target = v.integer(row.get("target"), "target")
    if not target:
        raise RowError("target", "the target is empty or zero: give the number the agency aims at")
    return {
        "agency_code": agency,
        "measure": measure,
        "province_code": None if national else look.province(place, "province"),
        "from_year": years[0],
        "to_year": years[1],
        "target": target,
        "note": row.get("note"),
    }


def _load_targets(cur, table: TableFile, report: RunReport, look: Lookups) -> None:
    cur.execute(_TARGETS)
    stored = {r["code"]: dict(r) for r in cur.fetchall()}

    def handle(key: str, row: dict) -> str:
        old = stored.get(key)
        new = _target_row(row, look)
        if old and all(old[f] == new[f] for f in _TARGET_FIELDS):
            return "unchanged"
        starts_on, ends_on = v.period_days(new["from_year"], new["to_year"])
        with _savepoint(cur):
            cur.execute(
                _UPSERT_TARGET,
                {
                    **new,
                    "code": key,
                    "starts_on": starts_on,
                    "ends_on": ends_on,
                    "source": table.path.name,
                    "run_id": report.run_id,
                },
            )
        return "updated" if old else "inserted"

    _rows(table, report, handle)


_LOADERS = {
    "cities": _load_cities,
    "neighborhood-facts": _load_facts,
    "offices": _load_offices,
    "actions": _load_actions,
    "targets": _load_targets,
}
