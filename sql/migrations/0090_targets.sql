-- Agencies' quantitative goals (resolution 2 of the 50th meeting: every member agency reports its
-- performance against its goals in the Sixth Development Plan). A target is an agency's goal for one
-- measure, in one place (a province, or the nation when province_code is NULL) and one period of
-- whole Jalali years (a year such as 1402, or a plan period such as the Sixth Plan, 1396–1400).
-- What counts as achieved is computed from the same facts as the dashboard (sql/queries/performance.sql).
CREATE TABLE targets (
    code          text PRIMARY KEY CHECK (code <> ''),
    agency_code   text NOT NULL REFERENCES agencies (code),
    measure       text NOT NULL CHECK (measure IN ('offices_established', 'neighborhoods_covered',
                                                   'offices_handed_over', 'reports_submitted')),
    province_code text REFERENCES provinces (code),
    from_year     integer NOT NULL CHECK (from_year BETWEEN 1300 AND 1500),
    to_year       integer NOT NULL,
    -- 1 Farvardin of from_year and the last day of to_year, Gregorian (the loader converts them), so
    -- that SQL needs no Jalali calendar
    starts_on     date NOT NULL,
    ends_on       date NOT NULL,
    target        integer NOT NULL CHECK (target > 0),
    note          text,
    source        text NOT NULL DEFAULT 'manual',
    run_id        bigint,
    CHECK (to_year >= from_year AND to_year - from_year < 10),
    CHECK (ends_on > starts_on)
);
CREATE INDEX targets_agency ON targets (agency_code);
CREATE INDEX targets_province ON targets (province_code);

-- As for the other detail tables (0040): a provincial target belongs to its province; a national one
-- (no province) is seen by every signed-in role; ETL writes everything.
ALTER TABLE targets ENABLE ROW LEVEL SECURITY;
CREATE POLICY app_read ON targets FOR SELECT TO regen_app
  USING (regen_sees_all()
         OR (regen_own_province() IS NOT NULL
             AND (province_code IS NULL OR province_code = regen_own_province())));
CREATE POLICY etl_all ON targets FOR ALL TO regen_etl USING (true) WITH CHECK (true);
GRANT SELECT ON targets TO regen_app;
GRANT SELECT, INSERT, UPDATE, DELETE ON targets TO regen_etl;

-- The dashboard's data stamp (0060) sees a load of targets.
CREATE TRIGGER targets_changed AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON targets
  FOR EACH STATEMENT EXECUTE FUNCTION note_data_change();
