-- Views for analysts and BI tools: every chartable column is a plain SQL type.

-- One row per message: a push to one person (or, without a profile, to one
-- device); an action without a push is a message of its own.  Read from the
-- kept roll-ups (kept_rollups.sql), not regrouped from the actions.
CREATE VIEW push_actions.message_status AS
SELECT m.app_id, m.push_id, m.campaign_id, m.profile_id, m.device_id,
       NULL::bigint AS action_id,
       total(m.summary) AS devices,
       m.first_attempt_at,
       status(m.summary)::text AS status,
       m.summary
FROM push_actions_internal.messages m
UNION ALL
SELECT a.app_id, a.push_id, a.campaign_id, a.profile_id,
       push_actions_internal.message_device(a.profile_id, a.device_id),
       a.action_id,
       1::bigint,
       CASE WHEN a.status <> 'scheduled' THEN a.create_time END,
       a.status::text,
       push_actions.delivery_summary_add_status_attempts_int2(NULL, a.status, a.attempts)
FROM push_actions.actions a
WHERE a.push_id IS NULL;
COMMENT ON VIEW push_actions.message_status IS
	'one row per push and person: devices, first attempt, rolled-up status (text) and the device-level summary';

-- One row per app and campaign: messages per rolled-up status, live (kept in
-- stripes) and folded (daily_rollups).
CREATE VIEW push_actions.campaign_overview AS
SELECT app_id, campaign_id,
       total(m) AS messages,
       status_count(m, 'sent') AS sent,
       status_count(m, 'delivered') AS delivered,
       status_count(m, 'opened') AS opened,
       status_count(m, 'converted') AS converted,
       status_count(m, 'failed') AS failed,
       status_count(m, 'bounced') AS bounced,
       status_count(m, 'expired') AS expired,
       pending(m) AS pending,
       error_rate(m) AS error_rate,
       d AS summary
FROM (
	SELECT app_id, campaign_id, delivery_summary(m) AS m, delivery_summary(d) AS d
	FROM (
		SELECT k.app_id, k.campaign_id, k.messages AS m, k.devices AS d
		FROM push_actions_internal.kept_campaigns k
		WHERE total(k.devices) > 0
		UNION ALL
		SELECT r.app_id, r.campaign_id, delivery_summary(r.messages), delivery_summary(r.summary)
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
       CASE WHEN a.status = ANY (push_actions_internal.statuses('error')) THEN 1 ELSE 0 END AS error,
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

-- The daily roll-ups in plain types, for BI tools: per app, campaign, platform
-- and day, devices (actions) and messages per status, and both error rates.
CREATE VIEW push_actions.daily_overview AS
SELECT app_id, campaign_id, platform, day,
       total(summary) AS devices,
       status_count(summary, 'sent') AS devices_sent,
       status_count(summary, 'delivered') AS devices_delivered,
       status_count(summary, 'opened') AS devices_opened,
       status_count(summary, 'converted') AS devices_converted,
       status_count(summary, 'failed') AS devices_failed,
       status_count(summary, 'bounced') AS devices_bounced,
       status_count(summary, 'expired') AS devices_expired,
       pending(summary) AS devices_pending,
       error_rate(summary) AS device_error_rate,
       total(messages) AS messages,
       status_count(messages, 'sent') AS sent,
       status_count(messages, 'delivered') AS delivered,
       status_count(messages, 'opened') AS opened,
       status_count(messages, 'converted') AS converted,
       status_count(messages, 'failed') AS failed,
       status_count(messages, 'bounced') AS bounced,
       status_count(messages, 'expired') AS expired,
       pending(messages) AS pending,
       error_rate(messages) AS error_rate,
       summary,
       messages AS messages_summary
FROM push_actions.daily_rollups;
COMMENT ON VIEW push_actions.daily_overview IS
	'per app, campaign, platform and day of the folded actions: devices and messages per status and their error rates, in plain types';
