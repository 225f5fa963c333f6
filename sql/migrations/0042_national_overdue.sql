-- Overdue actions per province on a date: a national aggregate, shown to every signed-in role.
-- A provincial user sees the national picture (counts per province) but not other provinces'
-- actions themselves, so the count is computed as the owner and only numbers leave the function.
-- NULL province = actions tied to no place (national ones). As for coverage_by_province (0040): a
-- definer worker, and the public name a scope check in front of it (inside a definer function
-- current_user is the owner, so the check must run in the caller's rights).
CREATE OR REPLACE FUNCTION overdue_by_province_all(as_of date)
RETURNS TABLE (province_code text, overdue integer)
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS $$
  WITH st AS (
    SELECT DISTINCT ON (s.action_code) s.action_code, s.status
    FROM action_statuses s
    WHERE s.began_on <= as_of
    ORDER BY s.action_code, s.began_on DESC, s.id DESC
  )
  SELECT ap.province_code, count(*)::int
  FROM actions a
  JOIN action_places ap ON ap.action_code = a.code
  LEFT JOIN st ON st.action_code = a.code
  WHERE a.due_on < as_of AND COALESCE(st.status, 'open') NOT IN ('done', 'cancelled')
  GROUP BY ap.province_code
$$;
REVOKE ALL ON FUNCTION overdue_by_province_all(date) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION overdue_by_province_all(date) TO regen_app;

CREATE OR REPLACE FUNCTION overdue_by_province(as_of date)
RETURNS TABLE (province_code text, overdue integer)
LANGUAGE sql STABLE AS $$
  SELECT * FROM overdue_by_province_all(as_of) WHERE current_user <> 'regen_app' OR regen_signed_in()
$$;
