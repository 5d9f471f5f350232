-- campaign_overview over every campaign: read from the kept stripes and daily_rollups
SELECT app_id, campaign_id, messages, sent, delivered, opened, converted, failed, bounced, expired, pending
FROM push_actions.campaign_overview
