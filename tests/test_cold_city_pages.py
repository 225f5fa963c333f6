"""A page of a city's lists (neighborhoods, offices) is cut from the whole list kept in the same order
(dashboard/queries._city_list): the rows and `total` the SQL's own OFFSET/LIMIT gives, in every order
the grids ask, both languages, on many days, on the hand-built world and on the demo, in a provincial
officer's scope too (whose other provinces' cities stay refused)."""

from __future__ import annotations

import datetime as dt

import pytest

from dashboard import queries, results
from dashboard.auth_seam import NotFound
from regen import queries as named
from regen.scope import NATIONAL, Scope
from tests.conftest import demo_database
from tests.dashboard_fixture import D1, D2

SORTS = {
    "dash_neighborhoods": ("", "name", "status", "area_ha", "population", "offices", "code"),
    "dash_city_offices": ("", "name", "state", "neighborhoods", "planned_on", "active_on", "due_on", "code"),
}
PAGES = ((0, 10), (10, 10), (3, 5), (0, 1000), (500, 10), (0, None), (2, None))


def assert_pages_same(db, scope, city: str, day: dt.date, kind=None) -> int:
    n = 0
    for name, sorts in SORTS.items():
        ask = queries.neighborhoods if name == "dash_neighborhoods" else queries.city_offices
        for sort in sorts:
            for descending in (False, True):
                for lang in ("fa", "en"):
                    for offset, limit in PAGES:
                        page = {"sort": sort, "descending": descending, "lang": lang, "offset": offset,
                                "limit": limit}  # fmt: skip
                        got = ask(db, scope, city, day, kind, **page)
                        asked = queries.paging(name, **page)  # the grid's column as the statement's
                        sql = named.run(name, db, scope=scope, city=city, as_of=day, kind=kind, **asked)
                        assert got == sql, (name, city, day, page)
                        n += len(sql)
    return n


@pytest.mark.parametrize("day", [D1, D2, dt.date.today()])
def test_world_pages(world, day):
    assert assert_pages_same(world, NATIONAL, "TEH", day) > 0
    assert_pages_same(world, NATIONAL, "TEH", day, "historic")


def test_world_pages_in_a_provincial_scope(world):
    officer = Scope(user="officer", role="provincial", province="IR-23")
    assert assert_pages_same(world, officer, "TEH", D2) > 0
    other = world.scalar("SELECT code FROM cities WHERE province_code <> 'IR-23' ORDER BY code LIMIT 1")
    with pytest.raises(NotFound):
        queries.neighborhoods(world, officer, other, D2, limit=10)
    with pytest.raises(NotFound):
        queries.city_offices(world, officer, other, D2, limit=10)


@pytest.fixture(scope="module")
def demo(pg_server, template_url):
    with demo_database(pg_server, template_url, "regen_city_pages") as database:
        yield database


def test_demo_pages_on_many_days(demo):
    cities = [r["city_code"] for r in demo.query(
        "SELECT city_code FROM neighborhoods GROUP BY 1 ORDER BY count(*) DESC, 1 LIMIT 3")]  # fmt: skip
    first = demo.scalar("SELECT min(began_on) FROM office_states")
    days = [first - dt.timedelta(days=1), first + dt.timedelta(days=200), dt.date.today()]
    results.clear_cache()
    try:
        assert sum(assert_pages_same(demo, NATIONAL, c, d) for c in cities for d in days) > 1000
        office = demo.scalar(
            "SELECT code FROM offices WHERE city_code = %s ORDER BY code LIMIT 1", (cities[0],)
        )
        demo.execute("INSERT INTO office_states (office_code, state, began_on) VALUES (%s, 'closed', %s)",
                      (office, days[1]))  # backdated: the kept lists are dropped and built again  # fmt: skip
        for d in days:
            assert_pages_same(demo, NATIONAL, cities[0], d)
    finally:
        results.clear_cache()
