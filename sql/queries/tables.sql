-- Tables of places paged and sorted by the database (issue 13: a filter change sends no table whole).

-- name: dash_city_table
-- A province's cities on a day with their overdue actions, one page of them (%(limit)s NULL: all) in
-- the order asked: the column asked first (at the sort mark, regen/queries.py), then the table's own
-- order (lagging first, as dash_coverage_cities); names (name_shown) in Persian alphabetical order
-- (ICU), the English name when %(lang)s is 'en' and there is one. The figures are dash_coverage_cities' (both read
-- city_figures_on, migration 0191: with %(kind)s, over that kind's neighborhoods and the offices
-- serving them). `total`: the table's length, on every row.
-- plan: generic (as dash_coverage_cities: 4.9 ms a page at ×10 planned each time, 1.3 kept)
WITH figures AS (  -- one source for a city's figures (city_figures_on, 0191), as dash_coverage_cities
  SELECT ci.code, ci.name_fa, ci.name_en, f.neighborhoods, f.covered, f.coverage_count_pct,
         f.coverage_area_pct, f.coverage_population_pct, f.active, f.handed_over, f.handover_pct
  FROM city_figures_on(%(as_of)s, %(kind)s) f
  JOIN cities ci ON ci.code = f.city_code
  WHERE f.province_code = %(province)s
), late AS (
  -- overdue actions per city, by the rule of dash_overdue_counts
  SELECT d.city_code, sum(d.overdue)::int AS overdue
  FROM action_overdue_days d
  WHERE d.valid @> %(as_of)s::date AND d.province_code = %(province)s
  GROUP BY d.city_code
), rows AS (
  SELECT p.*, COALESCE(l.overdue, 0) AS overdue
  FROM figures p
  LEFT JOIN late l ON l.city_code = p.code
)
SELECT *, count(*) OVER () AS total,
       COALESCE(CASE WHEN %(lang)s = 'en' THEN name_en END, name_fa) COLLATE "fa-x-icu" AS name_shown
FROM rows
ORDER BY /* sort */
  -- the table's own order, lagging first (dash_coverage_cities)
  neighborhoods = 0, coverage_count_pct NULLS LAST, COALESCE(handover_pct, 0), name_fa COLLATE "fa-x-icu", code
LIMIT %(limit)s OFFSET %(offset)s;
