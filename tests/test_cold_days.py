"""Results kept per first day a write touched (migration 0180, dashboard/queries.py `upto`): a state
recorded today leaves the timeline's season starts kept (only the as-of point is computed again),
while a backdated state, a load or an edit by hand computes them again; either way the timeline is
the one computed from nothing."""

from __future__ import annotations

import datetime as dt

import pytest

from dashboard import queries, results
from regen import queries as named
from regen.scope import NATIONAL, Scope
from tests.conftest import WRITER

TODAY = dt.date.today()


@pytest.fixture
def world(world, national_account):
    """conftest's world, with the national account states are recorded as (WRITER), and an office
    serving Isfahan's neighborhoods."""
    db = world
    db.execute(
        "INSERT INTO offices (code, kind, name_fa, city_code, location, source) VALUES "
        "('O9', 'facilitation', 'دفتر نو', 'ISF', ST_SetSRID(ST_MakePoint(51.7, 32.6), 4326), 'test')"
    )
    db.execute(
        "INSERT INTO office_neighborhoods (office_code, neighborhood_code) "
        "SELECT 'O9', code FROM neighborhoods WHERE city_code = 'ISF' AND retired_at IS NULL"
    )
    results.clear_cache()
    return db


def record_state(db, office: str, state: str, day: dt.date, letter: str | None = None) -> None:
    with db.transaction(scope=WRITER) as cur:
        cur.execute("SELECT record_office_state(%s, %s, %s, %s, NULL)", (office, state, day, letter))


def past_points(db, province: str | None) -> list[dict]:
    """The kept rows of the timeline's season starts (what `timeline` read for them)."""
    first = queries.first_office_day(db, NATIONAL)
    days = queries.timeline_days(first, TODAY)
    assert len(days) > 2, "the fixture's timeline has season starts"
    on = province or results.EVERYTHING
    return results.cached("dash_timeline", db, NATIONAL, on, upto=days[-2], days=days[:-1], province=province)


def fresh_timeline(db, province: str | None) -> list[dict]:
    results.clear_cache()
    return queries.timeline(db, NATIONAL, TODAY, province=province)


@pytest.mark.parametrize("province", [None, "IR-10"])
def test_a_state_dated_today_keeps_the_season_starts(world, province):
    before = queries.timeline(world, NATIONAL, TODAY, province=province)
    kept = past_points(world, province)
    record_state(world, "O9", "established", TODAY)
    after = queries.timeline(world, NATIONAL, TODAY, province=province)
    assert past_points(world, province) is kept  # not computed again
    assert after[:-1] == before[:-1]
    # the as-of point shows the new office, and the whole timeline is the one computed from nothing
    assert after[-1]["established_total"] == before[-1]["established_total"] + 1
    assert after == fresh_timeline(world, province)


@pytest.mark.parametrize("province", [None, "IR-10"])
def test_a_backdated_state_computes_the_later_season_starts_again(world, province):
    first = queries.first_office_day(world, NATIONAL)
    days = queries.timeline_days(first, TODAY)
    back = days[-3] + dt.timedelta(days=1)  # between two season starts: the last one changes
    before = queries.timeline(world, NATIONAL, TODAY, province=province)
    kept = past_points(world, province)
    record_state(world, "O9", "established", back)
    after = queries.timeline(world, NATIONAL, TODAY, province=province)
    assert past_points(world, province) is not kept
    assert after == fresh_timeline(world, province)
    changed = [b["day"] for b, a in zip(before, after, strict=True) if a != b]
    assert changed and min(changed) > back  # days before the state's are the same
    assert days[-2] in changed


def test_an_edit_by_hand_computes_every_day_again(world):
    queries.timeline(world, NATIONAL, TODAY)
    kept = past_points(world, None)
    world.execute("UPDATE office_states SET note = note WHERE office_code = 'O5'")  # no day: every day
    assert past_points(world, None) is not kept


def test_the_stamp_of_days_before_a_write_stays(world):
    yesterday = TODAY - dt.timedelta(days=1)
    s0 = {u: results.data_stamp(world, NATIONAL, "IR-10", u) for u in (None, yesterday)}
    record_state(world, "O9", "established", TODAY)
    s1 = {u: results.data_stamp(world, NATIONAL, "IR-10", u) for u in (None, yesterday)}
    assert s1[yesterday] == s0[yesterday] and s1[None] != s0[None]
    record_state(world, "O9", "active", TODAY)
    assert results.data_stamp(world, NATIONAL, "IR-10", yesterday) == s0[yesterday]
    assert results.data_stamp(world, NATIONAL, "IR-23", yesterday) == s0[yesterday]  # not Tehran's


def test_one_transaction_touches_its_earliest_day(world):
    """Two states in one transaction, today's then a backdated one: its row says the earlier day; a
    load-like write besides (no day) makes it every day."""
    back = TODAY - dt.timedelta(days=900)
    with world.transaction(scope=WRITER) as cur:
        cur.execute("SELECT record_office_state('O9', 'established', %s, NULL, NULL)", (back,))
    with world.transaction(owner=True) as cur:
        cur.execute("SELECT max(id) FROM data_changes")
        newest = cur.fetchone()["max"]
        cur.execute(
            "INSERT INTO office_states (office_code, state, began_on, letter_no) "
            "VALUES ('O9', 'handed_over', %s, 'L')",
            (TODAY,),
        )
        cur.execute(
            "INSERT INTO office_states (office_code, state, began_on) VALUES ('O9', 'active', %s)",
            (TODAY - dt.timedelta(days=10),),
        )
    rows = world.query("SELECT province, since FROM data_changes WHERE id > %s", (newest,))
    assert rows and {r["since"] for r in rows} == {TODAY - dt.timedelta(days=10)}
    with world.transaction(owner=True) as cur:
        cur.execute("SELECT max(id) FROM data_changes")
        newest = cur.fetchone()["max"]
        cur.execute("UPDATE office_states SET began_on = began_on WHERE office_code = 'O9'")
        cur.execute("UPDATE agencies SET name_fa = name_fa WHERE false")  # no row: nothing
        cur.execute("UPDATE neighborhoods SET population = population WHERE code = 'N5'")  # every day
    rows = world.query("SELECT province, since FROM data_changes WHERE id > %s", (newest,))
    assert {r["since"] for r in rows if r["province"] is None} == {None}


def test_a_provincial_scope_gets_no_day_of_another_provinces_write(world):
    isfahan = Scope(user="i", role="provincial", province="IR-10")
    tehran = Scope(user="t", role="provincial", province="IR-23")
    record_state(world, "O9", "established", TODAY - dt.timedelta(days=3))
    mine = named.run("dash_data_stamps_by_day", world, scope=isfahan)
    theirs = named.run("dash_data_stamps_by_day", world, scope=tehran)
    assert TODAY - dt.timedelta(days=3) in {r["since"] for r in mine if r["province"] == "IR-10"}
    assert {r["since"] for r in theirs if r["province"] == "*"} == {None}
    assert "IR-10" not in {r["province"] for r in theirs}


def test_a_state_dated_today_keeps_the_calendars_first_day_and_meetings(world):
    first, meetings = queries.first_office_day(world, NATIONAL), queries.meetings(world, NATIONAL)
    kept_first = results.cached("dash_first_office_date", world, NATIONAL, results.BASE)
    record_state(world, "O9", "established", TODAY)
    assert results.cached("dash_first_office_date", world, NATIONAL, results.BASE) is kept_first
    assert queries.meetings(world, NATIONAL) is meetings
    # a state before the first day moves it, and shows at once
    record_state(world, "O9", "active", TODAY)
    world.execute("DELETE FROM office_states WHERE office_code = 'O9'")
    record_state(world, "O9", "established", first - dt.timedelta(days=5))
    assert queries.first_office_day(world, NATIONAL) == first - dt.timedelta(days=5)
