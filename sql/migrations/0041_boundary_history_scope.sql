-- Earlier neighborhood boundaries are detail too: a provincial user sees its own province's only.
-- Province and city history stays open (reference geography, like provinces and cities).
ALTER TABLE boundary_history ENABLE ROW LEVEL SECURITY;
CREATE POLICY app_read ON boundary_history FOR SELECT TO regen_app
  USING (regen_sees_all()
         OR (level <> 'neighborhood' AND regen_signed_in())
         OR (level = 'neighborhood'
             AND code IN (SELECT n.code FROM neighborhoods n JOIN cities c ON c.code = n.city_code
                           WHERE c.province_code = regen_own_province())));
CREATE POLICY etl_all ON boundary_history FOR ALL TO regen_etl USING (true) WITH CHECK (true);
