-- Write API: creating a push and its actions.  One statement, so it is atomic;
-- errors change nothing.

-- A push id like the hosted APIs': 8 hex digits of time, 16 random (64
-- bits): the first 12 digits of one version-4 UUID and 4 of another, all of
-- them random (a UUID's 13th digit is its version, its 17th its variant).
CREATE OR REPLACE FUNCTION push_actions_internal.new_push_id() RETURNS text
	LANGUAGE sql VOLATILE PARALLEL SAFE
	SET search_path = pg_catalog, push_actions, pg_temp
	AS $$ SELECT lpad(to_hex(extract(epoch FROM now())::bigint), 8, '0')
	             || left(gen_random_uuid()::text, 8) || substr(gen_random_uuid()::text, 10, 4)
	             || left(gen_random_uuid()::text, 4) $$;

-- The devices of one call, checked and made actions of the push: every
-- device well formed, with a token where its platform needs one, none twice
-- (by device id or token) in the call or in the push, and within the limits
-- (api_limits.sql).  The push is new or locked by the caller, so the count
-- and the repeats it reads cannot change under it.  The devices at the
-- (0-based) positions in skip are checked but not added.  Returns the
-- devices added.
CREATE OR REPLACE FUNCTION push_actions_internal.add_devices(app_id bigint, push_id text,
	campaign_id bigint, status push_actions.push_status, devices jsonb, push_is_new boolean,
	skip integer[] DEFAULT '{}')
	RETURNS bigint
	LANGUAGE plpgsql VOLATILE
	SET search_path = pg_catalog, push_actions, pg_temp
	AS $$
DECLARE
	bad			record;
	problem		text;
	added		bigint;
	per_call	constant bigint := push_actions_internal.limit_value('devices_per_call');
	per_push	constant bigint := push_actions_internal.limit_value('devices_per_push');
	device_keys	constant text[] := '{device_id,token,platform,profile_id}';
	platforms	constant text[] := push_actions_internal.platforms();
BEGIN
	IF devices IS NULL OR jsonb_typeof(devices) <> 'array' OR jsonb_array_length(devices) = 0 THEN
		RAISE EXCEPTION 'devices must be a non-empty JSON array'
			USING ERRCODE = 'invalid_parameter_value';
	END IF;
	IF jsonb_array_length(devices) > per_call THEN
		RAISE EXCEPTION 'devices must hold at most % devices in one call', per_call
			USING ERRCODE = 'program_limit_exceeded',
			      DETAIL = format('The call has %s devices.', jsonb_array_length(devices)),
			      HINT = 'Create the push with the first devices, then add the others with push_actions.add_push_devices().';
	END IF;

	-- Find the first malformed device, then say exactly what is wrong with it.
	SELECT d.i - 1 AS idx, d.e INTO bad
	FROM jsonb_array_elements(devices) WITH ORDINALITY AS d(e, i)
	WHERE jsonb_typeof(d.e) IS DISTINCT FROM 'object'
	   OR jsonb_typeof(d.e -> 'device_id') IS DISTINCT FROM 'number'
	   OR (d.e ->> 'device_id') !~ '^[0-9]{1,18}$'
	   OR jsonb_typeof(d.e -> 'platform') IS DISTINCT FROM 'string'
	   OR (d.e ->> 'platform') <> ALL (platforms)
	   OR coalesce(jsonb_typeof(d.e -> 'token'), 'null') NOT IN ('string', 'null')
	   OR coalesce(jsonb_typeof(d.e -> 'profile_id'), 'null') NOT IN ('string', 'null')
	   OR EXISTS (SELECT 1 FROM jsonb_object_keys(d.e) k
	              WHERE k <> ALL (device_keys))
	   OR ((d.e ->> 'platform') = ANY (push_actions_internal.token_platforms())
	       AND coalesce(d.e ->> 'token', '') = '')
	ORDER BY d.i LIMIT 1;
	IF FOUND THEN
		problem := CASE
			WHEN jsonb_typeof(bad.e) IS DISTINCT FROM 'object' THEN 'is not an object'
			WHEN (SELECT k FROM jsonb_object_keys(bad.e) k
			      WHERE k <> ALL (device_keys) LIMIT 1) IS NOT NULL
				THEN format('has unknown key "%s"', (SELECT k FROM jsonb_object_keys(bad.e) k
					WHERE k <> ALL (device_keys) ORDER BY k LIMIT 1))
			WHEN jsonb_typeof(bad.e -> 'device_id') IS DISTINCT FROM 'number'
			  OR (bad.e ->> 'device_id') !~ '^[0-9]{1,18}$'
				THEN 'device_id must be a non-negative integer'
			WHEN jsonb_typeof(bad.e -> 'platform') IS DISTINCT FROM 'string'
			  OR (bad.e ->> 'platform') <> ALL (platforms)
				THEN 'platform must be one of ' || array_to_string(platforms, ', ')
			WHEN coalesce(jsonb_typeof(bad.e -> 'token'), 'null') NOT IN ('string', 'null')
				THEN 'token must be a string'
			WHEN coalesce(jsonb_typeof(bad.e -> 'profile_id'), 'null') NOT IN ('string', 'null')
				THEN 'profile_id must be a string'
			ELSE format('needs a token: a push to platform %s is sent with one', bad.e ->> 'platform')
		END;
		RAISE EXCEPTION 'devices[%] %', bad.idx, problem
			USING ERRCODE = 'invalid_parameter_value';
	END IF;

	-- The first device that repeats an earlier one, in the call or in the
	-- push: two actions for one device would send it the push twice.  The
	-- token is named, never shown.  The push's devices are read once, for
	-- the repeats and for its count.
	WITH given AS (
		SELECT d.i - 1 AS idx, (d.e ->> 'device_id')::bigint AS device_id, d.e ->> 'token' AS token
		FROM jsonb_array_elements(devices) WITH ORDINALITY AS d(e, i)
	), existing AS MATERIALIZED (
		SELECT a.device_id, a.device_token FROM push_actions.actions a
		WHERE NOT push_is_new AND a.app_id = add_devices.app_id AND a.push_id = add_devices.push_id
	), repeats AS (
		SELECT g.idx, min(g.idx) OVER (PARTITION BY g.device_id) AS earlier, 'device_id' AS what FROM given g
		UNION ALL
		SELECT g.idx, min(g.idx) OVER (PARTITION BY g.token), 'token' FROM given g WHERE g.token IS NOT NULL
	), found AS (
		SELECT r.idx, format('devices[%s]', r.earlier) AS earlier, r.what FROM repeats r WHERE r.idx <> r.earlier
		UNION ALL
		SELECT g.idx, 'a device already in the push', 'device_id' FROM given g
		WHERE g.device_id IN (SELECT e.device_id FROM existing e)
		UNION ALL
		SELECT g.idx, 'a device already in the push', 'token' FROM given g
		WHERE g.token IN (SELECT e.device_token FROM existing e)
	)
	SELECT (SELECT count(*) FROM existing) AS already, f.idx, f.earlier, f.what INTO bad
	FROM (SELECT 1) one
	LEFT JOIN LATERAL (SELECT * FROM found ORDER BY idx, what LIMIT 1) f ON true;
	IF bad.idx IS NOT NULL THEN
		RAISE EXCEPTION 'devices[%] has the same % as %', bad.idx, bad.what, bad.earlier
			USING ERRCODE = 'invalid_parameter_value',
			      HINT = 'A push reaches each device once: send each device id and token once.';
	END IF;
	IF bad.already + jsonb_array_length(devices) > per_push THEN
		RAISE EXCEPTION 'a push may have at most % devices', per_push
			USING ERRCODE = 'program_limit_exceeded',
			      DETAIL = format('The push has %s devices and the call adds %s.', bad.already, jsonb_array_length(devices));
	END IF;

	INSERT INTO push_actions.actions
		(app_id, push_id, campaign_id, device_id, profile_id, device_token, platform, channel, status, attempts)
	SELECT add_devices.app_id, add_devices.push_id, add_devices.campaign_id, (d.e ->> 'device_id')::bigint,
	       d.e ->> 'profile_id', d.e ->> 'token', d.e ->> 'platform', 'push', add_devices.status, 0
	FROM jsonb_array_elements(devices) WITH ORDINALITY AS d(e, i)
	WHERE d.i - 1 <> ALL (skip)
	ORDER BY d.i;
	GET DIAGNOSTICS added = ROW_COUNT;
	RETURN added;
END
$$;

-- The devices of a call whose tokens are dead (tokens_tables.sql): their
-- 0-based positions.  With the owner's rights, to read the tokens' states,
-- for an app the caller may see.
CREATE OR REPLACE FUNCTION push_actions_internal.dead_token_positions(app_id bigint, devices jsonb)
	RETURNS integer[]
	LANGUAGE sql STABLE SECURITY DEFINER
	SET search_path = pg_catalog, push_actions, pg_temp
	AS $$
SELECT coalesce(array_agg(d.i - 1 ORDER BY d.i), '{}')
FROM jsonb_array_elements(devices) WITH ORDINALITY AS d(e, i)
WHERE push_actions_internal.app_visible(app_id)
  AND EXISTS (SELECT 1 FROM push_actions_internal.device_tokens t
              WHERE t.app_id = dead_token_positions.app_id AND t.platform = d.e ->> 'platform'
                AND t.device_token = d.e ->> 'token' AND t.dead_since IS NOT NULL)
$$;

-- A push and its actions, from create_push and create_push_skipping_dead:
-- with skip_dead, the devices whose tokens are dead are left out and named
-- in skipped ({"index", "device_id"}); when none is left, no push is made.
CREATE OR REPLACE FUNCTION push_actions_internal.new_push(
	app_id bigint, payload jsonb, devices jsonb, campaign_id bigint, send_at timestamptz,
	expires_at timestamptz, skip_dead boolean, OUT push_id text, OUT skipped jsonb)
	LANGUAGE plpgsql VOLATILE
	SET search_path = pg_catalog, push_actions, pg_temp
	AS $$
DECLARE
	new_id		text := push_actions_internal.new_push_id();
	expiry		timestamptz := coalesce(expires_at, now() + interval '30 days');
	lifetime	constant bigint := push_actions_internal.limit_value('push_lifetime_days');
	largest		constant bigint := push_actions_internal.limit_value('payload_bytes');
	dead		integer[] := '{}';
BEGIN
	IF app_id IS NULL OR NOT EXISTS (SELECT 1 FROM push_actions.apps a WHERE a.app_id = new_push.app_id) THEN
		RAISE EXCEPTION 'app % does not exist', coalesce(app_id::text, 'NULL')
			USING ERRCODE = 'foreign_key_violation';
	END IF;
	IF payload IS NULL OR jsonb_typeof(payload) <> 'object' THEN
		RAISE EXCEPTION 'payload must be a JSON object'
			USING ERRCODE = 'invalid_parameter_value';
	END IF;
	IF octet_length(payload::text) > largest THEN
		RAISE EXCEPTION 'payload must be at most % bytes as JSON text', largest
			USING ERRCODE = 'program_limit_exceeded',
			      DETAIL = format('The payload has %s bytes.', octet_length(payload::text)),
			      HINT = 'APNs and FCM refuse larger payloads: send an id and let the app fetch the rest.';
	END IF;
	IF devices IS NULL OR jsonb_typeof(devices) <> 'array' OR jsonb_array_length(devices) = 0 THEN
		RAISE EXCEPTION 'devices must be a non-empty JSON array'
			USING ERRCODE = 'invalid_parameter_value';
	END IF;
	IF expiry <= now() OR expiry > now() + make_interval(days => lifetime::int) THEN
		RAISE EXCEPTION 'expires_at must be in the next % days', lifetime
			USING ERRCODE = 'invalid_parameter_value',
			      DETAIL = format('expires_at is %s.', expiry);
	END IF;
	IF send_at IS NOT NULL AND send_at >= expiry THEN
		RAISE EXCEPTION 'send_at must be before expires_at'
			USING ERRCODE = 'invalid_parameter_value';
	END IF;

	IF skip_dead THEN
		dead := push_actions_internal.dead_token_positions(app_id, devices);
		skipped := (SELECT coalesce(jsonb_agg(jsonb_build_object('index', p, 'device_id', devices -> p -> 'device_id') ORDER BY p), '[]')
		            FROM unnest(dead) p);
	END IF;
	IF cardinality(dead) = jsonb_array_length(devices) THEN
		RETURN;
	END IF;
	INSERT INTO push_actions.pushes (push_id, app_id, campaign_id, payload, created_at, send_at, expires_at)
		VALUES (new_id, app_id, campaign_id, payload, now(), send_at, expiry);
	PERFORM push_actions_internal.add_devices(app_id, new_id, campaign_id,
		CASE WHEN send_at > now() THEN 'scheduled' ELSE 'attempted' END::push_actions.push_status,
		devices, true, dead);
	push_id := new_id;
END
$$;

CREATE OR REPLACE FUNCTION push_actions.create_push(
	app_id bigint, payload jsonb, devices jsonb,
	campaign_id bigint DEFAULT NULL, send_at timestamptz DEFAULT NULL,
	expires_at timestamptz DEFAULT NULL)
	RETURNS text
	LANGUAGE sql VOLATILE
	SET search_path = pg_catalog, push_actions, pg_temp
	AS $$ SELECT (push_actions_internal.new_push(app_id, payload, devices, campaign_id, send_at, expires_at, false)).push_id $$;
COMMENT ON FUNCTION push_actions.create_push(bigint, jsonb, jsonb, bigint, timestamptz, timestamptz) IS
	'creates a push and one action per device; returns the 24-hex push_id';

-- create_push that sends nothing to dead tokens (dead_device_tokens()): it
-- leaves their devices out, after the same checks as every other's, and
-- names them; when every device is left out, it makes no push.
CREATE OR REPLACE FUNCTION push_actions.create_push_skipping_dead(
	app_id bigint, payload jsonb, devices jsonb,
	campaign_id bigint DEFAULT NULL, send_at timestamptz DEFAULT NULL,
	expires_at timestamptz DEFAULT NULL, OUT push_id text, OUT skipped jsonb)
	LANGUAGE sql VOLATILE
	SET search_path = pg_catalog, push_actions, pg_temp
	AS $$ SELECT * FROM push_actions_internal.new_push(app_id, payload, devices, campaign_id, send_at, expires_at, true) $$;
COMMENT ON FUNCTION push_actions.create_push_skipping_dead(bigint, jsonb, jsonb, bigint, timestamptz, timestamptz) IS
	'create_push leaving out the devices whose tokens are dead; returns the push_id (NULL when none was left) and the devices skipped, as [{"index", "device_id"}]';

-- The devices of a call as JSON: JSON text, or a PostgreSQL array literal of
-- JSON texts, as node-pg sends a JS array.  What is neither is refused as
-- the JSON it was meant to be.
CREATE OR REPLACE FUNCTION push_actions_internal.devices_json(devices text) RETURNS jsonb
	LANGUAGE plpgsql IMMUTABLE PARALLEL UNSAFE
	SET search_path = pg_catalog, push_actions, pg_temp
	AS $$
BEGIN
	RETURN devices::jsonb;
EXCEPTION WHEN invalid_text_representation THEN
	BEGIN
		RETURN (SELECT coalesce(jsonb_agg(d.e::jsonb ORDER BY d.i), '[]') FROM unnest(devices::text[]) WITH ORDINALITY AS d(e, i));
	EXCEPTION WHEN invalid_text_representation THEN
		RAISE EXCEPTION 'devices must be a JSON array, as text or as an array of JSON texts'
			USING ERRCODE = 'invalid_text_representation';
	END;
END
$$;

-- create_push for clients that bind JSON as a string (pgjdbc's setString
-- binds varchar) or a JS array as an array literal (node-pg).
CREATE OR REPLACE FUNCTION push_actions.create_push(
	app_id bigint, payload text, devices text,
	campaign_id bigint DEFAULT NULL, send_at timestamptz DEFAULT NULL,
	expires_at timestamptz DEFAULT NULL)
	RETURNS text
	LANGUAGE sql VOLATILE
	SET search_path = pg_catalog, push_actions, pg_temp
	AS $$ SELECT push_actions.create_push(app_id, payload::jsonb, push_actions_internal.devices_json(devices),
	                                      campaign_id, send_at, expires_at) $$;
COMMENT ON FUNCTION push_actions.create_push(bigint, text, text, bigint, timestamptz, timestamptz) IS
	'create_push for a payload and devices sent as text, or devices as an array of JSON texts';

-- More devices for a push that is not yet over, for a push larger than one
-- call may carry: the same checks as create_push's devices, and the push's
-- own limit over all its calls.  Concurrent calls for one push take turns.
CREATE OR REPLACE FUNCTION push_actions.add_push_devices(app_id bigint, push_id text, devices jsonb)
	RETURNS bigint
	LANGUAGE plpgsql VOLATILE
	SET search_path = pg_catalog, push_actions, pg_temp
	AS $$
DECLARE
	push	push_actions.pushes;
BEGIN
	IF app_id IS NULL OR NOT EXISTS (SELECT 1 FROM push_actions.apps a WHERE a.app_id = add_push_devices.app_id) THEN
		RAISE EXCEPTION 'app % does not exist', coalesce(app_id::text, 'NULL')
			USING ERRCODE = 'foreign_key_violation';
	END IF;
	SELECT * INTO push FROM push_actions.pushes p
	WHERE p.app_id = add_push_devices.app_id AND p.push_id = add_push_devices.push_id
	FOR UPDATE;
	IF NOT FOUND THEN
		RAISE EXCEPTION 'app % has no push %', app_id, coalesce(quote_literal(left(add_push_devices.push_id, 64)), 'NULL')
			USING ERRCODE = 'no_data_found';
	END IF;
	IF push.expires_at <= now() THEN
		RAISE EXCEPTION 'push % has expired', push.push_id
			USING ERRCODE = 'object_not_in_prerequisite_state',
			      DETAIL = format('It expired at %s.', push.expires_at);
	END IF;
	RETURN push_actions_internal.add_devices(push.app_id, push.push_id, push.campaign_id,
		CASE WHEN push.send_at > now() THEN 'scheduled' ELSE 'attempted' END::push_actions.push_status,
		devices, false);
END
$$;
COMMENT ON FUNCTION push_actions.add_push_devices(bigint, text, jsonb) IS
	'adds devices to a push that has not expired, with create_push''s checks; returns how many';

CREATE OR REPLACE FUNCTION push_actions.add_push_devices(app_id bigint, push_id text, devices text)
	RETURNS bigint
	LANGUAGE sql VOLATILE
	SET search_path = pg_catalog, push_actions, pg_temp
	AS $$ SELECT push_actions.add_push_devices(app_id, push_id, push_actions_internal.devices_json(devices)) $$;
COMMENT ON FUNCTION push_actions.add_push_devices(bigint, text, text) IS
	'add_push_devices for devices sent as text or as an array of JSON texts';
