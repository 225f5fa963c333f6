-- ETL runs and the rows they rejected. A run that fails as a whole leaves no trace here (its
-- transaction rolls back with everything else); a run that commits records its counts and rejects.
CREATE TABLE etl_runs (
    id           bigserial PRIMARY KEY,
    kind         text NOT NULL,            -- boundaries, offices, neighborhood-facts, actions, demo …
    level        text,                     -- province / city / neighborhood for boundaries
    file         text NOT NULL,
    checksum     text NOT NULL,            -- sha256 of the file's bytes
    options      jsonb NOT NULL DEFAULT '{}',
    encoding     text,
    source_crs   text,
    read         integer NOT NULL DEFAULT 0,
    inserted     integer NOT NULL DEFAULT 0,
    updated      integer NOT NULL DEFAULT 0,
    unchanged    integer NOT NULL DEFAULT 0,
    skipped      integer NOT NULL DEFAULT 0,
    rejected     integer NOT NULL DEFAULT 0,
    repaired     integer NOT NULL DEFAULT 0,
    retired      integer NOT NULL DEFAULT 0,
    notes        jsonb NOT NULL DEFAULT '[]',
    started_at   timestamptz NOT NULL DEFAULT now(),
    duration_ms  integer,
    who          text NOT NULL DEFAULT current_user
);

CREATE TABLE etl_rejects (
    id       bigserial PRIMARY KEY,
    run_id   bigint NOT NULL REFERENCES etl_runs (id) ON DELETE CASCADE,
    row_no   integer,          -- 1-based feature or data-row number in the file
    name     text,
    field    text,
    reason   text NOT NULL,
    raw      jsonb
);
CREATE INDEX etl_rejects_run ON etl_rejects (run_id);

ALTER TABLE provinces ADD FOREIGN KEY (run_id) REFERENCES etl_runs (id);
ALTER TABLE cities ADD FOREIGN KEY (run_id) REFERENCES etl_runs (id);
ALTER TABLE neighborhoods ADD FOREIGN KEY (run_id) REFERENCES etl_runs (id);
ALTER TABLE offices ADD FOREIGN KEY (run_id) REFERENCES etl_runs (id);
ALTER TABLE actions ADD FOREIGN KEY (run_id) REFERENCES etl_runs (id);
