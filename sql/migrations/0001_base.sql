-- PostGIS and the Persian search key used wherever names are compared or searched.
CREATE EXTENSION IF NOT EXISTS postgis;

-- fa_normalize: the search key of a Persian (or English) name.
--   ي ى → ی, ك → ک, ۀ ة → ه, أ إ ٱ → ا; Persian ۰–۹ and Arabic-Indic ٠–٩ digits → 0–9;
--   tatweel, Arabic diacritics, ZWJ and bidi marks removed; ZWNJ, NBSP and spaces collapse to one
--   space; trimmed; lower-cased (for Latin names). Empty → NULL.
-- regen/text.py holds the same rules in Python; tests/test_normalize.py keeps the two equal.
CREATE OR REPLACE FUNCTION fa_normalize(t text) RETURNS text
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
  SELECT NULLIF(lower(btrim(regexp_replace(regexp_replace(
      translate(t, 'يىكۀةأإٱ۰۱۲۳۴۵۶۷۸۹٠١٢٣٤٥٦٧٨٩', 'ییکههااا01234567890123456789'),
      '[\u0640\u064B-\u065F\u0670\u200D-\u200F\u202A-\u202E\u2066-\u2069\uFEFF]', '', 'g'),
      '[[:space:]\u200C\u00A0]+', ' ', 'g'))), '')
$$;

-- A boundary is usable when it is valid and not empty; every boundary column checks this.
CREATE OR REPLACE FUNCTION is_sane_area(g geometry) RETURNS boolean
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT g IS NULL OR (ST_IsValid(g) AND NOT ST_IsEmpty(g))
$$;

-- Hectares on the spheroid (geodesic), the most faithful "equal-area" measure there is.
CREATE OR REPLACE FUNCTION area_ha(g geometry) RETURNS double precision
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT ST_Area(g::geography, true) / 10000.0
$$;
