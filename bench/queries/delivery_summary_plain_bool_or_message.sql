-- plain SQL: the roll-up rule as a CASE over bool_or per message
SELECT r, count(*) FROM (
	SELECT push_id, profile_id,
	       CASE WHEN bool_or(status = 'converted') THEN 'converted'
	            WHEN bool_or(status IN ('scheduled', 'attempted'))
	              THEN CASE WHEN bool_and(status = 'scheduled') THEN 'scheduled' ELSE 'attempted' END
	            WHEN bool_or(status = 'opened') THEN 'opened' WHEN bool_or(status = 'delivered') THEN 'delivered'
	            WHEN bool_or(status = 'sent') THEN 'sent' WHEN bool_or(status = 'failed') THEN 'failed'
	            WHEN bool_or(status = 'bounced') THEN 'bounced' ELSE 'expired' END AS r
	FROM actions GROUP BY 1, 2) s
GROUP BY r
