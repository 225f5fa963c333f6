-- Tables of places paged and sorted by the database (issue 13: a filter change sends no table whole).

-- name: dash_city_table
-- A province's cities on a day with their overdue actions, one page of them (%(limit)s NULL: all) in
-- the order asked: %(sort)s names a column ('' the table's own order: lagging first, as
-- dash_coverage_cities), %(descending)s its direction; names in Persian alphabetical order (ICU), the
-- English name when %(lang)s is 'en' and there is one. The figures are dash_coverage_cities' (both read
-- city_figures_on, migration 0191: with %(kind)s, over that kind's neighborhoods and the offices
-- serving them). `total`: the table's length, on every row.
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
SELECT *, count(*) OVER () AS total
FROM rows
ORDER BY
  CASE WHEN %(sort)s = 'name' AND NOT %(descending)s
       THEN COALESCE(CASE WHEN %(lang)s = 'en' THEN name_en END, name_fa) END COLLATE "fa-x-icu",
  CASE WHEN %(sort)s = 'name' AND %(descending)s
       THEN COALESCE(CASE WHEN %(lang)s = 'en' THEN name_en END, name_fa) END COLLATE "fa-x-icu" DESC,
  -- every other column is a number
  CASE WHEN NOT %(descending)s THEN CASE %(sort)s
       WHEN 'neighborhoods' THEN neighborhoods WHEN 'covered' THEN covered
       WHEN 'coverage_count_pct' THEN coverage_count_pct WHEN 'coverage_area_pct' THEN coverage_area_pct
       WHEN 'coverage_population_pct' THEN coverage_population_pct WHEN 'active' THEN active
       WHEN 'handed_over' THEN handed_over WHEN 'handover_pct' THEN handover_pct WHEN 'overdue' THEN overdue
       END END NULLS LAST,
  CASE WHEN %(descending)s THEN CASE %(sort)s
       WHEN 'neighborhoods' THEN neighborhoods WHEN 'covered' THEN covered
       WHEN 'coverage_count_pct' THEN coverage_count_pct WHEN 'coverage_area_pct' THEN coverage_area_pct
       WHEN 'coverage_population_pct' THEN coverage_population_pct WHEN 'active' THEN active
       WHEN 'handed_over' THEN handed_over WHEN 'handover_pct' THEN handover_pct WHEN 'overdue' THEN overdue
       END END DESC NULLS LAST,
  -- the table's own order, lagging first (dash_coverage_cities)
  neighborhoods = 0, coverage_count_pct NULLS LAST, COALESCE(handover_pct, 0), name_fa COLLATE "fa-x-icu", code
LIMIT %(limit)s OFFSET %(offset)s;
