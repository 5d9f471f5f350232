-- push_info, delete_push, push_pending_devices and purge (Pushy semantics)
SET search_path = push_actions, public;
\set SHOW_CONTEXT never
\set ON_ERROR_ROLLBACK on
BEGIN;
\i test/data/seed_245624.sql
\i test/data/seed_pushy.sql

-- the seed's sample answer, as of a moment before it expired
SELECT push_info('5ea9b214b47cad768a35f13a', 'SECRET_API_KEY', '2016-05-24 00:00+00') AS answer \gset
SELECT :'answer'::jsonb #- '{push,pending_count}' AS without_count,
       (:'answer'::jsonb #- '{push,pending_count}') = '{
    "push": {
        "date": 1464003935,
        "payload": {
            "message": "Hello World!"
        },
        "expiration": 1466595935,
        "pending_devices": [
            "fe8f7b2c102e883e5b41d2"
        ]
    }
}'::jsonb AS equals_seed_sample,
       :'answer'::jsonb #> '{push,pending_count}' AS pending_count;
-- after its expiration nothing is pending, though purge has not run
SELECT push_info('5ea9b214b47cad768a35f13a', 'SECRET_API_KEY');

-- errors: identical for malformed, unknown, other app's, NULL ids
SELECT push_info('5ea9b214b47cad768a35f13', 'SECRET_API_KEY') AS too_short;
SELECT push_info('5EA9B214B47CAD768A35F13A', 'SECRET_API_KEY') AS upper_case;
SELECT push_info('5ea9b214b47cad768a35f13a''; --', 'SECRET_API_KEY') AS injection;
SELECT push_info('ffffffffffffffffffffffff', 'SECRET_API_KEY') AS unknown;
SELECT push_info('5ea9b214b47cad768a35f13a', 'YOUR_APPTOKEN') AS other_app;
SELECT push_info(NULL, 'SECRET_API_KEY') AS null_id;
SELECT push_info('5ea9b214b47cad768a35f13a', 'WRONG_KEY') AS bad_key;
SELECT push_info('5ea9b214b47cad768a35f13a', NULL) AS null_key;
SELECT push_info(NULL, NULL) AS both_null;

-- a live push: scheduled, then pending, then delivered to all
SELECT create_push(3, '{"message":"Later"}', '[{"device_id":10,"token":"and-10","platform":"android"}]',
                   NULL, now() + interval '1 day') AS later \gset
SELECT push_info(:'later', 'SECRET_API_KEY') AS scheduled;
SELECT (push_info(:'later', 'SECRET_API_KEY', now() + interval '2 days') -> 'push') - 'date' - 'expiration' AS once_due;
SELECT create_push(3, '{"message":"Now"}', '[
	{"device_id":11,"token":"and-11","platform":"android"},
	{"device_id":12,"token":"ele-12","platform":"electron"},
	{"device_id":13,"token":"ios-13","platform":"ios"},
	{"device_id":14,"token":"web-14","platform":"web"}]') AS live \gset
-- an Android action without a token, as a COPY may load one, is pending on nothing
INSERT INTO actions (app_id, push_id, device_id, platform, status) VALUES (3, :'live', 15, 'android', 'attempted');
SELECT (push_info(:'live', 'SECRET_API_KEY') -> 'push') - 'date' - 'expiration' AS attempted;
SELECT platform, status, device_token FROM push_pending_devices WHERE push_id = :'live' ORDER BY device_token;
SELECT record_attempt(action_id, true) FROM actions WHERE push_id = :'live' ORDER BY action_id;
SELECT record_event(action_id, 'delivered') FROM actions WHERE push_id = :'live' AND platform = 'android' ORDER BY action_id;
SELECT (push_info(:'live', 'SECRET_API_KEY') -> 'push') - 'date' - 'expiration' AS electron_left;
SELECT record_event(action_id, 'delivered') FROM actions WHERE push_id = :'live' AND platform = 'electron';
SELECT (push_info(:'live', 'SECRET_API_KEY') -> 'push') - 'date' - 'expiration' AS delivered_to_all;

-- 1,000 tokens at most, oldest first; pending_count is the full number
SELECT create_push(3, '{"message":"Big"}', (SELECT jsonb_agg(jsonb_build_object('device_id', i, 'token', 'tok-' || lpad(i::text, 5, '0'), 'platform', 'android')) FROM generate_series(1, 1500) i)) AS big \gset
SELECT jsonb_array_length(info #> '{push,pending_devices}') AS listed, info #> '{push,pending_count}' AS pending_count,
       info #>> '{push,pending_devices,0}' AS first, info #>> '{push,pending_devices,999}' AS last
FROM push_info(:'big', 'SECRET_API_KEY') AS info;

-- delete_push: the other app cannot, the owner can, then the id is unknown
SELECT delete_push(:'live', 'YOUR_APPTOKEN') AS other_app;
SELECT delete_push(:'live', 'WRONG') AS bad_key;
SELECT delete_push('nothex', 'SECRET_API_KEY') AS bad_id;
SELECT delete_push(:'live', 'SECRET_API_KEY') AS deleted;
SELECT delete_push(:'live', 'SECRET_API_KEY') AS deleted_again;
SELECT push_info(:'live', 'SECRET_API_KEY') AS after_delete;
SELECT count(*) AS actions_left FROM actions WHERE push_id = :'live';
-- its five actions now count in daily_rollups
SELECT platform, total(summary) AS actions, total(messages) AS messages FROM daily_rollups WHERE app_id = 3 ORDER BY platform;

-- purge: expired pushes and pushes final for 2 days, in batches, idempotent
SELECT purge(now(), 0);
SELECT purge(NULL);
SELECT purge('2016-05-24 00:00+00') AS before_anything_is_due;
-- two live pushes whose actions are all final: one for 3 days (due), one for 1 day (not yet)
INSERT INTO pushes (push_id, app_id, payload, created_at, expires_at) VALUES
	('d0000000000000000000000d', 3, '{}', now() - interval '5 days', now() + interval '25 days'),
	('e0000000000000000000000e', 3, '{}', now() - interval '5 days', now() + interval '25 days');
INSERT INTO actions (app_id, push_id, device_id, platform, status, attempts, create_time, updated_at) VALUES
	(3, 'd0000000000000000000000d', 1, 'android', 'delivered', 1, now() - interval '5 days', now() - interval '3 days'),
	(3, 'd0000000000000000000000d', 2, 'ios', 'bounced', 1, now() - interval '5 days', now() - interval '4 days'),
	(3, 'e0000000000000000000000e', 1, 'android', 'delivered', 1, now() - interval '5 days', now() - interval '1 day');
SELECT purge() AS first_run;
SELECT purge() AS second_run;
SELECT push_info('5ea9b214b47cad768a35f13a', 'SECRET_API_KEY') AS after_purge;
SELECT push_id FROM pushes WHERE app_id = 3 AND push_id IN ('d0000000000000000000000d', 'e0000000000000000000000e');
SELECT count(*) AS big_actions FROM actions WHERE push_id = :'big';
-- the big push is still live: purge it "a year later" in batches of one push
SELECT purge(now() + interval '1 year', 1) AS later_first, purge(now() + interval '1 year', 1) AS later_second,
       purge(now() + interval '1 year', 1) AS later_third;
SELECT count(*) AS pushes_left FROM pushes WHERE app_id = 3;
SELECT status_count(delivery_summary(summary), 'expired') AS expired_devices, total(delivery_summary(summary)) AS all_devices
FROM daily_rollups WHERE app_id = 3;
-- standalone actions (no push) are not purge's business
SELECT count(*) AS seed_actions_kept FROM actions WHERE app_id = 1;
ROLLBACK;
