"""The views' cheaper statements (issue 17) give what the statements they replace gave: the actions view
counted in the database and each resolution's actions paged by it, a province's timeline alone,
statuses looked up per neighborhood and office."""

from __future__ import annotations

import datetime as dt

import pytest

from dashboard import queries
from regen.scope import NATIONAL, Scope
from tests.dashboard_fixture import D1, D2

PAGE = 4  # rows of a page walked (the grid's are longer: the fixture's lists are short)
DAYS = (dt.date(2018, 6, 1), D1, dt.date(2022, 7, 1), D2, dt.date.today())
FILTERS = (
    {},
    {"province": "IR-23"},
    {"province": "IR-10"},
    {"province": "IR-23", "city": "RAY"},
    {"agency": "moi_social"},
)


def _more_actions(db) -> None:
    """Twelve more actions on one resolution, some overdue, some done: more than one page of it."""
    for i in range(12):
        db.execute(
            "INSERT INTO actions (code, meeting_number, resolution_number, agency_code, title_fa, kind, "
            "city_code, due_on) VALUES (%s, 50, 3, %s, %s, 'other', %s, %s)",
            (f"X{i}", ("mrud", "moi_social")[i % 2], f"اقدام {i}", ("TEH", "ISF")[i % 3 == 0],
             dt.date(2020, 1, 1) + dt.timedelta(days=97 * i)),
        )  # fmt: skip
        if i % 4 == 0:
            db.execute(
                "INSERT INTO action_statuses (action_code, status, began_on) VALUES (%s, 'done', %s)",
                (f"X{i}", dt.date(2021, 1, 1) + dt.timedelta(days=60 * i)),
            )


@pytest.mark.parametrize("scope", [NATIONAL, Scope(user="t", role="provincial", province="IR-10")])
def test_the_actions_figures_and_pages_are_the_listed_actions(world, scope):
    _more_actions(world)
    cols = ("code", "title_fa", "agency_code", "province_code", "city_code", "due_on", "status",
            "status_since", "evidence", "overdue")  # fmt: skip
    for day in DAYS:
        for where in FILTERS if scope is NATIONAL else ({}, {"province": "IR-10"}):
            listed = queries.actions(world, scope, day, **where)
            counted: dict[tuple, list[int]] = {}
            for a in listed:
                key = (a["meeting_number"], a["resolution_number"], a["agency_code"], a["province_code"])
                c = counted.setdefault(key, [0, 0, 0])
                c[0] += 1
                c[1] += int(a["overdue"])
                c[2] += int(a["status"] == "done")
            groups = queries.action_groups(world, scope, day, **where)
            got = {
                (g["meeting_number"], g["resolution_number"], g["agency_code"], g["province_code"]): [
                    g["total"], g["overdue"], g["done"]
                ]
                for g in groups
            }  # fmt: skip
            assert got == counted, (day, where)
            # each resolution's long list, walked page by page: its actions in the order listed
            for res in {(a["meeting_number"], a["resolution_number"]) for a in listed}:
                mine = [a for a in listed if (a["meeting_number"], a["resolution_number"]) == res]
                walked, name = [], f"{res[0]}-{res[1]}"
                while len(walked) < len(mine):
                    page = queries.action_page(world, scope, day, name, where, offset=len(walked), limit=PAGE)
                    assert page and page[0]["total"] == len(mine), (day, where, res)
                    walked += page
                assert [[p[c] for c in cols] for p in walked] == [[a[c] for c in cols] for a in mine], (
                    day,
                    where,
                    res,
                )
    on_3 = [a for a in queries.actions(world, NATIONAL, D2) if a["resolution_number"] == 3]
    assert len(on_3) > 3 * PAGE  # a resolution of more than three pages
    assert queries.action_page(world, NATIONAL, D2, "3", {}) == []  # not a resolution's name: none


def test_a_provinces_timeline_is_its_rows_of_the_countrys(world):
    days = [dt.date(2017, 1, 1) + dt.timedelta(days=91 * i) for i in range(45)]
    whole = world.query("SELECT * FROM timeline_by_province_all(%s::date[])", (days,))
    for province in ("IR-23", "IR-10", "IR-01"):
        alone = world.query("SELECT * FROM timeline_by_province_all(%s::date[], %s)", (days, province))
        key = lambda r: r["day"]  # noqa: E731
        assert sorted(alone, key=key) == sorted((r for r in whole if r["province_code"] == province), key=key)
    assert len(world.query("SELECT * FROM timeline_by_province_all(%s::date[], NULL)", (days,))) == len(whole)


def test_statuses_looked_up_per_place_are_the_days_statuses(world):
    for day in DAYS:
        status = {
            r["neighborhood_code"]: r for r in world.query("SELECT * FROM neighborhood_status_on(%s)", (day,))
        }
        state = {r["office_code"]: r for r in world.query("SELECT * FROM office_states_on(%s)", (day,))}
        for city in ("TEH", "RAY", "ISF"):
            for n in queries.neighborhoods(world, NATIONAL, city, day):
                truth = status.get(n["code"])
                assert (n["status"], n["covered"]) == (
                    (truth["status"], truth["covered"]) if truth else ("none", False)
                ), (day, n["code"])
            for o in queries.city_offices(world, NATIONAL, city, day):
                truth = state.get(o["code"])
                assert (o["state"], o["state_since"]) == (
                    (truth["state"], truth["began_on"]) if truth else ("none", None)
                ), (day, o["code"])
        for province in ("IR-23", "IR-10"):
            uncovered = {r["code"] for r in queries.uncovered_neighborhoods(world, NATIONAL, province, day)}
            assert uncovered == {
                c
                for c, r in status.items()
                if not r["covered"]
                and world.query(
                    "SELECT 1 FROM neighborhoods n JOIN cities ci ON ci.code = n.city_code "
                    "WHERE n.code = %s AND ci.province_code = %s",
                    (c, province),
                )
            }, (day, province)
            due = {r["code"] for r in queries.offices_due_handover(world, NATIONAL, province, day)}
            assert due == {
                c
                for c, r in state.items()
                if r["state"] in ("established", "active")
                and world.query(
                    "SELECT 1 FROM offices o JOIN cities ci ON ci.code = o.city_code "
                    "WHERE o.code = %s AND ci.province_code = %s AND o.kind = 'facilitation'",
                    (c, province),
                )
            }, (day, province)
