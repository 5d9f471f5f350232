-- ours per campaign
SELECT app_id, campaign_id, delivery_summary(status, attempts) FROM actions GROUP BY 1, 2
