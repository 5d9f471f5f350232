-- the same in plain SQL: the push's actions regrouped per person
SELECT profile_id, CASE WHEN profile_id IS NULL THEN device_id END AS device_id, count(*) AS devices,
       CASE WHEN bool_or(status = 'converted') THEN 'converted'
            WHEN bool_or(status IN ('scheduled', 'attempted'))
              THEN CASE WHEN bool_and(status = 'scheduled') THEN 'scheduled' ELSE 'attempted' END
            WHEN bool_or(status = 'opened') THEN 'opened' WHEN bool_or(status = 'delivered') THEN 'delivered'
            WHEN bool_or(status = 'sent') THEN 'sent' WHEN bool_and(status = 'expired') THEN 'expired'
            WHEN bool_and(status IN ('bounced', 'expired')) THEN 'bounced' ELSE 'failed' END AS status
FROM push_actions.actions WHERE push_id = :push
GROUP BY app_id, push_id, campaign_id, profile_id, 2;
