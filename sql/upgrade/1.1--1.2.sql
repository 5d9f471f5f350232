\echo Use "ALTER EXTENSION push_actions UPDATE TO '1.2'" to load this file. \quit

-- 1.2 (in development): app tokens that can be rotated, the limits in one
-- table, pushes that refuse what would double-send or overflow, the state
-- machine on every write (the kept roll-ups' trigger function), the
-- device tokens' kept state, the latency sketch and the hourly series.
--
-- Written as the hand-made part of the step (ALTERs, data conversion, drops)
-- and includes of the current definitions of what it creates or replaces:
-- each "\ir ../src/FILE.sql" line becomes that file (scripts/compose_sql.sh),
-- so a definition is written once, in sql/src/.  Files whose objects can be
-- made again use CREATE OR REPLACE (functions, views, triggers) or IF NOT
-- EXISTS (indexes), so including them replaces what changed and keeps what
-- did not.
--
-- On a database already distributed by Citus, the new tables come
-- without their foreign keys to apps: the workers update after the
-- coordinator, and Citus takes such a key only once a table is on every
-- node.  distribute(), called again after the update, makes
-- retired_app_tokens a reference table with its key (app_roles has none on
-- Citus) and distributes device_tokens, time_buckets and
-- time_buckets_deleted.

\ir ../src/store_vocabulary.sql
\ir ../src/api_limits.sql
\ir ../src/tokens_errors.sql
\ir ../src/latency_sketch.sql
\ir ../src/latency_sketch_aggregates.sql
\ir ../src/tokens_tables.sql
\ir ../src/time_tables.sql
\ir ../src/store_cascades.sql
-- its read (purge's "all final" test) is served by actions_push_idx; make
-- bench's index audit measures both.  Through EXECUTE, as the columns below:
-- on Citus the DROP is passed on to the shards as its own query string.
DO $$
BEGIN
	EXECUTE 'DROP INDEX IF EXISTS push_actions.actions_unfinished_idx';
END
$$;
\ir ../src/apps_roles.sql
\ir ../src/apps_tokens.sql
\ir ../src/apps_api.sql
\ir ../src/tokens_api.sql
\ir ../src/time_api.sql
\ir ../src/writes_create.sql

-- actions keep the provider's code of their last failure; record_attempt
-- takes it as an optional last argument.  Its 1.1 form gives way to the new
-- one, and privileges granted on it carry over.
-- On Citus the coordinator passes the ALTER on to the shards and to the
-- workers' tables as its text: it is a dynamic statement of its own (in a
-- script, the text would be the whole script), and a worker's own update,
-- which comes after, finds the column there.
DO $$
BEGIN
	EXECUTE 'ALTER TABLE push_actions.actions ADD COLUMN IF NOT EXISTS error_code text';
END
$$;
-- and the moments each action first reached each step of a send, for the
-- hourly series: NULL in the rows there are, which have them from their
-- status (src/time_moments.h).  Added without a rewrite (no default).
DO $$
BEGIN
	EXECUTE 'ALTER TABLE push_actions.actions ADD COLUMN IF NOT EXISTS attempted_at timestamptz,'
	        ' ADD COLUMN IF NOT EXISTS sent_at timestamptz, ADD COLUMN IF NOT EXISTS delivered_at timestamptz,'
	        ' ADD COLUMN IF NOT EXISTS opened_at timestamptz';
END
$$;
\ir ../src/time_moments.sql
-- The trigger that stores them; on a distributed database, distribute()
-- called again makes it, once the workers have the function it calls.
SELECT push_actions_internal.add_moments_trigger() WHERE NOT push_actions_internal.is_distributed();
ALTER FUNCTION push_actions.record_attempt(bigint, boolean, text, boolean, bigint) RENAME TO record_attempt_1_1;
\ir ../src/writes_status.sql
DO $$
DECLARE
	f record;
	g record;
BEGIN
	FOR f IN SELECT 'push_actions.record_attempt(bigint,boolean,text,boolean,bigint,text)'::regprocedure AS fn, o.proacl, o.proowner
	         FROM pg_proc o
	         WHERE o.oid = 'push_actions.record_attempt_1_1(bigint,boolean,text,boolean,bigint)'::regprocedure AND o.proacl IS NOT NULL LOOP
		EXECUTE format('REVOKE ALL ON FUNCTION %s FROM PUBLIC', f.fn);
		FOR g IN SELECT a.grantee, a.is_grantable FROM aclexplode(f.proacl) a WHERE a.grantee <> f.proowner LOOP
			EXECUTE format('GRANT EXECUTE ON FUNCTION %s TO %s%s', f.fn,
			               CASE WHEN g.grantee = 0 THEN 'PUBLIC' ELSE g.grantee::regrole::text END,
			               CASE WHEN g.is_grantable THEN ' WITH GRANT OPTION' ELSE '' END);
		END LOOP;
	END LOOP;
END
$$;
DROP FUNCTION push_actions.record_attempt_1_1(bigint, boolean, text, boolean, bigint);
\ir ../src/kept_functions.sql
\ir ../src/listing.sql
\ir ../src/push_info.sql
\ir ../src/events.sql
\ir ../src/kept_views.sql
\ir ../src/listing_views.sql
\ir ../src/push_info_views.sql
\ir ../src/retention_views.sql
\ir ../src/tokens_views.sql
\ir ../src/time_views.sql
\ir ../src/distribution.sql

-- The tokens' states from what the actions hold; on a distributed database,
-- distribute() called again makes them once their table is distributed.
DO $$
BEGIN
	IF NOT push_actions_internal.is_distributed() THEN
		PERFORM push_actions_internal.merge_live_device_tokens();
		-- and the hourly series, from the actions' creation and status:
		-- their latencies from the moments their rows give
		EXECUTE push_actions_internal.time_buckets_query('rebuild');
	END IF;
END
$$;

-- record_attempt (writes_status.sql) now asks error_class()
DROP FUNCTION push_actions_internal.is_dead_token_error(text);
