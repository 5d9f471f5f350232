-- campaign_overview of one campaign (pgbench; the driver sets the app and campaign)
SELECT app_id, campaign_id, messages, sent, delivered, opened, converted, failed, bounced, expired, pending
FROM push_actions.campaign_overview WHERE app_id = :app AND campaign_id = :campaign;
