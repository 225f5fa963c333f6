"""Every table and view `regen_app` can read, from the catalog, and how the scope applies to each —
checked as `regen_app` under each scope (SET LOCAL ROLE + the regen.* settings, as regen/db.py does).

A table added later is readable by nobody until a migration grants it; once granted it fails
`test_every_readable_relation_is_classified` until it is listed in READABLE below with its rule.
"""

from __future__ import annotations

import datetime as dt

import psycopg2
import pytest

from regen import queries
from regen.scope import ANONYMOUS
from tests.auth_seed import ISFAHAN, NATIONAL, TEHRAN, VIEWER, seed

# How scope applies: "open" — every transaction, even an anonymous one, reads every row (reference
# data with no province); "catalogue" — every scope reads the same rows; "signed_in" — every
# signed-in role reads every row, anonymous nothing; ("columns", names) — every scope reads these
# columns of every row and no other column;
# ("province", SQL, nulls) — national and viewer read every row, a provincial scope the rows whose
# province (SQL over the row `t`, read as the owner; an array where a row has several) is its own,
# anonymous nothing. `nulls`: whether a provincial scope also reads the rows with no province
# ("national" rows) — and for rows with several provinces, "any" means one of them suffices, "all"
# that every one must be its own.
CITY = "(SELECT c.province_code FROM cities c WHERE c.code = {})"
HOOD = "(SELECT c.province_code FROM neighborhoods n JOIN cities c ON c.code = n.city_code WHERE n.code = {})"
OFFICE = "(SELECT c.province_code FROM offices o JOIN cities c ON c.code = o.city_code WHERE o.code = {})"
ACTION = "(SELECT ap.province_code FROM action_places ap WHERE ap.action_code = {})"
READABLE = {
    # reference data: the 31 provinces (names, outlines), the HQ's bodies and its published minutes
    "provinces": "open",
    "agencies": "open",
    "meetings": "open",
    "resolutions": "open",
    "resolution_agencies": "open",
    # PostGIS's coordinate systems, and its catalogue of the geometry columns of the relations the role
    # may read ("catalogue": the same for every scope, no data)
    "spatial_ref_sys": "open",
    "geometry_columns": "catalogue",
    "geography_columns": "catalogue",
    # the national picture: per-province aggregates
    "coverage_by_province_today": "signed_in",
    # places and detail
    "cities": ("province", "ARRAY[t.province_code]", "none"),
    "neighborhoods": ("province", f"ARRAY[{CITY.format('t.city_code')}]", "none"),
    "offices": ("province", f"ARRAY[{CITY.format('t.city_code')}]", "none"),
    "office_neighborhoods": (
        "province",
        f"ARRAY[{OFFICE.format('t.office_code')}, {HOOD.format('t.neighborhood_code')}]",
        "all",
    ),
    "office_states": ("province", f"ARRAY[{OFFICE.format('t.office_code')}]", "none"),
    "actions": ("province", f"ARRAY[{ACTION.format('t.code')}]", "national"),
    "action_statuses": ("province", f"ARRAY[{ACTION.format('t.action_code')}]", "national"),
    "action_latest_status": ("province", f"ARRAY[{ACTION.format('t.action_code')}]", "national"),  # 0182
    "action_places": ("province", "ARRAY[t.province_code]", "national"),
    "audit_log": ("province", "ARRAY[t.province_code]", "national"),
    "coverage_by_city_today": ("province", "ARRAY[t.province_code]", "none"),
    "handover_by_city_today": ("province", "ARRAY[t.province_code]", "none"),
    "boundary_history": (
        "province",
        "CASE t.level WHEN 'province' THEN ARRAY[NULL::text]"
        f" WHEN 'city' THEN ARRAY[{CITY.format('t.code')}] ELSE ARRAY[{HOOD.format('t.code')}] END",
        "national",
    ),
    # coverage, handover and overdue facts kept by triggers (migrations 0100-0105): as their detail
    "office_state_spans": ("province", f"ARRAY[{OFFICE.format('t.office_code')}]", "none"),
    "neighborhood_status_spans": ("province", f"ARRAY[{CITY.format('t.city_code')}]", "none"),
    "city_coverage_days": ("province", f"ARRAY[{CITY.format('t.city_code')}]", "none"),
    "city_handover_days": ("province", f"ARRAY[{CITY.format('t.city_code')}]", "none"),
    "action_overdue_spans": ("province", "ARRAY[t.province_code]", "national"),
    "action_overdue_days": ("province", "ARRAY[t.province_code]", "national"),
    # the actions' counts per day (0195) and the provinces' timeline series (0196, 0197)
    "action_group_spans": ("province", "ARRAY[t.province_code]", "national"),
    "action_group_days": ("province", "ARRAY[t.province_code]", "national"),
    "action_group_provinces": ("province", "ARRAY[t.province_code]", "national"),
    "province_timeline_days": ("province", "ARRAY[t.province_code]", "none"),
    # agencies' targets (0090): a provincial one its province's, a national one (no province) everyone's
    "targets": ("province", "ARRAY[t.province_code]", "national"),
    # ETL runs belong to the provinces they touched (none: national's and viewer's only); a rejected
    # row to the one province it names (none or several: national's and viewer's only)
    "etl_runs": ("province", "t.provinces", "any"),
    "etl_rejects": ("province", "ARRAY[t.province_code]", "none"),
}
# Never readable by the app: accounts, sessions and sign-in attempts, the migration log, and the
# boundary loader's cache of cut-up province and city outlines (other provinces' cities).
# data_changes: the dashboard's stamps come from data_stamps() and data_changed_at() (0151), which give
# a scope only its own provinces' writes and the rest summed
CLOSED = {"users", "schema_migrations", "boundary_pieces", "sessions", "signin_attempts", "data_changes"}

_READABLE_SQL = """
SELECT c.relname
FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE c.relkind IN ('r', 'v', 'm', 'p', 'f')
  AND n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname !~ '^pg_toast'
  AND (has_table_privilege('regen_app', c.oid, 'SELECT')
       OR has_any_column_privilege('regen_app', c.oid, 'SELECT'))
ORDER BY 1
"""


@pytest.fixture
def world(db):
    """The two-province world, plus a run of each kind, rejects, earlier boundaries and audit rows."""
    seed(db)
    from tests.test_auth_db import record_state

    record_state(db, TEHRAN, "of-teh", "active", dt.date(2021, 3, 1))
    record_state(db, ISFAHAN, "of-isf", "active", dt.date(2021, 3, 1))
    with db.transaction() as cur:
        cur.execute(
            "INSERT INTO etl_runs (id, kind, file, checksum, provinces) VALUES"
            " (101, 'cities', 'teh.csv', 'x', '{IR-23}'), (102, 'cities', 'isf.csv', 'x', '{IR-10}'),"
            " (103, 'offices', 'both.csv', 'x', '{IR-10,IR-23}'), (104, 'demo', 'none.csv', 'x', '{}');"
            "INSERT INTO etl_rejects (run_id, row_no, name, reason, province_code) VALUES"
            " (103, 1, 'x-teh', 'bad', 'IR-23'), (103, 2, 'x-isf', 'bad', 'IR-10'),"
            " (103, 3, 'x', 'bad', NULL);"
            "INSERT INTO boundary_history (level, code, name_fa, reason) VALUES"
            " ('province', 'IR-10', 'اصفهان', 'renamed'), ('city', 'isfahan', 'اصفهان', 'renamed'),"
            " ('city', 'tehran', 'تهران', 'renamed'), ('neighborhood', 'nb-isf', 'جلفا', 'renamed'),"
            " ('neighborhood', 'nb-teh', 'نارمک', 'renamed');"
            # due long ago and still open: overdue facts in both provinces and a national one
            "UPDATE actions SET due_on = '2019-01-01'"
        )
    return db


def test_every_readable_relation_is_classified(world):
    readable = {r["relname"] for r in world.query(_READABLE_SQL)}
    assert readable == set(READABLE), (
        f"unclassified (say in READABLE how scope applies, or close it): {sorted(readable - set(READABLE))}; "
        f"listed but not readable: {sorted(set(READABLE) - readable)}"
    )
    assert not readable & CLOSED


def _rows(db, relation: str, scope) -> list[str]:
    return sorted(
        r["row"] for r in db.query(f"SELECT row_to_json(t)::text AS row FROM {relation} t", scope=scope)
    )


@pytest.mark.parametrize("relation", sorted(READABLE))
def test_scope_applies_as_classified(world, relation):
    rule = READABLE[relation]
    if rule == "catalogue":
        same = _rows(world, relation, NATIONAL)
        for scope in (VIEWER, TEHRAN, ISFAHAN, ANONYMOUS):
            assert _rows(world, relation, scope) == same, (relation, scope.user)
        return
    if rule[0] == "columns":
        _only_columns(world, relation, rule[1])
        return
    everything = _rows(world, relation, None)  # as the owner
    for scope in (NATIONAL, VIEWER):
        assert _rows(world, relation, scope) == everything, (relation, scope.role)
    if rule == "open":
        for scope in (TEHRAN, ISFAHAN, ANONYMOUS):
            assert _rows(world, relation, scope) == everything, (relation, scope.user)
        return
    assert _rows(world, relation, ANONYMOUS) == [], relation
    if rule == "signed_in":
        assert everything, relation
        for scope in (TEHRAN, ISFAHAN):
            assert _rows(world, relation, scope) == everything, (relation, scope.user)
        return
    _, province_sql, nulls = rule
    provinces = {
        r["row"]: [p for p in (r["provinces"] or [])]
        for r in world.query(
            f"SELECT row_to_json(t)::text AS row, {province_sql} AS provinces FROM {relation} t"
        )
    }
    assert {p for ps in provinces.values() for p in ps} >= {"IR-10", "IR-23"}, (relation, provinces)
    for scope in (TEHRAN, ISFAHAN):
        own = scope.province

        def visible(ps: list, own=own) -> bool:
            named = [p for p in ps if p is not None]
            if not named:
                return nulls == "national"
            if nulls == "all":
                return all(p == own for p in named)
            if nulls == "any":
                return own in named
            return named == [own] * len(named)

        expected = sorted(row for row, ps in provinces.items() if visible(ps))
        assert _rows(world, relation, scope) == expected, (relation, scope.user)


def _only_columns(db, relation: str, columns: tuple[str, ...]) -> None:
    """Every scope reads `columns` of every row and is refused any other column."""
    listed = ", ".join(columns)
    everything = db.query(f"SELECT {listed} FROM {relation} ORDER BY 1")  # as the owner
    assert everything, relation
    others = [
        r["attname"]
        for r in db.query(
            "SELECT attname FROM pg_attribute WHERE attrelid = %s::regclass AND attnum > 0"
            " AND NOT attisdropped AND NOT attname = ANY(%s)",
            (relation, list(columns)),
        )
    ]
    assert others, relation
    for scope in (NATIONAL, VIEWER, TEHRAN, ISFAHAN, ANONYMOUS):
        assert db.query(f"SELECT {listed} FROM {relation} ORDER BY 1", scope=scope) == everything
        for column in others:
            with pytest.raises(psycopg2.errors.InsufficientPrivilege):
                db.query(f"SELECT {column} FROM {relation}", scope=scope)


def test_the_data_stamps_tell_a_scope_its_own_provinces_and_the_rest_summed(world):
    """Every scope's stamps add up to the same whole (the national picture changes with any write);
    a provincial scope gets its own province's row, the writes without a province, and every other
    province's summed as '*', and when a write of another province was made is none of its business."""
    from tests.test_auth_db import record_state, record_status

    def stamps(scope):
        return {
            r["province"]: (r["changes"], r["newest"])
            for r in queries.run("dash_data_stamps", world, scope=scope)
        }

    def whole(groups):
        return sum(n for n, _ in groups.values()), max(i for _, i in groups.values())

    record_state(world, TEHRAN, "of-teh", "handed_over", dt.date(2021, 5, 1), letter="L-0")
    record_status(world, ISFAHAN, "ac-isf", "in_progress", dt.date(2021, 5, 1), "the letter of 1400/02/11")
    national = stamps(NATIONAL)
    assert {"IR-23", "IR-10"} <= set(national)
    for scope in (VIEWER, TEHRAN, ISFAHAN, ANONYMOUS):
        assert whole(stamps(scope)) == whole(national)
    tehran = stamps(TEHRAN)
    assert "IR-10" not in tehran and tehran["IR-23"] == national["IR-23"] and "*" in tehran
    at_before = queries.run("dash_data_changed_at", world, scope=TEHRAN)[0]["at"]
    record_state(world, ISFAHAN, "of-isf", "handed_over", dt.date(2021, 6, 1), letter="L-1")
    after = stamps(TEHRAN)
    assert after["IR-23"] == tehran["IR-23"] and after.get(None) == tehran.get(None)  # its own: unchanged
    assert whole(after) != whole(tehran)  # …but its national picture moves
    assert queries.run("dash_data_changed_at", world, scope=TEHRAN)[0]["at"] == at_before
    assert queries.run("dash_data_changed_at", world, scope=NATIONAL)[0]["at"] > at_before
    for column in ("id", "at", "province"):
        with pytest.raises(psycopg2.errors.InsufficientPrivilege):
            world.query(f"SELECT max({column}) FROM data_changes", scope=TEHRAN)
