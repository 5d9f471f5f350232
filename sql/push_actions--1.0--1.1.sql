\echo Use "ALTER EXTENSION push_actions UPDATE TO '1.1'" to load this file. \quit

-- 1.1: the helpers that only the extension calls move from push_actions to the
-- new schema push_actions_internal, and the functions that call them are
-- re-created to name them there; the trigger functions are no longer
-- executable by PUBLIC; each vocabulary (status groups, platforms, the
-- pending device, a message's key) is written once, so the platform CHECK is
-- re-validated and three partial indexes are rebuilt.  Data and stored values
-- are untouched.
--
-- Released 1.1: frozen.  Composed by make from its template (the hand-made
-- part and includes of sql/src/ as they stood at the release, each marked
-- "-- sql/src/FILE"); never edit it.

-- sql/src/store_schemas.sql
-- Helpers that only the extension calls live in push_actions_internal, apart
-- from the API in push_actions (Citus keeps its own in citus_internal).  The
-- API functions run with their caller's rights and call these helpers, so
-- PUBLIC may use the schema; the trigger functions in it are executable by
-- the owner alone, since a trigger fires without checking EXECUTE.
CREATE SCHEMA push_actions_internal;
GRANT USAGE ON SCHEMA push_actions_internal TO PUBLIC;

ALTER FUNCTION push_actions.new_push_id() SET SCHEMA push_actions_internal;
ALTER FUNCTION push_actions.is_dead_token_error(text) SET SCHEMA push_actions_internal;
ALTER FUNCTION push_actions.lock_action(bigint) SET SCHEMA push_actions_internal;
ALTER FUNCTION push_actions.refuse_transition(bigint, push_actions.push_status, push_actions.push_status, text) SET SCHEMA push_actions_internal;
ALTER FUNCTION push_actions.fold_and_delete(bigint[], text[], bigint[]) SET SCHEMA push_actions_internal;
ALTER FUNCTION push_actions.push_error(text) SET SCHEMA push_actions_internal;
ALTER FUNCTION push_actions.find_push(text, text) SET SCHEMA push_actions_internal;
ALTER FUNCTION push_actions.check_action_parents() SET SCHEMA push_actions_internal;
ALTER FUNCTION push_actions.forbid_key_change() SET SCHEMA push_actions_internal;
ALTER FUNCTION push_actions.delete_child_actions() SET SCHEMA push_actions_internal;

-- The operators, aggregates and functions on push_status and delivery_summary
-- move to pg_catalog, so that they resolve in every session, for every role
-- and client, whatever its search_path (README "Where the names live").
-- Stored values, indexes and the user's views keep them: they refer to them
-- by oid.  Their 1.0 names stay, deprecated, for SQL written for 1.0
-- (release_1_0_names.sql, included below).
ALTER OPERATOR push_actions.= (push_actions.push_status, push_actions.push_status) SET SCHEMA pg_catalog;
ALTER OPERATOR push_actions.<> (push_actions.push_status, push_actions.push_status) SET SCHEMA pg_catalog;
ALTER OPERATOR push_actions.< (push_actions.push_status, push_actions.push_status) SET SCHEMA pg_catalog;
ALTER OPERATOR push_actions.<= (push_actions.push_status, push_actions.push_status) SET SCHEMA pg_catalog;
ALTER OPERATOR push_actions.> (push_actions.push_status, push_actions.push_status) SET SCHEMA pg_catalog;
ALTER OPERATOR push_actions.>= (push_actions.push_status, push_actions.push_status) SET SCHEMA pg_catalog;
ALTER OPERATOR push_actions.= (push_actions.delivery_summary, push_actions.delivery_summary) SET SCHEMA pg_catalog;
ALTER OPERATOR push_actions.<> (push_actions.delivery_summary, push_actions.delivery_summary) SET SCHEMA pg_catalog;
ALTER OPERATOR push_actions.+ (push_actions.delivery_summary, push_actions.delivery_summary) SET SCHEMA pg_catalog;
ALTER AGGREGATE push_actions.min(push_actions.push_status) SET SCHEMA pg_catalog;
ALTER AGGREGATE push_actions.max(push_actions.push_status) SET SCHEMA pg_catalog;
ALTER AGGREGATE push_actions.delivery_summary(push_actions.push_status) SET SCHEMA pg_catalog;
ALTER AGGREGATE push_actions.delivery_summary(push_actions.push_status, integer) SET SCHEMA pg_catalog;
ALTER AGGREGATE push_actions.delivery_summary(push_actions.push_status, smallint) SET SCHEMA pg_catalog;
ALTER AGGREGATE push_actions.delivery_summary(push_actions.delivery_summary) SET SCHEMA pg_catalog;
ALTER AGGREGATE push_actions.rollup_status(push_actions.push_status) SET SCHEMA pg_catalog;
ALTER FUNCTION push_actions.is_final(push_actions.push_status) SET SCHEMA pg_catalog;
ALTER FUNCTION push_actions.is_success(push_actions.push_status) SET SCHEMA pg_catalog;
ALTER FUNCTION push_actions.can_transition(push_actions.push_status, push_actions.push_status) SET SCHEMA pg_catalog;
ALTER FUNCTION push_actions.to_jsonb(push_actions.delivery_summary) SET SCHEMA pg_catalog;
ALTER FUNCTION push_actions.status(push_actions.delivery_summary) SET SCHEMA pg_catalog;
ALTER FUNCTION push_actions.total(push_actions.delivery_summary) SET SCHEMA pg_catalog;
ALTER FUNCTION push_actions.status_count(push_actions.delivery_summary, push_actions.push_status) SET SCHEMA pg_catalog;
ALTER FUNCTION push_actions.pending(push_actions.delivery_summary) SET SCHEMA pg_catalog;
ALTER FUNCTION push_actions.error_rate(push_actions.delivery_summary) SET SCHEMA pg_catalog;

-- sql/src/push_status_casts.sql
-- A status compared with a parameter bound as a string (pgjdbc's setString
-- binds varchar, other drivers text) converts the string, so the comparison
-- is push_status = push_status and reads the indexes on status.  No cast
-- leads back implicitly, so no comparison becomes ambiguous.
CREATE CAST (text AS push_actions.push_status) WITH INOUT AS IMPLICIT;
CREATE CAST (varchar AS push_actions.push_status) WITH INOUT AS IMPLICIT;
-- sql/src/store_vocabulary.sql
-- The names the tables, indexes, views and API share, each written once.
-- These are SQL functions without SET options, so the planner inlines them
-- and folds them to constants: an index predicate, a CHECK constraint and a
-- query that call them see the same expression (and the planner proves the
-- partial index usable).  Their bodies name every object with its schema,
-- because an inlined body is parsed under the caller's search_path.


-- The status groups that index predicates, views and the API's queries test,
-- named in C beside the state machine.  Immutable with a constant argument,
-- so the planner folds each call to its array: an index predicate and a query
-- written with the same call match.
CREATE OR REPLACE FUNCTION push_actions_internal.statuses(kind text) RETURNS push_actions.push_status[]
	AS 'MODULE_PATHNAME', 'push_status_kind_members' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION push_actions_internal.statuses(text) IS
	'the statuses of a group: error (failed, bounced), unfinished (scheduled, attempted), awaiting_delivery (attempted, sent), device_event (delivered, opened, converted)';


CREATE OR REPLACE FUNCTION push_actions_internal.platforms() RETURNS text[]
	LANGUAGE sql IMMUTABLE PARALLEL SAFE
	AS $$ SELECT '{android,ios,web,electron,huawei,macos,windows,other}'::pg_catalog.text[] $$;
COMMENT ON FUNCTION push_actions_internal.platforms() IS
	'the platforms an action may name';

-- Only these platforms report delivery, so only their devices can be pending.
CREATE OR REPLACE FUNCTION push_actions_internal.delivery_report_platforms() RETURNS text[]
	LANGUAGE sql IMMUTABLE PARALLEL SAFE
	AS $$ SELECT '{android,electron}'::pg_catalog.text[] $$;
COMMENT ON FUNCTION push_actions_internal.delivery_report_platforms() IS
	'the platforms whose devices report delivery (Pushy: Android and Electron)';

-- A device a push is still pending on (push_info, push_pending_devices,
-- actions_pending_idx), before the push's own schedule and expiry are applied.
CREATE OR REPLACE FUNCTION push_actions_internal.is_pending_device(status push_actions.push_status, platform text, device_token text)
	RETURNS boolean
	LANGUAGE sql IMMUTABLE PARALLEL SAFE
	AS $$
SELECT status OPERATOR(pg_catalog.=) ANY (push_actions_internal.statuses('awaiting_delivery'))
   AND platform OPERATOR(pg_catalog.=) ANY (push_actions_internal.delivery_report_platforms())
   AND device_token IS NOT NULL
$$;
COMMENT ON FUNCTION push_actions_internal.is_pending_device(push_actions.push_status, text, text) IS
	'an action whose device has been handed the push and can still report its delivery';

-- A message is a push to one person.  Without a profile, each device is its
-- own person; without a push, each action is its own message.  These two keys,
-- with app_id, push_id, campaign_id and profile_id, identify a message.
CREATE OR REPLACE FUNCTION push_actions_internal.message_device(profile_id text, device_id bigint) RETURNS bigint
	LANGUAGE sql IMMUTABLE PARALLEL SAFE
	AS $$ SELECT CASE WHEN profile_id IS NULL THEN device_id END $$;
COMMENT ON FUNCTION push_actions_internal.message_device(text, bigint) IS
	'the device that is a message''s person when it has no profile, else NULL';
CREATE OR REPLACE FUNCTION push_actions_internal.message_action(push_id text, action_id bigint) RETURNS bigint
	LANGUAGE sql IMMUTABLE PARALLEL SAFE
	AS $$ SELECT CASE WHEN push_id IS NULL THEN action_id END $$;
COMMENT ON FUNCTION push_actions_internal.message_action(text, bigint) IS
	'the action that is a message of its own when it belongs to no push, else NULL';
-- A message of a push, among the push's messages: its campaign and its person
-- in one text that is never NULL and that no two messages share (the
-- campaign's digits, then ':' and the profile, or '#' and the device).
CREATE OR REPLACE FUNCTION push_actions_internal.message_person(campaign_id bigint, profile_id text, device_id bigint) RETURNS text
	LANGUAGE sql IMMUTABLE PARALLEL SAFE
	AS $$
SELECT COALESCE(campaign_id::pg_catalog.text, '')
       OPERATOR(pg_catalog.||) CASE WHEN profile_id IS NULL THEN '#' OPERATOR(pg_catalog.||) device_id::pg_catalog.text
                                    ELSE ':' OPERATOR(pg_catalog.||) profile_id END
$$;
COMMENT ON FUNCTION push_actions_internal.message_person(bigint, text, bigint) IS
	'the key of a message among its push''s messages: campaign, then profile or device';
-- sql/src/delivery_summary_minus.sql
-- The difference of two summaries; an error where the right one counts more.
CREATE OR REPLACE FUNCTION push_actions.delivery_summary_minus(push_actions.delivery_summary, push_actions.delivery_summary) RETURNS push_actions.delivery_summary
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE OPERATOR pg_catalog.- (
	LEFTARG = push_actions.delivery_summary, RIGHTARG = push_actions.delivery_summary,
	PROCEDURE = push_actions.delivery_summary_minus);
COMMENT ON OPERATOR pg_catalog.- (push_actions.delivery_summary, push_actions.delivery_summary) IS
	'what the left summary counts beyond the right one; an error where the right one counts more';
-- sql/src/release_1_0_names.sql
-- The names 1.0 gave the operators, aggregates and functions on push_status
-- and delivery_summary, which 1.1 moved to pg_catalog so that they resolve
-- whatever a session's search_path.  SQL written for 1.0 calls them by these
-- qualified names (push_actions.total(summary), OPERATOR(push_actions.=)),
-- so a minor release keeps them: each is a thin copy over the same C
-- function.  Deprecated: call them unqualified.  An unqualified call never
-- reaches them, since pg_catalog comes first in every search_path; the
-- operators here belong to no operator class, so indexes answer only the
-- unqualified ones.

CREATE OPERATOR push_actions.= (
	LEFTARG = push_actions.push_status, RIGHTARG = push_actions.push_status,
	PROCEDURE = push_actions.push_status_eq, COMMUTATOR = OPERATOR(push_actions.=),
	NEGATOR = OPERATOR(push_actions.<>), RESTRICT = eqsel, JOIN = eqjoinsel);
CREATE OPERATOR push_actions.<> (
	LEFTARG = push_actions.push_status, RIGHTARG = push_actions.push_status,
	PROCEDURE = push_actions.push_status_ne, COMMUTATOR = OPERATOR(push_actions.<>),
	NEGATOR = OPERATOR(push_actions.=), RESTRICT = neqsel, JOIN = neqjoinsel);
CREATE OPERATOR push_actions.< (
	LEFTARG = push_actions.push_status, RIGHTARG = push_actions.push_status,
	PROCEDURE = push_actions.push_status_lt, COMMUTATOR = OPERATOR(push_actions.>),
	NEGATOR = OPERATOR(push_actions.>=), RESTRICT = scalarltsel, JOIN = scalarltjoinsel);
CREATE OPERATOR push_actions.<= (
	LEFTARG = push_actions.push_status, RIGHTARG = push_actions.push_status,
	PROCEDURE = push_actions.push_status_le, COMMUTATOR = OPERATOR(push_actions.>=),
	NEGATOR = OPERATOR(push_actions.>), RESTRICT = scalarlesel, JOIN = scalarlejoinsel);
CREATE OPERATOR push_actions.> (
	LEFTARG = push_actions.push_status, RIGHTARG = push_actions.push_status,
	PROCEDURE = push_actions.push_status_gt, COMMUTATOR = OPERATOR(push_actions.<),
	NEGATOR = OPERATOR(push_actions.<=), RESTRICT = scalargtsel, JOIN = scalargtjoinsel);
CREATE OPERATOR push_actions.>= (
	LEFTARG = push_actions.push_status, RIGHTARG = push_actions.push_status,
	PROCEDURE = push_actions.push_status_ge, COMMUTATOR = OPERATOR(push_actions.<=),
	NEGATOR = OPERATOR(push_actions.<), RESTRICT = scalargesel, JOIN = scalargejoinsel);
CREATE OPERATOR push_actions.= (
	LEFTARG = push_actions.delivery_summary, RIGHTARG = push_actions.delivery_summary,
	PROCEDURE = push_actions.delivery_summary_eq, COMMUTATOR = OPERATOR(push_actions.=),
	NEGATOR = OPERATOR(push_actions.<>), RESTRICT = eqsel, JOIN = eqjoinsel);
CREATE OPERATOR push_actions.<> (
	LEFTARG = push_actions.delivery_summary, RIGHTARG = push_actions.delivery_summary,
	PROCEDURE = push_actions.delivery_summary_ne, COMMUTATOR = OPERATOR(push_actions.<>),
	NEGATOR = OPERATOR(push_actions.=), RESTRICT = neqsel, JOIN = neqjoinsel);
CREATE OPERATOR push_actions.+ (
	LEFTARG = push_actions.delivery_summary, RIGHTARG = push_actions.delivery_summary,
	PROCEDURE = push_actions.delivery_summary_merge, COMMUTATOR = OPERATOR(push_actions.+));

CREATE AGGREGATE push_actions.min(push_actions.push_status) (
	SFUNC = push_actions.push_status_smaller, STYPE = push_actions.push_status,
	COMBINEFUNC = push_actions.push_status_smaller, PARALLEL = SAFE);
CREATE AGGREGATE push_actions.max(push_actions.push_status) (
	SFUNC = push_actions.push_status_larger, STYPE = push_actions.push_status,
	COMBINEFUNC = push_actions.push_status_larger, PARALLEL = SAFE);
CREATE AGGREGATE push_actions.delivery_summary(push_actions.push_status) (
	SFUNC = push_actions.delivery_summary_add_status, STYPE = push_actions.delivery_summary,
	COMBINEFUNC = push_actions.delivery_summary_merge, PARALLEL = SAFE);
CREATE AGGREGATE push_actions.delivery_summary(push_actions.push_status, integer) (
	SFUNC = push_actions.delivery_summary_add_status_attempts, STYPE = push_actions.delivery_summary,
	COMBINEFUNC = push_actions.delivery_summary_merge, PARALLEL = SAFE);
CREATE AGGREGATE push_actions.delivery_summary(push_actions.push_status, smallint) (
	SFUNC = push_actions.delivery_summary_add_status_attempts_int2, STYPE = push_actions.delivery_summary,
	COMBINEFUNC = push_actions.delivery_summary_merge, PARALLEL = SAFE);
CREATE AGGREGATE push_actions.delivery_summary(push_actions.delivery_summary) (
	SFUNC = push_actions.delivery_summary_merge, STYPE = push_actions.delivery_summary,
	COMBINEFUNC = push_actions.delivery_summary_merge, PARALLEL = SAFE);
CREATE AGGREGATE push_actions.rollup_status(push_actions.push_status) (
	SFUNC = push_actions.rollup_mask_add, STYPE = integer, INITCOND = '0',
	FINALFUNC = push_actions.rollup_mask_status, COMBINEFUNC = pg_catalog.int4or, PARALLEL = SAFE);

CREATE OR REPLACE FUNCTION push_actions.is_final(push_actions.push_status) RETURNS boolean
	AS 'MODULE_PATHNAME', 'push_status_is_final_fn' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE OR REPLACE FUNCTION push_actions.is_success(push_actions.push_status) RETURNS boolean
	AS 'MODULE_PATHNAME', 'push_status_is_success_fn' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE OR REPLACE FUNCTION push_actions.can_transition("from" push_actions.push_status, "to" push_actions.push_status) RETURNS boolean
	AS 'MODULE_PATHNAME', 'push_status_can_transition_fn' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE OR REPLACE FUNCTION push_actions.to_jsonb(push_actions.delivery_summary) RETURNS jsonb
	AS 'MODULE_PATHNAME', 'delivery_summary_to_jsonb' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE OR REPLACE FUNCTION push_actions.status(push_actions.delivery_summary) RETURNS push_actions.push_status
	AS 'MODULE_PATHNAME', 'delivery_summary_status' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE OR REPLACE FUNCTION push_actions.total(push_actions.delivery_summary) RETURNS bigint
	AS 'MODULE_PATHNAME', 'delivery_summary_total' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE OR REPLACE FUNCTION push_actions.status_count(push_actions.delivery_summary, push_actions.push_status) RETURNS bigint
	AS 'MODULE_PATHNAME', 'delivery_summary_status_count' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE OR REPLACE FUNCTION push_actions.pending(push_actions.delivery_summary) RETURNS bigint
	AS 'MODULE_PATHNAME', 'delivery_summary_pending' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE OR REPLACE FUNCTION push_actions.error_rate(push_actions.delivery_summary) RETURNS double precision
	AS 'MODULE_PATHNAME', 'delivery_summary_error_rate' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

DO $$
DECLARE
	f regprocedure;
	o regoperator;
BEGIN
	FOR f IN SELECT p.oid FROM pg_catalog.pg_proc p
	         WHERE p.pronamespace = 'push_actions'::regnamespace
	           AND p.proname IN ('min', 'max', 'delivery_summary', 'rollup_status', 'is_final', 'is_success',
	                             'can_transition', 'to_jsonb', 'status', 'total', 'status_count', 'pending', 'error_rate')
	LOOP
		EXECUTE format('COMMENT ON %s %s IS %L',
		               CASE WHEN (SELECT prokind FROM pg_catalog.pg_proc WHERE oid = f) = 'a' THEN 'AGGREGATE' ELSE 'FUNCTION' END,
		               f, 'deprecated: the 1.0 name of pg_catalog.' || (SELECT proname FROM pg_catalog.pg_proc WHERE oid = f) || '; call it unqualified');
	END LOOP;
	FOR o IN SELECT p.oid FROM pg_catalog.pg_operator p WHERE p.oprnamespace = 'push_actions'::regnamespace LOOP
		EXECUTE format('COMMENT ON OPERATOR %s IS %L', o, 'deprecated: the 1.0 name; use the unqualified operator');
	END LOOP;
END
$$;

-- Every lookup of a push is by app and id, which the primary key serves; this
-- index repeated its columns and cost every push insert.
DROP INDEX push_actions.pushes_push_id_idx;
-- Retention goes one app at a time (on Citus, each statement on the app's
-- shard), so its indexes lead with the app; each vocabulary is written once
-- (statuses' groups in C, platforms, the pending device), so the partial
-- indexes and the platform CHECK that name them are made again on the same rows.
DROP INDEX push_actions.pushes_expires_idx, push_actions.pushes_created_idx,
	push_actions.actions_standalone_idx, push_actions.actions_failed_idx,
	push_actions.actions_pending_idx, push_actions.actions_unfinished_idx;
ALTER TABLE push_actions.actions DROP CONSTRAINT actions_platform_check,
	ADD CONSTRAINT actions_platform_check CHECK (platform = ANY (push_actions_internal.platforms()));
-- sql/src/store_indexes.sql
-- Every index of the tables, each with the query it serves.

-- pushes
-- the primary key (app_id, push_id) serves every lookup of a push
-- an app's pushes by expiry and by age (purge and fold_actions, one app at a time)
CREATE INDEX IF NOT EXISTS pushes_expires_idx ON push_actions.pushes (app_id, expires_at);
CREATE INDEX IF NOT EXISTS pushes_created_idx ON push_actions.pushes (app_id, created_at);

-- actions
-- a campaign's actions newest first (the listing's default order)
CREATE INDEX IF NOT EXISTS actions_campaign_idx ON push_actions.actions (app_id, campaign_id, action_id DESC);
-- campaign summaries (delivery_summary per app or campaign, campaign_overview):
-- with every column a key, equal keys share one posting list, so the index
-- holds about 7 bytes per action (71 MB for 10 million, against 1.7 GB of
-- table); summaries are index-only scans of it, grouped in index order
-- (its cost to COPY and its gain to summaries: README "Performance").
CREATE INDEX IF NOT EXISTS actions_summary_idx ON push_actions.actions (app_id, campaign_id, status, attempts);
-- a push's actions, per person (message_status, delete_push, purge); in the
-- order of a per-message GROUP BY push_id, profile_id, with the status, so
-- per-message roll-ups are index-only scans grouped in order, not hashed
CREATE INDEX IF NOT EXISTS actions_push_idx ON push_actions.actions (push_id, profile_id, app_id)
	INCLUDE (status);
-- a campaign's failed actions: the seed request ("error" = 1)
CREATE INDEX IF NOT EXISTS actions_failed_idx ON push_actions.actions (app_id, campaign_id, action_id DESC)
	WHERE status = ANY (push_actions_internal.statuses('error'));
-- devices a push is still pending on (push_info, push_pending_devices)
CREATE INDEX IF NOT EXISTS actions_pending_idx ON push_actions.actions (app_id, push_id, action_id)
	INCLUDE (device_token)
	WHERE push_actions_internal.is_pending_device(status, platform, device_token);
-- actions still unfinished, for purge's "all final" test
CREATE INDEX IF NOT EXISTS actions_unfinished_idx ON push_actions.actions (app_id, push_id)
	WHERE status = ANY (push_actions_internal.statuses('unfinished'));
-- an app's standalone actions (no push) are folded by age
CREATE INDEX IF NOT EXISTS actions_standalone_idx ON push_actions.actions (app_id, create_time) WHERE push_id IS NULL;
-- sql/src/store_references.sql
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
-- statement), with the owner's rights like a foreign key's cascade (see above).
CREATE OR REPLACE FUNCTION push_actions_internal.delete_child_actions() RETURNS trigger
	LANGUAGE plpgsql SECURITY DEFINER
	SET search_path = pg_catalog, push_actions, pg_temp
	AS $$
BEGIN
	IF TG_TABLE_NAME = 'pushes' THEN
		DELETE FROM push_actions.actions a USING old_rows o
		WHERE a.app_id = o.app_id AND a.push_id = o.push_id;
	ELSE
		DELETE FROM push_actions.actions a USING old_rows o WHERE a.app_id = o.app_id;
		-- the app's campaigns, which its actions' deletion left at zero
		DELETE FROM push_actions_internal.campaign_stripes s USING old_rows o WHERE s.app_id = o.app_id;
	END IF;
	RETURN NULL;
END
$$;
REVOKE EXECUTE ON FUNCTION push_actions_internal.delete_child_actions() FROM PUBLIC;
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

-- 1.1: message and campaign roll-ups kept as actions are written; they are
-- built from the actions 1.0 wrote at the end of this step.
-- sql/src/kept_tables.sql
-- Roll-ups kept as actions are written, so that message_status and
-- campaign_overview read one row per message or a few per campaign instead
-- of regrouping every live action (README "Kept roll-ups").  The trigger
-- keep_rollups (src/kept_trigger.c) applies each statement's changed rows to
-- them in one pass; verify_rollups() compares them with a recomputation and
-- rebuild_rollups() makes them again.  Both tables are derived: they are not
-- dumped, since restoring the actions writes them again.

-- One row per message of a push; an action without a push is its own message
-- and needs no row.  The key is the push, the app and message_person(),
-- which is never NULL, so the trigger finds a message by plain equality.
-- person is compared byte-wise (COLLATE "C"): it is an identifier, not words;
-- push_id keeps the collation of the actions' column, which queries join it to.
CREATE TABLE push_actions_internal.messages (
	app_id			bigint NOT NULL,
	push_id			text NOT NULL,
	person			text COLLATE "C" NOT NULL,
	campaign_id		bigint,
	profile_id		text,
	device_id		bigint,
	-- the first action's time (its day is the message's day) and the first
	-- attempt's; NULL only while the trigger is between its two statements
	created_at		timestamptz,
	first_attempt_at timestamptz,
	summary			push_actions.delivery_summary NOT NULL,
	-- the rolled-up status before the last change, which the trigger reads
	-- back to move the message between its campaign's status counts
	previous_status	push_actions.push_status,
	-- what the trigger's upsert subtracts: an upsert can only hand over the
	-- table's own columns.  NULL in every stored row.
	removed			push_actions.delivery_summary,
	PRIMARY KEY (push_id, person, app_id)
);

-- Per app and campaign, the devices (actions) and messages per status, in
-- stripes: each backend writes the stripe of its slot among the server's
-- live backends, so writers on one large campaign never wait for each other
-- on these rows (nor deadlock on them across statements).  Counts only grow,
-- what joins in *_added and what leaves in *_removed; a campaign's numbers
-- are the differences of their sums.
CREATE TABLE push_actions_internal.campaign_stripes (
	app_id			bigint NOT NULL,
	campaign_id		bigint,
	stripe			integer NOT NULL,
	devices_added	push_actions.delivery_summary NOT NULL,
	devices_removed	push_actions.delivery_summary NOT NULL,
	messages_added	push_actions.delivery_summary NOT NULL,
	messages_removed push_actions.delivery_summary NOT NULL,
	UNIQUE NULLS NOT DISTINCT (app_id, campaign_id, stripe)
);

-- The stripe this backend writes: its slot among the live backends
-- (src/kept_trigger.c).  A campaign has at most as many stripes as the
-- server has backend slots, and its numbers are one index range.
CREATE OR REPLACE FUNCTION push_actions_internal.writer_stripe() RETURNS integer
	AS 'MODULE_PATHNAME' LANGUAGE C STABLE STRICT PARALLEL RESTRICTED;

-- Every campaign's devices and messages per status, as kept: the differences
-- of its stripes' sums.
CREATE OR REPLACE VIEW push_actions_internal.kept_campaigns AS
SELECT s.app_id, s.campaign_id,
       delivery_summary(s.devices_added) - delivery_summary(s.devices_removed) AS devices,
       delivery_summary(s.messages_added) - delivery_summary(s.messages_removed) AS messages
FROM push_actions_internal.campaign_stripes s
GROUP BY s.app_id, s.campaign_id;
-- sql/src/kept_trigger.sql
-- The trigger that keeps the roll-ups as actions are written (src/kept_trigger.c).

-- a - b for the trigger: an error that says the roll-ups are out of step
-- where b takes more than a counts (src/delivery_summary.c)
CREATE OR REPLACE FUNCTION push_actions_internal.kept_summary_minus(push_actions.delivery_summary, push_actions.delivery_summary)
	RETURNS push_actions.delivery_summary
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE OR REPLACE FUNCTION push_actions_internal.keep_rollups() RETURNS trigger
	AS 'MODULE_PATHNAME' LANGUAGE C;
-- SECURITY DEFINER, reviewed as the reference triggers are (store_references.sql):
-- a role that may write actions needs no right on the kept tables.
ALTER FUNCTION push_actions_internal.keep_rollups() SECURITY DEFINER
	SET search_path = pg_catalog, push_actions, pg_temp;
REVOKE EXECUTE ON FUNCTION push_actions_internal.keep_rollups() FROM PUBLIC;

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
-- sql/src/kept_repair.sql
-- What the kept roll-ups must equal, recomputed from the actions, and the
-- two functions that check and make them again from it.

-- Every message of a push, computed from its actions: what the kept rows
-- must equal.  Read by verify_rollups(), rebuild_rollups() and the trigger.
CREATE OR REPLACE VIEW push_actions_internal.recomputed_messages AS
SELECT a.app_id, a.push_id,
       push_actions_internal.message_person(a.campaign_id, a.profile_id, a.device_id) AS person,
       a.campaign_id, a.profile_id,
       push_actions_internal.message_device(a.profile_id, a.device_id) AS device_id,
       min(a.create_time) AS created_at,
       min(a.create_time) FILTER (WHERE a.status <> 'scheduled') AS first_attempt_at,
       delivery_summary(a.status, a.attempts) AS summary
FROM push_actions.actions a
WHERE a.push_id IS NOT NULL
GROUP BY 1, 2, 3, 4, 5, 6;

-- The campaign roll-up rule, written once: a campaign counts each device
-- (action) under its own status and each message once, under its rolled-up
-- status; an action without a push is a message of its own.  Over the kept
-- messages (kept, which rebuild_rollups() writes into the stripes) and over
-- the ones recomputed from the actions (not kept, what verify_rollups()
-- compares the stripes with).  The trigger applies the same rule to each
-- statement's changes (src/kept_statement.c).  A view rather than a function
-- of "kept", so that a caller's WHERE reaches the actions on one server and
-- on Citus alike.
CREATE OR REPLACE VIEW push_actions_internal.campaign_rollups AS
SELECT m.app_id, m.kept, m.campaign_id,
       delivery_summary(m.summary) AS devices, delivery_summary(status(m.summary)) AS messages
FROM (
	SELECT k.app_id, true AS kept, k.campaign_id, k.summary
	FROM push_actions_internal.messages k
	UNION ALL
	SELECT r.app_id, false, r.campaign_id, r.summary
	FROM push_actions_internal.recomputed_messages r
	UNION ALL
	SELECT a.app_id, s.kept, a.campaign_id, push_actions.delivery_summary_add_status_attempts_int2(NULL, a.status, a.attempts)
	FROM push_actions.actions a, (VALUES (true), (false)) s (kept)
	WHERE a.push_id IS NULL
) m
GROUP BY m.app_id, m.kept, m.campaign_id;

-- Every message and campaign whose kept numbers differ from a recomputation
-- from the actions, with both sides as JSON; no rows when they agree.
CREATE OR REPLACE FUNCTION push_actions.verify_rollups()
	RETURNS TABLE (scope text, app_id bigint, campaign_id bigint, push_id text, person text,
	               kept jsonb, recomputed jsonb)
	LANGUAGE sql STABLE
	SET search_path = pg_catalog, push_actions, pg_temp
	AS $$
SELECT 'message', coalesce(k.app_id, r.app_id), coalesce(k.campaign_id, r.campaign_id),
       coalesce(k.push_id, r.push_id), coalesce(k.person, r.person),
       CASE WHEN k.push_id IS NOT NULL THEN
	       jsonb_build_object('campaign_id', k.campaign_id, 'profile_id', k.profile_id, 'device_id', k.device_id,
	                          'created_at', k.created_at, 'first_attempt_at', k.first_attempt_at,
	                          'summary', to_jsonb(k.summary)) END,
       CASE WHEN r.push_id IS NOT NULL THEN
	       jsonb_build_object('campaign_id', r.campaign_id, 'profile_id', r.profile_id, 'device_id', r.device_id,
	                          'created_at', r.created_at, 'first_attempt_at', r.first_attempt_at,
	                          'summary', to_jsonb(r.summary)) END
FROM push_actions_internal.messages k
FULL JOIN push_actions_internal.recomputed_messages r
  ON r.push_id = k.push_id AND r.person = k.person COLLATE "default" AND r.app_id = k.app_id
WHERE k.push_id IS NULL OR r.push_id IS NULL
   OR (k.campaign_id, k.profile_id, k.device_id, k.created_at, k.first_attempt_at)
      IS DISTINCT FROM (r.campaign_id, r.profile_id, r.device_id, r.created_at, r.first_attempt_at)
   OR k.summary <> r.summary OR k.removed IS NOT NULL
UNION ALL
SELECT 'campaign', coalesce(k.app_id, r.app_id), coalesce(k.campaign_id, r.campaign_id), NULL, NULL,
       jsonb_build_object('devices', to_jsonb(coalesce(k.devices, '{}')), 'messages', to_jsonb(coalesce(k.messages, '{}'))),
       jsonb_build_object('devices', to_jsonb(coalesce(r.devices, '{}')), 'messages', to_jsonb(coalesce(r.messages, '{}')))
FROM push_actions_internal.kept_campaigns k
FULL JOIN (SELECT * FROM push_actions_internal.campaign_rollups WHERE NOT kept) r
  ON r.app_id = k.app_id AND r.campaign_id IS NOT DISTINCT FROM k.campaign_id
WHERE coalesce(k.devices, '{}') <> coalesce(r.devices, '{}')
   OR coalesce(k.messages, '{}') <> coalesce(r.messages, '{}')
ORDER BY 1, 2, 3, 4, 5
$$;
REVOKE EXECUTE ON FUNCTION push_actions.verify_rollups() FROM PUBLIC;
COMMENT ON FUNCTION push_actions.verify_rollups() IS
	'every message and campaign whose kept roll-up differs from a recomputation from the actions (none when in step)';

-- Makes the kept roll-ups again from the actions; returns the messages kept.
-- Writers of actions wait meanwhile (SHARE lock), so nothing changes under it.
CREATE OR REPLACE FUNCTION push_actions.rebuild_rollups() RETURNS bigint
	LANGUAGE plpgsql VOLATILE
	SET search_path = pg_catalog, push_actions, pg_temp
	AS $$
DECLARE
	n bigint;
BEGIN
	LOCK TABLE push_actions.actions IN SHARE MODE;
	TRUNCATE push_actions_internal.messages, push_actions_internal.campaign_stripes;
	INSERT INTO push_actions_internal.messages
		(app_id, push_id, person, campaign_id, profile_id, device_id, created_at, first_attempt_at, summary)
	SELECT r.app_id, r.push_id, r.person, r.campaign_id, r.profile_id, r.device_id,
	       r.created_at, r.first_attempt_at, r.summary
	FROM push_actions_internal.recomputed_messages r;
	GET DIAGNOSTICS n = ROW_COUNT;
	-- the campaigns from the messages just kept, not from a second grouping
	-- of the actions
	INSERT INTO push_actions_internal.campaign_stripes
		(app_id, campaign_id, stripe, devices_added, devices_removed, messages_added, messages_removed)
	SELECT c.app_id, c.campaign_id, 0, c.devices, '{}', c.messages, '{}'
	FROM push_actions_internal.campaign_rollups c
	WHERE c.kept;
	RETURN n;
END
$$;
REVOKE EXECUTE ON FUNCTION push_actions.rebuild_rollups() FROM PUBLIC;
COMMENT ON FUNCTION push_actions.rebuild_rollups() IS
	'makes the kept message and campaign roll-ups again from the actions; returns the messages kept';

-- sql/src/apps_api.sql
-- Apps and their API tokens: creating an app, finding the app a token
-- belongs to, and the push of an app that a key may see.  Each call is one
-- statement, so it is atomic; errors change nothing.

-- Looks up the app an API token belongs to; NULL when none does.
CREATE OR REPLACE FUNCTION push_actions.app_for_token(token text) RETURNS bigint
	LANGUAGE sql STABLE STRICT PARALLEL SAFE
	SET search_path = pg_catalog, push_actions, pg_temp
	AS $$ SELECT app_id FROM push_actions.apps WHERE token_hash = sha256(convert_to(token, 'UTF8')) $$;

CREATE OR REPLACE FUNCTION push_actions.create_app(name text)
	RETURNS TABLE (app_id bigint, apptoken text)
	LANGUAGE plpgsql VOLATILE
	SET search_path = pg_catalog, push_actions, pg_temp
	AS $$
DECLARE
	token text;
BEGIN
	IF name IS NULL OR length(btrim(name)) = 0 THEN
		RAISE EXCEPTION 'app name must not be empty'
			USING ERRCODE = 'invalid_parameter_value';
	END IF;
	-- 244 random bits from the server's strong random source
	token := replace(gen_random_uuid()::text, '-', '') || replace(gen_random_uuid()::text, '-', '');
	INSERT INTO push_actions.apps AS a (name, token_hash)
		VALUES (create_app.name, sha256(convert_to(token, 'UTF8')))
		RETURNING a.app_id INTO app_id;
	apptoken := token;
	RETURN NEXT;
END
$$;
COMMENT ON FUNCTION push_actions.create_app(text) IS
	'creates an app and returns its API token; only a hash of the token is stored';

-- The error object of the Pushy API: {"code": ..., "error": ...}.
CREATE OR REPLACE FUNCTION push_actions_internal.push_error(code text) RETURNS jsonb
	LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
	SET search_path = pg_catalog, push_actions, pg_temp
	AS $$
SELECT jsonb_build_object('code', code, 'error', CASE code
	WHEN 'INVALID_PUSH_ID' THEN 'The push notification ID provided is invalid.'
	WHEN 'PUSH_SCHEDULED' THEN 'The push notification is scheduled for future delivery, please try again after the scheduled delivery time elapses.'
	WHEN 'INVALID_API_KEY' THEN 'The secret API key provided is invalid.'
END)
$$;

-- The app's push a key may see, or NULL with the error to answer.  Unknown,
-- malformed, purged, deleted and other apps' ids all look the same.
CREATE OR REPLACE FUNCTION push_actions_internal.find_push(push_id text, api_key text, OUT push push_actions.pushes, OUT error jsonb)
	LANGUAGE plpgsql STABLE PARALLEL SAFE
	SET search_path = pg_catalog, push_actions, pg_temp
	AS $$
DECLARE
	app bigint := push_actions.app_for_token(api_key);
BEGIN
	IF app IS NULL THEN
		error := push_actions_internal.push_error('INVALID_API_KEY');
		RETURN;
	END IF;
	IF push_id IS NOT NULL AND push_id ~ '^[0-9a-f]{24}$' THEN
		SELECT * INTO push FROM push_actions.pushes p WHERE p.app_id = app AND p.push_id = find_push.push_id;
	END IF;
	IF push.push_id IS NULL THEN
		error := push_actions_internal.push_error('INVALID_PUSH_ID');
	END IF;
END
$$;
-- sql/src/writes_create.sql
-- Write API: creating a push and its actions.  One statement, so it is atomic;
-- errors change nothing.

-- A push id like the hosted APIs': 8 hex digits of time, 16 random (64
-- bits): the first 12 digits of one version-4 UUID and 4 of another, all of
-- them random (a UUID's 13th digit is its version, its 17th its variant).
CREATE OR REPLACE FUNCTION push_actions_internal.new_push_id() RETURNS text
	LANGUAGE sql VOLATILE PARALLEL SAFE
	SET search_path = pg_catalog, push_actions, pg_temp
	AS $$ SELECT lpad(to_hex(extract(epoch FROM now())::bigint), 8, '0')
	             || left(gen_random_uuid()::text, 8) || substr(gen_random_uuid()::text, 10, 4)
	             || left(gen_random_uuid()::text, 4) $$;

CREATE OR REPLACE FUNCTION push_actions.create_push(
	app_id bigint, payload jsonb, devices jsonb,
	campaign_id bigint DEFAULT NULL, send_at timestamptz DEFAULT NULL,
	expires_at timestamptz DEFAULT NULL)
	RETURNS text
	LANGUAGE plpgsql VOLATILE
	SET search_path = pg_catalog, push_actions, pg_temp
	AS $$
DECLARE
	new_id		text := push_actions_internal.new_push_id();
	expiry		timestamptz := coalesce(expires_at, now() + interval '30 days');
	bad			record;
	problem		text;
	device_keys	CONSTANT text[] := '{device_id,token,platform,profile_id}';
	platforms	CONSTANT text[] := push_actions_internal.platforms();
BEGIN
	IF app_id IS NULL OR NOT EXISTS (SELECT 1 FROM push_actions.apps a WHERE a.app_id = create_push.app_id) THEN
		RAISE EXCEPTION 'app % does not exist', coalesce(app_id::text, 'NULL')
			USING ERRCODE = 'foreign_key_violation';
	END IF;
	IF payload IS NULL OR jsonb_typeof(payload) <> 'object' THEN
		RAISE EXCEPTION 'payload must be a JSON object'
			USING ERRCODE = 'invalid_parameter_value';
	END IF;
	IF devices IS NULL OR jsonb_typeof(devices) <> 'array' OR jsonb_array_length(devices) = 0 THEN
		RAISE EXCEPTION 'devices must be a non-empty JSON array'
			USING ERRCODE = 'invalid_parameter_value';
	END IF;
	IF expiry <= now() OR expiry > now() + interval '365 days' THEN
		RAISE EXCEPTION 'expires_at must be in the next 365 days'
			USING ERRCODE = 'invalid_parameter_value',
			      DETAIL = format('expires_at is %s.', expiry);
	END IF;
	IF send_at IS NOT NULL AND send_at >= expiry THEN
		RAISE EXCEPTION 'send_at must be before expires_at'
			USING ERRCODE = 'invalid_parameter_value';
	END IF;

	-- Find the first malformed device, then say exactly what is wrong with it.
	SELECT d.i - 1 AS idx, d.e INTO bad
	FROM jsonb_array_elements(devices) WITH ORDINALITY AS d(e, i)
	WHERE jsonb_typeof(d.e) IS DISTINCT FROM 'object'
	   OR jsonb_typeof(d.e -> 'device_id') IS DISTINCT FROM 'number'
	   OR (d.e ->> 'device_id') !~ '^[0-9]{1,18}$'
	   OR jsonb_typeof(d.e -> 'platform') IS DISTINCT FROM 'string'
	   OR (d.e ->> 'platform') <> ALL (platforms)
	   OR coalesce(jsonb_typeof(d.e -> 'token'), 'null') NOT IN ('string', 'null')
	   OR coalesce(jsonb_typeof(d.e -> 'profile_id'), 'null') NOT IN ('string', 'null')
	   OR EXISTS (SELECT 1 FROM jsonb_object_keys(d.e) k
	              WHERE k <> ALL (device_keys))
	ORDER BY d.i LIMIT 1;
	IF FOUND THEN
		problem := CASE
			WHEN jsonb_typeof(bad.e) IS DISTINCT FROM 'object' THEN 'is not an object'
			WHEN (SELECT k FROM jsonb_object_keys(bad.e) k
			      WHERE k <> ALL (device_keys) LIMIT 1) IS NOT NULL
				THEN format('has unknown key "%s"', (SELECT k FROM jsonb_object_keys(bad.e) k
					WHERE k <> ALL (device_keys) ORDER BY k LIMIT 1))
			WHEN jsonb_typeof(bad.e -> 'device_id') IS DISTINCT FROM 'number'
			  OR (bad.e ->> 'device_id') !~ '^[0-9]{1,18}$'
				THEN 'device_id must be a non-negative integer'
			WHEN jsonb_typeof(bad.e -> 'platform') IS DISTINCT FROM 'string'
			  OR (bad.e ->> 'platform') <> ALL (platforms)
				THEN 'platform must be one of ' || array_to_string(platforms, ', ')
			WHEN coalesce(jsonb_typeof(bad.e -> 'token'), 'null') NOT IN ('string', 'null')
				THEN 'token must be a string'
			ELSE 'profile_id must be a string'
		END;
		RAISE EXCEPTION 'devices[%] %', bad.idx, problem
			USING ERRCODE = 'invalid_parameter_value';
	END IF;

	INSERT INTO push_actions.pushes (push_id, app_id, campaign_id, payload, created_at, send_at, expires_at)
		VALUES (new_id, app_id, campaign_id, payload, now(), send_at, expiry);
	INSERT INTO push_actions.actions
		(app_id, push_id, campaign_id, device_id, profile_id, device_token, platform, channel, status, attempts)
	SELECT create_push.app_id, new_id, create_push.campaign_id, (d.e ->> 'device_id')::bigint,
	       d.e ->> 'profile_id', d.e ->> 'token', d.e ->> 'platform', 'push',
	       CASE WHEN send_at > now() THEN 'scheduled' ELSE 'attempted' END::push_actions.push_status, 0
	FROM jsonb_array_elements(devices) WITH ORDINALITY AS d(e, i)
	ORDER BY d.i;
	RETURN new_id;
END
$$;
COMMENT ON FUNCTION push_actions.create_push(bigint, jsonb, jsonb, bigint, timestamptz, timestamptz) IS
	'creates a push and one action per device; returns the 24-hex push_id';

-- 1.1: the write API locks an action by its whole key, app included, and
-- each write call takes the app as an optional last argument
-- (sql/src/api_status.sql).  The 1.0 forms give way to them; privileges
-- granted on the 1.0 forms carry over.
ALTER FUNCTION push_actions.record_attempt(bigint, boolean, text, boolean) RENAME TO record_attempt_1_0;
ALTER FUNCTION push_actions.record_event(bigint, push_actions.push_status, timestamptz) RENAME TO record_event_1_0;
ALTER FUNCTION push_actions.retry(bigint) RENAME TO retry_1_0;
DROP FUNCTION push_actions_internal.lock_action(bigint);
-- sql/src/writes_status.sql
-- Write API: an action's status, through the state machine of can_transition().

-- True when a provider's error says the device token is dead for good.
CREATE OR REPLACE FUNCTION push_actions_internal.is_dead_token_error(message text) RETURNS boolean
	LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
	SET search_path = pg_catalog, push_actions, pg_temp
	AS $$ SELECT message ~* '(DEVICE_UNREGISTERED|\mUNREGISTERED\M|Application is Uninstalled|DeviceNotRegistered)' $$;

-- Locks an action for a write API call, or raises no_data_found.  The lock
-- names the action's whole key: on Citus (push_actions.distribute()) only a
-- lock by app_id is routed to one shard.  A caller that does not give the
-- app has it read first.
CREATE OR REPLACE FUNCTION push_actions_internal.lock_action(action_id bigint, app_id bigint)
	RETURNS push_actions.actions
	LANGUAGE plpgsql VOLATILE
	SET search_path = pg_catalog, push_actions, pg_temp
	AS $$
DECLARE
	row push_actions.actions;
	app bigint := lock_action.app_id;
BEGIN
	IF action_id IS NULL THEN
		RAISE EXCEPTION 'action_id must not be NULL' USING ERRCODE = 'null_value_not_allowed';
	END IF;
	IF app IS NULL THEN
		SELECT a.app_id INTO app FROM push_actions.actions a WHERE a.action_id = lock_action.action_id;
	END IF;
	SELECT * INTO row FROM push_actions.actions a
	WHERE a.action_id = lock_action.action_id AND a.app_id = app FOR UPDATE;
	IF NOT FOUND THEN
		RAISE EXCEPTION 'action % does not exist%', action_id,
			CASE WHEN lock_action.app_id IS NOT NULL THEN format(' in app %s', lock_action.app_id) ELSE '' END
			USING ERRCODE = 'no_data_found';
	END IF;
	RETURN row;
END
$$;

-- Raises the error for a transition the state machine refuses.
CREATE OR REPLACE FUNCTION push_actions_internal.refuse_transition(action_id bigint, "from" push_actions.push_status,
                                               "to" push_actions.push_status, hint text DEFAULT NULL)
	RETURNS void
	LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE
	SET search_path = pg_catalog, push_actions, pg_temp
	AS $$
BEGIN
	RAISE EXCEPTION 'action % cannot go from % to %', action_id, "from", "to"
		USING ERRCODE = 'object_not_in_prerequisite_state',
		      HINT = coalesce(hint, 'See can_transition() for the allowed transitions.');
END
$$;

-- Each write call takes the action's app as an optional last argument:
-- given, the action is locked by its whole key at once, and on Citus the
-- call runs whole on the worker that holds the app (distribute() makes these
-- distributed functions); omitted, the app is read first.
CREATE OR REPLACE FUNCTION push_actions.record_attempt(action_id bigint, ok boolean,
	error_message text DEFAULT NULL, permanent boolean DEFAULT false, app_id bigint DEFAULT NULL)
	RETURNS push_actions.push_status
	LANGUAGE plpgsql VOLATILE
	SET search_path = pg_catalog, push_actions, pg_temp
	AS $$
DECLARE
	cur		push_actions.actions;
	tries	smallint;
	new_status	push_actions.push_status;
BEGIN
	IF ok IS NULL THEN
		RAISE EXCEPTION 'ok must not be NULL' USING ERRCODE = 'null_value_not_allowed';
	END IF;
	cur := push_actions_internal.lock_action(action_id, app_id);
	-- A send starts from attempted; a scheduled action passes through it,
	-- as can_transition() allows.  failed -> attempted is retry()'s alone.
	IF cur.status = 'failed' OR NOT can_transition(cur.status, 'attempted') THEN
		PERFORM push_actions_internal.refuse_transition(action_id, cur.status,
			CASE WHEN ok THEN 'sent' ELSE 'attempted' END::push_actions.push_status,
			CASE WHEN cur.status = 'failed' THEN 'Call push_actions.retry() first.' END);
	END IF;
	tries := cur.attempts + 1;
	new_status := CASE
		WHEN ok THEN 'sent'
		WHEN push_actions_internal.is_dead_token_error(error_message) THEN 'bounced'
		WHEN coalesce(permanent, false) OR tries >= 10 THEN 'failed'
		ELSE 'attempted'
	END;
	IF NOT can_transition('attempted', new_status) THEN
		PERFORM push_actions_internal.refuse_transition(action_id, 'attempted', new_status);
	END IF;
	UPDATE push_actions.actions a
	SET status = new_status,
	    attempts = tries,
	    error_message = CASE WHEN ok THEN NULL ELSE record_attempt.error_message END,
	    updated_at = now()
	WHERE a.action_id = record_attempt.action_id AND a.app_id = cur.app_id;
	RETURN new_status;
END
$$;
COMMENT ON FUNCTION push_actions.record_attempt(bigint, boolean, text, boolean, bigint) IS
	'records one send attempt: sent on success; attempted, failed (10th try or permanent) or bounced (dead token) on failure';

CREATE OR REPLACE FUNCTION push_actions.record_event(action_id bigint, status push_actions.push_status,
	at timestamptz DEFAULT now(), app_id bigint DEFAULT NULL)
	RETURNS push_actions.push_status
	LANGUAGE plpgsql VOLATILE
	SET search_path = pg_catalog, push_actions, pg_temp
	AS $$
DECLARE
	cur		push_actions.actions;
BEGIN
	IF status IS NULL OR status NOT IN ('delivered', 'opened', 'converted', 'expired') THEN
		RAISE EXCEPTION 'record_event takes delivered, opened, converted or expired, not %',
			coalesce(status::text, 'NULL')
			USING ERRCODE = 'invalid_parameter_value',
			      HINT = 'Use record_attempt() for send results and retry() for failed actions.';
	END IF;
	IF at IS NULL THEN
		RAISE EXCEPTION 'at must not be NULL' USING ERRCODE = 'null_value_not_allowed';
	END IF;
	cur := push_actions_internal.lock_action(action_id, app_id);
	IF NOT can_transition(cur.status, status) THEN
		PERFORM push_actions_internal.refuse_transition(action_id, cur.status, status);
	END IF;
	UPDATE push_actions.actions a SET status = record_event.status, updated_at = at
	WHERE a.action_id = record_event.action_id AND a.app_id = cur.app_id;
	RETURN status;
END
$$;
COMMENT ON FUNCTION push_actions.record_event(bigint, push_actions.push_status, timestamptz, bigint) IS
	'records delivered, opened, converted or expired for an action, as the state machine allows';

CREATE OR REPLACE FUNCTION push_actions.retry(action_id bigint, app_id bigint DEFAULT NULL)
	RETURNS push_actions.push_status
	LANGUAGE plpgsql VOLATILE
	SET search_path = pg_catalog, push_actions, pg_temp
	AS $$
DECLARE
	cur		push_actions.actions := push_actions_internal.lock_action(action_id, app_id);
BEGIN
	IF cur.status <> 'failed' OR NOT can_transition(cur.status, 'attempted') THEN
		PERFORM push_actions_internal.refuse_transition(action_id, cur.status, 'attempted',
			'Only failed actions can be retried.');
	END IF;
	IF cur.attempts >= 10 THEN
		RAISE EXCEPTION 'action % has used all 10 attempts', action_id
			USING ERRCODE = 'object_not_in_prerequisite_state';
	END IF;
	UPDATE push_actions.actions a SET status = 'attempted', updated_at = now()
	WHERE a.action_id = retry.action_id AND a.app_id = cur.app_id;
	RETURN 'attempted'::push_actions.push_status;
END
$$;
COMMENT ON FUNCTION push_actions.retry(bigint, bigint) IS
	'puts a failed action with fewer than 10 attempts back to attempted';
DO $$
DECLARE
	f record;
	g record;
BEGIN
	FOR f IN SELECT n.oid::regprocedure AS fn, o.proacl, o.proowner
	         FROM pg_proc o JOIN pg_proc n ON n.pronamespace = o.pronamespace AND n.proname || '_1_0' = o.proname
	         WHERE o.pronamespace = 'push_actions'::regnamespace AND o.proacl IS NOT NULL
	           AND o.proname IN ('record_attempt_1_0', 'record_event_1_0', 'retry_1_0') LOOP
		EXECUTE format('REVOKE ALL ON FUNCTION %s FROM PUBLIC', f.fn);
		FOR g IN SELECT a.grantee, a.is_grantable FROM aclexplode(f.proacl) a WHERE a.grantee <> f.proowner LOOP
			EXECUTE format('GRANT EXECUTE ON FUNCTION %s TO %s%s', f.fn,
			               CASE WHEN g.grantee = 0 THEN 'PUBLIC' ELSE g.grantee::regrole::text END,
			               CASE WHEN g.is_grantable THEN ' WITH GRANT OPTION' ELSE '' END);
		END LOOP;
	END LOOP;
END
$$;
DROP FUNCTION push_actions.record_attempt_1_0(bigint, boolean, text, boolean);
DROP FUNCTION push_actions.record_event_1_0(bigint, push_actions.push_status, timestamptz);
DROP FUNCTION push_actions.retry_1_0(bigint);

DROP FUNCTION push_actions_internal.fold_and_delete(bigint[], text[], bigint[]);
-- sql/src/retention.sql
-- Retention: folding old actions into daily_rollups, purge and deletion.

-- Folds the given pushes of one app (whole, with all their actions) and its
-- standalone actions into daily_rollups and deletes them, in one transaction:
-- a row is either still in actions or counted in daily_rollups, never both
-- and never twice.  One app per call and every statement bound to it, so that
-- on Citus each runs as one task on the app's shard.  Returns the number of
-- actions folded.
CREATE OR REPLACE FUNCTION push_actions_internal.fold_and_delete(app bigint, push_ids text[], action_ids bigint[])
	RETURNS bigint
	LANGUAGE plpgsql VOLATILE
	SET search_path = pg_catalog, push_actions, pg_temp
	AS $$
DECLARE
	folded	bigint;
	rows	push_actions.daily_rollups[];
BEGIN
	-- the deletes are CTEs of a SELECT, not of the INSERT below: Citus routes
	-- a statement whose CTEs delete to one shard, not one whose CTEs insert
	WITH push_gone AS (
		DELETE FROM push_actions.actions a
		WHERE a.app_id = app AND a.push_id = ANY (push_ids)
		RETURNING a.*
	), standalone_gone AS (
		DELETE FROM push_actions.actions a
		WHERE a.app_id = app AND a.action_id = ANY (action_ids) AND a.push_id IS NULL
		RETURNING a.*
	), pushes_gone AS (
		DELETE FROM push_actions.pushes p
		WHERE p.app_id = app AND p.push_id = ANY (push_ids)
	), gone AS (
		SELECT * FROM push_gone UNION ALL SELECT * FROM standalone_gone
	), msgs AS (
		SELECT campaign_id,
		       (array_agg(platform ORDER BY action_id))[1] AS platform,
		       (min(create_time) AT TIME ZONE 'UTC')::date AS day,
		       rollup_status(status) AS status
		FROM gone
		GROUP BY push_id, campaign_id, profile_id,
		         push_actions_internal.message_device(profile_id, device_id),
		         push_actions_internal.message_action(push_id, action_id)
	), parts AS (
		SELECT campaign_id, platform, (create_time AT TIME ZONE 'UTC')::date AS day, count(*) AS n,
		       delivery_summary(status, attempts) AS summary, NULL::push_actions.delivery_summary AS messages
		FROM gone GROUP BY 1, 2, 3
		UNION ALL
		SELECT campaign_id, platform, day, 0, NULL, delivery_summary(status)
		FROM msgs GROUP BY 1, 2, 3
	), per_day AS (
		SELECT campaign_id, platform, day, sum(n) AS n,
		       coalesce(delivery_summary(summary), '{}') AS summary,
		       coalesce(delivery_summary(messages), '{}') AS messages
		FROM parts GROUP BY 1, 2, 3
	)
	SELECT coalesce(sum(d.n), 0),
	       array_agg(ROW(app, d.campaign_id, d.platform, d.day, d.summary, d.messages)::push_actions.daily_rollups)
	INTO folded, rows
	FROM per_day d;
	IF rows IS NOT NULL THEN
		-- in key order: two folds that share rows (same app, campaign, platform
		-- and day) then take them in the same order and wait instead of deadlocking
		INSERT INTO push_actions.daily_rollups AS r
		SELECT * FROM unnest(rows) ORDER BY campaign_id, platform, day
		ON CONFLICT (app_id, campaign_id, platform, day) DO UPDATE
		SET summary = r.summary + excluded.summary,
		    messages = r.messages + excluded.messages;
	END IF;
	RETURN folded;
END
$$;

-- Retention goes one app at a time, in app order, each statement bound to the
-- app: on Citus every statement then runs on the app's shard (rows cannot be
-- locked across shards), and concurrent runs meet the apps in one order.
CREATE OR REPLACE FUNCTION push_actions.fold_actions(older_than timestamptz, batch integer DEFAULT 10000)
	RETURNS bigint
	LANGUAGE plpgsql VOLATILE
	SET search_path = pg_catalog, push_actions, pg_temp
	AS $$
DECLARE
	app			bigint;
	push_ids	text[];
	action_ids	bigint[];
	pushes_left	integer := batch;
	alone_left	integer := batch;
	folded		bigint := 0;
BEGIN
	IF older_than IS NULL THEN
		RAISE EXCEPTION 'older_than must not be NULL' USING ERRCODE = 'null_value_not_allowed';
	END IF;
	IF batch IS NULL OR batch < 1 THEN
		RAISE EXCEPTION 'batch must be a positive number of pushes' USING ERRCODE = 'invalid_parameter_value';
	END IF;
	FOR app IN SELECT a.app_id FROM push_actions.apps a ORDER BY a.app_id LOOP
		EXIT WHEN pushes_left = 0 AND alone_left = 0;
		-- SKIP LOCKED: a concurrent fold takes other pushes instead of waiting on these
		SELECT array_agg(p.push_id) INTO push_ids FROM (
			SELECT push_id FROM push_actions.pushes
			WHERE app_id = app AND created_at < older_than ORDER BY created_at LIMIT pushes_left
			FOR UPDATE SKIP LOCKED) p;
		SELECT array_agg(a.action_id) INTO action_ids FROM (
			SELECT action_id FROM push_actions.actions
			WHERE app_id = app AND push_id IS NULL AND create_time < older_than ORDER BY create_time LIMIT alone_left
			FOR UPDATE SKIP LOCKED) a;
		CONTINUE WHEN push_ids IS NULL AND action_ids IS NULL;
		folded := folded + push_actions_internal.fold_and_delete(app, coalesce(push_ids, '{}'), coalesce(action_ids, '{}'));
		pushes_left := pushes_left - coalesce(cardinality(push_ids), 0);
		alone_left := alone_left - coalesce(cardinality(action_ids), 0);
	END LOOP;
	RETURN folded;
END
$$;
COMMENT ON FUNCTION push_actions.fold_actions(timestamptz, integer) IS
	'moves up to batch pushes created before older_than (and as many standalone actions) into daily_rollups; returns the actions moved';

CREATE OR REPLACE FUNCTION push_actions.purge(now timestamptz DEFAULT now(), batch integer DEFAULT 10000)
	RETURNS bigint
	LANGUAGE plpgsql VOLATILE
	SET search_path = pg_catalog, push_actions, pg_temp
	AS $$
DECLARE
	app			bigint;
	push_ids	text[];
	purged		bigint := 0;
BEGIN
	IF now IS NULL THEN
		RAISE EXCEPTION 'now must not be NULL' USING ERRCODE = 'null_value_not_allowed';
	END IF;
	IF batch IS NULL OR batch < 1 THEN
		RAISE EXCEPTION 'batch must be a positive number of pushes' USING ERRCODE = 'invalid_parameter_value';
	END IF;
	FOR app IN SELECT a.app_id FROM push_actions.apps a ORDER BY a.app_id LOOP
		EXIT WHEN purged = batch;
		-- Expired, or every action final for 2 days.  SKIP LOCKED: concurrent
		-- purges take different pushes; a push being written to waits for the next run.
		SELECT array_agg(c.push_id) INTO push_ids FROM (
			SELECT p.push_id FROM push_actions.pushes p
			WHERE p.app_id = app
			  AND (p.expires_at <= purge.now
			       OR (p.created_at <= purge.now - interval '2 days'
			           AND NOT EXISTS (SELECT 1 FROM push_actions.actions a
			                           WHERE a.app_id = app AND a.push_id = p.push_id
			                             AND a.status = ANY (push_actions_internal.statuses('unfinished')))
			           AND NOT EXISTS (SELECT 1 FROM push_actions.actions a
			                           WHERE a.app_id = app AND a.push_id = p.push_id
			                             AND a.updated_at > purge.now - interval '2 days')))
			ORDER BY p.expires_at
			LIMIT batch - purged
			FOR UPDATE OF p SKIP LOCKED) c;
		CONTINUE WHEN push_ids IS NULL;
		-- Every action of these pushes is locked before any changes: the expiry
		-- below locks the kept rows of its messages, and the fold then needs no
		-- further action lock that a send to another device of such a message,
		-- waiting for one of those rows, could hold.
		PERFORM 1 FROM push_actions.actions a
		WHERE a.app_id = app AND a.push_id = ANY (push_ids)
		ORDER BY a.action_id
		FOR UPDATE OF a;
		-- what never finished before expiry is counted as expired
		UPDATE push_actions.actions a SET status = 'expired', updated_at = purge.now
		FROM push_actions.pushes p
		WHERE a.app_id = app AND a.push_id = ANY (push_ids)
		  AND p.app_id = app AND p.push_id = a.push_id AND p.expires_at <= purge.now
		  AND a.status = ANY (push_actions_internal.statuses('unfinished'));
		PERFORM push_actions_internal.fold_and_delete(app, push_ids, '{}');
		purged := purged + cardinality(push_ids);
	END LOOP;
	RETURN purged;
END
$$;
COMMENT ON FUNCTION push_actions.purge(timestamptz, integer) IS
	'deletes up to batch pushes that expired or whose actions were all final for 2 days, folding them into daily_rollups first; returns the pushes removed';


CREATE OR REPLACE FUNCTION push_actions.delete_push(push_id text, api_key text)
	RETURNS jsonb
	LANGUAGE plpgsql VOLATILE
	SET search_path = pg_catalog, push_actions, pg_temp
	AS $$
DECLARE
	hit		record := push_actions_internal.find_push(push_id, api_key);
BEGIN
	IF hit.error IS NOT NULL THEN
		RETURN hit.error;
	END IF;
	-- the row lock makes a concurrent delete or purge wait, then find nothing
	PERFORM 1 FROM push_actions.pushes p
	WHERE p.app_id = (hit.push).app_id AND p.push_id = (hit.push).push_id FOR UPDATE;
	IF NOT FOUND THEN
		RETURN push_actions_internal.push_error('INVALID_PUSH_ID');
	END IF;
	PERFORM push_actions_internal.fold_and_delete((hit.push).app_id, ARRAY[(hit.push).push_id], '{}');
	RETURN '{"success": true}'::jsonb;
END
$$;
COMMENT ON FUNCTION push_actions.delete_push(text, text) IS
	'deletes a push and its actions, after folding them into daily_rollups';

-- sql/src/kept_views.sql
-- The kept roll-ups' views for analysts and BI tools: every chartable column is a plain SQL type.

-- One row per message: a push to one person (or, without a profile, to one
-- device); an action without a push is a message of its own.  Read from the
-- kept roll-ups (kept_tables.sql), not regrouped from the actions.
CREATE OR REPLACE VIEW push_actions.message_status AS
SELECT m.app_id, m.push_id, m.campaign_id, m.profile_id, m.device_id,
       NULL::bigint AS action_id,
       total(m.summary) AS devices,
       m.first_attempt_at,
       status(m.summary)::text AS status,
       m.summary
FROM push_actions_internal.messages m
UNION ALL
SELECT a.app_id, a.push_id, a.campaign_id, a.profile_id,
       push_actions_internal.message_device(a.profile_id, a.device_id),
       a.action_id,
       1::bigint,
       CASE WHEN a.status <> 'scheduled' THEN a.create_time END,
       a.status::text,
       push_actions.delivery_summary_add_status_attempts_int2(NULL, a.status, a.attempts)
FROM push_actions.actions a
WHERE a.push_id IS NULL;
COMMENT ON VIEW push_actions.message_status IS
	'one row per push and person: devices, first attempt, rolled-up status (text) and the device-level summary';

-- One row per app and campaign: messages per rolled-up status, live (kept in
-- stripes) and folded (daily_rollups).
CREATE OR REPLACE VIEW push_actions.campaign_overview AS
SELECT app_id, campaign_id,
       total(m) AS messages,
       status_count(m, 'sent') AS sent,
       status_count(m, 'delivered') AS delivered,
       status_count(m, 'opened') AS opened,
       status_count(m, 'converted') AS converted,
       status_count(m, 'failed') AS failed,
       status_count(m, 'bounced') AS bounced,
       status_count(m, 'expired') AS expired,
       pending(m) AS pending,
       error_rate(m) AS error_rate,
       d AS summary
FROM (
	SELECT app_id, campaign_id, delivery_summary(m) AS m, delivery_summary(d) AS d
	FROM (
		SELECT k.app_id, k.campaign_id, k.messages AS m, k.devices AS d
		FROM push_actions_internal.kept_campaigns k
		WHERE total(k.devices) > 0
		UNION ALL
		SELECT r.app_id, r.campaign_id, delivery_summary(r.messages), delivery_summary(r.summary)
		FROM push_actions.daily_rollups r
		GROUP BY r.app_id, r.campaign_id
	) parts
	GROUP BY app_id, campaign_id
) c;
COMMENT ON VIEW push_actions.campaign_overview IS
	'per app and campaign: messages by rolled-up status, pending, error rate over messages, and the device-level summary';
-- sql/src/listing_views.sql
-- The listing's columns for BI tools: plain SQL types, times as timestamptz.
CREATE OR REPLACE VIEW push_actions.push_devices AS
SELECT a.app_id, a.action_id, a.campaign_id, a.push_id, a.create_time, a.device_id, a.profile_id,
       a.device_token, a.platform, a.channel, a.status::text AS status, a.attempts,
       CASE WHEN a.status = ANY (push_actions_internal.statuses('error')) THEN 1 ELSE 0 END AS error,
       a.error_message, p.payload ->> 'message' AS message, a.updated_at AS update_time
FROM push_actions.actions a
LEFT JOIN push_actions.pushes p ON p.app_id = a.app_id AND p.push_id = a.push_id;
COMMENT ON VIEW push_actions.push_devices IS
	'the list_push_devices columns plus app_id, for BI tools';
-- sql/src/push_info_views.sql
-- Devices pushes are still pending on: Android and Electron actions attempted
-- or sent, of pushes neither scheduled ahead nor expired.
CREATE OR REPLACE VIEW push_actions.push_pending_devices AS
SELECT a.app_id, a.push_id, a.device_token, a.platform, a.status::text AS status, a.attempts, a.create_time
FROM push_actions.actions a
JOIN push_actions.pushes p ON p.app_id = a.app_id AND p.push_id = a.push_id
WHERE push_actions_internal.is_pending_device(a.status, a.platform, a.device_token)
  AND p.expires_at > now() AND (p.send_at IS NULL OR p.send_at <= now());
COMMENT ON VIEW push_actions.push_pending_devices IS
	'Android/Electron devices a live push has been attempted or sent to and not yet delivered';
-- sql/src/retention_views.sql
-- The daily roll-ups in plain types, for BI tools: per app, campaign, platform
-- and day, devices (actions) and messages per status, and both error rates.
CREATE OR REPLACE VIEW push_actions.daily_overview AS
SELECT app_id, campaign_id, platform, day,
       total(summary) AS devices,
       status_count(summary, 'sent') AS devices_sent,
       status_count(summary, 'delivered') AS devices_delivered,
       status_count(summary, 'opened') AS devices_opened,
       status_count(summary, 'converted') AS devices_converted,
       status_count(summary, 'failed') AS devices_failed,
       status_count(summary, 'bounced') AS devices_bounced,
       status_count(summary, 'expired') AS devices_expired,
       pending(summary) AS devices_pending,
       error_rate(summary) AS device_error_rate,
       total(messages) AS messages,
       status_count(messages, 'sent') AS sent,
       status_count(messages, 'delivered') AS delivered,
       status_count(messages, 'opened') AS opened,
       status_count(messages, 'converted') AS converted,
       status_count(messages, 'failed') AS failed,
       status_count(messages, 'bounced') AS bounced,
       status_count(messages, 'expired') AS expired,
       pending(messages) AS pending,
       error_rate(messages) AS error_rate,
       summary,
       messages AS messages_summary
FROM push_actions.daily_rollups;
COMMENT ON VIEW push_actions.daily_overview IS
	'per app, campaign, platform and day of the folded actions: devices and messages per status and their error rates, in plain types';
-- sql/src/listing.sql
-- The push-devices listing (Xtremepush list/push-devices), in C (src/listing_*.c).

CREATE OR REPLACE FUNCTION push_actions.list_push_devices(request jsonb) RETURNS jsonb
	AS 'MODULE_PATHNAME' LANGUAGE C STABLE PARALLEL SAFE
	SET search_path = pg_catalog, push_actions, pg_temp;
COMMENT ON FUNCTION push_actions.list_push_devices(jsonb) IS
	'answers a list/push-devices request body: {"code":200,"success":true,"data":[...]} or a 400/401 error object';

CREATE OR REPLACE FUNCTION push_actions.explain_push_devices(request jsonb, "analyze" boolean DEFAULT false) RETURNS SETOF text
	AS 'MODULE_PATHNAME' LANGUAGE C VOLATILE
	SET search_path = pg_catalog, push_actions, pg_temp;
COMMENT ON FUNCTION push_actions.explain_push_devices(jsonb, boolean) IS
	'the EXPLAIN (or EXPLAIN ANALYZE) of the query a list_push_devices request compiles to';
-- sql/src/push_info.sql
-- The Pushy API's GET /pushes/{id}: the devices a push is still pending on.

CREATE OR REPLACE FUNCTION push_actions.push_info(push_id text, api_key text, as_of timestamptz DEFAULT now())
	RETURNS jsonb
	LANGUAGE plpgsql STABLE PARALLEL SAFE
	SET search_path = pg_catalog, push_actions, pg_temp
	AS $$
DECLARE
	hit		record := push_actions_internal.find_push(push_id, api_key);
	p		push_actions.pushes := hit.push;
	tokens	jsonb := '[]';
	n		bigint := 0;
BEGIN
	IF hit.error IS NOT NULL THEN
		RETURN hit.error;
	END IF;
	IF p.send_at > coalesce(as_of, now()) THEN
		RETURN push_actions_internal.push_error('PUSH_SCHEDULED');
	END IF;
	-- once expired, nothing is pending any more, whether or not purge() ran
	IF p.expires_at > coalesce(as_of, now()) THEN
		SELECT coalesce(jsonb_agg(t.device_token ORDER BY t.action_id), '[]') INTO tokens FROM (
			SELECT a.device_token, a.action_id FROM push_actions.actions a
			WHERE a.app_id = p.app_id AND a.push_id = p.push_id
			  AND push_actions_internal.is_pending_device(a.status, a.platform, a.device_token)
			ORDER BY a.action_id LIMIT 1000) t;
		SELECT count(*) INTO n FROM push_actions.actions a
		WHERE a.app_id = p.app_id AND a.push_id = p.push_id
		  AND push_actions_internal.is_pending_device(a.status, a.platform, a.device_token);
	END IF;
	RETURN jsonb_build_object('push', jsonb_build_object(
		'date', extract(epoch FROM date_trunc('second', p.created_at))::bigint,
		'payload', p.payload,
		'expiration', extract(epoch FROM date_trunc('second', p.expires_at))::bigint,
		'pending_devices', tokens,
		'pending_count', n));
END
$$;
COMMENT ON FUNCTION push_actions.push_info(text, text, timestamptz) IS
	'Pushy GET /pushes/{id}: date, payload, expiration, up to 1,000 pending Android/Electron tokens (oldest first) and their full count';

-- 1.1: device-reported events with delivery ids and tokens; every existing
-- action has its delivery id, and its app's first key is made when the
-- backend first asks for tokens.
-- sql/src/events.sql
-- Device-reported events, the Customer.io way: each action has a delivery id
-- and a delivery token that travel inside the push (CIO-Delivery-ID and
-- CIO-Delivery-Token); the app reports an open or a conversion with both,
-- and only a token made with the app's secret key is believed.

-- The secret keys, per app.  No API role may read them: the functions that
-- need them run as the extension's owner (SECURITY DEFINER, search_path
-- pinned, fixed statements).  A key with valid_until set has been rotated
-- out and verifies tokens until then; the newest key makes new tokens.
CREATE TABLE push_actions_internal.app_keys (
	app_id		bigint NOT NULL REFERENCES push_actions.apps ON DELETE CASCADE,
	key_id		integer NOT NULL,
	secret		bytea NOT NULL CHECK (length(secret) = 32),
	created_at	timestamptz NOT NULL DEFAULT now(),
	valid_until	timestamptz,
	PRIMARY KEY (app_id, key_id)
);
REVOKE ALL ON push_actions_internal.app_keys FROM PUBLIC;
-- dumps keep the keys, or tokens in pushes already sent would stop verifying
SELECT pg_catalog.pg_extension_config_dump('push_actions_internal.app_keys', '');

CREATE OR REPLACE FUNCTION push_actions_internal.random_key() RETURNS bytea
	AS 'MODULE_PATHNAME', 'delivery_random_key' LANGUAGE C VOLATILE STRICT PARALLEL SAFE;
CREATE OR REPLACE FUNCTION push_actions_internal.delivery_token(secret bytea, delivery_id text) RETURNS text
	AS 'MODULE_PATHNAME', 'delivery_token_make' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE OR REPLACE FUNCTION push_actions_internal.delivery_token_matches(secret bytea, delivery_id text, token text) RETURNS boolean
	AS 'MODULE_PATHNAME', 'delivery_token_matches' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION push_actions_internal.delivery_token_matches(bytea, text, text) IS
	'whether a token is the delivery id''s under the key, compared in constant time';

-- A delivery id names its app and action ("<app_id>-<action_id>"), so a
-- report is checked against the right app's keys even once the action is
-- gone.  Guessing one is easy; its token is not.
CREATE OR REPLACE FUNCTION push_actions_internal.delivery_id(app_id bigint, action_id bigint) RETURNS text
	LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
	AS $$ SELECT app_id::pg_catalog.text OPERATOR(pg_catalog.||) '-' OPERATOR(pg_catalog.||) action_id::pg_catalog.text $$;

-- The delivery ids and tokens of a push's actions, for the backend to put
-- into each device's payload; scoped by the app's API key, like push_info.
CREATE OR REPLACE FUNCTION push_actions.push_deliveries(push_id text, api_key text)
	RETURNS TABLE (device_id bigint, action_id bigint, delivery_id text, delivery_token text)
	LANGUAGE plpgsql VOLATILE SECURITY DEFINER
	SET search_path = pg_catalog, push_actions, pg_temp
	AS $$
DECLARE
	app		bigint := push_actions.app_for_token(api_key);
	secret	bytea;
BEGIN
	IF app IS NULL THEN
		RETURN;
	END IF;
	-- an app's first key is made when it first needs one (a trigger on apps
	-- would also fire while a dump is restored, before the dumped keys)
	INSERT INTO push_actions_internal.app_keys AS k (app_id, key_id, secret)
	SELECT app, 1, push_actions_internal.random_key()
	WHERE NOT EXISTS (SELECT 1 FROM push_actions_internal.app_keys k WHERE k.app_id = app)
	ON CONFLICT DO NOTHING;
	SELECT k.secret INTO secret FROM push_actions_internal.app_keys k
	WHERE k.app_id = app AND k.valid_until IS NULL ORDER BY k.key_id DESC LIMIT 1;
	RETURN QUERY
	SELECT a.device_id, a.action_id, d.id, push_actions_internal.delivery_token(secret, d.id)
	FROM push_actions.actions a
	CROSS JOIN LATERAL (SELECT push_actions_internal.delivery_id(a.app_id, a.action_id) AS id) d
	WHERE a.app_id = app AND a.push_id = push_deliveries.push_id
	ORDER BY a.action_id;
END
$$;
COMMENT ON FUNCTION push_actions.push_deliveries(text, text) IS
	'per action of a push: the delivery id and delivery token its payload carries (Customer.io CIO-Delivery-ID, CIO-Delivery-Token)';

-- A device's report of a delivery, an open or a conversion, relayed by the
-- backend.  A report whose token is not the delivery id's under one of the
-- app's live keys changes nothing and is refused without saying which part
-- was wrong; a replay, or a report of a step the action has passed, records
-- nothing again.  The transition goes through record_event, so the state
-- machine is the one of every write.
CREATE OR REPLACE FUNCTION push_actions.track_event(delivery_id text, delivery_token text,
	event push_actions.push_status, at timestamptz DEFAULT now())
	RETURNS jsonb
	LANGUAGE plpgsql VOLATILE SECURITY DEFINER
	SET search_path = pg_catalog, push_actions, pg_temp
	AS $$
DECLARE
	ids		text[];
	app		bigint;
	action	bigint;
	cur		push_actions.push_status;
	device_events	CONSTANT push_actions.push_status[] := push_actions_internal.statuses('device_event');
BEGIN
	IF event IS NULL OR event <> ALL (device_events) THEN
		RAISE EXCEPTION 'track_event records %, not %', array_to_string(device_events, ', '), coalesce(event::text, 'NULL')
			USING ERRCODE = 'invalid_parameter_value';
	END IF;
	IF at IS NULL THEN
		RAISE EXCEPTION 'at must not be NULL' USING ERRCODE = 'null_value_not_allowed';
	END IF;
	ids := regexp_match(delivery_id, '^([0-9]{1,18})-([0-9]{1,18})$');
	IF ids IS NULL OR delivery_token IS NULL OR NOT EXISTS (
		SELECT 1 FROM push_actions_internal.app_keys k
		WHERE k.app_id = ids[1]::bigint AND (k.valid_until IS NULL OR k.valid_until > now())
		  AND push_actions_internal.delivery_token_matches(k.secret, track_event.delivery_id, delivery_token)) THEN
		RETURN '{"success": false, "code": "REFUSED", "error": "The delivery id and token do not match."}'::jsonb;
	END IF;
	app := ids[1]::bigint;
	action := ids[2]::bigint;
	SELECT a.status INTO cur FROM push_actions.actions a
	WHERE a.app_id = app AND a.action_id = action FOR UPDATE;
	IF NOT FOUND THEN
		RETURN '{"success": false, "code": "GONE", "error": "This message is no longer kept (purged or deleted); nothing was recorded."}'::jsonb;
	END IF;
	IF cur = event OR (cur = ANY (device_events) AND cur > event) THEN
		RETURN jsonb_build_object('success', true, 'status', cur, 'recorded', false);
	END IF;
	IF NOT can_transition(cur, event) THEN
		RETURN jsonb_build_object('success', false, 'code', 'NOT_ALLOWED', 'status', cur,
			'error', format('A %s message cannot become %s; nothing was recorded.', cur, event));
	END IF;
	RETURN jsonb_build_object('success', true,
		'status', push_actions.record_event(action, event, at, app), 'recorded', true);
END
$$;
COMMENT ON FUNCTION push_actions.track_event(text, text, push_actions.push_status, timestamptz) IS
	'records a device-reported delivered, opened or converted event whose delivery token verifies; refuses it otherwise';

-- A new key for an app.  Tokens made with its earlier keys still verify for
-- old_keys_valid_for (pushes already sent carry them), then no more.
-- Returns the moment they stop.
CREATE OR REPLACE FUNCTION push_actions.rotate_app_key(app_id bigint, old_keys_valid_for interval DEFAULT '7 days')
	RETURNS timestamptz
	LANGUAGE plpgsql VOLATILE SECURITY DEFINER
	SET search_path = pg_catalog, push_actions, pg_temp
	AS $$
DECLARE
	old_until	timestamptz := now() + old_keys_valid_for;
BEGIN
	IF old_keys_valid_for IS NULL OR old_keys_valid_for < interval '0' THEN
		RAISE EXCEPTION 'old_keys_valid_for must be an interval of at least 0'
			USING ERRCODE = 'invalid_parameter_value';
	END IF;
	PERFORM 1 FROM push_actions.apps a WHERE a.app_id = rotate_app_key.app_id FOR UPDATE;
	IF NOT FOUND THEN
		RAISE EXCEPTION 'app % does not exist', coalesce(app_id::text, 'NULL')
			USING ERRCODE = 'foreign_key_violation';
	END IF;
	UPDATE push_actions_internal.app_keys k SET valid_until = old_until
	WHERE k.app_id = rotate_app_key.app_id AND (k.valid_until IS NULL OR k.valid_until > old_until);
	INSERT INTO push_actions_internal.app_keys (app_id, key_id, secret)
	SELECT rotate_app_key.app_id, coalesce(max(k.key_id), 0) + 1, push_actions_internal.random_key()
	FROM push_actions_internal.app_keys k WHERE k.app_id = rotate_app_key.app_id;
	RETURN old_until;
END
$$;
REVOKE EXECUTE ON FUNCTION push_actions.rotate_app_key(bigint, interval) FROM PUBLIC;
COMMENT ON FUNCTION push_actions.rotate_app_key(bigint, interval) IS
	'gives an app a new key for delivery tokens; tokens of its earlier keys verify for old_keys_valid_for more';

-- 1.1: push_actions.distribute() for a Citus coordinator.
-- sql/src/distribution.sql
-- Beyond one server on Citus (README "Beyond one server: Citus"): one call
-- on the coordinator turns the extension's tables into Citus tables, data
-- and kept roll-ups included.  apps becomes a reference table; the others
-- are distributed by app_id, colocated, so that one app's rows, its kept
-- roll-ups among them, live on one worker and the trigger that keeps them
-- writes that worker's shards (src/kept_shards.c).
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
ALTER TABLE push_actions_internal.app_keys DROP CONSTRAINT IF EXISTS app_keys_app_id_fkey$keys$;
	-- distributed by app_id with pushes, colocated
	colocated constant text[] := ARRAY['push_actions.actions', 'push_actions.daily_rollups', 'push_actions_internal.messages',
	                                   'push_actions_internal.campaign_stripes', 'push_actions_internal.app_keys'];
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
		RETURN 'nothing to do: already distributed';
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
	-- a write call that names its app runs whole on the worker that holds it
	FOREACH t IN ARRAY ARRAY['push_actions.record_attempt(bigint,boolean,text,boolean,bigint)',
	                         'push_actions.record_event(bigint,push_actions.push_status,timestamptz,bigint)',
	                         'push_actions.retry(bigint,bigint)'] LOOP
		PERFORM create_distributed_function(t::regprocedure, 'app_id', colocate_with => 'push_actions.actions');
	END LOOP;
	-- the rows copied into the shards leave the coordinator's own tables,
	-- which Citus no longer reads (the kept tables' trigger does not reach
	-- the shards from here: Citus does not pass this TRUNCATE on)
	FOREACH t IN ARRAY ARRAY['push_actions.apps', 'push_actions.pushes'] || colocated LOOP
		PERFORM truncate_local_data_after_distributing_table(t::regclass);
	END LOOP;

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
	RETURN 'distributed';
END
$$;
REVOKE EXECUTE ON FUNCTION push_actions.distribute() FROM PUBLIC;
COMMENT ON FUNCTION push_actions.distribute() IS
	'on a Citus coordinator: makes apps a reference table and the other tables of the extension distributed by app_id, colocated';

SELECT push_actions.rebuild_rollups();
