-- What make demo shows; runs against test/data/demo_sample.sql.  The names of
-- the tables and API resolve through this session's search_path; the
-- operators and functions on the types need none.
\set QUIET on
SET search_path = push_actions, public;
\set QUIET off
\pset footer off
\set SHOW_CONTEXT never
\echo '== the six failed actions of campaign 245624, as stored'
SELECT action_id, campaign_id, extract(epoch FROM create_time)::bigint AS create_time,
       device_id, status, attempts, error_message
FROM actions WHERE app_id = 1 AND campaign_id = 245624 AND status IN ('failed', 'bounced')
ORDER BY action_id DESC;

\echo '== the write API: a new push of campaign 777 to three devices of app 1'
SELECT create_push(1, '{"message":"Hello World!"}',
	'[{"device_id":17186391,"token":"fe8f7b2c102e883e5b41d2","platform":"android","profile_id":"p-17186391"},
	  {"device_id":17186392,"token":"aa11bb22cc33dd44ee55ff","platform":"ios","profile_id":"p-17186392"},
	  {"device_id":7039393,"token":"c1d2e3f4a5b6c7d8e9f0a1","platform":"android","profile_id":"p-7039393"}]',
	777) AS push_id \gset
SELECT :'push_id' AS push_id;
SELECT min(action_id) AS a1, min(action_id) + 1 AS a2, min(action_id) + 2 AS a3
FROM actions WHERE push_id = :'push_id' \gset
SELECT record_attempt(:a1, true) AS "android: accepted by FCM",
       record_attempt(:a2, false, 'ServiceUnavailable') AS "ios: 1st try",
       record_attempt(:a2, true) AS "ios: 2nd try",
       record_attempt(:a3, false, 'DEVICE_UNREGISTERED') AS "android: dead token";
SELECT record_event(:a1, 'delivered') AS "android: delivered",
       record_event(:a1, 'opened') AS "android: opened";
\echo '== a refused transition changes nothing'
\set ON_ERROR_STOP 0
SELECT record_event(:a3, 'delivered');
\set ON_ERROR_STOP 1
SELECT action_id, device_id, platform, status, attempts, error_message
FROM actions WHERE push_id = :'push_id' ORDER BY action_id;

\echo '== a device-reported open, verified by the delivery token its push carried, and a forged one, refused'
SELECT delivery_id, delivery_token FROM push_deliveries(:'push_id', 'YOUR_APPTOKEN') WHERE device_id = 17186392 \gset
SELECT :'delivery_id' AS "CIO-Delivery-ID", :'delivery_token' AS "CIO-Delivery-Token";
SELECT track_event(:'delivery_id', :'delivery_token', 'opened') AS "ios device: opened";
SELECT track_event(delivery_id, repeat('0', 32), 'opened') AS "forged report for the android device"
FROM push_deliveries(:'push_id', 'YOUR_APPTOKEN') WHERE device_id = 7039393;
SELECT status, devices FROM message_status WHERE push_id = :'push_id' ORDER BY profile_id;

\echo '== campaign_overview for campaign 245624 (messages, not devices; error rate over messages)'
SELECT app_id, campaign_id, messages, sent, delivered, opened, converted, failed, bounced,
       pending, round(error_rate::numeric, 2) AS error_rate
FROM campaign_overview WHERE app_id = 1 AND campaign_id = 245624;
\echo '== message status of its failed devices'
SELECT coalesce(push_id, 'action ' || action_id) AS message, profile_id, devices, status,
       first_attempt_at, summary::jsonb -> 'attempts' AS attempts
FROM message_status
WHERE app_id = 1 AND campaign_id = 245624 AND status IN ('failed', 'bounced')
ORDER BY first_attempt_at DESC;
\echo '== campaign 777: one push to people with several devices, rolled up per person'
SELECT profile_id, device_id, devices, status, summary
FROM message_status WHERE push_id = 'a0000000000000000000000a' ORDER BY profile_id, device_id;

\echo '== list_push_devices: the request of the Xtremepush documentation, exactly as a backend sends it'
\set seed_request '{"apptoken": "YOUR_APPTOKEN", "condition": [["campaign_id", "=", 245624], ["error", "=", 1]], "limit": 50, "offset": 0, "select": ["campaign_id", "action_id", "create_time", "device_id", "error_message"]}'
\echo :seed_request
SELECT jsonb_pretty(list_push_devices(:'seed_request')) AS answer;
\echo '== the plan it compiles to (explain_push_devices)'
SELECT * FROM explain_push_devices(:'seed_request');
\echo '== a bad request and a bad token'
SELECT list_push_devices('{"apptoken":"YOUR_APPTOKEN","condition":[["campaign_id","=",245624],["errorr","=",1]]}') AS answer
UNION ALL
SELECT list_push_devices('{"apptoken":"WRONG","condition":[]}');

\echo '== push_info: the sample push of the Pushy documentation, as of 2016-05-24, before it expired'
SELECT jsonb_pretty(push_info('5ea9b214b47cad768a35f13a', 'SECRET_API_KEY', '2016-05-24 00:00+00')) AS answer;
\echo '== a new push to two Android devices, an Electron, an iOS and a web device of the Pushy app'
SELECT create_push(3, '{"message":"Hello again!"}', '[
	{"device_id":21,"token":"fe8f7b2c102e883e5b41d2","platform":"android"},
	{"device_id":22,"token":"0a1b2c3d4e5f60718293a4","platform":"android"},
	{"device_id":23,"token":"e1ec7205d0e15a7e0a1b2c","platform":"electron"},
	{"device_id":24,"token":"ios-0001","platform":"ios"},
	{"device_id":25,"token":"web-0001","platform":"web"}]') AS pushy_id \gset
SELECT record_attempt(action_id, true) AS sent FROM actions WHERE push_id = :'pushy_id' ORDER BY action_id;
\echo '-- before deliveries'
SELECT (push_info(:'pushy_id', 'SECRET_API_KEY') -> 'push') - 'date' - 'expiration' AS push;
SELECT record_event(action_id, 'delivered') AS delivered FROM actions
WHERE push_id = :'pushy_id' AND device_id IN (21, 23) ORDER BY action_id;
\echo '-- after two deliveries (iOS and web never report delivery, so they are never pending)'
SELECT (push_info(:'pushy_id', 'SECRET_API_KEY') -> 'push') - 'date' - 'expiration' AS push;
SELECT push_id, device_token, platform, status FROM push_pending_devices WHERE app_id = 3;
\echo '== error answers: another app''s key, a malformed id, a bad key'
SELECT push_info(:'pushy_id', 'YOUR_APPTOKEN') AS answer
UNION ALL SELECT push_info('not-a-push-id', 'SECRET_API_KEY')
UNION ALL SELECT push_info(:'pushy_id', 'WRONG_KEY');
\echo '== delete_push, then purge (the sample push expired in 2016)'
SELECT delete_push(:'pushy_id', 'SECRET_API_KEY') AS deleted, purge() AS purged_pushes;
SELECT day, platform, summary FROM daily_rollups WHERE app_id = 3 ORDER BY day, platform;
