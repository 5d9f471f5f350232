-- Retention: folding old actions into daily_rollups, purge and deletion.

-- Folds the given pushes (whole, with all their actions) and standalone actions
-- into daily_rollups and deletes them, in one statement: a row is either still
-- in actions or counted in daily_rollups, never both and never twice.
-- Returns the number of actions folded.
CREATE FUNCTION push_actions_internal.fold_and_delete(app_ids bigint[], push_ids text[], action_ids bigint[])
	RETURNS bigint
	LANGUAGE sql VOLATILE
	SET search_path = pg_catalog, push_actions, pg_temp
	AS $$
WITH push_gone AS (
	DELETE FROM push_actions.actions a
	USING unnest(app_ids, push_ids) AS k(app_id, push_id)
	WHERE a.app_id = k.app_id AND a.push_id = k.push_id
	RETURNING a.*
), standalone_gone AS (
	DELETE FROM push_actions.actions a
	WHERE a.action_id = ANY (action_ids) AND a.push_id IS NULL
	RETURNING a.*
), gone AS (
	SELECT * FROM push_gone UNION ALL SELECT * FROM standalone_gone
), pushes_gone AS (
	DELETE FROM push_actions.pushes p
	USING unnest(app_ids, push_ids) AS k(app_id, push_id)
	WHERE p.app_id = k.app_id AND p.push_id = k.push_id
), msgs AS (
	SELECT app_id, campaign_id,
	       (array_agg(platform ORDER BY action_id))[1] AS platform,
	       (min(create_time) AT TIME ZONE 'UTC')::date AS day,
	       rollup_status(status) AS status
	FROM gone
	GROUP BY app_id, push_id, campaign_id, profile_id,
	         push_actions_internal.message_device(profile_id, device_id),
	         push_actions_internal.message_action(push_id, action_id)
), parts AS (
	SELECT app_id, campaign_id, platform, (create_time AT TIME ZONE 'UTC')::date AS day,
	       delivery_summary(status, attempts) AS summary, NULL::push_actions.delivery_summary AS messages
	FROM gone GROUP BY 1, 2, 3, 4
	UNION ALL
	SELECT app_id, campaign_id, platform, day, NULL, delivery_summary(status)
	FROM msgs GROUP BY 1, 2, 3, 4
), folded AS (
	INSERT INTO push_actions.daily_rollups AS r (app_id, campaign_id, platform, day, summary, messages)
	SELECT app_id, campaign_id, platform, day,
	       coalesce(delivery_summary(summary), '{}'),
	       coalesce(delivery_summary(messages), '{}')
	FROM parts GROUP BY 1, 2, 3, 4
	-- in key order: two folds that share rows (same app, campaign, platform and
	-- day) then take them in the same order and wait instead of deadlocking
	ORDER BY 1, 2, 3, 4
	ON CONFLICT (app_id, campaign_id, platform, day) DO UPDATE
	SET summary = r.summary + excluded.summary,
	    messages = r.messages + excluded.messages
)
-- data-modifying CTEs run whether or not the result reads them
SELECT count(*) FROM gone
$$;

CREATE FUNCTION push_actions.fold_actions(older_than timestamptz, batch integer DEFAULT 10000)
	RETURNS bigint
	LANGUAGE plpgsql VOLATILE
	SET search_path = pg_catalog, push_actions, pg_temp
	AS $$
DECLARE
	app_ids		bigint[];
	push_ids	text[];
	action_ids	bigint[];
BEGIN
	IF older_than IS NULL THEN
		RAISE EXCEPTION 'older_than must not be NULL' USING ERRCODE = 'null_value_not_allowed';
	END IF;
	IF batch IS NULL OR batch < 1 THEN
		RAISE EXCEPTION 'batch must be a positive number of pushes' USING ERRCODE = 'invalid_parameter_value';
	END IF;
	-- SKIP LOCKED: a concurrent fold takes other pushes instead of waiting on these
	SELECT array_agg(p.app_id), array_agg(p.push_id) INTO app_ids, push_ids FROM (
		SELECT app_id, push_id FROM push_actions.pushes
		WHERE created_at < older_than ORDER BY created_at LIMIT batch
		FOR UPDATE SKIP LOCKED) p;
	SELECT array_agg(a.action_id) INTO action_ids FROM (
		SELECT action_id FROM push_actions.actions
		WHERE push_id IS NULL AND create_time < older_than ORDER BY create_time LIMIT batch
		FOR UPDATE SKIP LOCKED) a;
	RETURN push_actions_internal.fold_and_delete(coalesce(app_ids, '{}'), coalesce(push_ids, '{}'), coalesce(action_ids, '{}'));
END
$$;
COMMENT ON FUNCTION push_actions.fold_actions(timestamptz, integer) IS
	'moves up to batch pushes created before older_than (and as many standalone actions) into daily_rollups; returns the actions moved';

CREATE FUNCTION push_actions.purge(now timestamptz DEFAULT now(), batch integer DEFAULT 10000)
	RETURNS bigint
	LANGUAGE plpgsql VOLATILE
	SET search_path = pg_catalog, push_actions, pg_temp
	AS $$
DECLARE
	app_ids		bigint[];
	push_ids	text[];
BEGIN
	IF now IS NULL THEN
		RAISE EXCEPTION 'now must not be NULL' USING ERRCODE = 'null_value_not_allowed';
	END IF;
	IF batch IS NULL OR batch < 1 THEN
		RAISE EXCEPTION 'batch must be a positive number of pushes' USING ERRCODE = 'invalid_parameter_value';
	END IF;
	-- Expired, or every action final for 2 days.  SKIP LOCKED: concurrent purges
	-- take different pushes; a push being written to waits for the next run.
	SELECT array_agg(c.app_id), array_agg(c.push_id) INTO app_ids, push_ids FROM (
		SELECT p.app_id, p.push_id FROM push_actions.pushes p
		WHERE p.expires_at <= purge.now
		   OR (p.created_at <= purge.now - interval '2 days'
		       AND NOT EXISTS (SELECT 1 FROM push_actions.actions a
		                       WHERE a.app_id = p.app_id AND a.push_id = p.push_id
		                         AND a.status = ANY (push_actions_internal.statuses('unfinished')))
		       AND NOT EXISTS (SELECT 1 FROM push_actions.actions a
		                       WHERE a.app_id = p.app_id AND a.push_id = p.push_id
		                         AND a.updated_at > purge.now - interval '2 days'))
		ORDER BY p.expires_at
		LIMIT batch
		FOR UPDATE OF p SKIP LOCKED) c;
	IF app_ids IS NULL THEN
		RETURN 0;
	END IF;
	-- Every action of these pushes is locked before any changes: the expiry
	-- below locks the kept rows of its messages, and the fold then needs no
	-- further action lock that a send to another device of such a message,
	-- waiting for one of those rows, could hold.
	PERFORM 1 FROM push_actions.actions a, unnest(app_ids, push_ids) AS k(app_id, push_id)
	WHERE a.app_id = k.app_id AND a.push_id = k.push_id
	ORDER BY a.action_id
	FOR UPDATE OF a;
	-- what never finished before expiry is counted as expired
	UPDATE push_actions.actions a SET status = 'expired', updated_at = purge.now
	FROM unnest(app_ids, push_ids) AS k(app_id, push_id), push_actions.pushes p
	WHERE a.app_id = k.app_id AND a.push_id = k.push_id
	  AND p.app_id = k.app_id AND p.push_id = k.push_id AND p.expires_at <= purge.now
	  AND a.status = ANY (push_actions_internal.statuses('unfinished'));
	PERFORM push_actions_internal.fold_and_delete(app_ids, push_ids, '{}');
	RETURN cardinality(push_ids);
END
$$;
COMMENT ON FUNCTION push_actions.purge(timestamptz, integer) IS
	'deletes up to batch pushes that expired or whose actions were all final for 2 days, folding them into daily_rollups first; returns the pushes removed';
