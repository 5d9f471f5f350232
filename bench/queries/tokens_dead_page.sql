-- one page of 1,000 dead tokens of app 1 (pgbench; the driver sets the cursor, none for the first page)
SELECT count(*) FROM push_actions.dead_device_tokens('BENCH_TOKEN_1', after => nullif(:after, 'none'), page_size => 1000);
