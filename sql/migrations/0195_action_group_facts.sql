-- The actions view's figures as facts kept by the transactions that write actions and statuses
-- (issue 17), like the overdue facts of 0103: dash_action_groups read every action (30,000 at ×10)
-- to count them per resolution, agency and province on a day. Kept here:
--   action_group_spans      each action's days, cut where its status (the latest begun, ties by id;
--                           none yet = open) or its being overdue (due before the day, neither done
--                           nor cancelled) changes, with its meeting, resolution, agency and place;
--   action_group_days       per (meeting, resolution, agency, province, city, status): the number of
--                           actions and of overdue ones on each day it changes, with the range it
--                           holds for (rows of no action left out);
--   action_group_provinces  the same without the city: what the figures read when no city is asked
--                           for (a few hundred rows a day whatever the number of actions).
-- A figure on a day is then a lookup of the rows whose range holds it (dash_action_group_counts).
-- Same figures as dash_action_groups (tests/test_cold_groups.py).

CREATE TABLE action_group_spans (
    action_code       text NOT NULL,
    meeting_number    integer NOT NULL,
    resolution_number integer NOT NULL,
    agency_code       text NOT NULL,
    province_code     text,
    city_code         text,
    status            text NOT NULL,
    overdue           boolean NOT NULL,
    during            daterange NOT NULL
);
CREATE INDEX action_group_spans_code ON action_group_spans (action_code);
CREATE INDEX action_group_spans_group ON action_group_spans
  (COALESCE(province_code, ''), COALESCE(city_code, ''), meeting_number, resolution_number, agency_code);

CREATE TABLE action_group_days (
    meeting_number    integer NOT NULL,
    resolution_number integer NOT NULL,
    agency_code       text NOT NULL,
    province_code     text,
    city_code         text,
    status            text NOT NULL,
    day               date NOT NULL,
    actions           bigint NOT NULL,
    overdue           bigint NOT NULL,
    valid             daterange NOT NULL
);
CREATE INDEX action_group_days_group ON action_group_days
  (COALESCE(province_code, ''), COALESCE(city_code, ''), meeting_number, resolution_number, agency_code);
CREATE INDEX action_group_days_city ON action_group_days (city_code, day);

CREATE TABLE action_group_provinces (
    meeting_number    integer NOT NULL,
    resolution_number integer NOT NULL,
    agency_code       text NOT NULL,
    province_code     text,
    status            text NOT NULL,
    day               date NOT NULL,
    actions           bigint NOT NULL,
    overdue           bigint NOT NULL,
    valid             daterange NOT NULL
);
CREATE INDEX action_group_provinces_group ON action_group_provinces
  (COALESCE(province_code, ''), meeting_number, resolution_number, agency_code);
CREATE INDEX action_group_provinces_valid ON action_group_provinces USING gist (valid);

-- Bringing some actions' facts up to date (NULL: all), and the series of every group they were or are in.
CREATE FUNCTION refresh_action_group_facts(p_actions text[]) RETURNS void
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
  everything boolean := p_actions IS NULL;
BEGIN
  PERFORM pg_advisory_xact_lock(hashtext('regen action group facts'));
  CREATE TEMP TABLE IF NOT EXISTS action_groups_touched (
    province_code text, city_code text, meeting_number integer, resolution_number integer, agency_code text
  ) ON COMMIT DROP;
  TRUNCATE action_groups_touched;
  IF everything THEN
    TRUNCATE action_group_spans, action_group_days, action_group_provinces;
  ELSE
    INSERT INTO action_groups_touched
    SELECT DISTINCT COALESCE(province_code, ''), COALESCE(city_code, ''), meeting_number, resolution_number,
           agency_code
    FROM action_group_spans WHERE action_code = ANY (p_actions);
    DELETE FROM action_group_spans WHERE action_code = ANY (p_actions);
  END IF;

  INSERT INTO action_group_spans (action_code, meeting_number, resolution_number, agency_code, province_code,
                                  city_code, status, overdue, during)
  WITH a AS (
    SELECT a.code, a.meeting_number, a.resolution_number, a.agency_code, a.due_on, ap.province_code, ap.city_code
    FROM actions a JOIN action_places ap ON ap.action_code = a.code
    WHERE everything OR a.code = ANY (p_actions)
  ), st AS (   -- each status until the next one began (same day: the later recorded holds)
    SELECT s.action_code, s.status, s.began_on, daterange(s.began_on, lead(s.began_on) OVER w, '[)') AS during
    FROM action_statuses s
    WHERE everything OR s.action_code = ANY (p_actions)
    WINDOW w AS (PARTITION BY s.action_code ORDER BY s.began_on, s.id)
  ), first AS (
    SELECT action_code, min(began_on) AS first_on FROM st GROUP BY action_code
  ), spans AS (   -- open before the first status, then each status
    SELECT a.code, 'open'::text AS status, daterange(NULL, f.first_on, '[)') AS during
    FROM a LEFT JOIN first f ON f.action_code = a.code
    UNION ALL
    SELECT st.action_code, st.status, st.during FROM st WHERE NOT isempty(st.during)
  ), cut AS (     -- overdue from the day after the due day while neither done nor cancelled
    SELECT s.code, s.status, false AS overdue,
           CASE WHEN a.due_on IS NULL OR s.status IN ('done', 'cancelled') THEN s.during
                ELSE s.during * daterange(NULL, a.due_on + 1, '[)') END AS during
    FROM spans s JOIN a ON a.code = s.code
    UNION ALL
    SELECT s.code, s.status, true, s.during * daterange(a.due_on + 1, NULL, '[)')
    FROM spans s JOIN a ON a.code = s.code
    WHERE a.due_on IS NOT NULL AND s.status NOT IN ('done', 'cancelled')
  )
  SELECT a.code, a.meeting_number, a.resolution_number, a.agency_code, a.province_code, a.city_code,
         c.status, c.overdue, c.during
  FROM cut c JOIN a ON a.code = c.code
  WHERE NOT isempty(c.during);

  IF NOT everything THEN
    INSERT INTO action_groups_touched
    SELECT DISTINCT COALESCE(province_code, ''), COALESCE(city_code, ''), meeting_number, resolution_number,
           agency_code
    FROM action_group_spans WHERE action_code = ANY (p_actions);
    DELETE FROM action_group_days d USING (SELECT DISTINCT * FROM action_groups_touched) t
    WHERE (COALESCE(d.province_code, ''), COALESCE(d.city_code, ''), d.meeting_number, d.resolution_number,
           d.agency_code) = (t.province_code, t.city_code, t.meeting_number, t.resolution_number, t.agency_code);
    DELETE FROM action_group_provinces d
    USING (SELECT DISTINCT province_code, meeting_number, resolution_number, agency_code
           FROM action_groups_touched) t
    WHERE (COALESCE(d.province_code, ''), d.meeting_number, d.resolution_number, d.agency_code)
          = (t.province_code, t.meeting_number, t.resolution_number, t.agency_code);
  END IF;

  -- per group and status: each span adds its action from its start and takes it away at its end
  INSERT INTO action_group_days (meeting_number, resolution_number, agency_code, province_code, city_code, status,
                                 day, actions, overdue, valid)
  WITH sp AS (
    SELECT s.* FROM action_group_spans s
    WHERE everything OR (COALESCE(s.province_code, ''), COALESCE(s.city_code, ''), s.meeting_number,
                         s.resolution_number, s.agency_code) IN (SELECT * FROM action_groups_touched)
  ), ev AS (
    SELECT meeting_number, resolution_number, agency_code, province_code, city_code, status,
           COALESCE(lower(during), '-infinity') AS day, 1 AS sign, overdue FROM sp
    UNION ALL
    SELECT meeting_number, resolution_number, agency_code, province_code, city_code, status,
           upper(during), -1, overdue FROM sp WHERE NOT upper_inf(during)
  ), per_day AS (
    SELECT meeting_number, resolution_number, agency_code, province_code, city_code, status, day,
           sum(sign) AS n, COALESCE(sum(sign) FILTER (WHERE overdue), 0) AS o
    FROM ev GROUP BY 1, 2, 3, 4, 5, 6, 7
  ), running AS (
    SELECT meeting_number, resolution_number, agency_code, province_code, city_code, status, day,
           sum(n) OVER w AS actions, sum(o) OVER w AS overdue, lead(day) OVER w AS next_day
    FROM per_day
    WINDOW w AS (PARTITION BY meeting_number, resolution_number, agency_code, province_code, city_code, status
                 ORDER BY day)
  )
  SELECT meeting_number, resolution_number, agency_code, province_code, city_code, status, day, actions, overdue,
         daterange(day, next_day, '[)')
  FROM running WHERE actions <> 0;

  INSERT INTO action_group_provinces (meeting_number, resolution_number, agency_code, province_code, status,
                                      day, actions, overdue, valid)
  WITH sp AS (
    SELECT s.* FROM action_group_spans s
    WHERE everything OR (COALESCE(s.province_code, ''), s.meeting_number, s.resolution_number, s.agency_code)
                        IN (SELECT province_code, meeting_number, resolution_number, agency_code
                            FROM action_groups_touched)
  ), ev AS (
    SELECT meeting_number, resolution_number, agency_code, province_code, status,
           COALESCE(lower(during), '-infinity') AS day, 1 AS sign, overdue FROM sp
    UNION ALL
    SELECT meeting_number, resolution_number, agency_code, province_code, status,
           upper(during), -1, overdue FROM sp WHERE NOT upper_inf(during)
  ), per_day AS (
    SELECT meeting_number, resolution_number, agency_code, province_code, status, day,
           sum(sign) AS n, COALESCE(sum(sign) FILTER (WHERE overdue), 0) AS o
    FROM ev GROUP BY 1, 2, 3, 4, 5, 6
  ), running AS (
    SELECT meeting_number, resolution_number, agency_code, province_code, status, day,
           sum(n) OVER w AS actions, sum(o) OVER w AS overdue, lead(day) OVER w AS next_day
    FROM per_day
    WINDOW w AS (PARTITION BY meeting_number, resolution_number, agency_code, province_code, status ORDER BY day)
  )
  SELECT meeting_number, resolution_number, agency_code, province_code, status, day, actions, overdue,
         daterange(day, next_day, '[)')
  FROM running WHERE actions <> 0;
END $$;
REVOKE ALL ON FUNCTION refresh_action_group_facts(text[]) FROM PUBLIC;

-- Actions and statuses written; and the places an action is tied to moved (an office or
-- neighborhood to another city, a city to another province): the actions tied to them (as 0103).
CREATE FUNCTION action_group_facts_changed() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
  acts text[];
  col text;
BEGIN
  IF TG_OP = 'TRUNCATE' THEN
    PERFORM refresh_action_group_facts(NULL);
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
      PERFORM refresh_action_group_facts(NULL);   -- rare: a city given to another province
    END IF;
    RETURN NULL;
  END IF;
  IF acts IS NOT NULL THEN
    PERFORM refresh_action_group_facts(acts);
  END IF;
  RETURN NULL;
END $$;
REVOKE ALL ON FUNCTION action_group_facts_changed() FROM PUBLIC;

DO $$
DECLARE
  t text;
  op text;
BEGIN
  FOREACH t IN ARRAY ARRAY['actions', 'action_statuses'] LOOP
    FOREACH op IN ARRAY ARRAY['INSERT', 'UPDATE', 'DELETE'] LOOP
      EXECUTE format('CREATE TRIGGER %I AFTER %s ON %I %s FOR EACH STATEMENT '
                     'EXECUTE FUNCTION action_group_facts_changed()',
                     t || '_groups_' || lower(op), op, t,
                     CASE op WHEN 'INSERT' THEN 'REFERENCING NEW TABLE AS new_rows'
                             WHEN 'DELETE' THEN 'REFERENCING OLD TABLE AS old_rows'
                             ELSE 'REFERENCING NEW TABLE AS new_rows OLD TABLE AS old_rows' END);
    END LOOP;
    EXECUTE format('CREATE TRIGGER %I AFTER TRUNCATE ON %I FOR EACH STATEMENT '
                   'EXECUTE FUNCTION action_group_facts_changed()', t || '_groups_truncate', t);
  END LOOP;
  FOREACH t IN ARRAY ARRAY['offices', 'neighborhoods', 'cities'] LOOP
    EXECUTE format('CREATE TRIGGER %I AFTER UPDATE ON %I REFERENCING NEW TABLE AS new_rows OLD TABLE AS old_rows '
                   'FOR EACH STATEMENT EXECUTE FUNCTION action_group_facts_changed()', t || '_groups_update', t);
  END LOOP;
END $$;

SELECT refresh_action_group_facts(NULL);

-- Read as the actions are: national and viewer all; a provincial user its province's and the
-- national ones (tied to no place), as province_actions() gives them.
ALTER TABLE action_group_spans ENABLE ROW LEVEL SECURITY;
ALTER TABLE action_group_days ENABLE ROW LEVEL SECURITY;
ALTER TABLE action_group_provinces ENABLE ROW LEVEL SECURITY;
CREATE POLICY app_read ON action_group_spans FOR SELECT TO regen_app
  USING (regen_sees_all() OR COALESCE(province_code, regen_own_province()) = regen_own_province());
CREATE POLICY app_read ON action_group_days FOR SELECT TO regen_app
  USING (regen_sees_all() OR COALESCE(province_code, regen_own_province()) = regen_own_province());
CREATE POLICY app_read ON action_group_provinces FOR SELECT TO regen_app
  USING (regen_sees_all() OR COALESCE(province_code, regen_own_province()) = regen_own_province());
GRANT SELECT ON action_group_spans, action_group_days, action_group_provinces TO regen_app, regen_etl;
