-- the same answer written by hand
\set c random(1001, 1010)
\set lim 100
SELECT jsonb_build_object('code', 200, 'success', true, 'data', coalesce(jsonb_agg(jsonb_build_object(
	'action_id', action_id, 'device_id', device_id, 'status', status::text, 'error_message', error_message,
	'create_time', floor(extract(epoch FROM create_time))::bigint) ORDER BY action_id DESC), '[]'))
FROM (SELECT action_id, device_id, status, error_message, create_time FROM push_actions.actions
      WHERE app_id = (SELECT app_id FROM push_actions.apps WHERE token_hash = sha256(convert_to('BENCH_TOKEN_1', 'UTF8')))
        AND campaign_id = ANY (ARRAY[:c, :c + 1, :c + 2]::bigint[]) AND platform = 'android'
        AND status = ANY ('{failed,bounced}'::push_actions.push_status[]) AND create_time > to_timestamp(:since)
      ORDER BY action_id DESC LIMIT :lim) s;
