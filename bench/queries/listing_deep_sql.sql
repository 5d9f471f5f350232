-- the same answer written by hand
\set lim 50
\set off 10000
SELECT jsonb_build_object('code', 200, 'success', true, 'data', coalesce(jsonb_agg(jsonb_build_object(
	'action_id', action_id, 'device_id', device_id, 'status', status::text) ORDER BY action_id DESC), '[]'))
FROM (SELECT action_id, device_id, status FROM push_actions.actions
      WHERE app_id = (SELECT app_id FROM push_actions.apps WHERE token_hash = sha256(convert_to('BENCH_TOKEN_1', 'UTF8')))
        AND campaign_id = :big ORDER BY action_id DESC LIMIT :lim OFFSET :off) s;
