-- Under row-level security PostgreSQL applies a table's policy before any condition whose operator
-- is not leakproof, and LIKE is not: as regen_app, a LIKE on neighborhoods.search_key read every row
-- (27,000 at the demo's ×10, about 60 ms) instead of the trigram index. search_matches reads the
-- tables as the owner and gives only the codes that match; dash_search joins those codes back to
-- the tables under the caller's policies, so it shows no row the caller may not read.
-- The pattern is a sub-select, computed once (written inline, the index's recheck computed it again
-- on every row). Fewer than three letters give no trigram: the index would hand back every row
-- (0.2-0.5 s at ×10), so such a text is compared row by row instead (`|| ''` keeps the index out).
CREATE OR REPLACE FUNCTION search_matches(typed text)
RETURNS TABLE (kind text, code text)
LANGUAGE sql STABLE STRICT SECURITY DEFINER SET search_path = public, pg_temp AS $$
  SELECT 'neighborhood', n.code FROM neighborhoods n
  WHERE (SELECT length(fa_search_key(typed)) >= 3) AND n.retired_at IS NULL
    AND n.search_key LIKE (SELECT search_contains(typed))
  UNION ALL
  SELECT 'neighborhood', n.code FROM neighborhoods n
  WHERE (SELECT length(fa_search_key(typed)) < 3) AND n.retired_at IS NULL
    AND (n.search_key || '') LIKE (SELECT search_contains(typed))
  UNION ALL
  SELECT 'office', o.code FROM offices o
  WHERE (SELECT length(fa_search_key(typed)) >= 3) AND o.search_key LIKE (SELECT search_contains(typed))
  UNION ALL
  SELECT 'office', o.code FROM offices o
  WHERE (SELECT length(fa_search_key(typed)) < 3) AND (o.search_key || '') LIKE (SELECT search_contains(typed))
$$;
REVOKE ALL ON FUNCTION search_matches(text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION search_matches(text) TO regen_app;
