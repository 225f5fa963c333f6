-- neighborhood_status_on as one set-based query. The first version (0006) ran office_states_on()
-- inside a LATERAL subquery, once per neighborhood: fine for 2,700 neighborhoods, but at the demo's
-- benchmark scale (`regen demo --scale 10`: 27,000 neighborhoods, 4,500 offices) coverage_by_province
-- ran past the 30 s statement timeout. Same result: each neighborhood's furthest-along facilitation
-- office that is not closed (handed_over > active > established > planned), else none.
CREATE OR REPLACE FUNCTION neighborhood_status_on(as_of date)
RETURNS TABLE (neighborhood_code text, city_code text, status text, covered boolean)
LANGUAGE sql STABLE PARALLEL SAFE AS $$
  WITH best AS (
    SELECT DISTINCT ON (onb.neighborhood_code) onb.neighborhood_code, s.state
    FROM office_neighborhoods onb
    JOIN offices o ON o.code = onb.office_code AND o.kind = 'facilitation'
    JOIN office_states_on(as_of) s ON s.office_code = o.code
    WHERE s.state <> 'closed'
    ORDER BY onb.neighborhood_code, office_state_rank(s.state) DESC
  )
  SELECT n.code, n.city_code,
         COALESCE(best.state, 'none'),
         COALESCE(best.state IN ('active', 'handed_over'), false)
  FROM neighborhoods_on(as_of) n
  LEFT JOIN best ON best.neighborhood_code = n.code
$$;
