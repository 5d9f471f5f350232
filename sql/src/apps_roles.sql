-- Apps per SQL role: an administrator maps a role to apps (grant_app), and
-- from then on that role, and every role with its privileges, reads and
-- writes only those apps' rows: through the tables (row-level security),
-- the views and every API function, all asking app_visible(app_id)
-- (src/apps_roles.c).  Roles never mapped keep what they had.
--
-- push_actions.app_roles is the mapping as kept and dumped.  Its live form
-- is one policy per mapped role on push_actions.apps, "app_id = ANY (the
-- role's apps)", which app_visible reads from the relation cache; each
-- scoped table has one more policy, app_scope, whose rule is app_visible.
-- A trigger makes the policies again whenever the mapping changes (pg_dump
-- does not dump policies of an extension's tables, but it dumps this table,
-- and restoring it fires the trigger).  Row-level security is on while some
-- role is mapped, off otherwise: PostgreSQL refuses COPY FROM into a table
-- with row-level security to every role it applies to.  All policies are
-- permissive, as Citus passes every policy on to the shards.
CREATE TABLE push_actions.app_roles (
	role	regrole NOT NULL,
	app_id	bigint NOT NULL,
	PRIMARY KEY (role, app_id)
);
REVOKE ALL ON push_actions.app_roles FROM PUBLIC;
SELECT pg_catalog.pg_extension_config_dump('push_actions.app_roles', '');

-- Whether distribute() has made the extension's tables Citus tables.  A
-- table an upgrade step adds then gets no foreign key to apps (a reference
-- table): Citus would take the key only once the table is on every node,
-- and the workers update after the coordinator.
CREATE OR REPLACE FUNCTION push_actions_internal.is_distributed() RETURNS boolean
	LANGUAGE plpgsql STABLE
	SET search_path = pg_catalog, push_actions, pg_temp
	AS $$
DECLARE
	distributed boolean := false;
BEGIN
	IF to_regclass('pg_catalog.pg_dist_partition') IS NOT NULL THEN
		EXECUTE 'SELECT EXISTS (SELECT 1 FROM pg_catalog.pg_dist_partition WHERE logicalrelid = ''push_actions.apps''::pg_catalog.regclass)'
			INTO distributed;
	END IF;
	RETURN distributed;
END
$$;

-- no cascade: deleting an app would change policies on apps while the
-- DELETE reads it; revoke_app() first.  On Citus, none (distribute()).
DO $$
BEGIN
	IF NOT push_actions_internal.is_distributed() THEN
		ALTER TABLE push_actions.app_roles ADD CONSTRAINT app_roles_app_id_fkey FOREIGN KEY (app_id) REFERENCES push_actions.apps;
	END IF;
END
$$;
COMMENT ON TABLE push_actions.app_roles IS
	'which apps a role (and every role with its privileges) may see; written by grant_app() and revoke_app()';

CREATE OR REPLACE FUNCTION push_actions_internal.role_apps() RETURNS bigint[]
	AS 'MODULE_PATHNAME' LANGUAGE C STABLE PARALLEL SAFE;
COMMENT ON FUNCTION push_actions_internal.role_apps() IS
	'the apps the current role may see, NULL for all';
CREATE OR REPLACE FUNCTION push_actions_internal.app_visible_support(internal) RETURNS internal
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE OR REPLACE FUNCTION push_actions_internal.app_visible(app_id bigint) RETURNS boolean
	AS 'MODULE_PATHNAME' LANGUAGE C STABLE STRICT PARALLEL SAFE
	SUPPORT push_actions_internal.app_visible_support;
COMMENT ON FUNCTION push_actions_internal.app_visible(bigint) IS
	'whether the current role may see the app''s rows: the views'' filter';
CREATE OR REPLACE FUNCTION push_actions_internal.app_scope_policy(role oid) RETURNS text
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE OR REPLACE FUNCTION push_actions_internal.policy_apps_of(role oid) RETURNS bigint[]
	AS 'MODULE_PATHNAME' LANGUAGE C STABLE STRICT PARALLEL SAFE;

-- The tables whose rows belong to an app: what users are granted, and the
-- kept roll-ups.
CREATE OR REPLACE FUNCTION push_actions_internal.app_scoped_tables() RETURNS regclass[]
	LANGUAGE sql STABLE PARALLEL SAFE
	SET search_path = pg_catalog, push_actions, pg_temp
	AS $$ SELECT ARRAY['push_actions.apps', 'push_actions.pushes', 'push_actions.actions', 'push_actions.daily_rollups',
	                   'push_actions_internal.messages', 'push_actions_internal.campaign_stripes',
	                   'push_actions_internal.device_tokens', 'push_actions_internal.time_buckets',
	                   'push_actions_internal.time_buckets_deleted']::pg_catalog.regclass[] $$;

-- Makes the policies again from push_actions.app_roles; roles dropped since
-- they were mapped are left out.  The trigger below calls it; by hand, it
-- is for after pg_upgrade or a restore with triggers off.
CREATE OR REPLACE FUNCTION push_actions.rebuild_app_roles() RETURNS void
	LANGUAGE plpgsql VOLATILE SECURITY DEFINER
	SET search_path = pg_catalog, push_actions, pg_temp
	AS $$
DECLARE
	t		regclass;
	p		record;
	r		record;
	mapped	boolean := EXISTS (SELECT 1 FROM push_actions.app_roles m JOIN pg_roles o ON o.oid = m.role);
BEGIN
	FOREACH t IN ARRAY push_actions_internal.app_scoped_tables() LOOP
		FOR p IN SELECT polname FROM pg_policy
		         WHERE polrelid = t AND (polname = 'app_scope' OR polname LIKE 'app\_scope\_%') LOOP
			-- IF EXISTS: on Citus the drop goes on to the workers' tables, where a
			-- policy made before distribute() may be missing
			EXECUTE format('DROP POLICY IF EXISTS %I ON %s', p.polname, t);
		END LOOP;
		IF mapped THEN
			EXECUTE format('CREATE POLICY app_scope ON %s USING (push_actions_internal.app_visible(app_id)) WITH CHECK (push_actions_internal.app_visible(app_id))', t);
			IF t = 'push_actions.apps'::regclass THEN
				FOR r IN SELECT m.role, array_agg(m.app_id ORDER BY m.app_id) AS apps
				         FROM push_actions.app_roles m JOIN pg_roles o ON o.oid = m.role
				         GROUP BY m.role ORDER BY m.role LOOP
					EXECUTE format('CREATE POLICY %I ON %s FOR SELECT TO %s USING (app_id = ANY (%L::bigint[]))',
					               push_actions_internal.app_scope_policy(r.role), t, r.role, r.apps);
				END LOOP;
			END IF;
			-- also when on already: on Citus this reaches the workers' own tables,
			-- which app_visible reads there
			EXECUTE format('ALTER TABLE %s ENABLE ROW LEVEL SECURITY', t);
		ELSIF (SELECT relrowsecurity FROM pg_class WHERE oid = t) AND NOT EXISTS (SELECT 1 FROM pg_policy WHERE polrelid = t) THEN
			EXECUTE format('ALTER TABLE %s DISABLE ROW LEVEL SECURITY', t);
		END IF;
	END LOOP;
END
$$;
REVOKE EXECUTE ON FUNCTION push_actions.rebuild_app_roles() FROM PUBLIC;
COMMENT ON FUNCTION push_actions.rebuild_app_roles() IS
	'makes the row-level security policies again from push_actions.app_roles (after pg_upgrade, or a restore with triggers off)';

CREATE OR REPLACE FUNCTION push_actions_internal.app_roles_changed() RETURNS trigger
	LANGUAGE plpgsql SECURITY DEFINER
	SET search_path = pg_catalog, push_actions, pg_temp
	AS $$
BEGIN
	PERFORM push_actions.rebuild_app_roles();
	RETURN NULL;
END
$$;
REVOKE EXECUTE ON FUNCTION push_actions_internal.app_roles_changed() FROM PUBLIC;
CREATE TRIGGER app_roles_changed AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON push_actions.app_roles
	FOR EACH STATEMENT EXECUTE FUNCTION push_actions_internal.app_roles_changed();

-- Maps a role to an app: from the next statement on, the role reads and
-- writes only the rows of the apps it is mapped to.  False if it already was.
CREATE OR REPLACE FUNCTION push_actions.grant_app(role regrole, app_id bigint) RETURNS boolean
	LANGUAGE plpgsql VOLATILE SECURITY DEFINER
	SET search_path = pg_catalog, push_actions, pg_temp
	AS $$
DECLARE
	owner	oid := (SELECT relowner FROM pg_class WHERE oid = 'push_actions.apps'::regclass);
	added	integer;
BEGIN
	IF role IS NULL OR app_id IS NULL THEN
		RAISE EXCEPTION 'role and app_id must not be NULL' USING ERRCODE = 'null_value_not_allowed';
	END IF;
	IF (SELECT rolsuper OR rolbypassrls FROM pg_roles WHERE oid = role) OR pg_has_role(role, owner, 'USAGE') THEN
		RAISE EXCEPTION 'role % cannot be limited to apps', role
			USING ERRCODE = 'invalid_parameter_value',
			      DETAIL = 'It is a superuser, has BYPASSRLS or owns the extension''s tables, so row-level security does not apply to it.';
	END IF;
	IF NOT EXISTS (SELECT 1 FROM push_actions.apps a WHERE a.app_id = grant_app.app_id) THEN
		RAISE EXCEPTION 'app % does not exist', app_id USING ERRCODE = 'foreign_key_violation';
	END IF;
	INSERT INTO push_actions.app_roles AS m (role, app_id) VALUES (grant_app.role, grant_app.app_id)
	ON CONFLICT DO NOTHING;
	GET DIAGNOSTICS added = ROW_COUNT;
	RETURN added > 0;
END
$$;
REVOKE EXECUTE ON FUNCTION push_actions.grant_app(regrole, bigint) FROM PUBLIC;
COMMENT ON FUNCTION push_actions.grant_app(regrole, bigint) IS
	'limits a role (and every role with its privileges) to the apps it is granted; false if it had this one';

-- Takes an app (or, without one, every app) from a role; a role left with
-- no app is no longer limited.  Returns how many apps it lost.
CREATE OR REPLACE FUNCTION push_actions.revoke_app(role regrole, app_id bigint DEFAULT NULL) RETURNS integer
	LANGUAGE plpgsql VOLATILE SECURITY DEFINER
	SET search_path = pg_catalog, push_actions, pg_temp
	AS $$
DECLARE
	removed	integer;
BEGIN
	IF role IS NULL THEN
		RAISE EXCEPTION 'role must not be NULL' USING ERRCODE = 'null_value_not_allowed';
	END IF;
	DELETE FROM push_actions.app_roles m
	WHERE m.role = revoke_app.role AND (revoke_app.app_id IS NULL OR m.app_id = revoke_app.app_id);
	GET DIAGNOSTICS removed = ROW_COUNT;
	RETURN removed;
END
$$;
REVOKE EXECUTE ON FUNCTION push_actions.revoke_app(regrole, bigint) FROM PUBLIC;
COMMENT ON FUNCTION push_actions.revoke_app(regrole, bigint) IS
	'takes an app, or all of them, from a role; a role with none left is no longer limited';

-- The mapped roles whose policies do not say what push_actions.app_roles
-- says (none when all is well); rebuild_app_roles() makes them again.
CREATE OR REPLACE FUNCTION push_actions.verify_app_roles()
	RETURNS TABLE (role regrole, mapped bigint[], enforced bigint[])
	LANGUAGE sql STABLE
	SET search_path = pg_catalog, push_actions, pg_temp
	AS $$
SELECT r.role, r.apps, e.apps
FROM (SELECT m.role, array_agg(m.app_id ORDER BY m.app_id) AS apps
      FROM push_actions.app_roles m JOIN pg_roles o ON o.oid = m.role GROUP BY m.role) r,
     LATERAL (SELECT push_actions_internal.policy_apps_of(r.role) AS apps) e
WHERE e.apps IS DISTINCT FROM r.apps
ORDER BY r.role
$$;
REVOKE EXECUTE ON FUNCTION push_actions.verify_app_roles() FROM PUBLIC;
COMMENT ON FUNCTION push_actions.verify_app_roles() IS
	'mapped roles whose row-level security policies differ from push_actions.app_roles; none when all is well';

