-- Earlier neighborhood boundaries are detail too: a provincial user sees its own province's only.
-- Province and city history stays open (reference geography, like provinces and cities).
ALTER TABLE boundary_history ENABLE ROW LEVEL SECURITY;
CREATE POLICY app_read ON boundary_history FOR SELECT TO regen_app
  USING (CASE WHEN level = 'neighborhood'
              -- the neighborhoods policy decides: invisible (or gone) → no row
              THEN regen_sees_province((SELECT city_province(n.city_code) FROM neighborhoods n
                                         WHERE n.code = boundary_history.code))
              ELSE regen_signed_in() END);
CREATE POLICY etl_all ON boundary_history FOR ALL TO regen_etl USING (true) WITH CHECK (true);
