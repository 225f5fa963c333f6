-- The search box (dashboard/search.py): places by a piece of their name, in the caller's scope.

-- name: dash_search
-- Provinces, cities, neighborhoods and offices whose Persian or English name holds what was typed,
-- both compared by fa_search_key (migration 0125; the trigram indexes answer the LIKE, for
-- neighborhoods and offices through search_matches: migration 0126). Scope: the
-- `province` filter the query layer passes (a provincial user's own), and regen_app_sees_province
-- for the tables with no row-level security (provinces, cities); neighborhoods and offices are
-- filtered by their policies as well. Current places only. A whole name first, then a name that
-- starts with it, then the rest; within each provinces, cities, neighborhoods, offices; shorter
-- names first. Each with its parent (a city's province, a neighborhood's or office's city).
WITH matches AS MATERIALIZED (SELECT * FROM search_matches(%(text)s)),  -- codes, read as the owner
hits AS (
  SELECT 'province' AS kind, p.code, p.name_fa, p.name_en, NULL::text AS parent_fa,
         NULL::text AS parent_en, p.code AS province_code, NULL::text AS city_code, p.search_key
  FROM provinces p
  WHERE p.search_key LIKE search_contains(%(text)s) AND regen_app_sees_province(p.code)
    AND (%(province)s::text IS NULL OR p.code = %(province)s)
  UNION ALL
  SELECT 'city', c.code, c.name_fa, c.name_en, p.name_fa, p.name_en, c.province_code, c.code,
         c.search_key
  FROM cities c JOIN provinces p ON p.code = c.province_code
  WHERE c.search_key LIKE search_contains(%(text)s) AND c.retired_at IS NULL
    AND regen_app_sees_province(c.province_code)
    AND (%(province)s::text IS NULL OR c.province_code = %(province)s)
  UNION ALL
  SELECT 'neighborhood', n.code, n.name_fa, n.name_en, c.name_fa, c.name_en, c.province_code,
         c.code, n.search_key
  FROM matches m JOIN neighborhoods n ON n.code = m.code JOIN cities c ON c.code = n.city_code
  WHERE m.kind = 'neighborhood' AND n.retired_at IS NULL AND c.retired_at IS NULL
    AND regen_app_sees_province(c.province_code)
    AND (%(province)s::text IS NULL OR c.province_code = %(province)s)
  UNION ALL
  SELECT 'office', o.code, o.name_fa, o.name_en, c.name_fa, c.name_en, c.province_code, c.code,
         o.search_key
  FROM matches m JOIN offices o ON o.code = m.code JOIN cities c ON c.code = o.city_code
  WHERE m.kind = 'office' AND c.retired_at IS NULL
    AND regen_app_sees_province(c.province_code)
    AND (%(province)s::text IS NULL OR c.province_code = %(province)s)
)
SELECT h.kind, h.code, h.name_fa, h.name_en, h.parent_fa, h.parent_en, h.province_code, h.city_code,
       CASE WHEN position(q.k || ' ' IN ' ' || h.search_key || ' ') > 0 THEN 0
            WHEN position(q.k IN ' ' || h.search_key) > 0 THEN 1 ELSE 2 END AS rank
FROM hits h, (SELECT ' ' || fa_search_key(%(text)s) AS k) q
ORDER BY rank, array_position(ARRAY['province', 'city', 'neighborhood', 'office'], h.kind),
         length(h.name_fa), h.name_fa, h.code
LIMIT %(limit)s
