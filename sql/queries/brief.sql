-- Named queries of the meeting brief (dashboard/brief); its figures come from the dashboard's queries.

-- name: brief_meetings
SELECT number, held_on, title_fa, title_en FROM meetings ORDER BY number;
