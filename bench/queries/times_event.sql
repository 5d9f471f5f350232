-- a device reports delivery of a push it was sent: track_event on the next action of the pool (pgbench)
SELECT push_actions.track_event(d.delivery_id, d.delivery_token, 'delivered')
FROM bench_deliveries d WHERE d.n = (SELECT nextval('bench_event_seq'));
