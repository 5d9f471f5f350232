-- The floor of keeping the roll-ups by row updates: the same call with the
-- maintenance off, plus the two single-row updates any kept state needs (the
-- action's message and its campaign's stripe), in one statement, as the
-- trigger runs them (pgbench; the driver sets the pool's ids)
\set aid random(:lo, :hi)
WITH attempt AS (
	SELECT push_actions.record_attempt(:aid, false, 'Unavailable') AS status
), message AS (
	UPDATE push_actions_internal.messages SET summary = summary
	WHERE push_id = :pool_push AND app_id = 1
	  AND person = (SELECT push_actions_internal.message_person(campaign_id, profile_id, device_id)
	                FROM push_actions.actions WHERE action_id = :aid)
), stripe AS (
	UPDATE push_actions_internal.campaign_stripes SET devices_added = devices_added
	WHERE app_id = 1 AND campaign_id = :pool_campaign AND stripe = pg_backend_pid() % 16
)
SELECT status FROM attempt;
