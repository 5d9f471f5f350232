-- The listing's order over several campaigns: "campaign_id in [...]" ordered
-- by action_id DESC alone is compiled to one scan per campaign, merged; any
-- other order goes the general way.  Both orders come back as asked.
BEGIN;
SET search_path = push_actions, public;
SELECT plan(6);

SELECT app_id AS a, apptoken AS k FROM create_app('listing order') \gset
SELECT create_push(:a, '{}', '[{"device_id":1,"token":"m1","platform":"android"},{"device_id":2,"token":"m2","platform":"android"}]', 11) IS NOT NULL AS made;
SELECT create_push(:a, '{}', '[{"device_id":3,"token":"m3","platform":"android"},{"device_id":4,"token":"m4","platform":"android"}]', 12) IS NOT NULL AS made;
CREATE FUNCTION pg_temp.devices(token text, ord text) RETURNS text LANGUAGE sql AS $$
	SELECT string_agg(d ->> 'device_id', ' ' ORDER BY n)
	FROM jsonb_array_elements(list_push_devices(jsonb_build_object('apptoken', token,
		'condition', '[["campaign_id","in",[11,12,11]]]'::jsonb, 'select', '["device_id"]'::jsonb,
		'order', CASE WHEN ord IS NOT NULL THEN jsonb_build_array(ord) END)) -> 'data') WITH ORDINALITY AS x(d, n) $$;

SELECT is(pg_temp.devices(:'k', 'action_id DESC'), '4 3 2 1', 'two campaigns (one named twice) by action_id DESC: merged, newest first, each once');
SELECT is(pg_temp.devices(:'k', 'action_id ASC'), '1 2 3 4', 'by action_id ASC: oldest first');
SELECT is(pg_temp.devices(:'k', 'campaign_id DESC'), '4 3 2 1', 'by campaign_id DESC: campaign 12 first, ties newest first');


-- the error flag as the answer gives it, and explain_push_devices' refusals
SELECT record_attempt(action_id, false, 'InvalidRegistration', true) FROM actions WHERE app_id = :a AND device_id = 1 \g /dev/null
SELECT is(list_push_devices(jsonb_build_object('apptoken', :'k', 'select', '["device_id","error"]'::jsonb,
		'condition', '[["device_id","in",[1,2]]]'::jsonb, 'order', '["device_id ASC"]'::jsonb)) -> 'data',
	'[{"device_id": 1, "error": 1}, {"device_id": 2, "error": 0}]', 'error is 1 for a failed device, 0 otherwise');
SELECT throws_ok($$SELECT * FROM push_actions.explain_push_devices('{"apptoken":"nope"}')$$, '28000', 'invalid apptoken',
	'explain_push_devices refuses a bad token as list_push_devices does (401)');
SELECT throws_ok(format($$SELECT * FROM push_actions.explain_push_devices('{"apptoken":%s,"limit":0}')$$, to_json(:'k'::text)), '22023', NULL,
	'and a bad request (400)');

SELECT * FROM finish();
ROLLBACK;
