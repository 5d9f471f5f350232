-- Roll-ups kept as actions are written, so that message_status and
-- campaign_overview read one row per message or a few per campaign instead
-- of regrouping every live action (README "Kept roll-ups").  The trigger
-- keep_rollups (src/rollup_keep.c) applies each statement's changed rows to
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
-- (src/rollup_keep.c).  A campaign has at most as many stripes as the
-- server has backend slots, and its numbers are one index range.
CREATE FUNCTION push_actions_internal.writer_stripe() RETURNS integer
	AS 'MODULE_PATHNAME' LANGUAGE C STABLE STRICT PARALLEL RESTRICTED;

-- Every message of a push, computed from its actions: what the kept rows
-- must equal.  Read by verify_rollups(), rebuild_rollups() and the trigger.
CREATE VIEW push_actions_internal.recomputed_messages AS
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

-- Every campaign's devices and messages per status, as kept: the differences
-- of its stripes' sums.
CREATE VIEW push_actions_internal.kept_campaigns AS
SELECT s.app_id, s.campaign_id,
       delivery_summary(s.devices_added) - delivery_summary(s.devices_removed) AS devices,
       delivery_summary(s.messages_added) - delivery_summary(s.messages_removed) AS messages
FROM push_actions_internal.campaign_stripes s
GROUP BY s.app_id, s.campaign_id;

-- Every campaign's devices and messages per status, computed from the
-- actions: what the stripes must add up to.
CREATE VIEW push_actions_internal.recomputed_campaigns AS
SELECT app_id, campaign_id,
       coalesce(delivery_summary(devices), '{}') AS devices,
       coalesce(delivery_summary(messages), '{}') AS messages
FROM (
	SELECT r.app_id, r.campaign_id, delivery_summary(r.summary) AS devices, delivery_summary(status(r.summary)) AS messages
	FROM push_actions_internal.recomputed_messages r
	GROUP BY r.app_id, r.campaign_id
	UNION ALL
	SELECT a.app_id, a.campaign_id, delivery_summary(a.status, a.attempts), delivery_summary(a.status)
	FROM push_actions.actions a
	WHERE a.push_id IS NULL
	GROUP BY a.app_id, a.campaign_id
) parts
GROUP BY app_id, campaign_id;

-- a - b for the trigger: an error that says the roll-ups are out of step
-- where b takes more than a counts (src/delivery_summary.c)
CREATE FUNCTION push_actions_internal.kept_summary_minus(push_actions.delivery_summary, push_actions.delivery_summary)
	RETURNS push_actions.delivery_summary
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE FUNCTION push_actions_internal.keep_rollups() RETURNS trigger
	AS 'MODULE_PATHNAME' LANGUAGE C;
-- SECURITY DEFINER, reviewed as the reference triggers are (references.sql):
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
CREATE FUNCTION push_actions_internal.forget_rollups() RETURNS trigger
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

-- Every message and campaign whose kept numbers differ from a recomputation
-- from the actions, with both sides as JSON; no rows when they agree.
CREATE FUNCTION push_actions.verify_rollups()
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
FULL JOIN push_actions_internal.recomputed_campaigns r
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
CREATE FUNCTION push_actions.rebuild_rollups() RETURNS bigint
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
	SELECT p.app_id, p.campaign_id, 0, delivery_summary(p.devices), '{}', delivery_summary(p.messages), '{}'
	FROM (
		SELECT m.app_id, m.campaign_id, delivery_summary(m.summary) AS devices,
		       delivery_summary(status(m.summary)) AS messages
		FROM push_actions_internal.messages m
		GROUP BY m.app_id, m.campaign_id
		UNION ALL
		SELECT a.app_id, a.campaign_id, delivery_summary(a.status, a.attempts), delivery_summary(a.status)
		FROM push_actions.actions a
		WHERE a.push_id IS NULL
		GROUP BY a.app_id, a.campaign_id
	) p
	GROUP BY p.app_id, p.campaign_id;
	RETURN n;
END
$$;
REVOKE EXECUTE ON FUNCTION push_actions.rebuild_rollups() FROM PUBLIC;
COMMENT ON FUNCTION push_actions.rebuild_rollups() IS
	'makes the kept message and campaign roll-ups again from the actions; returns the messages kept';
