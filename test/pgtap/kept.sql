-- The kept roll-ups follow every write path.  After each step, three checks:
-- verify_rollups() finds no difference, and message_status and
-- campaign_overview equal the same numbers regrouped from the live actions
-- by the definitions the views had before the roll-ups were kept (an oracle
-- that shares no code with the trigger).
BEGIN;
SET search_path = push_actions, public;
-- the writes below go anywhere, back to scheduled included, as an owner's
-- repairs may (writes_rules.sql tests the state machine that stops others)
SET LOCAL push_actions.unchecked_writes = on;
SELECT plan(104);

CREATE TEMP VIEW oracle_messages AS
SELECT a.app_id, a.push_id, a.campaign_id, a.profile_id,
       CASE WHEN a.profile_id IS NULL THEN a.device_id END AS device_id,
       CASE WHEN a.push_id IS NULL THEN a.action_id END AS action_id,
       count(*) AS devices,
       min(a.create_time) FILTER (WHERE a.status <> 'scheduled') AS first_attempt_at,
       rollup_status(a.status)::text AS status,
       delivery_summary(a.status, a.attempts) AS summary
FROM push_actions.actions a
GROUP BY 1, 2, 3, 4, 5, 6;

CREATE TEMP VIEW oracle_campaigns AS
SELECT app_id, campaign_id, delivery_summary(m) AS m, delivery_summary(d) AS d
FROM (
	SELECT app_id, campaign_id, delivery_summary(status::push_status) AS m, delivery_summary(summary) AS d
	FROM oracle_messages GROUP BY 1, 2
	UNION ALL
	SELECT app_id, campaign_id, delivery_summary(messages), delivery_summary(summary)
	FROM push_actions.daily_rollups GROUP BY 1, 2
) p
GROUP BY 1, 2;

CREATE FUNCTION pg_temp.checks(step text) RETURNS SETOF text LANGUAGE plpgsql AS $$
BEGIN
	RETURN NEXT is_empty('SELECT * FROM push_actions.verify_rollups()',
		step || ': verify_rollups() finds no difference');
	RETURN NEXT set_eq(
		'SELECT app_id, push_id, campaign_id, profile_id, device_id, action_id, devices, first_attempt_at, status, summary::text FROM push_actions.message_status',
		'SELECT app_id, push_id, campaign_id, profile_id, device_id, action_id, devices, first_attempt_at, status, summary::text FROM oracle_messages',
		step || ': message_status equals the regrouped actions');
	RETURN NEXT set_eq(
		'SELECT app_id, campaign_id, messages, sent, delivered, opened, converted, failed, bounced, expired, pending, summary::text FROM push_actions.campaign_overview',
		$q$SELECT app_id, campaign_id, total(m), status_count(m, 'sent') AS s, status_count(m, 'delivered') AS d,
		          status_count(m, 'opened') AS o, status_count(m, 'converted') AS c, status_count(m, 'failed') AS f,
		          status_count(m, 'bounced') AS b, status_count(m, 'expired') AS e, pending(m), d::text AS summary
		   FROM oracle_campaigns$q$,
		step || ': campaign_overview equals the regrouped actions');
END
$$;

INSERT INTO apps (app_id, name, token_hash) VALUES
	(901, 'kept one', sha256('kept one')), (902, 'kept two', sha256('kept two'));

-- create_push: a person with two devices, a device without profile, and a
-- profile that is the empty string (a key of its own, not "no profile")
SELECT create_push(901, '{"message": "hi"}', '[
	{"device_id": 1, "platform": "android", "token": "t1", "profile_id": "ann"},
	{"device_id": 2, "platform": "ios", "token": "t2", "profile_id": "ann"},
	{"device_id": 3, "platform": "web", "token": "t3"},
	{"device_id": 4, "platform": "android", "token": "t4", "profile_id": ""}]', 7) AS p1 \gset
SELECT create_push(901, '{"message": "later"}', '[
	{"device_id": 5, "platform": "android", "token": "t5", "profile_id": "bob"}]', 7,
	now() + interval '1 day') AS p2 \gset
SELECT create_push(902, '{"message": "no campaign"}', '[
	{"device_id": 6, "platform": "android", "token": "t6", "profile_id": "cy"},
	{"device_id": 7, "platform": "electron", "token": "t7", "profile_id": "cy"}]') AS p3 \gset
SELECT * FROM pg_temp.checks('create_push');
SELECT is((SELECT count(*) FROM push_actions_internal.messages WHERE push_id = :'p1'), 3::bigint,
	'create_push: one kept row per person of the push (ann, device 3, the empty profile)');

-- record_attempt, record_event, retry: one action at a time
SELECT record_attempt(a.action_id, true) FROM actions a WHERE a.push_id = :'p1' AND a.device_id = 1 \g /dev/null
SELECT record_attempt(a.action_id, false, 'Unavailable', true) FROM actions a WHERE a.push_id = :'p1' AND a.device_id = 2 \g /dev/null
SELECT * FROM pg_temp.checks('record_attempt');
SELECT record_event(a.action_id, 'delivered') FROM actions a WHERE a.push_id = :'p1' AND a.device_id = 1 \g /dev/null
SELECT record_event(a.action_id, 'opened') FROM actions a WHERE a.push_id = :'p1' AND a.device_id = 1 \g /dev/null
SELECT * FROM pg_temp.checks('record_event');
SELECT retry(a.action_id) FROM actions a WHERE a.push_id = :'p1' AND a.device_id = 2 \g /dev/null
SELECT * FROM pg_temp.checks('retry');
SELECT record_attempt(a.action_id, false, 'DEVICE_UNREGISTERED') FROM actions a WHERE a.push_id = :'p1' AND a.device_id = 2 \g /dev/null
SELECT record_attempt(a.action_id, true) FROM actions a WHERE a.push_id = :'p3' \g /dev/null
SELECT * FROM pg_temp.checks('record_attempt on a push without campaign');

-- one action updated within its message takes the trigger's short path:
-- a change of attempts alone, an action without a push, and an update that
-- changes nothing counted, which writes no kept row at all
UPDATE actions SET attempts = attempts + 1 WHERE push_id = :'p1' AND device_id = 1;
SELECT * FROM pg_temp.checks('one-row UPDATE of attempts');
CREATE TEMP TABLE kept_rows_before AS
SELECT ctid AS row_id FROM push_actions_internal.messages UNION ALL SELECT ctid FROM push_actions_internal.campaign_stripes;
UPDATE actions SET updated_at = now() WHERE push_id = :'p1' AND device_id = 1;
SELECT * FROM pg_temp.checks('one-row UPDATE of nothing counted');
SELECT set_eq('SELECT ctid AS row_id FROM push_actions_internal.messages UNION ALL SELECT ctid FROM push_actions_internal.campaign_stripes',
              'SELECT row_id FROM kept_rows_before',
              'one-row UPDATE of nothing counted: no kept row is written');

-- COPY, more devices of an existing push and actions without a push
COPY actions (app_id, push_id, campaign_id, device_id, profile_id, device_token, platform, status, attempts) FROM STDIN;
901	\N	7	10	ann	t10	ios	sent	1
901	\N	7	11	\N	t11	android	failed	10
901	\N	\N	12	dee	t12	web	delivered	1
\.
INSERT INTO actions (app_id, push_id, campaign_id, device_id, profile_id, device_token, platform, status, attempts)
VALUES (901, :'p1', 7, 8, 'ann', 't8', 'android', 'attempted', 0);
SELECT * FROM pg_temp.checks('COPY');
UPDATE actions SET status = 'failed', attempts = 2 WHERE push_id IS NULL AND device_id = 10;
SELECT * FROM pg_temp.checks('one-row UPDATE of an action without a push');

-- INSERT of many rows in one statement (the plans for large statements)
INSERT INTO actions (app_id, push_id, campaign_id, device_id, profile_id, platform, status, attempts)
SELECT 902, :'p3', NULL, 100 + i, 'p' || (i % 700), 'android',
       (ARRAY['attempted', 'sent', 'delivered', 'failed'])[1 + i % 4]::push_status, 1 + i % 3
FROM generate_series(1, 1500) i;
SELECT * FROM pg_temp.checks('INSERT of 1,500 rows');
UPDATE actions SET status = 'delivered', updated_at = now() WHERE push_id = :'p3' AND status = 'sent';
SELECT * FROM pg_temp.checks('UPDATE of many rows');

-- a user's UPDATE that moves actions between messages, changes the first
-- action's time, or puts an action back to scheduled
UPDATE actions SET profile_id = 'zed' WHERE push_id = :'p1' AND device_id = 2;
SELECT * FROM pg_temp.checks('UPDATE of profile_id (a device moves to another person)');
UPDATE actions SET profile_id = NULL WHERE push_id = :'p1' AND device_id = 4;
SELECT * FROM pg_temp.checks('UPDATE of profile_id to NULL (the device becomes its own person)');
UPDATE actions SET campaign_id = 8 WHERE push_id = :'p1' AND device_id = 3;
SELECT * FROM pg_temp.checks('UPDATE of campaign_id');
UPDATE actions SET create_time = create_time - interval '1 hour' WHERE push_id = :'p1' AND device_id = 1;
UPDATE actions SET create_time = create_time + interval '2 hours' WHERE push_id = :'p1' AND device_id = 1;
SELECT * FROM pg_temp.checks('UPDATE of create_time');
UPDATE actions SET status = 'scheduled' WHERE push_id = :'p1' AND device_id = 8;
UPDATE actions SET status = 'scheduled', create_time = create_time - interval '1 day' WHERE push_id = :'p1' AND device_id = 1;
SELECT * FROM pg_temp.checks('UPDATE back to scheduled');
UPDATE actions SET device_id = 33 WHERE push_id = :'p1' AND device_id = 3;
SELECT * FROM pg_temp.checks('UPDATE of device_id');

-- a user's DELETE of one device of a message, then of a whole message
DELETE FROM actions WHERE push_id = :'p1' AND device_id = 8;
SELECT * FROM pg_temp.checks('DELETE of one device of a message');
DELETE FROM actions WHERE push_id = :'p3' AND profile_id = 'p5';
SELECT * FROM pg_temp.checks('DELETE of a whole message');
SELECT is((SELECT count(*) FROM push_actions_internal.messages WHERE push_id = :'p3' AND profile_id = 'p5'), 0::bigint,
	'DELETE of a whole message: its kept row is gone');
DELETE FROM actions WHERE push_id IS NULL AND device_id = 12;
SELECT * FROM pg_temp.checks('DELETE of an action without a push');

-- the retention paths
CREATE TEMP TABLE overview_before AS SELECT * FROM campaign_overview;
SELECT ok(fold_actions(now() + interval '1 minute', 1) > 0, 'fold_actions folds');
SELECT * FROM pg_temp.checks('fold_actions');
SELECT set_eq('SELECT app_id, campaign_id, messages, summary::text FROM campaign_overview',
              'SELECT app_id, campaign_id, messages, summary::text FROM overview_before',
              'fold_actions: campaign_overview unchanged');
SELECT create_push(901, '{"message": "short"}', '[
	{"device_id": 40, "platform": "android", "token": "t40", "profile_id": "eve"},
	{"device_id": 41, "platform": "android", "token": "t41", "profile_id": "eve"}]', 9,
	expires_at => now() + interval '1 hour') AS p4 \gset
SELECT record_attempt(a.action_id, true) FROM actions a WHERE a.push_id = :'p4' AND a.device_id = 40 \g /dev/null
SELECT ok(purge(now() + interval '2 hours') >= 1, 'purge removes the expired push');
SELECT * FROM pg_temp.checks('purge (expired, unfinished counted as expired)');
SELECT create_push(901, '{"message": "gone"}', '[{"device_id": 50, "platform": "ios", "token": "t50"}]', 9) AS p5 \gset
UPDATE apps SET token_hash = sha256(convert_to('kept-token', 'UTF8')) WHERE app_id = 901;
SELECT is(delete_push(:'p5', 'kept-token'), '{"success": true}'::jsonb, 'delete_push answers');
SELECT * FROM pg_temp.checks('delete_push');
DELETE FROM pushes WHERE push_id = :'p2';
SELECT * FROM pg_temp.checks('DELETE of a push');

-- writes under session_replication_role = replica (a logical replication
-- subscriber, a bulk load) still keep the roll-ups
SET LOCAL session_replication_role = replica;
INSERT INTO actions (app_id, push_id, campaign_id, device_id, profile_id, platform, status)
VALUES (902, :'p3', NULL, 5000, 'cy', 'web', 'sent');
RESET session_replication_role;
SELECT * FROM pg_temp.checks('INSERT under session_replication_role = replica');

-- deleting an app: nothing of it stays kept
DELETE FROM apps WHERE app_id = 902;
SELECT * FROM pg_temp.checks('DELETE of an app');
SELECT is((SELECT count(*) FROM push_actions_internal.campaign_stripes WHERE app_id = 902), 0::bigint,
	'DELETE of an app: its campaign stripes are gone');

-- out of step: a write the trigger did not see is found by verify_rollups(),
-- stops the next write to that message, and rebuild_rollups() repairs it
SELECT create_push(901, '{"message": "again"}', '[
	{"device_id": 60, "platform": "android", "token": "t60", "profile_id": "fay"},
	{"device_id": 61, "platform": "ios", "token": "t61", "profile_id": "fay"}]', 7) AS p6 \gset
ALTER TABLE actions DISABLE TRIGGER actions_keep_rollups_update;
UPDATE actions SET attempts = attempts + 1 WHERE push_id = :'p6' AND device_id = 61;
ALTER TABLE actions ENABLE ALWAYS TRIGGER actions_keep_rollups_update;
SELECT set_eq('SELECT scope, push_id FROM verify_rollups()',
              format($$VALUES ('campaign', NULL), ('message', %L)$$, :'p6'),
              'verify_rollups() names the message and the campaign out of step');
SELECT throws_ok(format($$DELETE FROM actions WHERE push_id = %L AND device_id = 61$$, :'p6'), 'XX001',
	'the kept roll-ups of table "actions" are out of step',
	'a write to a message out of step is refused');
DELETE FROM push_actions_internal.messages WHERE push_id = :'p6' AND app_id = 901;
SELECT throws_ok(format($$UPDATE actions SET attempts = attempts + 1 WHERE push_id = %L AND device_id = 60$$, :'p6'), 'XX001',
	'the kept roll-ups of table "actions" are out of step',
	'a one-row update of a message without its kept row is refused');
SELECT ok(rebuild_rollups() > 0, 'rebuild_rollups() keeps the messages again');
SELECT * FROM pg_temp.checks('rebuild_rollups');
UPDATE actions SET attempts = attempts + 1 WHERE push_id = :'p6' AND device_id = 61;
SELECT * FROM pg_temp.checks('a write after rebuild_rollups');

-- TRUNCATE empties the roll-ups with the actions
TRUNCATE actions;
SELECT * FROM pg_temp.checks('TRUNCATE');
SELECT is((SELECT count(*) FROM push_actions_internal.messages), 0::bigint, 'TRUNCATE: no kept messages');

-- the operator and the trigger's helper
SELECT is('{"sent": 3, "failed": 1, "attempts": 5}'::delivery_summary - '{"sent": 1, "attempts": 2}',
          '{"sent": 2, "failed": 1, "attempts": 3}'::delivery_summary, 'delivery_summary - delivery_summary');
SELECT throws_ok($$SELECT '{"sent": 1}'::push_actions.delivery_summary - '{"sent": 2}'$$, '22003',
	'delivery_summary subtraction would make "sent" negative', 'a difference below zero is an error');
SELECT throws_ok($$SELECT push_actions_internal.kept_summary_minus('{}', '{"attempts": 1}')$$, 'XX001',
	'the kept roll-ups of table "actions" are out of step', 'the trigger''s difference says the roll-ups are out of step');
SELECT throws_ok('SELECT push_actions_internal.keep_rollups()', '39P01', NULL, 'the trigger function cannot be called directly');

SELECT * FROM finish();
ROLLBACK;
