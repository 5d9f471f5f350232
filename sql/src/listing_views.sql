-- The listing's columns for BI tools: plain SQL types, times as timestamptz.
CREATE OR REPLACE VIEW push_actions.push_devices WITH (security_barrier) AS
SELECT a.app_id, a.action_id, a.campaign_id, a.push_id, a.create_time, a.device_id, a.profile_id,
       a.device_token, a.platform, a.channel, a.status::text AS status, a.attempts,
       CASE WHEN a.status = ANY (push_actions_internal.statuses('error')) THEN 1 ELSE 0 END AS error,
       a.error_message, p.payload ->> 'message' AS message, a.updated_at AS update_time
FROM push_actions.actions a
LEFT JOIN push_actions.pushes p ON p.app_id = a.app_id AND p.push_id = a.push_id
WHERE push_actions_internal.app_visible(a.app_id);
COMMENT ON VIEW push_actions.push_devices IS
	'the list_push_devices columns plus app_id, for BI tools';
