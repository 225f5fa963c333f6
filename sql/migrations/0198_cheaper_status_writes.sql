-- A cheaper refresh on a write (issue 17). Recording one action's status took 0.4-0.6 s at ×10, 0.3-0.5
-- s of it in refresh_overdue_facts (0103): the places whose series it writes again were matched with
-- IS NOT DISTINCT FROM (a place may be NULL), which no index nor hash can do, so every overdue span
-- there is (25,000) was compared with each place. Here places are matched on their codes with ''
-- for none, through indexes on the same expressions: the same rows (tests/test_coverage_facts.py's
-- overdue tests), read from the one place the action is in. The actions' group facts (0195): the
-- spans of the groups touched read through their index (not every span), and only the rows of the
-- groups' series that change written, as 0181 does for coverage (×10, a Tehran action: 1,600 rows
-- deleted and inserted again for a status dated today; now the day's and the one before).

CREATE INDEX action_overdue_spans_place_key ON action_overdue_spans (COALESCE(province_code, ''), COALESCE(city_code, ''));
CREATE INDEX action_overdue_days_place_key ON action_overdue_days (COALESCE(province_code, ''), COALESCE(city_code, ''));

CREATE OR REPLACE FUNCTION refresh_overdue_facts(p_actions text[]) RETURNS void
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
  everything boolean := p_actions IS NULL;
BEGIN
  PERFORM pg_advisory_xact_lock(hashtext('regen overdue facts'));
  CREATE TEMP TABLE IF NOT EXISTS overdue_places (province_code text, city_code text) ON COMMIT DROP;
  TRUNCATE overdue_places;
  INSERT INTO overdue_places SELECT DISTINCT COALESCE(province_code, ''), COALESCE(city_code, '')
  FROM action_overdue_spans WHERE everything OR action_code = ANY (p_actions);
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

  INSERT INTO overdue_places SELECT DISTINCT COALESCE(province_code, ''), COALESCE(city_code, '')
  FROM action_overdue_spans WHERE everything OR action_code = ANY (p_actions);

  ANALYZE overdue_places;
  DELETE FROM action_overdue_days d WHERE everything
     OR (COALESCE(d.province_code, ''), COALESCE(d.city_code, '')) IN (SELECT * FROM overdue_places);
  INSERT INTO action_overdue_days (province_code, city_code, day, overdue, valid)
  WITH sp AS (
    SELECT s.province_code, s.city_code, s.during FROM action_overdue_spans s
    WHERE everything
       OR (COALESCE(s.province_code, ''), COALESCE(s.city_code, '')) IN (SELECT * FROM overdue_places)
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


CREATE UNIQUE INDEX action_group_days_key ON action_group_days
  (meeting_number, resolution_number, agency_code, province_code, city_code, status, day) NULLS NOT DISTINCT;
CREATE UNIQUE INDEX action_group_provinces_key ON action_group_provinces
  (meeting_number, resolution_number, agency_code, province_code, status, day) NULLS NOT DISTINCT;

CREATE OR REPLACE FUNCTION refresh_action_group_facts(p_actions text[]) RETURNS void
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
    ANALYZE action_groups_touched;
  END IF;

  -- per group and status: each span adds its action from its start and takes it away at its end; the
  -- rows that change written (new days, changed ones), the days no longer a change day deleted
  WITH t AS (SELECT DISTINCT * FROM action_groups_touched), sp AS (
    SELECT s.* FROM action_group_spans s WHERE everything
    UNION ALL
    SELECT s.* FROM t JOIN action_group_spans s
      ON (COALESCE(s.province_code, ''), COALESCE(s.city_code, ''), s.meeting_number, s.resolution_number,
          s.agency_code) = (t.province_code, t.city_code, t.meeting_number, t.resolution_number, t.agency_code)
    WHERE NOT everything
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
  ), series AS MATERIALIZED (
    SELECT meeting_number, resolution_number, agency_code, province_code, city_code, status, day, actions,
           overdue, daterange(day, next_day, '[)') AS valid
    FROM running WHERE actions <> 0
  ), kept AS (
    INSERT INTO action_group_days AS f (meeting_number, resolution_number, agency_code, province_code, city_code,
                                        status, day, actions, overdue, valid)
    SELECT * FROM series
    ON CONFLICT (meeting_number, resolution_number, agency_code, province_code, city_code, status, day) DO UPDATE
      SET (actions, overdue, valid) = (excluded.actions, excluded.overdue, excluded.valid)
      WHERE (f.actions, f.overdue, f.valid) IS DISTINCT FROM (excluded.actions, excluded.overdue, excluded.valid)
    RETURNING 1
  )
  DELETE FROM action_group_days f USING t
  WHERE NOT everything
    AND (COALESCE(f.province_code, ''), COALESCE(f.city_code, ''), f.meeting_number, f.resolution_number,
         f.agency_code) = (t.province_code, t.city_code, t.meeting_number, t.resolution_number, t.agency_code)
    AND (f.meeting_number, f.resolution_number, f.agency_code, f.status, f.day, COALESCE(f.province_code, ''),
         COALESCE(f.city_code, ''))
        NOT IN (SELECT s.meeting_number, s.resolution_number, s.agency_code, s.status, s.day,
                       COALESCE(s.province_code, ''), COALESCE(s.city_code, '') FROM series s);  -- (hashed)

  WITH t AS (SELECT DISTINCT province_code, meeting_number, resolution_number, agency_code
             FROM action_groups_touched), sp AS (
    SELECT s.* FROM action_group_spans s WHERE everything
    UNION ALL
    SELECT s.* FROM t JOIN action_group_spans s
      ON (COALESCE(s.province_code, ''), s.meeting_number, s.resolution_number, s.agency_code)
         = (t.province_code, t.meeting_number, t.resolution_number, t.agency_code)
    WHERE NOT everything
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
  ), series AS MATERIALIZED (
    SELECT meeting_number, resolution_number, agency_code, province_code, status, day, actions, overdue,
           daterange(day, next_day, '[)') AS valid
    FROM running WHERE actions <> 0
  ), kept AS (
    INSERT INTO action_group_provinces AS f (meeting_number, resolution_number, agency_code, province_code, status,
                                             day, actions, overdue, valid)
    SELECT * FROM series
    ON CONFLICT (meeting_number, resolution_number, agency_code, province_code, status, day) DO UPDATE
      SET (actions, overdue, valid) = (excluded.actions, excluded.overdue, excluded.valid)
      WHERE (f.actions, f.overdue, f.valid) IS DISTINCT FROM (excluded.actions, excluded.overdue, excluded.valid)
    RETURNING 1
  )
  DELETE FROM action_group_provinces f USING t
  WHERE NOT everything
    AND (COALESCE(f.province_code, ''), f.meeting_number, f.resolution_number, f.agency_code)
        = (t.province_code, t.meeting_number, t.resolution_number, t.agency_code)
    AND (f.meeting_number, f.resolution_number, f.agency_code, f.status, f.day, COALESCE(f.province_code, ''))
        NOT IN (SELECT s.meeting_number, s.resolution_number, s.agency_code, s.status, s.day,
                       COALESCE(s.province_code, '') FROM series s);  -- (hashed)
END $$;
