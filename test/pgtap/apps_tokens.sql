-- App tokens: rotate_app_token gives a new token, shown once; the old one
-- answers for the grace period given (none by default), then every door
-- that takes a token refuses it exactly as it refuses an unknown one.  The
-- clock is moved by moving the stored end of the grace period, never by
-- sleeping (now() is fixed within the test's transaction).
BEGIN;
SET search_path = push_actions, public;
SELECT plan(30);

CREATE TEMP TABLE app AS SELECT * FROM create_app('Rotated app');
CREATE TEMP TABLE other AS SELECT * FROM create_app('Other app');
CREATE TEMP TABLE p AS SELECT create_push((SELECT app_id FROM app), '{"message":"Hi"}',
	'[{"device_id":1,"token":"t1","platform":"android"}]') AS push_id;
SELECT record_attempt(action_id, true) FROM actions WHERE push_id = (SELECT push_id FROM p);
CREATE TEMP TABLE tokens (n int PRIMARY KEY, token text);
INSERT INTO tokens SELECT 1, apptoken FROM app;

-- what each door that takes a token answers when given this one
CREATE FUNCTION pg_temp.doors(token text) RETURNS jsonb LANGUAGE sql AS $$
SELECT jsonb_build_object(
	'app_for_token', push_actions.app_for_token(token),
	'list_push_devices', push_actions.list_push_devices(jsonb_build_object('apptoken', token, 'select', jsonb_build_array('device_id'))),
	'push_info', push_actions.push_info((SELECT push_id FROM p), token) -> 'code',
	'delete_push', push_actions.delete_push(repeat('f', 24), token) -> 'code',
	'push_deliveries', (SELECT count(*) FROM push_actions.push_deliveries((SELECT push_id FROM p), token)))
$$;
CREATE TEMP VIEW refused AS SELECT pg_temp.doors('0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef') AS answer;
CREATE TEMP VIEW accepted AS SELECT jsonb_build_object(
	'app_for_token', (SELECT app_id FROM app),
	'list_push_devices', '{"code": 200, "success": true, "data": [{"device_id": 1}]}'::jsonb,
	'push_info', NULL, 'delete_push', 'INVALID_PUSH_ID', 'push_deliveries', 1) AS answer;
CREATE FUNCTION pg_temp.token(k int) RETURNS text LANGUAGE sql AS $$ SELECT token FROM tokens WHERE n = k $$;

SELECT is((SELECT answer FROM refused), jsonb_build_object('app_for_token', NULL,
	'list_push_devices', '{"code": 401, "success": false, "message": "invalid apptoken"}'::jsonb,
	'push_info', 'INVALID_API_KEY', 'delete_push', 'INVALID_API_KEY', 'push_deliveries', 0),
	'an unknown token is refused at every door');
SELECT is(pg_temp.doors(pg_temp.token(1)), (SELECT answer FROM accepted), 'the app''s token is accepted at every door');

-- rotated with no grace period (the default): the old token is dead at once
INSERT INTO tokens SELECT 2, rotate_app_token((SELECT app_id FROM app));
SELECT matches(pg_temp.token(2), '^[0-9a-f]{64}$', 'rotate_app_token returns a new 64-hex token');
SELECT isnt(pg_temp.token(2), pg_temp.token(1), 'the new token differs from the old');
SELECT is(pg_temp.doors(pg_temp.token(1)), (SELECT answer FROM refused), 'the replaced token is refused exactly as an unknown one');
SELECT is(pg_temp.doors(pg_temp.token(2)), (SELECT answer FROM accepted), 'the new token is accepted at every door');
SELECT is((SELECT count(*)::int FROM push_actions_internal.retired_app_tokens WHERE app_id = (SELECT app_id FROM app)), 0,
	'with no grace period nothing of the old token is kept');
SELECT is((SELECT token_hash FROM apps WHERE app_id = (SELECT app_id FROM app)), sha256(convert_to(pg_temp.token(2), 'UTF8')),
	'the app stores the new token''s hash');

-- rotated with an hour's grace: both answer, until the hour is over
INSERT INTO tokens SELECT 3, rotate_app_token((SELECT app_id FROM app), '1 hour');
SELECT is(pg_temp.doors(pg_temp.token(2)), (SELECT answer FROM accepted), 'within its grace period the old token is accepted');
SELECT is(pg_temp.doors(pg_temp.token(3)), (SELECT answer FROM accepted), 'and so is the new one');
SELECT is((SELECT row(token_hash, valid_until)::text FROM push_actions_internal.retired_app_tokens WHERE app_id = (SELECT app_id FROM app)),
	row(sha256(convert_to(pg_temp.token(2), 'UTF8')), now() + interval '1 hour')::text,
	'only the old token''s hash is kept, with the end of its grace period');
SELECT is((SELECT count(*)::int FROM push_actions_internal.retired_app_tokens r, tokens t
           WHERE position(convert_to(t.token, 'UTF8') IN r.token_hash) > 0), 0, 'no token itself is stored');
-- the clock moves an hour on: the grace period ends at that instant
UPDATE push_actions_internal.retired_app_tokens SET valid_until = now() + interval '1 microsecond';
SELECT is(pg_temp.doors(pg_temp.token(2)), (SELECT answer FROM accepted), 'a microsecond before its end the old token is accepted');
UPDATE push_actions_internal.retired_app_tokens SET valid_until = now();
SELECT is(pg_temp.doors(pg_temp.token(2)), (SELECT answer FROM refused), 'at the end of its grace period the old token is refused as unknown');
SELECT is(pg_temp.doors(pg_temp.token(3)), (SELECT answer FROM accepted), 'the new one is still accepted');

-- a rotation ends every earlier grace period no later than its own: after a
-- leak, rotating with 0 stops every older token at once
INSERT INTO tokens SELECT 4, rotate_app_token((SELECT app_id FROM app), '7 days');
INSERT INTO tokens SELECT 5, rotate_app_token((SELECT app_id FROM app), '1 hour');
SELECT is((SELECT array_agg(valid_until - now() ORDER BY valid_until) FROM push_actions_internal.retired_app_tokens WHERE app_id = (SELECT app_id FROM app)),
	ARRAY[interval '1 hour', interval '1 hour'], 'a shorter grace period shortens the earlier ones; ended ones are dropped');
SELECT is(pg_temp.doors(pg_temp.token(3)), (SELECT answer FROM accepted), 'tokens in a grace period are accepted');
INSERT INTO tokens SELECT 6, rotate_app_token((SELECT app_id FROM app), '0');
SELECT is(ARRAY[pg_temp.doors(pg_temp.token(3)), pg_temp.doors(pg_temp.token(4)), pg_temp.doors(pg_temp.token(5))],
	ARRAY[(SELECT answer FROM refused), (SELECT answer FROM refused), (SELECT answer FROM refused)],
	'rotating with 0 stops every older token at once');
SELECT is(pg_temp.doors(pg_temp.token(6)), (SELECT answer FROM accepted), 'the newest token is accepted');
SELECT is(app_for_token((SELECT apptoken FROM other)), (SELECT app_id FROM other), 'another app''s token is untouched');

-- arguments
SELECT throws_ok($$SELECT rotate_app_token((SELECT app_id FROM app), NULL)$$, '22004',
	'old_token_valid_for must not be NULL', 'a NULL grace period is refused');
SELECT throws_ok($$SELECT rotate_app_token((SELECT app_id FROM app), '-1 second')$$, '22023',
	'old_token_valid_for must be an interval of at least 0', 'a negative grace period is refused');
SELECT throws_ok($$SELECT rotate_app_token(424242)$$, '23503', 'app 424242 does not exist', 'an unknown app is refused');
SELECT throws_ok($$SELECT rotate_app_token(NULL)$$, '23503', 'app NULL does not exist', 'a NULL app is refused');
SELECT is(pg_temp.doors(pg_temp.token(6)), (SELECT answer FROM accepted), 'refused rotations change nothing');

-- who may do what
SELECT ok(NOT has_function_privilege('public', 'push_actions.rotate_app_token(bigint, interval)', 'EXECUTE'),
	'only those granted it may rotate tokens');
SELECT ok(NOT has_table_privilege('public', 'push_actions_internal.retired_app_tokens', 'SELECT'),
	'no API role reads the replaced tokens'' hashes');
CREATE ROLE pa_tokens_nobody;
GRANT USAGE ON SCHEMA push_actions TO pa_tokens_nobody;
SELECT pg_temp.token(6) AS token6 \gset
SET LOCAL ROLE pa_tokens_nobody;
SELECT set_config('pa.found_app', coalesce(push_actions.app_for_token(:'token6')::text, 'none'), true);
RESET ROLE;
SELECT is(current_setting('pa.found_app'), (SELECT app_id::text FROM app), 'a role without rights on apps resolves its token');

-- an app deleted takes its tokens with it
INSERT INTO tokens SELECT 7, rotate_app_token((SELECT app_id FROM app), '1 day');
DELETE FROM apps WHERE app_id = (SELECT app_id FROM app);
SELECT is((SELECT count(*)::int FROM push_actions_internal.retired_app_tokens WHERE app_id = (SELECT app_id FROM app)), 0,
	'deleting an app deletes its replaced tokens');
SELECT is(ARRAY[app_for_token(pg_temp.token(6)), app_for_token(pg_temp.token(7))], ARRAY[NULL, NULL]::bigint[],
	'a deleted app''s tokens find nothing');

SELECT * FROM finish();
ROLLBACK;
