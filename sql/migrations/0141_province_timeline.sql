-- A province's timeline alone (issue 17). The province view summed timeline_by_province(days) over
-- its own rows, but the function (SECURITY DEFINER, never inlined) computed all 31 provinces first:
-- at ×10 0.13 s of a cold province view, for one province's twenty cities. Same body as 0104's, for
-- one province (NULL: all of them), so the same sums.
CREATE FUNCTION timeline_by_province_all(days date[], p_province text)
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
  WHERE p_province IS NULL OR p.code = p_province
  GROUP BY d, p.code
$$;
REVOKE ALL ON FUNCTION timeline_by_province_all(date[], text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION timeline_by_province_all(date[], text) TO regen_app, regen_etl;

CREATE FUNCTION timeline_by_province(days date[], p_province text)
RETURNS TABLE (day date, province_code text, neighborhoods bigint, covered bigint,
               handed_over bigint, established_total bigint)
LANGUAGE sql STABLE AS $$
  SELECT * FROM timeline_by_province_all(days, p_province) WHERE current_user <> 'regen_app' OR regen_signed_in()
$$;
