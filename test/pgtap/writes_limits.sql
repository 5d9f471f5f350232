-- What a push refuses: a device twice (by id or token), a device of a
-- token platform without its token, and everything past a limit of
-- push_actions.limits(), each with its SQLSTATE and a message naming the
-- limit; a push larger than one call is built with add_push_devices().
BEGIN;
SET search_path = push_actions, public;
SELECT plan(47);

CREATE TEMP TABLE app AS SELECT * FROM create_app('Limited app');
SELECT app_id AS app FROM app \gset
CREATE FUNCTION pg_temp.devices(first int, last int) RETURNS jsonb LANGUAGE sql AS $$
	SELECT jsonb_agg(jsonb_build_object('device_id', i, 'token', 'tok' || i, 'platform', 'android') ORDER BY i)
	FROM generate_series(first, last) i $$;
CREATE FUNCTION pg_temp.limit_of(name text) RETURNS bigint LANGUAGE sql AS $$
	SELECT value FROM push_actions.limits() l WHERE l.name = limit_of.name $$;

-- one table of limits, the same values as the code and the tables enforce
SELECT is((SELECT array_agg(name ORDER BY name) FROM limits()),
	'{app_name_chars,attempts,dead_tokens_page,device_token_chars,devices_per_call,devices_per_push,error_code_chars,error_message_chars,listing_conditions,listing_in_values,listing_limit,payload_bytes,pending_devices,push_lifetime_days}',
	'limits() lists every limit');
SELECT is((SELECT count(*)::int FROM limits() WHERE value > 0 AND length(description) > 10), 14, 'each with a value and what it bounds');
SELECT is(push_actions_internal.limit_value('payload_bytes'), 4096::bigint, 'limit_value reads the same table');
SELECT throws_ok($$SELECT push_actions_internal.limit_value('nonsense')$$, '42704', 'push_actions has no limit named "nonsense"',
	'an unknown limit is an error');
SELECT is((SELECT pg_get_constraintdef(oid) FROM pg_constraint WHERE conrelid = 'push_actions.actions'::regclass AND contype = 'c' AND conname LIKE '%attempts%'),
	format('CHECK (((attempts >= 0) AND (attempts <= %s)))', pg_temp.limit_of('attempts')), 'actions'' attempts check says the same limit');
SELECT is((SELECT pg_get_constraintdef(oid) FROM pg_constraint WHERE conrelid = 'push_actions.apps'::regclass AND contype = 'c' AND conname LIKE '%name%'),
	format('CHECK (((length(name) >= 1) AND (length(name) <= %s)))', pg_temp.limit_of('app_name_chars')), 'apps'' name check says the same limit');

-- a device twice in one push would be sent the push twice
SELECT throws_ok(format($$SELECT create_push(%s, '{}', '[{"device_id":1,"token":"a","platform":"android"},
	{"device_id":2,"token":"b","platform":"ios"},{"device_id":1,"token":"c","platform":"web"}]')$$, :app),
	'22023', 'devices[2] has the same device_id as devices[0]', 'a device id twice is refused, both positions named');
SELECT throws_ok(format($$SELECT create_push(%s, '{}', '[{"device_id":1,"token":"a","platform":"android"},
	{"device_id":2,"token":"secret-token","platform":"ios"},{"device_id":3,"token":"secret-token","platform":"ios"}]')$$, :app),
	'22023', 'devices[2] has the same token as devices[1]', 'a token twice is refused, the token not shown');
SELECT throws_ok(format($$SELECT create_push(%s, '{}', '[{"device_id":7,"platform":"huawei","profile_id":"x"},{"device_id":7,"platform":"windows"}]')$$, :app),
	'22023', 'devices[1] has the same device_id as devices[0]', 'a device twice is refused without tokens too');
SELECT lives_ok(format($$SELECT create_push(%s, '{}', '[{"device_id":1,"platform":"huawei"},{"device_id":2,"platform":"other"},
	{"device_id":3,"token":"x","platform":"ios"},{"device_id":4,"token":"y","platform":"ios","profile_id":"p"}]')$$, :app),
	'platforms without tokens, and tokens once each, are accepted');
-- a push to a token platform needs the token
SELECT throws_ok(format($$SELECT create_push(%s, '{}', '[{"device_id":1,"token":"a","platform":"android"},{"device_id":2,"platform":"ios"}]')$$, :app),
	'22023', 'devices[1] needs a token: a push to platform ios is sent with one', 'an ios device without a token is refused');
SELECT throws_ok(format($$SELECT create_push(%s, '{}', '[{"device_id":1,"token":"","platform":"web"}]')$$, :app),
	'22023', 'devices[0] needs a token: a push to platform web is sent with one', 'an empty token is no token');
SELECT throws_ok(format($$SELECT create_push(%s, '{}', '[{"device_id":1,"token":null,"platform":"electron"}]')$$, :app),
	'22023', 'devices[0] needs a token: a push to platform electron is sent with one', 'a null token is no token');
SELECT throws_ok(format($$SELECT create_push(%s, '{}', '[{"device_id":1,"platform":"android"}]')$$, :app),
	'22023', 'devices[0] needs a token: a push to platform android is sent with one', 'an android device without a token is refused');
SELECT throws_ok(format($$SELECT create_push(%s, '{}', '[{"device_id":1.5,"platform":"android"}]')$$, :app),
	'22023', 'devices[0] device_id must be a non-negative integer', 'a malformed device is named for what is malformed first');

-- payload: 4 KB as JSON text, as APNs and FCM allow
SELECT lives_ok(format($$SELECT create_push(%s, jsonb_build_object('m', repeat('x', 4096 - 9)), '[{"device_id":1,"token":"a","platform":"ios"}]')$$, :app),
	'a payload of exactly 4096 bytes is accepted');
SELECT throws_ok(format($$SELECT create_push(%s, jsonb_build_object('m', repeat('x', 4096 - 8)), '[{"device_id":1,"token":"a","platform":"ios"}]')$$, :app),
	'54000', 'payload must be at most 4096 bytes as JSON text', 'a payload of 4097 bytes is refused');
SELECT throws_ok(format($$SELECT create_push(%s, jsonb_build_object('m', repeat('é', 2100)), '[{"device_id":1,"token":"a","platform":"ios"}]')$$, :app),
	'54000', 'payload must be at most 4096 bytes as JSON text', 'the payload limit counts bytes, not characters');
SELECT throws_ok(format($$SELECT create_push(%s, jsonb_build_object('m', repeat('x', 5000000)), '[{"device_id":1,"token":"a","platform":"ios"}]')$$, :app),
	'54000', 'payload must be at most 4096 bytes as JSON text', 'a 5 MB payload is refused');

-- devices per call and per push
SELECT throws_ok(format($$SELECT create_push(%s, '{}', pg_temp.devices(1, %s))$$, :app, pg_temp.limit_of('devices_per_call') + 1),
	'54000', 'devices must hold at most 10000 devices in one call', 'one device more than a call may carry is refused');
SELECT create_push(:app, '{"message":"big"}', pg_temp.devices(1, pg_temp.limit_of('devices_per_call')::int), 9) AS big \gset
SELECT is((SELECT count(*)::int FROM actions WHERE push_id = :'big'), 10000, 'a call of exactly the limit is accepted');
SELECT is(add_push_devices(:app, :'big', pg_temp.devices(10001, 15000)), 5000::bigint, 'add_push_devices adds more devices');
SELECT results_eq(format($$SELECT count(*)::int, count(DISTINCT device_id)::int, min(status::text), max(status::text), min(campaign_id)
	FROM actions WHERE push_id = %L$$, :'big'), $$VALUES (15000, 15000, 'attempted', 'attempted', 9::bigint)$$,
	'the push has every device once, started as create_push starts them, in the push''s campaign');
SELECT throws_ok(format($$SELECT add_push_devices(%s, %L, '[{"device_id":20000,"token":"new","platform":"ios"},{"device_id":15,"token":"again","platform":"ios"}]')$$, :app, :'big'),
	'22023', 'devices[1] has the same device_id as a device already in the push', 'a device already in the push is refused');
SELECT throws_ok(format($$SELECT add_push_devices(%s, %L, '[{"device_id":20000,"token":"tok15","platform":"ios"}]')$$, :app, :'big'),
	'22023', 'devices[0] has the same token as a device already in the push', 'a token already in the push is refused');
SELECT is((SELECT count(*)::int FROM actions WHERE push_id = :'big'), 15000, 'refused calls add nothing');
-- the per-push limit, met by lowering the count it compares against: a
-- push made of actions inserted directly stands in for 100 full calls
INSERT INTO pushes (push_id, app_id, payload, expires_at) VALUES ('aaaaaaaaaaaaaaaaaaaaaaaa', :app, '{}', now() + interval '1 day');
-- (their roll-ups are not what this tests: the trigger is off for them)
ALTER TABLE actions DISABLE TRIGGER actions_keep_rollups_insert;
INSERT INTO actions (app_id, push_id, device_id, device_token, platform, status)
	SELECT :app, 'aaaaaaaaaaaaaaaaaaaaaaaa', i, 't' || i, 'android', 'attempted' FROM generate_series(1, pg_temp.limit_of('devices_per_push') - 2) i;
ALTER TABLE actions ENABLE ALWAYS TRIGGER actions_keep_rollups_insert;
SELECT throws_ok(format($$SELECT add_push_devices(%s, 'aaaaaaaaaaaaaaaaaaaaaaaa', pg_temp.devices(2000001, 2000003))$$, :app),
	'54000', 'a push may have at most 1000000 devices', 'a call that would take a push past its limit is refused');
SELECT is(add_push_devices(:app, 'aaaaaaaaaaaaaaaaaaaaaaaa', pg_temp.devices(2000001, 2000002)), 2::bigint, 'a call that reaches it is accepted');
-- which pushes accept devices
SELECT throws_ok(format($$SELECT add_push_devices(%s, 'bbbbbbbbbbbbbbbbbbbbbbbb', pg_temp.devices(1, 1))$$, :app),
	'P0002', format('app %s has no push ''bbbbbbbbbbbbbbbbbbbbbbbb''', :app), 'an unknown push is refused');
SELECT throws_ok(format($$SELECT add_push_devices(424242, %L, pg_temp.devices(1, 1))$$, :'big'),
	'23503', 'app 424242 does not exist', 'an unknown app is refused');
SELECT throws_ok(format($$SELECT add_push_devices(%s, %L, pg_temp.devices(1, 1))$$, (SELECT app_id FROM create_app('Other')), :'big'),
	'P0002', NULL, 'another app''s push is refused as unknown');
UPDATE pushes SET created_at = now() - interval '2 days', expires_at = now() - interval '1 second' WHERE push_id = 'aaaaaaaaaaaaaaaaaaaaaaaa';
SELECT throws_ok(format($$SELECT add_push_devices(%s, 'aaaaaaaaaaaaaaaaaaaaaaaa', pg_temp.devices(3000001, 3000001))$$, :app),
	'55000', 'push aaaaaaaaaaaaaaaaaaaaaaaa has expired', 'an expired push is refused');
SELECT throws_ok(format($$SELECT add_push_devices(%s, %L, '[]')$$, :app, :'big'),
	'22023', 'devices must be a non-empty JSON array', 'no devices is refused');
SELECT create_push(:app, '{}', '[{"device_id":1,"token":"a","platform":"ios"}]', NULL, now() + interval '1 hour') AS later \gset
SELECT is(add_push_devices(:app, :'later', pg_temp.devices(2, 3)), 2::bigint, 'devices added to a scheduled push');
SELECT is((SELECT array_agg(DISTINCT status::text) FROM actions WHERE push_id = :'later'), '{scheduled}', 'start scheduled, as its first ones');

-- error messages of record_attempt: at most 1000 characters
SELECT action_id AS one FROM actions WHERE push_id = :'later' LIMIT 1 \gset
SELECT is(record_attempt(:one, false, repeat('e', 1000)), 'attempted'::push_status, 'an error message of 1000 characters is kept');
SELECT throws_ok(format($$SELECT record_attempt(%s, false, repeat('e', 1001))$$, :one),
	'54000', 'error_message must be at most 1000 characters', 'an error message of 1001 characters is refused');
SELECT is((SELECT attempts::int FROM actions WHERE action_id = :one), 1, 'the refused attempt is not counted');
-- and its provider's code: at most 64 characters, kept with the failure, dropped by a success
SELECT is(record_attempt(:one, false, 'quota', error_code => repeat('C', 64)), 'attempted'::push_status, 'an error code of 64 characters is kept');
SELECT throws_ok(format($$SELECT record_attempt(%s, false, 'x', error_code => repeat('C', 65))$$, :one),
	'54000', 'error_code must be at most 64 characters', 'an error code of 65 characters is refused');
SELECT is((SELECT length(error_code) FROM actions WHERE action_id = :one), 64, 'the failure keeps its code');
SELECT is(record_attempt(:one, true), 'sent'::push_status, 'a success');
SELECT is((SELECT error_code FROM actions WHERE action_id = :one), NULL, 'leaves no code');

-- app names: NULL, empty and too long, each with its own SQLSTATE and no row in the message
SELECT throws_ok($$SELECT create_app(NULL)$$, '22004', 'app name must not be NULL', 'a NULL name is 22004, as documented');
SELECT throws_ok($$SELECT create_app(repeat('n', 201))$$, '22023', 'app name must be at most 200 characters', 'a name past the limit is refused');
SELECT throws_ok($$SELECT create_app(repeat('n', 100000))$$, '22023', 'app name must be at most 200 characters', 'so is a name of 100,000 characters, without the row in its detail');
SELECT lives_ok($$SELECT create_app(repeat('n', 200))$$, 'a name of 200 characters is accepted');

SELECT * FROM finish();
ROLLBACK;
