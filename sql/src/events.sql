-- Device-reported events, the Customer.io way: each action has a delivery id
-- and a delivery token that travel inside the push (CIO-Delivery-ID and
-- CIO-Delivery-Token); the app reports an open or a conversion with both,
-- and only a token made with the app's secret key is believed.

CREATE OR REPLACE FUNCTION push_actions_internal.random_key() RETURNS bytea
	AS 'MODULE_PATHNAME', 'delivery_random_key' LANGUAGE C VOLATILE STRICT PARALLEL SAFE;
CREATE OR REPLACE FUNCTION push_actions_internal.delivery_token(secret bytea, delivery_id text) RETURNS text
	AS 'MODULE_PATHNAME', 'delivery_token_make' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE OR REPLACE FUNCTION push_actions_internal.delivery_token_matches(secret bytea, delivery_id text, token text) RETURNS boolean
	AS 'MODULE_PATHNAME', 'delivery_token_matches' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION push_actions_internal.delivery_token_matches(bytea, text, text) IS
	'whether a token is the delivery id''s under the key, compared in constant time';

-- A delivery id names its app and action ("<app_id>-<action_id>"), so a
-- report is checked against the right app's keys even once the action is
-- gone.  Guessing one is easy; its token is not.
CREATE OR REPLACE FUNCTION push_actions_internal.delivery_id(app_id bigint, action_id bigint) RETURNS text
	LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
	AS $$ SELECT app_id::pg_catalog.text OPERATOR(pg_catalog.||) '-' OPERATOR(pg_catalog.||) action_id::pg_catalog.text $$;

-- The delivery ids and tokens of a push's actions, for the backend to put
-- into each device's payload; scoped by the app's API key, like push_info.
CREATE OR REPLACE FUNCTION push_actions.push_deliveries(push_id text, api_key text)
	RETURNS TABLE (device_id bigint, action_id bigint, delivery_id text, delivery_token text)
	LANGUAGE plpgsql VOLATILE SECURITY DEFINER
	SET search_path = pg_catalog, push_actions, pg_temp
	AS $$
DECLARE
	app		bigint := push_actions.app_for_token(api_key);
	secret	bytea;
BEGIN
	IF app IS NULL THEN
		RETURN;
	END IF;
	-- an app's first key is made when it first needs one (a trigger on apps
	-- would also fire while a dump is restored, before the dumped keys)
	INSERT INTO push_actions_internal.app_keys AS k (app_id, key_id, secret)
	SELECT app, 1, push_actions_internal.random_key()
	WHERE NOT EXISTS (SELECT 1 FROM push_actions_internal.app_keys k WHERE k.app_id = app)
	ON CONFLICT DO NOTHING;
	SELECT k.secret INTO secret FROM push_actions_internal.app_keys k
	WHERE k.app_id = app AND k.valid_until IS NULL ORDER BY k.key_id DESC LIMIT 1;
	RETURN QUERY
	SELECT a.device_id, a.action_id, d.id, push_actions_internal.delivery_token(secret, d.id)
	FROM push_actions.actions a
	CROSS JOIN LATERAL (SELECT push_actions_internal.delivery_id(a.app_id, a.action_id) AS id) d
	WHERE a.app_id = app AND a.push_id = push_deliveries.push_id
	ORDER BY a.action_id;
END
$$;
COMMENT ON FUNCTION push_actions.push_deliveries(text, text) IS
	'per action of a push: the delivery id and delivery token its payload carries (Customer.io CIO-Delivery-ID, CIO-Delivery-Token)';

-- A device's report of a delivery, an open or a conversion, relayed by the
-- backend.  A report whose token is not the delivery id's under one of the
-- app's live keys, or of an app the caller may not see (apps_roles.sql),
-- changes nothing and is refused without saying which part was wrong; a replay, or a report of a step the action has passed, records
-- nothing again.  The transition goes through record_event, so the state
-- machine is the one of every write.
CREATE OR REPLACE FUNCTION push_actions.track_event(delivery_id text, delivery_token text,
	event push_actions.push_status, at timestamptz DEFAULT now())
	RETURNS jsonb
	LANGUAGE plpgsql VOLATILE SECURITY DEFINER
	SET search_path = pg_catalog, push_actions, pg_temp
	AS $$
DECLARE
	ids		text[];
	app		bigint;
	action	bigint;
	cur		push_actions.push_status;
	device_events	CONSTANT push_actions.push_status[] := push_actions_internal.statuses('device_event');
BEGIN
	IF event IS NULL OR event <> ALL (device_events) THEN
		RAISE EXCEPTION 'track_event records %, not %', array_to_string(device_events, ', '), coalesce(event::text, 'NULL')
			USING ERRCODE = 'invalid_parameter_value';
	END IF;
	IF at IS NULL THEN
		RAISE EXCEPTION 'at must not be NULL' USING ERRCODE = 'null_value_not_allowed';
	END IF;
	ids := regexp_match(delivery_id, '^([0-9]{1,18})-([0-9]{1,18})$');
	IF ids IS NULL OR delivery_token IS NULL OR NOT push_actions_internal.app_visible(ids[1]::bigint) OR NOT EXISTS (
		SELECT 1 FROM push_actions_internal.app_keys k
		WHERE k.app_id = ids[1]::bigint AND (k.valid_until IS NULL OR k.valid_until > now())
		  AND push_actions_internal.delivery_token_matches(k.secret, track_event.delivery_id, delivery_token)) THEN
		RETURN '{"success": false, "code": "REFUSED", "error": "The delivery id and token do not match."}'::jsonb;
	END IF;
	app := ids[1]::bigint;
	action := ids[2]::bigint;
	SELECT a.status INTO cur FROM push_actions.actions a
	WHERE a.app_id = app AND a.action_id = action FOR UPDATE;
	IF NOT FOUND THEN
		RETURN '{"success": false, "code": "GONE", "error": "This message is no longer kept (purged or deleted); nothing was recorded."}'::jsonb;
	END IF;
	IF cur = event OR (cur = ANY (device_events) AND cur > event) THEN
		RETURN jsonb_build_object('success', true, 'status', cur, 'recorded', false);
	END IF;
	IF NOT can_transition(cur, event) THEN
		RETURN jsonb_build_object('success', false, 'code', 'NOT_ALLOWED', 'status', cur,
			'error', format('A %s message cannot become %s; nothing was recorded.', cur, event));
	END IF;
	RETURN jsonb_build_object('success', true,
		'status', push_actions.record_event(action, event, at, app), 'recorded', true);
END
$$;
COMMENT ON FUNCTION push_actions.track_event(text, text, push_actions.push_status, timestamptz) IS
	'records a device-reported delivered, opened or converted event whose delivery token verifies; refuses it otherwise';

-- A new key for an app.  Tokens made with its earlier keys still verify for
-- old_keys_valid_for (pushes already sent carry them), then no more.
-- Returns the moment they stop.
CREATE OR REPLACE FUNCTION push_actions.rotate_app_key(app_id bigint, old_keys_valid_for interval DEFAULT '7 days')
	RETURNS timestamptz
	LANGUAGE plpgsql VOLATILE SECURITY DEFINER
	SET search_path = pg_catalog, push_actions, pg_temp
	AS $$
DECLARE
	old_until	timestamptz := now() + old_keys_valid_for;
BEGIN
	IF old_keys_valid_for IS NULL OR old_keys_valid_for < interval '0' THEN
		RAISE EXCEPTION 'old_keys_valid_for must be an interval of at least 0'
			USING ERRCODE = 'invalid_parameter_value';
	END IF;
	PERFORM 1 FROM push_actions.apps a WHERE a.app_id = rotate_app_key.app_id FOR UPDATE;
	IF NOT FOUND THEN
		RAISE EXCEPTION 'app % does not exist', coalesce(app_id::text, 'NULL')
			USING ERRCODE = 'foreign_key_violation';
	END IF;
	UPDATE push_actions_internal.app_keys k SET valid_until = old_until
	WHERE k.app_id = rotate_app_key.app_id AND (k.valid_until IS NULL OR k.valid_until > old_until);
	INSERT INTO push_actions_internal.app_keys (app_id, key_id, secret)
	SELECT rotate_app_key.app_id, coalesce(max(k.key_id), 0) + 1, push_actions_internal.random_key()
	FROM push_actions_internal.app_keys k WHERE k.app_id = rotate_app_key.app_id;
	RETURN old_until;
END
$$;
REVOKE EXECUTE ON FUNCTION push_actions.rotate_app_key(bigint, interval) FROM PUBLIC;
COMMENT ON FUNCTION push_actions.rotate_app_key(bigint, interval) IS
	'gives an app a new key for delivery tokens; tokens of its earlier keys verify for old_keys_valid_for more';
