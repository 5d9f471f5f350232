-- the same answer written by hand
SELECT jsonb_build_object('push', jsonb_build_object('date', extract(epoch FROM date_trunc('second', p.created_at))::bigint,
	'payload', p.payload, 'expiration', extract(epoch FROM date_trunc('second', p.expires_at))::bigint,
	'pending_devices', CASE WHEN p.expires_at <= now() THEN '[]' ELSE coalesce((SELECT jsonb_agg(t.device_token ORDER BY t.action_id) FROM (
		SELECT a.device_token, a.action_id FROM push_actions.actions a WHERE a.app_id = p.app_id AND a.push_id = p.push_id
		AND a.status IN ('attempted', 'sent') AND a.platform IN ('android', 'electron') AND a.device_token IS NOT NULL
		ORDER BY a.action_id LIMIT 1000) t), '[]') END,
	'pending_count', CASE WHEN p.expires_at <= now() THEN 0 ELSE (SELECT count(*) FROM push_actions.actions a WHERE a.app_id = p.app_id AND a.push_id = p.push_id
		AND a.status IN ('attempted', 'sent') AND a.platform IN ('android', 'electron') AND a.device_token IS NOT NULL) END))
FROM push_actions.pushes p
WHERE p.app_id = (SELECT app_id FROM push_actions.apps WHERE token_hash = sha256(convert_to(:token, 'UTF8')))
  AND p.push_id = :id;
