-- The references of actions to apps and pushes are enforced per statement by
-- the triggers below, not by row-level foreign keys: COPY of a million actions
-- then checks (and locks) each distinct parent once instead of twice per row.
-- (They are declared as foreign keys too, with those keys' triggers disabled.)

-- Every inserted action's app and push exist; each is locked FOR KEY SHARE,
-- as a foreign key would, so a concurrent delete of the parent waits for us.
-- The new rows are read once, for their distinct parents; a parent that does
-- not exist shows as fewer rows locked than asked for, and only then are the
-- new rows searched again for the key to name in the error.
--
-- SECURITY DEFINER, reviewed: a foreign key checks and cascades with the
-- table owner's rights, so a role that may insert actions (or delete pushes)
-- needs no right on the other tables; FOR KEY SHARE would otherwise demand
-- UPDATE on apps and pushes from every loader.  Both reference triggers run
-- fixed statements over the transition table and the key columns alone, with
-- search_path pinned (pg_temp last), and cannot be called except as triggers.
CREATE OR REPLACE FUNCTION push_actions_internal.check_action_parents() RETURNS trigger
	LANGUAGE plpgsql SECURITY DEFINER
	SET search_path = pg_catalog, push_actions, pg_temp
	AS $$
DECLARE
	apps_wanted bigint;
	apps_locked bigint;
	pushes_wanted bigint;
	pushes_locked bigint;
	bad record;
BEGIN
	WITH parents AS MATERIALIZED (
		SELECT DISTINCT n.app_id, n.push_id FROM new_actions n
	), locked_apps AS (
		SELECT a.app_id FROM push_actions.apps a
		WHERE a.app_id IN (SELECT p.app_id FROM parents p)
		FOR KEY SHARE
	), locked_pushes AS (
		SELECT u.app_id FROM push_actions.pushes u
		WHERE (u.app_id, u.push_id) IN (SELECT p.app_id, p.push_id FROM parents p WHERE p.push_id IS NOT NULL)
		FOR KEY SHARE
	)
	SELECT (SELECT count(DISTINCT p.app_id) FROM parents p),
	       (SELECT count(*) FROM locked_apps),
	       (SELECT count(*) FROM parents p WHERE p.push_id IS NOT NULL),
	       (SELECT count(*) FROM locked_pushes)
	INTO apps_wanted, apps_locked, pushes_wanted, pushes_locked;
	IF apps_locked < apps_wanted THEN
		SELECT n.app_id INTO bad FROM new_actions n
		WHERE NOT EXISTS (SELECT 1 FROM push_actions.apps a WHERE a.app_id = n.app_id) LIMIT 1;
		RAISE EXCEPTION 'insert on table "actions" violates its reference to "apps"'
			USING ERRCODE = 'foreign_key_violation',
			      DETAIL = format('Key (app_id)=(%s) is not present in table "apps".', bad.app_id);
	END IF;
	IF pushes_locked < pushes_wanted THEN
		SELECT n.app_id, n.push_id INTO bad FROM new_actions n
		WHERE n.push_id IS NOT NULL
		  AND NOT EXISTS (SELECT 1 FROM push_actions.pushes p WHERE p.app_id = n.app_id AND p.push_id = n.push_id) LIMIT 1;
		RAISE EXCEPTION 'insert on table "actions" violates its reference to "pushes"'
			USING ERRCODE = 'foreign_key_violation',
			      DETAIL = format('Key (app_id, push_id)=(%s, %s) is not present in table "pushes".', bad.app_id, bad.push_id);
	END IF;
	RETURN NULL;
END
$$;
REVOKE EXECUTE ON FUNCTION push_actions_internal.check_action_parents() FROM PUBLIC;
CREATE OR REPLACE TRIGGER actions_check_parents AFTER INSERT ON push_actions.actions
	REFERENCING NEW TABLE AS new_actions
	FOR EACH STATEMENT EXECUTE FUNCTION push_actions_internal.check_action_parents();

-- Keys that others refer to never change (no foreign key trigger enforces it).
CREATE OR REPLACE FUNCTION push_actions_internal.forbid_key_change() RETURNS trigger
	LANGUAGE plpgsql
	SET search_path = pg_catalog, push_actions, pg_temp
	AS $$
BEGIN
	-- apps rows have no push_id, and PL/pgSQL resolves every field it names
	IF NEW.app_id IS DISTINCT FROM OLD.app_id
	   OR (TG_TABLE_NAME <> 'apps' AND to_jsonb(NEW) -> 'push_id' IS DISTINCT FROM to_jsonb(OLD) -> 'push_id') THEN
		RAISE EXCEPTION 'the keys of table "%" cannot change', TG_TABLE_NAME
			USING ERRCODE = 'foreign_key_violation',
			      HINT = 'Actions refer to apps and pushes by these keys.';
	END IF;
	RETURN NEW;
END
$$;
REVOKE EXECUTE ON FUNCTION push_actions_internal.forbid_key_change() FROM PUBLIC;
CREATE OR REPLACE TRIGGER actions_keys_fixed BEFORE UPDATE OF app_id, push_id ON push_actions.actions
	FOR EACH ROW EXECUTE FUNCTION push_actions_internal.forbid_key_change();
CREATE OR REPLACE TRIGGER pushes_keys_fixed BEFORE UPDATE OF app_id, push_id ON push_actions.pushes
	FOR EACH ROW EXECUTE FUNCTION push_actions_internal.forbid_key_change();
CREATE OR REPLACE TRIGGER apps_keys_fixed BEFORE UPDATE OF app_id ON push_actions.apps
	FOR EACH ROW EXECUTE FUNCTION push_actions_internal.forbid_key_change();

-- Deleting a push or an app deletes its actions (ON DELETE CASCADE, per
-- statement): delete_child_actions() is in store_cascades.sql.
CREATE OR REPLACE TRIGGER pushes_delete_actions AFTER DELETE ON push_actions.pushes
	REFERENCING OLD TABLE AS old_rows
	FOR EACH STATEMENT EXECUTE FUNCTION push_actions_internal.delete_child_actions();
CREATE OR REPLACE TRIGGER apps_delete_actions AFTER DELETE ON push_actions.apps
	REFERENCING OLD TABLE AS old_rows
	FOR EACH STATEMENT EXECUTE FUNCTION push_actions_internal.delete_child_actions();

-- Switches the row-level triggers of those keys off (as installed) or on;
-- returns how many it switched.  For the extension's owner: after pg_upgrade,
-- which re-creates the keys with their triggers on, run it with false.
CREATE OR REPLACE FUNCTION push_actions.set_reference_key_triggers(enabled boolean) RETURNS integer
	LANGUAGE plpgsql VOLATILE STRICT
	SET search_path = pg_catalog, push_actions, pg_temp
	AS $$
DECLARE
	t record;
	n integer := 0;
BEGIN
	-- pg_dist_partition is read only where Citus is: the statement is planned only then
	IF EXISTS (SELECT 1 FROM pg_extension WHERE extname = 'citus') THEN
		IF EXISTS (SELECT 1 FROM pg_dist_partition WHERE logicalrelid = 'push_actions.actions'::regclass) THEN
			RAISE EXCEPTION 'the tables are distributed by Citus: their foreign keys are checked on the shards, with their triggers on'
				USING ERRCODE = 'feature_not_supported';
		END IF;
	END IF;
	FOR t IN SELECT g.tgrelid::regclass AS rel, g.tgname
	         FROM pg_catalog.pg_trigger g JOIN pg_catalog.pg_constraint c ON c.oid = g.tgconstraint
	         WHERE c.conrelid = 'push_actions.actions'::regclass AND c.contype = 'f'
	LOOP
		EXECUTE format('ALTER TABLE %s %s TRIGGER %I', t.rel, CASE WHEN enabled THEN 'ENABLE' ELSE 'DISABLE' END, t.tgname);
		n := n + 1;
	END LOOP;
	RETURN n;
END
$$;
REVOKE EXECUTE ON FUNCTION push_actions.set_reference_key_triggers(boolean) FROM PUBLIC;
COMMENT ON FUNCTION push_actions.set_reference_key_triggers(boolean) IS
	'switches the row-level triggers of the foreign keys declared on actions on or off (off as installed); returns how many';
