-- A listing request's compiled SQL and saved plan stay small whatever its
-- values: 50 campaigns and 99 "status in" lists of 1,000 names each (about
-- 1 MB of request) compile to the same small query as one status would.
SET search_path = push_actions, public;
\set ECHO none
\i test/data/seed_245624.sql
\set ECHO all
CREATE TEMP TABLE big_request AS
SELECT jsonb_build_object(
	'apptoken', 'YOUR_APPTOKEN',
	'select', jsonb_build_array('action_id', 'status'),
	'condition', jsonb_build_array(jsonb_build_array('campaign_id', 'in',
		(SELECT jsonb_agg(c) FROM generate_series(245600, 245649) c)))
	|| (SELECT jsonb_agg(jsonb_build_array('status', 'in',
		(SELECT jsonb_agg((ARRAY['failed', 'bounced', 'FAILED', 'sent'])[1 + i % CASE WHEN j = 50 THEN 3 ELSE 4 END])
		 FROM generate_series(1, 1000) i)))
	    FROM generate_series(1, 99) j)) AS request;
SELECT length(request::text) > 900000 AS about_a_megabyte,
       jsonb_array_length(request -> 'condition') AS conditions FROM big_request;
-- the statuses every list admits: failed and bounced (list 50 lacks sent)
SELECT list_push_devices(request) FROM big_request;
-- the saved plans of the listing: a few hundred KB at most, for any request
SELECT count(*) > 0 AS plans_saved,
       sum(total_bytes) < 1024 * 1024 AS under_a_megabyte
FROM pg_backend_memory_contexts
WHERE name IN ('CachedPlanSource', 'CachedPlanQuery', 'CachedPlan') AND ident LIKE 'SELECT a.action_id, a.status FROM%';
-- the query is the one the same campaigns with error = 1 compile to
SELECT a.line = b.line AS same_plan
FROM (SELECT string_agg(l, E'\n') AS line FROM explain_push_devices((SELECT request FROM big_request)) l) a,
     (SELECT string_agg(l, E'\n') AS line FROM explain_push_devices(jsonb_build_object(
        'apptoken', 'YOUR_APPTOKEN', 'select', jsonb_build_array('action_id', 'status'),
        'condition', jsonb_build_array((SELECT request -> 'condition' -> 0 FROM big_request), '["error", "=", 1]'::jsonb))) l) b;
-- a few campaigns are merged branch by branch, many scanned from one array
SELECT (SELECT count(*) FROM explain_push_devices(
          '{"apptoken":"YOUR_APPTOKEN","condition":[["campaign_id","in",[1,2,3]],["error","=",1]]}') l
        WHERE l ~ 'Merge Append') AS merged_for_3,
       (SELECT count(*) FROM explain_push_devices((SELECT request FROM big_request)) l
        WHERE l ~ 'Function Scan on unnest') AS array_for_50;
-- status and error conditions fold into one set: contradictions answer nothing
SELECT list_push_devices('{"apptoken":"YOUR_APPTOKEN","condition":[["status","=","sent"],["error","=",1]],"select":["action_id"]}');
SELECT jsonb_array_length(list_push_devices('{"apptoken":"YOUR_APPTOKEN","condition":[["status",">=","failed"],["error","!=",0]],"select":["action_id"]}') -> 'data') AS failed_or_bounced;
DELETE FROM actions WHERE app_id IN (1, 2);
DELETE FROM apps WHERE app_id IN (1, 2);
