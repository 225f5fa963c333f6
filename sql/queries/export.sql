-- Exports: one row per current (not retired) entity, with the columns the table loaders read back
-- (so that an export can be edited and loaded again), plus derived columns (areas, current state).
-- Parameters: %(province)s and %(city)s filter (NULL = all); %(as_of)s is the day states and statuses
-- are taken on (NULL = today). `geometry` is WKB (NULL where there is none); lat/lon is the point
-- itself for points and a point inside the polygon (ST_PointOnSurface) for polygons.

-- name: export_provinces
-- `cities` is the national picture's count (coverage_by_province): a provincial scope reads only its
-- own province's cities, yet every province's count.
SELECT p.code, p.name_fa, p.name_en, round(p.area_ha::numeric, 2)::double precision AS area_ha,
       (SELECT cp.cities FROM coverage_by_province(current_date) cp WHERE cp.province_code = p.code) AS cities,
       round(ST_Y(pt)::numeric, 6)::double precision AS lat, round(ST_X(pt)::numeric, 6)::double precision AS lon,
       ST_AsBinary(p.boundary) AS geometry
FROM provinces p
CROSS JOIN LATERAL (SELECT COALESCE(p.label_point, ST_PointOnSurface(p.boundary)) AS pt) l
WHERE (%(province)s::text IS NULL OR p.code = %(province)s)
  AND (%(city)s::text IS NULL OR p.code = (SELECT province_code FROM cities WHERE code = %(city)s))
ORDER BY p.code;

-- name: export_cities
SELECT c.code, c.name_fa, c.name_en, c.province_code AS province, c.population,
       round(c.area_ha::numeric, 2)::double precision AS area_ha,
       ST_Y(pt) AS lat, ST_X(pt) AS lon,
       ST_AsBinary(COALESCE(c.boundary, c.location)) AS geometry
FROM cities c
CROSS JOIN LATERAL (SELECT COALESCE(c.location, ST_PointOnSurface(c.boundary)) AS pt) l
WHERE c.retired_at IS NULL
  AND (%(province)s::text IS NULL OR c.province_code = %(province)s)
  AND (%(city)s::text IS NULL OR c.code = %(city)s)
ORDER BY c.province_code, c.code;

-- name: export_neighborhoods
SELECT n.code, n.name_fa, n.name_en, n.city_code AS city, c.province_code AS province,
       array_to_string(n.kinds, ';') AS kinds, n.population, n.households, n.pilot,
       round(n.area_ha::numeric, 2)::double precision AS area_ha,
       COALESCE(st.status, 'none') AS status, COALESCE(st.covered, false) AS covered,
       round(ST_Y(pt)::numeric, 6)::double precision AS lat, round(ST_X(pt)::numeric, 6)::double precision AS lon,
       ST_AsBinary(n.boundary) AS geometry
FROM neighborhoods_on(COALESCE(%(as_of)s::date, current_date)) n
JOIN cities c ON c.code = n.city_code
LEFT JOIN neighborhood_status_on(COALESCE(%(as_of)s::date, current_date)) st ON st.neighborhood_code = n.code
CROSS JOIN LATERAL (SELECT ST_PointOnSurface(n.boundary) AS pt) l
WHERE (%(province)s::text IS NULL OR c.province_code = %(province)s)
  AND (%(city)s::text IS NULL OR n.city_code = %(city)s)
ORDER BY c.province_code, n.city_code, n.code;

-- name: export_offices
SELECT o.code, o.name_fa, o.name_en, o.kind,
       o.operator_agency_code AS operator, o.supervising_agency_code AS supervisor,
       (SELECT string_agg(onb.neighborhood_code, ';' ORDER BY onb.neighborhood_code)
          FROM office_neighborhoods onb WHERE onb.office_code = o.code) AS neighborhoods,
       o.city_code AS city, c.province_code AS province,
       ST_Y(o.location) AS lat, ST_X(o.location) AS lon, o.location_estimated, o.pre_program,
       h.planned_on, h.established_on, h.active_on, h.handed_over_on, h.handover_letter, h.closed_on,
       s.state, s.began_on AS state_since,
       ST_AsBinary(o.location) AS geometry
FROM offices o
JOIN cities c ON c.code = o.city_code
LEFT JOIN LATERAL (
  SELECT max(began_on) FILTER (WHERE state = 'planned') AS planned_on,
         max(began_on) FILTER (WHERE state = 'established') AS established_on,
         max(began_on) FILTER (WHERE state = 'active') AS active_on,
         max(began_on) FILTER (WHERE state = 'handed_over') AS handed_over_on,
         max(letter_no) FILTER (WHERE state = 'handed_over') AS handover_letter,
         max(began_on) FILTER (WHERE state = 'closed') AS closed_on
  FROM office_states WHERE office_code = o.code) h ON true
LEFT JOIN office_states_on(COALESCE(%(as_of)s::date, current_date)) s ON s.office_code = o.code
WHERE (%(province)s::text IS NULL OR c.province_code = %(province)s)
  AND (%(city)s::text IS NULL OR o.city_code = %(city)s)
ORDER BY c.province_code, o.city_code, o.code;

-- name: export_actions
-- status / status_on / evidence: the latest status begun by as_of; overdue: not done or cancelled
-- by its due date.
SELECT a.code, a.meeting_number AS meeting, a.resolution_number AS resolution, a.agency_code AS agency,
       a.title_fa, a.title_en, a.kind,
       a.province_code AS province, a.city_code AS city, a.neighborhood_code AS neighborhood,
       a.office_code AS office, a.due_on,
       st.status, st.began_on AS status_on, st.evidence,
       ap.province_code AS effective_province, ap.city_code AS effective_city,
       (a.due_on < COALESCE(%(as_of)s::date, current_date)
        AND COALESCE(st.status, 'open') NOT IN ('done', 'cancelled')) AS overdue
FROM actions a
JOIN action_places ap ON ap.action_code = a.code
LEFT JOIN LATERAL (
  SELECT s.status, s.began_on, s.evidence FROM action_statuses s
  WHERE s.action_code = a.code AND s.began_on <= COALESCE(%(as_of)s::date, current_date)
  ORDER BY s.began_on DESC, s.id DESC LIMIT 1) st ON true
WHERE (%(province)s::text IS NULL OR ap.province_code = %(province)s)
  AND (%(city)s::text IS NULL OR ap.city_code = %(city)s)
ORDER BY a.meeting_number, a.resolution_number, a.code;

-- name: export_targets
-- Targets under the scope's row-level policies; --province keeps that province's targets (a national
-- target has none). period is written as the loader reads it (1402, 1396-1400).
SELECT t.code, t.agency_code AS agency, t.measure, t.province_code AS province,
       CASE WHEN t.from_year = t.to_year THEN t.from_year::text
            ELSE t.from_year || '-' || t.to_year END AS period,
       t.target, t.note, t.starts_on, t.ends_on
FROM targets t
WHERE (%(province)s::text IS NULL OR t.province_code = %(province)s)
  AND %(city)s::text IS NULL
ORDER BY t.agency_code, t.measure, t.province_code NULLS FIRST, t.from_year, t.code;

-- name: province_lookup
SELECT code, name_fa, name_en, name_key, name_en_key FROM provinces ORDER BY code;

-- name: city_exists
SELECT code, province_code FROM cities WHERE code = %(code)s;
