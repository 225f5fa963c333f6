"""The timeline from the per-province series (migration 0196) gives what 0141's lookups of every city's
series gave: on the hand-built world and on the demo, on many days, for the country and one province,
after the writes its triggers must follow (`writes`: a state recorded today and one backdated, a city
retired and restored, a city given to another province, a city added, a neighborhood retired, the
series truncated and rebuilt)."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator

import pytest

from regen.db import Database
from regen.migrate import MIGRATIONS_DIR
from tests.conftest import demo_database
from tests.dashboard_fixture import D1, D2

TODAY = dt.date.today()


def install_old(db: Database) -> None:
    text = (MIGRATIONS_DIR / "0141_province_timeline.sql").read_text("utf-8")
    head = r"CREATE FUNCTION timeline_by_province_all\(days date\[\], p_province text\)"
    m = re.search(head + r".*?\$\$;", text, re.S)
    assert m
    db.execute(m.group(0).replace("FUNCTION timeline_by_province_all(", "FUNCTION old_timeline(", 1))


def _days(db: Database, extra=()) -> list[dt.date]:
    days = {
        r["d"]
        for r in db.query(
            "SELECT DISTINCT d FROM (SELECT began_on AS d FROM office_states UNION "
            "SELECT began_on - 1 FROM office_states UNION SELECT retired_at::date FROM cities) x "
            "WHERE d IS NOT NULL"
        )
    }
    days = sorted(days | {dt.date(2000, 1, 1), D1, D2, TODAY, TODAY + dt.timedelta(days=1), *extra})
    return days[:: max(1, len(days) // 40)] + [days[-1]]


def assert_same(db: Database, days) -> int:
    cols = "day, province_code, neighborhoods, covered, handed_over, established_total"
    n = 0
    for province in (None, "IR-23", "IR-10"):
        q = f"SELECT {cols} FROM %s(%%s::date[], %%s) ORDER BY day, province_code"  # fixed names only
        new = db.query(q % "timeline_by_province_all", (days, province))
        old = db.query(q % "old_timeline", (days, province))
        assert new == old, province
        n += sum(r["neighborhoods"] for r in old)
    return n


@pytest.fixture
def built(world):
    install_old(world)
    return world


def record(db, office: str, state: str, day: dt.date) -> None:
    db.execute(
        "INSERT INTO office_states (office_code, state, began_on) VALUES (%s, %s, %s)", (office, state, day)
    )


def writes(db: Database) -> Iterator[None]:
    """The writes the series' triggers must follow, made one step at a time: the caller compares
    after each step."""
    record(db, "O2", "handed_over", TODAY)
    record(db, "O5", "established", dt.date(2019, 3, 1))  # backdated
    yield
    db.execute("UPDATE cities SET retired_at = '2022-02-01' WHERE code = 'RAY'")
    db.execute("UPDATE neighborhoods SET retired_at = '2020-05-01' WHERE code = 'N2'")
    yield
    db.execute("UPDATE cities SET retired_at = NULL WHERE code = 'RAY'")
    db.execute("UPDATE cities SET province_code = 'IR-10' WHERE code = 'RAY'")
    yield
    db.execute(
        "INSERT INTO cities (code, name_fa, province_code, location) "
        "VALUES ('NEWC', 'شهر نو', 'IR-10', ST_SetSRID(ST_MakePoint(51, 35), 4326))"
    )  # a city with no neighborhood counts among the cities
    yield
    db.execute("DELETE FROM office_states WHERE office_code = 'O1'")
    yield
    db.execute("TRUNCATE city_coverage_days, city_handover_days")
    assert db.scalar("SELECT count(*) FROM province_timeline_days") == 0
    db.execute("SELECT refresh_coverage_facts(NULL, NULL, NULL)")
    yield


def test_world_after_writes(built):
    assert assert_same(built, _days(built)) > 0
    for _ in writes(built):
        assert_same(built, _days(built))


@pytest.fixture(scope="module")
def demo(pg_server, template_url):
    with demo_database(pg_server, template_url, "regen_timeline", install_old) as database:
        yield database


def activate_and_backdate(db) -> dt.date:
    """An office established, not active yet, made active today and its first state backdated by
    30 days: the day it now begins on is returned, for the days to compare."""
    office = db.scalar(
        "SELECT office_code FROM office_states GROUP BY 1 "
        "HAVING bool_or(state = 'established') AND NOT bool_or(state IN ('active', 'handed_over', 'closed')) "
        "ORDER BY 1 LIMIT 1"
    )
    record(db, office, "active", TODAY)
    first = db.scalar("SELECT min(began_on) FROM office_states WHERE office_code = %s", (office,))
    db.execute(
        "UPDATE office_states SET began_on = began_on - 30 WHERE office_code = %s AND began_on = %s",
        (office, first),
    )
    return first - dt.timedelta(days=30)


def test_demo_on_many_days(demo):
    assert assert_same(demo, _days(demo)) > 1000
    assert_same(demo, _days(demo, extra=[activate_and_backdate(demo)]))


def _calls(cur, name: str) -> int:
    cur.execute(
        "SELECT COALESCE(sum(calls), 0) AS n FROM pg_stat_xact_user_functions WHERE funcname = %s", (name,)
    )
    return cur.fetchone()["n"]


def test_one_rebuild_per_refresh(built):
    """A state recorded in Tehran and one in Isfahan in one statement: each refresh of the coverage facts
    rebuilds the provinces' series once (0205; 0196's triggers rebuilt them once per statement on the
    cities' series), the timeline is the old one's, and nothing is left noted for later."""
    with built.transaction(owner=True, settings={"track_functions": "all"}) as cur:
        cur.execute(
            "INSERT INTO office_states (office_code, state, began_on) "
            "VALUES ('O2', 'handed_over', %s), ('O5', 'handed_over', %s)",
            (TODAY, TODAY),
        )
        assert _calls(cur, "refresh_coverage_facts_now") == 1
        assert _calls(cur, "province_series_changed") >= 4  # the series' upserts and deletes
        assert _calls(cur, "refresh_province_series") == 1
        assert _calls(cur, "refresh_province_timeline") == 1
        assert _calls(cur, "refresh_province_figures") == 1
        cur.execute("SELECT current_setting('regen.series_pending', true) AS p")
        assert cur.fetchone()["p"] == ""
    assert_same(built, _days(built))


def test_writes_outside_a_refresh_rebuild_at_once(built):
    """A statement on the cities' series outside refresh_coverage_facts (by hand) still rebuilds its
    province's series at once; what is noted inside a savepoint goes with it when it is undone (a
    refresh that fails half-way leaves no note behind for the next)."""
    with built.transaction(owner=True) as cur:
        cur.execute("UPDATE city_coverage_days SET covered = covered + 1 WHERE city_code = 'ISF'")
        cur.execute(
            "SELECT count(*) AS n FROM province_timeline_days p JOIN (SELECT day, sum(covered) AS c "
            "FROM city_coverage_days f JOIN cities c ON c.code = f.city_code WHERE c.province_code = 'IR-10' "
            "GROUP BY day) s ON s.day = p.day WHERE p.province_code = 'IR-10' AND p.covered <> s.c"
        )
        assert cur.fetchone()["n"] == 0
        cur.execute("SAVEPOINT s")
        cur.execute("SELECT set_config('regen.series_pending', '{IR-23}', true)")
        cur.execute("ROLLBACK TO SAVEPOINT s")
        cur.execute("SELECT COALESCE(current_setting('regen.series_pending', true), '') AS p")
        assert cur.fetchone()["p"] == ""
        cur.execute("SELECT refresh_coverage_facts(NULL, NULL, NULL)")  # the series as the data says again
    assert_same(built, _days(built))
