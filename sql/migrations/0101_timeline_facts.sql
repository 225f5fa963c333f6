-- The timeline from the kept series in one statement (issue 17). It called coverage_by_province()
-- once per point, each a lookup of every city twice (16 points: 0.25-0.4 s); here each row of a
-- city's series also holds the range of days it holds for, and one join of the days with those
-- ranges (GiST) gives every point at once.

ALTER TABLE city_coverage_days ADD COLUMN valid daterange;
ALTER TABLE city_handover_days ADD COLUMN valid daterange;
UPDATE city_coverage_days f SET valid = x.valid FROM (
  SELECT city_code, day, daterange(day, lead(day) OVER (PARTITION BY city_code ORDER BY day), '[)') AS valid
  FROM city_coverage_days) x
WHERE x.city_code = f.city_code AND x.day = f.day;
UPDATE city_handover_days f SET valid = x.valid FROM (
  SELECT city_code, kind, day,
         daterange(day, lead(day) OVER (PARTITION BY city_code, kind ORDER BY day), '[)') AS valid
  FROM city_handover_days) x
WHERE x.city_code = f.city_code AND x.kind = f.kind AND x.day = f.day;
ALTER TABLE city_coverage_days ALTER COLUMN valid SET NOT NULL;
ALTER TABLE city_handover_days ALTER COLUMN valid SET NOT NULL;
CREATE INDEX city_coverage_days_valid ON city_coverage_days USING gist (valid);
CREATE INDEX city_handover_days_valid ON city_handover_days USING gist (valid);

-- The ranges follow every rebuild of a city's series (the rebuild inserts rows without them).
CREATE FUNCTION city_days_valid() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
BEGIN
  IF TG_TABLE_NAME = 'city_coverage_days' THEN
    UPDATE city_coverage_days f SET valid = x.valid FROM (
      SELECT d.city_code, d.day, daterange(d.day, lead(d.day) OVER (PARTITION BY d.city_code ORDER BY d.day), '[)') AS valid
      FROM city_coverage_days d WHERE d.city_code IN (SELECT DISTINCT city_code FROM new_rows)) x
    WHERE x.city_code = f.city_code AND x.day = f.day AND f.valid IS DISTINCT FROM x.valid;
  ELSE
    UPDATE city_handover_days f SET valid = x.valid FROM (
      SELECT d.city_code, d.kind, d.day,
             daterange(d.day, lead(d.day) OVER (PARTITION BY d.city_code, d.kind ORDER BY d.day), '[)') AS valid
      FROM city_handover_days d WHERE d.city_code IN (SELECT DISTINCT city_code FROM new_rows)) x
    WHERE x.city_code = f.city_code AND x.kind = f.kind AND x.day = f.day AND f.valid IS DISTINCT FROM x.valid;
  END IF;
  RETURN NULL;
END $$;
REVOKE ALL ON FUNCTION city_days_valid() FROM PUBLIC;
ALTER TABLE city_coverage_days ALTER COLUMN valid SET DEFAULT 'empty';
ALTER TABLE city_handover_days ALTER COLUMN valid SET DEFAULT 'empty';
CREATE TRIGGER city_coverage_days_valid AFTER INSERT ON city_coverage_days
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION city_days_valid();
CREATE TRIGGER city_handover_days_valid AFTER INSERT ON city_handover_days
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION city_days_valid();

-- Coverage and handover on each of some days, per province (all 31, zeros where nothing is
-- recorded): the sums coverage_by_province gave, as the owner, for the national picture.
CREATE FUNCTION timeline_by_province_all(days date[])
RETURNS TABLE (day date, province_code text, neighborhoods bigint, covered bigint,
               handed_over bigint, established_total bigint)
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS $$
  SELECT d, p.code,
         COALESCE(sum(f.neighborhoods), 0)::bigint, COALESCE(sum(f.covered), 0)::bigint,
         COALESCE(sum(h.handed_over), 0)::bigint,
         COALESCE(sum(COALESCE(h.established + h.active + h.handed_over, 0)), 0)::bigint
  FROM unnest(days) d
  CROSS JOIN provinces p
  LEFT JOIN cities c ON c.province_code = p.code AND (c.retired_at IS NULL OR c.retired_at::date > d)
  LEFT JOIN city_coverage_days f ON f.city_code = c.code AND f.valid @> d
  LEFT JOIN city_handover_days h ON h.city_code = c.code AND h.kind = 'facilitation' AND h.valid @> d
  GROUP BY d, p.code
$$;
REVOKE ALL ON FUNCTION timeline_by_province_all(date[]) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION timeline_by_province_all(date[]) TO regen_app, regen_etl;

CREATE FUNCTION timeline_by_province(days date[])
RETURNS TABLE (day date, province_code text, neighborhoods bigint, covered bigint,
               handed_over bigint, established_total bigint)
LANGUAGE sql STABLE AS $$
  SELECT * FROM timeline_by_province_all(days) WHERE current_user <> 'regen_app' OR regen_signed_in()
$$;
