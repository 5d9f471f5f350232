-- list_push_devices 10,000 rows deep into the largest campaign (pgbench; the driver sets big)
SELECT push_actions.list_push_devices(('{"apptoken":"BENCH_TOKEN_1","condition":[["campaign_id","=",' || :big || ']],"limit":50,"offset":10000,"select":["action_id","device_id","status"]}')::jsonb);
