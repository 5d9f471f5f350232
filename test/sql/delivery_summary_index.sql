-- Campaign summaries and per-message roll-ups can read only indexes
-- (actions_summary_idx, actions_push_idx), grouping in index order: no heap
-- access, no sort, no hash table.  The summary index is small enough to be
-- chosen under the default costs; the push index is chosen on large tables
-- when random_page_cost suits SSDs (1.1), and on this small table sequential
-- scans are turned off to show it.  Both plans give the same answers.
SET search_path = push_actions, public;
INSERT INTO apps (app_id, name, token_hash) VALUES (301, 'rollup app', sha256(convert_to('ROLLUP_KEY', 'UTF8')));
INSERT INTO pushes (push_id, app_id, campaign_id, payload, expires_at)
SELECT lpad(to_hex(300000 + p), 24, '0'), 301, 3000 + p % 40, '{}', now() + interval '30 days'
FROM generate_series(1, 20000) p;
-- synthetic: every status with any attempts, written as the owner's repair
SET push_actions.unchecked_writes = on;
INSERT INTO actions (app_id, push_id, campaign_id, device_id, profile_id, platform, status, attempts)
SELECT 301, lpad(to_hex(300000 + p), 24, '0'), 3000 + p % 40, p * 10 + d, 'person-' || (p * 10 + d / 2),
       'android',
       (ARRAY['scheduled','attempted','sent','delivered','opened','converted','failed','bounced','expired'])
         [1 + (hashint4(p * 10 + d) & 2147483647) % 9]::push_status,
       (hashint4(p * 7 + d) & 2147483647) % 11
FROM generate_series(1, 20000) p, generate_series(0, 4) d;
RESET push_actions.unchecked_writes;
VACUUM ANALYZE actions;
SET max_parallel_workers_per_gather = 0;
-- actions_summary_idx keeps equal keys in posting lists, so it is a fraction
-- of the table and the planner reads it even under the default costs
EXPLAIN (COSTS OFF) SELECT app_id, campaign_id, delivery_summary(status, attempts) FROM actions GROUP BY 1, 2;
EXPLAIN (COSTS OFF) SELECT delivery_summary(status, attempts) FROM actions WHERE app_id = 301;
SELECT pg_relation_size('actions_summary_idx') * 4 < pg_relation_size('actions_campaign_idx') AS summary_index_is_small;
SET random_page_cost = 1.1;
SET enable_seqscan = off;
EXPLAIN (COSTS OFF) SELECT app_id, campaign_id, delivery_summary(status, attempts) FROM actions GROUP BY 1, 2;
EXPLAIN (COSTS OFF) SELECT r, count(*) FROM
	(SELECT push_id, profile_id, rollup_status(status) AS r FROM actions GROUP BY 1, 2) s GROUP BY r;
CREATE TEMP TABLE by_index AS
SELECT (SELECT md5(string_agg(app_id || '/' || campaign_id || ' ' || s::text, ';' ORDER BY app_id, campaign_id))
        FROM (SELECT app_id, campaign_id, delivery_summary(status, attempts) AS s FROM actions GROUP BY 1, 2) c) AS campaigns,
       (SELECT md5(string_agg(push_id || '/' || profile_id || ' ' || r::text, ';' ORDER BY push_id, profile_id))
        FROM (SELECT push_id, profile_id, rollup_status(status) AS r FROM actions GROUP BY 1, 2) m) AS messages;
-- the same answers from hashed sequential scans
RESET enable_seqscan;
SET enable_indexonlyscan = off;
SET enable_indexscan = off;
SET enable_bitmapscan = off;
EXPLAIN (COSTS OFF) SELECT app_id, campaign_id, delivery_summary(status, attempts) FROM actions GROUP BY 1, 2;
SELECT (SELECT md5(string_agg(app_id || '/' || campaign_id || ' ' || s::text, ';' ORDER BY app_id, campaign_id))
        FROM (SELECT app_id, campaign_id, delivery_summary(status, attempts) AS s FROM actions GROUP BY 1, 2) c) = campaigns AS campaigns_agree,
       (SELECT md5(string_agg(push_id || '/' || profile_id || ' ' || r::text, ';' ORDER BY push_id, profile_id))
        FROM (SELECT push_id, profile_id, rollup_status(status) AS r FROM actions GROUP BY 1, 2) m) = messages AS messages_agree,
       (SELECT count(*) FROM (SELECT DISTINCT push_id, profile_id FROM actions WHERE app_id = 301) d) AS messages
FROM by_index;
RESET enable_indexonlyscan;
RESET enable_indexscan;
RESET enable_bitmapscan;
RESET random_page_cost;
DELETE FROM actions WHERE app_id = 301;
DELETE FROM pushes WHERE app_id = 301;
DELETE FROM apps WHERE app_id = 301;
