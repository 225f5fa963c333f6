"""A city's figures have one source (city_figures_on, migration 0191): it gives what the two old
rules gave — coverage_by_city ⋈ handover_by_city without a kind, the kind's neighborhoods and the
offices serving them with one — on several days, for every kind, as a national and a provincial
account (row-level security applies to the caller); and the province's paged city table
(dash_city_table) shows the numbers the map and cards count (dash_coverage_cities)."""

from __future__ import annotations

import datetime as dt

import pytest

import dashboard.auth
from dashboard import queries, results
from regen.scope import NATIONAL, Scope
from tests.dashboard_fixture import D1, D2, build

ISFAHAN = Scope(user="i", role="provincial", province="IR-10")
DAYS = (dt.date(2018, 6, 1), D1, D2, dt.date.today())
COLUMNS = (
    "neighborhoods covered coverage_count_pct area_ha covered_ha coverage_area_pct population "
    "covered_population coverage_population_pct planned established active handed_over closed handover_pct"
).split()

# the two rules as dash_coverage_cities and dash_coverage_cities_kind stated them before 0191
OLD_PLAIN = """
SELECT cov.city_code AS code, cov.neighborhoods, cov.covered, cov.coverage_count_pct, cov.area_ha,
       cov.covered_ha,
       COALESCE(cov.coverage_area_pct, CASE WHEN cov.area_ha > 0 THEN 0 END) AS coverage_area_pct,
       cov.population, cov.covered_population,
       COALESCE(cov.coverage_population_pct, CASE WHEN cov.population > 0 THEN 0 END)
         AS coverage_population_pct,
       ho.planned, ho.established, ho.active, ho.handed_over, ho.closed, ho.handover_pct
FROM coverage_by_city(%(day)s) cov JOIN handover_by_city(%(day)s) ho USING (city_code)
ORDER BY 1
"""
OLD_KIND = """
WITH hoods AS (
  SELECT n.city_code, n.area_ha, n.population, st.covered
  FROM neighborhoods_on(%(day)s) n
  JOIN neighborhood_status_on(%(day)s) st ON st.neighborhood_code = n.code
  WHERE %(kind)s = ANY (n.kinds)
), cov AS (
  SELECT city_code, count(*)::int AS neighborhoods, count(*) FILTER (WHERE covered)::int AS covered,
         COALESCE(sum(area_ha), 0) AS area_ha, COALESCE(sum(area_ha) FILTER (WHERE covered), 0) AS covered_ha,
         COALESCE(sum(population), 0)::bigint AS population,
         COALESCE(sum(population) FILTER (WHERE covered), 0)::bigint AS covered_population
  FROM hoods GROUP BY city_code
), ho AS (
  SELECT o.city_code,
         count(*) FILTER (WHERE s.state = 'planned')::int AS planned,
         count(*) FILTER (WHERE s.state = 'established')::int AS established,
         count(*) FILTER (WHERE s.state = 'active')::int AS active,
         count(*) FILTER (WHERE s.state = 'handed_over')::int AS handed_over,
         count(*) FILTER (WHERE s.state = 'closed')::int AS closed
  FROM offices o
  JOIN office_states_on(%(day)s) s ON s.office_code = o.code
  WHERE o.kind = 'facilitation'
    AND EXISTS (SELECT 1 FROM office_neighborhoods onb JOIN neighborhoods n ON n.code = onb.neighborhood_code
                WHERE onb.office_code = o.code AND %(kind)s = ANY (n.kinds))
  GROUP BY o.city_code
)
SELECT ci.code,
       COALESCE(cov.neighborhoods, 0) AS neighborhoods, COALESCE(cov.covered, 0) AS covered,
       100.0 * cov.covered / NULLIF(cov.neighborhoods, 0) AS coverage_count_pct,
       COALESCE(cov.area_ha, 0) AS area_ha, COALESCE(cov.covered_ha, 0) AS covered_ha,
       100.0 * cov.covered_ha / NULLIF(cov.area_ha, 0) AS coverage_area_pct,
       COALESCE(cov.population, 0) AS population, COALESCE(cov.covered_population, 0) AS covered_population,
       100.0 * cov.covered_population / NULLIF(cov.population, 0) AS coverage_population_pct,
       COALESCE(ho.planned, 0) AS planned, COALESCE(ho.established, 0) AS established,
       COALESCE(ho.active, 0) AS active, COALESCE(ho.handed_over, 0) AS handed_over,
       COALESCE(ho.closed, 0) AS closed,
       100.0 * ho.handed_over / NULLIF(ho.established + ho.active + ho.handed_over, 0) AS handover_pct
FROM cities ci
LEFT JOIN cov ON cov.city_code = ci.code
LEFT JOIN ho ON ho.city_code = ci.code
WHERE (ci.retired_at IS NULL OR ci.retired_at::date > %(day)s) AND regen_app_sees_province(ci.province_code)
ORDER BY 1
"""
NEW = f"SELECT city_code AS code, {', '.join(COLUMNS)} FROM city_figures_on(%(day)s, %(kind)s) ORDER BY 1"


@pytest.fixture
def world(db, monkeypatch):
    build(db)
    results.clear_cache()
    monkeypatch.setattr(dashboard.auth, "current_user_scope", lambda: NATIONAL)
    yield db
    results.clear_cache()


def same(rows: list[dict]) -> list[dict]:
    """Gives the rows with numbers as floats (the old kind rule gave numerics), rounded past the last bits."""
    return [{k: round(float(v), 9) if isinstance(v, (int, float)) or hasattr(v, "is_nan") else v
             for k, v in r.items()} for r in rows]  # fmt: skip


@pytest.mark.parametrize("scope", [NATIONAL, ISFAHAN], ids=["national", "provincial"])
@pytest.mark.parametrize("kind", (None, *queries.KINDS))
def test_one_source_gives_what_the_two_rules_gave(world, scope, kind):
    for day in DAYS:
        params = {"day": day, "kind": kind}
        old = world.query(OLD_KIND if kind else OLD_PLAIN, params, scope=scope)
        new = world.query(NEW, params, scope=scope)
        assert old, day
        assert same(new) == same(old), (day, kind)


@pytest.mark.parametrize("kind", (None, *queries.KINDS))
@pytest.mark.parametrize("day", [D1, D2])
def test_the_city_table_counts_what_the_map_counts(world, kind, day):
    shown = queries.coverage_cities(world, NATIONAL, day, province="IR-23", kind=kind)
    cities = {r["code"]: r for r in shown}
    table = queries.city_table(world, NATIONAL, "IR-23", day, kind)
    assert [r["code"] for r in table] == list(cities)  # lagging first, the same order
    for row in table:
        for col in ("neighborhoods", "covered", "coverage_count_pct", "coverage_area_pct",
                    "coverage_population_pct", "active", "handed_over", "handover_pct"):  # fmt: skip
            assert row[col] == cities[row["code"]][col], (row["code"], col)
