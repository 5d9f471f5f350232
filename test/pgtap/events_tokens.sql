-- Delivery-token verification, digit by digit and key by key: a token with
-- any one of its 32 hex digits changed, the token of another action, and a
-- token made for the action with another app's current or rotated-out key
-- are each refused and record nothing; the right one, after all of them, is
-- recorded.
BEGIN;
SET search_path = push_actions, public;
SELECT plan(8);

SELECT app_id AS app, apptoken AS app_token FROM create_app('verified') \gset
SELECT app_id AS other, apptoken AS other_token FROM create_app('other') \gset
SELECT create_push(:app, '{}', '[{"device_id":1,"token":"t1","platform":"android"},{"device_id":2,"token":"t2","platform":"android"}]') AS push \gset
SELECT create_push(:other, '{}', '[{"device_id":1,"token":"t1","platform":"android"}]') AS other_push \gset
SELECT record_attempt(action_id, true) FROM actions WHERE push_id IN (:'push', :'other_push');
CREATE TEMP TABLE d AS SELECT * FROM push_deliveries(:'push', :'app_token') ORDER BY action_id;
SELECT delivery_id AS id1, delivery_token AS token1 FROM d ORDER BY action_id LIMIT 1 \gset
SELECT delivery_token AS token2 FROM d ORDER BY action_id OFFSET 1 LIMIT 1 \gset
-- the other app's key, and a key of it rotated out but still valid
SELECT count(*) FROM push_deliveries(:'other_push', :'other_token');
SELECT secret AS old_key FROM push_actions_internal.app_keys WHERE app_id = :other \gset
SELECT rotate_app_key(:other, '1 day') IS NOT NULL AS rotated;
SELECT secret AS new_key FROM push_actions_internal.app_keys WHERE app_id = :other AND valid_until IS NULL \gset

CREATE TEMP TABLE tries (what text, answer jsonb);
-- every digit, each replaced by another hex digit
INSERT INTO tries
SELECT 'digit ' || i, track_event(:'id1',
	overlay(:'token1' PLACING CASE WHEN substr(:'token1', i, 1) = '0' THEN '1' ELSE '0' END FROM i FOR 1), 'opened')
FROM generate_series(1, 32) i;
INSERT INTO tries VALUES
	('another action''s token', track_event(:'id1', :'token2', 'opened')),
	('another app''s current key', track_event(:'id1', push_actions_internal.delivery_token(:'new_key'::bytea, :'id1'), 'opened')),
	('another app''s rotated-out key', track_event(:'id1', push_actions_internal.delivery_token(:'old_key'::bytea, :'id1'), 'opened')),
	('upper case', track_event(:'id1', upper(:'token1'), 'opened')),
	('one digit short', track_event(:'id1', left(:'token1', 31), 'opened')),
	('one digit more', track_event(:'id1', :'token1' || '0', 'opened'));

SELECT is((SELECT count(*)::int FROM tries WHERE what LIKE 'digit %'), 32, 'the token has 32 digits, each tried');
SELECT is((SELECT count(*)::int FROM tries WHERE what LIKE 'digit %' AND answer ->> 'code' = 'REFUSED'), 32,
	'a token with any one digit changed is refused');
SELECT results_eq($$SELECT what, answer ->> 'code' FROM tries WHERE what NOT LIKE 'digit %' ORDER BY what$$,
	$$VALUES ('another action''s token', 'REFUSED'), ('another app''s current key', 'REFUSED'), ('another app''s rotated-out key', 'REFUSED'),
	         ('one digit more', 'REFUSED'), ('one digit short', 'REFUSED'), ('upper case', 'REFUSED')$$,
	'another action''s token, tokens made with another app''s current or old key, and tokens of another length or case are refused');
SELECT is((SELECT status::text FROM actions WHERE push_id = :'push' ORDER BY action_id LIMIT 1), 'sent', 'none of them recorded anything');
SELECT ok(push_actions_internal.delivery_token_matches(:'new_key'::bytea, :'id1', push_actions_internal.delivery_token(:'new_key'::bytea, :'id1'))
          AND push_actions_internal.delivery_token_matches(:'old_key'::bytea, :'id1', push_actions_internal.delivery_token(:'old_key'::bytea, :'id1')),
	'the forged tokens were valid for their own keys: only the key made them wrong');
SELECT is(track_event(:'id1', :'token1', 'opened') ->> 'recorded', 'true', 'the right token is recorded after all of them');
SELECT is((SELECT status::text FROM actions WHERE push_id = :'push' ORDER BY action_id LIMIT 1), 'opened', 'and the action is opened');
SELECT is_empty('SELECT * FROM verify_rollups()', 'the kept roll-ups followed');

SELECT * FROM finish();
ROLLBACK;
