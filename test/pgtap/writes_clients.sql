-- Every client as it binds: pgjdbc's setString binds varchar, other drivers
-- text, and node-pg sends a JS array as a PostgreSQL array literal of JSON
-- texts.  The calls a backend makes take each of them as it takes jsonb.
-- (test/t/release_client_drivers.pl calls them through the real drivers.)
BEGIN;
SET search_path = push_actions, public;
SELECT plan(9);

CREATE TEMP TABLE app AS SELECT * FROM create_app('Bound app');
SELECT app_id AS app, apptoken AS token FROM app \gset
SELECT create_push(:app, '{"message":"as varchar"}'::varchar,
	'[{"device_id":1,"token":"t1","platform":"ios"},{"device_id":2,"token":"t2","platform":"android"}]'::varchar, 7::bigint) AS p1 \gset
SELECT is((SELECT count(*)::int FROM actions WHERE push_id = :'p1'), 2, 'create_push takes payload and devices bound as varchar');
SELECT create_push(:app, '{"message":"as text"}'::text, '{"{\"device_id\":3,\"token\":\"t3\",\"platform\":\"web\"}","{\"device_id\":4,\"token\":\"t4\",\"platform\":\"web\"}"}'::text) AS p2 \gset
SELECT results_eq(format('SELECT device_id::int, device_token FROM actions WHERE push_id = %L ORDER BY action_id', :'p2'),
	$$VALUES (3, 't3'), (4, 't4')$$, 'and devices as node-pg sends a JS array, in order');
SELECT is(add_push_devices(:app, :'p1', '[{"device_id":5,"token":"t5","platform":"ios"}]'::varchar), 1::bigint,
	'add_push_devices takes devices bound as varchar');
SELECT throws_ok(format($$SELECT create_push(%s, '{}'::text, 'not json'::text)$$, :app), '22P02',
	'devices must be a JSON array, as text or as an array of JSON texts', 'devices that are neither are refused as bad text');
SELECT throws_ok(format($$SELECT create_push(%s, '{}'::text, '{"device_id":1}'::text)$$, :app), '22023',
	'devices must be a non-empty JSON array', 'a JSON object is JSON, refused as create_push refuses it');
SELECT is(list_push_devices(jsonb_build_object('apptoken', :'token', 'select', jsonb_build_array('device_id'), 'order', 'device_id')::text::varchar),
	list_push_devices(jsonb_build_object('apptoken', :'token', 'select', jsonb_build_array('device_id'), 'order', 'device_id')),
	'list_push_devices answers a body bound as varchar as it answers jsonb');
SELECT is(list_push_devices('{"apptoken": "x", '::varchar), '{"code": 400, "success": false, "message": "request must be a JSON object"}'::jsonb,
	'a body that is not JSON is answered 400, not with an SQL error');
SELECT is(list_push_devices('{"apptoken": "\u0000"}'::text) ->> 'code', '400', 'nor is text jsonb refuses');
SELECT is((push_info(:'p1'::varchar, :'token'::varchar) -> 'push' ->> 'pending_count'), '1', 'push_info takes varchar ids and keys');

SELECT * FROM finish();
ROLLBACK;
