-- The write API: create_app, create_push, record_attempt, record_event, retry
BEGIN;
SET search_path = push_actions, public;
SELECT plan(77);

-- create_app: the token is shown once and stored only as a hash
CREATE TEMP TABLE app AS SELECT * FROM create_app('Test app');
SELECT is((SELECT length(apptoken) FROM app), 64, 'create_app returns a 64-character token');
SELECT is((SELECT count(*)::int FROM apps a JOIN app USING (app_id)
           WHERE a.token_hash = sha256(convert_to(app.apptoken, 'UTF8'))), 1,
          'the app stores the sha256 of its token');
SELECT is((SELECT count(*)::int FROM apps a, app
           WHERE position(convert_to(app.apptoken, 'UTF8') IN a.token_hash) > 0
              OR a.name = app.apptoken), 0, 'the token itself is stored nowhere');
SELECT is(app_for_token((SELECT apptoken FROM app)), (SELECT app_id FROM app), 'app_for_token finds the app');
SELECT ok((SELECT a.apptoken <> b.apptoken FROM app a, create_app('Second') b), 'tokens differ between apps');
SELECT throws_ok($$SELECT create_app(NULL)$$, '22004', 'app name must not be NULL', 'NULL app name refused');
SELECT throws_ok($$SELECT create_app('  ')$$, '22023', 'app name must not be empty', 'blank app name refused');

-- create_push: one action per device, push_id format, scheduling, expiry
CREATE TEMP TABLE p AS SELECT create_push((SELECT app_id FROM app),
	'{"message":"Hello World!"}',
	'[{"device_id":1,"token":"tok-a1","platform":"android","profile_id":"alice"},
	  {"device_id":2,"token":"tok-i2","platform":"ios","profile_id":"alice"},
	  {"device_id":3,"token":"tok-w3","platform":"web"}]', 77) AS push_id;
SELECT matches((SELECT push_id FROM p), '^[0-9a-f]{24}$', 'push_id is 24 lowercase hex characters');
-- after 8 digits of time, every one of the 16 digits takes all 16 values
-- (a UUID's version digit or variant bits would not)
SELECT is((WITH ids AS MATERIALIZED (SELECT push_actions_internal.new_push_id() AS id FROM generate_series(1, 500))
           SELECT count(*)::int FROM generate_series(9, 24) pos
           WHERE (SELECT count(DISTINCT substr(id, pos, 1)) FROM ids) < 16), 0,
          'the 16 random digits of a push id are all random');
SELECT is((SELECT count(*)::int FROM actions WHERE push_id = (SELECT push_id FROM p)), 3, 'one action per device');
SELECT results_eq($$SELECT status::text, attempts::int, campaign_id FROM actions
                    WHERE push_id = (SELECT push_id FROM p) ORDER BY device_id$$,
                  $$VALUES ('attempted', 0, 77::bigint), ('attempted', 0, 77), ('attempted', 0, 77)$$,
                  'an immediate push starts attempted with 0 attempts');
SELECT is((SELECT expires_at - created_at FROM pushes WHERE push_id = (SELECT push_id FROM p)),
          interval '30 days', 'expiration defaults to 30 days after creation');
SELECT create_push((SELECT app_id FROM app), '{}', '[{"token":"t9","device_id":9,"platform":"android"}]',
                   NULL, now() + interval '1 hour') AS later_push,
       create_push((SELECT app_id FROM app), '{}', '[{"token":"t9","device_id":9,"platform":"android"}]',
                   NULL, now() - interval '1 hour') AS past_push \gset
SELECT is((SELECT status::text FROM actions WHERE push_id = :'later_push'),
          'scheduled', 'a push with send_at in the future starts scheduled');
SELECT is((SELECT status::text FROM actions WHERE push_id = :'past_push'),
          'attempted', 'a push with send_at in the past starts attempted');
SELECT throws_ok($$SELECT create_push(424242, '{}', '[{"token":"t1","device_id":1,"platform":"ios"}]')$$,
                 '23503', 'app 424242 does not exist', 'unknown app refused');
SELECT throws_ok($$SELECT create_push(NULL, '{}', '[{"token":"t1","device_id":1,"platform":"ios"}]')$$,
                 '23503', 'app NULL does not exist', 'NULL app refused');
SELECT throws_ok(format($$SELECT create_push(%s, '[1]', '[{"token":"t1","device_id":1,"platform":"ios"}]')$$, (SELECT app_id FROM app)),
                 '22023', 'payload must be a JSON object', 'array payload refused');
SELECT throws_ok(format($$SELECT create_push(%s, NULL, '[{"token":"t1","device_id":1,"platform":"ios"}]')$$, (SELECT app_id FROM app)),
                 '22023', 'payload must be a JSON object', 'NULL payload refused');
SELECT throws_ok(format($$SELECT create_push(%s, '{}', '[]')$$, (SELECT app_id FROM app)),
                 '22023', 'devices must be a non-empty JSON array', 'empty device list refused');
SELECT throws_ok(format($$SELECT create_push(%s, '{}', '{"device_id":1}')$$, (SELECT app_id FROM app)),
                 '22023', 'devices must be a non-empty JSON array', 'device object instead of array refused');
SELECT throws_ok(format($$SELECT create_push(%s, '{}', '[{"token":"t1","device_id":1,"platform":"ios"}, 5]')$$, (SELECT app_id FROM app)),
                 '22023', 'devices[1] is not an object', 'non-object device refused');
SELECT throws_ok(format($$SELECT create_push(%s, '{}', '[{"token":"t1","device_id":"1","platform":"ios"}]')$$, (SELECT app_id FROM app)),
                 '22023', 'devices[0] device_id must be a non-negative integer', 'string device_id refused');
SELECT throws_ok(format($$SELECT create_push(%s, '{}', '[{"token":"t1.5","device_id":1.5,"platform":"ios"}]')$$, (SELECT app_id FROM app)),
                 '22023', 'devices[0] device_id must be a non-negative integer', 'fractional device_id refused');
SELECT throws_ok(format($$SELECT create_push(%s, '{}', '[{"token":"tx","platform":"ios"}]')$$, (SELECT app_id FROM app)),
                 '22023', 'devices[0] device_id must be a non-negative integer', 'missing device_id refused');
SELECT throws_ok(format($$SELECT create_push(%s, '{}', '[{"device_id":1,"platform":"blackberry"}]')$$, (SELECT app_id FROM app)),
                 '22023', 'devices[0] platform must be one of android, ios, web, electron, huawei, macos, windows, other',
                 'unknown platform refused');
SELECT throws_ok(format($$SELECT create_push(%s, '{}', '[{"device_id":1,"platform":"ios","token":5}]')$$, (SELECT app_id FROM app)),
                 '22023', 'devices[0] token must be a string', 'numeric token refused');
SELECT throws_ok(format($$SELECT create_push(%s, '{}', '[{"token":"t1","device_id":1,"platform":"ios","profile_id":[]}]')$$, (SELECT app_id FROM app)),
                 '22023', 'devices[0] profile_id must be a string', 'array profile_id refused');
SELECT throws_ok(format($$SELECT create_push(%s, '{}', '[{"token":"t1","device_id":1,"platform":"ios","colour":"red"}]')$$, (SELECT app_id FROM app)),
                 '22023', 'devices[0] has unknown key "colour"', 'unknown device key refused');
SELECT throws_ok(format($$SELECT create_push(%s, '{}', '[{"token":"t1","device_id":1,"platform":"ios"}]', NULL, NULL, now() + interval '400 days')$$, (SELECT app_id FROM app)),
                 '22023', 'expires_at must be in the next 365 days', 'expiration beyond 365 days refused');
SELECT throws_ok(format($$SELECT create_push(%s, '{}', '[{"token":"t1","device_id":1,"platform":"ios"}]', NULL, now() + interval '2 days', now() + interval '1 day')$$, (SELECT app_id FROM app)),
                 '22023', 'send_at must be before expires_at', 'send_at after expiration refused');
SELECT is((SELECT count(*)::int FROM pushes WHERE app_id = (SELECT app_id FROM app)), 3,
          'refused pushes left nothing behind');

-- record_attempt: success, retries, the ten-attempt rule, dead tokens
CREATE TEMP TABLE ids AS
	SELECT row_number() OVER (ORDER BY action_id) AS n, action_id
	FROM actions WHERE push_id = (SELECT push_id FROM p);
CREATE FUNCTION pg_temp.aid(n int) RETURNS bigint LANGUAGE sql AS $$ SELECT action_id FROM ids WHERE ids.n = $1 $$;

SELECT is(record_attempt(pg_temp.aid(1), true)::text, 'sent', 'a successful attempt makes the action sent');
SELECT is((SELECT attempts::int FROM actions WHERE action_id = pg_temp.aid(1)), 1, 'the successful attempt is counted');
SELECT is((SELECT array_agg(record_attempt(pg_temp.aid(2), false, 'timeout')::text) FROM generate_series(1, 9)),
          array_fill('attempted'::text, ARRAY[9]), 'nine failures keep the action attempted');
SELECT is((SELECT attempts::int FROM actions WHERE action_id = pg_temp.aid(2)), 9, 'each failure counts one attempt');
SELECT is(record_attempt(pg_temp.aid(2), false, 'timeout')::text, 'failed', 'the tenth failure makes it failed');
SELECT is((SELECT (attempts, error_message)::text FROM actions WHERE action_id = pg_temp.aid(2)), '(10,timeout)',
          'ten attempts and the last error are kept');
SELECT throws_ok(format('SELECT record_attempt(%s, false, %L)', pg_temp.aid(2), 'x'), '55000',
                 format('action %s cannot go from failed to attempted', pg_temp.aid(2)),
                 'no eleventh attempt on a failed action');
SELECT throws_ok(format('SELECT retry(%s)', pg_temp.aid(2)), '55000',
                 format('action %s has used all 10 attempts', pg_temp.aid(2)), 'retry refused after ten attempts');
SELECT is(record_attempt(pg_temp.aid(3), false, 'quota exceeded', true)::text, 'failed', 'a permanent error fails at once');
SELECT is(retry(pg_temp.aid(3))::text, 'attempted', 'retry puts a failed action back to attempted');
SELECT is((SELECT attempts::int FROM actions WHERE action_id = pg_temp.aid(3)), 1, 'retry keeps the attempt count');
SELECT is(record_attempt(pg_temp.aid(3), false, 'messaging/registration-token-not-registered DEVICE_UNREGISTERED')::text,
          'bounced', 'DEVICE_UNREGISTERED bounces');

CREATE TEMP TABLE dead AS
	SELECT msg, n, create_push((SELECT app_id FROM app), '{}', '[{"token":"t5","device_id":5,"platform":"android"}]') AS push_id
	FROM unnest(ARRAY['UNREGISTERED', 'Application is Uninstalled', 'DeviceNotRegistered', 'error: unregistered device',
	                  'Not personalized', 'UNREGISTEREDX']) WITH ORDINALITY AS m(msg, n);
ALTER TABLE dead ADD id bigint;
UPDATE dead SET id = (SELECT action_id FROM actions a WHERE a.push_id = dead.push_id);
SELECT results_eq($$SELECT record_attempt(id, false, msg)::text FROM dead ORDER BY n$$,
                  $$VALUES ('bounced'), ('bounced'), ('bounced'), ('bounced'), ('attempted'), ('attempted')$$,
                  'dead-token messages bounce, other messages retry');
SELECT is((SELECT record_attempt(id, false, msg, true)::text FROM dead WHERE msg = 'Not personalized'), 'failed',
          'permanent without a dead-token message fails');
SELECT throws_ok($$SELECT record_attempt(NULL, true)$$, '22004', 'action_id must not be NULL', 'NULL action refused');
SELECT throws_ok($$SELECT record_attempt(-1, true)$$, 'P0002', 'action -1 does not exist', 'unknown action refused');
SELECT throws_ok(format('SELECT record_attempt(%s, NULL)', pg_temp.aid(1)), '22004', 'ok must not be NULL', 'NULL ok refused');
SELECT throws_ok(format('SELECT record_attempt(%s, true)', pg_temp.aid(1)), '55000',
                 format('action %s cannot go from sent to sent', pg_temp.aid(1)), 'no second success on a sent action');

-- the same calls with the action's app named (on Citus they run whole on
-- the app's worker): the action is locked by its whole key, found in no other app
CREATE TEMP TABLE np AS SELECT create_push((SELECT app_id FROM app), '{}',
	'[{"token":"t31","device_id":31,"platform":"android"},{"token":"t32","device_id":32,"platform":"android"}]') AS push_id;
CREATE TEMP TABLE named AS
	SELECT row_number() OVER (ORDER BY action_id) AS n, action_id, app_id
	FROM actions WHERE push_id = (SELECT push_id FROM np);
SELECT is((SELECT record_attempt(action_id, true, app_id => app_id)::text FROM named WHERE n = 1), 'sent',
          'record_attempt with the app named');
SELECT is((SELECT record_event(action_id, 'delivered', now(), app_id)::text FROM named WHERE n = 1), 'delivered',
          'record_event with the app named');
SELECT is((SELECT record_attempt(action_id, false, 'quota exceeded', true, app_id)::text FROM named WHERE n = 2), 'failed',
          'record_attempt of a failure with the app named');
SELECT is((SELECT retry(action_id, app_id)::text FROM named WHERE n = 2), 'attempted', 'retry with the app named');
SELECT throws_ok((SELECT format('SELECT record_attempt(%s, true, app_id => %s)', action_id, app_id + 1) FROM named WHERE n = 2),
                 'P0002', (SELECT format('action %s does not exist in app %s', action_id, app_id + 1) FROM named WHERE n = 2),
                 'an action named with another app is not found');
SELECT throws_ok((SELECT format('SELECT retry(%s, %s)', action_id, app_id + 1) FROM named WHERE n = 2),
                 'P0002', (SELECT format('action %s does not exist in app %s', action_id, app_id + 1) FROM named WHERE n = 2),
                 'retry of an action named with another app is refused');
SELECT is((SELECT string_agg(status || ':' || attempts, ' ' ORDER BY action_id) FROM actions
           WHERE push_id = (SELECT push_id FROM np)), 'delivered:1 attempted:1',
          'the calls with the app named changed the actions as the others do');
-- record_event: only the state machine's moves
SELECT is(record_event(pg_temp.aid(1), 'delivered')::text, 'delivered', 'sent -> delivered');
SELECT is(record_event(pg_temp.aid(1), 'opened', '2030-01-01')::text, 'opened', 'delivered -> opened');
SELECT is((SELECT updated_at FROM actions WHERE action_id = pg_temp.aid(1)), '2030-01-01'::timestamptz,
          'the event time is recorded');
SELECT throws_ok(format('SELECT record_event(%s, %L)', pg_temp.aid(1), 'delivered'), '55000',
                 format('action %s cannot go from opened to delivered', pg_temp.aid(1)), 'opened -> delivered refused');
SELECT is(record_event(pg_temp.aid(1), 'converted')::text, 'converted', 'opened -> converted');
SELECT throws_ok(format('SELECT record_event(%s, %L)', pg_temp.aid(1), 'expired'), '55000',
                 format('action %s cannot go from converted to expired', pg_temp.aid(1)), 'converted is terminal');
SELECT throws_ok(format('SELECT record_event(%s, %L)', pg_temp.aid(1), 'sent'), '22023',
                 'record_event takes delivered, opened, converted or expired, not sent', 'record_event refuses sent');
SELECT throws_ok(format('SELECT record_event(%s, NULL)', pg_temp.aid(1)), '22023',
                 'record_event takes delivered, opened, converted or expired, not NULL', 'record_event refuses NULL status');
SELECT throws_ok(format('SELECT record_event(%s, %L, NULL)', pg_temp.aid(1), 'converted'), '22004',
                 'at must not be NULL', 'record_event refuses a NULL time');
SELECT is((SELECT record_event(id, 'expired')::text FROM dead WHERE msg = 'UNREGISTEREDX'), 'expired',
          'attempted -> expired');
SELECT throws_ok(format('SELECT retry(%s)', pg_temp.aid(1)), '55000',
                 format('action %s cannot go from converted to attempted', pg_temp.aid(1)), 'retry refuses non-failed actions');

-- scheduled actions through every write function, by the one state machine:
-- a send passes through attempted, events other than expired are refused
SELECT create_push((SELECT app_id FROM app), '{}',
	'[{"token":"t21","device_id":21,"platform":"android"},{"token":"t22","device_id":22,"platform":"android"},
	  {"token":"t23","device_id":23,"platform":"android"},{"token":"t24","device_id":24,"platform":"android"}]',
	NULL, now() + interval '1 hour') AS sched_push \gset
CREATE FUNCTION pg_temp.sched(d int) RETURNS bigint LANGUAGE sql
	AS $$ SELECT action_id FROM actions WHERE push_id = current_setting('pa.sched') AND device_id = d $$;
SELECT set_config('pa.sched', :'sched_push', false) IS NOT NULL AS set;
SELECT is(record_attempt(pg_temp.sched(21), true)::text, 'sent', 'a scheduled action sent goes to sent, through attempted');
SELECT is((SELECT attempts::int FROM actions WHERE action_id = pg_temp.sched(21)), 1, 'and its attempt is counted');
SELECT is(record_attempt(pg_temp.sched(22), false, 'Unavailable')::text, 'attempted', 'a scheduled action that failed once is attempted');
SELECT is(record_attempt(pg_temp.sched(23), false, 'Unregistered')::text, 'bounced', 'a scheduled action sent to a dead token bounces');
SELECT throws_ok(format('SELECT record_event(%s, ''delivered'')', pg_temp.sched(24)), '55000',
                 format('action %s cannot go from scheduled to delivered', pg_temp.sched(24)),
                 'a scheduled action cannot be delivered');
SELECT throws_ok(format('SELECT retry(%s)', pg_temp.sched(24)), '55000',
                 format('action %s cannot go from scheduled to attempted', pg_temp.sched(24)),
                 'a scheduled action cannot be retried');
SELECT is(record_event(pg_temp.sched(24), 'expired')::text, 'expired', 'a scheduled action can expire');
SELECT ok(can_transition('scheduled', 'attempted') AND NOT can_transition('scheduled', 'sent'),
          'can_transition agrees: a scheduled action goes to attempted, not straight to sent');

-- arguments are checked before the action is looked up
SELECT throws_ok($$SELECT record_event(-1, 'sent')$$, '22023',
                 'record_event takes delivered, opened, converted or expired, not sent',
                 'record_event names a bad status even for an unknown action');
SELECT throws_ok($$SELECT record_attempt(-1, NULL)$$, '22004', 'ok must not be NULL',
                 'record_attempt names a NULL ok even for an unknown action');

SELECT * FROM finish();
ROLLBACK;
