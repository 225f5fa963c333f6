-- Scope in the database for what 0040 left to Python (issue 12): ETL runs and their rejected rows,
-- cities, the city-level earlier boundaries, and the boundary loader's cache of cut-up outlines.
--
-- An ETL run belongs to the provinces it touched: those of every row it wrote, retired or recorded a
-- boundary of, and of every row it rejected. A provincial scope sees the runs that touched its province
-- (a run over several provinces is seen by each of them: its counts and notes are the whole file's); a
-- run that touched none is national's and viewer's only. A rejected row belongs to the one province it
-- names (its office, neighborhood, city or province, as the loaders' columns call them); a row that
-- names none, or places in more than one province, is national's and viewer's only.

ALTER TABLE etl_runs ADD COLUMN provinces text[] NOT NULL DEFAULT '{}';
ALTER TABLE etl_rejects ADD COLUMN province_code text REFERENCES provinces (code);
CREATE INDEX etl_runs_provinces ON etl_runs USING gin (provinces);

-- The province of a rejected row of a run of `kind`, from its raw cells (etl_rejects.raw, keyed by
-- the loaders' column names; `code` is the row's own office, neighborhood, city or action): NULL
-- unless the places it names are all in one province.
CREATE FUNCTION etl_reject_province(kind text, raw jsonb) RETURNS text
LANGUAGE sql STABLE SET search_path = public, pg_temp AS $$
  SELECT CASE WHEN count(DISTINCT p) = 1 THEN min(p) END
  FROM (
    SELECT c.province_code FROM offices o JOIN cities c ON c.code = o.city_code
     WHERE kind = 'offices' AND o.code = raw->>'code'
    UNION ALL
    SELECT c.province_code FROM neighborhoods n JOIN cities c ON c.code = n.city_code
     WHERE kind = 'neighborhood-facts' AND n.code = raw->>'code'
    UNION ALL
    SELECT province_code FROM cities WHERE kind = 'cities' AND code = raw->>'code'
    UNION ALL
    SELECT place_province(a.province_code, a.city_code, a.neighborhood_code, a.office_code)
      FROM actions a WHERE kind = 'actions' AND a.code = raw->>'code'
    UNION ALL
    SELECT c.province_code FROM offices o JOIN cities c ON c.code = o.city_code WHERE o.code = raw->>'office'
    UNION ALL
    SELECT c.province_code FROM neighborhoods n JOIN cities c ON c.code = n.city_code
     WHERE n.code = raw->>'neighborhood'
    UNION ALL
    SELECT province_code FROM cities WHERE code = raw->>'city'
    UNION ALL
    SELECT code FROM provinces
     WHERE upper(raw->>'province') = code
        OR fa_normalize(raw->>'province') IN (name_key, name_en_key)
  ) AS named(p)
$$;

-- The provinces a run touched (p_run), or of every run (NULL): (run id, province) pairs.
CREATE FUNCTION etl_touched(p_run bigint) RETURNS TABLE (run_id bigint, province_code text)
LANGUAGE sql STABLE SET search_path = public, pg_temp AS $$
  SELECT run_id, code FROM provinces WHERE run_id = p_run OR p_run IS NULL
  UNION
  SELECT r, province_code FROM cities, LATERAL (VALUES (run_id), (retired_run_id)) AS x(r)
   WHERE r = p_run OR (p_run IS NULL AND r IS NOT NULL)
  UNION
  SELECT r, c.province_code FROM neighborhoods n JOIN cities c ON c.code = n.city_code,
         LATERAL (VALUES (n.run_id), (n.retired_run_id)) AS x(r)
   WHERE r = p_run OR (p_run IS NULL AND r IS NOT NULL)
  UNION
  SELECT o.run_id, c.province_code FROM offices o JOIN cities c ON c.code = o.city_code
   WHERE o.run_id = p_run OR (p_run IS NULL AND o.run_id IS NOT NULL)
  UNION
  SELECT s.run_id, c.province_code
    FROM office_states s JOIN offices o ON o.code = s.office_code JOIN cities c ON c.code = o.city_code
   WHERE s.run_id = p_run OR (p_run IS NULL AND s.run_id IS NOT NULL)
  UNION
  SELECT a.run_id, ap.province_code FROM actions a JOIN action_places ap ON ap.action_code = a.code
   WHERE a.run_id = p_run OR (p_run IS NULL AND a.run_id IS NOT NULL)
  UNION
  SELECT s.run_id, ap.province_code FROM action_statuses s JOIN action_places ap ON ap.action_code = s.action_code
   WHERE s.run_id = p_run OR (p_run IS NULL AND s.run_id IS NOT NULL)
  UNION
  SELECT h.run_id, CASE h.level WHEN 'province' THEN h.code
                     WHEN 'city' THEN (SELECT province_code FROM cities WHERE code = h.code)
                     ELSE (SELECT c.province_code FROM neighborhoods n JOIN cities c ON c.code = n.city_code
                            WHERE n.code = h.code) END
    FROM boundary_history h WHERE h.run_id = p_run OR (p_run IS NULL AND h.run_id IS NOT NULL)
  UNION
  SELECT j.run_id, j.province_code FROM etl_rejects j
   WHERE j.run_id = p_run OR p_run IS NULL
$$;

-- The runs already recorded: their rejects' provinces, then the provinces their rows still name
-- (a row rewritten by a later run names that run since: the earlier run may show fewer provinces).
UPDATE etl_rejects j SET province_code = etl_reject_province(r.kind, j.raw)
FROM etl_runs r WHERE r.id = j.run_id AND j.raw IS NOT NULL;
UPDATE etl_runs r SET provinces = t.provinces
FROM (SELECT run_id, array_agg(DISTINCT province_code ORDER BY province_code) AS provinces
      FROM etl_touched(NULL) WHERE province_code IS NOT NULL GROUP BY run_id) t
WHERE t.run_id = r.id;

REVOKE ALL ON FUNCTION etl_touched(bigint) FROM PUBLIC;
REVOKE ALL ON FUNCTION etl_reject_province(text, jsonb) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION etl_touched(bigint), etl_reject_province(text, jsonb) TO regen_etl;

-- ---------------------------------------------------------------------------------------------------
ALTER TABLE etl_runs ENABLE ROW LEVEL SECURITY;
ALTER TABLE etl_rejects ENABLE ROW LEVEL SECURITY;
CREATE POLICY app_read ON etl_runs FOR SELECT TO regen_app
  USING (regen_sees_all() OR regen_own_province() = ANY (provinces));
CREATE POLICY app_read ON etl_rejects FOR SELECT TO regen_app
  USING (regen_sees_all() OR province_code = regen_own_province());
CREATE POLICY etl_all ON etl_runs FOR ALL TO regen_etl USING (true) WITH CHECK (true);
CREATE POLICY etl_all ON etl_rejects FOR ALL TO regen_etl USING (true) WITH CHECK (true);

-- Cities are places like neighborhoods: a provincial scope reads its own province's only (names,
-- outlines and figures alike), national and viewer all, anonymous none. The per-province national
-- picture still counts every city (coverage_by_province_all runs as the owner).
ALTER TABLE cities ENABLE ROW LEVEL SECURITY;
CREATE POLICY app_read ON cities FOR SELECT TO regen_app
  USING (regen_sees_all() OR province_code = regen_own_province());
CREATE POLICY etl_all ON cities FOR ALL TO regen_etl USING (true) WITH CHECK (true);

-- Earlier boundaries follow their place: a province's are the national picture (every signed-in
-- role), a city's or a neighborhood's its province's.
DROP POLICY app_read ON boundary_history;
CREATE POLICY app_read ON boundary_history FOR SELECT TO regen_app
  USING (regen_sees_all()
         OR (level = 'province' AND regen_signed_in())
         OR (level = 'city'
             AND code IN (SELECT c.code FROM cities c WHERE c.province_code = regen_own_province()))
         OR (level = 'neighborhood'
             AND code IN (SELECT n.code FROM neighborhoods n JOIN cities c ON c.code = n.city_code
                           WHERE c.province_code = regen_own_province())));

-- The boundary loader's cache of cut-up province and city outlines: the loader's alone.
REVOKE ALL ON boundary_pieces FROM regen_app;
