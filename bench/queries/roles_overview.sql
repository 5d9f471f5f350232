-- campaign_overview of one campaign as @role@ (pgbench; bench/roles.sh names the role and sets the app and campaign)
SET ROLE @role@;
SELECT app_id, campaign_id, messages, sent, delivered, opened, converted, failed, bounced, expired, pending
FROM push_actions.campaign_overview WHERE app_id = :app AND campaign_id = :campaign;
RESET ROLE;
