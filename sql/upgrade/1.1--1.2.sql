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
-- On a database already distributed by Citus, the two new tables come
-- without their foreign keys to apps: the workers update after the
-- coordinator, and Citus takes such a key only once a table is on every
-- node.  distribute(), called again after the update, makes
-- retired_app_tokens a reference table with its key (app_roles has none on
-- Citus).

\ir ../src/store_vocabulary.sql
\ir ../src/api_limits.sql
\ir ../src/tokens_errors.sql
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

-- record_attempt (writes_status.sql) now asks error_class()
DROP FUNCTION push_actions_internal.is_dead_token_error(text);
