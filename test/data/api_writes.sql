-- Writes through the API as 1.0 has it (every later version keeps it): an app,
-- a push whose actions end in every status, a scheduled push, a push deleted
-- (folded into daily_rollups), and a purge of the expired sample pushes.
-- Load after seed_245624.sql, multi_device.sql and seed_pushy.sql; sets
-- :api_app, :api_token, :api_push and :scheduled_push.
SELECT setval(pg_get_serial_sequence('push_actions.apps', 'app_id'), (SELECT max(app_id) FROM push_actions.apps));
SELECT app_id AS api_app, apptoken AS api_token FROM push_actions.create_app('Upgrade app') \gset
SELECT push_actions.create_push(:api_app, '{"message":"Every status"}',
	(SELECT jsonb_agg(jsonb_build_object('device_id', d, 'token', 'api-tok-' || d,
	                                     'platform', CASE WHEN d % 2 = 0 THEN 'ios' ELSE 'android' END,
	                                     'profile_id', 'person-' || (d + 1) / 2) ORDER BY d)
	 FROM generate_series(1, 10) d), 42) AS api_push \gset
SELECT push_actions.create_push(:api_app, '{"message":"Tomorrow"}',
	'[{"device_id": 11, "token": "api-tok-11", "platform": "android"}, {"device_id": 12, "token": "api-tok-12", "platform": "web"}]',
	42, now() + interval '1 day') AS scheduled_push \gset
SELECT push_actions.create_push(:api_app, '{"message":"Withdrawn"}',
	'[{"device_id": 13, "token": "api-tok-13", "platform": "android", "profile_id": "person-7"}]', 43) AS withdrawn_push \gset

-- device -> what happens to it
SELECT a.device_id, CASE a.device_id
	WHEN 1 THEN push_actions.record_attempt(a.action_id, true)
	WHEN 2 THEN push_actions.record_attempt(a.action_id, true)
	WHEN 3 THEN push_actions.record_attempt(a.action_id, true)
	WHEN 4 THEN push_actions.record_attempt(a.action_id, true)
	WHEN 5 THEN push_actions.record_attempt(a.action_id, false, 'InvalidRegistration', true)
	WHEN 6 THEN push_actions.record_attempt(a.action_id, false, 'DeviceNotRegistered')
	WHEN 7 THEN push_actions.record_attempt(a.action_id, true)
	WHEN 8 THEN push_actions.record_attempt(a.action_id, false, 'Unavailable')
	WHEN 9 THEN push_actions.record_attempt(a.action_id, false, 'MessageTooBig', true)
	WHEN 10 THEN push_actions.record_attempt(a.action_id, false, 'Unavailable')
	END AS after_attempt
FROM push_actions.actions a WHERE a.push_id = :'api_push' ORDER BY a.device_id;
SELECT a.device_id, CASE a.device_id
	WHEN 2 THEN push_actions.record_event(a.action_id, 'delivered')
	WHEN 3 THEN push_actions.record_event(a.action_id, 'opened')
	WHEN 4 THEN push_actions.record_event(a.action_id, 'converted')
	WHEN 7 THEN push_actions.record_event(a.action_id, 'expired')
	WHEN 9 THEN push_actions.retry(a.action_id)
	WHEN 10 THEN push_actions.record_attempt(a.action_id, true)
	END AS after_event
FROM push_actions.actions a WHERE a.push_id = :'api_push' AND a.device_id IN (2, 3, 4, 7, 9, 10) ORDER BY a.device_id;

SELECT push_actions.delete_push(:'withdrawn_push', :'api_token') AS deleted;
-- the sample pushes of campaign 777 expired on 2026-03-31
SELECT push_actions.purge('2026-04-02 00:00+00') AS purged_pushes;
