-- The Pushy API's GET /pushes/{id}: the devices a push is still pending on.

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
			  AND push_actions_internal.is_pending_device(a.status, a.platform, a.device_token)
			ORDER BY a.action_id LIMIT push_actions_internal.limit_value('pending_devices')) t;
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
