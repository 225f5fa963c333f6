-- data_changes (0060) was readable whole by regen_app under every scope, the anonymous one included:
-- the time of every transaction that wrote the data (another province's recorded office states among
-- them, whose audit rows that scope may not read) and the cluster's transaction ids. The dashboard's
-- data stamp needs only how many rows there are and the newest id (dash_data_stamp in
-- sql/queries/dashboard.sql): the app may read the ids, nothing else. The trigger function writes as
-- the owner and the ETL role keeps its grant (it runs for operators, outside any user's scope).
REVOKE SELECT ON data_changes FROM regen_app;
GRANT SELECT (id) ON data_changes TO regen_app;
