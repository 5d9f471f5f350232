-- The C functions of the trigger that keeps the roll-ups (src/kept_trigger.c).

-- a - b for the trigger: an error that says the roll-ups are out of step
-- where b takes more than a counts (src/delivery_summary.c)
CREATE OR REPLACE FUNCTION push_actions_internal.kept_summary_minus(push_actions.delivery_summary, push_actions.delivery_summary)
	RETURNS push_actions.delivery_summary
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

-- From 1.2 the trigger also holds the state machine on every write
-- (src/writes_rules.c); the C symbol of 1.1's trigger keeps 1.1 as it was
-- until the database is updated.
CREATE OR REPLACE FUNCTION push_actions_internal.keep_rollups() RETURNS trigger
	AS 'MODULE_PATHNAME', 'keep_rollups_checked' LANGUAGE C;
-- SECURITY DEFINER, reviewed as the reference triggers are (store_references.sql):
-- a role that may write actions needs no right on the kept tables.
ALTER FUNCTION push_actions_internal.keep_rollups() SECURITY DEFINER
	SET search_path = pg_catalog, push_actions, pg_temp;
REVOKE EXECUTE ON FUNCTION push_actions_internal.keep_rollups() FROM PUBLIC;

