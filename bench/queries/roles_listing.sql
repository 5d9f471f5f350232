-- list_push_devices with the documentation's request, on a random campaign of app 1, as @role@ (pgbench)
\set c random(1001, 1100)
SET ROLE @role@;
SELECT push_actions.list_push_devices(('{"apptoken":"BENCH_TOKEN_1","condition":[["campaign_id","=",' || :c || '],["error","=",1]],"limit":50,"offset":0,"select":["campaign_id","action_id","create_time","device_id","error_message"]}')::jsonb);
RESET ROLE;
