-- After a run with the maintenance off: the pool's kept rows (its messages,
-- its campaign's stripes) made again from its actions, as rebuild_rollups()
-- would make all of them.
DELETE FROM push_actions_internal.messages WHERE push_id = :'pool' AND app_id = 1;
INSERT INTO push_actions_internal.messages
	(app_id, push_id, person, campaign_id, profile_id, device_id, created_at, first_attempt_at, summary)
SELECT app_id, push_id, person, campaign_id, profile_id, device_id, created_at, first_attempt_at, summary
FROM push_actions_internal.recomputed_messages WHERE push_id = :'pool' AND app_id = 1;
DELETE FROM push_actions_internal.campaign_stripes WHERE app_id = 1 AND campaign_id = 999;
INSERT INTO push_actions_internal.campaign_stripes
	(app_id, campaign_id, stripe, devices_added, devices_removed, messages_added, messages_removed)
SELECT app_id, campaign_id, 0, devices, '{}', messages, '{}'
FROM push_actions_internal.campaign_rollups WHERE NOT kept AND app_id = 1 AND campaign_id = 999;
