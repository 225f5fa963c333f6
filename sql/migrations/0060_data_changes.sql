-- The dashboard keeps what it computed under a "data stamp" it reads on every request
-- (dashboard/queries.py). The stamp was the newest ids of four tables and counts of neighborhoods,
-- offices and their links under the user's row-level policies: 15 ms of a 20 ms kept view at the ×10
-- scale, and blind to an edit that neither adds a row nor passes through an ETL run. Here every
-- transaction that writes to a table the dashboard reads leaves one row; the stamp is the number of
-- those rows and the newest id among them.
CREATE TABLE data_changes (
    id   bigserial PRIMARY KEY,
    txid bigint NOT NULL UNIQUE DEFAULT txid_current(),
    at   timestamptz NOT NULL DEFAULT now()
);

-- A statement trigger on each table (a COPY of 40,000 rows is one call), one row per transaction.
-- The 500th row drops all but the newest hundred: the count falls, but the pruning transaction's own
-- row is newer than every row visible before it, so the stamp (count, newest id) does not come back
-- to a value seen before. A row of a transaction still open is invisible to the pruning, and counts
-- once that transaction commits.
CREATE FUNCTION note_data_change() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
  new_id bigint;
BEGIN
  INSERT INTO data_changes DEFAULT VALUES ON CONFLICT (txid) DO NOTHING RETURNING id INTO new_id;
  IF new_id % 500 = 0 THEN
    DELETE FROM data_changes WHERE id <= new_id - 100;
  END IF;
  RETURN NULL;
END $$;
REVOKE ALL ON FUNCTION note_data_change() FROM PUBLIC;

DO $$
DECLARE
  t text;
BEGIN
  FOREACH t IN ARRAY ARRAY['provinces', 'cities', 'agencies', 'neighborhoods', 'boundary_history',
                           'boundary_pieces', 'offices', 'office_neighborhoods', 'office_states',
                           'meetings', 'resolutions', 'resolution_agencies', 'actions',
                           'action_statuses', 'etl_runs', 'etl_rejects'] LOOP
    EXECUTE format('CREATE TRIGGER %I AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON %I '
                   'FOR EACH STATEMENT EXECUTE FUNCTION note_data_change()', t || '_changed', t);
  END LOOP;
END $$;

GRANT SELECT ON data_changes TO regen_app, regen_etl;
