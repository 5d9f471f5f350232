-- Every malformed push-devices request gets a 400 (or 401) answer naming the
-- offending part, never an SQL error.
SET search_path = push_actions, public;
BEGIN;
\i test/data/seed_245624.sql
CREATE TEMP TABLE bad (n serial, request text);
INSERT INTO bad (request) VALUES
	-- not an object, no token, bad token
	('[]'), ('"YOUR_APPTOKEN"'), ('42'), ('null'), ('{}'),
	('{"apptoken":null}'), ('{"apptoken":42}'), ('{"apptoken":["YOUR_APPTOKEN"]}'),
	('{"apptoken":"nope"}'), ('{"apptoken":""}'), ('{"apptoken":"nope","limit":0}'),
	-- unknown keys
	('{"apptoken":"YOUR_APPTOKEN","limits":5}'), ('{"apptoken":"YOUR_APPTOKEN","Condition":[]}'),
	-- condition shape
	('{"apptoken":"YOUR_APPTOKEN","condition":{"campaign_id":1}}'),
	('{"apptoken":"YOUR_APPTOKEN","condition":"campaign_id = 1"}'),
	('{"apptoken":"YOUR_APPTOKEN","condition":[1]}'),
	('{"apptoken":"YOUR_APPTOKEN","condition":[["campaign_id"]]}'),
	('{"apptoken":"YOUR_APPTOKEN","condition":[["campaign_id","=",1,2]]}'),
	('{"apptoken":"YOUR_APPTOKEN","condition":[[["campaign_id"],"=",1]]}'),
	('{"apptoken":"YOUR_APPTOKEN","condition":[["campaign_id","=",245624],["errorr","=",1]]}'),
	('{"apptoken":"YOUR_APPTOKEN","condition":[["Campaign_ID","=",1]]}'),
	('{"apptoken":"YOUR_APPTOKEN","condition":[["campaign_id; DROP TABLE push_actions.actions","=",1]]}'),
	('{"apptoken":"YOUR_APPTOKEN","condition":[["campaign_id",1,1]]}'),
	('{"apptoken":"YOUR_APPTOKEN","condition":[["campaign_id","==",1]]}'),
	('{"apptoken":"YOUR_APPTOKEN","condition":[["campaign_id","= 1 OR true --",1]]}'),
	('{"apptoken":"YOUR_APPTOKEN","condition":[["campaign_id","=",null]]}'),
	('{"apptoken":"YOUR_APPTOKEN","condition":[["campaign_id","="]]}'),
	-- value types
	('{"apptoken":"YOUR_APPTOKEN","condition":[["campaign_id","=","245624"]]}'),
	('{"apptoken":"YOUR_APPTOKEN","condition":[["campaign_id","=",1.5]]}'),
	('{"apptoken":"YOUR_APPTOKEN","condition":[["campaign_id","=",99999999999999999999]]}'),
	('{"apptoken":"YOUR_APPTOKEN","condition":[["campaign_id","=",[1]]]}'),
	('{"apptoken":"YOUR_APPTOKEN","condition":[["device_id","=",true]]}'),
	('{"apptoken":"YOUR_APPTOKEN","condition":[["platform","=",1]]}'),
	('{"apptoken":"YOUR_APPTOKEN","condition":[["error_message","=",{"a":1}]]}'),
	('{"apptoken":"YOUR_APPTOKEN","condition":[["create_time",">","2017-01-01"]]}'),
	('{"apptoken":"YOUR_APPTOKEN","condition":[["create_time",">",1e20]]}'),
	('{"apptoken":"YOUR_APPTOKEN","condition":[["update_time","<",253402300800]]}'),
	('{"apptoken":"YOUR_APPTOKEN","condition":[["status","=","sending"]]}'),
	('{"apptoken":"YOUR_APPTOKEN","condition":[["status","=",3]]}'),
	('{"apptoken":"YOUR_APPTOKEN","condition":[["error","=",2]]}'),
	('{"apptoken":"YOUR_APPTOKEN","condition":[["error","=","1"]]}'),
	-- in / not in / between / like
	('{"apptoken":"YOUR_APPTOKEN","condition":[["campaign_id","in",245624]]}'),
	('{"apptoken":"YOUR_APPTOKEN","condition":[["campaign_id","in",[]]]}'),
	('{"apptoken":"YOUR_APPTOKEN","condition":[["campaign_id","not in",[1,"2"]]]}'),
	('{"apptoken":"YOUR_APPTOKEN","condition":[["status","in",["sent","sending"]]]}'),
	('{"apptoken":"YOUR_APPTOKEN","condition":[["campaign_id","between",[1]]]}'),
	('{"apptoken":"YOUR_APPTOKEN","condition":[["campaign_id","between",[1,2,3]]]}'),
	('{"apptoken":"YOUR_APPTOKEN","condition":[["campaign_id","between",5]]}'),
	('{"apptoken":"YOUR_APPTOKEN","condition":[["campaign_id","like","24%"]]}'),
	('{"apptoken":"YOUR_APPTOKEN","condition":[["status","like","fail%"]]}'),
	('{"apptoken":"YOUR_APPTOKEN","condition":[["error_message","like",5]]}'),
	('{"apptoken":"YOUR_APPTOKEN","condition":[["error_message","like","Not\\"]]}'),
	-- select
	('{"apptoken":"YOUR_APPTOKEN","select":[]}'), ('{"apptoken":"YOUR_APPTOKEN","select":"action_id"}'),
	('{"apptoken":"YOUR_APPTOKEN","select":["action_id",5]}'),
	('{"apptoken":"YOUR_APPTOKEN","select":["action_id","password"]}'),
	('{"apptoken":"YOUR_APPTOKEN","select":["action_id","device_id","action_id"]}'),
	('{"apptoken":"YOUR_APPTOKEN","select":["a.app_id"]}'),
	-- order
	('{"apptoken":"YOUR_APPTOKEN","order":[]}'), ('{"apptoken":"YOUR_APPTOKEN","order":5}'),
	('{"apptoken":"YOUR_APPTOKEN","order":["create_time DOWN"]}'),
	('{"apptoken":"YOUR_APPTOKEN","order":["create_time DESC NULLS LAST"]}'),
	('{"apptoken":"YOUR_APPTOKEN","order":["random()"]}'),
	('{"apptoken":"YOUR_APPTOKEN","order":["device_id","device_id DESC"]}'),
	('{"apptoken":"YOUR_APPTOKEN","order":[["device_id"]]}'),
	-- limit and offset
	('{"apptoken":"YOUR_APPTOKEN","limit":0}'), ('{"apptoken":"YOUR_APPTOKEN","limit":1001}'),
	('{"apptoken":"YOUR_APPTOKEN","limit":-1}'), ('{"apptoken":"YOUR_APPTOKEN","limit":"50"}'),
	('{"apptoken":"YOUR_APPTOKEN","limit":2.5}'), ('{"apptoken":"YOUR_APPTOKEN","limit":null}'),
	('{"apptoken":"YOUR_APPTOKEN","offset":-1}'), ('{"apptoken":"YOUR_APPTOKEN","offset":"0"}'),
	('{"apptoken":"YOUR_APPTOKEN","offset":1.5}'),
	-- a second before 0001-01-01, the first moment a time may name
	('{"apptoken":"YOUR_APPTOKEN","condition":[["create_time",">=",-62135596801]]}'),
	-- operators of other JSON types than a number
	('{"apptoken":"YOUR_APPTOKEN","condition":[["campaign_id",true,1]]}'),
	('{"apptoken":"YOUR_APPTOKEN","condition":[["campaign_id",null,1]]}'),
	-- a pattern that is one backslash
	('{"apptoken":"YOUR_APPTOKEN","condition":[["error_message","like","\\"]]}'),
	-- an order that is empty or only spaces names no column
	('{"apptoken":"YOUR_APPTOKEN","order":[""]}'), ('{"apptoken":"YOUR_APPTOKEN","order":["   "]}');
SELECT n, r ->> 'code' AS code, r ->> 'success' AS success, r ->> 'message' AS message
FROM bad, LATERAL (SELECT list_push_devices(request::jsonb) AS r) x ORDER BY n;
SELECT count(*) AS bad_requests FROM bad;

-- the first and the last second a time may name are taken
SELECT list_push_devices('{"apptoken":"YOUR_APPTOKEN","condition":[["create_time",">=",-62135596800],["update_time","<=",253402300799]],"limit":1}') ->> 'code' AS code;

-- NULL, huge and deep inputs answer with JSON too
SELECT list_push_devices(NULL);
SELECT list_push_devices(jsonb_build_object('apptoken', 'YOUR_APPTOKEN',
	'condition', (SELECT jsonb_agg(jsonb_build_array('campaign_id', '=', i)) FROM generate_series(1, 10000) i)));
SELECT list_push_devices(jsonb_build_object('apptoken', 'YOUR_APPTOKEN',
	'condition', jsonb_build_array(jsonb_build_array('campaign_id', 'in', (SELECT jsonb_agg(i) FROM generate_series(1, 1001) i))))) ->> 'message';
SELECT jsonb_array_length(list_push_devices(jsonb_build_object('apptoken', 'YOUR_APPTOKEN',
	'condition', jsonb_build_array(jsonb_build_array('campaign_id', 'in', (SELECT jsonb_agg(i) FROM generate_series(245000, 245999) i))))) -> 'data') AS in_1000_values;
SELECT list_push_devices(jsonb_build_object('apptoken', 'YOUR_APPTOKEN',
	'condition', jsonb_build_array(jsonb_build_array(repeat('x', 1000000), '=', 1)))) ->> 'message';
SELECT list_push_devices(jsonb_build_object('apptoken', 'YOUR_APPTOKEN',
	'condition', jsonb_build_array(jsonb_build_array('error_message', '=', repeat('y', 1000000))))) ->> 'code';
SELECT list_push_devices(jsonb_build_object('apptoken', repeat('z', 1000000))) ->> 'message';
SELECT list_push_devices(('{"apptoken":"YOUR_APPTOKEN","condition":' || repeat('[', 5000) || repeat(']', 5000) || '}')::jsonb) ->> 'message';
SELECT list_push_devices('{"apptoken":"YOUR_APPTOKEN","condition":[["condition","=",1]],"select":["action_id"]}') ->> 'message';
-- the request text never reaches SQL: the actions table is still there
SELECT count(*) > 0 AS actions_intact FROM actions;

-- A query that no longer compiles (here: a column renamed under it) is an SQL
-- error, not a 400, and leaves the backend's saved plans as they were: once
-- the column is back, the same request shape is prepared again and answers.
SAVEPOINT renamed;
ALTER TABLE actions RENAME COLUMN error_message TO error_text;
\set VERBOSITY terse
SELECT list_push_devices('{"apptoken":"YOUR_APPTOKEN","select":["action_id","error_message"],"condition":[["error","=",1]],"limit":1}');
\set VERBOSITY default
ROLLBACK TO renamed;
SELECT list_push_devices('{"apptoken":"YOUR_APPTOKEN","select":["action_id","error_message"],"condition":[["error","=",1]],"limit":1}') -> 'data' AS after_rename;

-- explain_push_devices raises for what list_push_devices answers with 400/401
\set VERBOSITY default
\set ON_ERROR_ROLLBACK on
SELECT * FROM explain_push_devices('{"apptoken":"YOUR_APPTOKEN","limit":0}');
SELECT * FROM explain_push_devices('{"apptoken":"nope"}');
ROLLBACK;
