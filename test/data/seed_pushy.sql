-- The Pushy sample (the GET /pushes/{id} example of Pushy's documentation):
-- push 5ea9b214b47cad768a35f13a, created 1464003935 with payload
-- {"message":"Hello World!"} and expiration 1466595935, pending on one
-- Android token.  The other devices show what is never pending: iOS and web
-- (no delivery reports), and a delivered Android.  Load after
-- seed_245624.sql, which sets the action_id sequence.
INSERT INTO push_actions.apps (app_id, name, token_hash)
VALUES (3, 'Pushy app', sha256(convert_to('SECRET_API_KEY', 'UTF8')));
-- apps made later (create_app) take the ids after it
SELECT setval(pg_get_serial_sequence('push_actions.apps', 'app_id'), 3);
INSERT INTO push_actions.pushes (push_id, app_id, payload, created_at, expires_at)
VALUES ('5ea9b214b47cad768a35f13a', 3, '{"message":"Hello World!"}', to_timestamp(1464003935), to_timestamp(1466595935));
INSERT INTO push_actions.actions (app_id, push_id, device_id, device_token, platform, status, attempts, create_time, updated_at)
VALUES
	(3, '5ea9b214b47cad768a35f13a', 1, 'fe8f7b2c102e883e5b41d2', 'android', 'sent', 1, to_timestamp(1464003935), to_timestamp(1464003936)),
	(3, '5ea9b214b47cad768a35f13a', 2, 'a1b2c3d4e5f6a7b8c9d0e1', 'android', 'delivered', 1, to_timestamp(1464003935), to_timestamp(1464003940)),
	(3, '5ea9b214b47cad768a35f13a', 3, 'ios-token-0001', 'ios', 'sent', 1, to_timestamp(1464003935), to_timestamp(1464003936)),
	(3, '5ea9b214b47cad768a35f13a', 4, 'web-token-0001', 'web', 'attempted', 2, to_timestamp(1464003935), to_timestamp(1464003936));
