-- The listing's order over several campaigns: "campaign_id in [...]" ordered
-- by action_id DESC alone is compiled to one scan per campaign, merged; any
-- other order goes the general way.  Both orders come back as asked.
BEGIN;
SET search_path = push_actions, public;
SELECT plan(3);

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

SELECT * FROM finish();
ROLLBACK;
