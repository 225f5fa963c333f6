-- Named queries of the as-of calendar's presets (dashboard/picker.py).

-- name: picker_meetings
-- The HQ meetings' numbers and days: the calendar offers each day as a preset.
SELECT number, held_on FROM meetings WHERE held_on IS NOT NULL ORDER BY held_on;
