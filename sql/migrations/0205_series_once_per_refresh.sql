-- The provinces' series (0196's timeline, 0210's figures) brought up to date once per refresh of the
-- coverage facts, not once per statement of it. A recorded office state refreshes its cities' series
-- in four statements (an upsert and a delete on city_coverage_days, the same on city_handover_days),
-- and each upsert fires its INSERT and its UPDATE trigger: 0196's triggers rebuilt the same province's
-- series three or four times per write (a write took twice stop 20's time: 8.7 ms for 4.6 on the demo
-- ×1, 20 writes each, one after the other).
--
-- While refresh_coverage_facts_now runs, the triggers on the cities' series only add the provinces
-- they would have refreshed to `regen.series_pending` (a transaction-local setting, undone with
-- its transaction or savepoint); the refresh then rebuilds those provinces once, from the series as
-- they end. The same rows as before: a province's series is read from its cities' series, which only
-- the statements that named the province changed, and nothing between reads them. Every
-- other write to those tables (and to cities) keeps its trigger's immediate refresh.
--
-- What the provinces keep from their cities' series is brought up to date by one function,
-- refresh_province_series (here the timeline; 0210 adds the national figures), so that each kept
-- series per province is rebuilt by the same trigger and the same once-per-refresh rule.

ALTER FUNCTION refresh_coverage_facts_now(text[], text[], text[]) RENAME TO refresh_city_facts_now;
ALTER FUNCTION province_timeline_changed() RENAME TO province_series_changed;

-- Every series the provinces keep from their cities' (NULL: all provinces).
CREATE FUNCTION refresh_province_series(p_provinces text[]) RETURNS void
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = public, pg_temp AS $$
BEGIN
  PERFORM refresh_province_timeline(p_provinces);
END $$;
REVOKE ALL ON FUNCTION refresh_province_series(text[]) FROM PUBLIC;

CREATE FUNCTION refresh_coverage_facts_now(p_offices text[], p_neighborhoods text[], p_cities text[])
RETURNS void
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
  provs text[];
BEGIN
  IF COALESCE(current_setting('regen.series_pending', true), '') <> '' THEN
    PERFORM refresh_city_facts_now(p_offices, p_neighborhoods, p_cities);  -- an outer refresh collects
    RETURN;
  END IF;
  PERFORM set_config('regen.series_pending', '{}', true);
  PERFORM refresh_city_facts_now(p_offices, p_neighborhoods, p_cities);
  provs := current_setting('regen.series_pending')::text[];
  PERFORM set_config('regen.series_pending', '', true);
  IF cardinality(provs) > 0 THEN
    PERFORM refresh_province_series(provs);
  END IF;
END $$;
REVOKE ALL ON FUNCTION refresh_coverage_facts_now(text[], text[], text[]) FROM PUBLIC;

-- 0196's, noting the provinces instead while a refresh collects them (and a city added: 0210).
CREATE OR REPLACE FUNCTION province_series_changed() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
  provs text[];
  pending text := COALESCE(current_setting('regen.series_pending', true), '');
BEGIN
  IF TG_OP = 'TRUNCATE' THEN
    PERFORM refresh_province_series(NULL);
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
    ELSIF TG_OP = 'INSERT' THEN
      SELECT array_agg(DISTINCT province_code) INTO provs FROM new_rows;
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
  IF provs IS NULL THEN
    RETURN NULL;
  END IF;
  IF pending <> '' AND TG_TABLE_NAME <> 'cities' THEN
    PERFORM set_config('regen.series_pending',
                       ARRAY(SELECT DISTINCT p FROM unnest(pending::text[] || provs) p ORDER BY p)::text, true);
  ELSE
    PERFORM refresh_province_series(provs);
  END IF;
  RETURN NULL;
END $$;
