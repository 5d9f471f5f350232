-- Every operator on every column type it applies to, and select / order /
-- limit / offset together; pagination covers a campaign exactly once.
SET search_path = push_actions, public;
BEGIN;
\i test/data/seed_245624.sql
\i test/data/multi_device.sql

-- The device_ids a condition list selects for app 1 (ordered by device_id, action_id).
CREATE FUNCTION pg_temp.devices(conditions text) RETURNS text LANGUAGE sql AS $$
	SELECT coalesce(r ->> 'message', (SELECT string_agg(d ->> 'device_id', ',') FROM jsonb_array_elements(r -> 'data') d))
	FROM (SELECT list_push_devices(('{"apptoken":"YOUR_APPTOKEN","limit":1000,"order":["device_id","action_id"],'
	                                 || '"select":["device_id"],"condition":' || conditions || '}')::jsonb) AS r) x
$$;

CREATE TEMP TABLE cases (n serial, conditions text);
INSERT INTO cases (conditions) VALUES
	-- integers
	('[["campaign_id","=",777]]'), ('[["campaign_id","!=",245624]]'), ('[["campaign_id","<>",245624]]'),
	('[["device_id","<",3941949]]'), ('[["device_id","<=",3941949]]'), ('[["device_id",">",17186392]]'),
	('[["device_id",">=",17186392]]'), ('[["device_id","in",[101,402,7039393]]]'),
	('[["campaign_id","=",777],["device_id","not in",[101,102,103,201,202]]]'),
	('[["device_id","between",[300,402]]]'), ('[["attempts","=",10]]'), ('[["attempts",">",2],["attempts","<",10]]'),
	('[["campaign_id","is null"]]'), ('[["campaign_id","is not null",null],["device_id","<",200]]'),
	('[["action_id","in",[21714179,8958858]]]'),
	-- text
	('[["platform","=","electron"]]'), ('[["platform","!=","android"],["campaign_id","=",777]]'),
	('[["platform","<","electron"],["campaign_id","=",777]]'), ('[["platform",">=","web"]]'),
	('[["platform","in",["web","electron"]]]'), ('[["platform","not in",["android","ios"]]]'),
	('[["platform","between",["electron","ios"]],["campaign_id","=",777]]'),
	('[["error_message","like","%Uninstalled"]]'), ('[["error_message","LIKE","Not %"]]'),
	('[["device_token","like","tok-1__"]]'), ('[["profile_id","is null"]]'),
	('[["profile_id","is not null"],["campaign_id","=",777],["device_id",">",200]]'),
	('[["push_id","=","b0000000000000000000000b"]]'), ('[["channel","=","push"],["device_id","<",200]]'),
	('[["message","=","Last day"]]'), ('[["message","like","Spring%"],["device_id","<",200]]'), ('[["message","is null"],["campaign_id","=",777]]'),
	-- times (Unix seconds)
	('[["create_time","<",1467728400]]'), ('[["create_time","=",1485883608]]'),
	('[["create_time","between",[1474450109,1474649200]]]'), ('[["create_time",">=",1772359200],["device_id","<",200]]'),
	('[["create_time","in",[1480674210,1467728373]]]'), ('[["update_time",">",1485883608]]'),
	('[["update_time","not in",[1485883608]],["device_id",">",17186390]]'),
	-- status (lifecycle order)
	('[["status","=","opened"]]'), ('[["status","=","OPENED"]]'), ('[["status",">","converted"],["campaign_id","=",777]]'),
	('[["status","<","delivered"]]'), ('[["status","in",["converted","delivered"]]]'),
	('[["status","not in",["failed","bounced","sent"]],["campaign_id","=",777]]'),
	('[["status","between",["sent","opened"]]]'), ('[["status","is null"]]'),
	-- error (0/1, true/false)
	('[["error","=",1],["campaign_id","=",777]]'), ('[["error","=",true],["campaign_id","=",777]]'),
	('[["error","=",0],["campaign_id","=",777]]'), ('[["error","!=",1],["campaign_id","=",777]]'),
	('[["error","in",[0,1]],["campaign_id","=",777]]'), ('[["error","not in",[0,1]]]'),
	('[["error",">",0],["campaign_id","=",777]]'), ('[["error","is not null"],["device_id","<",200]]'),
	('[["error","is null"]]'), ('[["error","between",[0,0]],["campaign_id","=",777]]'),
	-- operators in any case, no conditions
	('[["device_id","IN",[101]],["platform","NOT IN",["web"]]]'), ('[["device_id","Between",[101,102]]]'), ('[]');
SELECT n, conditions, pg_temp.devices(conditions) AS device_ids FROM cases ORDER BY n;

-- the same filters in plain SQL over the push_devices view give the same devices
SELECT pg_temp.devices('[["status","in",["converted","delivered"]]]')
     = (SELECT string_agg(device_id::text, ',' ORDER BY device_id, action_id) FROM push_devices
        WHERE app_id = 1 AND status IN ('converted', 'delivered')) AS matches_view;

-- select, order, limit, offset together
SELECT list_push_devices('{"apptoken":"YOUR_APPTOKEN","select":["platform","device_id","status","error"],
	"order":["platform ASC","device_id desc"],"condition":[["campaign_id","=",777]],"limit":4,"offset":2}') -> 'data';
SELECT list_push_devices('{"apptoken":"YOUR_APPTOKEN","select":["create_time","action_id"],"order":"create_time","limit":2}') -> 'data';
SELECT list_push_devices('{"apptoken":"YOUR_APPTOKEN","select":["message","push_id"],"order":["message DESC"],
	"condition":[["message","is not null"]],"limit":3}') -> 'data';
SELECT list_push_devices('{"apptoken":"YOUR_APPTOKEN","select":["status"],"order":["status desc"],"limit":3,"offset":0}') -> 'data';
SELECT list_push_devices('{"apptoken":"YOUR_APPTOKEN","offset":1000000}');

-- pagination: pages of 3 over a campaign, ordered by a non-unique key, cover it exactly once
CREATE TEMP TABLE pages AS
SELECT p, (d ->> 'action_id')::bigint AS action_id
FROM generate_series(0, 8) p,
     LATERAL jsonb_array_elements(list_push_devices(jsonb_build_object(
        'apptoken', 'YOUR_APPTOKEN', 'select', jsonb_build_array('action_id'),
        'order', jsonb_build_array('platform'), 'condition', '[["campaign_id","in",[777,245624]]]'::jsonb,
        'limit', 3, 'offset', p * 3)) -> 'data') d;
SELECT count(*) AS rows_paged, count(DISTINCT action_id) AS distinct_rows,
       (SELECT count(*) FROM actions WHERE app_id = 1 AND campaign_id IN (777, 245624)) AS campaign_rows
FROM pages;
-- "campaign_id in [...]" ordered by action_id alone is compiled to one branch per
-- campaign, merged; an extra sort key turns that off.  Both must give the same pages.
CREATE FUNCTION pg_temp.page(conditions text, lim int, off int, merged boolean) RETURNS jsonb LANGUAGE sql AS $$
	SELECT list_push_devices(('{"apptoken":"YOUR_APPTOKEN","limit":' || lim || ',"offset":' || off
	       || ',"order":' || CASE WHEN merged THEN '["action_id DESC"]' ELSE '["action_id DESC","device_id"]' END
	       || ',"condition":' || conditions || '}')::jsonb)
$$;
SELECT count(*) AS compared,
       count(*) FILTER (WHERE pg_temp.page(c, l, o, true) = pg_temp.page(c, l, o, false)) AS same,
       count(*) FILTER (WHERE jsonb_array_length(pg_temp.page(c, l, o, true) -> 'data') > 0) AS non_empty
FROM unnest(ARRAY['[["campaign_id","in",[777,245624]]]',
                  '[["campaign_id","in",[245624,777,245624,777]]]',
                  '[["campaign_id","in",[777,245624,5]],["error","=",1]]',
                  '[["campaign_id","in",[777,245624]],["platform","=","android"],["status","in",["failed","bounced","opened"]]]',
                  '[["campaign_id","in",[777,245624]],["message","like","%a%"]]',
                  '[["campaign_id","in",[777,245624]],["campaign_id","in",[777]]]']) c,
     (VALUES (1, 0), (3, 0), (3, 3), (5, 7), (50, 0), (2, 20)) AS lo(l, o);
SELECT list_push_devices('{"apptoken":"YOUR_APPTOKEN","select":["device_id","campaign_id","status"],"limit":4,"offset":2,
	"condition":[["campaign_id","in",[245624,777,245624]]]}') -> 'data' AS merged_page;
-- the largest offset, merged or not, is an empty page, not an error
SELECT list_push_devices('{"apptoken":"YOUR_APPTOKEN","offset":9223372036854775807,"condition":[["campaign_id","in",[777,245624]]]}') AS merged,
       list_push_devices('{"apptoken":"YOUR_APPTOKEN","offset":9223372036854775807}') AS unmerged;
-- another app's campaign of the same id stays out of the merged form too
SELECT jsonb_array_length(list_push_devices('{"apptoken":"OTHER_APPTOKEN","condition":[["campaign_id","in",[245624,777]]]}') -> 'data') AS other_app_rows;

-- a request object limit of 1000 returns 1000 rows when there are more
-- synthetic rows, not reachable through the API (sent with 0 attempts): loaded as the owner's repair
SET push_actions.unchecked_writes = on;
INSERT INTO actions (app_id, campaign_id, device_id, platform, status)
SELECT 1, 888, i, 'web', 'sent' FROM generate_series(1, 1200) i;
RESET push_actions.unchecked_writes;
SELECT jsonb_array_length(list_push_devices('{"apptoken":"YOUR_APPTOKEN","condition":[["campaign_id","=",888]],"limit":1000}') -> 'data') AS max_page,
       jsonb_array_length(list_push_devices('{"apptoken":"YOUR_APPTOKEN","condition":[["campaign_id","=",888]]}') -> 'data') AS default_page,
       jsonb_array_length(list_push_devices('{"apptoken":"YOUR_APPTOKEN","condition":[["campaign_id","=",888]],"limit":1000,"offset":1000}') -> 'data') AS last_page;
-- times are Unix seconds rounded down, also before 2000 (PostgreSQL's epoch) with a fraction
UPDATE actions SET create_time = '1999-12-31 23:59:59.5+00' WHERE action_id = 1250085;
SELECT list_push_devices('{"apptoken":"YOUR_APPTOKEN","condition":[["action_id","=",1250085]],"select":["create_time"]}') -> 'data' AS before_2000;
ROLLBACK;
