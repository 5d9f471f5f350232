-- The listing's filters reach indexes on a realistic table: 120,000 actions of
-- three apps of 200 campaigns each, ~3% failed, after ANALYZE, default planner settings.
SET search_path = push_actions, public;
INSERT INTO apps (app_id, name, token_hash)
SELECT i, 'index app ' || i, sha256(convert_to('INDEX_TOKEN_' || i, 'UTF8')) FROM generate_series(101, 103) i;
INSERT INTO actions (app_id, campaign_id, device_id, platform, status, attempts, error_message, create_time)
SELECT 101 + (i % 600) / 200, 1000 + i % 600, i, (ARRAY['android','ios','web'])[1 + i % 3],
       CASE WHEN i % 37 = 0 THEN 'failed' WHEN i % 53 = 0 THEN 'bounced' ELSE 'delivered' END::push_status,
       1, CASE WHEN i % 37 = 0 THEN 'Not personalized' END,
       '2026-01-01'::timestamptz + i * interval '1 minute'
FROM generate_series(1, 120000) i;
ANALYZE actions;
SELECT count(*) AS actions FROM actions WHERE app_id BETWEEN 101 AND 103;

-- the seed's request shape: a campaign's failed actions, newest first
SELECT * FROM explain_push_devices('{"apptoken":"INDEX_TOKEN_101","condition":[["campaign_id","=",1001],["error","=",1]],
	"limit":50,"offset":0,"select":["campaign_id","action_id","create_time","device_id","error_message"]}');
-- a campaign's actions, newest first
SELECT * FROM explain_push_devices('{"apptoken":"INDEX_TOKEN_101","condition":[["campaign_id","=",1001]]}');
-- several campaigns
SELECT * FROM explain_push_devices('{"apptoken":"INDEX_TOKEN_101","condition":[["campaign_id","in",[1001,1004,1007]],["error","=",1]]}');
-- a status condition reaches the partial index too
SELECT * FROM explain_push_devices('{"apptoken":"INDEX_TOKEN_101","condition":[["campaign_id","=",1001],["status","in",["failed","bounced"]]],"select":["action_id"]}');
-- the rows those plans return are the right ones
SELECT list_push_devices('{"apptoken":"INDEX_TOKEN_101","condition":[["campaign_id","=",1001],["error","=",1]],"select":["device_id","create_time","error_message"],"limit":3}');
SELECT jsonb_array_length(list_push_devices('{"apptoken":"INDEX_TOKEN_101","condition":[["campaign_id","=",1001],["error","=",1]],"limit":1000}') -> 'data')
     = (SELECT count(*) FROM actions WHERE app_id = 101 AND campaign_id = 1001 AND status IN ('failed', 'bounced')) AS all_failed_found;
-- EXPLAIN ANALYZE through the same function
SELECT line FROM explain_push_devices('{"apptoken":"INDEX_TOKEN_101","condition":[["campaign_id","=",1001],["error","=",1]]}', true) AS line
WHERE line ~ 'Index Scan|Seq Scan';
DELETE FROM actions WHERE app_id BETWEEN 101 AND 103;
DELETE FROM apps WHERE app_id BETWEEN 101 AND 103;
