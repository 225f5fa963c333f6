-- Data stamps per province and first day touched (issue 17). A state recorded today changed the stamp
-- of every result of its province and of the country, so the national timeline's past points (season
-- starts, years back) were computed again after every write, though a state dated D changes no day
-- before D: the spans it ends or starts begin on D. Here a row of data_changes also says the earliest
-- day its transaction's recorded states touched (`since`: the least began_on of the rows written,
-- before and after; NULL: every day, as any other write: loads, edits by hand, truncations). A result
-- that holds only days up to M then depends on the rows with `since` NULL or on or before M
-- (dashboard/queries.py: `upto`): a write dated today leaves the season starts kept.

ALTER TABLE data_changes ADD COLUMN since date;

-- Leaves the transaction's row for `touched` provinces (as 0140's) touching days from `p_since` on
-- (NULL: every day). A second write of the same transaction and province widens the row's days: the
-- earlier of the two, NULL (every day) over any day.
CREATE FUNCTION note_changes(touched text[], p_since date) RETURNS void
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
  ids bigint[];
BEGIN
  IF touched IS NULL OR array_position(touched, NULL) IS NOT NULL THEN
    touched := ARRAY[NULL::text];
  END IF;
  WITH ins AS (
    INSERT INTO data_changes (province, since) SELECT p, p_since FROM unnest(touched) p
    ON CONFLICT (txid, province) DO UPDATE
      SET since = CASE WHEN data_changes.since IS NULL OR excluded.since IS NULL THEN NULL
                       ELSE least(data_changes.since, excluded.since) END
    RETURNING id, xmax = 0 AS inserted
  ) SELECT array_agg(id) INTO ids FROM ins WHERE inserted;
  IF EXISTS (SELECT 1 FROM unnest(ids) i WHERE i % 500 = 0) THEN
    PERFORM prune_data_changes((SELECT max(i) FROM unnest(ids) i));
  END IF;
END $$;
REVOKE ALL ON FUNCTION note_changes(text[], date) FROM PUBLIC;

-- Every write that is not a recorded state: every day (the pruning's own row too: since NULL).
CREATE OR REPLACE FUNCTION note_changes(touched text[]) RETURNS void
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
BEGIN
  PERFORM note_changes(touched, NULL::date);
END $$;

-- 0140's, with the least began_on of the rows written (new and old) as the first day touched.
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
    PERFORM note_changes(ARRAY(SELECT DISTINCT p FROM unnest(touched) p), since);
  END IF;
  RETURN NULL;
END $$;

-- data_stamps() (0151) per first day touched too. A provincial scope gets the other provinces' writes
-- summed as '*' and without their days (every day): what they touched is none of its business.
CREATE FUNCTION data_stamps_by_day() RETURNS TABLE (province text, since date, changes bigint, newest bigint)
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS $$
  SELECT p, s, count(*), max(id)
  FROM (SELECT id, CASE WHEN province IS NULL OR regen_sees_province(province) THEN province ELSE '*' END AS p,
               CASE WHEN province IS NULL OR regen_sees_province(province) THEN since END AS s
        FROM data_changes) d
  GROUP BY p, s
$$;
REVOKE ALL ON FUNCTION data_stamps_by_day() FROM PUBLIC;
GRANT EXECUTE ON FUNCTION data_stamps_by_day() TO regen_app;
