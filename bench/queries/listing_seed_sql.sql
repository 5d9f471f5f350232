-- the same answer written by hand
\set c random(1001, 1100)
\set lim 50
\set off 0
SELECT jsonb_build_object('code', 200, 'success', true, 'data', coalesce(jsonb_agg(jsonb_build_object(
	'campaign_id', campaign_id, 'action_id', action_id, 'create_time', floor(extract(epoch FROM create_time))::bigint,
	'device_id', device_id, 'error_message', error_message) ORDER BY action_id DESC), '[]'))
FROM (SELECT campaign_id, action_id, create_time, device_id, error_message FROM push_actions.actions
      WHERE app_id = (SELECT app_id FROM push_actions.apps WHERE token_hash = sha256(convert_to('BENCH_TOKEN_1', 'UTF8')))
        AND campaign_id = :c AND status IN ('failed', 'bounced')
      ORDER BY action_id DESC LIMIT :lim OFFSET :off) s;
