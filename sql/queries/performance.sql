-- Named queries of the agencies' performance against their targets (resolution 2; migration 0090).
-- Achieved is computed from the dashboard's own facts, never defined anew: the office and coverage
-- counts are coverage_by_province (0006 / 0040) on two days, the day before the period began and the
-- as-of day (or the period's last day, if that came first), and an agency's performance reports are its
-- `performance_report` actions whose status on that day (the latest begun by then, as dash_actions
-- reads it) is `done`, done within the period. The office and coverage measures count the program's
-- progress in the target's place: the target's agency is the one the HQ holds to it.

-- name: perf_targets
-- Every target in the scope (row-level security on targets), filtered by province (with or without the
-- national ones) and agency; achieved, share of the target, share of the period elapsed, and a state:
-- upcoming (not begun on as_of), met, on_track (at least the elapsed share), behind, missed (ended short).
WITH t AS (
  SELECT tg.code, tg.agency_code, tg.measure, tg.province_code, tg.from_year, tg.to_year, tg.starts_on,
         tg.ends_on, tg.target, tg.note, ag.name_fa AS agency_fa, ag.name_en AS agency_en,
         pr.name_fa AS province_fa, pr.name_en AS province_en,
         LEAST(%(as_of)s::date, tg.ends_on) AS upto, tg.starts_on - 1 AS before
  FROM targets tg
  JOIN agencies ag ON ag.code = tg.agency_code
  LEFT JOIN provinces pr ON pr.code = tg.province_code
  WHERE (%(province)s::text IS NULL OR tg.province_code = %(province)s
         OR (%(with_national)s AND tg.province_code IS NULL))
    AND (%(agency)s::text IS NULL OR tg.agency_code = %(agency)s)
),
days AS MATERIALIZED (
  SELECT DISTINCT v.d FROM t CROSS JOIN LATERAL (VALUES (t.before), (t.upto)) v (d)
  WHERE t.measure <> 'reports_submitted' AND t.upto >= t.starts_on
),
levels AS MATERIALIZED (  -- once per day, not once per target
  SELECT days.d, c.province_code, c.covered, c.established + c.active + c.handed_over AS established,
         c.handed_over
  FROM days CROSS JOIN LATERAL coverage_by_province(days.d) c
),
reached AS (
  SELECT t.*,
    CASE
      WHEN t.upto < t.starts_on THEN 0
      WHEN t.measure = 'reports_submitted' THEN (
        SELECT count(*)::int FROM actions a
        JOIN action_places ap ON ap.action_code = a.code
        CROSS JOIN LATERAL (
          SELECT s.status, s.began_on FROM action_statuses s
          WHERE s.action_code = a.code AND s.began_on <= t.upto
          ORDER BY s.began_on DESC, s.id DESC LIMIT 1) st
        WHERE a.kind = 'performance_report' AND a.agency_code = t.agency_code
          AND st.status = 'done' AND st.began_on >= t.starts_on
          AND (t.province_code IS NULL OR ap.province_code = t.province_code))
      ELSE (
        SELECT COALESCE(sum(CASE t.measure WHEN 'offices_established' THEN l.established
                                           WHEN 'offices_handed_over' THEN l.handed_over
                                           ELSE l.covered END
                            * CASE WHEN l.d = t.upto THEN 1 ELSE -1 END), 0)::int
        FROM levels l
        WHERE l.d IN (t.upto, t.before) AND (t.province_code IS NULL OR l.province_code = t.province_code))
    END AS achieved,
    GREATEST(0.0, LEAST(100.0, 100.0 * (%(as_of)s::date - t.starts_on + 1)
                                   / (t.ends_on - t.starts_on + 1))) AS elapsed_pct
  FROM t
)
SELECT r.code, r.agency_code, r.agency_fa, r.agency_en, r.measure, r.province_code, r.province_fa,
       r.province_en, r.from_year, r.to_year, r.starts_on, r.ends_on, r.target, r.note, r.achieved,
       100.0 * r.achieved / r.target AS achieved_pct, r.elapsed_pct,
       CASE WHEN %(as_of)s::date < r.starts_on THEN 'upcoming'
            WHEN r.achieved >= r.target THEN 'met'
            WHEN %(as_of)s::date > r.ends_on THEN 'missed'
            WHEN 100.0 * r.achieved / r.target >= r.elapsed_pct THEN 'on_track'
            ELSE 'behind' END AS state
FROM reached r
ORDER BY r.agency_code, r.measure, r.province_code NULLS FIRST, r.from_year, r.to_year, r.code;
