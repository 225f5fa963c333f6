-- Target neighborhoods, facilitation and renewal service offices, and the offices' dated lifecycle.

CREATE TABLE neighborhoods (
    code        text PRIMARY KEY CHECK (code <> ''),
    city_code   text NOT NULL REFERENCES cities (code),
    name_fa     text NOT NULL CHECK (name_fa <> ''),
    name_en     text,
    name_key    text GENERATED ALWAYS AS (fa_normalize(name_fa)) STORED,
    boundary    geometry(MultiPolygon, 4326) NOT NULL CHECK (is_sane_area(boundary)),
    area_ha     double precision GENERATED ALWAYS AS (area_ha(boundary)) STORED,
    -- The four kinds of target area overlap: one neighborhood can be of several.
    kinds       text[] NOT NULL DEFAULT '{}'
                CHECK (kinds <@ ARRAY['historic', 'inner_city', 'rural_core', 'informal']::text[]),
    population  integer CHECK (population >= 0),
    households  integer CHECK (households >= 0),
    pilot       boolean NOT NULL DEFAULT false,
    source      text NOT NULL DEFAULT 'manual',
    run_id      bigint,
    retired_at  timestamptz,
    retired_run_id bigint
);
CREATE INDEX neighborhoods_city ON neighborhoods (city_code);
CREATE INDEX neighborhoods_name_key ON neighborhoods (name_key);
CREATE INDEX neighborhoods_boundary_gist ON neighborhoods USING gist (boundary);

-- Earlier versions of re-drawn or retired boundaries (neighborhoods get re-drawn; keep what they were).
CREATE TABLE boundary_history (
    id          bigserial PRIMARY KEY,
    level       text NOT NULL CHECK (level IN ('province', 'city', 'neighborhood')),
    code        text NOT NULL,
    name_fa     text,
    boundary    geometry(MultiPolygon, 4326),
    valid_until timestamptz NOT NULL DEFAULT now(),
    reason      text NOT NULL CHECK (reason IN ('redrawn', 'retired', 'renamed')),
    run_id      bigint
);
CREATE INDEX boundary_history_code ON boundary_history (level, code);
CREATE INDEX boundary_history_boundary_gist ON boundary_history USING gist (boundary);

CREATE TABLE offices (
    code          text PRIMARY KEY CHECK (code <> ''),
    kind          text NOT NULL CHECK (kind IN ('facilitation', 'renewal_service')),
    name_fa       text NOT NULL CHECK (name_fa <> ''),
    name_en       text,
    name_key      text GENERATED ALWAYS AS (fa_normalize(name_fa)) STORED,
    city_code     text NOT NULL REFERENCES cities (code),
    location      geometry(Point, 4326) NOT NULL CHECK (NOT ST_IsEmpty(location)),
    -- true when the file gave no coordinates and the loader placed the office inside its neighborhood
    location_estimated boolean NOT NULL DEFAULT false,
    operator_agency_code    text REFERENCES agencies (code),
    supervising_agency_code text REFERENCES agencies (code),   -- the supervising municipality
    pre_program   boolean NOT NULL DEFAULT false,              -- existed before the national program
    source        text NOT NULL DEFAULT 'manual',
    run_id        bigint
);
CREATE INDEX offices_city ON offices (city_code);
CREATE INDEX offices_location_gist ON offices USING gist (location);

CREATE TABLE office_neighborhoods (
    office_code       text NOT NULL REFERENCES offices (code) ON DELETE CASCADE,
    neighborhood_code text NOT NULL REFERENCES neighborhoods (code),
    PRIMARY KEY (office_code, neighborhood_code)
);
CREATE INDEX office_neighborhoods_nbhd ON office_neighborhoods (neighborhood_code);

-- The lifecycle as dated history: a row says "from began_on the office was in this state".
-- A state ends when the next one begins.
CREATE TABLE office_states (
    id          bigserial PRIMARY KEY,
    office_code text NOT NULL REFERENCES offices (code) ON DELETE CASCADE,
    state       text NOT NULL CHECK (state IN ('planned', 'established', 'active', 'handed_over', 'closed')),
    began_on    date NOT NULL,
    letter_no   text,          -- the municipality's letter for a handover
    note        text,
    recorded_by text NOT NULL DEFAULT current_user,
    recorded_at timestamptz NOT NULL DEFAULT now(),
    run_id      bigint,
    UNIQUE (office_code, state)
);
CREATE INDEX office_states_office_date ON office_states (office_code, began_on);

CREATE OR REPLACE FUNCTION office_state_rank(state text) RETURNS int
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT CASE state WHEN 'planned' THEN 1 WHEN 'established' THEN 2 WHEN 'active' THEN 3
                    WHEN 'handed_over' THEN 4 WHEN 'closed' THEN 5 END
$$;

-- Gives why an office's history is not a possible sequence, or NULL when it is.
-- Possible: states in lifecycle order with non-decreasing dates (steps may be skipped: an office that
-- existed before the program starts at established or active); a handover needs an earlier
-- established or active state; nothing after closed; no date in the future.
CREATE OR REPLACE FUNCTION office_history_problem(p_office text) RETURNS text
LANGUAGE sql STABLE AS $$
  WITH h AS (
    SELECT state, began_on, office_state_rank(state) AS r,
           lag(office_state_rank(state)) OVER w AS prev_r,
           lag(state) OVER w AS prev_state
    FROM office_states WHERE office_code = p_office
    WINDOW w AS (ORDER BY began_on, office_state_rank(state))
  )
  SELECT COALESCE(
    (SELECT format('%s on %s comes after %s, which is a later stage', state, began_on, prev_state)
       FROM h WHERE prev_r IS NOT NULL AND r <= prev_r LIMIT 1),
    (SELECT format('handed_over on %s without an earlier established or active state', began_on)
       FROM h WHERE state = 'handed_over'
        AND NOT EXISTS (SELECT 1 FROM h h2 WHERE h2.state IN ('established', 'active')) LIMIT 1),
    (SELECT format('%s is dated %s, in the future', state, began_on)
       FROM h WHERE began_on > current_date LIMIT 1))
$$;
