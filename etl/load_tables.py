"""`regen load cities|offices|neighborhood-facts|actions|targets`: the agencies' tables into the database.

Each run reads the whole file first (a header problem stops it before anything is written), then
works in one `etl_run` transaction: rows are compared with what is stored and only differences are
written, so loading the same file again changes nothing. A row with a wrong cell is rejected with
its row number, column and value; rejects beyond --max-rejects roll the whole run back. The changes
are written by COPY and set-based statements (etl/table_writes.py); a row the database refuses (an
impossible office history) is still rejected alone.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from etl import values as v
from etl.columns import (
    ACTION_KINDS,
    ACTION_STATUSES,
    NATIONAL_WORDS,
    NEIGHBORHOOD_KINDS,
    SPECS,
    TARGET_MEASURES,
    header_key,
)
from etl.load_offices import load_offices
from etl.runs import RunReport, etl_run
from etl.table_writes import ONE_CHANGE, Change, Write, keep_stored, load_rows
from etl.tablefile import TableFile, read_table
from etl.values import Lookups, RowError

KINDS = tuple(SPECS)  # cities, offices, neighborhood-facts, actions, targets
_KIND_ORDER = ("historic", "inner_city", "rural_core", "informal")


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
        for note in table.notes:
            report.note(note)
        report.read = len(table.rows)
        report.skipped = table.blank_rows
        _LOADERS[kind](cur, table, report, Lookups.read(cur))
    return report


# -- cities -----------------------------------------------------------------------------------------------
_CITIES = """
SELECT code, name_fa, name_en, province_code, ST_X(location) AS lon, ST_Y(location) AS lat, population
FROM cities
"""
_CITY_FIELDS = ("name_fa", "name_en", "province_code", "lon", "lat", "population")
_UPSERT_CITY = Write(
    "stage_cities",
    (
        "code text",
        "province_code text",
        "name_fa text",
        "name_en text",
        "lon float8",
        "lat float8",
        "population numeric",
    ),
    """
INSERT INTO cities (code, province_code, name_fa, name_en, location, population, source, run_id)
SELECT code, province_code, name_fa, name_en,
       CASE WHEN lon IS NULL THEN NULL ELSE ST_SetSRID(ST_MakePoint(lon, lat), 4326) END,
       population, %(source)s, %(run)s
  FROM {stage} s WHERE (%(seq)s::int IS NULL OR s.seq = %(seq)s) ORDER BY seq, ord
ON CONFLICT (code) DO UPDATE SET
  province_code = EXCLUDED.province_code, name_fa = EXCLUDED.name_fa, name_en = EXCLUDED.name_en,
  location = EXCLUDED.location, population = EXCLUDED.population, run_id = EXCLUDED.run_id
""",
)


def _load_cities(cur, table: TableFile, report: RunReport, look: Lookups) -> None:
    cur.execute(_CITIES)
    stored = {r["code"]: dict(r) for r in cur.fetchall()}

    def handle(key: str, row: dict, change: Change) -> str:
        old = stored.get(key, {})
        name_fa = row.get("name_fa")
        if name_fa is None:
            raise RowError("name_fa", "the Persian name is empty", "no_name_fa")
        province = look.province(row.get("province"), "province")
        if province is None:
            raise RowError("province", "the province is empty: give its code (IR-23) or name", "no_province")
        pt = v.point(row.get("lat"), row.get("lon"))
        new = {
            "name_fa": name_fa,
            "name_en": keep_stored(table, row, "name_en", row.get("name_en"), old.get("name_en")),
            "province_code": province,
            "lon": pt[0] if pt else old.get("lon"),
            "lat": pt[1] if pt else old.get("lat"),
            "population": keep_stored(
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
                "city_needs_point",
            )
        if old and all(old[f] == new[f] for f in _CITY_FIELDS):
            return "unchanged"
        change.add(
            _UPSERT_CITY,
            key,
            province,
            *(new[f] for f in ("name_fa", "name_en", "lon", "lat")),
            new["population"],
        )
        change.after = lambda: look.cities.__setitem__(key, province)
        return "updated" if old else "inserted"

    load_rows(cur, table, report, handle, (_UPSERT_CITY,))


# -- neighborhood facts -------------------------------------------------------------------------------------
_FACTS = "SELECT code, population, households, kinds, pilot FROM neighborhoods WHERE retired_at IS NULL"
_UPDATE_FACTS = Write(
    "stage_facts",
    ("code text", "population numeric", "households numeric", "kinds text[]", "pilot boolean"),
    """
UPDATE neighborhoods n SET population = s.population, households = s.households, kinds = s.kinds,
       pilot = s.pilot, run_id = %(run)s
  FROM {stage} s WHERE n.code = s.code AND (%(seq)s::int IS NULL OR s.seq = %(seq)s)
""",
)


def _kinds(value: str | None) -> list[str]:
    found = {v.choice(part.strip(), "kinds", NEIGHBORHOOD_KINDS) for part in v.codes(value)}
    return [k for k in _KIND_ORDER if k in found]


def _load_facts(cur, table: TableFile, report: RunReport, look: Lookups) -> None:
    cur.execute(_FACTS)
    stored = {r["code"]: dict(r) for r in cur.fetchall()}

    def handle(key: str, row: dict, change: Change) -> str:
        look.neighborhood(key, "code")
        old = stored[key]
        new = {
            "population": keep_stored(
                table, row, "population", v.integer(row.get("population"), "population"), old["population"]
            ),
            "households": keep_stored(
                table, row, "households", v.integer(row.get("households"), "households"), old["households"]
            ),
            "kinds": keep_stored(table, row, "kinds", _kinds(row.get("kinds")), list(old["kinds"])),
            "pilot": keep_stored(table, row, "pilot", v.boolean(row.get("pilot"), "pilot"), old["pilot"]),
        }
        if all(old[f] == new[f] for f in new):
            return "unchanged"
        change.add(_UPDATE_FACTS, key, new["population"], new["households"], new["kinds"], new["pilot"])
        return "updated"

    load_rows(cur, table, report, handle, (_UPDATE_FACTS,))


# -- actions ------------------------------------------------------------------------------------------------
_ACTIONS = """
SELECT code, meeting_number, resolution_number, agency_code, title_fa, title_en, kind, province_code,
       city_code, neighborhood_code, office_code, due_on FROM actions
"""
_CURRENT_STATUSES = """
SELECT DISTINCT ON (action_code) id, action_code, status, began_on, evidence
FROM action_statuses ORDER BY action_code, began_on DESC, id DESC
"""
_UPSERT_ACTION = Write(
    "stage_actions",
    (
        "code text",
        "meeting_number numeric",
        "resolution_number numeric",
        "agency_code text",
        "title_fa text",
        "title_en text",
        "kind text",
        "province_code text",
        "city_code text",
        "neighborhood_code text",
        "office_code text",
        "due_on date",
    ),
    f"""
INSERT INTO actions (code, meeting_number, resolution_number, agency_code, title_fa, title_en, kind,
                     province_code, city_code, neighborhood_code, office_code, due_on, source, run_id)
SELECT code, meeting_number, resolution_number, agency_code, title_fa, title_en, kind, province_code,
       city_code, neighborhood_code, office_code, due_on, %(source)s, %(run)s
  FROM {{stage}} s WHERE {ONE_CHANGE} ORDER BY seq, ord
ON CONFLICT (code) DO UPDATE SET
  meeting_number = EXCLUDED.meeting_number, resolution_number = EXCLUDED.resolution_number,
  agency_code = EXCLUDED.agency_code, title_fa = EXCLUDED.title_fa, title_en = EXCLUDED.title_en,
  kind = EXCLUDED.kind, province_code = EXCLUDED.province_code, city_code = EXCLUDED.city_code,
  neighborhood_code = EXCLUDED.neighborhood_code, office_code = EXCLUDED.office_code,
  due_on = EXCLUDED.due_on, run_id = EXCLUDED.run_id
""",
)
_ADD_STATUS = Write(
    "stage_action_statuses",
    ("action_code text", "status text", "began_on date", "evidence text"),
    f"""
INSERT INTO action_statuses (action_code, status, began_on, evidence, run_id)
SELECT action_code, status, began_on, evidence, %(run)s FROM {{stage}} s WHERE {ONE_CHANGE} ORDER BY seq, ord
""",
)
_SET_EVIDENCE = Write(
    "stage_action_evidence",
    ("id bigint", "evidence text"),
    f"UPDATE action_statuses a SET evidence = s.evidence FROM {{stage}} s WHERE a.id = s.id AND {ONE_CHANGE}",
)
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
            "resolution",
            f"there is no resolution {resolution} of meeting {meeting} in the database",
            "no_resolution",
            resolution=resolution,
            meeting=meeting,
        )
    agency = look.agency(row.get("agency"), "agency")
    if agency is None or row.get("title_fa") is None:
        raise RowError(
            "agency" if agency is None else "title_fa", "this column must not be empty", "empty_cell"
        )
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
        raise RowError(
            "city",
            f"city «{city}» is in {look.cities[city]}, not in province {province}",
            "city_elsewhere",
            city=city,
            inside=look.cities[city],
            province=province,
        )
    for col, code, where in (
        ("neighborhood", new["neighborhood_code"], look.neighborhoods),
        ("office", new["office_code"], look.offices),
    ):
        if code and city and where[code] != city:
            raise RowError(
                col,
                f"{col} «{code}» is in city {where[code]}, not in city {city}",
                "code_elsewhere",
                code=code,
                inside=where[code],
                city=city,
            )
    return new


def _load_actions(cur, table: TableFile, report: RunReport, look: Lookups) -> None:
    cur.execute(_ACTIONS)
    stored = {r["code"]: dict(r) for r in cur.fetchall()}
    cur.execute(_CURRENT_STATUSES)
    current = {r["action_code"]: dict(r) for r in cur.fetchall()}
    today = dt.date.today()

    def handle(key: str, row: dict, change: Change) -> str:
        old = stored.get(key)
        new = _action_row(row, look)
        status = v.choice(row.get("status"), "status", ACTION_STATUSES)
        status_on = v.day(row.get("status_on"), "status_on")
        evidence = row.get("evidence")
        if status is None and (status_on or evidence):
            raise RowError("status", "status_on or evidence is given without a status", "no_status")
        meeting_day = look.resolutions[(new["meeting_number"], new["resolution_number"])]
        if status is None and old is None:
            status = (
                "open"  # a new action is open from its meeting on, until a file or the dashboard says more
            )
        if status_on is None and status is not None:
            status_on = meeting_day if status == "open" else today
        if status_on and status_on > today:
            on = v.as_written(status_on, row.get("status_on"))
            raise RowError("status_on", f"{on} is in the future", "in_future", day=on)
        cur_status = current.get(key)
        status_change = None  # "append" | "evidence" | None
        if status is not None:
            if cur_status is None or cur_status["status"] != status:
                if cur_status and status_on < cur_status["began_on"]:
                    raise RowError(
                        "status_on",
                        f"status {status} of {v.as_written(status_on, row.get('status_on'))} is older "
                        f"than the recorded status {cur_status['status']} of "
                        f"{v.as_written(cur_status['began_on'])}; "
                        "the file is out of date for this action",
                        "status_older",
                        status=status,
                        day=v.as_written(status_on, row.get("status_on")),
                        recorded=cur_status["status"],
                        recorded_day=v.as_written(cur_status["began_on"]),
                    )
                status_change = "append"
            elif evidence and evidence != cur_status["evidence"]:
                status_change = "evidence"
        changed_row = old is None or any(old[f] != new[f] for f in _ACTION_FIELDS)
        if not changed_row and status_change is None:
            return "unchanged"
        if changed_row:
            change.add(_UPSERT_ACTION, key, *(new[f] for f in _ACTION_FIELDS))
        if status_change == "append":
            change.add(_ADD_STATUS, key, status, status_on, evidence)
        elif status_change == "evidence":
            change.add(_SET_EVIDENCE, cur_status["id"], evidence)
        return "updated" if old else "inserted"

    load_rows(cur, table, report, handle, (_UPSERT_ACTION, _ADD_STATUS, _SET_EVIDENCE))


# -- targets ------------------------------------------------------------------------------------------------
_TARGETS = "SELECT code, agency_code, measure, province_code, from_year, to_year, target, note FROM targets"
_UPSERT_TARGET = Write(
    "stage_targets",
    (
        "code text",
        "agency_code text",
        "measure text",
        "province_code text",
        "from_year integer",
        "to_year integer",
        "starts_on date",
        "ends_on date",
        "target numeric",
        "note text",
    ),
    """
INSERT INTO targets (code, agency_code, measure, province_code, from_year, to_year, starts_on, ends_on,
                     target, note, source, run_id)
SELECT code, agency_code, measure, province_code, from_year, to_year, starts_on, ends_on, target, note,
       %(source)s, %(run)s
  FROM {stage} s WHERE (%(seq)s::int IS NULL OR s.seq = %(seq)s) ORDER BY seq, ord
ON CONFLICT (code) DO UPDATE SET
  agency_code = EXCLUDED.agency_code, measure = EXCLUDED.measure, province_code = EXCLUDED.province_code,
  from_year = EXCLUDED.from_year, to_year = EXCLUDED.to_year, starts_on = EXCLUDED.starts_on,
  ends_on = EXCLUDED.ends_on, target = EXCLUDED.target, note = EXCLUDED.note, run_id = EXCLUDED.run_id
""",
)
_TARGET_FIELDS = ("agency_code", "measure", "province_code", "from_year", "to_year", "target", "note")


def _target_row(row: dict, look: Lookups) -> dict:
    """Gives a target's columns from a row: agency, measure, place (None = national), period, value."""
    agency = look.agency(row.get("agency"), "agency")
    if agency is None:
        raise RowError(
            "agency", "the agency is empty: give its code (moi_social) or its Persian name", "no_agency"
        )
    measure = v.choice(row.get("measure"), "measure", TARGET_MEASURES)
    if measure is None:
        allowed = ", ".join(sorted(set(TARGET_MEASURES.values())))
        raise RowError("measure", "the measure is empty: " + allowed, "no_measure", allowed=allowed)
    place = row.get("province")
    national = place is None or header_key(place) in NATIONAL_WORDS
    years = v.period(row.get("period"), "period")
    if years is None:
        raise RowError(
            "period", "the period is empty: a Jalali year (1402), 1396-1400 or برنامه ششم", "no_period"
        )
    target = v.integer(row.get("target"), "target")
    if not target:
        raise RowError(
            "target", "the target is empty or zero: give the number the agency aims at", "no_target"
        )
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

    def handle(key: str, row: dict, change: Change) -> str:
        old = stored.get(key)
        new = _target_row(row, look)
        if old and all(old[f] == new[f] for f in _TARGET_FIELDS):
            return "unchanged"
        starts_on, ends_on = v.period_days(new["from_year"], new["to_year"])
        change.add(
            _UPSERT_TARGET,
            key,
            *(new[f] for f in ("agency_code", "measure", "province_code", "from_year", "to_year")),
            starts_on,
            ends_on,
            new["target"],
            new["note"],
        )
        return "updated" if old else "inserted"

    load_rows(cur, table, report, handle, (_UPSERT_TARGET,))


_LOADERS = {
    "cities": _load_cities,
    "neighborhood-facts": _load_facts,
    "offices": load_offices,
    "actions": _load_actions,
    "targets": _load_targets,
}
