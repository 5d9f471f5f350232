-- What a provider's error means for the token (src/provider_errors.h):
-- every code of the table, code by code, in its case and in any other; the
-- codes recognised inside a message; unknown never gone; and record_attempt
-- bouncing an action exactly when its message says gone or invalid.
BEGIN;
SET search_path = push_actions, public;
SELECT plan(16);

SELECT is((SELECT count(*)::int FROM provider_errors() WHERE error_class(code) IS DISTINCT FROM class), 0,
	'every code of the table has its class');
SELECT is((SELECT count(*)::int FROM provider_errors() WHERE error_class(lower(code)) IS DISTINCT FROM class
                                                           OR error_class(upper(code)) IS DISTINCT FROM class), 0,
	'in any case too');
SELECT is((SELECT count(*)::int FROM provider_errors() WHERE in_messages
           AND error_class(NULL, 'provider said: ' || code || '. (request 7)') IS DISTINCT FROM class), 0,
	'a code recognised inside a message gives its class from the message alone');
SELECT is((SELECT count(*)::int FROM provider_errors() WHERE in_messages
           AND error_class(NULL, 'X' || code || 'Y') <> 'unknown'), 0,
	'but not inside a longer word');
SELECT is((SELECT count(*)::int FROM provider_errors() WHERE NOT in_messages AND code !~ '^[0-9]+$'
           AND error_class(NULL, code) NOT IN (class, 'unknown')), 0,
	'a code left out of messages never gives another class from one');
SELECT results_eq($$SELECT DISTINCT provider FROM provider_errors() ORDER BY 1$$,
	$$VALUES ('apns'), ('expo'), ('fcm'), ('gcm'), ('webpush'), ('xtremepush')$$,
	'APNs, FCM HTTP v1, legacy FCM (GCM), Expo, Web Push and the seeds'' messages');
SELECT results_eq($$SELECT code, class FROM provider_errors() WHERE class IN ('gone', 'invalid') ORDER BY provider, code$$,
	$$VALUES ('BadDeviceToken', 'invalid'), ('DeviceTokenNotForTopic', 'invalid'), ('ExpiredToken', 'gone'), ('Unregistered', 'gone'),
	         ('DeviceNotRegistered', 'gone'), ('UNREGISTERED', 'gone'), ('InvalidRegistration', 'invalid'), ('NotRegistered', 'gone'),
	         ('404', 'gone'), ('410', 'gone'), ('Application is Uninstalled', 'gone'), ('DEVICE_UNREGISTERED', 'gone')$$,
	'exactly these codes say the token is dead');
SELECT is(error_class('NoSuchCode'), 'unknown', 'an unknown code is unknown');
SELECT is(error_class(NULL, NULL), 'unknown', 'so is no code and no message');
SELECT is(error_class('', 'Unregistered'), 'gone', 'an empty code leaves it to the message');
SELECT is(error_class('QUOTA_EXCEEDED', 'the token is NotRegistered'), 'retry', 'a known code is believed over its message');
SELECT is(error_class(NULL, 'TooManyRequests after Unregistered'), 'gone', 'a message naming several is judged gone first');
SELECT is(error_class(NULL, repeat('unregistere', 100000)), 'unknown', 'a long message without a code is unknown');

-- record_attempt bounces on gone and invalid only
SELECT create_push((SELECT app_id FROM create_app('errors')), '{}',
	(SELECT jsonb_agg(jsonb_build_object('device_id', d, 'token', 't' || d, 'platform', 'android')) FROM generate_series(1, 8) d)) AS push \gset
CREATE TEMP TABLE tried AS
SELECT a.device_id, m.message, record_attempt(a.action_id, false, m.message)::text AS status
FROM (SELECT action_id, device_id, row_number() OVER (ORDER BY device_id) AS n FROM actions WHERE push_id = :'push') a
JOIN (VALUES (1, 'InvalidRegistration'), (2, 'NotRegistered'), (3, 'BadDeviceToken: for topic com.x'), (4, 'DEVICE_UNREGISTERED'),
             (5, 'Not personalized'), (6, 'Unavailable'), (7, 'TopicDisallowed'), (8, 'HTTP 410')) m(n, message) ON m.n = a.n;
SELECT results_eq('SELECT message, status FROM tried ORDER BY device_id',
	$$VALUES ('InvalidRegistration', 'bounced'), ('NotRegistered', 'bounced'), ('BadDeviceToken: for topic com.x', 'bounced'),
	         ('DEVICE_UNREGISTERED', 'bounced'), ('Not personalized', 'attempted'), ('Unavailable', 'attempted'),
	         ('TopicDisallowed', 'attempted'), ('HTTP 410', 'attempted')$$,
	'record_attempt bounces an action whose message says its token is gone or invalid, and only then');
SELECT is_empty('SELECT * FROM verify_rollups()', 'the kept roll-ups followed');
SELECT is((SELECT count(*)::int FROM provider_errors()), (SELECT count(DISTINCT (provider, code))::int FROM provider_errors()),
	'no code is listed twice for one provider');

SELECT * FROM finish();
ROLLBACK;
