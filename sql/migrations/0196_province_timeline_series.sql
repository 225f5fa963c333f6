-- A per-province timeline series (issue 17). The national timeline looked up every city's coverage
-- and handover series on each of its days (0104/0141: days × 5,400 cities × 2 at ×10, growing with
-- the cities); here each province's sums are kept as a series of their own, per day they change,
-- with the range each holds for, so a timeline is days × 31 provinces whatever the number of
-- cities. Kept by the statements that write the cities' series (city_coverage_days,
-- city_handover_days: refresh_coverage_facts) and by a city retired, restored or moved, writing only
-- the rows that change (as 0181). Same sums as 0141's (tests/test_coverage_facts.py's timeline tests
-- compare with the bodies before 0100; tests/test_cold_timeline.py with 0141's).

CREATE TABLE province_timeline_days (
    province_code     text NOT NULL,
    day               date NOT NULL,
    neighborhoods     bigint NOT NULL,
    covered           bigint NOT NULL,
    handed_over       bigint NOT NULL,
    established_total bigint NOT NULL,
    valid             daterange NOT NULL,
    PRIMARY KEY (province_code, day)
);
CREATE INDEX province_timeline_days_valid ON province_timeline_days USING gist (valid);

-- Bringing some provinces' series up to date (NULL: all): a city counts on the days before it retired.
CREATE FUNCTION refresh_province_timeline(p_provinces text[]) RETURNS void
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = public, pg_temp AS $$
BEGIN
  IF p_provinces IS NULL THEN
    p_provinces := ARRAY(SELECT code FROM provinces UNION SELECT province_code FROM province_timeline_days);
  END IF;
  IF cardinality(p_provinces) = 0 THEN
    RETURN;
  END IF;
  WITH c AS (
    SELECT code, province_code, daterange(NULL, retired_at::date, '[)') AS alive
    FROM cities WHERE province_code = ANY (p_provinces)
  ), parts AS (  -- each row of a city's series, over the days it holds for while the city is current
    SELECT c.province_code, f.valid * c.alive AS during, f.neighborhoods AS n, f.covered AS cv,
           0::bigint AS ho, 0::bigint AS et
    FROM c JOIN city_coverage_days f ON f.city_code = c.code
    UNION ALL
    SELECT c.province_code, h.valid * c.alive, 0, 0, h.handed_over,
           COALESCE(h.established + h.active + h.handed_over, 0)
    FROM c JOIN city_handover_days h ON h.city_code = c.code AND h.kind = 'facilitation'
  ), ev AS (
    SELECT province_code, lower(during) AS day, n, cv, ho, et FROM parts WHERE NOT isempty(during)
    UNION ALL
    SELECT province_code, upper(during), -n, -cv, -ho, -et FROM parts
    WHERE NOT isempty(during) AND NOT upper_inf(during)
  ), per_day AS (
    SELECT province_code, day, sum(n) AS n, sum(cv) AS cv, sum(ho) AS ho, sum(et) AS et
    FROM ev GROUP BY province_code, day
  ), series AS MATERIALIZED (
    SELECT province_code, day,
           sum(n) OVER w AS neighborhoods, sum(cv) OVER w AS covered, sum(ho) OVER w AS handed_over,
           sum(et) OVER w AS established_total, daterange(day, lead(day) OVER w, '[)') AS valid
    FROM per_day
    WINDOW w AS (PARTITION BY province_code ORDER BY day)
  ), kept AS (
    INSERT INTO province_timeline_days AS f (province_code, day, neighborhoods, covered, handed_over,
                                             established_total, valid)
    SELECT * FROM series
    ON CONFLICT (province_code, day) DO UPDATE
      SET (neighborhoods, covered, handed_over, established_total, valid)
          = (excluded.neighborhoods, excluded.covered, excluded.handed_over, excluded.established_total,
             excluded.valid)
      WHERE (f.neighborhoods, f.covered, f.handed_over, f.established_total, f.valid)
            IS DISTINCT FROM (excluded.neighborhoods, excluded.covered, excluded.handed_over,
                              excluded.established_total, excluded.valid)
    RETURNING 1
  )
  DELETE FROM province_timeline_days f
  WHERE f.province_code = ANY (p_provinces)
    AND NOT EXISTS (SELECT 1 FROM series s WHERE s.province_code = f.province_code AND s.day = f.day);
END $$;
REVOKE ALL ON FUNCTION refresh_province_timeline(text[]) FROM PUBLIC;

-- The cities' series written (their cities' provinces), and cities retired, restored, moved or removed.
CREATE FUNCTION province_timeline_changed() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
  provs text[];
BEGIN
  IF TG_OP = 'TRUNCATE' THEN
    PERFORM refresh_province_timeline(NULL);
    RETURN NULL;
  END IF;
  IF TG_TABLE_NAME = 'cities' THEN
    IF TG_OP = 'UPDATE' THEN
      SELECT array_agg(DISTINCT p) INTO provs FROM (
        SELECT n.province_code AS p FROM new_rows n JOIN old_rows o ON o.code = n.code
        WHERE n.province_code IS DISTINCT FROM o.province_code OR n.retired_at IS DISTINCT FROM o.retired_at
        UNION ALL
        SELECT o.province_code FROM new_rows n JOIN old_rows o ON o.code = n.code
        WHERE n.province_code IS DISTINCT FROM o.province_code OR n.retired_at IS DISTINCT FROM o.retired_at) x;
    ELSE
      SELECT array_agg(DISTINCT province_code) INTO provs FROM old_rows;
    END IF;
  ELSE
    IF TG_OP = 'INSERT' THEN
      SELECT array_agg(DISTINCT c.province_code) INTO provs
      FROM cities c WHERE c.code IN (SELECT city_code FROM new_rows);
    ELSIF TG_OP = 'DELETE' THEN
      SELECT array_agg(DISTINCT c.province_code) INTO provs
      FROM cities c WHERE c.code IN (SELECT city_code FROM old_rows);
    ELSE
      SELECT array_agg(DISTINCT c.province_code) INTO provs
      FROM cities c WHERE c.code IN (SELECT city_code FROM new_rows UNION SELECT city_code FROM old_rows);
    END IF;
  END IF;
  IF provs IS NOT NULL THEN
    PERFORM refresh_province_timeline(provs);
  END IF;
  RETURN NULL;
END $$;
REVOKE ALL ON FUNCTION province_timeline_changed() FROM PUBLIC;

DO $$
DECLARE
  t text;
  op text;
BEGIN
  FOREACH t IN ARRAY ARRAY['city_coverage_days', 'city_handover_days'] LOOP
    FOREACH op IN ARRAY ARRAY['INSERT', 'UPDATE', 'DELETE'] LOOP
      EXECUTE format('CREATE TRIGGER %I AFTER %s ON %I %s FOR EACH STATEMENT '
                     'EXECUTE FUNCTION province_timeline_changed()',
                     t || '_timeline_' || lower(op), op, t,
                     CASE op WHEN 'INSERT' THEN 'REFERENCING NEW TABLE AS new_rows'
                             WHEN 'DELETE' THEN 'REFERENCING OLD TABLE AS old_rows'
                             ELSE 'REFERENCING NEW TABLE AS new_rows OLD TABLE AS old_rows' END);
    END LOOP;
    EXECUTE format('CREATE TRIGGER %I AFTER TRUNCATE ON %I FOR EACH STATEMENT '
                   'EXECUTE FUNCTION province_timeline_changed()', t || '_timeline_truncate', t);
  END LOOP;
  FOREACH op IN ARRAY ARRAY['UPDATE', 'DELETE'] LOOP
    EXECUTE format('CREATE TRIGGER %I AFTER %s ON cities %s FOR EACH STATEMENT '
                   'EXECUTE FUNCTION province_timeline_changed()',
                   'cities_timeline_' || lower(op), op,
                   CASE op WHEN 'DELETE' THEN 'REFERENCING OLD TABLE AS old_rows'
                           ELSE 'REFERENCING NEW TABLE AS new_rows OLD TABLE AS old_rows' END);
  END LOOP;
END $$;

SELECT refresh_province_timeline(NULL);

-- Same names, signatures and results as 0141's and 0104's: each (day, province) one lookup.
CREATE OR REPLACE FUNCTION timeline_by_province_all(days date[], p_province text)
RETURNS TABLE (day date, province_code text, neighborhoods bigint, covered bigint,
               handed_over bigint, established_total bigint)
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS $$
  SELECT d, p.code, COALESCE(sum(s.neighborhoods), 0)::bigint, COALESCE(sum(s.covered), 0)::bigint,
         COALESCE(sum(s.handed_over), 0)::bigint, COALESCE(sum(s.established_total), 0)::bigint
  FROM unnest(days) d
  CROSS JOIN provinces p
  LEFT JOIN LATERAL (
    SELECT x.neighborhoods, x.covered, x.handed_over, x.established_total FROM province_timeline_days x
    WHERE x.province_code = p.code AND x.day <= d ORDER BY x.day DESC LIMIT 1
  ) s ON true
  WHERE p_province IS NULL OR p.code = p_province
  GROUP BY d, p.code  -- as 0141 (a day given twice: its sums twice)
$$;

CREATE OR REPLACE FUNCTION timeline_by_province_all(days date[])
RETURNS TABLE (day date, province_code text, neighborhoods bigint, covered bigint,
               handed_over bigint, established_total bigint)
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS $$
  SELECT * FROM timeline_by_province_all(days, NULL)
$$;

-- Read as the sums of all provinces are (timeline_by_province: any signed-in role): by the owner only.
ALTER TABLE province_timeline_days ENABLE ROW LEVEL SECURITY;
