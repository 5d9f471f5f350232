-- Retention: folding old actions into daily_rollups, purge and deletion.

-- Folds the given pushes of one app (whole, with all their actions) and its
-- standalone actions into daily_rollups and deletes them, in one transaction:
-- a row is either still in actions or counted in daily_rollups, never both
-- and never twice.  One app per call and every statement bound to it, so that
-- on Citus each runs as one task on the app's shard.  Returns the number of
-- actions folded.
CREATE OR REPLACE FUNCTION push_actions_internal.fold_and_delete(app bigint, push_ids text[], action_ids bigint[])
	RETURNS bigint
	LANGUAGE plpgsql VOLATILE
	SET search_path = pg_catalog, push_actions, pg_temp
	AS $$
DECLARE
	folded	bigint;
	rows	push_actions.daily_rollups[];
BEGIN
	-- the deletes are CTEs of a SELECT, not of the INSERT below: Citus routes
	-- a statement whose CTEs delete to one shard, not one whose CTEs insert
	WITH push_gone AS (
		DELETE FROM push_actions.actions a
		WHERE a.app_id = app AND a.push_id = ANY (push_ids)
		RETURNING a.*
	), standalone_gone AS (
		DELETE FROM push_actions.actions a
		WHERE a.app_id = app AND a.action_id = ANY (action_ids) AND a.push_id IS NULL
		RETURNING a.*
	), pushes_gone AS (
		DELETE FROM push_actions.pushes p
		WHERE p.app_id = app AND p.push_id = ANY (push_ids)
	), gone AS (
		SELECT * FROM push_gone UNION ALL SELECT * FROM standalone_gone
	), msgs AS (
		SELECT campaign_id,
		       (array_agg(platform ORDER BY action_id))[1] AS platform,
		       (min(create_time) AT TIME ZONE 'UTC')::date AS day,
		       rollup_status(status) AS status
		FROM gone
		GROUP BY push_id, campaign_id, profile_id,
		         push_actions_internal.message_device(profile_id, device_id),
		         push_actions_internal.message_action(push_id, action_id)
	), parts AS (
		SELECT campaign_id, platform, (create_time AT TIME ZONE 'UTC')::date AS day, count(*) AS n,
		       delivery_summary(status, attempts) AS summary, NULL::push_actions.delivery_summary AS messages
		FROM gone GROUP BY 1, 2, 3
		UNION ALL
		SELECT campaign_id, platform, day, 0, NULL, delivery_summary(status)
		FROM msgs GROUP BY 1, 2, 3
	), per_day AS (
		SELECT campaign_id, platform, day, sum(n) AS n,
		       coalesce(delivery_summary(summary), '{}') AS summary,
		       coalesce(delivery_summary(messages), '{}') AS messages
		FROM parts GROUP BY 1, 2, 3
	)
	SELECT coalesce(sum(d.n), 0),
	       array_agg(ROW(app, d.campaign_id, d.platform, d.day, d.summary, d.messages)::push_actions.daily_rollups)
	INTO folded, rows
	FROM per_day d;
	IF rows IS NOT NULL THEN
		-- in key order: two folds that share rows (same app, campaign, platform
		-- and day) then take them in the same order and wait instead of deadlocking
		INSERT INTO push_actions.daily_rollups AS r
		SELECT * FROM unnest(rows) ORDER BY campaign_id, platform, day
		ON CONFLICT (app_id, campaign_id, platform, day) DO UPDATE
		SET summary = r.summary + excluded.summary,
		    messages = r.messages + excluded.messages;
	END IF;
	RETURN folded;
END
$$;

-- Retention goes one app at a time, in app order, each statement bound to the
-- app: on Citus every statement then runs on the app's shard (rows cannot be
-- locked across shards), and concurrent runs meet the apps in one order.
CREATE OR REPLACE FUNCTION push_actions.fold_actions(older_than timestamptz, batch integer DEFAULT 10000)
	RETURNS bigint
	LANGUAGE plpgsql VOLATILE
	SET search_path = pg_catalog, push_actions, pg_temp
	AS $$
DECLARE
	app			bigint;
	push_ids	text[];
	action_ids	bigint[];
	pushes_left	integer := batch;
	alone_left	integer := batch;
	folded		bigint := 0;
BEGIN
	IF older_than IS NULL THEN
		RAISE EXCEPTION 'older_than must not be NULL' USING ERRCODE = 'null_value_not_allowed';
	END IF;
	IF batch IS NULL OR batch < 1 THEN
		RAISE EXCEPTION 'batch must be a positive number of pushes' USING ERRCODE = 'invalid_parameter_value';
	END IF;
	FOR app IN SELECT a.app_id FROM push_actions.apps a ORDER BY a.app_id LOOP
		EXIT WHEN pushes_left = 0 AND alone_left = 0;
		-- SKIP LOCKED: a concurrent fold takes other pushes instead of waiting on these
		SELECT array_agg(p.push_id) INTO push_ids FROM (
			SELECT push_id FROM push_actions.pushes
			WHERE app_id = app AND created_at < older_than ORDER BY created_at LIMIT pushes_left
			FOR UPDATE SKIP LOCKED) p;
		SELECT array_agg(a.action_id) INTO action_ids FROM (
			SELECT action_id FROM push_actions.actions
			WHERE app_id = app AND push_id IS NULL AND create_time < older_than ORDER BY create_time LIMIT alone_left
			FOR UPDATE SKIP LOCKED) a;
		CONTINUE WHEN push_ids IS NULL AND action_ids IS NULL;
		folded := folded + push_actions_internal.fold_and_delete(app, coalesce(push_ids, '{}'), coalesce(action_ids, '{}'));
		pushes_left := pushes_left - coalesce(cardinality(push_ids), 0);
		alone_left := alone_left - coalesce(cardinality(action_ids), 0);
	END LOOP;
	RETURN folded;
END
$$;
COMMENT ON FUNCTION push_actions.fold_actions(timestamptz, integer) IS
	'moves up to batch pushes created before older_than (and as many standalone actions) into daily_rollups; returns the actions moved';

CREATE OR REPLACE FUNCTION push_actions.purge(now timestamptz DEFAULT now(), batch integer DEFAULT 10000)
	RETURNS bigint
	LANGUAGE plpgsql VOLATILE
	SET search_path = pg_catalog, push_actions, pg_temp
	AS $$
DECLARE
	app			bigint;
	push_ids	text[];
	purged		bigint := 0;
BEGIN
	IF now IS NULL THEN
		RAISE EXCEPTION 'now must not be NULL' USING ERRCODE = 'null_value_not_allowed';
	END IF;
	IF batch IS NULL OR batch < 1 THEN
		RAISE EXCEPTION 'batch must be a positive number of pushes' USING ERRCODE = 'invalid_parameter_value';
	END IF;
	FOR app IN SELECT a.app_id FROM push_actions.apps a ORDER BY a.app_id LOOP
		EXIT WHEN purged = batch;
		-- Expired, or every action final for 2 days.  SKIP LOCKED: concurrent
		-- purges take different pushes; a push being written to waits for the next run.
		SELECT array_agg(c.push_id) INTO push_ids FROM (
			SELECT p.push_id FROM push_actions.pushes p
			WHERE p.app_id = app
			  AND (p.expires_at <= purge.now
			       OR (p.created_at <= purge.now - interval '2 days'
			           AND NOT EXISTS (SELECT 1 FROM push_actions.actions a
			                           WHERE a.app_id = app AND a.push_id = p.push_id
			                             AND a.status = ANY (push_actions_internal.statuses('unfinished')))
			           AND NOT EXISTS (SELECT 1 FROM push_actions.actions a
			                           WHERE a.app_id = app AND a.push_id = p.push_id
			                             AND a.updated_at > purge.now - interval '2 days')))
			ORDER BY p.expires_at
			LIMIT batch - purged
			FOR UPDATE OF p SKIP LOCKED) c;
		CONTINUE WHEN push_ids IS NULL;
		-- Every action of these pushes is locked before any changes: the expiry
		-- below locks the kept rows of its messages, and the fold then needs no
		-- further action lock that a send to another device of such a message,
		-- waiting for one of those rows, could hold.
		PERFORM 1 FROM push_actions.actions a
		WHERE a.app_id = app AND a.push_id = ANY (push_ids)
		ORDER BY a.action_id
		FOR UPDATE OF a;
		-- what never finished before expiry is counted as expired
		UPDATE push_actions.actions a SET status = 'expired', updated_at = purge.now
		FROM push_actions.pushes p
		WHERE a.app_id = app AND a.push_id = ANY (push_ids)
		  AND p.app_id = app AND p.push_id = a.push_id AND p.expires_at <= purge.now
		  AND a.status = ANY (push_actions_internal.statuses('unfinished'));
		PERFORM push_actions_internal.fold_and_delete(app, push_ids, '{}');
		purged := purged + cardinality(push_ids);
	END LOOP;
	RETURN purged;
END
$$;
COMMENT ON FUNCTION push_actions.purge(timestamptz, integer) IS
	'deletes up to batch pushes that expired or whose actions were all final for 2 days, folding them into daily_rollups first; returns the pushes removed';


CREATE OR REPLACE FUNCTION push_actions.delete_push(push_id text, api_key text)
	RETURNS jsonb
	LANGUAGE plpgsql VOLATILE
	SET search_path = pg_catalog, push_actions, pg_temp
	AS $$
DECLARE
	hit		record := push_actions_internal.find_push(push_id, api_key);
BEGIN
	IF hit.error IS NOT NULL THEN
		RETURN hit.error;
	END IF;
	-- the row lock makes a concurrent delete or purge wait, then find nothing
	PERFORM 1 FROM push_actions.pushes p
	WHERE p.app_id = (hit.push).app_id AND p.push_id = (hit.push).push_id FOR UPDATE;
	IF NOT FOUND THEN
		RETURN push_actions_internal.push_error('INVALID_PUSH_ID');
	END IF;
	PERFORM push_actions_internal.fold_and_delete((hit.push).app_id, ARRAY[(hit.push).push_id], '{}');
	RETURN '{"success": true}'::jsonb;
END
$$;
COMMENT ON FUNCTION push_actions.delete_push(text, text) IS
	'deletes a push and its actions, after folding them into daily_rollups';
