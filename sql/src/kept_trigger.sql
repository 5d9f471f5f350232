-- The triggers that keep the roll-ups as actions are written; their C
-- functions are in kept_functions.sql.

-- ENABLE ALWAYS: the roll-ups follow the actions whatever writes them, a
-- logical replication subscriber or a load with session_replication_role =
-- replica included.
CREATE OR REPLACE TRIGGER actions_keep_rollups_insert AFTER INSERT ON push_actions.actions
	REFERENCING NEW TABLE AS new_rows
	FOR EACH STATEMENT EXECUTE FUNCTION push_actions_internal.keep_rollups();
CREATE OR REPLACE TRIGGER actions_keep_rollups_update AFTER UPDATE ON push_actions.actions
	REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
	FOR EACH STATEMENT EXECUTE FUNCTION push_actions_internal.keep_rollups();
CREATE OR REPLACE TRIGGER actions_keep_rollups_delete AFTER DELETE ON push_actions.actions
	REFERENCING OLD TABLE AS old_rows
	FOR EACH STATEMENT EXECUTE FUNCTION push_actions_internal.keep_rollups();
ALTER TABLE push_actions.actions ENABLE ALWAYS TRIGGER actions_keep_rollups_insert;
ALTER TABLE push_actions.actions ENABLE ALWAYS TRIGGER actions_keep_rollups_update;
ALTER TABLE push_actions.actions ENABLE ALWAYS TRIGGER actions_keep_rollups_delete;

-- TRUNCATE empties the kept state with the actions (forget_rollups(), kept_functions.sql).
CREATE OR REPLACE TRIGGER actions_forget_rollups AFTER TRUNCATE ON push_actions.actions
	FOR EACH STATEMENT EXECUTE FUNCTION push_actions_internal.forget_rollups();
ALTER TABLE push_actions.actions ENABLE ALWAYS TRIGGER actions_forget_rollups;

-- The moments of each action stored by its first UPDATE (time_moments.sql).
SELECT push_actions_internal.add_moments_trigger();
