-- Each action's latest status as a fact kept by the transactions that write statuses (issue 17). The
-- actions view's statements read every action's status on the day as the latest begun by then
-- (ties by id), a sort of every status there is (×10: 30,000, the larger part of its cold cost). The
-- latest status of all (action_latest_status) is that status on every day from its own on; only
-- the actions whose latest status began after the day (none for today: no status is dated in the
-- future by the dashboard) are looked up among their statuses. Same statuses (test_cold_actions).

CREATE TABLE action_latest_status (
    action_code text PRIMARY KEY,
    status      text NOT NULL,
    began_on    date NOT NULL,
    evidence    text,
    status_id   bigint NOT NULL
);
CREATE INDEX action_latest_status_began ON action_latest_status (began_on);

-- Bringing some actions' latest statuses up to date (NULL: all).
CREATE FUNCTION refresh_action_latest(p_actions text[]) RETURNS void
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = public, pg_temp AS $$
BEGIN
  DELETE FROM action_latest_status WHERE p_actions IS NULL OR action_code = ANY (p_actions);
  INSERT INTO action_latest_status (action_code, status, began_on, evidence, status_id)
  SELECT DISTINCT ON (s.action_code) s.action_code, s.status, s.began_on, s.evidence, s.id
  FROM action_statuses s
  WHERE p_actions IS NULL OR s.action_code = ANY (p_actions)
  ORDER BY s.action_code, s.began_on DESC, s.id DESC;
END $$;
REVOKE ALL ON FUNCTION refresh_action_latest(text[]) FROM PUBLIC;

CREATE FUNCTION action_latest_changed() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
  acts text[] := '{}';
BEGIN
  IF TG_OP = 'TRUNCATE' THEN
    DELETE FROM action_latest_status;
    RETURN NULL;
  END IF;
  IF TG_OP IN ('INSERT', 'UPDATE') THEN
    acts := acts || (SELECT array_agg(DISTINCT action_code) FROM new_rows);
  END IF;
  IF TG_OP IN ('DELETE', 'UPDATE') THEN
    acts := acts || (SELECT array_agg(DISTINCT action_code) FROM old_rows);
  END IF;
  IF cardinality(acts) > 0 THEN
    PERFORM refresh_action_latest(acts);
  END IF;
  RETURN NULL;
END $$;
REVOKE ALL ON FUNCTION action_latest_changed() FROM PUBLIC;

DO $$
DECLARE
  op text;
BEGIN
  FOREACH op IN ARRAY ARRAY['INSERT', 'UPDATE', 'DELETE'] LOOP
    EXECUTE format('CREATE TRIGGER %I AFTER %s ON action_statuses %s FOR EACH STATEMENT '
                   'EXECUTE FUNCTION action_latest_changed()',
                   'action_statuses_latest_' || lower(op), op,
                   CASE op WHEN 'INSERT' THEN 'REFERENCING NEW TABLE AS new_rows'
                           WHEN 'DELETE' THEN 'REFERENCING OLD TABLE AS old_rows'
                           ELSE 'REFERENCING NEW TABLE AS new_rows OLD TABLE AS old_rows' END);
  END LOOP;
END $$;
CREATE TRIGGER action_statuses_latest_truncate AFTER TRUNCATE ON action_statuses
  FOR EACH STATEMENT EXECUTE FUNCTION action_latest_changed();

SELECT refresh_action_latest(NULL);

-- Read as the statuses are (0040): national and viewer all, a provincial user its province's actions.
ALTER TABLE action_latest_status ENABLE ROW LEVEL SECURITY;
CREATE POLICY app_read ON action_latest_status FOR SELECT TO regen_app
  USING (regen_sees_all() OR action_code IN (SELECT province_actions(regen_own_province())));
GRANT SELECT ON action_latest_status TO regen_app, regen_etl;
