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
-- status; an action without a push is a message of its own (it has no kept
-- row, so both sides read it from the actions).  Over the kept
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
