-- Views for analysts and BI tools: every chartable column is a plain SQL type.

-- One row per message: a push to one person (or, without a profile, to one
-- device); an action without a push is a message of its own.
CREATE VIEW push_actions.message_status AS
SELECT app_id, push_id, campaign_id, profile_id,
       person_device AS device_id,
       standalone_action AS action_id,
       push_actions.total(summary) AS devices,
       first_attempt_at,
       push_actions.status(summary)::text AS status,
       summary
FROM (
	SELECT a.app_id, a.push_id, a.campaign_id, a.profile_id,
	       push_actions_internal.message_device(a.profile_id, a.device_id) AS person_device,
	       push_actions_internal.message_action(a.push_id, a.action_id) AS standalone_action,
	       min(a.create_time) FILTER (WHERE a.status OPERATOR(push_actions.<>) 'scheduled') AS first_attempt_at,
	       push_actions.delivery_summary(a.status, a.attempts) AS summary
	FROM push_actions.actions a
	GROUP BY a.app_id, a.push_id, a.campaign_id, a.profile_id,
	         push_actions_internal.message_device(a.profile_id, a.device_id),
	         push_actions_internal.message_action(a.push_id, a.action_id)
) m;
COMMENT ON VIEW push_actions.message_status IS
	'one row per push and person: devices, first attempt, rolled-up status (text) and the device-level summary';

-- One row per app and campaign: messages per rolled-up status, live and folded.
CREATE VIEW push_actions.campaign_overview AS
SELECT app_id, campaign_id,
       push_actions.total(m) AS messages,
       push_actions.status_count(m, 'sent') AS sent,
       push_actions.status_count(m, 'delivered') AS delivered,
       push_actions.status_count(m, 'opened') AS opened,
       push_actions.status_count(m, 'converted') AS converted,
       push_actions.status_count(m, 'failed') AS failed,
       push_actions.status_count(m, 'bounced') AS bounced,
       push_actions.status_count(m, 'expired') AS expired,
       push_actions.pending(m) AS pending,
       push_actions.error_rate(m) AS error_rate,
       d AS summary
FROM (
	SELECT app_id, campaign_id, push_actions.delivery_summary(m) AS m, push_actions.delivery_summary(d) AS d
	FROM (
		SELECT ms.app_id, ms.campaign_id,
		       push_actions.delivery_summary(push_actions.status(ms.summary)) AS m,
		       push_actions.delivery_summary(ms.summary) AS d
		FROM push_actions.message_status ms
		GROUP BY ms.app_id, ms.campaign_id
		UNION ALL
		SELECT r.app_id, r.campaign_id, push_actions.delivery_summary(r.messages), push_actions.delivery_summary(r.summary)
		FROM push_actions.daily_rollups r
		GROUP BY r.app_id, r.campaign_id
	) parts
	GROUP BY app_id, campaign_id
) c;
COMMENT ON VIEW push_actions.campaign_overview IS
	'per app and campaign: messages by rolled-up status, pending, error rate over messages, and the device-level summary';

-- The listing's columns for BI tools: plain SQL types, times as timestamptz.
CREATE VIEW push_actions.push_devices AS
SELECT a.app_id, a.action_id, a.campaign_id, a.push_id, a.create_time, a.device_id, a.profile_id,
       a.device_token, a.platform, a.channel, a.status::text AS status, a.attempts,
       CASE WHEN a.status OPERATOR(push_actions.=) ANY (push_actions_internal.statuses('error')) THEN 1 ELSE 0 END AS error,
       a.error_message, p.payload ->> 'message' AS message, a.updated_at AS update_time
FROM push_actions.actions a
LEFT JOIN push_actions.pushes p ON p.app_id = a.app_id AND p.push_id = a.push_id;
COMMENT ON VIEW push_actions.push_devices IS
	'the list_push_devices columns plus app_id, for BI tools';

-- Devices pushes are still pending on: Android and Electron actions attempted
-- or sent, of pushes neither scheduled ahead nor expired.
CREATE VIEW push_actions.push_pending_devices AS
SELECT a.app_id, a.push_id, a.device_token, a.platform, a.status::text AS status, a.attempts, a.create_time
FROM push_actions.actions a
JOIN push_actions.pushes p ON p.app_id = a.app_id AND p.push_id = a.push_id
WHERE push_actions_internal.is_pending_device(a.status, a.platform, a.device_token)
  AND p.expires_at > now() AND (p.send_at IS NULL OR p.send_at <= now());
COMMENT ON VIEW push_actions.push_pending_devices IS
	'Android/Electron devices a live push has been attempted or sent to and not yet delivered';
