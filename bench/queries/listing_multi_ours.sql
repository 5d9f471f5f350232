-- list_push_devices with four conditions (pgbench; the driver sets since)
\set c random(1001, 1010)
SELECT push_actions.list_push_devices(('{"apptoken":"BENCH_TOKEN_1","condition":[["campaign_id","in",[' || :c || ',' || :c + 1 || ',' || :c + 2 || ']],["platform","=","android"],["status","in",["failed","bounced"]],["create_time",">",' || :since || ']],"limit":100,"select":["action_id","device_id","status","error_message","create_time"]}')::jsonb);
