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
-- `text`: an office's or action's code, or any part of its name (normalised: fa_search_key).
SELECT l.id, l.at, l.who, l.who_role, l.entity, l.entity_code, l.province_code, p.name_fa AS province_fa,
       p.name_en AS province_en, COALESCE(o.name_fa, a.title_fa) AS subject_fa,
       COALESCE(o.name_en, a.title_en) AS subject_en, l.before, l.after
FROM audit_log l
LEFT JOIN provinces p ON p.code = l.province_code
LEFT JOIN offices o ON l.entity = 'office_state' AND o.code = l.entity_code
LEFT JOIN actions a ON l.entity = 'action_status' AND a.code = l.entity_code
WHERE (%(entity)s::text IS NULL OR l.entity = %(entity)s)
  AND (%(text)s::text IS NULL OR l.entity_code = %(text)s
       OR place_search_key(COALESCE(o.name_fa, a.title_fa), COALESCE(o.name_en, a.title_en))
          LIKE search_contains(%(text)s))
ORDER BY l.at DESC, l.id DESC
LIMIT %(limit)s;
