-- The timeline as lookups (issue 17). 0101 joined the days with every row of each city's series and
-- kept those whose range holds the day: the rows grow with the data (×10: 11,700 per series, 0.3 s).
-- Here each (day, city) takes the latest change day not after it from the series' primary key, as
-- coverage_by_city does: cost by days × cities, not by the history's length. Same result: a city's
-- series is contiguous from its first change day, so "latest day ≤ d" is "the range holding d".
CREATE OR REPLACE FUNCTION timeline_by_province_all(days date[])
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
  LEFT JOIN LATERAL (
    SELECT x.neighborhoods, x.covered FROM city_coverage_days x
    WHERE x.city_code = c.code AND x.day <= d ORDER BY x.day DESC LIMIT 1
  ) f ON true
  LEFT JOIN LATERAL (
    SELECT x.established, x.active, x.handed_over FROM city_handover_days x
    WHERE x.city_code = c.code AND x.kind = 'facilitation' AND x.day <= d ORDER BY x.day DESC LIMIT 1
  ) h ON true
  GROUP BY d, p.code
$$;
