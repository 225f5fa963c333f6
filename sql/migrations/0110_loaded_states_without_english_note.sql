-- A state loaded from a table file carried the English note 'loaded from a table file', which the
-- Persian city view showed as it was. Where a state came from is its run_id; the dashboard says
-- "loaded from a table file" in the page's language (dashboard/words.toml `from_file`).
UPDATE office_states SET note = NULL WHERE run_id IS NOT NULL AND note = 'loaded from a table file';
