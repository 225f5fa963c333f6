"""A recorded state rewrites only the rows of its city's series it changes (migration 0181): a state
dated today adds its day and ends the range of the day before, the rest of the series stays as it
was (same row versions); and after writes of every kind the series are the ones a rebuild from
nothing gives."""

from __future__ import annotations

import datetime as dt

import pytest

from tests.conftest import WRITER

TODAY = dt.date.today()
SERIES = {
    "city_coverage_days": "city_code, day",
    "city_handover_days": "city_code, kind, day",
}


@pytest.fixture
def world(world, national_account):
    """conftest's world, with the national account states are recorded as (WRITER)."""
    db = world
    # a long series in Tehran: an office serving every neighborhood, a state a year for years
    db.execute(
        "INSERT INTO offices (code, kind, name_fa, city_code, location, source) VALUES "
        "('O9', 'facilitation', 'دفتر نو', 'TEH', ST_SetSRID(ST_MakePoint(51.4, 35.7), 4326), 'test')"
    )
    db.execute(
        "INSERT INTO office_neighborhoods (office_code, neighborhood_code) "
        "SELECT 'O9', code FROM neighborhoods WHERE city_code = 'TEH' AND retired_at IS NULL"
    )
    db.execute(
        "INSERT INTO office_states (office_code, state, began_on) VALUES ('O9', 'planned', '2016-03-01')"
    )
    return db


def versions(db, table: str) -> dict[tuple, str]:
    """Each row of Tehran's series → its row version (ctid: a row rewritten gets a new one)."""
    rows = db.query(f"SELECT {SERIES[table]}, ctid::text AS v FROM {table} WHERE city_code = 'TEH'")
    return {tuple(r[k.strip()] for k in SERIES[table].split(",")): r["v"] for r in rows}


def series(db, table: str) -> list[dict]:
    return db.query(f"SELECT * FROM {table} ORDER BY {SERIES[table]}")


def record_state(db, office: str, state: str, day: dt.date, letter: str | None = None) -> None:
    with db.transaction(scope=WRITER) as cur:
        cur.execute("SELECT record_office_state(%s, %s, %s, %s, NULL)", (office, state, day, letter))


def test_a_state_dated_today_rewrites_two_rows_of_its_citys_series(world):
    before = {t: versions(world, t) for t in SERIES}
    assert len(before["city_coverage_days"]) >= 4 and len(before["city_handover_days"]) >= 4
    record_state(world, "O9", "active", TODAY)
    for table in SERIES:
        after = versions(world, table)
        new = {k for k in after if k not in before[table]}
        rewritten = {k for k in after if k in before[table] and after[k] != before[table][k]}
        assert before[table].keys() <= after.keys()
        assert {k[-1] for k in new} == {TODAY}, table  # today's row …
        assert len(rewritten) == 1, table  # … and the day before it, whose range now ends today
        kept = [k for k in before[table] if k not in rewritten]
        assert kept and all(after[k] == before[table][k] for k in kept)


def test_the_series_are_a_rebuild_from_nothing_after_writes(world):
    record_state(world, "O9", "established", TODAY - dt.timedelta(days=700))
    record_state(world, "O9", "active", TODAY)
    world.execute(
        "INSERT INTO office_states (office_code, state, began_on) VALUES ('O3', 'established', '2022-06-01')"
    )  # between two states of O3: a backdated load
    world.execute("DELETE FROM office_states WHERE office_code = 'O4' AND state = 'closed'")
    world.execute("UPDATE neighborhoods SET population = 77 WHERE code = 'N1'")
    world.execute("UPDATE neighborhoods SET retired_at = '2022-01-01 10:00+00' WHERE code = 'N4'")
    world.execute("DELETE FROM office_neighborhoods WHERE office_code = 'O9' AND neighborhood_code = 'N2'")
    now = {t: series(world, t) for t in SERIES}
    world.execute("TRUNCATE city_coverage_days, city_handover_days")
    world.execute("SELECT refresh_coverage_facts(NULL, NULL, NULL)")
    for table in SERIES:
        assert series(world, table) == now[table], table
    # a full refresh over series already there changes nothing
    before = {t: versions(world, t) for t in SERIES}
    world.execute("SELECT refresh_coverage_facts(NULL, NULL, NULL)")
    assert {t: versions(world, t) for t in SERIES} == before
