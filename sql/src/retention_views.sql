-- The daily roll-ups in plain types, for BI tools: per app, campaign, platform
-- and day, devices (actions) and messages per status, and both error rates.
CREATE OR REPLACE VIEW push_actions.daily_overview WITH (security_barrier) AS
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
FROM push_actions.daily_rollups
WHERE push_actions_internal.app_visible(app_id);
COMMENT ON VIEW push_actions.daily_overview IS
	'per app, campaign, platform and day of the folded actions: devices and messages per status and their error rates, in plain types';
