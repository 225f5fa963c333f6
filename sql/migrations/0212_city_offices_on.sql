-- A city's offices on a day, as dash_city_offices listed them (issue 17), in one function: the dates
-- each state began up to the day in one look at the office's states (four before, one per state), the
-- due date of its handover once. PL/pgSQL, so that a connection plans it once (its statement was
-- planned on every call: 8 ms at ×10 under row-level security, more than it ran); the invoker's
-- rights, so row-level security applies to the caller as before. tests/test_cold_city_offices.py
-- compares it with the statement it replaces.
CREATE FUNCTION city_offices_on(p_city text, p_day date, p_kind text, p_lang text)
RETURNS TABLE (
    code text, kind text, name_fa text, name_en text, lon double precision, lat double precision,
    location_estimated boolean, pre_program boolean, operator_agency_code text, state text,
    state_since date, planned_on date, established_on date, active_on date, handed_over_on date,
    neighborhoods text, neighborhood_codes text, due_on date, months_late integer, overdue boolean
)
LANGUAGE plpgsql STABLE SECURITY INVOKER AS $$
#variable_conflict use_column
BEGIN
  RETURN QUERY
  SELECT o.code, o.kind, o.name_fa, o.name_en, ST_X(o.location), ST_Y(o.location),
         o.location_estimated, o.pre_program, o.operator_agency_code, COALESCE(s.state, 'none'), s.began_on,
         d.planned_on, d.established_on, d.active_on, d.handed_over_on, nb.names, nc.codes, du.due_on,
         CASE WHEN COALESCE(s.state, 'none') IN ('planned', 'established', 'active')
              THEN handover_months_late(du.due_on, p_day) END,
         handover_overdue(COALESCE(s.state, 'none'), du.due_on, p_day)
  FROM offices o
  -- each office's state looked up (as in dash_neighborhoods)
  LEFT JOIN LATERAL (
    SELECT x.state, x.began_on FROM office_states_on(p_day) x WHERE x.office_code = o.code LIMIT 1
  ) s ON true
  CROSS JOIN LATERAL (
    SELECT max(x.began_on) FILTER (WHERE x.state = 'planned') AS planned_on,
           max(x.began_on) FILTER (WHERE x.state = 'established') AS established_on,
           max(x.began_on) FILTER (WHERE x.state = 'active') AS active_on,
           max(x.began_on) FILTER (WHERE x.state = 'handed_over') AS handed_over_on
    FROM office_states x WHERE x.office_code = o.code AND x.began_on <= p_day
  ) d
  CROSS JOIN LATERAL (
    SELECT min(a.due_on) AS due_on FROM actions a WHERE a.office_code = o.code AND a.kind = 'handover_office'
  ) du
  CROSS JOIN LATERAL (
    SELECT string_agg(COALESCE(CASE WHEN p_lang = 'en' THEN n.name_en END, n.name_fa),
                      CASE WHEN p_lang = 'en' THEN ', ' ELSE '، ' END ORDER BY n.name_fa COLLATE "fa-x-icu") AS names
    FROM office_neighborhoods onb JOIN neighborhoods n ON n.code = onb.neighborhood_code
    WHERE onb.office_code = o.code
  ) nb
  CROSS JOIN LATERAL (
    SELECT string_agg(onb.neighborhood_code, ', ' ORDER BY onb.neighborhood_code) AS codes
    FROM office_neighborhoods onb WHERE onb.office_code = o.code
  ) nc
  WHERE o.city_code = p_city
    AND (p_kind IS NULL
         OR EXISTS (SELECT 1 FROM office_neighborhoods onb JOIN neighborhoods n ON n.code = onb.neighborhood_code
                    WHERE onb.office_code = o.code AND p_kind = ANY (n.kinds)));
END $$;
GRANT EXECUTE ON FUNCTION city_offices_on(text, date, text, text) TO regen_app, regen_etl;
