"""Performance against targets (sql/queries/performance.sql) on the hand-built world (tests/world.py):
achieved equals what the dashboard's own figures say changed over the period, on any as-of date, and the
scope holds."""

from __future__ import annotations

import datetime as dt

import pytest

from dashboard import performance, queries, results
from dashboard.auth_seam import NotAllowed
from regen.scope import NATIONAL, Scope
from tests import world as world_mod

TEHRAN = Scope("teh", "provincial", "IR-23")
KARAJ = Scope("alb", "provincial", "IR-30")

TARGETS = """
INSERT INTO targets (code, agency_code, measure, province_code, from_year, to_year, starts_on, ends_on,
                     target) VALUES
 ('est-1397', 'moi_social', 'offices_established', NULL, 1397, 1397, '2018-03-21', '2019-03-20', 4),
 ('ho-1399-teh', 'moi_social', 'offices_handed_over', 'IR-23', 1399, 1399, '2020-03-20', '2021-03-20', 2),
 ('cov-karaj', 'urc', 'neighborhoods_covered', 'IR-30', 1395, 1396, '2016-03-20', '2018-03-20', 1),
 ('rep-1397', 'tvto', 'reports_submitted', NULL, 1397, 1397, '2018-03-21', '2019-03-20', 1),
 ('est-1410', 'moi_social', 'offices_established', NULL, 1410, 1410, '2031-03-21', '2032-03-19', 9);
INSERT INTO actions (code, meeting_number, resolution_number, agency_code, title_fa, kind, due_on) VALUES
 ('R-tvto', 50, 2, 'tvto', 'گزارش عملکرد', 'performance_report', '2018-12-21'),
 ('R-urc', 50, 2, 'urc', 'گزارش عملکرد', 'performance_report', '2018-12-21');
INSERT INTO action_statuses (action_code, status, began_on, evidence) VALUES
 ('R-tvto', 'open', '2018-10-02', NULL), ('R-tvto', 'done', '2019-01-15', 'نامه ۱'),
 ('R-urc', 'open', '2018-10-02', NULL);
"""


@pytest.fixture
def world(db):
    world_mod.build(db)
    db.execute(TARGETS)
    results.clear_cache()
    yield db
    results.clear_cache()


def _by_code(rows: list[dict]) -> dict[str, dict]:
    return {r["code"]: r for r in rows}


def _level(db, day: dt.date, key: str, province: str | None) -> int:
    """The dashboard's headline figure on a day (national or one province)."""
    h = queries.headline(db, NATIONAL, day, province=province)
    return h["established"] + h["active"] + h["handed_over"] if key == "established" else h[key]


def test_achieved_is_the_change_in_the_dashboards_figures_over_the_period(world):
    for as_of in (dt.date(2018, 9, 1), dt.date(2019, 2, 1), dt.date(2021, 2, 1), dt.date(2026, 1, 1)):
        rows = _by_code(performance.targets(world, NATIONAL, as_of))
        for code, key, province in (
            ("est-1397", "established", None),
            ("ho-1399-teh", "handed_over", "IR-23"),
            ("cov-karaj", "covered", "IR-30"),
        ):
            r = rows[code]
            upto = min(as_of, r["ends_on"])
            expected = (
                _level(world, upto, key, province)
                - _level(world, r["starts_on"] - dt.timedelta(days=1), key, province)
                if upto >= r["starts_on"]
                else 0
            )
            assert r["achieved"] == expected, (code, as_of)


def test_achieved_by_hand_and_the_state_of_each_target(world):
    rows = _by_code(performance.targets(world, NATIONAL, dt.date(2021, 2, 1)))
    # 1397: O1 was established (1397/03/11); O2 (1396/12/10) and O5 (1395) were there before
    assert rows["est-1397"]["achieved"] == 1 and rows["est-1397"]["state"] == "missed"
    assert rows["est-1397"]["achieved_pct"] == 25.0
    # O1 handed over on 2021-01-01, with 1399 five-sixths gone: half of the target, behind
    ho = rows["ho-1399-teh"]
    assert (ho["achieved"], ho["state"]) == (1, "behind") and 80 < ho["elapsed_pct"] < 90
    assert (rows["cov-karaj"]["achieved"], rows["cov-karaj"]["state"]) == (1, "met")
    # the TVTO's report was done in 1397; the URC's is still open and belongs to no target of its own
    assert (rows["rep-1397"]["achieved"], rows["rep-1397"]["state"]) == (1, "met")
    assert (rows["est-1410"]["achieved"], rows["est-1410"]["state"]) == (0, "upcoming")
    assert rows["est-1410"]["elapsed_pct"] == 0
    # the same targets earlier: the report not yet done, nothing handed over in 1399 yet
    early = _by_code(performance.targets(world, NATIONAL, dt.date(2018, 12, 1)))
    assert early["rep-1397"]["achieved"] == 0 and early["rep-1397"]["state"] == "behind"
    assert _by_code(performance.targets(world, NATIONAL, dt.date(2020, 9, 1)))["ho-1399-teh"]["achieved"] == 0


def test_filters_and_scope(world):
    day = dt.date(2021, 2, 1)
    assert {r["code"] for r in performance.targets(world, NATIONAL, day, "IR-23")} == {
        "ho-1399-teh",
        "est-1397",
        "rep-1397",
        "est-1410",
    }
    assert {r["code"] for r in performance.targets(world, NATIONAL, day, "IR-23", national=False)} == {
        "ho-1399-teh"
    }
    assert {r["code"] for r in performance.targets(world, NATIONAL, day, agency="urc")} == {"cov-karaj"}
    # a provincial user: its province's targets and the national ones; never Alborz's
    codes = {r["code"] for r in performance.targets(world, TEHRAN, day)}
    assert codes == {"ho-1399-teh", "est-1397", "rep-1397", "est-1410"}
    with pytest.raises(NotAllowed):
        performance.targets(world, TEHRAN, day, "IR-30")
    # even past the Python check, PostgreSQL's policy shows a provincial user no other province's target
    assert world.query("SELECT code FROM targets WHERE province_code = 'IR-30'", scope=TEHRAN) == []
    assert [
        r["code"] for r in world.query("SELECT code FROM targets WHERE province_code = 'IR-30'", scope=KARAJ)
    ] == ["cov-karaj"]


def test_overdue_actions_per_agency(world):
    # R-urc was due 1397/09/30 and is still open; R-tvto was done after its due date (not overdue now)
    assert performance.overdue_by_agency(world, NATIONAL, dt.date(2021, 2, 1)) == {"urc": 1}
    assert performance.overdue_by_agency(world, NATIONAL, dt.date(2019, 1, 1)) == {"urc": 1, "tvto": 1}
    assert performance.overdue_by_agency(world, NATIONAL, dt.date(2018, 12, 1)) == {}
