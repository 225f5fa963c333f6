-- The search box (dashboard/search.py): places found by a piece of their Persian or English name.
-- pg_trgm is a trusted extension (the database owner may create it); Debian's postgresql-15 and the
-- postgis image ship it.
CREATE EXTENSION IF NOT EXISTS pg_trgm;

-- fa_search_key: what the search box compares. fa_normalize (ي→ی, ك→ک, digits …), then آ→ا, and
-- with no spaces (so «محله‌های», «محله های» and «محلههای» are one key: ZWNJ is a space to
-- fa_normalize) and none of - _ . , ' ( ) ، (so «Boyer-Ahmad» is found by «boyer ahmad»).
-- regen/text.py holds the same rules (search_key); tests/test_search_queries.py keeps the two equal.
CREATE OR REPLACE FUNCTION fa_search_key(t text) RETURNS text
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
  SELECT NULLIF(regexp_replace(translate(fa_normalize(t), 'آ', 'ا'), '[ ''(),._،-]', '', 'g'), '')
$$;

-- The search key of a place: its Persian and its English key, apart by one space (no key holds a
-- space, so a match never straddles the two, and ' ' || key || ' ' finds a whole name).
CREATE OR REPLACE FUNCTION place_search_key(name_fa text, name_en text) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT COALESCE(fa_search_key(name_fa), '') || COALESCE(' ' || fa_search_key(name_en), '')
$$;

-- The LIKE pattern that finds what was typed anywhere in a search key (% and \ taken literally).
-- Immutable: with the typed text bound, the planner folds it to a constant the trigram index reads.
CREATE OR REPLACE FUNCTION search_contains(typed text) RETURNS text
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
  SELECT '%' || regexp_replace(fa_search_key(typed), '([%_\\])', '\\\1', 'g') || '%'
$$;

ALTER TABLE provinces ADD COLUMN search_key text
  GENERATED ALWAYS AS (place_search_key(name_fa, name_en)) STORED;
ALTER TABLE cities ADD COLUMN search_key text
  GENERATED ALWAYS AS (place_search_key(name_fa, name_en)) STORED;
ALTER TABLE neighborhoods ADD COLUMN search_key text
  GENERATED ALWAYS AS (place_search_key(name_fa, name_en)) STORED;
ALTER TABLE offices ADD COLUMN search_key text
  GENERATED ALWAYS AS (place_search_key(name_fa, name_en)) STORED;

-- Trigram indexes answer LIKE '%…%' without reading every row (31 provinces need none).
CREATE INDEX cities_search_trgm ON cities USING gin (search_key gin_trgm_ops);
CREATE INDEX neighborhoods_search_trgm ON neighborhoods USING gin (search_key gin_trgm_ops);
CREATE INDEX offices_search_trgm ON offices USING gin (search_key gin_trgm_ops);
