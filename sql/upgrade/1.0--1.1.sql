\echo Use "ALTER EXTENSION push_actions UPDATE TO '1.1'" to load this file. \quit

-- 1.1: the helpers that only the extension calls move from push_actions to the
-- new schema push_actions_internal, and the functions that call them are
-- re-created to name them there; the trigger functions are no longer
-- executable by PUBLIC; each vocabulary (status groups, platforms, the
-- pending device, a message's key) is written once, so the platform CHECK is
-- re-validated and three partial indexes are rebuilt.  Data and stored values
-- are untouched.
--
-- Written as the hand-made part of the step (moves, drops, renames, data)
-- and includes of the current definitions of what it creates or replaces
-- (each "\ir FILE" line becomes that file: scripts/compose_sql.sh).

\ir ../src/store_schemas.sql

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

\ir ../src/push_status_casts.sql
\ir ../src/store_vocabulary.sql
\ir ../src/delivery_summary_minus.sql
\ir ../src/release_1_0_names.sql

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
\ir ../src/store_indexes.sql
\ir ../src/store_references.sql

-- 1.1: message and campaign roll-ups kept as actions are written; they are
-- built from the actions 1.0 wrote at the end of this step.
\ir ../src/kept_tables.sql
\ir ../src/kept_trigger.sql
\ir ../src/kept_repair.sql

\ir ../src/apps_api.sql
\ir ../src/writes_create.sql

-- 1.1: the write API locks an action by its whole key, app included, and
-- each write call takes the app as an optional last argument
-- (sql/src/api_status.sql).  The 1.0 forms give way to them; privileges
-- granted on the 1.0 forms carry over.
ALTER FUNCTION push_actions.record_attempt(bigint, boolean, text, boolean) RENAME TO record_attempt_1_0;
ALTER FUNCTION push_actions.record_event(bigint, push_actions.push_status, timestamptz) RENAME TO record_event_1_0;
ALTER FUNCTION push_actions.retry(bigint) RENAME TO retry_1_0;
DROP FUNCTION push_actions_internal.lock_action(bigint);
\ir ../src/writes_status.sql
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
\ir ../src/retention.sql

\ir ../src/kept_views.sql
\ir ../src/listing_views.sql
\ir ../src/push_info_views.sql
\ir ../src/retention_views.sql
\ir ../src/listing.sql
\ir ../src/push_info.sql

-- 1.1: device-reported events with delivery ids and tokens; every existing
-- action has its delivery id, and its app's first key is made when the
-- backend first asks for tokens.
\ir ../src/events.sql

-- 1.1: push_actions.distribute() for a Citus coordinator.
\ir ../src/distribution.sql

SELECT push_actions.rebuild_rollups();
