-- plain SQL: one count FILTER per status and the sum of attempts
SELECT count(*) FILTER (WHERE status = 'scheduled'), count(*) FILTER (WHERE status = 'attempted'),
       count(*) FILTER (WHERE status = 'sent'), count(*) FILTER (WHERE status = 'delivered'),
       count(*) FILTER (WHERE status = 'opened'), count(*) FILTER (WHERE status = 'converted'),
       count(*) FILTER (WHERE status = 'failed'), count(*) FILTER (WHERE status = 'bounced'),
       count(*) FILTER (WHERE status = 'expired'), sum(attempts)
FROM actions
