-- The Pushy API's /pushes/{id}: pending devices (push_info) and deletion.

-- The error object of the Pushy API: {"code": ..., "error": ...}.
CREATE FUNCTION push_actions_internal.push_error(code text) RETURNS jsonb
	LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
	SET search_path = pg_catalog, push_actions, pg_temp
	AS $$
SELECT jsonb_build_object('code', code, 'error', CASE code
	WHEN 'INVALID_PUSH_ID' THEN 'The push notification ID provided is invalid.'
	WHEN 'PUSH_SCHEDULED' THEN 'The push notification is scheduled for future delivery, please try again after the scheduled delivery time elapses.'
	WHEN 'INVALID_API_KEY' THEN 'The secret API key provided is invalid.'
END)
$$;

-- The app's push a key may see, or NULL with the error to answer.  Unknown,
-- malformed, purged, deleted and other apps' ids all look the same.
CREATE FUNCTION push_actions_internal.find_push(push_id text, api_key text, OUT push push_actions.pushes, OUT error jsonb)
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

CREATE FUNCTION push_actions.push_info(push_id text, api_key text, as_of timestamptz DEFAULT now())
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
			  AND push_actions_internal.is_pending_device(a.status, a.platform, a.device_token)
			ORDER BY a.action_id LIMIT 1000) t;
		SELECT count(*) INTO n FROM push_actions.actions a
		WHERE a.app_id = p.app_id AND a.push_id = p.push_id
		  AND push_actions_internal.is_pending_device(a.status, a.platform, a.device_token);
	END IF;
	RETURN jsonb_build_object('push', jsonb_build_object(
		'date', extract(epoch FROM date_trunc('second', p.created_at))::bigint,
		'payload', p.payload,
		'expiration', extract(epoch FROM date_trunc('second', p.expires_at))::bigint,
		'pending_devices', tokens,
		'pending_count', n));
END
$$;
COMMENT ON FUNCTION push_actions.push_info(text, text, timestamptz) IS
	'Pushy GET /pushes/{id}: date, payload, expiration, up to 1,000 pending Android/Electron tokens (oldest first) and their full count';

CREATE FUNCTION push_actions.delete_push(push_id text, api_key text)
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
