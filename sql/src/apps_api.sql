-- Apps: creating one, and the push of an app that a key may see (the tokens
-- are in apps_tokens.sql).  Each call is one statement, so it is atomic;
-- errors change nothing.

CREATE OR REPLACE FUNCTION push_actions.create_app(name text)
	RETURNS TABLE (app_id bigint, apptoken text)
	LANGUAGE plpgsql VOLATILE
	SET search_path = pg_catalog, push_actions, pg_temp
	AS $$
DECLARE
	token text := push_actions_internal.new_app_token();
	longest constant bigint := push_actions_internal.limit_value('app_name_chars');
BEGIN
	IF name IS NULL THEN
		RAISE EXCEPTION 'app name must not be NULL'
			USING ERRCODE = 'null_value_not_allowed';
	END IF;
	IF length(btrim(name)) = 0 THEN
		RAISE EXCEPTION 'app name must not be empty'
			USING ERRCODE = 'invalid_parameter_value';
	END IF;
	IF length(name) > longest THEN
		RAISE EXCEPTION 'app name must be at most % characters', longest
			USING ERRCODE = 'invalid_parameter_value',
			      DETAIL = format('The name has %s characters.', length(name));
	END IF;
	INSERT INTO push_actions.apps AS a (name, token_hash)
		VALUES (create_app.name, sha256(convert_to(token, 'UTF8')))
		RETURNING a.app_id INTO app_id;
	apptoken := token;
	RETURN NEXT;
END
$$;
COMMENT ON FUNCTION push_actions.create_app(text) IS
	'creates an app and returns its API token; only a hash of the token is stored';

-- The error object of the Pushy API: {"code": ..., "error": ...}.
CREATE OR REPLACE FUNCTION push_actions_internal.push_error(code text) RETURNS jsonb
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
