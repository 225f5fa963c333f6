-- Recording progress and the audit view. Run with the user's scope (as regen_app): row-level
-- security decides what comes back, so these name no province themselves.

-- name: record_offices_in_city
SELECT o.code, o.name_fa, o.name_en, o.kind, s.state, s.began_on
FROM offices o
LEFT JOIN office_states_on(current_date) s ON s.office_code = o.code
WHERE o.city_code = %(city)s
ORDER BY o.name_fa COLLATE "fa-x-icu", o.code;

-- name: record_actions_in_city
SELECT a.code, a.title_fa, a.title_en, a.kind, st.status, st.began_on
FROM actions a
JOIN action_places p ON p.action_code = a.code
LEFT JOIN LATERAL (
  SELECT s.status, s.began_on FROM action_statuses s WHERE s.action_code = a.code
  ORDER BY s.began_on DESC, s.id DESC LIMIT 1) st ON true
WHERE p.city_code = %(city)s
ORDER BY a.code;

-- name: record_office_state
SELECT record_office_state(%(office)s, %(state)s, %(on)s, %(letter_no)s, %(note)s) AS audit_id;

-- name: record_action_status
SELECT record_action_status(%(action)s, %(status)s, %(on)s, %(evidence)s) AS audit_id;

-- name: audit_recent
SELECT l.id, l.at, l.who, l.who_role, l.entity, l.entity_code, l.province_code, p.name_fa AS province_fa,
       p.name_en AS province_en, l.before, l.after
FROM audit_log l
LEFT JOIN provinces p ON p.code = l.province_code
WHERE (%(entity)s::text IS NULL OR l.entity = %(entity)s)
  AND (%(code)s::text IS NULL OR l.entity_code = %(code)s)
ORDER BY l.at DESC, l.id DESC
LIMIT %(limit)s;
