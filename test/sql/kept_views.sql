-- message_status, campaign_overview and daily_rollups on the seed's campaign
\set SHOW_CONTEXT never
-- plus pushes to several devices per person.
SET search_path = push_actions, public;
BEGIN;
\i test/data/seed_245624.sql
\i test/data/multi_device.sql

-- one row per push and person; a person's devices roll up (Customer.io)
SELECT profile_id, device_id, devices, status, total(summary) AS actions,
       status_count(summary, 'failed') AS failed_devices
FROM message_status WHERE push_id = 'a0000000000000000000000a' ORDER BY profile_id, device_id;

-- the seed's failed actions are messages of their own (no push)
SELECT action_id, profile_id, status, first_attempt_at
FROM message_status WHERE app_id = 1 AND campaign_id = 245624 AND status IN ('failed', 'bounced')
ORDER BY action_id DESC;

-- one person's messages: the kept messages of pushes through the optional
-- person index the README offers, and the actions without a push
SAVEPOINT person;
CREATE INDEX messages_person_idx ON push_actions_internal.messages (app_id, profile_id) WHERE profile_id IS NOT NULL;
-- statistics, so the plan does not depend on whether autovacuum came by;
-- plain index scans, whichever way the index is read on a table this small
ANALYZE actions, push_actions_internal.messages;
SET LOCAL enable_seqscan = off;
SET LOCAL enable_bitmapscan = off;
SET LOCAL enable_indexonlyscan = off;
EXPLAIN (COSTS OFF) SELECT push_id, devices, status FROM message_status WHERE app_id = 1 AND profile_id = 'alice';
SELECT push_id, devices, status FROM message_status WHERE app_id = 1 AND profile_id = 'alice' ORDER BY push_id;
ROLLBACK TO person;

SELECT app_id, campaign_id, messages, sent, delivered, opened, converted, failed, bounced,
       expired, pending, round(error_rate::numeric, 2) AS error_rate, summary
FROM campaign_overview ORDER BY app_id, campaign_id;

-- BI tools see plain SQL types; the custom types are only the extra summary columns
SELECT c.relname, a.attname, format_type(a.atttypid, a.atttypmod) AS type
FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid
WHERE c.relnamespace = 'push_actions'::regnamespace AND c.relkind = 'v' AND a.attnum > 0
ORDER BY c.relname, a.attnum;

-- folding moves actions into daily_rollups without changing the overview
CREATE TEMP TABLE before AS SELECT * FROM campaign_overview;
SELECT fold_actions('2017-01-01', 2) AS folded_first_batch;
SELECT fold_actions('2017-01-01') AS folded_rest;
SELECT fold_actions('2017-01-01') AS folded_again;
SELECT app_id, campaign_id, platform, day, summary, messages FROM daily_rollups ORDER BY 1, 2, 3, 4;
SELECT count(*) AS left_before_2017 FROM actions WHERE create_time < '2017-01-01';
SELECT (SELECT array_agg(b ORDER BY b.app_id, b.campaign_id)::text FROM before b)
     = (SELECT array_agg(c ORDER BY c.app_id, c.campaign_id)::text FROM campaign_overview c) AS overview_unchanged;
-- everything, pushes included
SELECT fold_actions('infinity') AS folded_all;
SELECT count(*) AS actions_left, (SELECT count(*) FROM pushes) AS pushes_left FROM actions;
SELECT (SELECT array_agg(b ORDER BY b.app_id, b.campaign_id)::text FROM before b)
     = (SELECT array_agg(c ORDER BY c.app_id, c.campaign_id)::text FROM campaign_overview c) AS overview_unchanged_after_all;
-- merging daily roll-ups into a month
SELECT app_id, date_trunc('month', day)::date AS month, delivery_summary(summary) AS devices,
       total(delivery_summary(messages)) AS messages
FROM daily_rollups GROUP BY 1, 2 ORDER BY 1, 2;
ROLLBACK;
SELECT fold_actions(NULL);
SELECT fold_actions(now(), 0);
