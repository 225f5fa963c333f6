-- Accounts, the audit log, and the two roles the application switches to (issue 5).
--
-- The owner (the role that runs migrations) keeps every right. The dashboard and exports run each
-- transaction as `regen_app` (SET LOCAL ROLE, see regen/db.py) with the user's scope in
-- `regen.user` / `regen.role` / `regen.province`; ETL may run as `regen_etl`.

CREATE TABLE users (
    name            text PRIMARY KEY CHECK (name ~ '^[A-Za-z0-9][A-Za-z0-9_.@-]{1,62}$'),
    role            text NOT NULL CHECK (role IN ('national', 'viewer', 'provincial')),
    province_code   text REFERENCES provinces (code),
    password_hash   text NOT NULL CHECK (password_hash LIKE '$argon2%'),
    disabled        boolean NOT NULL DEFAULT false,
    failed_attempts integer NOT NULL DEFAULT 0 CHECK (failed_attempts >= 0),
    locked_until    timestamptz,
    created_at      timestamptz NOT NULL DEFAULT now(),
    last_login_at   timestamptz,
    -- a provincial account is bound to exactly one province; the others to none
    CHECK ((role = 'provincial') = (province_code IS NOT NULL))
);

-- Every accepted change made through the application: who, when, what, before and after.
CREATE TABLE audit_log (
    id            bigserial PRIMARY KEY,
    at            timestamptz NOT NULL DEFAULT now(),
    who           text NOT NULL,
    who_role      text NOT NULL,
    entity        text NOT NULL CHECK (entity IN ('office_state', 'action_status')),
    entity_code   text NOT NULL,
    province_code text REFERENCES provinces (code),   -- the province of the office / action (NULL: national)
    before        jsonb,
    after         jsonb NOT NULL
);
CREATE INDEX audit_log_at ON audit_log (at DESC);
CREATE INDEX audit_log_province ON audit_log (province_code, at DESC);

-- Roles are cluster-wide: create them once, whichever database migrates first.
DO $$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'regen_app') THEN
    CREATE ROLE regen_app NOLOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOBYPASSRLS;
  END IF;
  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'regen_etl') THEN
    CREATE ROLE regen_etl NOLOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOBYPASSRLS;
  END IF;
EXCEPTION WHEN insufficient_privilege THEN
  RAISE EXCEPTION 'the migrating role % may not create roles: as a superuser run '
    '"CREATE ROLE regen_app NOLOGIN; CREATE ROLE regen_etl NOLOGIN; GRANT regen_app, regen_etl TO %;" '
    'then migrate again', current_user, current_user;
END $$;

-- So that the owner's pooled connections can SET LOCAL ROLE to either.
DO $$
BEGIN
  IF NOT pg_has_role(current_user, 'regen_app', 'MEMBER') THEN
    EXECUTE format('GRANT regen_app TO %I', current_user);
  END IF;
  IF NOT pg_has_role(current_user, 'regen_etl', 'MEMBER') THEN
    EXECUTE format('GRANT regen_etl TO %I', current_user);
  END IF;
END $$;

-- ---------------------------------------------------------------------------------------------------
-- The scope of the current transaction (set by the application with SET LOCAL).

-- Whether detail of province `p` may be seen: national and viewer see all, a provincial user its own
-- province, anybody else (unset, anonymous, unknown role) nothing.
CREATE OR REPLACE FUNCTION regen_sees_province(p text) RETURNS boolean
LANGUAGE sql STABLE PARALLEL SAFE AS $$
  SELECT CASE current_setting('regen.role', true)
           WHEN 'national' THEN true
           WHEN 'viewer' THEN true
           WHEN 'provincial' THEN p IS NOT NULL AND p = NULLIF(current_setting('regen.province', true), '')
           ELSE false
         END
$$;

-- Whether a place-less (national) row may be seen: by every signed-in role.
CREATE OR REPLACE FUNCTION regen_signed_in() RETURNS boolean
LANGUAGE sql STABLE PARALLEL SAFE AS $$
  SELECT current_setting('regen.role', true) IN ('national', 'viewer', 'provincial')
$$;

-- The two halves of every policy below, cheap to evaluate: whether the scope sees every province,
-- and the one province of a provincial scope (NULL for anything else).
CREATE OR REPLACE FUNCTION regen_sees_all() RETURNS boolean
LANGUAGE sql STABLE PARALLEL SAFE AS $$
  SELECT COALESCE(current_setting('regen.role', true) IN ('national', 'viewer'), false)
$$;
CREATE OR REPLACE FUNCTION regen_own_province() RETURNS text
LANGUAGE sql STABLE PARALLEL SAFE AS $$
  SELECT CASE WHEN current_setting('regen.role', true) = 'provincial'
              THEN NULLIF(current_setting('regen.province', true), '') END
$$;

-- The province of an action from the most specific place it is tied to, read as the owner: under
-- regen_app a neighborhood or office of another province would be invisible and the action would
-- look national.
CREATE OR REPLACE FUNCTION place_province(p_province text, p_city text, p_neighborhood text, p_office text)
RETURNS text
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS $$
  SELECT COALESCE(p_province,
                  (SELECT province_code FROM cities WHERE code = p_city),
                  (SELECT c.province_code FROM neighborhoods n JOIN cities c ON c.code = n.city_code
                    WHERE n.code = p_neighborhood),
                  (SELECT c.province_code FROM offices o JOIN cities c ON c.code = o.city_code
                    WHERE o.code = p_office))
$$;

-- The actions a provincial user sees: its province's (by the most specific place they are tied to)
-- and the national ones (tied to no place). Read as the owner: a policy on `actions` cannot read
-- `actions` under its own policy.
CREATE OR REPLACE FUNCTION province_actions(p text) RETURNS SETOF text
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS $$
  SELECT ap.action_code FROM action_places ap
  WHERE p IS NOT NULL AND COALESCE(ap.province_code, p) = p
$$;

-- Whether the app role sees rows of province `p`; any other role (the owner, also inside the
-- SECURITY DEFINER aggregates) is not filtered here — RLS already exempts it.
CREATE OR REPLACE FUNCTION regen_app_sees_province(p text) RETURNS boolean
LANGUAGE sql STABLE PARALLEL SAFE AS $$
  SELECT current_user <> 'regen_app' OR regen_sees_province(p)
$$;

-- ---------------------------------------------------------------------------------------------------
-- Row-level security on the tables that hold detail. The owner is exempt (RLS is not FORCEd), so
-- migrations, the CLI and the SECURITY DEFINER functions below see everything.

ALTER TABLE neighborhoods ENABLE ROW LEVEL SECURITY;
ALTER TABLE offices ENABLE ROW LEVEL SECURITY;
ALTER TABLE office_neighborhoods ENABLE ROW LEVEL SECURITY;
ALTER TABLE office_states ENABLE ROW LEVEL SECURITY;
ALTER TABLE actions ENABLE ROW LEVEL SECURITY;
ALTER TABLE action_statuses ENABLE ROW LEVEL SECURITY;
ALTER TABLE audit_log ENABLE ROW LEVEL SECURITY;
ALTER TABLE users ENABLE ROW LEVEL SECURITY;   -- no policy at all: only the owner reads accounts

-- Each policy is "sees everything" OR "the row is in the user's province", written so that the first
-- arm is a constant per statement (national and viewer pay nothing per row) and the second a
-- hashed sub-plan computed once per statement (the set of the province's cities / offices /
-- actions), never a function call per row.
CREATE POLICY app_read ON neighborhoods FOR SELECT TO regen_app
  USING (regen_sees_all()
         OR city_code IN (SELECT c.code FROM cities c WHERE c.province_code = regen_own_province()));
CREATE POLICY app_read ON offices FOR SELECT TO regen_app
  USING (regen_sees_all()
         OR city_code IN (SELECT c.code FROM cities c WHERE c.province_code = regen_own_province()));
CREATE POLICY app_read ON office_neighborhoods FOR SELECT TO regen_app
  USING (regen_sees_all()
         OR (office_code IN (SELECT o.code FROM offices o JOIN cities c ON c.code = o.city_code
                              WHERE c.province_code = regen_own_province())
             AND neighborhood_code IN (SELECT n.code FROM neighborhoods n JOIN cities c ON c.code = n.city_code
                                        WHERE c.province_code = regen_own_province())));
CREATE POLICY app_read ON office_states FOR SELECT TO regen_app
  USING (regen_sees_all()
         OR office_code IN (SELECT o.code FROM offices o JOIN cities c ON c.code = o.city_code
                             WHERE c.province_code = regen_own_province()));
CREATE POLICY app_read ON actions FOR SELECT TO regen_app
  USING (regen_sees_all() OR code IN (SELECT province_actions(regen_own_province())));
CREATE POLICY app_read ON action_statuses FOR SELECT TO regen_app
  USING (regen_sees_all() OR action_code IN (SELECT province_actions(regen_own_province())));
CREATE POLICY app_read ON audit_log FOR SELECT TO regen_app
  USING (regen_sees_all()
         OR (regen_own_province() IS NOT NULL
             AND (province_code IS NULL OR province_code = regen_own_province())));

-- ETL loads everything, in every province.
CREATE POLICY etl_all ON neighborhoods FOR ALL TO regen_etl USING (true) WITH CHECK (true);
CREATE POLICY etl_all ON offices FOR ALL TO regen_etl USING (true) WITH CHECK (true);
CREATE POLICY etl_all ON office_neighborhoods FOR ALL TO regen_etl USING (true) WITH CHECK (true);
CREATE POLICY etl_all ON office_states FOR ALL TO regen_etl USING (true) WITH CHECK (true);
CREATE POLICY etl_all ON actions FOR ALL TO regen_etl USING (true) WITH CHECK (true);
CREATE POLICY etl_all ON action_statuses FOR ALL TO regen_etl USING (true) WITH CHECK (true);



-- ---------------------------------------------------------------------------------------------------
-- City-level aggregates follow the scope (a provincial user gets its province's cities only); the
-- per-province aggregate is the national picture every role may see, so it runs as the owner and
-- returns nothing but aggregates. Bodies as in 0006, plus the scope filter.

CREATE OR REPLACE FUNCTION coverage_by_city(as_of date DEFAULT current_date)
RETURNS TABLE (
    city_code text, province_code text,
    neighborhoods integer, covered integer, coverage_count_pct double precision,
    area_ha double precision, covered_ha double precision, coverage_area_pct double precision,
    population bigint, covered_population bigint, coverage_population_pct double precision
)
LANGUAGE sql STABLE AS $$
  SELECT c.code, c.province_code,
         count(n.code)::int,
         count(n.code) FILTER (WHERE st.covered)::int,
         100.0 * count(n.code) FILTER (WHERE st.covered) / NULLIF(count(n.code), 0),
         COALESCE(sum(n.area_ha), 0),
         COALESCE(sum(n.area_ha) FILTER (WHERE st.covered), 0),
         100.0 * sum(n.area_ha) FILTER (WHERE st.covered) / NULLIF(sum(n.area_ha), 0),
         COALESCE(sum(n.population), 0)::bigint,
         COALESCE(sum(n.population) FILTER (WHERE st.covered), 0)::bigint,
         100.0 * sum(n.population) FILTER (WHERE st.covered) / NULLIF(sum(n.population), 0)
  FROM cities c
  LEFT JOIN neighborhoods_on(as_of) n ON n.city_code = c.code
  LEFT JOIN neighborhood_status_on(as_of) st ON st.neighborhood_code = n.code
  WHERE (c.retired_at IS NULL OR c.retired_at::date > as_of) AND regen_app_sees_province(c.province_code)
  GROUP BY c.code, c.province_code
$$;

CREATE OR REPLACE FUNCTION handover_by_city(as_of date DEFAULT current_date, office_kind text DEFAULT 'facilitation')
RETURNS TABLE (
    city_code text, province_code text,
    planned integer, established integer, active integer, handed_over integer, closed integer,
    handover_pct double precision
)
LANGUAGE sql STABLE AS $$
  SELECT c.code, c.province_code,
         count(*) FILTER (WHERE s.state = 'planned')::int,
         count(*) FILTER (WHERE s.state = 'established')::int,
         count(*) FILTER (WHERE s.state = 'active')::int,
         count(*) FILTER (WHERE s.state = 'handed_over')::int,
         count(*) FILTER (WHERE s.state = 'closed')::int,
         100.0 * count(*) FILTER (WHERE s.state = 'handed_over')
               / NULLIF(count(*) FILTER (WHERE s.state IN ('established', 'active', 'handed_over')), 0)
  FROM cities c
  LEFT JOIN offices o ON o.city_code = c.code AND o.kind = office_kind
  LEFT JOIN office_states_on(as_of) s ON s.office_code = o.code
  WHERE (c.retired_at IS NULL OR c.retired_at::date > as_of) AND regen_app_sees_province(c.province_code)
  GROUP BY c.code, c.province_code
$$;

-- The national picture per province: computed as the owner (over every province's detail), shown to
-- every signed-in role, nothing to an anonymous app transaction. The 0006 function becomes the
-- definer worker; the public name is a thin scope check in front of it.
ALTER FUNCTION coverage_by_province(date) RENAME TO coverage_by_province_all;
ALTER FUNCTION coverage_by_province_all(date) SECURITY DEFINER SET search_path = public, pg_temp;
CREATE FUNCTION coverage_by_province(as_of date DEFAULT current_date)
RETURNS TABLE (
    province_code text,
    cities integer, neighborhoods integer, covered integer, coverage_count_pct double precision,
    area_ha double precision, covered_ha double precision, coverage_area_pct double precision,
    population bigint, covered_population bigint, coverage_population_pct double precision,
    planned integer, established integer, active integer, handed_over integer, closed integer,
    handover_pct double precision
)
LANGUAGE sql STABLE AS $$
  SELECT * FROM coverage_by_province_all(as_of) WHERE current_user <> 'regen_app' OR regen_signed_in()
$$;
-- The view was bound to the renamed function: point it at the checked one.
CREATE OR REPLACE VIEW coverage_by_province_today AS SELECT * FROM coverage_by_province(current_date);

-- ---------------------------------------------------------------------------------------------------
-- The write path. Each function reads the scope from the transaction, checks the account, the role,
-- the province and the sequence, then writes the row and one audit row; a refusal raises and writes
-- nothing. SQLSTATE 42501 = not allowed, 22023 = invalid value, P0002 = not found (in scope).

-- The signed-in account behind the current transaction, or an exception.
CREATE OR REPLACE FUNCTION regen_writer(OUT who text, OUT who_role text, OUT who_province text)
LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS $$
BEGIN
  who := NULLIF(current_setting('regen.user', true), '');
  who_role := current_setting('regen.role', true);
  who_province := NULLIF(current_setting('regen.province', true), '');
  IF who_role IS NULL OR who_role NOT IN ('national', 'provincial') THEN
    RAISE EXCEPTION 'role % may not record changes', COALESCE(NULLIF(who_role, ''), 'anonymous')
      USING ERRCODE = '42501';
  END IF;
  -- The settings must name an enabled account of that role and province (a wrong scope in Python
  -- cannot invent a writer).
  PERFORM 1 FROM users u
   WHERE u.name = who AND u.role = who_role AND NOT u.disabled
     AND u.province_code IS NOT DISTINCT FROM (CASE WHEN who_role = 'provincial' THEN who_province END);
  IF NOT FOUND THEN
    RAISE EXCEPTION 'no enabled account % with role %', COALESCE(who, '(none)'), who_role
      USING ERRCODE = '42501';
  END IF;
END $$;

CREATE OR REPLACE FUNCTION record_office_state(
    p_office text, p_state text, p_on date, p_letter_no text DEFAULT NULL, p_note text DEFAULT NULL)
RETURNS bigint
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
  w record;
  v_province text;
  prev office_states%ROWTYPE;
  new_row office_states%ROWTYPE;
  problem text;
  audit_id bigint;
BEGIN
  w := regen_writer();
  IF p_state IS NULL OR p_state NOT IN ('established', 'active', 'handed_over', 'closed') THEN
    RAISE EXCEPTION 'state must be one of established, active, handed_over, closed' USING ERRCODE = '22023';
  END IF;
  IF p_on IS NULL THEN
    RAISE EXCEPTION 'the date is missing' USING ERRCODE = '22023';
  END IF;
  IF p_on > current_date THEN
    RAISE EXCEPTION 'the date % is in the future', p_on USING ERRCODE = '22023';
  END IF;
  p_letter_no := NULLIF(btrim(p_letter_no), '');
  p_note := NULLIF(btrim(p_note), '');
  IF length(p_letter_no) > 100 OR length(p_note) > 2000 THEN
    RAISE EXCEPTION 'letter number (100) or note (2000 characters) too long' USING ERRCODE = '22023';
  END IF;
  IF p_state = 'handed_over' AND p_letter_no IS NULL THEN
    RAISE EXCEPTION 'a handover needs the municipality''s letter number' USING ERRCODE = '22023';
  END IF;

  -- Lock the office so two recorders cannot interleave; unknown and out-of-scope read the same.
  SELECT c.province_code INTO v_province
    FROM offices o JOIN cities c ON c.code = o.city_code WHERE o.code = p_office FOR UPDATE OF o;
  IF NOT FOUND OR (w.who_role = 'provincial' AND v_province IS DISTINCT FROM w.who_province) THEN
    RAISE EXCEPTION 'office % is not in your scope', p_office USING ERRCODE = 'P0002';
  END IF;

  SELECT * INTO prev FROM office_states WHERE office_code = p_office
   ORDER BY began_on DESC, office_state_rank(state) DESC LIMIT 1;
  IF FOUND THEN
    IF office_state_rank(p_state) <= office_state_rank(prev.state) THEN
      RAISE EXCEPTION 'office % is already %, since %: % cannot follow it', p_office, prev.state, prev.began_on, p_state
        USING ERRCODE = '22023';
    END IF;
    IF p_on < prev.began_on THEN
      RAISE EXCEPTION 'the date % is before the office''s previous state (% on %)', p_on, prev.state, prev.began_on
        USING ERRCODE = '22023';
    END IF;
  END IF;

  INSERT INTO office_states (office_code, state, began_on, letter_no, note, recorded_by)
  VALUES (p_office, p_state, p_on, p_letter_no, p_note, w.who)
  RETURNING * INTO new_row;
  problem := office_history_problem(p_office);
  IF problem IS NOT NULL THEN
    RAISE EXCEPTION 'office %: %', p_office, problem USING ERRCODE = '22023';
  END IF;

  INSERT INTO audit_log (who, who_role, entity, entity_code, province_code, before, after)
  VALUES (w.who, w.who_role, 'office_state', p_office, v_province,
          CASE WHEN prev.id IS NULL THEN NULL
               ELSE jsonb_build_object('state', prev.state, 'began_on', prev.began_on,
                                       'letter_no', prev.letter_no, 'note', prev.note) END,
          jsonb_build_object('state', new_row.state, 'began_on', new_row.began_on,
                             'letter_no', new_row.letter_no, 'note', new_row.note))
  RETURNING id INTO audit_id;
  RETURN audit_id;
END $$;

CREATE OR REPLACE FUNCTION record_action_status(
    p_action text, p_status text, p_on date, p_evidence text)
RETURNS bigint
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
  w record;
  v_province text;
  a actions%ROWTYPE;
  prev action_statuses%ROWTYPE;
  new_row action_statuses%ROWTYPE;
  audit_id bigint;
BEGIN
  w := regen_writer();
  IF p_status IS NULL OR p_status NOT IN ('open', 'in_progress', 'done', 'cancelled') THEN
    RAISE EXCEPTION 'status must be one of open, in_progress, done, cancelled' USING ERRCODE = '22023';
  END IF;
  IF p_on IS NULL THEN
    RAISE EXCEPTION 'the date is missing' USING ERRCODE = '22023';
  END IF;
  IF p_on > current_date THEN
    RAISE EXCEPTION 'the date % is in the future', p_on USING ERRCODE = '22023';
  END IF;
  p_evidence := NULLIF(btrim(p_evidence), '');
  IF p_evidence IS NULL THEN
    RAISE EXCEPTION 'an evidence note is required' USING ERRCODE = '22023';
  END IF;
  IF length(p_evidence) > 2000 THEN
    RAISE EXCEPTION 'the evidence note is longer than 2000 characters' USING ERRCODE = '22023';
  END IF;

  SELECT * INTO a FROM actions WHERE code = p_action FOR UPDATE;
  IF FOUND THEN
    v_province := place_province(a.province_code, a.city_code, a.neighborhood_code, a.office_code);
  END IF;
  -- A provincial user records in its province only; national actions (no place) are national's.
  IF NOT FOUND OR (w.who_role = 'provincial' AND v_province IS DISTINCT FROM w.who_province) THEN
    RAISE EXCEPTION 'action % is not in your scope', p_action USING ERRCODE = 'P0002';
  END IF;

  SELECT * INTO prev FROM action_statuses WHERE action_code = p_action ORDER BY began_on DESC, id DESC LIMIT 1;
  IF FOUND THEN
    IF prev.status = p_status THEN
      RAISE EXCEPTION 'action % is already %', p_action, p_status USING ERRCODE = '22023';
    END IF;
    IF p_on < prev.began_on THEN
      RAISE EXCEPTION 'the date % is before the action''s previous status (% on %)', p_on, prev.status, prev.began_on
        USING ERRCODE = '22023';
    END IF;
  END IF;

  INSERT INTO action_statuses (action_code, status, began_on, evidence, recorded_by)
  VALUES (p_action, p_status, p_on, p_evidence, w.who)
  RETURNING * INTO new_row;

  INSERT INTO audit_log (who, who_role, entity, entity_code, province_code, before, after)
  VALUES (w.who, w.who_role, 'action_status', p_action, v_province,
          CASE WHEN prev.id IS NULL THEN NULL
               ELSE jsonb_build_object('status', prev.status, 'began_on', prev.began_on, 'evidence', prev.evidence) END,
          jsonb_build_object('status', new_row.status, 'began_on', new_row.began_on, 'evidence', new_row.evidence))
  RETURNING id INTO audit_id;
  RETURN audit_id;
END $$;

-- ---------------------------------------------------------------------------------------------------
-- Rights. PostgreSQL lets PUBLIC execute every new function: take that back from the definer ones.

REVOKE ALL ON FUNCTION regen_writer() FROM PUBLIC;
REVOKE ALL ON FUNCTION record_office_state(text, text, date, text, text) FROM PUBLIC;
REVOKE ALL ON FUNCTION record_action_status(text, text, date, text) FROM PUBLIC;
REVOKE ALL ON FUNCTION place_province(text, text, text, text) FROM PUBLIC;
REVOKE ALL ON FUNCTION province_actions(text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION province_actions(text) TO regen_app;
GRANT EXECUTE ON FUNCTION record_office_state(text, text, date, text, text) TO regen_app;
GRANT EXECUTE ON FUNCTION record_action_status(text, text, date, text) TO regen_app;
GRANT EXECUTE ON FUNCTION place_province(text, text, text, text) TO regen_app, regen_etl;
REVOKE ALL ON FUNCTION coverage_by_province_all(date) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION coverage_by_province_all(date) TO regen_app, regen_etl;

-- The app reads: every table of the schema except accounts; no INSERT/UPDATE/DELETE anywhere (it
-- writes through the functions above). Tables added later are not readable until granted.
GRANT USAGE ON SCHEMA public TO regen_app, regen_etl;
DO $$
DECLARE t record;
BEGIN
  FOR t IN SELECT c.oid::regclass AS name, c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
           WHERE c.relkind IN ('r', 'v', 'm', 'p') AND n.nspname = 'public'
             AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.objid = c.oid AND d.deptype = 'e')
  LOOP
    IF t.relname NOT IN ('users', 'schema_migrations') THEN
      EXECUTE format('GRANT SELECT ON %s TO regen_app', t.name);
    END IF;
    IF t.relname NOT IN ('users', 'audit_log', 'schema_migrations') THEN
      EXECUTE format('GRANT SELECT, INSERT, UPDATE, DELETE ON %s TO regen_etl', t.name);
    END IF;
  END LOOP;
END $$;
GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO regen_etl;
REVOKE ALL ON audit_log_id_seq FROM regen_etl;

-- Views run with their owner's rights unless told otherwise, which would skip the policies above.
DO $$
DECLARE v record;
BEGIN
  FOR v IN SELECT c.oid::regclass AS name FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
           WHERE c.relkind = 'v' AND n.nspname = 'public'
             AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.objid = c.oid AND d.deptype = 'e')
  LOOP
    EXECUTE format('ALTER VIEW %s SET (security_invoker = true)', v.name);
  END LOOP;
END $$;
