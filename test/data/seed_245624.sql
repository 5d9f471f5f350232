-- Campaign 245624 of the Xtremepush list/push-devices documentation's example:
-- its six failed actions exactly as the sample answer shows them, plus
-- successful actions of the same campaign and actions of another app that a
-- request for this app must never see.  The app's token is the seed's
-- literal "YOUR_APPTOKEN", so the seed request runs unchanged.
INSERT INTO push_actions.apps (app_id, name, token_hash) VALUES
	(1, 'Seed app', sha256(convert_to('YOUR_APPTOKEN', 'UTF8'))),
	(2, 'Other app', sha256(convert_to('OTHER_APPTOKEN', 'UTF8')));
SELECT setval(pg_get_serial_sequence('push_actions.apps', 'app_id'), 2);

INSERT INTO push_actions.actions
	(action_id, app_id, campaign_id, device_id, profile_id, device_token, platform,
	 status, attempts, error_message, create_time, updated_at)
SELECT id, 1, 245624, dev, prof, tok, plat, st::push_actions.push_status, tries, err,
	   to_timestamp(t), to_timestamp(t)
FROM (VALUES
	-- the six failed actions of the seed answer
	(21714179, 17186391, 'p-17186391', 'fe8f7b2c102e883e5b41d2', 'android', 'failed', 10, 'Not personalized', 1485883608),
	(21687974, 17186391, 'p-17186391', 'fe8f7b2c102e883e5b41d2', 'android', 'failed', 10, 'Not personalized', 1485876298),
	(15257795, 7039393, 'p-7039393', 'c1d2e3f4a5b6c7d8e9f0a1', 'android', 'bounced', 1, 'DEVICE_UNREGISTERED', 1480674210),
	(8958858, 7039393, 'p-7039393', 'c1d2e3f4a5b6c7d8e9f0a1', 'android', 'bounced', 1, 'Application is Uninstalled', 1474649166),
	(8762755, 7039393, 'p-7039393', 'c1d2e3f4a5b6c7d8e9f0a1', 'android', 'bounced', 1, 'Application is Uninstalled', 1474450109),
	(1250084, 3941948, 'p-3941948', 'ab01cd23ef45ab67cd89ef', 'android', 'bounced', 1, 'Application is Uninstalled', 1467728373),
	-- successful actions of the same campaign, interleaved in time
	(21714180, 17186392, 'p-17186392', 'aa11bb22cc33dd44ee55ff', 'ios', 'delivered', 1, NULL, 1485883610),
	(21700000, 17186393, 'p-17186393', 'bb22cc33dd44ee55ff66aa', 'android', 'opened', 1, NULL, 1485880000),
	(15257796, 7039394, 'p-7039394', 'cc33dd44ee55ff66aa77bb', 'web', 'sent', 2, NULL, 1480674300),
	(8958859, 7039395, 'p-7039395', 'dd44ee55ff66aa77bb88cc', 'android', 'converted', 1, NULL, 1474649200),
	(1250085, 3941949, 'p-3941949', 'ee55ff66aa77bb88cc99dd', 'ios', 'sent', 1, NULL, 1467728400)
) AS v(id, dev, prof, tok, plat, st, tries, err, t);

-- Another app's failed actions in a campaign with the same id: never visible to app 1.
INSERT INTO push_actions.actions
	(action_id, app_id, campaign_id, device_id, platform, status, attempts, error_message, create_time, updated_at)
VALUES
	(21714200, 2, 245624, 99000001, 'android', 'failed', 10, 'Not personalized', to_timestamp(1485883700), to_timestamp(1485883700)),
	(21714201, 2, 245624, 99000002, 'ios', 'bounced', 1, 'Unregistered', to_timestamp(1485883701), to_timestamp(1485883701));

SELECT setval(pg_get_serial_sequence('push_actions.actions', 'action_id'), 30000000);
