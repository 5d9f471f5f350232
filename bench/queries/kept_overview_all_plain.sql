-- the same numbers in plain SQL: every message regrouped from its actions
-- (the roll-up rule as CASE over bool_or), then counted per campaign, plus
-- the folded messages of daily_rollups
SELECT app_id, campaign_id, sum(messages) AS messages, sum(sent) AS sent, sum(delivered) AS delivered,
       sum(opened) AS opened, sum(converted) AS converted, sum(failed) AS failed, sum(bounced) AS bounced,
       sum(expired) AS expired, sum(pending) AS pending
FROM (
	SELECT app_id, campaign_id, count(*) AS messages,
	       count(*) FILTER (WHERE r = 'sent') AS sent, count(*) FILTER (WHERE r = 'delivered') AS delivered,
	       count(*) FILTER (WHERE r = 'opened') AS opened, count(*) FILTER (WHERE r = 'converted') AS converted,
	       count(*) FILTER (WHERE r = 'failed') AS failed, count(*) FILTER (WHERE r = 'bounced') AS bounced,
	       count(*) FILTER (WHERE r = 'expired') AS expired, count(*) FILTER (WHERE r IN ('scheduled', 'attempted')) AS pending
	FROM (
		SELECT app_id, campaign_id,
		       CASE WHEN bool_or(status = 'converted') THEN 'converted'
		            WHEN bool_or(status IN ('scheduled', 'attempted'))
		              THEN CASE WHEN bool_and(status = 'scheduled') THEN 'scheduled' ELSE 'attempted' END
		            WHEN bool_or(status = 'opened') THEN 'opened' WHEN bool_or(status = 'delivered') THEN 'delivered'
		            WHEN bool_or(status = 'sent') THEN 'sent' WHEN bool_and(status = 'expired') THEN 'expired'
		            WHEN bool_and(status IN ('bounced', 'expired')) THEN 'bounced' ELSE 'failed' END AS r
		FROM push_actions.actions
		WHERE true /* campaign */
		GROUP BY app_id, push_id, campaign_id, profile_id,
		         CASE WHEN profile_id IS NULL THEN device_id END, CASE WHEN push_id IS NULL THEN action_id END
	) m
	GROUP BY 1, 2
	UNION ALL
	SELECT app_id, campaign_id, sum(total(messages)), sum(status_count(messages, 'sent')),
	       sum(status_count(messages, 'delivered')), sum(status_count(messages, 'opened')),
	       sum(status_count(messages, 'converted')), sum(status_count(messages, 'failed')),
	       sum(status_count(messages, 'bounced')), sum(status_count(messages, 'expired')), sum(pending(messages))
	FROM push_actions.daily_rollups
	WHERE true /* campaign */
	GROUP BY 1, 2
) p
GROUP BY 1, 2
