-- A push to 100,000 devices answers from the partial index of pending actions.
SET search_path = push_actions, public;
INSERT INTO apps (app_id, name, token_hash) VALUES (201, 'big app', sha256(convert_to('BIG_KEY', 'UTF8')));
\set big 'b16b16b16b16b16b16b16b16'
INSERT INTO pushes (push_id, app_id, payload, expires_at)
VALUES (:'big', 201, '{"message":"to everyone"}', now() + interval '30 days');
INSERT INTO actions (app_id, push_id, device_id, device_token, platform, status)
SELECT 201, :'big', i, 'big-' || i, (ARRAY['android','ios','electron','web'])[1 + i % 4], 'attempted'
FROM generate_series(1, 100000) i;
-- a quarter of them delivered already
-- synthetic: delivered without a send attempt, written as the owner's repair
SET push_actions.unchecked_writes = on;
UPDATE actions SET status = 'delivered' WHERE app_id = 201 AND device_id % 8 = 0;
RESET push_actions.unchecked_writes;
VACUUM ANALYZE actions;
SELECT info #> '{push,pending_count}' AS pending_count, jsonb_array_length(info #> '{push,pending_devices}') AS listed
FROM push_info(:'big', 'BIG_KEY') AS info;
SELECT count(*) AS expected_pending FROM actions
WHERE app_id = 201 AND platform IN ('android', 'electron') AND status IN ('attempted', 'sent');
-- the two queries push_info runs, with the planner's default settings: the
-- predicate they share with the index folds to the index's own
EXPLAIN (COSTS OFF) SELECT a.device_token, a.action_id FROM actions a
	WHERE a.app_id = 201 AND a.push_id = :'big' AND push_actions_internal.is_pending_device(a.status, a.platform, a.device_token)
	ORDER BY a.action_id LIMIT 1000;
EXPLAIN (COSTS OFF) SELECT count(*) FROM actions a
	WHERE a.app_id = 201 AND a.push_id = :'big' AND push_actions_internal.is_pending_device(a.status, a.platform, a.device_token);
SELECT count(*) AS view_rows FROM push_pending_devices WHERE app_id = 201 AND push_id = :'big';
DELETE FROM actions WHERE app_id = 201;
DELETE FROM pushes WHERE app_id = 201;
DELETE FROM apps WHERE app_id = 201;
