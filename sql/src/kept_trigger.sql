-- The triggers that keep the roll-ups as actions are written; their C
-- functions are in kept_functions.sql.

-- ENABLE ALWAYS: the roll-ups follow the actions whatever writes them, a
-- logical replication subscriber or a load with session_replication_role =
-- replica included.
CREATE TRIGGER actions_keep_rollups_insert AFTER INSERT ON push_actions.actions
	REFERENCING NEW TABLE AS new_rows
	FOR EACH STATEMENT EXECUTE FUNCTION push_actions_internal.keep_rollups();
CREATE TRIGGER actions_keep_rollups_update AFTER UPDATE ON push_actions.actions
	REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
	FOR EACH STATEMENT EXECUTE FUNCTION push_actions_internal.keep_rollups();
CREATE TRIGGER actions_keep_rollups_delete AFTER DELETE ON push_actions.actions
	REFERENCING OLD TABLE AS old_rows
	FOR EACH STATEMENT EXECUTE FUNCTION push_actions_internal.keep_rollups();
ALTER TABLE push_actions.actions ENABLE ALWAYS TRIGGER actions_keep_rollups_insert;
ALTER TABLE push_actions.actions ENABLE ALWAYS TRIGGER actions_keep_rollups_update;
ALTER TABLE push_actions.actions ENABLE ALWAYS TRIGGER actions_keep_rollups_delete;

-- TRUNCATE has no rows to pass on; it empties the roll-ups with the actions.
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
		TRUNCATE push_actions_internal.messages, push_actions_internal.campaign_stripes;
	END IF;
	RETURN NULL;
END
$$;
REVOKE EXECUTE ON FUNCTION push_actions_internal.forget_rollups() FROM PUBLIC;
CREATE TRIGGER actions_forget_rollups AFTER TRUNCATE ON push_actions.actions
	FOR EACH STATEMENT EXECUTE FUNCTION push_actions_internal.forget_rollups();
ALTER TABLE push_actions.actions ENABLE ALWAYS TRIGGER actions_forget_rollups;
