-- the scan floor per campaign
SELECT app_id, campaign_id, count(*) FROM actions GROUP BY 1, 2
