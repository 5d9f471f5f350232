-- a successful send on the next action of the pool (pgbench; the driver sets its first action id)
SELECT push_actions.record_attempt((SELECT :lo + nextval('bench_event_seq') - 1), true);
