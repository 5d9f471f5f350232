-- push_actions.distribute() on a server without Citus: it says so and
-- changes nothing (test/t/distribution_citus.pl runs it on a Citus cluster).
BEGIN;
SELECT plan(3);

SELECT is(push_actions.distribute(), 'nothing to do: no Citus', 'without Citus, distribute() says there is nothing to do');
SELECT is((SELECT count(*)::int FROM pg_depend d JOIN pg_class c ON c.oid = d.objid
           WHERE d.refobjid = (SELECT oid FROM pg_extension WHERE extname = 'push_actions')
             AND d.classid = 'pg_class'::regclass AND c.relkind = 'v'), 13,
          'the views are still the extension''s thirteen');
SELECT is((SELECT count(*)::int FROM pg_constraint
           WHERE contype = 'f' AND conrelid = 'push_actions.actions'::regclass), 2,
          'the foreign keys of actions are still there');

SELECT * FROM finish();
ROLLBACK;
