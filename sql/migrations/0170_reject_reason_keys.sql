-- A rejected row's reason for the dashboard, in its reader's language (issue 16, item 2): the loaders
-- write `reason` in English for the ETL engineer (the CLI prints it) and, beside it, `reason_key` (the
-- words of dashboard/words.toml rj_<key>) with the `reason_values` that fill them. The data view shows
-- the key's words; a row with no key (a reason this migration does not recognise) shows a general
-- sentence in Persian and its English reason in English.
ALTER TABLE etl_rejects ADD COLUMN reason_key text, ADD COLUMN reason_values jsonb;

-- The rows already recorded: each reason the loaders wrote, recognised by its wording, its «…» parts
-- and numbers becoming the values (in the order of `names`).
WITH reasons (pattern, key, names) AS (VALUES
  ('^«(.*)» is not a number$', 'not_number', ARRAY['value']),
  ('^«(.*)» is not a whole number of zero or more$', 'not_count', ARRAY['value']),
  ('^«(.*)» is not yes/no: ', 'not_yes_no', ARRAY['value']),
  ('^«(.*)» is not a date: ', 'not_date', ARRAY['value']),
  ('^«(.*)» does not exist in the (?:Jalali|Gregorian) calendar$', 'not_date', ARRAY['value']),
  ('^«(.*)» is not a period: ', 'not_period', ARRAY['value']),
  ('^«(.*)» is not a Jalali year between 1300 and 1500', 'period_years', ARRAY['value']),
  ('^«(.*)»: the last year must follow the first', 'period_span', ARRAY['value']),
  ('^«(.*)» is not one of (.*) \(or their Persian names\)$', 'not_one_of', ARRAY['value', 'allowed']),
  ('^give both lat and lon, or neither$', 'lat_lon_pair', ARRAY[]::text[]),
  ('^lat (\S+) / lon (\S+) look swapped', 'lat_lon_swapped', ARRAY['lat', 'lon']),
  ('^lat (\S+) / lon (\S+) is outside Iran', 'outside_iran', ARRAY['lat', 'lon']),
  ('^unknown province «(.*)»: ', 'unknown_province', ARRAY['value']),
  ('^unknown agency «(.*)»: give its code \((.*)\) or its Persian name$', 'unknown_agency', ARRAY['value', 'known']),
  ('^unknown city code «(.*)»: ', 'unknown_city', ARRAY['value']),
  ('^unknown neighborhood code «(.*)»: ', 'unknown_neighborhood', ARRAY['value']),
  ('^unknown office code «(.*)»: ', 'unknown_office', ARRAY['value']),
  ('^the Persian name is empty$', 'no_name_fa', ARRAY[]::text[]),
  ('^the province is empty: ', 'no_province', ARRAY[]::text[]),
  ('^a new city needs lat and lon', 'city_needs_point', ARRAY[]::text[]),
  ('^there is no resolution (\d+) of meeting (\d+) in the database$', 'no_resolution', ARRAY['resolution', 'meeting']),
  ('^this column must not be empty$', 'empty_cell', ARRAY[]::text[]),
  ('^city «(.*)» is in (\S+), not in province (\S+)$', 'city_elsewhere', ARRAY['city', 'inside', 'province']),
  ('^(?:neighborhood|office) «(.*)» is in city (\S+), not in (?:the office''s )?city (\S+)$', 'code_elsewhere', ARRAY['code', 'inside', 'city']),
  ('^status_on or evidence is given without a status$', 'no_status', ARRAY[]::text[]),
  ('^(.*) is in the future$', 'in_future', ARRAY['day']),
  ('^status (\S+) of (.*) is older than the recorded status (\S+) of (.*); the file is out of date', 'status_older', ARRAY['status', 'day', 'recorded', 'recorded_day']),
  ('^the agency is empty: ', 'no_agency', ARRAY[]::text[]),
  ('^the measure is empty: (.*)$', 'no_measure', ARRAY['allowed']),
  ('^the period is empty: ', 'no_period', ARRAY[]::text[]),
  ('^the target is empty or zero: ', 'no_target', ARRAY[]::text[]),
  ('^a handover letter needs its date in handed_over_on$', 'letter_without_day', ARRAY[]::text[]),
  ('^the kind is empty: facilitation', 'no_office_kind', ARRAY[]::text[]),
  ('^give the neighborhood code\(s\) the office serves', 'no_neighborhoods', ARRAY[]::text[]),
  ('^no lat/lon and no neighborhood to place the office in$', 'no_place', ARRAY[]::text[]),
  ('^impossible lifecycle: (.*)$', 'lifecycle', ARRAY['detail']),
  ('^the cell holds the formula «.*» but no saved value', 'unsaved_formula', ARRAY[]::text[]),
  ('^the code is empty$', 'no_code', ARRAY[]::text[]),
  ('^code «(.*)» appears again \(first on row (\d+)\)$', 'code_again', ARRAY['code', 'first']),
  ('^the database refused the row: (.*)$', 'db_refused', ARRAY['detail']),
  ('^no geometry$', 'no_geometry', ARRAY[]::text[]),
  ('^unsupported geometry type (\d+)$', 'geometry_type', ARRAY['type']),
  ('^empty geometry$', 'empty_geometry', ARRAY[]::text[]),
  ('^no name in field ', 'no_name', ARRAY[]::text[]),
  ('^unknown kind (.*) \(known: ', 'unknown_kind', ARRAY['value']),
  ('^its geometry cannot be read', 'unreadable_geometry', ARRAY[]::text[]),
  ('^x and y are swapped \(latitude written first\)', 'swapped_xy', ARRAY[]::text[]),
  ('^its (province|city) (.+) is not in the database$', 'parent_missing', ARRAY['level', 'code']),
  ('^it lies outside its (province|city) (.+)$', 'outside_parent', ARRAY['level', 'code']),
  ('^it lies outside every (province|city) \(no ', 'outside_every_unloaded', ARRAY['level']),
  ('^it lies outside every (province|city)$', 'outside_every', ARRAY['level']),
  ('^its name matches no province', 'no_province_match', ARRAY[]::text[]),
  ('^its code (.+) is not a province code', 'not_province_code', ARRAY['code'])
), found AS (
  SELECT DISTINCT ON (j.id) j.id, r.key, r.names, regexp_match(j.reason, r.pattern) AS parts
    FROM etl_rejects j JOIN reasons r ON j.reason ~ r.pattern
   ORDER BY j.id, r.key
)
UPDATE etl_rejects j
   SET reason_key = f.key,
       reason_values = CASE WHEN cardinality(f.names) > 0
                            THEN jsonb_object(f.names, f.parts[1:cardinality(f.names)]) END
  FROM found f
 WHERE f.id = j.id;
