\echo Use "ALTER EXTENSION push_actions UPDATE TO '1.1'" to load this file. \quit

-- 1.1: the helpers that only the extension calls move from push_actions to the
-- new schema push_actions_internal, and the functions that call them are
-- re-created to name them there; the trigger functions are no longer
-- executable by PUBLIC.  Data and stored values are untouched.

CREATE SCHEMA push_actions_internal;
GRANT USAGE ON SCHEMA push_actions_internal TO PUBLIC;

ALTER FUNCTION push_actions.new_push_id() SET SCHEMA push_actions_internal;
ALTER FUNCTION push_actions.is_dead_token_error(text) SET SCHEMA push_actions_internal;
ALTER FUNCTION push_actions.lock_action(bigint) SET SCHEMA push_actions_internal;
ALTER FUNCTION push_actions.refuse_transition(bigint, push_actions.push_status, push_actions.push_status, text) SET SCHEMA push_actions_internal;
ALTER FUNCTION push_actions.fold_and_delete(bigint[], text[], bigint[]) SET SCHEMA push_actions_internal;
ALTER FUNCTION push_actions.push_error(text) SET SCHEMA push_actions_internal;
ALTER FUNCTION push_actions.find_push(text, text) SET SCHEMA push_actions_internal;
ALTER FUNCTION push_actions.check_action_parents() SET SCHEMA push_actions_internal;
ALTER FUNCTION push_actions.forbid_key_change() SET SCHEMA push_actions_internal;
ALTER FUNCTION push_actions.delete_child_actions() SET SCHEMA push_actions_internal;

REVOKE EXECUTE ON FUNCTION push_actions_internal.check_action_parents() FROM PUBLIC;
REVOKE EXECUTE ON FUNCTION push_actions_internal.forbid_key_change() FROM PUBLIC;
REVOKE EXECUTE ON FUNCTION push_actions_internal.delete_child_actions() FROM PUBLIC;

-- The callers of the moved helpers, as in 1.1's sources.
CREATE OR REPLACE FUNCTION push_actions.create_push(
	app_id bigint, payload jsonb, devices jsonb,
	campaign_id bigint DEFAULT NULL, send_at timestamptz DEFAULT NULL,
	expires_at timestamptz DEFAULT NULL)
	RETURNS text
	LANGUAGE plpgsql VOLATILE
	SET search_path = pg_catalog, push_actions, pg_temp
	AS $$
DECLARE
	new_id		text := push_actions_internal.new_push_id();
	expiry		timestamptz := coalesce(expires_at, now() + interval '30 days');
	bad			record;
	problem		text;
BEGIN
	IF app_id IS NULL OR NOT EXISTS (SELECT 1 FROM push_actions.apps a WHERE a.app_id = create_push.app_id) THEN
		RAISE EXCEPTION 'app % does not exist', coalesce(app_id::text, 'NULL')
			USING ERRCODE = 'foreign_key_violation';
	END IF;
	IF payload IS NULL OR jsonb_typeof(payload) <> 'object' THEN
		RAISE EXCEPTION 'payload must be a JSON object'
			USING ERRCODE = 'invalid_parameter_value';
	END IF;
	IF devices IS NULL OR jsonb_typeof(devices) <> 'array' OR jsonb_array_length(devices) = 0 THEN
		RAISE EXCEPTION 'devices must be a non-empty JSON array'
			USING ERRCODE = 'invalid_parameter_value';
	END IF;
	IF expiry <= now() OR expiry > now() + interval '365 days' THEN
		RAISE EXCEPTION 'expires_at must be in the next 365 days'
			USING ERRCODE = 'invalid_parameter_value',
			      DETAIL = format('expires_at is %s.', expiry);
	END IF;
	IF send_at IS NOT NULL AND send_at >= expiry THEN
		RAISE EXCEPTION 'send_at must be before expires_at'
			USING ERRCODE = 'invalid_parameter_value';
	END IF;

	-- Find the first malformed device, then say exactly what is wrong with it.
	SELECT d.i - 1 AS idx, d.e INTO bad
	FROM jsonb_array_elements(devices) WITH ORDINALITY AS d(e, i)
	WHERE jsonb_typeof(d.e) IS DISTINCT FROM 'object'
	   OR jsonb_typeof(d.e -> 'device_id') IS DISTINCT FROM 'number'
	   OR (d.e ->> 'device_id') !~ '^[0-9]{1,18}$'
	   OR jsonb_typeof(d.e -> 'platform') IS DISTINCT FROM 'string'
	   OR (d.e ->> 'platform') NOT IN ('android', 'ios', 'web', 'electron', 'huawei', 'macos', 'windows', 'other')
	   OR coalesce(jsonb_typeof(d.e -> 'token'), 'null') NOT IN ('string', 'null')
	   OR coalesce(jsonb_typeof(d.e -> 'profile_id'), 'null') NOT IN ('string', 'null')
	   OR EXISTS (SELECT 1 FROM jsonb_object_keys(d.e) k
	              WHERE k NOT IN ('device_id', 'token', 'platform', 'profile_id'))
	ORDER BY d.i LIMIT 1;
	IF FOUND THEN
		problem := CASE
			WHEN jsonb_typeof(bad.e) IS DISTINCT FROM 'object' THEN 'is not an object'
			WHEN (SELECT k FROM jsonb_object_keys(bad.e) k
			      WHERE k NOT IN ('device_id', 'token', 'platform', 'profile_id') LIMIT 1) IS NOT NULL
				THEN format('has unknown key "%s"', (SELECT k FROM jsonb_object_keys(bad.e) k
					WHERE k NOT IN ('device_id', 'token', 'platform', 'profile_id') ORDER BY k LIMIT 1))
			WHEN jsonb_typeof(bad.e -> 'device_id') IS DISTINCT FROM 'number'
			  OR (bad.e ->> 'device_id') !~ '^[0-9]{1,18}$'
				THEN 'device_id must be a non-negative integer'
			WHEN jsonb_typeof(bad.e -> 'platform') IS DISTINCT FROM 'string'
			  OR (bad.e ->> 'platform') NOT IN ('android', 'ios', 'web', 'electron', 'huawei', 'macos', 'windows', 'other')
				THEN 'platform must be one of android, ios, web, electron, huawei, macos, windows, other'
			WHEN coalesce(jsonb_typeof(bad.e -> 'token'), 'null') NOT IN ('string', 'null')
				THEN 'token must be a string'
			ELSE 'profile_id must be a string'
		END;
		RAISE EXCEPTION 'devices[%] %', bad.idx, problem
			USING ERRCODE = 'invalid_parameter_value';
	END IF;

	INSERT INTO push_actions.pushes (push_id, app_id, campaign_id, payload, created_at, send_at, expires_at)
		VALUES (new_id, app_id, campaign_id, payload, now(), send_at, expiry);
	INSERT INTO push_actions.actions
		(app_id, push_id, campaign_id, device_id, profile_id, device_token, platform, channel, status, attempts)
	SELECT create_push.app_id, new_id, create_push.campaign_id, (d.e ->> 'device_id')::bigint,
	       d.e ->> 'profile_id', d.e ->> 'token', d.e ->> 'platform', 'push',
	       CASE WHEN send_at > now() THEN 'scheduled' ELSE 'attempted' END::push_actions.push_status, 0
	FROM jsonb_array_elements(devices) WITH ORDINALITY AS d(e, i)
	ORDER BY d.i;
	RETURN new_id;
END
$$;

CREATE OR REPLACE FUNCTION push_actions.record_attempt(action_id bigint, ok boolean,
	error_message text DEFAULT NULL, permanent boolean DEFAULT false)
	RETURNS push_actions.push_status
	LANGUAGE plpgsql VOLATILE
	SET search_path = pg_catalog, push_actions, pg_temp
	AS $$
DECLARE
	cur		push_actions.actions;
	tries	smallint;
	new_status	push_actions.push_status;
BEGIN
	IF ok IS NULL THEN
		RAISE EXCEPTION 'ok must not be NULL' USING ERRCODE = 'null_value_not_allowed';
	END IF;
	cur := push_actions_internal.lock_action(action_id);
	-- A send starts from attempted; a scheduled action passes through it,
	-- as can_transition() allows.  failed -> attempted is retry()'s alone.
	IF cur.status = 'failed' OR NOT push_actions.can_transition(cur.status, 'attempted') THEN
		PERFORM push_actions_internal.refuse_transition(action_id, cur.status,
			CASE WHEN ok THEN 'sent' ELSE 'attempted' END::push_actions.push_status,
			CASE WHEN cur.status = 'failed' THEN 'Call push_actions.retry() first.' END);
	END IF;
	tries := cur.attempts + 1;
	new_status := CASE
		WHEN ok THEN 'sent'
		WHEN push_actions_internal.is_dead_token_error(error_message) THEN 'bounced'
		WHEN coalesce(permanent, false) OR tries >= 10 THEN 'failed'
		ELSE 'attempted'
	END;
	IF NOT push_actions.can_transition('attempted', new_status) THEN
		PERFORM push_actions_internal.refuse_transition(action_id, 'attempted', new_status);
	END IF;
	UPDATE push_actions.actions a
	SET status = new_status,
	    attempts = tries,
	    error_message = CASE WHEN ok THEN NULL ELSE record_attempt.error_message END,
	    updated_at = now()
	WHERE a.action_id = record_attempt.action_id;
	RETURN new_status;
END
$$;

CREATE OR REPLACE FUNCTION push_actions.record_event(action_id bigint, status push_actions.push_status,
	at timestamptz DEFAULT now())
	RETURNS push_actions.push_status
	LANGUAGE plpgsql VOLATILE
	SET search_path = pg_catalog, push_actions, pg_temp
	AS $$
DECLARE
	cur		push_actions.actions;
BEGIN
	IF status IS NULL OR status NOT IN ('delivered', 'opened', 'converted', 'expired') THEN
		RAISE EXCEPTION 'record_event takes delivered, opened, converted or expired, not %',
			coalesce(status::text, 'NULL')
			USING ERRCODE = 'invalid_parameter_value',
			      HINT = 'Use record_attempt() for send results and retry() for failed actions.';
	END IF;
	IF at IS NULL THEN
		RAISE EXCEPTION 'at must not be NULL' USING ERRCODE = 'null_value_not_allowed';
	END IF;
	cur := push_actions_internal.lock_action(action_id);
	IF NOT push_actions.can_transition(cur.status, status) THEN
		PERFORM push_actions_internal.refuse_transition(action_id, cur.status, status);
	END IF;
	UPDATE push_actions.actions a SET status = record_event.status, updated_at = at
	WHERE a.action_id = record_event.action_id;
	RETURN status;
END
$$;

CREATE OR REPLACE FUNCTION push_actions.retry(action_id bigint)
	RETURNS push_actions.push_status
	LANGUAGE plpgsql VOLATILE
	SET search_path = pg_catalog, push_actions, pg_temp
	AS $$
DECLARE
	cur		push_actions.actions := push_actions_internal.lock_action(action_id);
BEGIN
	IF cur.status <> 'failed' OR NOT push_actions.can_transition(cur.status, 'attempted') THEN
		PERFORM push_actions_internal.refuse_transition(action_id, cur.status, 'attempted',
			'Only failed actions can be retried.');
	END IF;
	IF cur.attempts >= 10 THEN
		RAISE EXCEPTION 'action % has used all 10 attempts', action_id
			USING ERRCODE = 'object_not_in_prerequisite_state';
	END IF;
	UPDATE push_actions.actions a SET status = 'attempted', updated_at = now()
	WHERE a.action_id = retry.action_id;
	RETURN 'attempted'::push_actions.push_status;
END
$$;

CREATE OR REPLACE FUNCTION push_actions.fold_actions(older_than timestamptz, batch integer DEFAULT 10000)
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

CREATE OR REPLACE FUNCTION push_actions.purge(now timestamptz DEFAULT now(), batch integer DEFAULT 10000)
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
		                         AND a.status IN ('scheduled', 'attempted'))
		       AND NOT EXISTS (SELECT 1 FROM push_actions.actions a
		                       WHERE a.app_id = p.app_id AND a.push_id = p.push_id
		                         AND a.updated_at > purge.now - interval '2 days'))
		ORDER BY p.expires_at
		LIMIT batch
		FOR UPDATE OF p SKIP LOCKED) c;
	IF app_ids IS NULL THEN
		RETURN 0;
	END IF;
	-- what never finished before expiry is counted as expired
	UPDATE push_actions.actions a SET status = 'expired', updated_at = purge.now
	FROM unnest(app_ids, push_ids) AS k(app_id, push_id), push_actions.pushes p
	WHERE a.app_id = k.app_id AND a.push_id = k.push_id
	  AND p.app_id = k.app_id AND p.push_id = k.push_id AND p.expires_at <= purge.now
	  AND a.status IN ('scheduled', 'attempted');
	PERFORM push_actions_internal.fold_and_delete(app_ids, push_ids, '{}');
	RETURN cardinality(push_ids);
END
$$;

CREATE OR REPLACE FUNCTION push_actions_internal.find_push(push_id text, api_key text, OUT push push_actions.pushes, OUT error jsonb)
	LANGUAGE plpgsql STABLE PARALLEL SAFE
	SET search_path = pg_catalog, push_actions, pg_temp
	AS $$
DECLARE
	app bigint := push_actions.app_for_token(api_key);
BEGIN
	IF app IS NULL THEN
		error := push_actions_internal.push_error('INVALID_API_KEY');
		RETURN;
	END IF;
	IF push_id IS NOT NULL AND push_id ~ '^[0-9a-f]{24}$' THEN
		SELECT * INTO push FROM push_actions.pushes p WHERE p.app_id = app AND p.push_id = find_push.push_id;
	END IF;
	IF push.push_id IS NULL THEN
		error := push_actions_internal.push_error('INVALID_PUSH_ID');
	END IF;
END
$$;

CREATE OR REPLACE FUNCTION push_actions.push_info(push_id text, api_key text, as_of timestamptz DEFAULT now())
	RETURNS jsonb
	LANGUAGE plpgsql STABLE PARALLEL SAFE
	SET search_path = pg_catalog, push_actions, pg_temp
	AS $$
DECLARE
	hit		record := push_actions_internal.find_push(push_id, api_key);
	p		push_actions.pushes := hit.push;
	tokens	jsonb := '[]';
	n		bigint := 0;
BEGIN
	IF hit.error IS NOT NULL THEN
		RETURN hit.error;
	END IF;
	IF p.send_at > coalesce(as_of, now()) THEN
		RETURN push_actions_internal.push_error('PUSH_SCHEDULED');
	END IF;
	-- once expired, nothing is pending any more, whether or not purge() ran
	IF p.expires_at > coalesce(as_of, now()) THEN
		SELECT coalesce(jsonb_agg(t.device_token ORDER BY t.action_id), '[]') INTO tokens FROM (
			SELECT a.device_token, a.action_id FROM push_actions.actions a
			WHERE a.app_id = p.app_id AND a.push_id = p.push_id
			  AND a.status IN ('attempted', 'sent') AND a.platform IN ('android', 'electron')
			  AND a.device_token IS NOT NULL
			ORDER BY a.action_id LIMIT 1000) t;
		SELECT count(*) INTO n FROM push_actions.actions a
		WHERE a.app_id = p.app_id AND a.push_id = p.push_id
		  AND a.status IN ('attempted', 'sent') AND a.platform IN ('android', 'electron')
		  AND a.device_token IS NOT NULL;
	END IF;
	RETURN jsonb_build_object('push', jsonb_build_object(
		'date', extract(epoch FROM date_trunc('second', p.created_at))::bigint,
		'payload', p.payload,
		'expiration', extract(epoch FROM date_trunc('second', p.expires_at))::bigint,
		'pending_devices', tokens,
		'pending_count', n));
END
$$;

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
	PERFORM push_actions_internal.fold_and_delete(ARRAY[(hit.push).app_id], ARRAY[(hit.push).push_id], '{}');
	RETURN '{"success": true}'::jsonb;
END
$$;

-- A push id's 16 random digits are random (1.0 took a UUID's version digit
-- and variant bits with them).
CREATE OR REPLACE FUNCTION push_actions_internal.new_push_id() RETURNS text
	LANGUAGE sql VOLATILE PARALLEL SAFE
	SET search_path = pg_catalog, push_actions, pg_temp
	AS $$ SELECT lpad(to_hex(extract(epoch FROM now())::bigint), 8, '0')
	             || left(gen_random_uuid()::text, 8) || substr(gen_random_uuid()::text, 10, 4)
	             || left(gen_random_uuid()::text, 4) $$;

-- Every lookup of a push is by app and id, which the primary key serves; this
-- index repeated its columns and cost every push insert.
DROP INDEX push_actions.pushes_push_id_idx;
