-- The floor of keeping the roll-ups by row updates: the same call with the
-- maintenance off, plus the two single-row writes any kept state needs (the
-- action's message, its campaign's stripe of this backend), in one
-- statement, as the trigger runs them (pgbench; the driver sets the pool)
\set aid random(:lo, :hi)
WITH attempt AS (
	SELECT push_actions.record_attempt(:aid, false, 'Unavailable') AS status
), message AS (
	UPDATE push_actions_internal.messages SET summary = summary
	WHERE push_id = :pool_push AND app_id = 1
	  AND person = (SELECT push_actions_internal.message_person(campaign_id, profile_id, device_id)
	                FROM push_actions.actions WHERE action_id = :aid)
), stripe AS (
	INSERT INTO push_actions_internal.campaign_stripes AS s
		(app_id, campaign_id, stripe, devices_added, devices_removed, messages_added, messages_removed)
	VALUES (1, :pool_campaign, push_actions_internal.writer_stripe(), '{}', '{}', '{}', '{}')
	ON CONFLICT (app_id, campaign_id, stripe) DO UPDATE SET devices_added = s.devices_added
)
SELECT status FROM attempt;
