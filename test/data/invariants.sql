-- The invariants every write path keeps, one row each with its number of
-- violations (all 0 when the data is sound): no action in a state the state
-- machine cannot reach, campaign_overview equal to a plain-SQL recomputation
-- from actions and daily_rollups, the kept roll-ups equal to theirs
-- (verify_rollups()), the device tokens' states in step with the actions
-- (verify_device_tokens()), the hourly series in step with them
-- (verify_time_buckets()), and every B-tree index of the extension's
-- tables consistent with its table (amcheck raises an error where not).
-- Used after crashes (test/t/crash_recovery.pl) and after make stress.
-- Needs the amcheck extension.
SELECT 'states the machine cannot reach' AS invariant, count(*) AS violations
FROM push_actions.actions
WHERE attempts NOT BETWEEN 0 AND 10
   OR (attempts = 0 AND status <> ALL ('{scheduled,attempted,expired}'))
UNION ALL
SELECT 'campaign_overview differs from its recomputation', (

	WITH live AS (
		SELECT app_id, campaign_id,
		       CASE WHEN bool_or(status = 'converted') THEN 'converted'
		            WHEN bool_or(status IN ('scheduled', 'attempted'))
		              THEN CASE WHEN bool_and(status = 'scheduled') THEN 'scheduled' ELSE 'attempted' END
		            WHEN bool_or(status = 'opened') THEN 'opened'
		            WHEN bool_or(status = 'delivered') THEN 'delivered'
		            WHEN bool_or(status = 'sent') THEN 'sent'
		            WHEN bool_and(status = 'expired') THEN 'expired'
		            WHEN bool_and(status IN ('bounced', 'expired')) THEN 'bounced'
		            ELSE 'failed' END AS status
		FROM push_actions.actions
		GROUP BY app_id, push_id, campaign_id, profile_id,
		         CASE WHEN profile_id IS NULL THEN device_id END, CASE WHEN push_id IS NULL THEN action_id END
	), counts AS (
		SELECT app_id, campaign_id, count(*) AS messages,
		       count(*) FILTER (WHERE status = 'sent') AS sent, count(*) FILTER (WHERE status = 'opened') AS opened,
		       count(*) FILTER (WHERE status = 'failed') AS failed, count(*) FILTER (WHERE status = 'bounced') AS bounced,
		       count(*) FILTER (WHERE status IN ('scheduled', 'attempted')) AS pending
		FROM live GROUP BY 1, 2
		UNION ALL
		SELECT app_id, campaign_id, sum(total(messages)),
		       sum(status_count(messages, 'sent')), sum(status_count(messages, 'opened')),
		       sum(status_count(messages, 'failed')), sum(status_count(messages, 'bounced')),
		       sum(pending(messages))
		FROM push_actions.daily_rollups GROUP BY 1, 2
	), expected AS (
		SELECT app_id, campaign_id, sum(messages) AS messages, sum(sent) AS sent, sum(opened) AS opened,
		       sum(failed) AS failed, sum(bounced) AS bounced, sum(pending) AS pending
		FROM counts GROUP BY 1, 2
	)
	SELECT count(*) FROM (
		(SELECT * FROM expected
		 EXCEPT SELECT app_id, campaign_id, messages, sent, opened, failed, bounced, pending FROM push_actions.campaign_overview)
		UNION ALL
		(SELECT app_id, campaign_id, messages, sent, opened, failed, bounced, pending FROM push_actions.campaign_overview
		 EXCEPT SELECT * FROM expected)) d
)
UNION ALL
SELECT 'kept roll-ups differing from their recomputation', (SELECT count(*) FROM push_actions.verify_rollups())
UNION ALL
SELECT 'device tokens whose state misses the live actions or contradicts itself', (SELECT count(*) FROM push_actions.verify_device_tokens())
UNION ALL
SELECT 'hourly buckets whose live part differs from their recomputation', (SELECT count(*) FROM push_actions.verify_time_buckets())
UNION ALL
SELECT 'B-tree indexes amcheck could not check', (
	SELECT count(*) - (SELECT count(*) FROM (SELECT bt_index_check(i.indexrelid, true) FROM pg_index i
	                   JOIN pg_class c ON c.oid = i.indexrelid JOIN pg_am am ON am.oid = c.relam AND am.amname = 'btree'
	                   WHERE i.indrelid = ANY (t.tables)) x)
	FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid JOIN pg_am am ON am.oid = c.relam AND am.amname = 'btree'
	WHERE i.indrelid = ANY (t.tables))
FROM (SELECT ARRAY['push_actions.actions'::regclass, 'push_actions.pushes'::regclass,
                   'push_actions.apps'::regclass, 'push_actions.daily_rollups'::regclass,
                   'push_actions_internal.messages'::regclass, 'push_actions_internal.campaign_stripes'::regclass,
                   'push_actions_internal.device_tokens'::regclass] AS tables) t;
