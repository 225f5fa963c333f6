-- When is an office "long past its handover date" (issue 16, item 7)? Resolution 3 of the 50th meeting
-- has each facilitation office handed over to its municipality in the end; the date it is due is the
-- due date of the office's handover action (actions.kind = 'handover_office', the earliest if several).
-- An office not yet handed over (planned, established or active) is overdue for handover when that date
-- passed more than HANDOVER_GRACE (six months) before the day asked: a handover a few weeks late is
-- paperwork, one six months late is a stalled office. Computed here once, read by the dashboard's
-- queries (sql/queries/dashboard.sql) and defined for people in docs/dashboard.md.

-- Whole months from a due date to a day (NULL when not yet due, or no due date).
CREATE OR REPLACE FUNCTION handover_months_late(due_on date, as_of date) RETURNS integer
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT CASE WHEN due_on < as_of
              THEN (extract(year FROM age(as_of, due_on)) * 12 + extract(month FROM age(as_of, due_on)))::int END
$$;

-- Overdue for handover on a day: not handed over (nor closed) and due more than six months before.
CREATE OR REPLACE FUNCTION handover_overdue(state text, due_on date, as_of date) RETURNS boolean
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT COALESCE(state IN ('planned', 'established', 'active') AND due_on + interval '6 months' < as_of, false)
$$;
