-- Named queries of the dashboard (dashboard/queries.py is the only caller). Every number shown comes
-- from the SQL functions of 0006_coverage.sql; these queries only join names, places and geometry to
-- them. Geometry is simplified per level, with a tolerance (degrees) and a number of decimals the
-- caller passes, so that a view sends only what its zoom can show; at the tolerance of each level's
-- view it was simplified once when stored (boundary_drawn, migration 0102).

-- name: dash_province_shapes
SELECT json_build_object('type', 'FeatureCollection', 'features', COALESCE(json_agg(json_build_object(
         'type', 'Feature', 'id', p.code, 'properties', json_build_object('code', p.code),
         'geometry', ST_AsGeoJSON(CASE WHEN %(tolerance)s = 0.01 THEN p.boundary_drawn
                                ELSE ST_SimplifyPreserveTopology(p.boundary, %(tolerance)s) END, %(digits)s)::json)
       ORDER BY p.code), '[]'::json)) AS fc
FROM provinces p
WHERE p.boundary IS NOT NULL AND (%(province)s::text IS NULL OR p.code = %(province)s);

-- name: dash_neighborhood_shapes
SELECT json_build_object('type', 'FeatureCollection', 'features', COALESCE(json_agg(json_build_object(
         'type', 'Feature', 'id', n.code, 'properties', json_build_object('code', n.code),
         'geometry', ST_AsGeoJSON(CASE WHEN %(tolerance)s = 0.00005 THEN n.boundary_drawn
                                ELSE ST_SimplifyPreserveTopology(n.boundary, %(tolerance)s) END, %(digits)s)::json)
       ORDER BY n.code), '[]'::json)) AS fc
FROM neighborhoods n
WHERE n.city_code = %(city)s AND n.retired_at IS NULL;

-- name: dash_city_shape
SELECT ST_AsGeoJSON(CASE WHEN %(tolerance)s = 0.002 THEN c.boundary_drawn
                                ELSE ST_SimplifyPreserveTopology(c.boundary, %(tolerance)s) END, %(digits)s)::json AS geometry
FROM cities c WHERE c.code = %(city)s AND c.boundary IS NOT NULL;

-- name: dash_coverage_provinces
SELECT p.code, p.name_fa, p.name_en, p.boundary IS NOT NULL AS has_boundary,
       ST_X(COALESCE(p.label_point, p.boundary_point)) AS lon,  -- the point on its surface: 0211
       ST_Y(COALESCE(p.label_point, p.boundary_point)) AS lat,
       c.cities, c.neighborhoods, c.covered, c.coverage_count_pct, c.area_ha, c.covered_ha,
       c.coverage_area_pct, c.population, c.covered_population, c.coverage_population_pct,
       c.planned, c.established, c.active, c.handed_over, c.closed, c.handover_pct
FROM province_figures_on(%(as_of)s) c  -- coverage_by_province from the kept series (0210)
JOIN provinces p ON p.code = c.province_code
WHERE %(province)s::text IS NULL OR p.code = %(province)s
-- Lagging first (the rule the tables state, docs/dashboard.md): the lowest share of neighborhoods
-- covered first, then the lowest handover share (none to measure counts as none handed over); places
-- with no target neighborhood last.
ORDER BY c.neighborhoods = 0, c.coverage_count_pct NULLS LAST, COALESCE(c.handover_pct, 0),
         p.name_fa COLLATE "fa-x-icu", p.code;

-- name: dash_coverage_cities
-- Each city's figures on a day (city_figures_on, migration 0191), over the neighborhoods of
-- %(kind)s and the offices serving them when a kind is given: what the maps colour and the cards and
-- tables count. A city where nothing is covered has covered none of its hectares and of its people
-- («۰»), «—» only where there is nothing to measure. Lagging first, per province (as
-- dash_coverage_provinces).
-- plan: generic (planned in 4-5 ms under row-level security at ×10, run in 1-2: one plan for any day, kind, place)
SELECT ci.code, ci.name_fa, ci.name_en, ci.province_code,
       ST_X(COALESCE(ci.location, ST_PointOnSurface(ci.boundary))) AS lon,
       ST_Y(COALESCE(ci.location, ST_PointOnSurface(ci.boundary))) AS lat,
       f.neighborhoods, f.covered, f.coverage_count_pct, f.area_ha, f.covered_ha, f.coverage_area_pct,
       f.population, f.covered_population, f.coverage_population_pct,
       f.planned, f.established, f.active, f.handed_over, f.closed, f.handover_pct
FROM city_figures_on(%(as_of)s, %(kind)s) f
JOIN cities ci ON ci.code = f.city_code
WHERE (%(province)s::text IS NULL OR f.province_code = %(province)s)
  AND (%(city)s::text IS NULL OR f.city_code = %(city)s)
ORDER BY ci.province_code, f.neighborhoods = 0, f.coverage_count_pct NULLS LAST,
         COALESCE(f.handover_pct, 0), ci.name_fa COLLATE "fa-x-icu", ci.code;

-- name: dash_timeline
-- Coverage and handover on each of the given days, summed over the provinces in view (the sums of
-- coverage_by_province on those days, from the kept series in one statement: migrations 0101, 0141).
SELECT t.day,
       sum(t.neighborhoods)::int AS neighborhoods, sum(t.covered)::int AS covered,
       sum(t.handed_over)::int AS handed_over,
       sum(t.established_total)::int AS established_total
FROM timeline_by_province(%(days)s::date[], %(province)s::text) t
GROUP BY t.day
ORDER BY t.day;

-- name: dash_first_office_date
SELECT min(began_on) AS first FROM office_states;

-- name: dash_actions
-- Actions with their status on a day (action_statuses_on, 0190: the latest status begun by then; none
-- recorded = open);
-- overdue = due before that day and neither done nor cancelled. Overdue first.
SELECT a.code, a.meeting_number, m.held_on, a.resolution_number, a.agency_code, ag.name_fa AS agency_fa, ag.name_en AS agency_en,
       a.title_fa, a.title_en, a.kind, ap.province_code, ap.city_code,
       pr.name_fa AS province_fa, pr.name_en AS province_en, ci.name_fa AS city_fa, ci.name_en AS city_en,
       a.neighborhood_code, a.office_code, a.due_on,
       COALESCE(st.status, 'open') AS status, st.began_on AS status_since, st.evidence,
       COALESCE(a.due_on < %(as_of)s AND COALESCE(st.status, 'open') NOT IN ('done', 'cancelled'), false)
         AS overdue
FROM actions a
JOIN meetings m ON m.number = a.meeting_number
JOIN agencies ag ON ag.code = a.agency_code
JOIN action_places ap ON ap.action_code = a.code
LEFT JOIN provinces pr ON pr.code = ap.province_code
LEFT JOIN cities ci ON ci.code = ap.city_code
LEFT JOIN action_statuses_on(%(as_of)s) st ON st.action_code = a.code
WHERE (%(province)s::text IS NULL OR ap.province_code = %(province)s)
  AND (%(city)s::text IS NULL OR ap.city_code = %(city)s)
  AND (%(agency)s::text IS NULL OR a.agency_code = %(agency)s)
ORDER BY overdue DESC, a.due_on NULLS LAST, a.meeting_number, a.resolution_number, a.code;

-- name: dash_action_page
-- One resolution's actions (%(meeting)s, %(resolution)s) with their status on a day
-- (action_statuses_on, 0190), by the filters of dash_actions, one page of them (%(limit)s NULL: all)
-- in the order asked: the column asked first (at the sort mark, regen/queries.py), then the list's
-- own order (overdue first, then the soonest due); titles, agencies, places and evidence in Persian
-- alphabetical order (ICU), in English when %(lang)s is 'en' and there is an English text; statuses
-- (status_rank) in their lifecycle's order. `total`: the list's length, on every row.
WITH acts AS (
  SELECT a.code, a.meeting_number, a.resolution_number, a.agency_code,
         ag.name_fa AS agency_fa, ag.name_en AS agency_en, a.title_fa, a.title_en, ap.province_code,
         ap.city_code, pr.name_fa AS province_fa, pr.name_en AS province_en,
         ci.name_fa AS city_fa, ci.name_en AS city_en, a.due_on,
         COALESCE(st.status, 'open') AS status, st.began_on AS status_since,
         st.evidence COLLATE "fa-x-icu" AS evidence,
         COALESCE(a.due_on < %(as_of)s AND COALESCE(st.status, 'open') NOT IN ('done', 'cancelled'), false)
           AS overdue
  FROM actions a
  JOIN agencies ag ON ag.code = a.agency_code
  JOIN action_places ap ON ap.action_code = a.code
  LEFT JOIN provinces pr ON pr.code = ap.province_code
  LEFT JOIN cities ci ON ci.code = ap.city_code
  LEFT JOIN action_statuses_on(%(as_of)s) st ON st.action_code = a.code
  WHERE a.meeting_number = %(meeting)s AND a.resolution_number = %(resolution)s
    AND (%(province)s::text IS NULL OR ap.province_code = %(province)s)
    AND (%(city)s::text IS NULL OR ap.city_code = %(city)s)
    AND (%(agency)s::text IS NULL OR a.agency_code = %(agency)s)
), shown AS (
  SELECT acts.*,
         COALESCE(CASE WHEN %(lang)s = 'en' THEN title_en END, title_fa) COLLATE "fa-x-icu" AS title_shown,
         COALESCE(CASE WHEN %(lang)s = 'en' THEN agency_en END, agency_fa) COLLATE "fa-x-icu" AS agency_shown,
         CASE WHEN city_code IS NOT NULL THEN COALESCE(CASE WHEN %(lang)s = 'en' THEN city_en END, city_fa)
              ELSE COALESCE(CASE WHEN %(lang)s = 'en' THEN province_en END, province_fa) END COLLATE "fa-x-icu"
           AS place_shown,
         array_position(ARRAY['open', 'in_progress', 'done', 'cancelled'], status) AS status_rank
  FROM acts
)
SELECT *, count(*) OVER () AS total
FROM shown
ORDER BY /* sort */
  -- the list's own order (dash_actions'): overdue first, the soonest due
  overdue DESC, due_on NULLS LAST, code
LIMIT %(limit)s OFFSET %(offset)s;

-- name: dash_resolutions
SELECT meeting_number, number, text_fa, summary_en FROM resolutions ORDER BY meeting_number, number;

-- name: dash_overdue_counts
-- Overdue actions on a day, counted per place (province and city of the action; NULL = national),
-- by the same rule as dash_actions, from the kept series (migration 0103).
SELECT d.province_code, d.city_code, sum(d.overdue)::int AS overdue
FROM action_overdue_days d
WHERE d.valid @> %(as_of)s::date
  AND (%(province)s::text IS NULL OR d.province_code = %(province)s)
  AND (%(city)s::text IS NULL OR d.city_code = %(city)s)
GROUP BY d.province_code, d.city_code
HAVING sum(d.overdue) > 0;

-- name: dash_data_stamps
-- Change whenever a transaction that wrote to the data commits (data_changes, migrations 0060 and
-- 0140), per province a recorded state touched (NULL: any other write): the keys of kept results.
-- Under the caller's scope (data_stamps, 0151): the provinces it does not see summed as '*'.
SELECT province, changes, newest FROM data_stamps();

-- name: dash_data_stamps_by_day
-- dash_data_stamps per first day the writes' recorded states touched too (since; NULL: every day,
-- migration 0180): a result of days up to M depends on the rows of days up to M and of every day.
SELECT province, since, changes, newest FROM data_stamps_by_day();

-- name: dash_data_changed_at
-- When the data last changed: the commit time of the newest transaction that wrote to it (the pruning
-- of data_changes keeps the newest rows), of what the caller's scope sees in detail (data_changed_at,
-- 0151). NULL on a database nothing was ever written to.
SELECT data_changed_at() AS at;

-- name: dash_neighborhoods
-- A city's current neighborhoods with their status on a day (neighborhood_status_on), all of them or
-- one page in the order asked (as in dash_uncovered_neighborhoods; the list's own order: by code).
-- The offices' names in Persian alphabetical order (ICU) when sorted by.
WITH hoods AS (
  SELECT n.code, n.name_fa, n.name_en, n.kinds, n.area_ha, n.population, n.households, n.pilot, n.source,
         COALESCE(s.status, 'none') AS status, COALESCE(s.covered, false) AS covered,
         -- the offices by name, in the list's language (their codes apart, for the last column)
         (SELECT string_agg(COALESCE(CASE WHEN %(lang)s = 'en' THEN o.name_en END, o.name_fa),
                            CASE WHEN %(lang)s = 'en' THEN ', ' ELSE '، ' END ORDER BY o.name_fa COLLATE "fa-x-icu")
            FROM office_neighborhoods onb JOIN offices o ON o.code = onb.office_code
           WHERE onb.neighborhood_code = n.code) COLLATE "fa-x-icu" AS offices,
         (SELECT string_agg(onb.office_code, ', ' ORDER BY onb.office_code)
            FROM office_neighborhoods onb WHERE onb.neighborhood_code = n.code) AS office_codes
  FROM neighborhoods n
  -- looked up per neighborhood (LIMIT: at most one status holds a day; it keeps the lookup apart,
  -- where a join with the day's statuses, misjudged under row-level security, nested 220
  -- neighborhoods × 27,000 statuses at ×10: 2-4 s)
  LEFT JOIN LATERAL (
    SELECT x.status, x.covered FROM neighborhood_status_on(%(as_of)s) x WHERE x.neighborhood_code = n.code LIMIT 1
  ) s ON true
  WHERE n.city_code = %(city)s AND n.retired_at IS NULL
    AND (%(kind)s::text IS NULL OR %(kind)s = ANY (n.kinds))
)
SELECT *, count(*) OVER () AS total,
       COALESCE(CASE WHEN %(lang)s = 'en' THEN name_en END, name_fa) COLLATE "fa-x-icu" AS name_shown,
       array_position(ARRAY['none', 'planned', 'established', 'active', 'handed_over'], status) AS status_rank
FROM hoods
ORDER BY /* sort */
  code
LIMIT %(limit)s OFFSET %(offset)s;

-- name: dash_city_offices
-- A city's offices: where, the state on a day, and the date each state began (up to that day); the
-- neighborhoods they serve by name in %(lang)s (codes apart); their handover's due date, months late
-- and whether long past it (migration 0130). With %(kind)s, the offices serving a neighborhood of
-- that kind only. All of them (the map's points) or one page (%(limit)s NULL: all) in the order asked:
-- the column asked first (at the sort mark, regen/queries.py), then the list's own order (overdue
-- first, then by name); names (name_shown, and those of the neighborhoods) in Persian alphabetical
-- order (ICU), states (state_rank) in their lifecycle's order. `total`: the list's length, on every row.
-- (the rows: city_offices_on, migration 0212; its neighborhoods' names collated here)
WITH listed AS (
  SELECT * FROM city_offices_on(%(city)s, %(as_of)s, %(kind)s, %(lang)s)
)
SELECT *, count(*) OVER () AS total,
       COALESCE(CASE WHEN %(lang)s = 'en' THEN name_en END, name_fa) COLLATE "fa-x-icu" AS name_shown,
       neighborhoods COLLATE "fa-x-icu" AS neighborhoods_shown,
       array_position(ARRAY['none', 'planned', 'established', 'active', 'handed_over', 'closed'], state)
         AS state_rank
FROM listed
ORDER BY /* sort */
  -- the list's own order: overdue for handover first
  overdue DESC, name_fa COLLATE "fa-x-icu", code
LIMIT %(limit)s OFFSET %(offset)s;

-- name: dash_place
-- Where a neighborhood, office, city or province is (for scope checks): its province and city.
SELECT 'neighborhood' AS level, n.code, n.name_fa, n.name_en, c.province_code, n.city_code
  FROM neighborhoods n JOIN cities c ON c.code = n.city_code WHERE n.code = %(code)s AND %(level)s = 'neighborhood'
UNION ALL
SELECT 'office', o.code, o.name_fa, o.name_en, c.province_code, o.city_code
  FROM offices o JOIN cities c ON c.code = o.city_code WHERE o.code = %(code)s AND %(level)s = 'office'
UNION ALL
SELECT 'city', c.code, c.name_fa, c.name_en, c.province_code, c.code
  FROM cities c WHERE c.code = %(code)s AND %(level)s = 'city'
UNION ALL
SELECT 'province', p.code, p.name_fa, p.name_en, p.code, NULL
  FROM provinces p WHERE p.code = %(code)s AND %(level)s = 'province';

-- name: dash_office_history
SELECT s.state AS event, s.began_on AS day, s.letter_no, s.note, s.run_id IS NOT NULL AS from_file,
       o.code AS office_code, o.name_fa AS office_fa, o.name_en AS office_en
FROM office_states s JOIN offices o ON o.code = s.office_code
WHERE s.office_code = %(code)s
ORDER BY s.began_on, office_state_rank(s.state);

-- name: dash_neighborhood_history
-- The lifecycle of every office serving the neighborhood, and its earlier boundaries.
SELECT s.state AS event, s.began_on AS day, s.letter_no, s.note, s.run_id IS NOT NULL AS from_file,
       o.code AS office_code, o.name_fa AS office_fa, o.name_en AS office_en
FROM office_neighborhoods onb
JOIN offices o ON o.code = onb.office_code
JOIN office_states s ON s.office_code = o.code
WHERE onb.neighborhood_code = %(code)s
UNION ALL
SELECT 'boundary_' || h.reason, h.valid_until::date, NULL, NULL, false, NULL, h.name_fa, NULL
FROM boundary_history h
WHERE h.level = 'neighborhood' AND h.code = %(code)s
ORDER BY 2, 1;

-- name: dash_uncovered_neighborhoods
-- Neighborhoods of a province without an active (or handed-over) office on a day, one page of them
-- (%(limit)s NULL: all) in the order asked: the column asked first (at the sort mark, see
-- regen/queries.py), then the list's own order (by city, then name); names (name_shown, city_shown)
-- in Persian alphabetical order (ICU), the English name when %(lang)s is 'en' and there is one;
-- statuses (status_rank) in their lifecycle's order. `total`: the list's length, on every row.
SELECT n.code, n.name_fa, n.name_en, n.city_code, c.name_fa AS city_fa, c.name_en AS city_en, n.kinds,
       n.area_ha, n.population, s.status, count(*) OVER () AS total,
       COALESCE(CASE WHEN %(lang)s = 'en' THEN n.name_en END, n.name_fa) COLLATE "fa-x-icu" AS name_shown,
       COALESCE(CASE WHEN %(lang)s = 'en' THEN c.name_en END, c.name_fa) COLLATE "fa-x-icu" AS city_shown,
       array_position(ARRAY['none', 'planned', 'established', 'active', 'handed_over'], s.status) AS status_rank
FROM cities c
JOIN neighborhoods n ON n.city_code = c.code
-- each neighborhood's status looked up, as in dash_neighborhoods (not every status of the country)
JOIN LATERAL (
  SELECT x.status, x.covered FROM neighborhood_status_on(%(as_of)s) x WHERE x.neighborhood_code = n.code LIMIT 1
) s ON true
WHERE c.province_code = %(province)s AND NOT s.covered
  AND (%(kind)s::text IS NULL OR %(kind)s = ANY (n.kinds))
ORDER BY /* sort */
  -- the list's own order: by city, then name
  c.name_fa COLLATE "fa-x-icu", n.name_fa COLLATE "fa-x-icu", n.code
LIMIT %(limit)s OFFSET %(offset)s;

-- name: dash_offices_due_handover
-- Facilitation offices of a province established or active (not yet handed over) on a day, with the
-- due date of their handover action when one exists, months late and whether long past it (migration
-- 0130); with %(kind)s, those serving a neighborhood of that kind only. One page of them in the order
-- asked (as in dash_uncovered_neighborhoods; the list's own order: soonest due first, so the longest
-- overdue lead; states, state_rank, in their lifecycle's order).
-- plan: generic (planned in 1-2 ms, a plan per value cost 4.5 ms at ×10 where one for all costs 2)
WITH due AS (
  SELECT o.code, o.name_fa, o.name_en, o.city_code, c.name_fa AS city_fa, c.name_en AS city_en,
         s.state, s.began_on AS state_since,
         (SELECT min(a.due_on) FROM actions a WHERE a.office_code = o.code AND a.kind = 'handover_office') AS due_on
  FROM offices o
  JOIN cities c ON c.code = o.city_code
  -- each office's state looked up (as in dash_neighborhoods)
  JOIN LATERAL (
    SELECT x.state, x.began_on FROM office_states_on(%(as_of)s) x WHERE x.office_code = o.code LIMIT 1
  ) s ON true
  WHERE c.province_code = %(province)s AND o.kind = 'facilitation' AND s.state IN ('established', 'active')
    AND (%(kind)s::text IS NULL
         OR EXISTS (SELECT 1 FROM office_neighborhoods onb JOIN neighborhoods n ON n.code = onb.neighborhood_code
                    WHERE onb.office_code = o.code AND %(kind)s = ANY (n.kinds)))
)
SELECT *, handover_months_late(due_on, %(as_of)s) AS months_late,
       handover_overdue(state, due_on, %(as_of)s) AS overdue, count(*) OVER () AS total,
       COALESCE(CASE WHEN %(lang)s = 'en' THEN name_en END, name_fa) COLLATE "fa-x-icu" AS name_shown,
       COALESCE(CASE WHEN %(lang)s = 'en' THEN city_en END, city_fa) COLLATE "fa-x-icu" AS city_shown,
       array_position(ARRAY['established', 'active'], state) AS state_rank
FROM due
ORDER BY /* sort */
  -- the list's own order: soonest due first
  due_on NULLS LAST, state_since, code
LIMIT %(limit)s OFFSET %(offset)s;

-- name: dash_province_options
SELECT code, name_fa, name_en FROM provinces
WHERE %(province)s::text IS NULL OR code = %(province)s
ORDER BY code;

-- name: dash_city_options
SELECT code, name_fa, name_en, province_code FROM cities
WHERE retired_at IS NULL AND province_code = %(province)s
ORDER BY name_fa COLLATE "fa-x-icu", code;

-- name: dash_agency_options
SELECT code, name_fa, name_en FROM agencies ORDER BY code;

-- name: dash_etl_runs
SELECT id, kind, level, file, read, inserted, updated, unchanged, skipped, rejected, repaired, retired,
       started_at, duration_ms, who, provinces
FROM etl_runs
ORDER BY id DESC
LIMIT 200;

-- name: dash_etl_rejects
SELECT row_no, name, field, reason, reason_key, reason_values, province_code FROM etl_rejects
WHERE run_id = %(run_id)s
ORDER BY row_no NULLS LAST, id
LIMIT 500;

-- name: dash_sources
-- What the database holds, for the line under every view: demo rows (source 'demo' or a demo-… file),
-- OpenStreetMap and GeoNames data.
-- plan: generic (six lookups planned under row-level security every time: 0.6 ms, 0.3 kept)
SELECT EXISTS (SELECT 1 FROM neighborhoods WHERE source ~ '^demo')
       OR EXISTS (SELECT 1 FROM offices WHERE source ~ '^demo')
       OR EXISTS (SELECT 1 FROM cities WHERE source ~ '^demo') AS demo,
       EXISTS (SELECT 1 FROM provinces WHERE boundary IS NOT NULL
                 AND boundary_source ~* %(osm)s)
       OR EXISTS (SELECT 1 FROM cities WHERE boundary IS NOT NULL AND source ~* %(osm)s)
       OR EXISTS (SELECT 1 FROM etl_runs WHERE file ~* %(osm)s) AS osm,
       EXISTS (SELECT 1 FROM cities WHERE source ~* 'geonames') AS geonames;

-- name: dash_counts
-- How much the database holds, for the about page. The current neighborhoods: the last row of each
-- city's kept series (migration 0100), not a count of every neighborhood.
SELECT (SELECT count(*) FROM cities WHERE retired_at IS NULL)::int AS cities,
       (SELECT COALESCE(sum(d.neighborhoods), 0) FROM city_coverage_days d WHERE upper_inf(d.valid))::int
         AS neighborhoods,
       (SELECT count(*) FROM offices)::int AS offices;

-- name: dash_ping
SELECT 1 AS ok;

-- name: dash_overdue_by_province
-- The national picture of overdue actions, per province (a count any signed-in role may see).
SELECT province_code, NULL::text AS city_code, overdue FROM overdue_by_province(%(as_of)s);

-- s19-maps: what a map shows around its place, and the box it is fitted to (all from the drawn,
-- stored-simplified boundaries of migration 0102: nothing simplified per request).

-- name: dash_province_neighbours
-- The provinces that share a border with one province, for its map's faint context.
SELECT json_build_object('type', 'FeatureCollection', 'features', COALESCE(json_agg(json_build_object(
         'type', 'Feature', 'id', n.code, 'properties', json_build_object('code', n.code),
         'geometry', ST_AsGeoJSON(n.boundary_drawn, %(digits)s)::json) ORDER BY n.code), '[]'::json)) AS fc
FROM provinces p
JOIN provinces n ON n.code <> p.code AND n.boundary IS NOT NULL AND ST_Intersects(n.boundary, p.boundary)
WHERE p.code = %(province)s;

-- name: dash_nation_bounds
-- The box of every province boundary (NULLs when none is loaded).
SELECT ST_XMin(b) AS west, ST_YMin(b) AS south, ST_XMax(b) AS east, ST_YMax(b) AS north
FROM (SELECT ST_Extent(boundary_drawn)::geometry AS b FROM provinces WHERE boundary IS NOT NULL) x;

-- name: dash_province_bounds
-- The box of a province: its boundary, else its cities' points (NULLs when it has neither).
SELECT ST_XMin(b) AS west, ST_YMin(b) AS south, ST_XMax(b) AS east, ST_YMax(b) AS north
FROM (SELECT COALESCE(
        (SELECT ST_Extent(boundary_drawn)::geometry FROM provinces
          WHERE code = %(province)s AND boundary IS NOT NULL),
        (SELECT ST_Extent(COALESCE(location, ST_PointOnSurface(boundary)))::geometry FROM cities
          WHERE province_code = %(province)s AND retired_at IS NULL)) AS b) x;

-- name: dash_city_bounds
-- The box of a city: its boundary, else its current neighborhoods and its offices, else its point.
SELECT ST_XMin(b) AS west, ST_YMin(b) AS south, ST_XMax(b) AS east, ST_YMax(b) AS north
FROM (SELECT COALESCE(
        (SELECT ST_Extent(boundary_drawn)::geometry FROM cities WHERE code = %(city)s AND boundary IS NOT NULL),
        (SELECT ST_Extent(g)::geometry FROM (
           SELECT boundary_drawn AS g FROM neighborhoods WHERE city_code = %(city)s AND retired_at IS NULL
           UNION ALL SELECT location FROM offices WHERE city_code = %(city)s) s),
        (SELECT location FROM cities WHERE code = %(city)s)) AS b) x;

-- name: dash_neighborhood_labels
-- Where a city's current neighborhoods are named on its map: a point inside each (its pole of
-- inaccessibility would be finer, and slower), the biggest first (it wins where names collide).
SELECT n.code, n.name_fa, n.name_en,
       ST_X(ST_PointOnSurface(n.boundary_drawn)) AS lon, ST_Y(ST_PointOnSurface(n.boundary_drawn)) AS lat
FROM neighborhoods n
WHERE n.city_code = %(city)s AND n.retired_at IS NULL
ORDER BY n.area_ha DESC NULLS LAST, n.code
LIMIT %(limit)s;

-- name: dash_action_group_counts
-- The actions view's figures (how many, overdue, done per resolution, agency and province on a day,
-- by the rule of dash_actions) looked up in the kept per-day counts: per province when no city is
-- asked for, else in the city's rows. No action is read.
WITH c AS (
  SELECT g.meeting_number, g.resolution_number, g.agency_code, g.province_code, g.status, g.actions, g.overdue
  FROM action_group_provinces g
  WHERE %(city)s::text IS NULL AND g.valid @> %(as_of)s::date
    AND (%(province)s::text IS NULL OR g.province_code = %(province)s)
    AND (%(agency)s::text IS NULL OR g.agency_code = %(agency)s)
  UNION ALL
  SELECT g.meeting_number, g.resolution_number, g.agency_code, g.province_code, g.status, g.actions, g.overdue
  FROM action_group_days g
  WHERE %(city)s::text IS NOT NULL AND g.city_code = %(city)s AND g.valid @> %(as_of)s::date
    AND (%(province)s::text IS NULL OR g.province_code = %(province)s)
    AND (%(agency)s::text IS NULL OR g.agency_code = %(agency)s)
)
SELECT g.meeting_number, g.resolution_number, m.held_on, g.agency_code,
       ag.name_fa AS agency_fa, ag.name_en AS agency_en,
       g.province_code, pr.name_fa AS province_fa, pr.name_en AS province_en, g.total, g.overdue, g.done
FROM (SELECT meeting_number, resolution_number, agency_code, province_code, sum(actions)::int AS total,
             sum(overdue)::int AS overdue, COALESCE(sum(actions) FILTER (WHERE status = 'done'), 0)::int AS done
      FROM c GROUP BY meeting_number, resolution_number, agency_code, province_code) g
JOIN meetings m ON m.number = g.meeting_number
JOIN agencies ag ON ag.code = g.agency_code
LEFT JOIN provinces pr ON pr.code = g.province_code
ORDER BY g.meeting_number, g.resolution_number, g.agency_code, g.province_code;

-- name: dash_data_stamps_by_kind
-- dash_data_stamps_by_day per kind of data written too (office, action, places; NULL: any, 0197): a
-- result that reads no office state leaves the rows of kind 'office' out of its stamp.
SELECT province, since, kind, changes, newest FROM data_stamps_by_kind();
