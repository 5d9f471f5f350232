-- the same answer grouped from the live actions: per hour of each status
-- reached, counts, and the latency quantiles of the sent (from creation to
-- the last write, which the actions keep)
SELECT date_bin('1 hour', a.updated_at, '2000-01-01 00:00:00+00') AS hour,
       count(*) FILTER (WHERE a.status = 'sent') AS sent, count(*) FILTER (WHERE a.status = 'delivered') AS delivered,
       count(*) FILTER (WHERE a.status = 'opened') AS opened, count(*) FILTER (WHERE a.status = 'failed') AS failed,
       count(*) FILTER (WHERE a.status = 'bounced') AS bounced,
       percentile_disc(ARRAY[0.5, 0.9, 0.99]) WITHIN GROUP (ORDER BY a.updated_at - a.create_time)
         FILTER (WHERE a.status = ANY (push_actions_internal.statuses('success'))) AS latency
FROM push_actions.actions a
WHERE a.app_id = 1 AND a.campaign_id = 1001 AND a.updated_at >= now() - interval '30 days'
GROUP BY 1 ORDER BY 1;
