-- one failed send attempt on a random action of the pool, as @role@ (pgbench; bench/roles.sh sets the action ids)
\set aid random(:lo, :hi)
SET ROLE @role@;
SELECT push_actions.record_attempt(:aid, false, 'Unavailable');
RESET ROLE;
