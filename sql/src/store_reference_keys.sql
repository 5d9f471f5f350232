-- The same references, declared as foreign keys whose row-level triggers are
-- disabled, since the statement-level triggers above enforce them.  pg_dump
-- orders the data of an extension's tables by their foreign keys alone:
-- without these it restores actions before apps and pushes, and the parent
-- check rejects the restore.  Declared, they also serve the planner's join
-- estimates and make TRUNCATE of a parent demand CASCADE.  pg_upgrade
-- re-creates the keys with their triggers enabled; ON DELETE CASCADE keeps
-- them right even then (row by row, slower): with NO ACTION, a deleted push's
-- row-level check would fire before the statement-level cascade and fail.
ALTER TABLE push_actions.actions
	ADD CONSTRAINT actions_app_id_fkey FOREIGN KEY (app_id)
		REFERENCES push_actions.apps ON DELETE CASCADE,
	ADD CONSTRAINT actions_push_fkey FOREIGN KEY (app_id, push_id)
		REFERENCES push_actions.pushes ON DELETE CASCADE;
SELECT push_actions.set_reference_key_triggers(false);
