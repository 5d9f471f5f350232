\echo Use "ALTER EXTENSION push_actions UPDATE TO '1.2'" to load this file. \quit

-- 1.2 (in development): app tokens that can be rotated, the limits in one
-- table, pushes that refuse what would double-send or overflow, and the
-- state machine on every write (the kept roll-ups' trigger function).
--
-- Written as the hand-made part of the step (ALTERs, data conversion, drops)
-- and includes of the current definitions of what it creates or replaces:
-- each "\ir ../src/FILE.sql" line becomes that file (scripts/compose_sql.sh),
-- so a definition is written once, in sql/src/.  Files whose objects can be
-- made again use CREATE OR REPLACE (functions, views, triggers) or IF NOT
-- EXISTS (indexes), so including them replaces what changed and keeps what
-- did not.
--
-- On a database already distributed by Citus, retired_app_tokens is made a
-- reference table like apps, with its foreign key, at the end, and
-- app_roles loses its foreign key, as distribute() leaves it.

\ir ../src/store_vocabulary.sql
\ir ../src/api_limits.sql
\ir ../src/apps_roles.sql
\ir ../src/apps_tokens.sql
\ir ../src/apps_api.sql
\ir ../src/writes_create.sql
\ir ../src/writes_status.sql
\ir ../src/kept_functions.sql
\ir ../src/listing.sql
\ir ../src/push_info.sql
\ir ../src/events.sql
\ir ../src/kept_views.sql
\ir ../src/listing_views.sql
\ir ../src/push_info_views.sql
\ir ../src/retention_views.sql
\ir ../src/distribution.sql

DO $distributed$
BEGIN
	-- nested, as each test needs the catalogs the one before it found
	IF EXISTS (SELECT 1 FROM pg_catalog.pg_extension WHERE extname = 'citus') THEN
		IF EXISTS (SELECT 1 FROM pg_catalog.pg_dist_partition
		           WHERE logicalrelid = 'push_actions.actions'::pg_catalog.regclass) THEN
			IF pg_catalog.citus_is_coordinator() THEN
				ALTER TABLE push_actions.app_roles DROP CONSTRAINT app_roles_app_id_fkey;
				ALTER TABLE push_actions_internal.retired_app_tokens DROP CONSTRAINT retired_app_tokens_app_id_fkey;
				PERFORM pg_catalog.create_reference_table('push_actions_internal.retired_app_tokens');
				ALTER TABLE push_actions_internal.retired_app_tokens
					ADD CONSTRAINT retired_app_tokens_app_id_fkey FOREIGN KEY (app_id) REFERENCES push_actions.apps ON DELETE CASCADE;
			END IF;
		END IF;
	END IF;
END
$distributed$;
