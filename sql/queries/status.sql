-- name: row_counts
SELECT 'provinces' AS table_name, count(*) AS n FROM provinces
UNION ALL SELECT 'provinces with boundary', count(*) FROM provinces WHERE boundary IS NOT NULL
UNION ALL SELECT 'cities', count(*) FROM cities
UNION ALL SELECT 'neighborhoods', count(*) FROM neighborhoods
UNION ALL SELECT 'offices', count(*) FROM offices
UNION ALL SELECT 'office_states', count(*) FROM office_states
UNION ALL SELECT 'agencies', count(*) FROM agencies
UNION ALL SELECT 'meetings', count(*) FROM meetings
UNION ALL SELECT 'resolutions', count(*) FROM resolutions
UNION ALL SELECT 'actions', count(*) FROM actions
UNION ALL SELECT 'etl_runs', count(*) FROM etl_runs;

-- name: server_status
SELECT current_setting('server_version') AS server_version,
       (SELECT extversion FROM pg_extension WHERE extname = 'postgis') AS postgis_version,
       current_database() AS database,
       inet_server_addr()::text AS address,
       current_setting('port') AS port;

-- name: is_empty
SELECT NOT EXISTS (SELECT 1 FROM neighborhoods) AND NOT EXISTS (SELECT 1 FROM cities) AS empty;
