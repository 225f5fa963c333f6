-- Data stamps per kind of recorded state (issue 17). A recorded office state changed the stamp of
-- every result of its province, the kept actions figures too, which no office state changes, and an
-- action's status the coverage and the timeline; and every write without a province (a national
-- action's status, a state before the first office day) the places' shapes, boxes and neighbours.
-- Here a row of data_changes also says what kind of data its transaction wrote: 'office' (office
-- states), 'action' (action statuses), 'places' (provinces, cities, neighborhoods and their
-- boundaries), NULL (anything else: every kind). A result names the kinds it reads
-- (dashboard/queries.py: READS); a row of another kind leaves it kept. One transaction writing two
-- kinds leaves a row of each.

ALTER TABLE data_changes ADD COLUMN kind text CHECK (kind IN ('office', 'action', 'places'));
ALTER TABLE data_changes DROP CONSTRAINT data_changes_txid_province;
ALTER TABLE data_changes ADD CONSTRAINT data_changes_txid_province_kind UNIQUE NULLS NOT DISTINCT (txid, province, kind);

-- 0180's, with the kind of what was written (NULL: every kind).
CREATE FUNCTION note_changes(touched text[], p_since date, p_kind text) RETURNS void
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
  ids bigint[];
BEGIN
  IF touched IS NULL OR array_position(touched, NULL) IS NOT NULL THEN
    touched := ARRAY[NULL::text];
  END IF;
  WITH ins AS (
    INSERT INTO data_changes (province, since, kind) SELECT p, p_since, p_kind FROM unnest(touched) p
    ON CONFLICT (txid, province, kind) DO UPDATE
      SET since = CASE WHEN data_changes.since IS NULL OR excluded.since IS NULL THEN NULL
                       ELSE least(data_changes.since, excluded.since) END
    RETURNING id, xmax = 0 AS inserted
  ) SELECT array_agg(id) INTO ids FROM ins WHERE inserted;
  IF EXISTS (SELECT 1 FROM unnest(ids) i WHERE i % 500 = 0) THEN
    PERFORM prune_data_changes((SELECT max(i) FROM unnest(ids) i));
  END IF;
END $$;
REVOKE ALL ON FUNCTION note_changes(text[], date, text) FROM PUBLIC;

CREATE OR REPLACE FUNCTION note_changes(touched text[], p_since date) RETURNS void
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
BEGIN
  PERFORM note_changes(touched, p_since, NULL::text);
END $$;

-- Every write that is not a recorded state: every day; of the places' kind when it wrote to them.
CREATE OR REPLACE FUNCTION note_data_change() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
BEGIN
  PERFORM note_changes(NULL::text[], NULL::date,
                       CASE WHEN TG_TABLE_NAME IN ('provinces', 'cities', 'neighborhoods', 'boundary_history',
                                                   'boundary_pieces') THEN 'places'
                            WHEN TG_TABLE_NAME = 'office_states' THEN 'office'
                            WHEN TG_TABLE_NAME = 'action_statuses' THEN 'action' END);
  RETURN NULL;
END $$;

-- 0180's, of the kind of the table written.
CREATE OR REPLACE FUNCTION note_state_change() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
  touched text[] := '{}';
  part text[];
  first_day date;
  since date;
  day date;
BEGIN
  IF TG_TABLE_NAME = 'office_states' THEN
    first_day := (SELECT min(began_on) FROM office_states);
    IF TG_OP IN ('INSERT', 'UPDATE') THEN
      SELECT array_agg(p) INTO part FROM (
        SELECT CASE WHEN r.began_on > first_day THEN c.province_code END AS p
        FROM new_rows r LEFT JOIN offices o ON o.code = r.office_code LEFT JOIN cities c ON c.code = o.city_code
        UNION ALL  -- the neighborhoods it serves, wherever they are
        SELECT c.province_code FROM new_rows r
        JOIN office_neighborhoods onb ON onb.office_code = r.office_code
        JOIN neighborhoods n ON n.code = onb.neighborhood_code JOIN cities c ON c.code = n.city_code) x;
      touched := touched || COALESCE(part, '{}');
      since := (SELECT min(began_on) FROM new_rows);
    END IF;
    IF TG_OP IN ('DELETE', 'UPDATE') THEN
      SELECT array_agg(p) INTO part FROM (
        SELECT CASE WHEN r.began_on > first_day THEN c.province_code END AS p
        FROM old_rows r LEFT JOIN offices o ON o.code = r.office_code LEFT JOIN cities c ON c.code = o.city_code
        UNION ALL  -- the neighborhoods it serves, wherever they are
        SELECT c.province_code FROM old_rows r
        JOIN office_neighborhoods onb ON onb.office_code = r.office_code
        JOIN neighborhoods n ON n.code = onb.neighborhood_code JOIN cities c ON c.code = n.city_code) x;
      touched := touched || COALESCE(part, '{}');
      day := (SELECT min(began_on) FROM old_rows);
      since := CASE WHEN since IS NULL THEN day ELSE least(since, day) END;
    END IF;
  ELSE
    IF TG_OP IN ('INSERT', 'UPDATE') THEN
      SELECT array_agg(ap.province_code) INTO part
      FROM new_rows r LEFT JOIN action_places ap ON ap.action_code = r.action_code;
      touched := touched || COALESCE(part, '{}');
      since := (SELECT min(began_on) FROM new_rows);
    END IF;
    IF TG_OP IN ('DELETE', 'UPDATE') THEN
      SELECT array_agg(ap.province_code) INTO part
      FROM old_rows r LEFT JOIN action_places ap ON ap.action_code = r.action_code;
      touched := touched || COALESCE(part, '{}');
      day := (SELECT min(began_on) FROM old_rows);
      since := CASE WHEN since IS NULL THEN day ELSE least(since, day) END;
    END IF;
  END IF;
  IF cardinality(touched) > 0 THEN
    PERFORM note_changes(ARRAY(SELECT DISTINCT p FROM unnest(touched) p), since,
                         CASE TG_TABLE_NAME WHEN 'office_states' THEN 'office' ELSE 'action' END);
  END IF;
  RETURN NULL;
END $$;

-- data_stamps_by_day() (0180) per kind too.
CREATE FUNCTION data_stamps_by_kind()
RETURNS TABLE (province text, since date, kind text, changes bigint, newest bigint)
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS $$
  SELECT p, s, k, count(*), max(id)
  FROM (SELECT id, CASE WHEN province IS NULL OR regen_sees_province(province) THEN province ELSE '*' END AS p,
               CASE WHEN province IS NULL OR regen_sees_province(province) THEN since END AS s,
               kind AS k
        FROM data_changes) d
  GROUP BY p, s, k
$$;
REVOKE ALL ON FUNCTION data_stamps_by_kind() FROM PUBLIC;
GRANT EXECUTE ON FUNCTION data_stamps_by_kind() TO regen_app;

-- The per-province timeline series (0196) read as the other kept facts are: national and viewer all,
-- a provincial user its province's rows (the national sums come through timeline_by_province).
CREATE POLICY app_read ON province_timeline_days FOR SELECT TO regen_app
  USING (regen_sees_all() OR province_code = regen_own_province());
GRANT SELECT ON province_timeline_days TO regen_app, regen_etl;
