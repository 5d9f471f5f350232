-- Pushes of app 1, campaign 777, to people with several devices each, in the
-- states a roll-up must tell apart.  Push ids are fixed so tests can name them.
INSERT INTO push_actions.pushes (push_id, app_id, campaign_id, payload, created_at, expires_at) VALUES
	('a0000000000000000000000a', 1, 777, '{"message":"Spring sale"}', '2026-03-01 10:00+00', '2026-03-31 10:00+00'),
	('b0000000000000000000000b', 1, 777, '{"message":"Last day"}', '2026-03-05 10:00+00', '2026-04-04 10:00+00');

INSERT INTO push_actions.actions
	(app_id, push_id, campaign_id, device_id, profile_id, device_token, platform, status, attempts, error_message, create_time)
SELECT 1, push, 777, dev, prof, 'tok-' || dev, plat, st::push_actions.push_status, tries, err, t::timestamptz
FROM (VALUES
	-- alice: ios sent, android opened, web failed  -> opened
	('a0000000000000000000000a', 101, 'alice', 'ios', 'sent', 1, NULL, '2026-03-01 10:00+00'),
	('a0000000000000000000000a', 102, 'alice', 'android', 'opened', 1, NULL, '2026-03-01 10:00+00'),
	('a0000000000000000000000a', 103, 'alice', 'web', 'failed', 10, 'InternalServerError', '2026-03-01 10:00+00'),
	-- bob: android still retrying, ios bounced -> attempted
	('a0000000000000000000000a', 201, 'bob', 'android', 'attempted', 3, 'Unavailable', '2026-03-01 10:00+00'),
	('a0000000000000000000000a', 202, 'bob', 'ios', 'bounced', 1, 'Unregistered', '2026-03-01 10:00+00'),
	-- carol: bounced + expired -> bounced
	('a0000000000000000000000a', 301, 'carol', 'android', 'bounced', 1, 'DEVICE_UNREGISTERED', '2026-03-01 10:00+00'),
	('a0000000000000000000000a', 302, 'carol', 'ios', 'expired', 0, NULL, '2026-03-01 10:00+00'),
	-- two devices without a profile: each its own person
	('a0000000000000000000000a', 401, NULL, 'android', 'delivered', 1, NULL, '2026-03-01 10:00+00'),
	('a0000000000000000000000a', 402, NULL, 'electron', 'failed', 10, 'Not personalized', '2026-03-01 10:00+00'),
	-- second push: alice converted on one device despite a failure
	('b0000000000000000000000b', 101, 'alice', 'ios', 'failed', 2, 'Not personalized', '2026-03-05 10:00+00'),
	('b0000000000000000000000b', 102, 'alice', 'android', 'converted', 1, NULL, '2026-03-05 10:00+00'),
	('b0000000000000000000000b', 201, 'bob', 'android', 'expired', 0, NULL, '2026-03-05 10:00+00')
) AS v(push, dev, prof, plat, st, tries, err, t);
