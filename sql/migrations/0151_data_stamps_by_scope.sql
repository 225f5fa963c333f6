-- data_changes as the dashboard reads it. 0140 added the province a recorded state touched; 0150 left
-- regen_app its ids only, which the per-province stamps (province) and the header's "data last
-- changed" (at) cannot do with. regen_app now reads no column of it: two functions read it as the
-- owner and give a scope only what concerns it (regen_sees_province: the scope of the transaction,
-- whoever reads; an unscoped owner gets every province summed).
REVOKE SELECT ON data_changes FROM regen_app;
REVOKE SELECT (id) ON data_changes FROM regen_app;

-- The stamps of the kept results (dashboard/queries.py): one row for the writes without a province
-- (NULL), one per province the scope sees, and the other provinces' writes summed in one row
-- ('*': a provincial user's national picture changes with them, but it learns no province's own).
CREATE FUNCTION data_stamps() RETURNS TABLE (province text, changes bigint, newest bigint)
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS $$
  SELECT p, count(*), max(id)
  FROM (SELECT id, CASE WHEN province IS NULL OR regen_sees_province(province) THEN province ELSE '*' END AS p
        FROM data_changes) d
  GROUP BY p
$$;

-- When what the scope sees in detail last changed: the newest write without a province or of a
-- province it sees (NULL on a database nothing was ever written to).
CREATE FUNCTION data_changed_at() RETURNS timestamptz
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS $$
  SELECT max(at) FROM data_changes WHERE province IS NULL OR regen_sees_province(province)
$$;

REVOKE ALL ON FUNCTION data_stamps(), data_changed_at() FROM PUBLIC;
GRANT EXECUTE ON FUNCTION data_stamps(), data_changed_at() TO regen_app;
