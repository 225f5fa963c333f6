-- Coverage and handover as facts kept current by the transactions that write them (issue 17).
--
-- Until now every view recomputed each office's state and each neighborhood's status on the asked
-- day from all the history (0006, 0030): the cost of a view after any write grew with the data
-- (national ×10: 1.8 s). Here the history is kept, by triggers on office_states,
-- office_neighborhoods, offices and neighborhoods, as
--   office_state_spans        each office's state as a date range [began, next state began);
--   neighborhood_status_spans each neighborhood's status as ranges of constant status, cut where it
--                             is retired (a retired neighborhood counts before its retirement day);
--   city_coverage_days        per city (of the neighborhoods), the running totals on each day any of
--                             them changes, from a '-infinity' row on;
--   city_handover_days        per city and office kind, the offices per state on each change day.
-- An as-of day is then a lookup: the latest change day not after it. The functions keep their names,
-- signatures and results; sums of hectares are added exactly (numeric) and rounded once, where the
-- old bodies added doubles in plan order (the last bits may differ, never more).
-- Retirement days are timestamptz::date in the writing session's TimeZone, as the old bodies took
-- them in the reading session's: one server time zone for the application keeps them equal.

CREATE TABLE office_state_spans (
    office_code text NOT NULL,
    state       text NOT NULL,
    began_on    date NOT NULL,
    during      daterange NOT NULL,
    PRIMARY KEY (office_code, state)
);
CREATE INDEX office_state_spans_during ON office_state_spans USING gist (during);

CREATE TABLE neighborhood_status_spans (
    neighborhood_code text NOT NULL,
    city_code   text NOT NULL,
    status      text NOT NULL,
    covered     boolean NOT NULL,
    during      daterange NOT NULL
);
CREATE INDEX neighborhood_status_spans_code ON neighborhood_status_spans (neighborhood_code);
CREATE INDEX neighborhood_status_spans_city ON neighborhood_status_spans (city_code);
CREATE INDEX neighborhood_status_spans_during ON neighborhood_status_spans USING gist (during);

CREATE TABLE city_coverage_days (
    city_code          text NOT NULL,
    day                date NOT NULL,
    neighborhoods      bigint NOT NULL,
    covered            bigint NOT NULL,
    area_ha            numeric NOT NULL,
    covered_ha         numeric NOT NULL,
    population         bigint NOT NULL,
    covered_population bigint NOT NULL,
    covered_known      bigint NOT NULL,   -- covered neighborhoods whose population is known
    PRIMARY KEY (city_code, day)
);

CREATE TABLE city_handover_days (
    city_code   text NOT NULL,
    kind        text NOT NULL,
    day         date NOT NULL,
    planned     bigint NOT NULL,
    established bigint NOT NULL,
    active      bigint NOT NULL,
    handed_over bigint NOT NULL,
    closed      bigint NOT NULL,
    PRIMARY KEY (city_code, kind, day)
);

-- ---------------------------------------------------------------------------------------------------
-- Bringing the facts of some offices, neighborhoods and cities up to date (NULL arrays: everything).
-- Runs as the owner (the triggers fire under regen_app and regen_etl too); one writer at a time, so
-- that two transactions never rebuild the same city from different snapshots (READ COMMITTED: each
-- statement below sees what committed before the lock was granted).
CREATE FUNCTION refresh_coverage_facts(p_offices text[], p_neighborhoods text[], p_cities text[])
RETURNS void
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
  everything boolean := p_offices IS NULL AND p_neighborhoods IS NULL AND p_cities IS NULL;
  nbhds text[];
  cov_cities text[];
  ho_cities text[];
BEGIN
  PERFORM pg_advisory_xact_lock(hashtext('regen coverage facts'));

  -- offices' spans: each state until the next one began (same-day states in lifecycle order: the
  -- lower one holds an empty range and is dropped, as office_states_on took the higher)
  DELETE FROM office_state_spans WHERE everything OR office_code = ANY (p_offices);
  INSERT INTO office_state_spans (office_code, state, began_on, during)
  SELECT office_code, state, began_on, during FROM (
    SELECT s.office_code, s.state, s.began_on,
           daterange(s.began_on, lead(s.began_on) OVER w, '[)') AS during
    FROM office_states s
    WHERE everything OR s.office_code = ANY (p_offices)
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
  WHERE c IS NOT NULL AND NOT everything;

  DELETE FROM neighborhood_status_spans WHERE everything OR neighborhood_code = ANY (nbhds);
  INSERT INTO neighborhood_status_spans (neighborhood_code, city_code, status, covered, during)
  WITH n AS (
    SELECT code, city_code, CASE WHEN retired_at IS NOT NULL THEN retired_at::date END AS gone
    FROM neighborhoods WHERE everything OR code = ANY (nbhds)
  ), os AS (   -- the spans of the facilitation offices serving them, closed ones serve nobody
    SELECT onb.neighborhood_code, sp.state, sp.during
    FROM office_neighborhoods onb
    JOIN offices o ON o.code = onb.office_code AND o.kind = 'facilitation'
    JOIN office_state_spans sp ON sp.office_code = o.code
    WHERE (everything OR onb.neighborhood_code = ANY (nbhds)) AND sp.state <> 'closed'
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
  DELETE FROM city_coverage_days WHERE everything OR city_code = ANY (cov_cities);
  INSERT INTO city_coverage_days
  WITH sp AS (
    SELECT sp.city_code, sp.covered, sp.during, nb.area_ha::numeric AS area, nb.population
    FROM neighborhood_status_spans sp JOIN neighborhoods nb ON nb.code = sp.neighborhood_code
    WHERE everything OR sp.city_code = ANY (cov_cities)
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
  )
  SELECT city_code, day,
         sum(n) OVER w, COALESCE(sum(c) OVER w, 0), COALESCE(sum(a) OVER w, 0), COALESCE(sum(ca) OVER w, 0),
         COALESCE(sum(p) OVER w, 0), COALESCE(sum(cp) OVER w, 0), COALESCE(sum(ck) OVER w, 0)
  FROM per_day
  WINDOW w AS (PARTITION BY city_code ORDER BY day);

  -- offices per state, per city and kind
  IF NOT everything THEN
    SELECT array_agg(DISTINCT c) INTO ho_cities FROM (
      SELECT unnest(p_cities) AS c
      UNION ALL SELECT o.city_code FROM offices o WHERE o.code = ANY (p_offices)) x
    WHERE c IS NOT NULL;
  END IF;
  DELETE FROM city_handover_days WHERE everything OR city_code = ANY (ho_cities);
  INSERT INTO city_handover_days
  WITH sp AS (
    SELECT o.city_code, o.kind, sp.state, sp.during
    FROM office_state_spans sp JOIN offices o ON o.code = sp.office_code
    WHERE everything OR o.city_code = ANY (ho_cities)
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
  )
  SELECT city_code, kind, day,
         COALESCE(sum(pl) OVER w, 0), COALESCE(sum(es) OVER w, 0), COALESCE(sum(ac) OVER w, 0),
         COALESCE(sum(ho) OVER w, 0), COALESCE(sum(cl) OVER w, 0)
  FROM per_day
  WINDOW w AS (PARTITION BY city_code, kind ORDER BY day);
END $$;
REVOKE ALL ON FUNCTION refresh_coverage_facts(text[], text[], text[]) FROM PUBLIC;

-- ---------------------------------------------------------------------------------------------------
-- The triggers: one call per statement, with the keys the statement touched (transition tables).
CREATE FUNCTION coverage_facts_changed() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
  offs text[];
  nbhds text[];
  cits text[];
BEGIN
  IF TG_OP = 'TRUNCATE' THEN
    PERFORM refresh_coverage_facts(NULL, NULL, NULL);
    RETURN NULL;
  END IF;
  IF TG_TABLE_NAME = 'office_states' THEN
    IF TG_OP IN ('INSERT', 'UPDATE') THEN
      SELECT array_agg(DISTINCT office_code) INTO offs FROM new_rows;
    END IF;
    IF TG_OP IN ('DELETE', 'UPDATE') THEN
      offs := COALESCE(offs, '{}') || (SELECT array_agg(DISTINCT office_code) FROM old_rows);
    END IF;
  ELSIF TG_TABLE_NAME = 'office_neighborhoods' THEN
    IF TG_OP IN ('INSERT', 'UPDATE') THEN
      SELECT array_agg(DISTINCT neighborhood_code) INTO nbhds FROM new_rows;
    END IF;
    IF TG_OP IN ('DELETE', 'UPDATE') THEN
      nbhds := COALESCE(nbhds, '{}') || (SELECT array_agg(DISTINCT neighborhood_code) FROM old_rows);
    END IF;
  ELSIF TG_TABLE_NAME = 'offices' THEN
    -- only the kind and the city matter here (locations and names change often)
    IF TG_OP = 'UPDATE' THEN
      SELECT array_agg(code), array_agg(DISTINCT c) INTO offs, cits FROM (
        SELECT n.code, unnest(ARRAY[n.city_code, o.city_code]) AS c
        FROM new_rows n FULL JOIN old_rows o ON o.code = n.code
        WHERE (n.kind, n.city_code) IS DISTINCT FROM (o.kind, o.city_code)) x;
      offs := array_remove(offs, NULL)
              || (SELECT array_agg(o.code) FROM old_rows o WHERE NOT EXISTS (SELECT 1 FROM new_rows n WHERE n.code = o.code));
    ELSIF TG_OP = 'DELETE' THEN
      SELECT array_agg(code), array_agg(DISTINCT city_code) INTO offs, cits FROM old_rows;
    ELSE
      RETURN NULL;   -- a new office has no states or neighborhoods yet: their own triggers follow
    END IF;
  ELSIF TG_TABLE_NAME = 'neighborhoods' THEN
    IF TG_OP = 'INSERT' THEN
      SELECT array_agg(code) INTO nbhds FROM new_rows;
    ELSIF TG_OP = 'DELETE' THEN
      SELECT array_agg(code), array_agg(DISTINCT city_code) INTO nbhds, cits FROM old_rows;
    ELSE  -- only what the coverage reads: city, area, population, retirement
      SELECT array_agg(DISTINCT code), array_agg(DISTINCT c) INTO nbhds, cits FROM (
        SELECT COALESCE(n.code, o.code) AS code, unnest(ARRAY[n.city_code, o.city_code]) AS c
        FROM new_rows n FULL JOIN old_rows o ON o.code = n.code
        WHERE (n.city_code, n.area_ha, n.population, n.retired_at)
              IS DISTINCT FROM (o.city_code, o.area_ha, o.population, o.retired_at)
           OR n.code IS NULL OR o.code IS NULL) x;
    END IF;
  END IF;
  IF offs IS NOT NULL OR nbhds IS NOT NULL OR cits IS NOT NULL THEN
    PERFORM refresh_coverage_facts(COALESCE(offs, '{}'), COALESCE(nbhds, '{}'), COALESCE(cits, '{}'));
  END IF;
  RETURN NULL;
END $$;
REVOKE ALL ON FUNCTION coverage_facts_changed() FROM PUBLIC;

DO $$
DECLARE
  t text;
  op text;
BEGIN
  FOREACH t IN ARRAY ARRAY['office_states', 'office_neighborhoods', 'offices', 'neighborhoods'] LOOP
    FOREACH op IN ARRAY ARRAY['INSERT', 'UPDATE', 'DELETE'] LOOP
      EXECUTE format('CREATE TRIGGER %I AFTER %s ON %I %s FOR EACH STATEMENT EXECUTE FUNCTION coverage_facts_changed()',
                     t || '_facts_' || lower(op), op, t,
                     CASE op WHEN 'INSERT' THEN 'REFERENCING NEW TABLE AS new_rows'
                             WHEN 'DELETE' THEN 'REFERENCING OLD TABLE AS old_rows'
                             ELSE 'REFERENCING NEW TABLE AS new_rows OLD TABLE AS old_rows' END);
    END LOOP;
    EXECUTE format('CREATE TRIGGER %I AFTER TRUNCATE ON %I FOR EACH STATEMENT EXECUTE FUNCTION coverage_facts_changed()',
                   t || '_facts_truncate', t);
  END LOOP;
END $$;

SELECT refresh_coverage_facts(NULL, NULL, NULL);

-- ---------------------------------------------------------------------------------------------------
-- Who reads the facts: the same as the detail they come from (0040's policies, by province).
ALTER TABLE office_state_spans ENABLE ROW LEVEL SECURITY;
ALTER TABLE neighborhood_status_spans ENABLE ROW LEVEL SECURITY;
ALTER TABLE city_coverage_days ENABLE ROW LEVEL SECURITY;
ALTER TABLE city_handover_days ENABLE ROW LEVEL SECURITY;
CREATE POLICY app_read ON office_state_spans FOR SELECT TO regen_app
  USING (regen_sees_all()
         OR office_code IN (SELECT o.code FROM offices o JOIN cities c ON c.code = o.city_code
                             WHERE c.province_code = regen_own_province()));
CREATE POLICY app_read ON neighborhood_status_spans FOR SELECT TO regen_app
  USING (regen_sees_all()
         OR city_code IN (SELECT c.code FROM cities c WHERE c.province_code = regen_own_province()));
CREATE POLICY app_read ON city_coverage_days FOR SELECT TO regen_app
  USING (regen_sees_all()
         OR city_code IN (SELECT c.code FROM cities c WHERE c.province_code = regen_own_province()));
CREATE POLICY app_read ON city_handover_days FOR SELECT TO regen_app
  USING (regen_sees_all()
         OR city_code IN (SELECT c.code FROM cities c WHERE c.province_code = regen_own_province()));
GRANT SELECT ON office_state_spans, neighborhood_status_spans, city_coverage_days, city_handover_days
  TO regen_app, regen_etl;

-- ---------------------------------------------------------------------------------------------------
-- The functions the dashboard calls, same names, signatures and results, now lookups.

CREATE OR REPLACE FUNCTION office_states_on(as_of date)
RETURNS TABLE (office_code text, state text, began_on date)
LANGUAGE sql STABLE PARALLEL SAFE AS $$
  SELECT s.office_code, s.state, s.began_on FROM office_state_spans s WHERE s.during @> as_of
$$;

CREATE OR REPLACE FUNCTION neighborhood_status_on(as_of date)
RETURNS TABLE (neighborhood_code text, city_code text, status text, covered boolean)
LANGUAGE sql STABLE PARALLEL SAFE AS $$
  SELECT s.neighborhood_code, s.city_code, s.status, s.covered
  FROM neighborhood_status_spans s WHERE s.during @> as_of
$$;

-- The shares as the old bodies computed them: NULL where they divided a NULL sum (no covered
-- neighborhood, none of known population) or by zero.
CREATE OR REPLACE FUNCTION coverage_by_city(as_of date DEFAULT current_date)
RETURNS TABLE (
    city_code text, province_code text,
    neighborhoods integer, covered integer, coverage_count_pct double precision,
    area_ha double precision, covered_ha double precision, coverage_area_pct double precision,
    population bigint, covered_population bigint, coverage_population_pct double precision
)
LANGUAGE sql STABLE AS $$
  SELECT c.code, c.province_code,
         COALESCE(f.neighborhoods, 0)::int,
         COALESCE(f.covered, 0)::int,
         100.0 * f.covered / NULLIF(f.neighborhoods, 0),
         COALESCE(f.area_ha::double precision, 0),
         COALESCE(f.covered_ha::double precision, 0),
         CASE WHEN f.covered > 0 THEN 100.0 * f.covered_ha::double precision / NULLIF(f.area_ha::double precision, 0) END,
         COALESCE(f.population, 0),
         COALESCE(f.covered_population, 0),
         CASE WHEN f.covered_known > 0 THEN 100.0 * f.covered_population / NULLIF(f.population, 0) END
  FROM cities c
  LEFT JOIN LATERAL (
    SELECT * FROM city_coverage_days d WHERE d.city_code = c.code AND d.day <= as_of
    ORDER BY d.day DESC LIMIT 1
  ) f ON true
  WHERE (c.retired_at IS NULL OR c.retired_at::date > as_of) AND regen_app_sees_province(c.province_code)
$$;

CREATE OR REPLACE FUNCTION handover_by_city(as_of date DEFAULT current_date, office_kind text DEFAULT 'facilitation')
RETURNS TABLE (
    city_code text, province_code text,
    planned integer, established integer, active integer, handed_over integer, closed integer,
    handover_pct double precision
)
LANGUAGE sql STABLE AS $$
  SELECT c.code, c.province_code,
         COALESCE(f.planned, 0)::int, COALESCE(f.established, 0)::int, COALESCE(f.active, 0)::int,
         COALESCE(f.handed_over, 0)::int, COALESCE(f.closed, 0)::int,
         100.0 * COALESCE(f.handed_over, 0)
               / NULLIF(COALESCE(f.established + f.active + f.handed_over, 0), 0)
  FROM cities c
  LEFT JOIN LATERAL (
    SELECT * FROM city_handover_days d WHERE d.city_code = c.code AND d.kind = office_kind AND d.day <= as_of
    ORDER BY d.day DESC LIMIT 1
  ) f ON true
  WHERE (c.retired_at IS NULL OR c.retired_at::date > as_of) AND regen_app_sees_province(c.province_code)
$$;
