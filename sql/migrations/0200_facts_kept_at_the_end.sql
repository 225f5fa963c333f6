-- The kept facts brought up to date once at the end of a load written one change at a time. A file the
-- database refuses in part is written again change by change, each in its own savepoint
-- (etl/table_writes.py), and every change's statement ran the facts' upkeep on its own: an action
-- status 12 ms on an analysed demo ×1 (group facts 8, overdue facts 4), about 190 ms while a build's
-- tables were new; building the demo that way took 15 minutes instead of 2.
--
-- With `regen.facts_at_end` set to 'on' in a transaction (set_config(..., true)), the refreshes of
-- the coverage facts (0100), the overdue facts (0103) and the actions' group facts (0195) only note
-- what they were asked to refresh, in facts_pending; refresh_pending_facts() does it all at once
-- (the loader calls it after its last change) and, should a transaction end without calling it, a
-- deferred trigger does so at its commit: no transaction commits with facts behind its data. A change
-- undone by its savepoint takes its notes with it. Each refresh reads the data as it is and the facts
-- as they were before, so refreshing the union of the keys once gives what each refresh in turn gave
-- (tests/test_table_writes.py compares the facts of the demo built both ways).

CREATE TABLE facts_pending (
    txid bigint NOT NULL DEFAULT txid_current(),
    fact text NOT NULL CHECK (fact IN ('coverage', 'overdue', 'groups')),
    part text CHECK (part IN ('office', 'neighborhood', 'city', 'action')),  -- NULL: everything
    code text,
    UNIQUE NULLS NOT DISTINCT (txid, fact, part, code)
);
REVOKE ALL ON facts_pending FROM PUBLIC;

CREATE FUNCTION facts_at_end() RETURNS boolean
LANGUAGE sql STABLE AS $$ SELECT COALESCE(current_setting('regen.facts_at_end', true), '') = 'on' $$;

ALTER FUNCTION refresh_coverage_facts(text[], text[], text[]) RENAME TO refresh_coverage_facts_now;
ALTER FUNCTION refresh_overdue_facts(text[]) RENAME TO refresh_overdue_facts_now;
ALTER FUNCTION refresh_action_group_facts(text[]) RENAME TO refresh_action_group_facts_now;

-- The names the triggers call: refresh now, or note it for the end.
CREATE FUNCTION refresh_coverage_facts(p_offices text[], p_neighborhoods text[], p_cities text[]) RETURNS void
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = public, pg_temp AS $$
BEGIN
  IF NOT facts_at_end() THEN
    PERFORM refresh_coverage_facts_now(p_offices, p_neighborhoods, p_cities);
  ELSIF p_offices IS NULL AND p_neighborhoods IS NULL AND p_cities IS NULL THEN
    INSERT INTO facts_pending (fact) VALUES ('coverage') ON CONFLICT DO NOTHING;
  ELSE
    INSERT INTO facts_pending (fact, part, code)
    SELECT 'coverage', 'office', unnest(p_offices)
    UNION SELECT 'coverage', 'neighborhood', unnest(p_neighborhoods)
    UNION SELECT 'coverage', 'city', unnest(p_cities)
    ON CONFLICT DO NOTHING;
  END IF;
END $$;

CREATE FUNCTION refresh_action_facts(p_fact text, p_actions text[]) RETURNS void
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = public, pg_temp AS $$
BEGIN
  IF facts_at_end() THEN
    INSERT INTO facts_pending (fact, part, code)
    SELECT p_fact, NULL, NULL WHERE p_actions IS NULL
    UNION SELECT p_fact, 'action', unnest(p_actions)
    ON CONFLICT DO NOTHING;
  ELSIF p_fact = 'overdue' THEN
    PERFORM refresh_overdue_facts_now(p_actions);
  ELSE
    PERFORM refresh_action_group_facts_now(p_actions);
  END IF;
END $$;

CREATE FUNCTION refresh_overdue_facts(p_actions text[]) RETURNS void
LANGUAGE sql VOLATILE SECURITY DEFINER SET search_path = public, pg_temp AS $$
  SELECT refresh_action_facts('overdue', p_actions)
$$;

CREATE FUNCTION refresh_action_group_facts(p_actions text[]) RETURNS void
LANGUAGE sql VOLATILE SECURITY DEFINER SET search_path = public, pg_temp AS $$
  SELECT refresh_action_facts('groups', p_actions)
$$;

-- Everything noted in this transaction, refreshed; from here on, refreshes are immediate again.
CREATE FUNCTION refresh_pending_facts() RETURNS void
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
  keys record;
BEGIN
  PERFORM set_config('regen.facts_at_end', 'off', true);
  FOR keys IN
    SELECT fact, bool_or(part IS NULL) AS everything,
           COALESCE(array_agg(code) FILTER (WHERE part = 'office'), '{}') AS offices,
           COALESCE(array_agg(code) FILTER (WHERE part = 'neighborhood'), '{}') AS neighborhoods,
           COALESCE(array_agg(code) FILTER (WHERE part = 'city'), '{}') AS cities,
           array_agg(code) FILTER (WHERE part = 'action') AS actions
    FROM facts_pending WHERE txid = txid_current() GROUP BY fact
  LOOP
    IF keys.fact = 'coverage' AND keys.everything THEN
      PERFORM refresh_coverage_facts_now(NULL, NULL, NULL);
    ELSIF keys.fact = 'coverage' THEN
      PERFORM refresh_coverage_facts_now(keys.offices, keys.neighborhoods, keys.cities);
    ELSIF keys.fact = 'overdue' THEN
      PERFORM refresh_overdue_facts_now(CASE WHEN NOT keys.everything THEN keys.actions END);
    ELSE
      PERFORM refresh_action_group_facts_now(CASE WHEN NOT keys.everything THEN keys.actions END);
    END IF;
  END LOOP;
  DELETE FROM facts_pending WHERE txid = txid_current();
END $$;

CREATE FUNCTION facts_pending_at_commit() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
BEGIN
  IF EXISTS (SELECT 1 FROM facts_pending WHERE txid = txid_current()) THEN
    PERFORM refresh_pending_facts();
  END IF;
  RETURN NULL;
END $$;

CREATE CONSTRAINT TRIGGER facts_pending_at_commit AFTER INSERT ON facts_pending
  DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION facts_pending_at_commit();

DO $$
DECLARE
  f text;
BEGIN
  FOREACH f IN ARRAY ARRAY['refresh_coverage_facts(text[], text[], text[])',
                           'refresh_action_facts(text, text[])', 'refresh_overdue_facts(text[])',
                           'refresh_action_group_facts(text[])', 'refresh_pending_facts()',
                           'facts_pending_at_commit()'] LOOP
    EXECUTE format('REVOKE ALL ON FUNCTION %s FROM PUBLIC', f);
  END LOOP;
END $$;
GRANT EXECUTE ON FUNCTION refresh_pending_facts() TO regen_etl;
