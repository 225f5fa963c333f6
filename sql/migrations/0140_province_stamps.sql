-- A data stamp per province (issue 17). Every write left one row in data_changes (0060), and the
-- dashboard's one stamp changed with it: a state recorded in Tehran dropped every kept page of every
-- province (bench: 20 readers and one writer a second, p95 6.6-7.1 s). Here a row says which
-- province the write touched: a recorded office state or action status of one province leaves a row
-- with that province; any other write (a load, an edit of places, offices, links or actions, a
-- national action's status, a state that moves the country's first office day) a row without one,
-- which counts for every province. The dashboard then keys a province's results on the rows without
-- a province plus that province's, the national picture on all rows (dashboard/queries.py).

ALTER TABLE data_changes ADD COLUMN province text;
ALTER TABLE data_changes DROP CONSTRAINT data_changes_txid_key;
ALTER TABLE data_changes ADD CONSTRAINT data_changes_txid_province UNIQUE NULLS NOT DISTINCT (txid, province);
-- the first office day (the timeline's start) without a scan of every state
CREATE INDEX office_states_began_on ON office_states (began_on);

-- Keeps the table short: all but the newest hundred rows go. The counts fall, so the pruning
-- transaction leaves a row without a province, newer than every row before it: every stamp (count,
-- newest id) after it is one never seen before.
CREATE FUNCTION prune_data_changes(new_id bigint) RETURNS void
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
BEGIN
  DELETE FROM data_changes WHERE id <= new_id - 100;
  DELETE FROM data_changes WHERE txid = txid_current() AND province IS NULL;
  INSERT INTO data_changes (province) VALUES (NULL);
END $$;
REVOKE ALL ON FUNCTION prune_data_changes(bigint) FROM PUBLIC;

-- Leaves the transaction's row for `touched` provinces (a NULL among them, or none given: every
-- province); the 500th row prunes.
CREATE FUNCTION note_changes(touched text[]) RETURNS void
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
  ids bigint[];
BEGIN
  IF touched IS NULL OR array_position(touched, NULL) IS NOT NULL THEN
    touched := ARRAY[NULL::text];
  END IF;
  WITH ins AS (
    INSERT INTO data_changes (province) SELECT p FROM unnest(touched) p
    ON CONFLICT (txid, province) DO NOTHING RETURNING id
  ) SELECT array_agg(id) INTO ids FROM ins;
  IF EXISTS (SELECT 1 FROM unnest(ids) i WHERE i % 500 = 0) THEN
    PERFORM prune_data_changes((SELECT max(i) FROM unnest(ids) i));
  END IF;
END $$;
REVOKE ALL ON FUNCTION note_changes(text[]) FROM PUBLIC;

CREATE OR REPLACE FUNCTION note_data_change() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
BEGIN
  PERFORM note_changes(NULL);
  RETURN NULL;
END $$;

-- Recorded states: the provinces of the rows the statement wrote (an office's city's and its
-- neighborhoods', an action's place's). A statement that wrote no row changes nothing. An office state on or before the first
-- office day (after the statement) moves the timeline's start in every province: no province.
CREATE FUNCTION note_state_change() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
  touched text[] := '{}';
  part text[];
  first_day date;
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
    END IF;
  ELSE
    IF TG_OP IN ('INSERT', 'UPDATE') THEN
      SELECT array_agg(ap.province_code) INTO part
      FROM new_rows r LEFT JOIN action_places ap ON ap.action_code = r.action_code;
      touched := touched || COALESCE(part, '{}');
    END IF;
    IF TG_OP IN ('DELETE', 'UPDATE') THEN
      SELECT array_agg(ap.province_code) INTO part
      FROM old_rows r LEFT JOIN action_places ap ON ap.action_code = r.action_code;
      touched := touched || COALESCE(part, '{}');
    END IF;
  END IF;
  IF cardinality(touched) > 0 THEN
    PERFORM note_changes(ARRAY(SELECT DISTINCT p FROM unnest(touched) p));
  END IF;
  RETURN NULL;
END $$;
REVOKE ALL ON FUNCTION note_state_change() FROM PUBLIC;

DO $$
DECLARE
  t text;
  op text;
BEGIN
  FOREACH t IN ARRAY ARRAY['office_states', 'action_statuses'] LOOP
    EXECUTE format('DROP TRIGGER %I ON %I', t || '_changed', t);
    FOREACH op IN ARRAY ARRAY['INSERT', 'UPDATE', 'DELETE'] LOOP
      EXECUTE format('CREATE TRIGGER %I AFTER %s ON %I %s FOR EACH STATEMENT EXECUTE FUNCTION note_state_change()',
                     t || '_changed_' || lower(op), op, t,
                     CASE op WHEN 'INSERT' THEN 'REFERENCING NEW TABLE AS new_rows'
                             WHEN 'DELETE' THEN 'REFERENCING OLD TABLE AS old_rows'
                             ELSE 'REFERENCING NEW TABLE AS new_rows OLD TABLE AS old_rows' END);
    END LOOP;
    EXECUTE format('CREATE TRIGGER %I AFTER TRUNCATE ON %I FOR EACH STATEMENT EXECUTE FUNCTION note_data_change()',
                   t || '_changed_truncate', t);
  END LOOP;
END $$;
