-- Tables of places paged and sorted by the database (issue 13: a filter change sends no table whole).

-- name: dash_city_table
-- A province's cities on a day with their overdue actions, one page of them (%(limit)s NULL: all) in
-- the order asked: %(sort)s names a column ('' the table's own order: lagging first, as
-- dash_coverage_cities), %(descending)s its direction; names in Persian alphabetical order (ICU), the
-- English name when %(lang)s is 'en' and there is one. With %(kind)s, the figures over that kind's
-- neighborhoods and the offices serving them (the rule of dash_coverage_cities_kind). `total`: the
-- table's length, on every row. The two ways are one statement: the one not asked is a constant
-- false filter, planned away.
WITH plain AS (
  SELECT ci.code, ci.name_fa, ci.name_en,
         cov.neighborhoods, cov.covered, cov.coverage_count_pct,
         COALESCE(cov.coverage_area_pct, CASE WHEN cov.area_ha > 0 THEN 0 END) AS coverage_area_pct,
         COALESCE(cov.coverage_population_pct, CASE WHEN cov.population > 0 THEN 0 END) AS coverage_population_pct,
         ho.active, ho.handed_over, ho.handover_pct
  FROM coverage_by_city(%(as_of)s) cov
  JOIN handover_by_city(%(as_of)s) ho USING (city_code)
  JOIN cities ci ON ci.code = cov.city_code
  WHERE %(kind)s::text IS NULL AND ci.province_code = %(province)s
), hoods AS (
  SELECT n.city_code, n.area_ha, n.population, st.covered
  FROM neighborhoods_on(%(as_of)s) n
  JOIN neighborhood_status_on(%(as_of)s) st ON st.neighborhood_code = n.code
  JOIN cities ci ON ci.code = n.city_code
  WHERE %(kind)s::text IS NOT NULL AND %(kind)s = ANY (n.kinds) AND ci.province_code = %(province)s
), cov AS (
  SELECT city_code, count(*)::int AS neighborhoods, count(*) FILTER (WHERE covered)::int AS covered,
         COALESCE(sum(area_ha), 0) AS area_ha, COALESCE(sum(area_ha) FILTER (WHERE covered), 0) AS covered_ha,
         COALESCE(sum(population), 0)::bigint AS population,
         COALESCE(sum(population) FILTER (WHERE covered), 0)::bigint AS covered_population
  FROM hoods GROUP BY city_code
), ho AS (
  SELECT o.city_code,
         count(*) FILTER (WHERE s.state = 'established')::int AS established,
         count(*) FILTER (WHERE s.state = 'active')::int AS active,
         count(*) FILTER (WHERE s.state = 'handed_over')::int AS handed_over
  FROM offices o
  JOIN cities ci ON ci.code = o.city_code
  JOIN office_states_on(%(as_of)s) s ON s.office_code = o.code
  WHERE %(kind)s::text IS NOT NULL AND o.kind = 'facilitation' AND ci.province_code = %(province)s
    AND EXISTS (SELECT 1 FROM office_neighborhoods onb JOIN neighborhoods n ON n.code = onb.neighborhood_code
                WHERE onb.office_code = o.code AND %(kind)s = ANY (n.kinds))
  GROUP BY o.city_code
), of_kind AS (
  SELECT ci.code, ci.name_fa, ci.name_en,
         COALESCE(cov.neighborhoods, 0) AS neighborhoods, COALESCE(cov.covered, 0) AS covered,
         100.0 * cov.covered / NULLIF(cov.neighborhoods, 0) AS coverage_count_pct,
         100.0 * cov.covered_ha / NULLIF(cov.area_ha, 0) AS coverage_area_pct,
         100.0 * cov.covered_population / NULLIF(cov.population, 0) AS coverage_population_pct,
         COALESCE(ho.active, 0) AS active, COALESCE(ho.handed_over, 0) AS handed_over,
         100.0 * ho.handed_over / NULLIF(ho.established + ho.active + ho.handed_over, 0) AS handover_pct
  FROM cities ci
  LEFT JOIN cov ON cov.city_code = ci.code
  LEFT JOIN ho ON ho.city_code = ci.code
  WHERE %(kind)s::text IS NOT NULL
    AND (ci.retired_at IS NULL OR ci.retired_at::date > %(as_of)s) AND regen_app_sees_province(ci.province_code)
    AND ci.province_code = %(province)s
), late AS (
  -- overdue actions per city, by the rule of dash_overdue_counts
  SELECT d.city_code, sum(d.overdue)::int AS overdue
  FROM action_overdue_days d
  WHERE d.valid @> %(as_of)s::date AND d.province_code = %(province)s
  GROUP BY d.city_code
), rows AS (
  SELECT p.*, COALESCE(l.overdue, 0) AS overdue
  FROM (SELECT * FROM plain UNION ALL SELECT * FROM of_kind) p
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
