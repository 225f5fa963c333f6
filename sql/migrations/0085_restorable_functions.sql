-- A restore (`regen db restore`, pg_restore) runs with an empty search_path and computes the stored
-- generated columns and CHECKs as it creates tables and copies rows. area_ha and is_sane_area named
-- PostGIS functions unqualified, so a restore failed ("function st_transform(public.geometry,
-- integer) does not exist"). Their bodies now name PostGIS's schema; they stay plain SQL (inlined,
-- no SET search_path), and give the same values, so the stored columns need no recomputing.
DO $$
DECLARE
  s text := (SELECT n.nspname FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace
              WHERE e.extname = 'postgis');
BEGIN
  EXECUTE format($f$
    CREATE OR REPLACE FUNCTION area_ha(g geometry) RETURNS double precision
    LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $b$
      SELECT %1$I.ST_Area(%1$I.ST_Transform(g, 6933)) / 10000.0
    $b$ $f$, s);
  EXECUTE format($f$
    CREATE OR REPLACE FUNCTION is_sane_area(g geometry) RETURNS boolean
    LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $b$
      SELECT g IS NULL OR (%1$I.ST_IsValid(g) AND NOT %1$I.ST_IsEmpty(g))
    $b$ $f$, s);
END $$;
