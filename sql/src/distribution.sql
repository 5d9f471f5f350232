-- Beyond one server on Citus (doc/scale-out.md "Beyond one server: Citus"): one call
-- on the coordinator turns the extension's tables into Citus tables, data
-- and kept roll-ups included.  apps and retired_app_tokens become reference
-- tables; app_roles stays on the coordinator, where its policies are made
-- (Citus passes them on to the shards); the others are distributed by
-- app_id, colocated, so that one app's
-- rows, its kept roll-ups among them, live on one worker and the trigger
-- that keeps them writes that worker's shards (src/kept_shards.c).
--
-- What one server enforces with statement-level triggers, Citus enforces on
-- the shards with foreign keys: the references of actions to pushes and apps
-- and their cascades.  The extension's views are re-created around the
-- conversion (Citus replaces the tables under them; an extension's members
-- cannot be dropped, so they leave it and come back with their comments,
-- options and grants).  Every worker has the extension already, with the
-- same tables; the foreign keys are dropped there too, so that adding them
-- on the coordinator reaches every node alike.  Those drops on the workers
-- commit on their own: if the call fails later, it can simply run again.
--
-- For the upgrade steps after 1.1: on a distributed database (pg_dist_partition
-- lists push_actions.actions) the three reference triggers dropped below no
-- longer exist, DDL on the tables runs on the coordinator only, and each
-- worker holds the extension's own copy of every other object.  A step that
-- changes these objects must check for that, and be tested on the cluster of
-- test/t/distribution_citus.pl.
CREATE OR REPLACE FUNCTION push_actions.distribute() RETURNS text
	LANGUAGE plpgsql VOLATILE
	SET search_path = pg_catalog, push_actions, pg_temp
	-- Citus's notices here are about what this function takes care of: the
	-- views leaving and rejoining the extension, the local copies it empties
	SET client_min_messages = warning
	AS $$
DECLARE
	drop_keys constant text := $keys$
ALTER TABLE push_actions.pushes DROP CONSTRAINT IF EXISTS pushes_app_id_fkey;
ALTER TABLE push_actions.daily_rollups DROP CONSTRAINT IF EXISTS daily_rollups_app_id_fkey;
ALTER TABLE push_actions.actions DROP CONSTRAINT IF EXISTS actions_app_id_fkey,
	DROP CONSTRAINT IF EXISTS actions_push_fkey;
ALTER TABLE push_actions_internal.app_keys DROP CONSTRAINT IF EXISTS app_keys_app_id_fkey;
ALTER TABLE push_actions_internal.retired_app_tokens DROP CONSTRAINT IF EXISTS retired_app_tokens_app_id_fkey;
ALTER TABLE push_actions.app_roles DROP CONSTRAINT IF EXISTS app_roles_app_id_fkey;
ALTER TABLE push_actions_internal.device_tokens DROP CONSTRAINT IF EXISTS device_tokens_app_id_fkey;
ALTER TABLE push_actions_internal.time_buckets DROP CONSTRAINT IF EXISTS time_buckets_app_id_fkey;
ALTER TABLE push_actions_internal.time_buckets_deleted DROP CONSTRAINT IF EXISTS time_buckets_deleted_app_id_fkey$keys$;
	-- distributed by app_id with pushes, colocated
	colocated constant text[] := ARRAY['push_actions.actions', 'push_actions.daily_rollups', 'push_actions_internal.messages',
	                                   'push_actions_internal.campaign_stripes', 'push_actions_internal.app_keys',
	                                   'push_actions_internal.device_tokens', 'push_actions_internal.time_buckets',
	                                   'push_actions_internal.time_buckets_deleted'];
	-- the write calls that name their app, run whole on the worker that holds it
	write_calls constant text[] := ARRAY['push_actions.record_attempt(bigint,boolean,text,boolean,bigint,text)',
	                                     'push_actions.record_event(bigint,push_actions.push_status,timestamptz,bigint)',
	                                     'push_actions.retry(bigint,bigint)'];
	completed boolean := false;
	version text;
	bad record;
	v record;
	g record;
	t text;
BEGIN
	IF NOT EXISTS (SELECT 1 FROM pg_extension WHERE extname = 'citus') THEN
		RETURN 'nothing to do: no Citus';
	END IF;
	IF EXISTS (SELECT 1 FROM pg_dist_partition WHERE logicalrelid = 'push_actions.actions'::regclass) THEN
		-- what an upgrade step added after the distribution: a table
		-- (apps_roles.sql says why it waits), a write call of a new form
		IF NOT EXISTS (SELECT 1 FROM pg_dist_partition WHERE logicalrelid = 'push_actions_internal.retired_app_tokens'::regclass) THEN
			PERFORM create_reference_table('push_actions_internal.retired_app_tokens');
			ALTER TABLE push_actions_internal.retired_app_tokens
				ADD CONSTRAINT retired_app_tokens_app_id_fkey FOREIGN KEY (app_id) REFERENCES push_actions.apps ON DELETE CASCADE;
			PERFORM truncate_local_data_after_distributing_table('push_actions_internal.retired_app_tokens');
			completed := true;
		END IF;
		-- the tokens' states, which the update could not make from the
		-- distributed actions: made now, then kept by the workers' trigger
		IF NOT EXISTS (SELECT 1 FROM pg_dist_partition WHERE logicalrelid = 'push_actions_internal.device_tokens'::regclass) THEN
			PERFORM set_config('citus.multi_shard_modify_mode', 'sequential', true);
			PERFORM create_distributed_table('push_actions_internal.device_tokens', 'app_id', colocate_with => 'push_actions.actions');
			ALTER TABLE push_actions_internal.device_tokens
				ADD CONSTRAINT device_tokens_app_id_fkey FOREIGN KEY (app_id) REFERENCES push_actions.apps ON DELETE CASCADE;
			PERFORM truncate_local_data_after_distributing_table('push_actions_internal.device_tokens');
			PERFORM push_actions.rebuild_device_tokens();
			completed := true;
		END IF;
		-- the moments' trigger, which calls a function the workers have now
		IF NOT EXISTS (SELECT 1 FROM pg_trigger WHERE tgrelid = 'push_actions.actions'::regclass AND tgname = 'actions_keep_moments') THEN
			PERFORM set_config('citus.enable_unsafe_triggers', 'on', true);
			PERFORM push_actions_internal.add_moments_trigger();
			completed := true;
		END IF;
		-- the hourly series likewise
		IF NOT EXISTS (SELECT 1 FROM pg_dist_partition WHERE logicalrelid = 'push_actions_internal.time_buckets'::regclass) THEN
			PERFORM set_config('citus.multi_shard_modify_mode', 'sequential', true);
			FOREACH t IN ARRAY ARRAY['push_actions_internal.time_buckets', 'push_actions_internal.time_buckets_deleted'] LOOP
				PERFORM create_distributed_table(t::regclass, 'app_id', colocate_with => 'push_actions.actions');
				EXECUTE format('ALTER TABLE %s ADD CONSTRAINT %I FOREIGN KEY (app_id) REFERENCES push_actions.apps ON DELETE CASCADE',
				               t, split_part(t, '.', 2) || '_app_id_fkey');
				PERFORM truncate_local_data_after_distributing_table(t::regclass);
			END LOOP;
			PERFORM push_actions.rebuild_time_buckets();
			completed := true;
		END IF;
		FOREACH t IN ARRAY write_calls LOOP
			IF NOT EXISTS (SELECT 1 FROM pg_dist_object WHERE classid = 'pg_proc'::regclass AND objid = t::regprocedure
			               AND distribution_argument_index IS NOT NULL) THEN
				PERFORM create_distributed_function(t::regprocedure, 'app_id', colocate_with => 'push_actions.actions');
				completed := true;
			END IF;
		END LOOP;
		RETURN CASE WHEN completed THEN 'distributed what the update added' ELSE 'nothing to do: already distributed' END;
	END IF;
	IF NOT citus_is_coordinator() THEN
		RAISE EXCEPTION 'push_actions.distribute() runs on the Citus coordinator'
			USING ERRCODE = 'object_not_in_prerequisite_state';
	END IF;
	SELECT extversion INTO version FROM pg_extension WHERE extname = 'push_actions';
	SELECT nodename, nodeport, result INTO bad
	FROM run_command_on_workers($q$SELECT coalesce((SELECT extversion FROM pg_catalog.pg_extension WHERE extname = 'push_actions'), 'none')$q$)
	WHERE NOT success OR result <> version
	LIMIT 1;
	IF FOUND THEN
		RAISE EXCEPTION 'worker %:% has push_actions %, not %', bad.nodename, bad.nodeport, bad.result, version
			USING ERRCODE = 'object_not_in_prerequisite_state',
			      HINT = 'Run CREATE EXTENSION push_actions (or ALTER EXTENSION push_actions UPDATE) on every worker first.';
	END IF;

	SELECT nodename, nodeport, result INTO bad FROM run_command_on_workers(drop_keys) WHERE NOT success LIMIT 1;
	IF FOUND THEN
		RAISE EXCEPTION 'worker %:% could not drop the foreign keys: %', bad.nodename, bad.nodeport, bad.result
			USING ERRCODE = 'object_not_in_prerequisite_state';
	END IF;
	EXECUTE drop_keys;

	-- each view with the length of the longest chain of the extension's
	-- views under it: dropped from the top, made again from the bottom
	CREATE TEMP TABLE extension_views ON COMMIT DROP AS
	WITH RECURSIVE own AS (
		SELECT c.oid FROM pg_depend d JOIN pg_class c ON c.oid = d.objid
		WHERE d.refobjid = (SELECT oid FROM pg_extension WHERE extname = 'push_actions')
		  AND d.classid = 'pg_class'::regclass AND d.deptype = 'e' AND c.relkind = 'v'
	), uses AS (
		SELECT DISTINCT r.ev_class AS view, d.refobjid AS used
		FROM pg_rewrite r JOIN pg_depend d ON d.classid = 'pg_rewrite'::regclass AND d.objid = r.oid
		WHERE d.refclassid = 'pg_class'::regclass AND d.refobjid <> r.ev_class
		  AND r.ev_class IN (SELECT oid FROM own) AND d.refobjid IN (SELECT oid FROM own)
	), depth (oid, level) AS (
		SELECT oid, 0 FROM own
		UNION ALL
		SELECT u.view, depth.level + 1 FROM depth JOIN uses u ON u.used = depth.oid
	)
	SELECT c.oid, format('%I.%I', c.relnamespace::regnamespace, c.relname) AS name, pg_get_viewdef(c.oid) AS definition, c.reloptions,
	       obj_description(c.oid, 'pg_class') AS comment, c.relacl, c.relowner,
	       (SELECT max(level) FROM depth WHERE depth.oid = c.oid) AS level
	FROM pg_class c WHERE c.oid IN (SELECT oid FROM own);
	FOR v IN SELECT name FROM extension_views LOOP
		EXECUTE format('ALTER EXTENSION push_actions DROP VIEW %s', v.name);
	END LOOP;
	FOR v IN SELECT name FROM extension_views ORDER BY level DESC LOOP
		EXECUTE format('DROP VIEW %s', v.name);
	END LOOP;

	-- foreign keys to a reference table within this transaction
	PERFORM set_config('citus.multi_shard_modify_mode', 'sequential', true);
	-- the triggers that stay run on the shards: the kept roll-ups' and the
	-- row-level ones that keep keys fixed
	PERFORM set_config('citus.enable_unsafe_triggers', 'on', true);
	DROP TRIGGER actions_check_parents ON push_actions.actions;
	DROP TRIGGER pushes_delete_actions ON push_actions.pushes;
	DROP TRIGGER apps_delete_actions ON push_actions.apps;
	-- the kept rows move with their tables: the actions copied into their
	-- shards must not be counted again
	ALTER TABLE push_actions.actions DISABLE TRIGGER actions_keep_rollups_insert;
	PERFORM create_reference_table('push_actions.apps');
	PERFORM create_reference_table('push_actions_internal.retired_app_tokens');
	PERFORM create_distributed_table('push_actions.pushes', 'app_id');
	FOREACH t IN ARRAY colocated LOOP
		PERFORM create_distributed_table(t::regclass, 'app_id', colocate_with => 'push_actions.pushes');
	END LOOP;
	ALTER TABLE push_actions.actions ENABLE ALWAYS TRIGGER actions_keep_rollups_insert;
	ALTER TABLE push_actions.pushes
		ADD CONSTRAINT pushes_app_id_fkey FOREIGN KEY (app_id) REFERENCES push_actions.apps ON DELETE CASCADE;
	ALTER TABLE push_actions.daily_rollups
		ADD CONSTRAINT daily_rollups_app_id_fkey FOREIGN KEY (app_id) REFERENCES push_actions.apps ON DELETE CASCADE;
	ALTER TABLE push_actions.actions
		ADD CONSTRAINT actions_app_id_fkey FOREIGN KEY (app_id) REFERENCES push_actions.apps ON DELETE CASCADE;
	ALTER TABLE push_actions.actions
		ADD CONSTRAINT actions_push_fkey FOREIGN KEY (app_id, push_id) REFERENCES push_actions.pushes ON DELETE CASCADE;
	ALTER TABLE push_actions_internal.app_keys
		ADD CONSTRAINT app_keys_app_id_fkey FOREIGN KEY (app_id) REFERENCES push_actions.apps ON DELETE CASCADE;
	ALTER TABLE push_actions_internal.retired_app_tokens
		ADD CONSTRAINT retired_app_tokens_app_id_fkey FOREIGN KEY (app_id) REFERENCES push_actions.apps ON DELETE CASCADE;
	-- one server deletes an app's tokens' states with its actions (store_cascades.sql)
	ALTER TABLE push_actions_internal.device_tokens
		ADD CONSTRAINT device_tokens_app_id_fkey FOREIGN KEY (app_id) REFERENCES push_actions.apps ON DELETE CASCADE;
	ALTER TABLE push_actions_internal.time_buckets
		ADD CONSTRAINT time_buckets_app_id_fkey FOREIGN KEY (app_id) REFERENCES push_actions.apps ON DELETE CASCADE;
	ALTER TABLE push_actions_internal.time_buckets_deleted
		ADD CONSTRAINT time_buckets_deleted_app_id_fkey FOREIGN KEY (app_id) REFERENCES push_actions.apps ON DELETE CASCADE;
	FOREACH t IN ARRAY write_calls LOOP
		PERFORM create_distributed_function(t::regprocedure, 'app_id', colocate_with => 'push_actions.actions');
	END LOOP;
	-- the rows copied into the shards leave the coordinator's own tables,
	-- which Citus no longer reads; the kept state moved with them, so the
	-- trigger that empties it on TRUNCATE is off meanwhile
	ALTER TABLE push_actions.actions DISABLE TRIGGER actions_forget_rollups;
	FOREACH t IN ARRAY ARRAY['push_actions.apps', 'push_actions_internal.retired_app_tokens', 'push_actions.pushes'] || colocated LOOP
		PERFORM truncate_local_data_after_distributing_table(t::regclass);
	END LOOP;
	ALTER TABLE push_actions.actions ENABLE ALWAYS TRIGGER actions_forget_rollups;

	FOR v IN SELECT * FROM extension_views ORDER BY level LOOP
		EXECUTE format('CREATE VIEW %s%s AS %s', v.name,
		               CASE WHEN v.reloptions IS NOT NULL THEN format(' WITH (%s)', array_to_string(v.reloptions, ', ')) ELSE '' END,
		               v.definition);
		EXECUTE format('ALTER EXTENSION push_actions ADD VIEW %s', v.name);
		EXECUTE format('COMMENT ON VIEW %s IS %L', v.name, v.comment);
		FOR g IN SELECT a.privilege_type, a.grantee FROM aclexplode(v.relacl) a WHERE a.grantee <> v.relowner LOOP
			EXECUTE format('GRANT %s ON %s TO %s', g.privilege_type, v.name,
			               CASE WHEN g.grantee = 0 THEN 'PUBLIC' ELSE g.grantee::regrole::text END);
		END LOOP;
	END LOOP;
	-- the policies of roles limited to apps went to the shards with their
	-- tables; made again, they reach the workers' own tables too
	PERFORM push_actions.rebuild_app_roles();
	RETURN 'distributed';
END
$$;
REVOKE EXECUTE ON FUNCTION push_actions.distribute() FROM PUBLIC;
COMMENT ON FUNCTION push_actions.distribute() IS
	'on a Citus coordinator: makes apps a reference table and the other tables of the extension distributed by app_id, colocated';
