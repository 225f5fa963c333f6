"""`regen load offices`: offices with their neighborhoods and their lifecycle (see etl/load_tables.py).

The file is the truth for the states it names; states recorded in the dashboard that it does not
name are kept. A lifecycle the database calls impossible (office_history_problem) rejects the row.
"""

from __future__ import annotations

from etl import values as v
from etl.columns import OFFICE_KINDS
from etl.runs import RunReport
from etl.table_writes import ONE_CHANGE, Change, Write, load_rows
from etl.tablefile import TableFile
from etl.values import Lookups, RowError

LIFECYCLE = {
    "planned_on": "planned",
    "established_on": "established",
    "active_on": "active",
    "handed_over_on": "handed_over",
    "closed_on": "closed",
}


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
_UPSERT_OFFICE = Write(
    "stage_offices",
    (
        "code text",
        "kind text",
        "name_fa text",
        "name_en text",
        "city_code text",
        "lon float8",
        "lat float8",
        "location_estimated boolean",
        "operator_agency_code text",
        "supervising_agency_code text",
        "pre_program boolean",
    ),
    f"""
INSERT INTO offices (code, kind, name_fa, name_en, city_code, location, location_estimated,
                     operator_agency_code, supervising_agency_code, pre_program, source, run_id)
SELECT code, kind, name_fa, name_en, city_code, ST_SetSRID(ST_MakePoint(lon, lat), 4326),
       location_estimated, operator_agency_code, supervising_agency_code, pre_program, %(source)s, %(run)s
  FROM {{stage}} s WHERE {ONE_CHANGE} ORDER BY seq, ord
ON CONFLICT (code) DO UPDATE SET
  kind = EXCLUDED.kind, name_fa = EXCLUDED.name_fa, name_en = EXCLUDED.name_en,
  city_code = EXCLUDED.city_code,
  location = EXCLUDED.location, location_estimated = EXCLUDED.location_estimated,
  operator_agency_code = EXCLUDED.operator_agency_code,
  supervising_agency_code = EXCLUDED.supervising_agency_code, pre_program = EXCLUDED.pre_program,
  run_id = EXCLUDED.run_id
""",
)
_CLEAR_LINKS = Write(
    "stage_office_unlink",
    ("office_code text",),
    f"DELETE FROM office_neighborhoods o USING {{stage}} s "
    f"WHERE o.office_code = s.office_code AND {ONE_CHANGE}",
)
_ADD_LINK = Write(
    "stage_office_links",
    ("office_code text", "neighborhood_code text"),
    f"""
INSERT INTO office_neighborhoods (office_code, neighborhood_code)
SELECT office_code, neighborhood_code FROM {{stage}} s WHERE {ONE_CHANGE} ORDER BY seq, ord
""",
)
# The file's lifecycle replaces the office's history, except the dashboard's states in `keep`.
_CLEAR_STATES = Write(
    "stage_office_unstate",
    ("office_code text", "keep text[]"),
    f"""
DELETE FROM office_states o USING {{stage}} s
 WHERE o.office_code = s.office_code AND NOT (o.run_id IS NULL AND o.state = ANY(s.keep)) AND {ONE_CHANGE}
""",
)
_ADD_STATE = Write(
    "stage_office_states",
    ("office_code text", "state text", "began_on date", "letter_no text"),
    f"""
INSERT INTO office_states (office_code, state, began_on, letter_no, run_id)
SELECT office_code, state, began_on, NULLIF(letter_no, ''), %(run)s
  FROM {{stage}} s WHERE {ONE_CHANGE} ORDER BY seq, ord
""",
)
_OFFICE_WRITES = (_UPSERT_OFFICE, _CLEAR_LINKS, _ADD_LINK, _CLEAR_STATES, _ADD_STATE)
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
        raise RowError(
            "handover_letter", "a handover letter needs its date in handed_over_on", "letter_without_day"
        )
    return states


def load_offices(cur, table: TableFile, report: RunReport, look: Lookups) -> None:
    cur.execute(_OFFICES)
    stored = {r["code"]: dict(r) for r in cur.fetchall()}
    has_history = any(table.has(c) for c in LIFECYCLE)
    estimated = 0
    kept_recorded: list[str] = []

    def handle(key: str, row: dict, change: Change) -> str:
        nonlocal estimated
        old = stored.get(key)
        if row.get("name_fa") is None:
            raise RowError("name_fa", "the Persian name is empty", "no_name_fa")
        kind = v.choice(row.get("kind"), "kind", OFFICE_KINDS)
        if kind is None:
            raise RowError(
                "kind",
                "the kind is empty: facilitation (تسهیلگری) or renewal_service (خدمات نوسازی)",
                "no_office_kind",
            )
        nbhds = [look.neighborhood(c, "neighborhoods") for c in v.codes(row.get("neighborhoods"))]
        city = look.city(row.get("city"), "city") or (look.neighborhoods[nbhds[0]] if nbhds else None)
        if city is None:
            raise RowError(
                "neighborhoods",
                "give the neighborhood code(s) the office serves (or at least its city)",
                "no_neighborhoods",
            )
        for n in nbhds:
            if look.neighborhoods[n] != city:
                raise RowError(
                    "neighborhoods",
                    f"neighborhood «{n}» is in city {look.neighborhoods[n]}, not in the office's city {city}",
                    "code_elsewhere",
                    code=n,
                    inside=look.neighborhoods[n],
                    city=city,
                )
        pt = v.point(row.get("lat"), row.get("lon"))
        is_estimate = pt is None or bool(v.boolean(row.get("location_estimated"), "location_estimated"))
        if is_estimate:
            if not nbhds:
                raise RowError("lat", "no lat/lon and no neighborhood to place the office in", "no_place")
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
        change.add(_UPSERT_OFFICE, key, *(new[f] for f in _OFFICE_FIELDS))
        if not same_nbhds:
            change.add(_CLEAR_LINKS, key)
            for n in nbhds:
                change.add(_ADD_LINK, key, n)
        if not same_states:
            # its history is checked once written (_history_problems); messages give dates as written
            written = {v.day(row[c], c).isoformat(): row[c] for c in LIFECYCLE if row.get(c)}
            change.extra = (keep, written)
            change.add(_CLEAR_STATES, key, sorted(s for s, _, _ in keep))
            for state, began, letter in sorted(states):
                change.add(_ADD_STATE, key, state, began, letter)

        def after() -> None:  # a row refused by the database is not said to keep anything
            if has_history and keep:
                kept_recorded.append(key)
            look.offices[key] = city

        change.after = after
        return "updated" if old else "inserted"

    load_rows(cur, table, report, handle, _OFFICE_WRITES, check=_history_problems)
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


def _history_problems(cur, changes: list[Change]) -> dict[int, RowError]:
    """Gives the offices (by position) whose history, as written, is an impossible sequence."""
    replaced = [(i, c) for i, c in enumerate(changes) if c.extra is not None]
    if not replaced:
        return {}
    cur.execute(
        "SELECT code, office_history_problem(code) AS problem FROM unnest(%s::text[]) AS code",
        ([c.key for _, c in replaced],),
    )
    problems = {r["code"]: r["problem"] for r in cur.fetchall()}
    return {i: _history_error(problems[c.key], *c.extra) for i, c in replaced if problems.get(c.key)}


def _history_error(problem: str, keep: set[tuple[str, str, str]], written: dict[str, str]) -> RowError:
    state = problem.split(" ", 1)[0]
    col = f"{state}_on" if state in LIFECYCLE.values() else None
    also = (
        " (with the state(s) recorded in the dashboard that the file does not name: "
        + ", ".join(f"{s} on {v.as_written(d)}" for s, d, _ in sorted(keep))
        + ")"
        if keep
        else ""
    )
    detail = f"{v.dates_as_written(problem, written)}{also}"
    return RowError(col, f"impossible lifecycle: {detail}", "lifecycle", detail=detail)
