-- `regen db dump` / `regen db restore` (regen/backup.py). The restore_* statements run in the same
-- transaction as the restored archive (fed to psql before and after it).

-- name: database_tables
-- Tables and views a database holds besides extensions' (PostGIS's spatial_ref_sys does not count).
SELECT count(*) AS n
  FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
 WHERE c.relkind IN ('r', 'p', 'v', 'm', 'f')
   AND n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg\_%%'
   AND NOT EXISTS (SELECT 1 FROM pg_depend d
                    WHERE d.classid = 'pg_class'::regclass AND d.objid = c.oid AND d.deptype = 'e');

-- name: restore_roles
-- The archive grants to regen_app and regen_etl and names them in row-level policies, but roles
-- belong to the cluster, not to a dump: a new cluster gets them here (as 0040_accounts.sql makes them).
DO $$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'regen_app') THEN
    CREATE ROLE regen_app NOLOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOBYPASSRLS;
  END IF;
  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'regen_etl') THEN
    CREATE ROLE regen_etl NOLOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOBYPASSRLS;
  END IF;
EXCEPTION WHEN insufficient_privilege THEN
  RAISE EXCEPTION 'the restoring role % may not create roles: as a superuser run '
    '"CREATE ROLE regen_app NOLOGIN; CREATE ROLE regen_etl NOLOGIN; GRANT regen_app, regen_etl TO %;" '
    'then restore again', current_user, current_user;
END $$;

-- name: restore_wipe
-- --force: everything in the public schema goes (tables, data, functions, the PostGIS extension);
-- the schema comes back as a new database has it.
DROP SCHEMA public CASCADE;
CREATE SCHEMA public AUTHORIZATION pg_database_owner;
GRANT USAGE ON SCHEMA public TO PUBLIC;

-- name: restore_join_roles
-- The restoring role owns what it restored (--no-owner); it switches to both roles (SET LOCAL ROLE).
DO $$
BEGIN
  IF NOT pg_has_role(current_user, 'regen_app', 'MEMBER') THEN
    EXECUTE format('GRANT regen_app TO %I', current_user);
  END IF;
  IF NOT pg_has_role(current_user, 'regen_etl', 'MEMBER') THEN
    EXECUTE format('GRANT regen_etl TO %I', current_user);
  END IF;
END $$;

-- name: restore_changed
-- A restore is a change of data: the dashboards' data stamp (see 0060_data_changes.sql) moves on, so
-- nothing they computed before it is served after it. A dump older than 0060 has no such table; one
-- from 0140 on keeps a row per transaction and province (the row here names none: every province).
DO $$
BEGIN
  IF to_regclass('public.data_changes') IS NOT NULL THEN  -- apart: a missing table fails to plan
    IF NOT EXISTS (SELECT 1 FROM public.data_changes WHERE txid = txid_current()) THEN
      INSERT INTO public.data_changes DEFAULT VALUES;
    END IF;
  END IF;
END $$;
