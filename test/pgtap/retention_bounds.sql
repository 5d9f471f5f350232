-- purge(now)'s boundaries, each on both sides by a microsecond: a push goes
-- when it expired at or before now, or when it was made and its actions
-- last changed two days or more before now with every action final; its
-- unfinished actions are counted as expired in the day's roll-up.
BEGIN;
SET search_path = push_actions, public;
SELECT plan(9);

SELECT app_id AS app FROM create_app('retention bounds') \gset
-- now is 2026-06-10 12:00 UTC: each push is named by what it tests
CREATE TEMP TABLE cases (push_id text, created_at timestamptz, expires_at timestamptz, status push_status, updated_at timestamptz, goes boolean);
INSERT INTO cases VALUES
	('000000000000000000000a01', '2026-06-01 00:00+00', '2026-06-10 12:00:00+00', 'attempted', '2026-06-01 00:00+00', true),   -- expired at now
	('000000000000000000000a02', '2026-06-01 00:00+00', '2026-06-10 12:00:00.000001+00', 'attempted', '2026-06-01 00:00+00', false), -- a microsecond later
	('000000000000000000000a03', '2026-06-08 12:00:00+00', '2026-07-01 00:00+00', 'sent', '2026-06-08 12:00:00+00', true),   -- made and final two days ago
	('000000000000000000000a04', '2026-06-08 12:00:00.000001+00', '2026-07-01 00:00+00', 'sent', '2026-06-08 12:00:00.000001+00', false), -- made a microsecond later
	('000000000000000000000a05', '2026-06-01 00:00+00', '2026-07-01 00:00+00', 'sent', '2026-06-08 12:00:00.000001+00', false), -- changed a microsecond later
	('000000000000000000000a06', '2026-06-01 00:00+00', '2026-07-01 00:00+00', 'attempted', '2026-06-01 00:00+00', false);    -- old but unfinished
SET LOCAL push_actions.unchecked_writes = on;  -- actions written with the moments they had
INSERT INTO pushes (push_id, app_id, campaign_id, payload, created_at, expires_at)
SELECT push_id, :app, 5, '{}', created_at, expires_at FROM cases;
INSERT INTO actions (app_id, push_id, campaign_id, device_id, device_token, platform, status, attempts, create_time, updated_at)
SELECT :app, push_id, 5, 1, 't1', 'android', status, CASE WHEN status = 'sent' THEN 1 ELSE 0 END, created_at, updated_at FROM cases;
RESET push_actions.unchecked_writes;

SELECT is(purge('2026-06-10 12:00:00+00'), 2::bigint, 'purge removes the two pushes at its bounds');
SELECT is((SELECT array_agg(c.push_id ORDER BY c.push_id) FROM cases c JOIN pushes p USING (push_id)),
	ARRAY['000000000000000000000a02', '000000000000000000000a04', '000000000000000000000a05', '000000000000000000000a06'],
	'and keeps those a microsecond inside them, and the unfinished one');
SELECT is((SELECT count(*)::int FROM actions WHERE push_id IN ('000000000000000000000a01', '000000000000000000000a03')), 0,
	'the removed pushes'' actions are gone');
SELECT is((SELECT status_count(delivery_summary(summary), 'expired') FROM daily_rollups WHERE app_id = :app), 1::bigint,
	'the expired push''s unfinished action is folded as expired');
SELECT is((SELECT status_count(delivery_summary(summary), 'sent') FROM daily_rollups WHERE app_id = :app), 1::bigint,
	'the final one as sent');
SELECT is((SELECT total(delivery_summary(messages)) FROM daily_rollups WHERE app_id = :app), 2::bigint, 'two messages folded');
SELECT is(purge('2026-06-10 12:00:00+00'), 0::bigint, 'a second purge at the same moment removes nothing');
SELECT is(purge('2026-06-10 12:00:00.000001+00'), 3::bigint, 'a microsecond later the next three go');
SELECT is_empty('SELECT * FROM verify_rollups()', 'the kept roll-ups followed every purge');

SELECT * FROM finish();
ROLLBACK;
