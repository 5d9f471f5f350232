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

-- TRUNCATE has no rows to pass on; it empties the roll-ups with the actions,
-- and the hourly series too: a history of deletes, not of a table emptied.
-- On Citus the coordinator's TRUNCATE of actions fires this on the table
-- there, which empties the kept tables on every worker, and again on each
-- shard of actions, where it must do nothing: the workers emptying the kept
-- tables again would wait on the coordinator's locks (a distributed deadlock).
CREATE OR REPLACE FUNCTION push_actions_internal.forget_rollups() RETURNS trigger
	LANGUAGE plpgsql SECURITY DEFINER
	SET search_path = pg_catalog, push_actions, pg_temp
	AS $$
BEGIN
	IF TG_RELID = 'push_actions.actions'::regclass THEN
		TRUNCATE push_actions_internal.messages, push_actions_internal.campaign_stripes,
			push_actions_internal.time_buckets, push_actions_internal.time_buckets_deleted;
	END IF;
	RETURN NULL;
END
$$;
REVOKE EXECUTE ON FUNCTION push_actions_internal.forget_rollups() FROM PUBLIC;
