"""A city's offices from city_offices_on (migration 0212) are the rows dash_city_offices gave before
(its text before 0212 below, with the sort key of the neighborhoods' names the new one adds): on the
hand-built world and on the demo, on many days, with and without a kind, in both languages and every
order the grid asks, in a national and a provincial scope, after a state recorded today and one
backdated."""

from __future__ import annotations

import datetime as dt

import pytest

from dashboard import queries
from regen import queries as named
from regen.scope import NATIONAL, Scope
from tests.conftest import demo_database
from tests.dashboard_fixture import D1, D2
from tests.test_cold_timeline import record

OLD = """
WITH o AS (
  SELECT o.*, COALESCE(s.state, 'none') AS state, s.began_on AS state_since,
         (SELECT min(a.due_on) FROM actions a WHERE a.office_code = o.code AND a.kind = 'handover_office') AS due_on
  FROM offices o
  -- each office's state looked up (as in dash_neighborhoods)
  LEFT JOIN LATERAL (
    SELECT x.state, x.began_on FROM office_states_on(%(as_of)s) x WHERE x.office_code = o.code LIMIT 1
  ) s ON true
  WHERE o.city_code = %(city)s
    AND (%(kind)s::text IS NULL
         OR EXISTS (SELECT 1 FROM office_neighborhoods onb JOIN neighborhoods n ON n.code = onb.neighborhood_code
                    WHERE onb.office_code = o.code AND %(kind)s = ANY (n.kinds)))
), listed AS (
  SELECT o.code, o.kind, o.name_fa, o.name_en, ST_X(o.location) AS lon, ST_Y(o.location) AS lat,
         o.location_estimated, o.pre_program, o.operator_agency_code, o.state, o.state_since,
         (SELECT max(x.began_on) FROM office_states x WHERE x.office_code = o.code AND x.state = 'planned'
            AND x.began_on <= %(as_of)s) AS planned_on,
         (SELECT max(x.began_on) FROM office_states x WHERE x.office_code = o.code AND x.state = 'established'
            AND x.began_on <= %(as_of)s) AS established_on,
         (SELECT max(x.began_on) FROM office_states x WHERE x.office_code = o.code AND x.state = 'active'
            AND x.began_on <= %(as_of)s) AS active_on,
         (SELECT max(x.began_on) FROM office_states x WHERE x.office_code = o.code AND x.state = 'handed_over'
            AND x.began_on <= %(as_of)s) AS handed_over_on,
         (SELECT string_agg(COALESCE(CASE WHEN %(lang)s = 'en' THEN n.name_en END, n.name_fa),
                            CASE WHEN %(lang)s = 'en' THEN ', ' ELSE '، ' END ORDER BY n.name_fa COLLATE "fa-x-icu")
            FROM office_neighborhoods onb JOIN neighborhoods n ON n.code = onb.neighborhood_code
           WHERE onb.office_code = o.code) COLLATE "fa-x-icu" AS neighborhoods,
         (SELECT string_agg(onb.neighborhood_code, ', ' ORDER BY onb.neighborhood_code)
            FROM office_neighborhoods onb WHERE onb.office_code = o.code) AS neighborhood_codes,
         o.due_on,
         CASE WHEN o.state IN ('planned', 'established', 'active') THEN handover_months_late(o.due_on, %(as_of)s) END
           AS months_late,
         handover_overdue(o.state, o.due_on, %(as_of)s) AS overdue
  FROM o
)
SELECT *, count(*) OVER () AS total,
       COALESCE(CASE WHEN %(lang)s = 'en' THEN name_en END, name_fa) COLLATE "fa-x-icu" AS name_shown, neighborhoods AS neighborhoods_shown,
       array_position(ARRAY['none', 'planned', 'established', 'active', 'handed_over', 'closed'], state)
         AS state_rank
FROM listed
ORDER BY /* sort */
  -- the list's own order: overdue for handover first
  overdue DESC, name_fa COLLATE "fa-x-icu", code
LIMIT %(limit)s OFFSET %(offset)s
"""  # noqa: E501 (the old text verbatim)
# the grid's columns as the statement sorts by them ('' the list's own order)
SORTS = ("", *queries.SORTS["dash_city_offices"].values())


def assert_same(db, scope, city: str, days, kinds=(None,)) -> int:
    n = 0
    for day in days:
        for kind in kinds:
            for lang in ("fa", "en"):
                for sort in SORTS:
                    for descending in (False, True):
                        p = {"city": city, "as_of": day, "kind": kind, "sort": sort, "descending": descending,
                             "lang": lang, "offset": 0, "limit": None}  # fmt: skip
                        new = named.run("dash_city_offices", db, scope=scope, **p)
                        old = db.query(named.ordered(OLD, sort, descending), p, scope=scope)
                        assert new == old, (city, p)
                        n += len(new)
    return n


def test_world(world):
    days = [dt.date(2000, 1, 1), D1, D2, dt.date.today()]
    kinds = (None, "historic", "informal")
    assert assert_same(world, NATIONAL, "TEH", days, kinds) > 0
    officer = Scope(user="officer", role="provincial", province="IR-23")
    assert assert_same(world, officer, "TEH", days, kinds) > 0
    other = world.scalar("SELECT c.code FROM cities c JOIN offices o ON o.city_code = c.code "
                         "WHERE c.province_code <> 'IR-23' ORDER BY 1 LIMIT 1")  # fmt: skip
    if other:  # another province's offices: none for the officer, by both
        assert assert_same(world, officer, other, days) == 0
    record(world, "O2", "handed_over", dt.date.today())
    record(world, "O5", "established", dt.date(2019, 3, 1))  # backdated
    assert_same(world, NATIONAL, "TEH", days, kinds)


@pytest.fixture(scope="module")
def demo(pg_server, template_url):
    with demo_database(pg_server, template_url, "regen_city_offices") as database:
        yield database


def test_demo_on_many_days(demo):
    cities = [r["city_code"] for r in demo.query(
        "SELECT city_code FROM offices GROUP BY 1 ORDER BY count(*) DESC, 1 LIMIT 2")]  # fmt: skip
    first = demo.scalar("SELECT min(began_on) FROM office_states")
    days = [first - dt.timedelta(days=1), first + dt.timedelta(days=120), first + dt.timedelta(days=400),
            dt.date.today()]  # fmt: skip
    assert sum(assert_same(demo, NATIONAL, c, days, (None, "historic")) for c in cities) > 500
