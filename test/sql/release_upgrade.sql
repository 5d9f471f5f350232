-- The upgrade chain: a 1.0 database holding data, updated by ALTER EXTENSION
-- UPDATE through every step, equals a fresh install of the current version,
-- keeps every row and stored value, and answers the whole API.
SELECT current_database() AS home \gset
SET client_min_messages = warning;
DROP DATABASE IF EXISTS pa_upgraded;
DROP DATABASE IF EXISTS pa_fresh;
RESET client_min_messages;
CREATE DATABASE pa_upgraded;
CREATE DATABASE pa_fresh;

-- 1.0, with data written as 1.0 users write it
\c pa_upgraded
CREATE EXTENSION push_actions VERSION '1.0';
SET search_path = public, push_actions;
\set ECHO none
\i test/data/seed_245624.sql
\i test/data/multi_device.sql
\i test/data/seed_pushy.sql
\i test/data/api_writes.sql
\set ECHO all
SELECT status, count(*) FROM push_actions.actions GROUP BY status ORDER BY status;
SELECT app_id, campaign_id, platform, CASE WHEN app_id = :api_app THEN 'today' ELSE day::text END AS day, summary, messages
FROM push_actions.daily_rollups ORDER BY 1, 2, 3, 4;

-- what users keep of their own: stored values of both types, and views over ours
CREATE TABLE kept AS
SELECT app_id, campaign_id, delivery_summary(status, attempts) AS summary, max(status) AS furthest
FROM push_actions.actions GROUP BY app_id, campaign_id;
CREATE TABLE kept_binary AS
SELECT app_id, campaign_id, delivery_summary_send(summary) AS summary, push_status_send(furthest) AS furthest FROM kept;
CREATE VIEW my_campaigns AS
SELECT app_id, campaign_id, messages, error_rate FROM push_actions.campaign_overview;
CREATE VIEW my_failures AS
SELECT app_id, count(*) AS failures FROM push_actions.actions WHERE status IN ('failed', 'bounced') GROUP BY app_id;
-- every row of every table, and where each sequence stands
CREATE VIEW digests AS
SELECT 'apps' AS t, count(*) AS n, md5(string_agg(x::text, E'\n' ORDER BY x::text)) AS digest FROM push_actions.apps x
UNION ALL SELECT 'pushes', count(*), md5(string_agg(x::text, E'\n' ORDER BY x::text)) FROM push_actions.pushes x
-- actions' columns of 1.0 (1.2 adds error_code, NULL for the rows before it)
UNION ALL SELECT 'actions', count(*), md5(string_agg(x::text, E'\n' ORDER BY x::text)) FROM (SELECT status, attempts, action_id, app_id, campaign_id, device_id, create_time, updated_at, push_id, profile_id, device_token, platform, channel, error_message FROM push_actions.actions) x
UNION ALL SELECT 'daily_rollups', count(*), md5(string_agg(x::text, E'\n' ORDER BY x::text)) FROM push_actions.daily_rollups x
UNION ALL SELECT 'kept', count(*), md5(string_agg(x::text, E'\n' ORDER BY x::text)) FROM kept x
UNION ALL SELECT 'my_campaigns', count(*), md5(string_agg(x::text, E'\n' ORDER BY x::text)) FROM my_campaigns x
UNION ALL SELECT 'message_status', count(*), md5(string_agg(x::text, E'\n' ORDER BY x::text)) FROM push_actions.message_status x
UNION ALL SELECT 'sequences', 2, (SELECT last_value FROM push_actions.apps_app_id_seq) || '/' || (SELECT last_value FROM push_actions.actions_action_id_seq);
CREATE TABLE before_update AS SELECT * FROM digests;

ALTER EXTENSION push_actions UPDATE;
SELECT extversion = (SELECT default_version FROM pg_available_extensions WHERE name = 'push_actions') AS at_default_version
FROM pg_extension WHERE extname = 'push_actions';

-- every row is still there, unchanged
SELECT t, n, b.digest = d.digest AS unchanged FROM before_update b JOIN digests d USING (t, n) ORDER BY t;
SELECT count(*) AS tables_compared FROM before_update b JOIN digests d USING (t, n);
-- the update built the kept roll-ups from 1.0's actions
SELECT count(*) AS kept_messages FROM push_actions_internal.messages;
SELECT count(*) AS rollups_out_of_step FROM push_actions.verify_rollups();
-- and the device tokens' states from its actions
SELECT count(*) AS tokens, count(*) FILTER (WHERE NOT alive) AS dead FROM push_actions.device_token_states;
SELECT count(*) AS tokens_out_of_step FROM push_actions.verify_device_tokens();
-- and the hourly series from its actions' creation and status
SELECT sum(scheduled) AS created, sum(sent) AS sent, sum(failed) AS failed FROM push_actions.hourly_delivery;
SELECT count(*) AS time_buckets_out_of_step FROM push_actions.verify_time_buckets();
-- the stored values read back the same, as text and in binary
SELECT k.campaign_id, k.summary, k.furthest,
       delivery_summary_send(k.summary) = b.summary AND push_status_send(k.furthest) = b.furthest AS binary_unchanged
FROM kept k JOIN kept_binary b USING (app_id, campaign_id) ORDER BY k.app_id, k.campaign_id;
SELECT * FROM my_failures ORDER BY app_id;

-- SQL written for 1.0 runs unchanged: every operator, aggregate and function
-- on the two types that 1.0's README documented, by its 1.0 qualified name
SELECT campaign_id, push_actions.total(summary), push_actions.status(summary),
       push_actions.status_count(summary, 'failed'), push_actions.pending(summary),
       round(push_actions.error_rate(summary)::numeric, 2) AS error_rate, push_actions.to_jsonb(summary)
FROM push_actions.campaign_overview WHERE app_id = 1 ORDER BY campaign_id;
SELECT push_actions.delivery_summary(status) AS statuses, push_actions.delivery_summary(status, attempts) AS with_attempts,
       push_actions.delivery_summary(status, attempts::integer) AS with_integer_attempts,
       push_actions.rollup_status(status), push_actions.min(status), push_actions.max(status)
FROM push_actions.actions WHERE app_id = 1;
SELECT push_actions.delivery_summary(summary) AS merged,
       push_actions.delivery_summary(summary) OPERATOR(push_actions.=) delivery_summary(summary) AS equal,
       push_actions.delivery_summary(summary) OPERATOR(push_actions.<>) '{}' AS not_empty,
       '{"sent": 1}' OPERATOR(push_actions.+) '{"failed": 2}'::push_actions.delivery_summary AS added
FROM push_actions.campaign_overview WHERE app_id = 1;
SELECT push_actions.is_final('sent'), push_actions.is_success('failed'),
       push_actions.can_transition('scheduled', 'attempted') AS can_attempt;
SELECT count(*) FILTER (WHERE status OPERATOR(push_actions.=) 'failed') AS failed,
       count(*) FILTER (WHERE status OPERATOR(push_actions.<>) 'failed') AS not_failed,
       count(*) FILTER (WHERE status OPERATOR(push_actions.<) 'sent') AS before_sent,
       count(*) FILTER (WHERE status OPERATOR(push_actions.<=) 'sent') AS up_to_sent,
       count(*) FILTER (WHERE status OPERATOR(push_actions.>) 'sent') AS after_sent,
       count(*) FILTER (WHERE status OPERATOR(push_actions.>=) 'sent') AS from_sent
FROM push_actions.actions;
-- they are the deprecated copies: an unqualified call still reaches pg_catalog's
SELECT count(*) AS deprecated_1_0_names FROM pg_catalog.pg_description d JOIN pg_catalog.pg_proc p ON p.oid = d.objoid
WHERE p.pronamespace = 'push_actions'::regnamespace AND d.description LIKE 'deprecated: the 1.0 name of %';
SELECT p.pronamespace::regnamespace AS unqualified_total_lives_in FROM pg_catalog.pg_proc p
WHERE p.oid = 'total(push_actions.delivery_summary)'::regprocedure;

-- the updated objects equal a fresh install's, definition for definition
\c pa_fresh
CREATE EXTENSION push_actions;
SET search_path = pg_catalog;
\set ECHO none
\i test/data/extension_catalog.sql
\set ECHO all
SELECT string_agg(object || E'\t' || md5(definition), E'\n') AS fresh_catalog FROM extension_catalog \gset
\c pa_upgraded
SET search_path = pg_catalog;
\set ECHO none
\i test/data/extension_catalog.sql
\set ECHO all
SELECT substring(object FROM '^(operator class|operator family|[a-z]+)') AS kind, count(*) AS objects FROM extension_catalog GROUP BY 1 ORDER BY 1;
\i test/data/catalog_differences.sql
SELECT * FROM catalog_differences ORDER BY 1;
-- the comparison sees a change of an attribute, an index, a grant and a member
BEGIN;
ALTER FUNCTION total(push_actions.delivery_summary) VOLATILE;
CREATE INDEX ON push_actions.actions (device_id);
GRANT SELECT ON push_actions.apps TO PUBLIC;
CREATE FUNCTION push_actions.extra() RETURNS int LANGUAGE sql AS 'SELECT 1';
ALTER EXTENSION push_actions ADD FUNCTION push_actions.extra();
SELECT * FROM catalog_differences ORDER BY 1;
ROLLBACK;

-- the whole API and every view answer on the updated data
SET search_path = public, push_actions;
SELECT push_actions.list_push_devices('{"apptoken":"YOUR_APPTOKEN","condition":[["campaign_id","=",245624],["error","=",1]],"select":["action_id","device_id","error_message"],"limit":3}');
SELECT (push_actions.push_info(:'api_push', :'api_token') -> 'push') - 'date' - 'expiration' AS push_info;
SELECT push_actions.push_info(:'scheduled_push', :'api_token') ->> 'code' AS scheduled;
SELECT app_id AS new_app FROM push_actions.create_app('After update') \gset
SELECT push_actions.create_push(:new_app, '{"message":"After"}', '[{"device_id": 1, "token": "t-after", "platform": "android"}]', 50) AS new_push \gset
SELECT push_actions.record_attempt(action_id, false, 'Unavailable', true) AS attempt,
       push_actions.retry(action_id) AS retried,
       push_actions.record_attempt(action_id, true) AS sent,
       push_actions.record_event(action_id, 'opened') AS event
FROM push_actions.actions WHERE push_id = :'new_push';
SELECT push_actions.record_event(action_id, 'converted') FROM push_actions.actions
WHERE push_id = :'api_push' AND device_id = 3;
SELECT push_id IS NOT NULL AS has_push, profile_id, devices, status FROM push_actions.message_status
WHERE app_id = :api_app ORDER BY profile_id;
SELECT campaign_id, messages, sent, delivered, opened, converted, failed, bounced, expired, pending, error_rate
FROM push_actions.campaign_overview ORDER BY app_id, campaign_id;
SELECT count(*) AS listed FROM push_actions.push_devices WHERE app_id = :api_app;
SELECT device_token, status FROM push_actions.push_pending_devices WHERE app_id = :api_app ORDER BY device_token;
SELECT push_actions.delete_push(:'new_push', 'not-a-key') ->> 'code' AS wrong_key;
SELECT push_actions.fold_actions('2000-01-01') AS folded_nothing;
SELECT push_actions.purge(now() + interval '400 days') AS purged_every_push;
SELECT count(*) AS actions_left FROM push_actions.actions WHERE push_id IS NOT NULL;
SELECT app_id, campaign_id, messages, error_rate FROM my_campaigns ORDER BY 1, 2;
SELECT count(*) AS rollups_out_of_step FROM push_actions.verify_rollups();

-- 1.1, released, with data written through its own API (the app given to
-- the write calls, a device's report), updated to the current version: the
-- same rows, and the same objects as a fresh install
\c :home
SET client_min_messages = warning;
DROP DATABASE IF EXISTS pa_from_1_1;
RESET client_min_messages;
CREATE DATABASE pa_from_1_1;
\c pa_from_1_1
CREATE EXTENSION push_actions VERSION '1.1';
SET search_path = public, push_actions;
\set ECHO none
\i test/data/seed_245624.sql
\i test/data/multi_device.sql
\i test/data/seed_pushy.sql
\i test/data/api_writes.sql
\set ECHO all
SELECT app_id AS app_1_1, apptoken AS token_1_1 FROM create_app('Written by 1.1') \gset
SELECT create_push(:app_1_1, '{"message":"1.1"}', '[{"device_id": 1, "token": "t-1", "platform": "android"}, {"device_id": 2, "token": "t-2", "platform": "ios"}]', 11) AS push_1_1 \gset
SELECT record_attempt(action_id, true, app_id => :app_1_1) FROM actions WHERE push_id = :'push_1_1' ORDER BY action_id;
SELECT d.device_id, track_event(d.delivery_id, d.delivery_token, 'opened') FROM push_deliveries(:'push_1_1', :'token_1_1') d
WHERE d.device_id = 1;
CREATE VIEW digests AS
SELECT 'actions' AS t, count(*) AS n, md5(string_agg(x::text, E'\n' ORDER BY x::text)) AS digest FROM (SELECT status, attempts, action_id, app_id, campaign_id, device_id, create_time, updated_at, push_id, profile_id, device_token, platform, channel, error_message FROM push_actions.actions) x
UNION ALL SELECT 'message_status', count(*), md5(string_agg(x::text, E'\n' ORDER BY x::text)) FROM push_actions.message_status x
UNION ALL SELECT 'campaign_overview', count(*), md5(string_agg(x::text, E'\n' ORDER BY x::text)) FROM push_actions.campaign_overview x;
CREATE TABLE before_update AS SELECT * FROM digests;
ALTER EXTENSION push_actions UPDATE;
SELECT extversion = (SELECT default_version FROM pg_available_extensions WHERE name = 'push_actions') AS at_default_version
FROM pg_extension WHERE extname = 'push_actions';
SELECT t, n, b.digest = d.digest AS unchanged FROM before_update b JOIN digests d USING (t, n) ORDER BY t;
SELECT count(*) AS rollups_out_of_step FROM push_actions.verify_rollups();
-- the device tokens' states, from the actions 1.1 wrote
SELECT platform, device_token, alive, last_success_at IS NOT NULL AS succeeded FROM push_actions.device_token_states
WHERE app_id = :app_1_1 ORDER BY device_token;
SELECT count(*) AS tokens_out_of_step FROM push_actions.verify_device_tokens();
-- the hourly series, from the actions 1.1 wrote
SELECT platform, scheduled, attempted, sent, opened FROM push_actions.hourly_delivery WHERE app_id = :app_1_1 ORDER BY platform;
SELECT count(*) AS time_buckets_out_of_step FROM push_actions.verify_time_buckets();
SET search_path = pg_catalog;
\set ECHO none
\i test/data/extension_catalog.sql
\i test/data/catalog_differences.sql
\set ECHO all
SELECT (SELECT count(*) FROM extension_catalog) AS objects_compared, count(*) AS differences FROM catalog_differences;
\c :home
DROP DATABASE pa_from_1_1;

-- privileges granted on 1.0's write calls carry over to the forms with the
-- app as an optional last argument that replace them
\c :home
SET client_min_messages = warning;
DROP DATABASE IF EXISTS pa_grants;
DROP ROLE IF EXISTS regress_sender;
RESET client_min_messages;
CREATE DATABASE pa_grants;
CREATE ROLE regress_sender;
\c pa_grants
CREATE EXTENSION push_actions VERSION '1.0';
REVOKE EXECUTE ON FUNCTION push_actions.record_attempt(bigint, boolean, text, boolean) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION push_actions.record_attempt(bigint, boolean, text, boolean) TO regress_sender WITH GRANT OPTION;
REVOKE EXECUTE ON FUNCTION push_actions.retry(bigint) FROM PUBLIC;
ALTER EXTENSION push_actions UPDATE;
SELECT p.oid::regprocedure AS function,
       has_function_privilege('regress_sender', p.oid, 'EXECUTE') AS sender,
       has_function_privilege('regress_sender', p.oid, 'EXECUTE WITH GRANT OPTION') AS sender_grants,
       has_function_privilege('public', p.oid, 'EXECUTE') AS everyone
FROM pg_proc p WHERE p.pronamespace = 'push_actions'::regnamespace AND p.proname IN ('record_attempt', 'record_event', 'retry')
ORDER BY 1::text;
\c :home
DROP DATABASE pa_grants;
DROP ROLE regress_sender;

-- DROP EXTENSION refuses while a user's object depends on it; CASCADE takes
-- that object, the tables and every row with it
\c pa_fresh
CREATE TABLE public.my_summaries (day date, summary push_actions.delivery_summary);
DROP EXTENSION push_actions;
DROP EXTENSION push_actions CASCADE;
SELECT count(*) AS tables_left FROM pg_tables WHERE schemaname LIKE 'push_actions%';
SELECT count(*) AS schemas_left FROM pg_namespace WHERE nspname = 'push_actions_internal';

\c :home
DROP DATABASE pa_upgraded;
DROP DATABASE pa_fresh;
