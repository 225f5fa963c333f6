-- Each action's status on a day, in one place (issue 13): the latest status of all when it began by
-- then (action_latest_status, 0182), else the latest of its statuses begun by then (ties by id). An
-- action with no status begun by the day has no row (the dashboard reads it as open). dash_actions,
-- dash_action_groups and the actions' pages each repeated this; they call it now. Plain SQL with the
-- invoker's rights and no settings of its own, so the planner inlines it into the calling statement
-- and row-level security applies to the caller as it did (test_cold_actions compares it with the old
-- rule: a sort of every status).
CREATE FUNCTION action_statuses_on(p_day date)
RETURNS TABLE (action_code text, status text, began_on date, evidence text)
LANGUAGE sql STABLE SECURITY INVOKER AS $$
  SELECT l.action_code, l.status, l.began_on, l.evidence
  FROM action_latest_status l
  WHERE l.began_on <= p_day
  UNION ALL
  SELECT * FROM (
    SELECT DISTINCT ON (s.action_code) s.action_code, s.status, s.began_on, s.evidence
    FROM action_latest_status l JOIN action_statuses s ON s.action_code = l.action_code
    WHERE l.began_on > p_day AND s.began_on <= p_day
    ORDER BY s.action_code, s.began_on DESC, s.id DESC
  ) earlier
$$;
GRANT EXECUTE ON FUNCTION action_statuses_on(date) TO regen_app, regen_etl;
