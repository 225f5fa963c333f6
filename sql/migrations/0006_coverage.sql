-- The product's two questions, for any date: coverage (neighborhoods served by a facilitation office
-- that was active or handed over on that day) and handover status (offices by state on that day).

-- Each office's state on a date: the latest state that had begun by then.
CREATE OR REPLACE FUNCTION office_states_on(as_of date)
RETURNS TABLE (office_code text, state text, began_on date)
LANGUAGE sql STABLE PARALLEL SAFE AS $$
  SELECT DISTINCT ON (s.office_code) s.office_code, s.state, s.began_on
  FROM office_states s
  WHERE s.began_on <= as_of
  ORDER BY s.office_code, s.began_on DESC, office_state_rank(s.state) DESC
$$;

-- The neighborhoods current on a date (not yet retired then).
CREATE OR REPLACE FUNCTION neighborhoods_on(as_of date)
RETURNS SETOF neighborhoods
LANGUAGE sql STABLE PARALLEL SAFE AS $$
  SELECT * FROM neighborhoods n WHERE n.retired_at IS NULL OR n.retired_at::date > as_of
$$;

-- Each neighborhood's status on a date, from the furthest-along facilitation office serving it:
-- handed_over > active > established > planned > none (closed offices serve nobody).
CREATE OR REPLACE FUNCTION neighborhood_status_on(as_of date)
RETURNS TABLE (neighborhood_code text, city_code text, status text, covered boolean)
LANGUAGE sql STABLE PARALLEL SAFE AS $$
  SELECT n.code, n.city_code,
         COALESCE(best.state, 'none'),
         COALESCE(best.state IN ('active', 'handed_over'), false)
  FROM neighborhoods_on(as_of) n
  LEFT JOIN LATERAL (
    SELECT s.state
    FROM office_neighborhoods onb
    JOIN offices o ON o.code = onb.office_code AND o.kind = 'facilitation'
    JOIN office_states_on(as_of) s ON s.office_code = o.code
    WHERE onb.neighborhood_code = n.code AND s.state <> 'closed'
    ORDER BY office_state_rank(s.state) DESC
    LIMIT 1
  ) best ON true
$$;

-- Coverage per city on a date: by count, by hectares, by population (of neighborhoods whose
-- population is known).
CREATE OR REPLACE FUNCTION coverage_by_city(as_of date DEFAULT current_date)
RETURNS TABLE (
    city_code text, province_code text,
    neighborhoods integer, covered integer, coverage_count_pct double precision,
    area_ha double precision, covered_ha double precision, coverage_area_pct double precision,
    population bigint, covered_population bigint, coverage_population_pct double precision
)
LANGUAGE sql STABLE AS $$
  SELECT c.code, c.province_code,
         count(n.code)::int,
         count(n.code) FILTER (WHERE st.covered)::int,
         100.0 * count(n.code) FILTER (WHERE st.covered) / NULLIF(count(n.code), 0),
         COALESCE(sum(n.area_ha), 0),
         COALESCE(sum(n.area_ha) FILTER (WHERE st.covered), 0),
         100.0 * sum(n.area_ha) FILTER (WHERE st.covered) / NULLIF(sum(n.area_ha), 0),
         COALESCE(sum(n.population), 0)::bigint,
         COALESCE(sum(n.population) FILTER (WHERE st.covered), 0)::bigint,
         100.0 * sum(n.population) FILTER (WHERE st.covered) / NULLIF(sum(n.population), 0)
  FROM cities c
  LEFT JOIN neighborhoods_on(as_of) n ON n.city_code = c.code
  LEFT JOIN neighborhood_status_on(as_of) st ON st.neighborhood_code = n.code
  WHERE c.retired_at IS NULL OR c.retired_at::date > as_of
  GROUP BY c.code, c.province_code
$$;

-- Offices per city by lifecycle state on a date. Handover rate: handed over ÷ offices established
-- by then and not closed (established + active + handed over).
CREATE OR REPLACE FUNCTION handover_by_city(as_of date DEFAULT current_date, office_kind text DEFAULT 'facilitation')
RETURNS TABLE (
    city_code text, province_code text,
    planned integer, established integer, active integer, handed_over integer, closed integer,
    handover_pct double precision
)
LANGUAGE sql STABLE AS $$
  SELECT c.code, c.province_code,
         count(*) FILTER (WHERE s.state = 'planned')::int,
         count(*) FILTER (WHERE s.state = 'established')::int,
         count(*) FILTER (WHERE s.state = 'active')::int,
         count(*) FILTER (WHERE s.state = 'handed_over')::int,
         count(*) FILTER (WHERE s.state = 'closed')::int,
         100.0 * count(*) FILTER (WHERE s.state = 'handed_over')
               / NULLIF(count(*) FILTER (WHERE s.state IN ('established', 'active', 'handed_over')), 0)
  FROM cities c
  LEFT JOIN offices o ON o.city_code = c.code AND o.kind = office_kind
  LEFT JOIN office_states_on(as_of) s ON s.office_code = o.code
  WHERE c.retired_at IS NULL OR c.retired_at::date > as_of
  GROUP BY c.code, c.province_code
$$;

-- Both, per province, for all 31 provinces (zeros where nothing is recorded).
CREATE OR REPLACE FUNCTION coverage_by_province(as_of date DEFAULT current_date)
RETURNS TABLE (
    province_code text,
    cities integer, neighborhoods integer, covered integer, coverage_count_pct double precision,
    area_ha double precision, covered_ha double precision, coverage_area_pct double precision,
    population bigint, covered_population bigint, coverage_population_pct double precision,
    planned integer, established integer, active integer, handed_over integer, closed integer,
    handover_pct double precision
)
LANGUAGE sql STABLE AS $$
  WITH cov AS (SELECT * FROM coverage_by_city(as_of)),
       ho AS (SELECT * FROM handover_by_city(as_of)),
       per AS (
         SELECT cov.province_code,
                count(*)::int AS cities,
                sum(cov.neighborhoods)::int AS neighborhoods, sum(cov.covered)::int AS covered,
                sum(cov.area_ha) AS area_ha, sum(cov.covered_ha) AS covered_ha,
                sum(cov.population)::bigint AS population, sum(cov.covered_population)::bigint AS covered_population,
                sum(ho.planned)::int AS planned, sum(ho.established)::int AS established,
                sum(ho.active)::int AS active, sum(ho.handed_over)::int AS handed_over,
                sum(ho.closed)::int AS closed
         FROM cov JOIN ho USING (city_code)
         GROUP BY cov.province_code)
  SELECT p.code,
         COALESCE(per.cities, 0), COALESCE(per.neighborhoods, 0), COALESCE(per.covered, 0),
         100.0 * per.covered / NULLIF(per.neighborhoods, 0),
         COALESCE(per.area_ha, 0), COALESCE(per.covered_ha, 0),
         100.0 * per.covered_ha / NULLIF(per.area_ha, 0),
         COALESCE(per.population, 0), COALESCE(per.covered_population, 0),
         100.0 * per.covered_population / NULLIF(per.population, 0),
         COALESCE(per.planned, 0), COALESCE(per.established, 0), COALESCE(per.active, 0),
         COALESCE(per.handed_over, 0), COALESCE(per.closed, 0),
         100.0 * per.handed_over / NULLIF(per.established + per.active + per.handed_over, 0)
  FROM provinces p LEFT JOIN per ON per.province_code = p.code
  ORDER BY p.code
$$;

-- Today's picture as views, for psql users and exports.
CREATE OR REPLACE VIEW coverage_by_city_today AS SELECT * FROM coverage_by_city(current_date);
CREATE OR REPLACE VIEW coverage_by_province_today AS SELECT * FROM coverage_by_province(current_date);
CREATE OR REPLACE VIEW handover_by_city_today AS SELECT * FROM handover_by_city(current_date);
