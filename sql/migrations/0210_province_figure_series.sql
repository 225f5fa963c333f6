-- The national map's and table's figures per province from a kept series (issue 17). The national
-- view called coverage_by_province(), which looks up every city's coverage and handover series on
-- the day and sums them (540 cities at ×1, 5,400 at ×10: its cost grew with the cities). Here each
-- province's sums are kept per day they change (as 0196 keeps the timeline's), with the number of
-- its current cities, so a day's figures are 31 lookups whatever the number of cities. Kept by the
-- statements that write the cities' series (city_coverage_days, city_handover_days:
-- refresh_coverage_facts) and by a city added, retired, restored, moved or removed, writing only the
-- rows that change. A table of its own (the timeline's series stays as it is), kept by the same
-- trigger and refresh as the timeline's (refresh_province_series, 0205).
--
-- Same figures as coverage_by_province (tests/test_cold_national.py compares them on many days,
-- writes and backdated ones included): integers equal; hectares summed exactly (numeric) where the
-- old body summed each city's hectares as double precision, so they agree to the last few bits only.

CREATE TABLE province_figure_days (
    province_code      text NOT NULL,
    day                date NOT NULL,  -- '-infinity': the cities current since always
    cities             bigint NOT NULL,
    neighborhoods      bigint NOT NULL,
    covered            bigint NOT NULL,
    area_ha            numeric NOT NULL,
    covered_ha         numeric NOT NULL,
    population         bigint NOT NULL,
    covered_population bigint NOT NULL,
    planned            bigint NOT NULL,
    established        bigint NOT NULL,
    active             bigint NOT NULL,
    handed_over        bigint NOT NULL,
    closed             bigint NOT NULL,
    PRIMARY KEY (province_code, day)
);

-- Bringing some provinces' series up to date (NULL: all): a city counts on the days before it retired.
CREATE FUNCTION refresh_province_figures(p_provinces text[]) RETURNS void
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = public, pg_temp AS $$
BEGIN
  IF p_provinces IS NULL THEN
    p_provinces := ARRAY(SELECT code FROM provinces UNION SELECT province_code FROM province_figure_days);
  END IF;
  IF cardinality(p_provinces) = 0 THEN
    RETURN;
  END IF;
  WITH c AS (
    SELECT code, province_code, daterange(NULL, retired_at::date, '[)') AS alive
    FROM cities WHERE province_code = ANY (p_provinces)
  ), parts AS (  -- each city while current, and each row of its series over the days it is current
    SELECT c.province_code, c.alive AS during, 1::bigint AS ci, 0::bigint AS n, 0::bigint AS cv,
           0::numeric AS ha, 0::numeric AS cha, 0::bigint AS pop, 0::bigint AS cpop,
           0::bigint AS pl, 0::bigint AS es, 0::bigint AS ac, 0::bigint AS ho, 0::bigint AS cl
    FROM c
    UNION ALL
    SELECT c.province_code, f.valid * c.alive, 0, f.neighborhoods, f.covered, f.area_ha, f.covered_ha, f.population,
           f.covered_population, 0, 0, 0, 0, 0
    FROM c JOIN city_coverage_days f ON f.city_code = c.code
    UNION ALL
    SELECT c.province_code, h.valid * c.alive, 0, 0, 0, 0, 0, 0, 0, h.planned, h.established, h.active, h.handed_over, h.closed
    FROM c JOIN city_handover_days h ON h.city_code = c.code AND h.kind = 'facilitation'
  ), ev AS (
    SELECT province_code, COALESCE(lower(during), '-infinity'::date) AS day,
           ci, n, cv, ha, cha, pop, cpop, pl, es, ac, ho, cl
    FROM parts WHERE NOT isempty(during)
    UNION ALL
    SELECT province_code, upper(during), -ci, -n, -cv, -ha, -cha, -pop, -cpop, -pl, -es, -ac, -ho, -cl
    FROM parts WHERE NOT isempty(during) AND NOT upper_inf(during)
  ), per_day AS (
    SELECT province_code, day, sum(ci) AS ci, sum(n) AS n, sum(cv) AS cv, sum(ha) AS ha, sum(cha) AS cha,
           sum(pop) AS pop, sum(cpop) AS cpop, sum(pl) AS pl, sum(es) AS es, sum(ac) AS ac,
           sum(ho) AS ho, sum(cl) AS cl
    FROM ev GROUP BY province_code, day
  ), series AS MATERIALIZED (
    SELECT province_code, day,
           sum(ci) OVER w AS cities, sum(n) OVER w AS neighborhoods, sum(cv) OVER w AS covered,
           sum(ha) OVER w AS area_ha, sum(cha) OVER w AS covered_ha, sum(pop) OVER w AS population,
           sum(cpop) OVER w AS covered_population, sum(pl) OVER w AS planned,
           sum(es) OVER w AS established, sum(ac) OVER w AS active, sum(ho) OVER w AS handed_over,
           sum(cl) OVER w AS closed
    FROM per_day
    WINDOW w AS (PARTITION BY province_code ORDER BY day)
  ), kept AS (
    INSERT INTO province_figure_days AS f
    SELECT * FROM series
    ON CONFLICT (province_code, day) DO UPDATE
      SET (cities, neighborhoods, covered, area_ha, covered_ha, population, covered_population,
           planned, established, active, handed_over, closed)
          = (excluded.cities, excluded.neighborhoods, excluded.covered, excluded.area_ha,
             excluded.covered_ha, excluded.population, excluded.covered_population, excluded.planned,
             excluded.established, excluded.active, excluded.handed_over, excluded.closed)
      WHERE (f.cities, f.neighborhoods, f.covered, f.area_ha, f.covered_ha, f.population,
             f.covered_population, f.planned, f.established, f.active, f.handed_over, f.closed)
            IS DISTINCT FROM
            (excluded.cities, excluded.neighborhoods, excluded.covered, excluded.area_ha,
             excluded.covered_ha, excluded.population, excluded.covered_population, excluded.planned,
             excluded.established, excluded.active, excluded.handed_over, excluded.closed)
    RETURNING 1
  )
  DELETE FROM province_figure_days f
  WHERE f.province_code = ANY (p_provinces)
    AND NOT EXISTS (SELECT 1 FROM series s WHERE s.province_code = f.province_code AND s.day = f.day);
END $$;
REVOKE ALL ON FUNCTION refresh_province_figures(text[]) FROM PUBLIC;

-- Kept with the timeline's series, by 0196's trigger on the cities' series and on cities (once per
-- refresh of the coverage facts, 0205); a city added counts from always (the old body counted every
-- current city, with a series or not), so cities' inserts (and a truncate) fire it too.
CREATE OR REPLACE FUNCTION refresh_province_series(p_provinces text[]) RETURNS void
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = public, pg_temp AS $$
BEGIN
  PERFORM refresh_province_timeline(p_provinces);
  PERFORM refresh_province_figures(p_provinces);
END $$;

CREATE TRIGGER cities_series_insert AFTER INSERT ON cities REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION province_series_changed();
CREATE TRIGGER cities_series_truncate AFTER TRUNCATE ON cities
  FOR EACH STATEMENT EXECUTE FUNCTION province_series_changed();

SELECT refresh_province_figures(NULL);

-- coverage_by_province's columns, one province's figures on a day.
CREATE TYPE province_figures AS (
    province_code text,
    cities integer, neighborhoods integer, covered integer, coverage_count_pct double precision,
    area_ha double precision, covered_ha double precision, coverage_area_pct double precision,
    population bigint, covered_population bigint, coverage_population_pct double precision,
    planned integer, established integer, active integer, handed_over integer, closed integer,
    handover_pct double precision
);

-- Its rules, each province one lookup (as the owner: the national picture counts every city,
-- coverage_by_province_all's rule, 0040).
CREATE FUNCTION province_figures_on_all(as_of date)
RETURNS SETOF province_figures
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS $$
  SELECT p.code,
         COALESCE(s.cities, 0)::int, COALESCE(s.neighborhoods, 0)::int, COALESCE(s.covered, 0)::int,
         100.0 * s.covered / NULLIF(s.neighborhoods, 0),
         COALESCE(s.area_ha::double precision, 0), COALESCE(s.covered_ha::double precision, 0),
         100.0 * s.covered_ha::double precision / NULLIF(s.area_ha::double precision, 0),
         COALESCE(s.population, 0)::bigint, COALESCE(s.covered_population, 0)::bigint,
         100.0 * s.covered_population / NULLIF(s.population, 0),
         COALESCE(s.planned, 0)::int, COALESCE(s.established, 0)::int, COALESCE(s.active, 0)::int,
         COALESCE(s.handed_over, 0)::int, COALESCE(s.closed, 0)::int,
         100.0 * s.handed_over / NULLIF(s.established + s.active + s.handed_over, 0)
  FROM provinces p
  LEFT JOIN LATERAL (
    SELECT x.* FROM province_figure_days x
    WHERE x.province_code = p.code AND x.day <= as_of
    ORDER BY x.day DESC LIMIT 1
  ) s ON true
  ORDER BY p.code
$$;
REVOKE ALL ON FUNCTION province_figures_on_all(date) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION province_figures_on_all(date) TO regen_app, regen_etl;

-- For the dashboard, signed in (as coverage_by_province, 0040).
CREATE FUNCTION province_figures_on(as_of date DEFAULT current_date)
RETURNS SETOF province_figures
LANGUAGE sql STABLE AS $$
  SELECT * FROM province_figures_on_all(as_of) WHERE current_user <> 'regen_app' OR regen_signed_in()
$$;

-- Read as the sums of all provinces are (province_figures_on: any signed-in role): by the owner only.
ALTER TABLE province_figure_days ENABLE ROW LEVEL SECURITY;
