-- Recording one office state rewrote its city's whole series (issue 17): every row of
-- city_coverage_days and city_handover_days of the city deleted and inserted again, then each row
-- updated once more by the trigger that sets its range of days (0101): at ×10 0.15-0.19 s of a
-- 0.19 s write in Tehran, for a series of which a state dated today changes one row and the range of
-- the one before. Here the refresh computes the series with their ranges as before and writes only
-- the difference: new days come, changed ones are updated, days no longer a change day go. Same
-- facts (test_coverage_facts; test_cold_writes counts the rows a write touches).
DROP TRIGGER city_coverage_days_valid ON city_coverage_days;
DROP TRIGGER city_handover_days_valid ON city_handover_days;
DROP FUNCTION city_days_valid();

CREATE OR REPLACE FUNCTION refresh_coverage_facts(p_offices text[], p_neighborhoods text[], p_cities text[])
RETURNS void
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
  everything boolean := p_offices IS NULL AND p_neighborhoods IS NULL AND p_cities IS NULL;
  nbhds text[];
  cov_cities text[];
  ho_cities text[];
BEGIN
  PERFORM pg_advisory_xact_lock(hashtext('regen coverage facts'));
  IF everything THEN  -- every key there is, and every key the facts still hold
    p_offices := ARRAY(SELECT code FROM offices UNION SELECT office_code FROM office_state_spans);
    p_neighborhoods := ARRAY(SELECT code FROM neighborhoods
                             UNION SELECT neighborhood_code FROM neighborhood_status_spans);
    p_cities := ARRAY(SELECT code FROM cities UNION SELECT city_code FROM city_coverage_days
                      UNION SELECT city_code FROM city_handover_days);
    everything := false;
  END IF;

  -- offices' spans: each state until the next one began (same-day states in lifecycle order: the
  -- lower one holds an empty range and is dropped, as office_states_on took the higher)
  DELETE FROM office_state_spans WHERE office_code = ANY (p_offices);
  INSERT INTO office_state_spans (office_code, state, began_on, during)
  SELECT office_code, state, began_on, during FROM (
    SELECT s.office_code, s.state, s.began_on,
           daterange(s.began_on, lead(s.began_on) OVER w, '[)') AS during
    FROM office_states s
    WHERE s.office_code = ANY (p_offices)
    WINDOW w AS (PARTITION BY s.office_code ORDER BY s.began_on, office_state_rank(s.state))
  ) x WHERE NOT isempty(during);

  -- the neighborhoods whose status may have changed
  IF NOT everything THEN
    SELECT array_agg(DISTINCT c) INTO nbhds FROM (
      SELECT unnest(p_neighborhoods) AS c
      UNION ALL SELECT onb.neighborhood_code FROM office_neighborhoods onb WHERE onb.office_code = ANY (p_offices)
      UNION ALL SELECT n.code FROM neighborhoods n WHERE n.city_code = ANY (p_cities)) x
    WHERE c IS NOT NULL;
    nbhds := COALESCE(nbhds, '{}');
  END IF;

  -- cities whose coverage series changes: of those neighborhoods, before and after
  SELECT array_agg(DISTINCT c) INTO cov_cities FROM (
    SELECT unnest(p_cities) AS c
    UNION ALL SELECT sp.city_code FROM neighborhood_status_spans sp WHERE sp.neighborhood_code = ANY (nbhds)
    UNION ALL SELECT n.city_code FROM neighborhoods n WHERE n.code = ANY (nbhds)) x
  WHERE c IS NOT NULL;

  DELETE FROM neighborhood_status_spans WHERE neighborhood_code = ANY (nbhds);
  INSERT INTO neighborhood_status_spans (neighborhood_code, city_code, status, covered, during)
  WITH n AS (
    SELECT code, city_code, CASE WHEN retired_at IS NOT NULL THEN retired_at::date END AS gone
    FROM neighborhoods WHERE code = ANY (nbhds)
  ), os AS (   -- the spans of the facilitation offices serving them, closed ones serve nobody
    SELECT onb.neighborhood_code, sp.state, sp.during
    FROM office_neighborhoods onb
    JOIN offices o ON o.code = onb.office_code AND o.kind = 'facilitation'
    JOIN office_state_spans sp ON sp.office_code = o.code
    WHERE (onb.neighborhood_code = ANY (nbhds)) AND sp.state <> 'closed'
  ), cuts AS (  -- where a status may change: NULL stands for the unbounded start
    SELECT code, NULL::date AS d FROM n
    UNION SELECT neighborhood_code, lower(during) FROM os
    UNION SELECT neighborhood_code, upper(during) FROM os WHERE NOT upper_inf(during)
  ), at_cut AS (  -- the furthest-along office's state at each cut
    SELECT DISTINCT ON (c.code, c.d) c.code, c.d, COALESCE(os.state, 'none') AS status
    FROM cuts c
    LEFT JOIN os ON os.neighborhood_code = c.code AND c.d IS NOT NULL AND os.during @> c.d
    ORDER BY c.code, c.d, office_state_rank(os.state) DESC NULLS LAST
  ), changes AS (
    SELECT code, d, status, lag(status) OVER (PARTITION BY code ORDER BY d NULLS FIRST) AS before
    FROM at_cut
  ), spans AS (
    SELECT code, status, daterange(d, lead(d) OVER (PARTITION BY code ORDER BY d NULLS FIRST), '[)') AS during
    FROM changes WHERE before IS DISTINCT FROM status
  )
  SELECT s.code, n.city_code, s.status, s.status IN ('active', 'handed_over'),
         s.during * daterange(NULL, n.gone, '[)')
  FROM spans s JOIN n ON n.code = s.code
  WHERE NOT isempty(s.during * daterange(NULL, n.gone, '[)'));

  IF NOT everything THEN
    SELECT array_agg(DISTINCT c) INTO cov_cities FROM (
      SELECT unnest(cov_cities) AS c
      UNION ALL SELECT n.city_code FROM neighborhoods n WHERE n.code = ANY (nbhds)) x
    WHERE c IS NOT NULL;
  END IF;

  -- running totals per city: each span adds its neighborhood from its start and takes it away at its end
  WITH sp AS (
    SELECT sp.city_code, sp.covered, sp.during, nb.area_ha::numeric AS area, nb.population
    FROM neighborhood_status_spans sp JOIN neighborhoods nb ON nb.code = sp.neighborhood_code
    WHERE sp.city_code = ANY (cov_cities)
  ), ev AS (
    SELECT city_code, COALESCE(lower(during), '-infinity') AS day, 1 AS sign, covered, area, population FROM sp
    UNION ALL
    SELECT city_code, upper(during), -1, covered, area, population FROM sp WHERE NOT upper_inf(during)
  ), per_day AS (
    SELECT city_code, day,
           sum(sign) AS n, sum(sign) FILTER (WHERE covered) AS c,
           sum(sign * area) AS a, sum(sign * area) FILTER (WHERE covered) AS ca,
           sum(sign * population::bigint) AS p, sum(sign * population::bigint) FILTER (WHERE covered) AS cp,
           sum(sign) FILTER (WHERE covered AND population IS NOT NULL) AS ck
    FROM ev GROUP BY city_code, day
  ), series AS MATERIALIZED (
    SELECT city_code, day,
           sum(n) OVER w AS neighborhoods, COALESCE(sum(c) OVER w, 0) AS covered,
           COALESCE(sum(a) OVER w, 0) AS area_ha, COALESCE(sum(ca) OVER w, 0) AS covered_ha,
           COALESCE(sum(p) OVER w, 0) AS population, COALESCE(sum(cp) OVER w, 0) AS covered_population,
           COALESCE(sum(ck) OVER w, 0) AS covered_known,
           daterange(day, lead(day) OVER w, '[)') AS valid
    FROM per_day
    WINDOW w AS (PARTITION BY city_code ORDER BY day)
  ), kept AS (  -- new days and changed ones (a state dated today: its day, and the range of the one before)
    INSERT INTO city_coverage_days AS f (city_code, day, neighborhoods, covered, area_ha, covered_ha, population,
                                         covered_population, covered_known, valid)
    SELECT * FROM series
    ON CONFLICT (city_code, day) DO UPDATE
      SET (neighborhoods, covered, area_ha, covered_ha, population, covered_population, covered_known, valid)
          = (excluded.neighborhoods, excluded.covered, excluded.area_ha, excluded.covered_ha,
             excluded.population, excluded.covered_population, excluded.covered_known, excluded.valid)
      WHERE (f.neighborhoods, f.covered, f.area_ha, f.covered_ha, f.population, f.covered_population,
             f.covered_known, f.valid)
            IS DISTINCT FROM (excluded.neighborhoods, excluded.covered, excluded.area_ha, excluded.covered_ha,
                              excluded.population, excluded.covered_population, excluded.covered_known,
                              excluded.valid)
    RETURNING 1
  )  -- and the days that are no longer change days
  DELETE FROM city_coverage_days f
  WHERE f.city_code = ANY (cov_cities)
    AND NOT EXISTS (SELECT 1 FROM series s WHERE s.city_code = f.city_code AND s.day = f.day);

  -- offices per state, per city and kind
  IF NOT everything THEN
    SELECT array_agg(DISTINCT c) INTO ho_cities FROM (
      SELECT unnest(p_cities) AS c
      UNION ALL SELECT o.city_code FROM offices o WHERE o.code = ANY (p_offices)) x
    WHERE c IS NOT NULL;
  END IF;
  WITH sp AS (
    SELECT o.city_code, o.kind, sp.state, sp.during
    FROM office_state_spans sp JOIN offices o ON o.code = sp.office_code
    WHERE o.city_code = ANY (ho_cities)
  ), ev AS (
    SELECT city_code, kind, lower(during) AS day, 1 AS sign, state FROM sp
    UNION ALL
    SELECT city_code, kind, upper(during), -1, state FROM sp WHERE NOT upper_inf(during)
  ), per_day AS (
    SELECT city_code, kind, day,
           sum(sign) FILTER (WHERE state = 'planned') AS pl, sum(sign) FILTER (WHERE state = 'established') AS es,
           sum(sign) FILTER (WHERE state = 'active') AS ac, sum(sign) FILTER (WHERE state = 'handed_over') AS ho,
           sum(sign) FILTER (WHERE state = 'closed') AS cl
    FROM ev GROUP BY city_code, kind, day
  ), series AS MATERIALIZED (
    SELECT city_code, kind, day,
           COALESCE(sum(pl) OVER w, 0) AS planned, COALESCE(sum(es) OVER w, 0) AS established,
           COALESCE(sum(ac) OVER w, 0) AS active, COALESCE(sum(ho) OVER w, 0) AS handed_over,
           COALESCE(sum(cl) OVER w, 0) AS closed,
           daterange(day, lead(day) OVER w, '[)') AS valid
    FROM per_day
    WINDOW w AS (PARTITION BY city_code, kind ORDER BY day)
  ), kept AS (
    INSERT INTO city_handover_days AS f (city_code, kind, day, planned, established, active, handed_over, closed,
                                         valid)
    SELECT * FROM series
    ON CONFLICT (city_code, kind, day) DO UPDATE
      SET (planned, established, active, handed_over, closed, valid)
          = (excluded.planned, excluded.established, excluded.active, excluded.handed_over, excluded.closed,
             excluded.valid)
      WHERE (f.planned, f.established, f.active, f.handed_over, f.closed, f.valid)
            IS DISTINCT FROM (excluded.planned, excluded.established, excluded.active, excluded.handed_over,
                              excluded.closed, excluded.valid)
    RETURNING 1
  )
  DELETE FROM city_handover_days f
  WHERE f.city_code = ANY (ho_cities)
    AND NOT EXISTS (SELECT 1 FROM series s WHERE s.city_code = f.city_code AND s.kind = f.kind AND s.day = f.day);
END $$;
