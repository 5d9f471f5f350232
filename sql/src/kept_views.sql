-- The kept roll-ups' views for analysts and BI tools: every chartable column is a plain SQL type.
--
-- Like every view of the extension, they read the tables with their owner's
-- rights and show the caller only the apps it may see (app_visible,
-- apps_roles.sql); security_barrier, so that no function of the caller's
-- query sees a row before that filter has.  A UNION ALL is filtered outside
-- it: the planner flattens a barrier view that is a UNION ALL itself.

-- One row per message: a push to one person (or, without a profile, to one
-- device); an action without a push is a message of its own.  Read from the
-- kept roll-ups (kept_tables.sql), not regrouped from the actions.
CREATE OR REPLACE VIEW push_actions.message_status WITH (security_barrier) AS
SELECT u.app_id, u.push_id, u.campaign_id, u.profile_id, u.device_id, u.action_id,
       u.devices, u.first_attempt_at, u.status, u.summary
FROM (
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
	WHERE a.push_id IS NULL
) u
WHERE push_actions_internal.app_visible(u.app_id);
COMMENT ON VIEW push_actions.message_status IS
	'one row per push and person: devices, first attempt, rolled-up status (text) and the device-level summary';

-- One row per app and campaign: messages per rolled-up status, live (kept in
-- stripes) and folded (daily_rollups).
CREATE OR REPLACE VIEW push_actions.campaign_overview WITH (security_barrier) AS
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
		WHERE total(k.devices) > 0 AND push_actions_internal.app_visible(k.app_id)
		UNION ALL
		SELECT r.app_id, r.campaign_id, delivery_summary(r.messages), delivery_summary(r.summary)
		FROM push_actions.daily_rollups r
		WHERE push_actions_internal.app_visible(r.app_id)
		GROUP BY r.app_id, r.campaign_id
	) parts
	GROUP BY app_id, campaign_id
) c;
COMMENT ON VIEW push_actions.campaign_overview IS
	'per app and campaign: messages by rolled-up status, pending, error rate over messages, and the device-level summary';
