-- Device-reported events (Customer.io delivery id and token): only a token
-- made with the app's key is believed; forged, foreign and misdirected
-- tokens change nothing and get one refusal; replays record nothing twice;
-- purged actions are answered as such; rotated keys verify until their end.
BEGIN;
SET search_path = push_actions, public;
SELECT plan(32);

CREATE TEMP TABLE app AS SELECT * FROM create_app('Tracked app');
CREATE TEMP TABLE other AS SELECT * FROM create_app('Other app');
CREATE TEMP TABLE p AS SELECT create_push((SELECT app_id FROM app), '{"message":"Hi"}',
	'[{"device_id":1,"token":"t1","platform":"android"},{"device_id":2,"token":"t2","platform":"ios"},
	  {"device_id":3,"token":"t3","platform":"web"}]', 5) AS push_id;
CREATE TEMP TABLE q AS SELECT create_push((SELECT app_id FROM other), '{"message":"Hi"}',
	'[{"device_id":9,"token":"t9","platform":"android"}]', 6) AS push_id;
SELECT record_attempt(action_id, true) FROM actions WHERE push_id IN (SELECT push_id FROM p UNION SELECT push_id FROM q);
CREATE TEMP TABLE d AS SELECT * FROM push_deliveries((SELECT push_id FROM p), (SELECT apptoken FROM app));
CREATE TEMP TABLE e AS SELECT * FROM push_deliveries((SELECT push_id FROM q), (SELECT apptoken FROM other));
CREATE TEMP VIEW rejected AS SELECT '{"success": false, "code": "REFUSED", "error": "The delivery id and token do not match."}'::jsonb AS answer;

-- the credentials the payload carries
SELECT is((SELECT count(*)::int FROM d), 3, 'push_deliveries gives one delivery id and token per device');
SELECT is((SELECT count(*)::int FROM d WHERE delivery_id = (SELECT app_id FROM app) || '-' || action_id
           AND delivery_token ~ '^[0-9a-f]{32}$'), 3, 'a delivery id names app and action; a token is 32 hex digits');
SELECT is((SELECT count(DISTINCT delivery_token)::int FROM d), 3, 'each action has its own token');
SELECT is((SELECT array_agg(delivery_token ORDER BY action_id) FROM push_deliveries((SELECT push_id FROM p), (SELECT apptoken FROM app))),
          (SELECT array_agg(delivery_token ORDER BY action_id) FROM d), 'asking again gives the same tokens');
SELECT is_empty($$SELECT * FROM push_deliveries((SELECT push_id FROM p), (SELECT apptoken FROM other))$$,
                'another app''s key gets nothing of this push');
SELECT is_empty($$SELECT * FROM push_deliveries((SELECT push_id FROM p), 'WRONG')$$, 'a bad key gets nothing');
SELECT is((SELECT count(*)::int FROM push_actions_internal.app_keys WHERE app_id IN (SELECT app_id FROM app UNION SELECT app_id FROM other)),
          2, 'each app got its key when it first needed one');

-- a real report is recorded through the state machine
SELECT is(track_event(delivery_id, delivery_token, 'opened'), '{"success": true, "status": "opened", "recorded": true}',
          'a device''s open with its token is recorded') FROM d WHERE device_id = 1;
SELECT is((SELECT status::text FROM actions WHERE action_id = (SELECT action_id FROM d WHERE device_id = 1)), 'opened', 'the action is opened');
-- replays and steps already passed record nothing
SELECT is(track_event(delivery_id, delivery_token, 'opened'), '{"success": true, "status": "opened", "recorded": false}',
          'the same open again records nothing') FROM d WHERE device_id = 1;
SELECT is(track_event(delivery_id, delivery_token, 'delivered'), '{"success": true, "status": "opened", "recorded": false}',
          'a late delivery report of an opened message records nothing') FROM d WHERE device_id = 1;
SELECT is(track_event(delivery_id, delivery_token, 'converted', '2026-01-02'), '{"success": true, "status": "converted", "recorded": true}',
          'then a conversion') FROM d WHERE device_id = 1;
SELECT is((SELECT updated_at FROM actions WHERE action_id = (SELECT action_id FROM d WHERE device_id = 1)), '2026-01-02'::timestamptz,
          'at is when it happened');

-- forged, foreign and misdirected tokens: one refusal, nothing changed
CREATE TEMP TABLE before AS SELECT action_id, status, updated_at FROM actions;
SELECT is(track_event(delivery_id, repeat('0', 32), 'opened'), (SELECT answer FROM rejected), 'a forged token is refused')
FROM d WHERE device_id = 2;
SELECT is(track_event(delivery_id, upper(delivery_token), 'opened'), (SELECT answer FROM rejected), 'a token is compared exactly')
FROM d WHERE device_id = 2;
SELECT is(track_event(d.delivery_id, e.delivery_token, 'opened'), (SELECT answer FROM rejected), 'another app''s token is refused')
FROM d, e WHERE d.device_id = 2;
SELECT is(track_event(d2.delivery_id, d3.delivery_token, 'opened'), (SELECT answer FROM rejected),
          'a token of another action of the same app is refused') FROM d d2, d d3 WHERE d2.device_id = 2 AND d3.device_id = 3;
SELECT is(track_event((SELECT app_id FROM other) || '-' || d.action_id, e.delivery_token, 'opened'), (SELECT answer FROM rejected),
          'an action claimed under another app''s id is refused') FROM d, e WHERE d.device_id = 2;
SELECT is(track_event(x.id, repeat('a', 32), 'opened'), (SELECT answer FROM rejected), 'a malformed delivery id is refused: ' || coalesce(x.id, 'NULL'))
FROM (VALUES ('abc'), ('1-'), ('-1'), ('1-2-3'), (NULL)) x(id);
SELECT is(track_event(delivery_id, NULL, 'opened'), (SELECT answer FROM rejected), 'a missing token is refused') FROM d WHERE device_id = 2;
SELECT is((SELECT count(*)::int FROM actions a JOIN before b USING (action_id) WHERE (a.status, a.updated_at) IS DISTINCT FROM (b.status, b.updated_at)),
          0, 'no refused report changed anything');
-- arguments are checked first
SELECT throws_ok($$SELECT track_event('1-1', 'x', 'sent')$$, '22023', 'track_event records delivered, opened, converted, not sent',
                 'a status that is no device event is a bad argument');

-- the state machine still decides
SELECT is(track_event(delivery_id, delivery_token, 'opened') ->> 'code', 'NOT_ALLOWED', 'an expired message cannot be opened')
FROM d, LATERAL (SELECT record_event(d.action_id, 'expired')) x WHERE device_id = 3;

-- a purged or deleted push's actions are gone: said so, without an error
SELECT delete_push((SELECT push_id FROM q), (SELECT apptoken FROM other));
SELECT is(track_event(delivery_id, delivery_token, 'opened'),
          '{"success": false, "code": "GONE", "error": "This message is no longer kept (purged or deleted); nothing was recorded."}',
          'a report for a deleted push is answered as gone') FROM e;

-- rotation: old tokens verify until the end given, new tokens come from the new key
SELECT isnt(rotate_app_key((SELECT app_id FROM app), '1 hour'), NULL, 'rotate_app_key gives the app a new key');
SELECT isnt((SELECT delivery_token FROM push_deliveries((SELECT push_id FROM p), (SELECT apptoken FROM app)) WHERE device_id = 2),
            (SELECT delivery_token FROM d WHERE device_id = 2), 'new tokens come from the new key');
SELECT is(track_event(delivery_id, delivery_token, 'delivered') ->> 'recorded', 'true', 'a token of the old key verifies for the hour given')
FROM d WHERE device_id = 2;
SELECT rotate_app_key((SELECT app_id FROM app), '0');
SELECT is(track_event(delivery_id, delivery_token, 'opened'), (SELECT answer FROM rejected), 'then no more')
FROM d WHERE device_id = 2;

SELECT * FROM finish();
ROLLBACK;
