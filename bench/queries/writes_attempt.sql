-- one failed send attempt on a random action of the pool (pgbench; the driver sets its action ids)
\set aid random(:lo, :hi)
SELECT push_actions.record_attempt(:aid, false, 'Unavailable');
