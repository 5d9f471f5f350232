-- the column floor per campaign
SELECT app_id, campaign_id, count(attempts) FROM actions GROUP BY 1, 2
