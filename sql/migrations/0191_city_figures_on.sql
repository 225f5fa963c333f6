-- A city's figures on a day in one place (issue 13): its target neighborhoods, covered, their
-- hectares and people and the shares of them, and its facilitation offices by state with the share
-- handed over. Without a kind (p_kind NULL): coverage_by_city ⋈ handover_by_city (the kept facts,
-- 0100), a share of nothing covered 0 where there is something to measure (the functions say NULL,
-- the tables «۰»). With a kind: the same over that kind's neighborhoods and the facilitation offices
-- serving at least one of them (from the kept statuses, 0100), each city's looked up by its key, so
-- a caller narrowing to a province or a city reads only those. dash_coverage_cities (maps, cards,
-- province and city tables) and dash_city_table (the province's paged city table) both read it; they
-- repeated the rule before. Plain SQL, the invoker's rights, no settings: the planner inlines it and
-- row-level security applies to the caller (cities a provincial user does not see are not given).
CREATE FUNCTION city_figures_on(p_day date, p_kind text)
RETURNS TABLE (
    city_code text, province_code text,
    neighborhoods integer, covered integer, coverage_count_pct double precision,
    area_ha double precision, covered_ha double precision, coverage_area_pct double precision,
    population bigint, covered_population bigint, coverage_population_pct double precision,
    planned integer, established integer, active integer, handed_over integer, closed integer,
    handover_pct double precision
)
LANGUAGE sql STABLE SECURITY INVOKER AS $$
  SELECT cov.city_code, cov.province_code, cov.neighborhoods, cov.covered, cov.coverage_count_pct,
         cov.area_ha, cov.covered_ha,
         COALESCE(cov.coverage_area_pct, CASE WHEN cov.area_ha > 0 THEN 0 END),
         cov.population, cov.covered_population,
         COALESCE(cov.coverage_population_pct, CASE WHEN cov.population > 0 THEN 0 END),
         ho.planned, ho.established, ho.active, ho.handed_over, ho.closed, ho.handover_pct
  FROM coverage_by_city(p_day) cov
  JOIN handover_by_city(p_day) ho USING (city_code)
  WHERE p_kind IS NULL
  UNION ALL
  SELECT ci.code, ci.province_code, cov.neighborhoods, cov.covered,
         (100.0 * cov.covered / NULLIF(cov.neighborhoods, 0))::double precision,
         cov.area_ha, cov.covered_ha, 100.0 * cov.covered_ha / NULLIF(cov.area_ha, 0),
         cov.population, cov.covered_population,
         (100.0 * cov.covered_population / NULLIF(cov.population, 0))::double precision,
         ho.planned, ho.established, ho.active, ho.handed_over, ho.closed,
         (100.0 * ho.handed_over / NULLIF(ho.established + ho.active + ho.handed_over, 0))::double precision
  FROM cities ci
  CROSS JOIN LATERAL (
    SELECT count(*)::int AS neighborhoods, count(*) FILTER (WHERE st.covered)::int AS covered,
           COALESCE(sum(n.area_ha), 0)::double precision AS area_ha,
           COALESCE(sum(n.area_ha) FILTER (WHERE st.covered), 0)::double precision AS covered_ha,
           COALESCE(sum(n.population), 0)::bigint AS population,
           COALESCE(sum(n.population) FILTER (WHERE st.covered), 0)::bigint AS covered_population
    FROM neighborhoods_on(p_day) n
    JOIN neighborhood_status_on(p_day) st ON st.neighborhood_code = n.code
    WHERE n.city_code = ci.code AND p_kind = ANY (n.kinds)
  ) cov
  CROSS JOIN LATERAL (
    SELECT count(*) FILTER (WHERE s.state = 'planned')::int AS planned,
           count(*) FILTER (WHERE s.state = 'established')::int AS established,
           count(*) FILTER (WHERE s.state = 'active')::int AS active,
           count(*) FILTER (WHERE s.state = 'handed_over')::int AS handed_over,
           count(*) FILTER (WHERE s.state = 'closed')::int AS closed
    FROM offices o
    JOIN office_states_on(p_day) s ON s.office_code = o.code
    WHERE o.city_code = ci.code AND o.kind = 'facilitation'
      AND EXISTS (SELECT 1 FROM office_neighborhoods onb JOIN neighborhoods nb ON nb.code = onb.neighborhood_code
                  WHERE onb.office_code = o.code AND p_kind = ANY (nb.kinds))
  ) ho
  WHERE p_kind IS NOT NULL
    AND (ci.retired_at IS NULL OR ci.retired_at::date > p_day) AND regen_app_sees_province(ci.province_code)
$$;
GRANT EXECUTE ON FUNCTION city_figures_on(date, text) TO regen_app, regen_etl;
