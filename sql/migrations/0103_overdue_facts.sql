-- Overdue actions as facts kept current by the transactions that write actions and their statuses
-- (issue 17), like coverage in 0100: counting them on a day read every action and status (national
-- view ×10: 0.7 s). Kept here:
--   action_overdue_spans  each action's overdue days: after its due day, while its status (the latest
--                         begun, ties by id; none yet = open) is neither done nor cancelled;
--   action_overdue_days   per place of the actions (action_places: province and city, NULL = none),
--                         the number overdue on each day it changes, with the range it holds for.
-- And the index the handover list lacked (its due date per office read every action: ×10 5 s).

CREATE INDEX actions_office ON actions (office_code);

CREATE TABLE action_overdue_spans (
    action_code   text NOT NULL,
    province_code text,
    city_code     text,
    during        daterange NOT NULL
);
CREATE INDEX action_overdue_spans_code ON action_overdue_spans (action_code);
CREATE INDEX action_overdue_spans_place ON action_overdue_spans (province_code, city_code);

CREATE TABLE action_overdue_days (
    province_code text,
    city_code     text,
    day           date NOT NULL,
    overdue       bigint NOT NULL,
    valid         daterange NOT NULL
);
CREATE INDEX action_overdue_days_place ON action_overdue_days (province_code, city_code, day);
CREATE INDEX action_overdue_days_valid ON action_overdue_days USING gist (valid);

-- Bringing some actions' facts up to date (NULL: all), and the series of every place they were or are in.
CREATE FUNCTION refresh_overdue_facts(p_actions text[]) RETURNS void
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
  everything boolean := p_actions IS NULL;
BEGIN
  PERFORM pg_advisory_xact_lock(hashtext('regen overdue facts'));
  CREATE TEMP TABLE IF NOT EXISTS overdue_places (province_code text, city_code text) ON COMMIT DROP;
  TRUNCATE overdue_places;
  INSERT INTO overdue_places SELECT DISTINCT province_code, city_code FROM action_overdue_spans
   WHERE everything OR action_code = ANY (p_actions);
  DELETE FROM action_overdue_spans WHERE everything OR action_code = ANY (p_actions);

  INSERT INTO action_overdue_spans (action_code, province_code, city_code, during)
  WITH a AS (
    SELECT a.code, a.due_on, ap.province_code, ap.city_code
    FROM actions a JOIN action_places ap ON ap.action_code = a.code
    WHERE (everything OR a.code = ANY (p_actions)) AND a.due_on IS NOT NULL
  ), st AS (   -- each status until the next one began (same day: the later recorded holds)
    SELECT s.action_code, s.status, s.began_on,
           daterange(s.began_on, lead(s.began_on) OVER w, '[)') AS during
    FROM action_statuses s
    WHERE s.action_code IN (SELECT code FROM a)
    WINDOW w AS (PARTITION BY s.action_code ORDER BY s.began_on, s.id)
  ), first AS (
    SELECT action_code, min(began_on) AS first_on FROM st GROUP BY action_code
  ), unfinished AS (   -- open before the first status, then while open or in progress
    SELECT a.code, daterange(NULL, f.first_on, '[)') AS during
    FROM a LEFT JOIN first f ON f.action_code = a.code
    UNION ALL
    SELECT st.action_code, st.during FROM st WHERE st.status NOT IN ('done', 'cancelled')
  )
  SELECT a.code, a.province_code, a.city_code, u.during * daterange(a.due_on + 1, NULL, '[)')
  FROM unfinished u JOIN a ON a.code = u.code
  WHERE NOT isempty(u.during * daterange(a.due_on + 1, NULL, '[)'));

  INSERT INTO overdue_places SELECT DISTINCT province_code, city_code FROM action_overdue_spans
   WHERE everything OR action_code = ANY (p_actions);

  DELETE FROM action_overdue_days d WHERE everything OR EXISTS (
    SELECT 1 FROM overdue_places p
     WHERE p.province_code IS NOT DISTINCT FROM d.province_code AND p.city_code IS NOT DISTINCT FROM d.city_code);
  INSERT INTO action_overdue_days (province_code, city_code, day, overdue, valid)
  WITH sp AS (
    SELECT s.province_code, s.city_code, s.during FROM action_overdue_spans s
    WHERE everything OR EXISTS (
      SELECT 1 FROM overdue_places p
       WHERE p.province_code IS NOT DISTINCT FROM s.province_code AND p.city_code IS NOT DISTINCT FROM s.city_code)
  ), ev AS (
    SELECT province_code, city_code, lower(during) AS day, 1 AS sign FROM sp
    UNION ALL
    SELECT province_code, city_code, upper(during), -1 FROM sp WHERE NOT upper_inf(during)
  ), per_day AS (
    SELECT province_code, city_code, day, sum(sign) AS n FROM ev GROUP BY 1, 2, 3
  ), running AS (
    SELECT province_code, city_code, day, sum(n) OVER w AS overdue,
           lead(day) OVER w AS next_day
    FROM per_day
    WINDOW w AS (PARTITION BY province_code, city_code ORDER BY day)
  )
  SELECT province_code, city_code, day, overdue, daterange(day, next_day, '[)') FROM running;
END $$;
REVOKE ALL ON FUNCTION refresh_overdue_facts(text[]) FROM PUBLIC;

-- Actions and statuses written; and the places an action is tied to moved (an office or
-- neighborhood to another city, a city to another province): the actions tied to them.
CREATE FUNCTION overdue_facts_changed() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
  acts text[];
  col text;
BEGIN
  IF TG_OP = 'TRUNCATE' THEN
    PERFORM refresh_overdue_facts(NULL);
    RETURN NULL;
  END IF;
  IF TG_TABLE_NAME IN ('actions', 'action_statuses') THEN
    col := CASE TG_TABLE_NAME WHEN 'actions' THEN 'code' ELSE 'action_code' END;
    IF TG_OP = 'INSERT' THEN
      EXECUTE format('SELECT array_agg(DISTINCT %I) FROM new_rows', col) INTO acts;
    ELSIF TG_OP = 'DELETE' THEN
      EXECUTE format('SELECT array_agg(DISTINCT %I) FROM old_rows', col) INTO acts;
    ELSE
      EXECUTE format('SELECT array_agg(k) FROM (SELECT %1$I AS k FROM new_rows UNION SELECT %1$I FROM old_rows) x',
                     col) INTO acts;
    END IF;
  ELSIF TG_TABLE_NAME = 'offices' THEN
    SELECT array_agg(a.code) INTO acts FROM actions a
     WHERE a.office_code IN (SELECT n.code FROM new_rows n JOIN old_rows o ON o.code = n.code
                              WHERE n.city_code IS DISTINCT FROM o.city_code);
  ELSIF TG_TABLE_NAME = 'neighborhoods' THEN
    SELECT array_agg(a.code) INTO acts FROM actions a
     WHERE a.neighborhood_code IN (SELECT n.code FROM new_rows n JOIN old_rows o ON o.code = n.code
                                    WHERE n.city_code IS DISTINCT FROM o.city_code);
  ELSIF TG_TABLE_NAME = 'cities' THEN
    IF EXISTS (SELECT 1 FROM new_rows n JOIN old_rows o ON o.code = n.code
                WHERE n.province_code IS DISTINCT FROM o.province_code) THEN
      PERFORM refresh_overdue_facts(NULL);   -- rare: a city given to another province
    END IF;
    RETURN NULL;
  END IF;
  IF acts IS NOT NULL THEN
    PERFORM refresh_overdue_facts(acts);
  END IF;
  RETURN NULL;
END $$;
REVOKE ALL ON FUNCTION overdue_facts_changed() FROM PUBLIC;

DO $$
DECLARE
  t text;
  op text;
BEGIN
  FOREACH t IN ARRAY ARRAY['actions', 'action_statuses'] LOOP
    FOREACH op IN ARRAY ARRAY['INSERT', 'UPDATE', 'DELETE'] LOOP
      EXECUTE format('CREATE TRIGGER %I AFTER %s ON %I %s FOR EACH STATEMENT EXECUTE FUNCTION overdue_facts_changed()',
                     t || '_overdue_' || lower(op), op, t,
                     CASE op WHEN 'INSERT' THEN 'REFERENCING NEW TABLE AS new_rows'
                             WHEN 'DELETE' THEN 'REFERENCING OLD TABLE AS old_rows'
                             ELSE 'REFERENCING NEW TABLE AS new_rows OLD TABLE AS old_rows' END);
    END LOOP;
    EXECUTE format('CREATE TRIGGER %I AFTER TRUNCATE ON %I FOR EACH STATEMENT EXECUTE FUNCTION overdue_facts_changed()',
                   t || '_overdue_truncate', t);
  END LOOP;
  FOREACH t IN ARRAY ARRAY['offices', 'neighborhoods', 'cities'] LOOP
    EXECUTE format('CREATE TRIGGER %I AFTER UPDATE ON %I REFERENCING NEW TABLE AS new_rows OLD TABLE AS old_rows '
                   'FOR EACH STATEMENT EXECUTE FUNCTION overdue_facts_changed()', t || '_overdue_update', t);
  END LOOP;
END $$;

SELECT refresh_overdue_facts(NULL);

-- Read as the actions are: national and viewer all; a provincial user its province's and the
-- national ones (tied to no place), as province_actions() gives them.
ALTER TABLE action_overdue_spans ENABLE ROW LEVEL SECURITY;
ALTER TABLE action_overdue_days ENABLE ROW LEVEL SECURITY;
CREATE POLICY app_read ON action_overdue_spans FOR SELECT TO regen_app
  USING (regen_sees_all() OR COALESCE(province_code, regen_own_province()) = regen_own_province());
CREATE POLICY app_read ON action_overdue_days FOR SELECT TO regen_app
  USING (regen_sees_all() OR COALESCE(province_code, regen_own_province()) = regen_own_province());
GRANT SELECT ON action_overdue_spans, action_overdue_days TO regen_app, regen_etl;

-- Same name, signature and result as 0042: places with at least one overdue action.
CREATE OR REPLACE FUNCTION overdue_by_province_all(as_of date)
RETURNS TABLE (province_code text, overdue integer)
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS $$
  SELECT d.province_code, sum(d.overdue)::int
  FROM action_overdue_days d
  WHERE d.valid @> as_of
  GROUP BY d.province_code
  HAVING sum(d.overdue) > 0
$$;
