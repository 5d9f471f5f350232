-- the same answer grouped from the live actions
SELECT date_trunc('day', a.updated_at AT TIME ZONE 'Europe/Berlin') AS day,
       count(*) FILTER (WHERE a.status = 'sent') AS sent, count(*) FILTER (WHERE a.status = 'delivered') AS delivered,
       count(*) FILTER (WHERE a.status = 'opened') AS opened, count(*) FILTER (WHERE a.status = 'failed') AS failed,
       count(*) FILTER (WHERE a.status = 'bounced') AS bounced,
       percentile_disc(ARRAY[0.5, 0.9, 0.99]) WITHIN GROUP (ORDER BY a.updated_at - a.create_time)
         FILTER (WHERE a.status = ANY (push_actions_internal.statuses('success'))) AS latency
FROM push_actions.actions a
WHERE a.app_id = 1 AND a.updated_at >= now() - interval '30 days'
GROUP BY 1 ORDER BY 1;
