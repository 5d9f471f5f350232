-- the same page read from the kept table by its index, without the call (pgbench)
SELECT count(*) FROM (
	SELECT t.platform, t.device_token, t.dead_since, t.dead_reason, t.last_error_code, t.last_failure_at
	FROM push_actions_internal.device_tokens t
	WHERE t.app_id = 1 AND t.dead_since IS NOT NULL
	  AND (t.dead_since, t.platform, t.device_token) > (:from_time::timestamptz, :from_platform COLLATE "C", :from_token COLLATE "C")
	ORDER BY t.dead_since, t.platform, t.device_token LIMIT 1000) p;
