-- The device tokens' kept state follows every write path: each step checks
-- exact values and ends with verify_device_tokens() empty.  Moments that
-- order events are written explicitly: within this test's transaction now()
-- does not move.
BEGIN;
SET search_path = push_actions, public;
SELECT plan(78);

SELECT app_id AS a1, apptoken AS k1 FROM create_app('tokens one') \gset
SELECT app_id AS a2, apptoken AS k2 FROM create_app('tokens two') \gset
CREATE FUNCTION pg_temp.state(p text, t text) RETURNS text LANGUAGE sql AS $$
	SELECT format('alive=%s dead_since=%s reason=%s code=%s class=%s failures=%s success=%s',
	              alive, dead_since, dead_reason, last_error_code, last_error_class, failures_since_success,
	              last_success_at IS NOT NULL)
	FROM push_actions.device_token_states WHERE platform = p AND device_token = t $$;
CREATE FUNCTION pg_temp.action_of(t text) RETURNS bigint LANGUAGE sql AS $$
	SELECT action_id FROM push_actions.actions WHERE device_token = t ORDER BY action_id DESC LIMIT 1 $$;
CREATE FUNCTION pg_temp.payload_of(push text) RETURNS jsonb LANGUAGE sql AS $$
	SELECT payload FROM push_actions.pushes WHERE push_id = push $$;
CREATE FUNCTION pg_temp.in_step(step text) RETURNS text LANGUAGE sql AS $$
	SELECT is_empty('SELECT * FROM push_actions.verify_device_tokens()', step || ': verify_device_tokens() finds nothing') $$;
SET TIME ZONE 'UTC';

-- create_push: every token is known, alive, first seen at the push
SELECT create_push(:a1, '{"m":1}', '[{"device_id":1,"token":"tokA","platform":"ios"},
	{"device_id":2,"token":"tokB","platform":"android"},{"device_id":3,"token":"tokC","platform":"web"},
	{"device_id":4,"platform":"other"}]') AS p1 \gset
SELECT is((SELECT array_agg(platform || ':' || device_token ORDER BY device_token) FROM device_token_states),
	'{ios:tokA,android:tokB,web:tokC}', 'create_push: each token is known, a device without one is not');
SELECT is((SELECT count(*)::int FROM device_token_states WHERE alive AND first_seen_at = now() AND last_seen_at IS NULL), 3,
	'alive, first seen when the push was made, not yet heard of');
SELECT pg_temp.in_step('create_push');

-- record_attempt (the trigger's one-row way): APNs's Unregistered kills the
-- token from the moment its timestamp gives (2026-01-01 00:00 UTC)
SELECT is(record_attempt(pg_temp.action_of('tokA'), false, '{"reason":"Unregistered","timestamp":1767225600000}', false, :a1, 'Unregistered'),
	'bounced', 'record_attempt bounces Unregistered');
SELECT is(pg_temp.state('ios', 'tokA'), 'alive=f dead_since=2026-01-01 00:00:00+00 reason=gone code=Unregistered class=gone failures=1 success=f',
	'the token is dead since APNs''s timestamp, gone, with the code');
SELECT is((SELECT dead_since FROM dead_device_tokens(:'k1')), '2026-01-01 00:00+00'::timestamptz, 'and listed dead');
SELECT pg_temp.in_step('record_attempt');

-- registration: one before the kill changes nothing, one after revives
SELECT is(register_device_token(:a1, 'ios', 'tokA', '2025-12-31 23:59:59+00'), false, 'a registration before the kill: still dead');
SELECT is(register_device_token(:a1, 'ios', 'tokA', '2026-01-02 00:00+00'), true, 'a registration after it: alive again');
SELECT is(pg_temp.state('ios', 'tokA'), 'alive=t dead_since= reason= code=Unregistered class=gone failures=1 success=f',
	'alive, the last failure still shown');
SELECT is_empty(format('SELECT * FROM dead_device_tokens(%L)', :'k1'), 'no longer listed');
-- an Unregistered APNs dates before that registration does not kill it
SET LOCAL push_actions.unchecked_writes = on;
INSERT INTO actions (app_id, device_id, device_token, platform, status, attempts, error_code, error_message, create_time, updated_at)
VALUES (:a1, 1, 'tokA', 'ios', 'bounced', 1, 'Unregistered', '{"reason":"Unregistered","timestamp":1767268800000}',
        '2026-01-03 00:00+00', '2026-01-03 00:00+00');
SELECT is(pg_temp.state('ios', 'tokA'), 'alive=t dead_since= reason= code=Unregistered class=gone failures=2 success=f',
	'an Unregistered dated before the registration leaves it alive');
-- one dated after it kills it again
INSERT INTO actions (app_id, device_id, device_token, platform, status, attempts, error_code, error_message, create_time, updated_at)
VALUES (:a1, 1, 'tokA', 'ios', 'bounced', 1, 'Unregistered', '{"reason":"Unregistered","timestamp":1767355200000}',
        '2026-01-04 00:00+00', '2026-01-04 00:00+00');
SELECT is((SELECT dead_since FROM device_token_states WHERE device_token = 'tokA'), '2026-01-02 12:00+00'::timestamptz,
	'one dated after it kills it again, from its timestamp');
RESET push_actions.unchecked_writes;
SELECT register_device_token(:a1, 'ios', 'tokA', '2026-01-05 00:00+00');
SELECT pg_temp.in_step('registration');

-- retryable failures count, a success resets them, retry() is no failure
SELECT is(record_attempt(pg_temp.action_of('tokB'), false, 'too many', false, :a1, 'TooManyRequests'), 'attempted', 'a retryable failure');
SELECT is(record_attempt(pg_temp.action_of('tokB'), false, NULL, false, :a1, 'QUOTA_EXCEEDED'), 'attempted', 'and another');
-- both at this transaction's now(): of equal moments, the first recorded stays
SELECT is(pg_temp.state('android', 'tokB'), 'alive=t dead_since= reason= code=TooManyRequests class=retry failures=2 success=f',
	'two failures since no success, with the code and class of the latest');
SELECT is(record_attempt(pg_temp.action_of('tokB'), true, NULL, false, :a1), 'sent', 'then a success');
SELECT is(pg_temp.state('android', 'tokB'), 'alive=t dead_since= reason= code=TooManyRequests class=retry failures=0 success=t',
	'which resets the count');
SELECT is(record_attempt(pg_temp.action_of('tokC'), false, 'bad payload', true, :a1, 'PayloadTooLarge'), 'failed', 'a permanent failure');
SELECT is(retry(pg_temp.action_of('tokC'), :a1), 'attempted', 'retried');
SELECT is(pg_temp.state('web', 'tokC'), 'alive=t dead_since= reason= code=PayloadTooLarge class=message failures=1 success=f',
	'retry() is not a failure; the payload''s fault leaves the token alive');
SELECT pg_temp.in_step('retries');

-- the statement's way: an UPDATE of several actions, an INSERT, a COPY
SET LOCAL push_actions.unchecked_writes = on;
UPDATE actions SET status = 'bounced', error_code = 'NotRegistered', attempts = attempts + 1, updated_at = '2027-03-01 00:00+00'
WHERE device_token IN ('tokB', 'tokC');
SELECT is((SELECT array_agg(device_token || '@' || dead_since ORDER BY device_token) FROM device_token_states WHERE NOT alive),
	'{tokB@2027-03-01 00:00:00+00,tokC@2027-03-01 00:00:00+00}', 'an UPDATE of two actions kills both tokens');
SELECT is((SELECT failures_since_success FROM device_token_states WHERE device_token = 'tokB'), 1::bigint,
	'the failure after tokB''s success is its first');
UPDATE actions SET channel = 'push' WHERE device_token IN ('tokB', 'tokC');
SELECT is((SELECT failures_since_success FROM device_token_states WHERE device_token = 'tokB'), 1::bigint,
	'an update that records no attempt changes nothing');
INSERT INTO actions (app_id, device_id, device_token, platform, status, attempts, error_code, create_time, updated_at)
VALUES (:a1, 5, 'tokD', 'android', 'failed', 1, 'InvalidRegistration', '2027-02-01 00:00+00', '2027-02-01 00:00+00'),
       (:a1, 6, 'tokE', 'android', 'sent', 1, NULL, '2027-02-01 00:00+00', '2027-02-01 00:00+00'),
       (:a1, 6, 'tokE', 'android', 'failed', 1, 'UNAVAILABLE', '2027-02-02 00:00+00', '2027-02-02 00:00+00');
SELECT is(pg_temp.state('android', 'tokD'), 'alive=f dead_since=2027-02-01 00:00:00+00 reason=invalid code=InvalidRegistration class=invalid failures=1 success=f',
	'INSERT: a failed action whose code says invalid kills a new token');
SELECT is(pg_temp.state('android', 'tokE'), 'alive=t dead_since= reason= code=UNAVAILABLE class=retry failures=1 success=t',
	'one statement''s success and later failure of a token: one failure since the success');
SELECT format('printf "%%s,7,tokF,web,bounced,1,HTTP 410,2027-02-05 00:00+00,2027-02-05 00:00+00\n" %s', :a1) AS copy_rows \gset
COPY actions (app_id, device_id, device_token, platform, status, attempts, error_message, create_time, updated_at)
	FROM PROGRAM :'copy_rows' (FORMAT csv);
SELECT is(pg_temp.state('web', 'tokF'), 'alive=f dead_since=2027-02-05 00:00:00+00 reason=gone code= class=unknown failures=1 success=f',
	'COPY: a bounced action kills its token even when nothing names why');
SELECT pg_temp.in_step('statements');

-- devices report: a delivery after the kill revives the token
UPDATE actions SET status = 'delivered', updated_at = '2027-02-06 00:00+00'
WHERE device_token = 'tokF';
SELECT is(pg_temp.state('web', 'tokF'), 'alive=t dead_since= reason= code= class=unknown failures=0 success=t',
	'a success after the kill: alive');
RESET push_actions.unchecked_writes;

-- deleting actions forgets nothing: delete_push, DELETE, purge, fold_actions
CREATE TEMP TABLE before AS SELECT * FROM device_token_states;
SELECT is(delete_push(:'p1', :'k1') ->> 'success', 'true', 'delete_push');
DELETE FROM actions WHERE device_token IN ('tokD', 'tokE');
SELECT is(purge(now() + interval '400 days'), 0::bigint, 'purge (nothing left with a push)');
SELECT is(fold_actions(now() + interval '400 days'), 3::bigint, 'fold_actions folds the standalone actions');
SELECT is((SELECT count(*)::int FROM actions WHERE app_id = :a1), 0, 'the app has no action left');
SELECT set_eq('SELECT * FROM device_token_states', 'SELECT * FROM before', 'and every token''s state is as it was');
SELECT is((SELECT array_agg(device_token ORDER BY dead_since, device_token) FROM dead_device_tokens(:'k1')),
	'{tokD,tokB,tokC}', 'the dead tokens are still dead');
SELECT pg_temp.in_step('deletes');

-- create_push_skipping_dead leaves the dead tokens' devices out and names them
SELECT is((SELECT row(push_id IS NOT NULL, skipped)::text FROM create_push_skipping_dead(:a1, '{"m":2}',
	'[{"device_id":2,"token":"tokB","platform":"android"},{"device_id":10,"token":"tokNew","platform":"android"},
	  {"device_id":3,"token":"tokC","platform":"web"},{"device_id":11,"token":"tokD","platform":"ios"}]')),
	'(t,"[{""index"": 0, ""device_id"": 2}, {""index"": 2, ""device_id"": 3}]")',
	'create_push_skipping_dead: the devices of dead tokens are left out and named (a token of another platform is another)');
SELECT is((SELECT array_agg(device_token || '/' || platform ORDER BY action_id) FROM actions WHERE app_id = :a1 AND pg_temp.payload_of(push_id) = '{"m": 2}'),
	'{tokNew/android,tokD/ios}', 'the push went to the others alone');
SELECT is((SELECT row(push_id IS NULL, jsonb_array_length(skipped))::text FROM create_push_skipping_dead(:a1, '{"m":3}',
	'[{"device_id":2,"token":"tokB","platform":"android"}]')), '(t,1)', 'when every device is left out, no push is made');
SELECT is((SELECT count(*)::int FROM pushes WHERE payload = '{"m":3}'), 0, 'not even an empty one');
SELECT is((SELECT skipped FROM create_push_skipping_dead(:a1, '{"m":4}', '[{"device_id":12,"token":"tokH","platform":"ios"}]')),
	'[]', 'with no dead token, nothing is skipped');
SELECT throws_ok(format($$SELECT * FROM push_actions.create_push_skipping_dead(%s, '{}', '[{"device_id":2,"token":"tokB","platform":"android"},{"device_id":5,"platform":"nokia"}]')$$, :a1),
	'22023', 'devices[1] platform must be one of android, ios, web, electron, huawei, macos, windows, other',
	'its checks name the caller''s positions');
SELECT pg_temp.in_step('create_push_skipping_dead');

-- paging: in order of death, a cursor goes on where the page stopped
SET LOCAL push_actions.unchecked_writes = on;
INSERT INTO actions (app_id, device_id, device_token, platform, status, attempts, error_code, create_time, updated_at)
SELECT :a2, i, 'dead' || i, 'android', 'bounced', 1, 'UNREGISTERED', '2027-04-01 00:00+00', '2027-04-01 00:00+00'::timestamptz + (i % 3) * interval '1 hour'
FROM generate_series(1, 7) i;
RESET push_actions.unchecked_writes;
SELECT is((SELECT array_agg(device_token) FROM dead_device_tokens(:'k2', page_size => 3)),
	'{dead3,dead6,dead1}', 'a page of three, in order of death then token');
SELECT is((SELECT array_agg(device_token) FROM dead_device_tokens(:'k2', after => (SELECT cursor FROM dead_device_tokens(:'k2', page_size => 3) OFFSET 2), page_size => 3)),
	'{dead4,dead7,dead2}', 'the next page starts after the cursor');
SELECT is((SELECT array_agg(device_token) FROM dead_device_tokens(:'k2', after => (SELECT cursor FROM dead_device_tokens(:'k2', page_size => 6) OFFSET 5), page_size => 3)),
	'{dead5}', 'and the last one has what is left');
SELECT is((SELECT array_agg(device_token) FROM dead_device_tokens(:'k2', since => '2027-04-01 02:00+00')),
	'{dead2,dead5}', 'since: the tokens dead from that moment');
SELECT is((SELECT count(*)::int FROM dead_device_tokens(:'k1') WHERE device_token LIKE 'dead%'), 0, 'an app''s key lists its own tokens only');
SELECT throws_ok($$SELECT * FROM push_actions.dead_device_tokens('not a key')$$, '28000', 'api_key is not the token of an app',
	'an unknown key is refused');
SELECT throws_ok(format('SELECT * FROM push_actions.dead_device_tokens(%L, page_size => 0)', :'k2'), '22023',
	'page_size must be between 1 and 10000', 'a page of nothing is refused');
SELECT throws_ok(format('SELECT * FROM push_actions.dead_device_tokens(%L, page_size => 10001)', :'k2'), '22023',
	'page_size must be between 1 and 10000', 'so is one past the limit');
SELECT throws_ok(format('SELECT * FROM push_actions.dead_device_tokens(%L, after => %L)', :'k2', 'secret-token-x'), '22023',
	'after must be the cursor of a row this function returned', 'a cursor not made here is refused without being shown');

-- register_device_token refuses what it cannot keep
SELECT throws_ok(format('SELECT push_actions.register_device_token(%s, %L, %L)', :a1, 'pager', 'tok'), '22023',
	'platform must be one of android, ios, web, electron, huawei, macos, windows, other', 'an unknown platform');
SELECT throws_ok(format('SELECT push_actions.register_device_token(%s, %L, %L)', :a1, 'ios', ''), '22023',
	'device_token must not be empty', 'an empty token');
SELECT throws_ok(format('SELECT push_actions.register_device_token(%s, %L, %L)', :a1, 'ios', repeat('t', 1001)), '54000',
	'device_token must be at most 1000 characters', 'a token past its limit');
SELECT throws_ok('SELECT push_actions.register_device_token(999999, ''ios'', ''tok'')', '23503',
	'app 999999 does not exist', 'an app that does not exist');
SELECT throws_ok(format('SELECT push_actions.register_device_token(%s, %L, %L, %L)', :a1, 'ios', 'tok', 'infinity'), '22023',
	'registered_at must be a finite moment', 'a registration at no moment');

-- verify finds each kind of damage, rebuild repairs it
UPDATE push_actions_internal.device_tokens SET dead_since = NULL WHERE device_token = 'tokB';
SELECT is((SELECT array_agg(problem || ':' || device_token) FROM verify_device_tokens()), '{inconsistent:tokB}',
	'a dead token shown alive contradicts itself, though its actions are gone');
SELECT is(rebuild_device_tokens(), 7::bigint, 'rebuild_device_tokens merges the live actions in again');
SELECT is((SELECT dead_since FROM device_token_states WHERE device_token = 'tokB'), '2027-03-01 00:00+00'::timestamptz,
	'and settles what a state says of itself');
SET LOCAL push_actions.unchecked_writes = on;
INSERT INTO actions (app_id, device_id, device_token, platform, status, attempts, create_time, updated_at)
VALUES (:a1, 9, 'tokG', 'android', 'sent', 1, '2027-05-01 00:00+00', '2027-05-01 00:00+00');
RESET push_actions.unchecked_writes;
UPDATE push_actions_internal.device_tokens SET last_success_at = NULL WHERE device_token = 'tokG';
DELETE FROM push_actions_internal.device_tokens WHERE device_token = 'dead1';
SELECT is((SELECT array_agg(problem || ':' || device_token ORDER BY device_token) FROM verify_device_tokens()), '{missing:dead1,behind:tokG}',
	'a token missing, and one behind its actions');
SELECT is(rebuild_device_tokens(), 8::bigint, 'rebuild_device_tokens again');
SELECT pg_temp.in_step('rebuild');
SELECT is(pg_temp.state('android', 'tokG'), 'alive=t dead_since= reason= code= class= failures=0 success=t',
	'with the success back');
SELECT is(rebuild_device_tokens(forget_history => true), 11::bigint, 'forgetting the history');
SELECT is((SELECT array_agg(device_token ORDER BY device_token) FROM device_token_states WHERE app_id = :a1),
	'{tokA,tokD,tokG,tokH,tokNew}', 'keeps the registered tokens and those of live actions');
SELECT is(pg_temp.state('ios', 'tokA'), 'alive=t dead_since= reason= code= class= failures=0 success=f',
	'a registered token keeps its registration alone');

-- a statement of several rows moving scheduled actions to attempted (the
-- general way) counts no failure: no attempt was made
SELECT create_push(:a1, '{"m":"later"}', '[{"device_id":41,"token":"tokS1","platform":"android"},
	{"device_id":42,"token":"tokS2","platform":"android"}]', NULL, now() + interval '1 hour') AS p9 \gset
UPDATE actions SET status = 'attempted' WHERE push_id = :'p9';
SELECT is(pg_temp.state('android', 'tokS1') || ' | ' || pg_temp.state('android', 'tokS2'),
	'alive=t dead_since= reason= code= class= failures=0 success=f | alive=t dead_since= reason= code= class= failures=0 success=f',
	'several rows attempted without an attempt: no failure');
SELECT pg_temp.in_step('several rows attempted');

-- ties: a failure at the very moment of the last success is not after it,
-- and a kill at the very moment of a success does not date a later death
SET LOCAL push_actions.unchecked_writes = on;
INSERT INTO actions (app_id, device_id, device_token, platform, status, attempts, create_time, updated_at)
VALUES (:a1, 51, 'tokT', 'android', 'sent', 1, '2026-01-20 10:00+00', '2026-01-20 10:00+00');
INSERT INTO actions (app_id, device_id, device_token, platform, status, attempts, error_code, create_time, updated_at)
VALUES (:a1, 52, 'tokT', 'android', 'failed', 10, 'UNAVAILABLE', '2026-01-20 10:00+00', '2026-01-20 10:00+00');
SELECT is(pg_temp.state('android', 'tokT'), 'alive=t dead_since= reason= code=UNAVAILABLE class=retry failures=0 success=t',
	'a failure at the moment of the last success: no failure since it');
INSERT INTO actions (app_id, device_id, device_token, platform, status, attempts, error_code, error_message, create_time, updated_at)
VALUES (:a1, 53, 'tokK', 'ios', 'bounced', 1, 'Unregistered', '{"reason":"Unregistered","timestamp":1768903200000}',
        '2026-01-20 10:00+00', '2026-01-20 10:00+00');
SELECT is((SELECT dead_since FROM device_token_states WHERE device_token = 'tokK'), '2026-01-20 10:00+00'::timestamptz,
	'tokK killed at 10:00 by its timestamp');
INSERT INTO actions (app_id, device_id, device_token, platform, status, attempts, error_code, create_time, updated_at)
VALUES (:a1, 54, 'tokK', 'ios', 'sent', 1, NULL, '2026-01-20 10:00+00', '2026-01-20 10:00+00'),
       (:a1, 55, 'tokK', 'ios', 'bounced', 1, 'BadDeviceToken', '2026-01-20 11:00+00', '2026-01-20 11:00+00');
SELECT is((SELECT dead_since FROM device_token_states WHERE device_token = 'tokK'), '2026-01-20 11:00+00'::timestamptz,
	'a success at the kill''s very moment and a kill at 11:00 in one statement: dead since 11:00');
RESET push_actions.unchecked_writes;
SELECT pg_temp.in_step('ties');

-- a limited role sees its app's tokens only; deleting the app deletes them
CREATE ROLE pa_tokens_reader;
GRANT USAGE ON SCHEMA push_actions TO pa_tokens_reader;
GRANT SELECT ON push_actions.device_token_states, push_actions.device_token_overview TO pa_tokens_reader;
SELECT grant_app('pa_tokens_reader', :a2);
SET LOCAL ROLE pa_tokens_reader;
SELECT is((SELECT array_agg(DISTINCT app_id) FROM push_actions.device_token_states), ARRAY[:a2::bigint], 'a limited role sees its app''s tokens');
SELECT is((SELECT array_agg(app_id || ':' || dead) FROM push_actions.device_token_overview), ARRAY[:a2 || ':7'], 'and their overview');
RESET ROLE;
SELECT revoke_app('pa_tokens_reader');
DELETE FROM apps WHERE app_id = :a2;
SELECT is((SELECT count(*)::int FROM push_actions_internal.device_tokens WHERE app_id = :a2), 0, 'deleting an app deletes its tokens'' states');

SELECT * FROM finish();
ROLLBACK;
