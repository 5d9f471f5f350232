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
	device_keys	CONSTANT text[] := '{device_id,token,platform,profile_id}';
	platforms	CONSTANT text[] := push_actions_internal.platforms();
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
	   OR (d.e ->> 'platform') <> ALL (platforms)
	   OR coalesce(jsonb_typeof(d.e -> 'token'), 'null') NOT IN ('string', 'null')
	   OR coalesce(jsonb_typeof(d.e -> 'profile_id'), 'null') NOT IN ('string', 'null')
	   OR EXISTS (SELECT 1 FROM jsonb_object_keys(d.e) k
	              WHERE k <> ALL (device_keys))
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
COMMENT ON FUNCTION push_actions.create_push(bigint, jsonb, jsonb, bigint, timestamptz, timestamptz) IS
	'creates a push and one action per device; returns the 24-hex push_id';
