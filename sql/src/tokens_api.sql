-- Dead device tokens (README "Dead device tokens"): a device's registration,
-- the paged list an app backend's clean-up job reads, and the check and
-- rebuild of the kept state (tokens_tables.sql).

-- With the owner's rights, to write the kept table; it checks that the
-- role it is called for may write actions of the app.
CREATE OR REPLACE FUNCTION push_actions_internal.keep_token_registration(app_id bigint, platform text,
	device_token text, registered_at timestamptz) RETURNS boolean
	AS 'MODULE_PATHNAME' LANGUAGE C VOLATILE STRICT SECURITY DEFINER
	SET search_path = pg_catalog, push_actions, pg_temp;
CREATE OR REPLACE FUNCTION push_actions_internal.merge_live_device_tokens() RETURNS bigint
	AS 'MODULE_PATHNAME' LANGUAGE C VOLATILE STRICT
	SET search_path = pg_catalog, push_actions, pg_temp;
REVOKE EXECUTE ON FUNCTION push_actions_internal.merge_live_device_tokens() FROM PUBLIC;
CREATE OR REPLACE FUNCTION push_actions_internal.device_tokens_check() RETURNS text
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

-- A device registered its token at a moment (its SDK's report): a token
-- registered after the failure that killed it is alive again, and a kill
-- the provider dates before the registration (APNs's Unregistered with its
-- timestamp) does not count.  For roles that may write actions; returns
-- whether the token is alive.
CREATE OR REPLACE FUNCTION push_actions.register_device_token(app_id bigint, platform text, device_token text,
	registered_at timestamptz DEFAULT now())
	RETURNS boolean
	LANGUAGE plpgsql VOLATILE
	SET search_path = pg_catalog, push_actions, pg_temp
	AS $$
DECLARE
	longest	constant bigint := push_actions_internal.limit_value('device_token_chars');
BEGIN
	IF app_id IS NULL THEN
		RAISE EXCEPTION 'app NULL does not exist' USING ERRCODE = 'foreign_key_violation';
	END IF;
	IF platform IS NULL OR platform <> ALL (push_actions_internal.platforms()) THEN
		RAISE EXCEPTION 'platform must be one of %', array_to_string(push_actions_internal.platforms(), ', ')
			USING ERRCODE = 'invalid_parameter_value';
	END IF;
	IF coalesce(device_token, '') = '' THEN
		RAISE EXCEPTION 'device_token must not be empty' USING ERRCODE = 'invalid_parameter_value';
	END IF;
	IF length(device_token) > longest THEN
		RAISE EXCEPTION 'device_token must be at most % characters', longest
			USING ERRCODE = 'program_limit_exceeded',
			      DETAIL = format('The device_token has %s characters.', length(device_token));
	END IF;
	IF registered_at IS NULL OR NOT isfinite(registered_at) THEN
		RAISE EXCEPTION 'registered_at must be a finite moment' USING ERRCODE = 'invalid_parameter_value';
	END IF;
	RETURN push_actions_internal.keep_token_registration(app_id, platform, device_token, registered_at);
END
$$;
COMMENT ON FUNCTION push_actions.register_device_token(bigint, text, text, timestamptz) IS
	'records that a device registered its token at a moment (alive again if registered after the failure that killed it); returns whether the token is alive';

-- The page of an app's dead tokens after a cursor, for the clean-up job: in
-- the order they died (then platform and token), so that a page read later
-- goes on where the last one stopped.  The app token is the credential; an
-- unknown one, or an app the caller may not see, is refused alike.
CREATE OR REPLACE FUNCTION push_actions.dead_device_tokens(api_key text, since timestamptz DEFAULT '-infinity',
	after text DEFAULT NULL, page_size integer DEFAULT 1000)
	RETURNS TABLE (platform text, device_token text, dead_since timestamptz, reason text,
	               error_code text, last_failure_at timestamptz, cursor text)
	LANGUAGE plpgsql STABLE SECURITY DEFINER
	SET search_path = pg_catalog, push_actions, pg_temp
	AS $$
DECLARE
	app			bigint := push_actions.app_for_token(api_key);
	largest		constant bigint := push_actions_internal.limit_value('dead_tokens_page');
	parts		text[];
	from_time	timestamptz := coalesce(since, '-infinity');
	from_platform text := '';
	from_token	text := '';
BEGIN
	IF app IS NULL THEN
		RAISE EXCEPTION 'api_key is not the token of an app'
			USING ERRCODE = 'invalid_authorization_specification';
	END IF;
	IF page_size IS NULL OR page_size < 1 OR page_size > largest THEN
		RAISE EXCEPTION 'page_size must be between 1 and %', largest
			USING ERRCODE = 'invalid_parameter_value';
	END IF;
	IF after IS NOT NULL THEN
		-- microseconds since 1970, platform, token: what the last row's cursor holds
		parts := regexp_match(after, '^(-?[0-9]{1,19}):([a-z]{1,20}):(.+)$');
		IF parts IS NULL THEN
			RAISE EXCEPTION 'after must be the cursor of a row this function returned'
				USING ERRCODE = 'invalid_parameter_value';
		END IF;
		from_time := greatest(from_time, to_timestamp(0) + parts[1]::bigint * interval '1 microsecond');
		from_platform := parts[2];
		from_token := parts[3];
	END IF;
	RETURN QUERY
	SELECT t.platform::text, t.device_token::text, t.dead_since, t.dead_reason, t.last_error_code, t.last_failure_at,
	       format('%s:%s:%s', ((extract(epoch FROM t.dead_since) * 1000000)::bigint), t.platform, t.device_token)
	FROM push_actions_internal.device_tokens t
	WHERE t.app_id = app AND t.dead_since IS NOT NULL
	  AND (t.dead_since, t.platform, t.device_token) > (from_time, from_platform COLLATE "C", from_token COLLATE "C")
	ORDER BY t.dead_since, t.platform, t.device_token
	LIMIT page_size;
END
$$;
COMMENT ON FUNCTION push_actions.dead_device_tokens(text, timestamptz, text, integer) IS
	'an app''s dead device tokens (since a moment, after a cursor), in the order they died: platform, token, since when, reason, the provider''s code, a cursor for the next page';

-- Tokens whose kept state does not account for the live actions, or
-- contradicts itself, with both sides as JSON; no rows when in step.
CREATE OR REPLACE FUNCTION push_actions.verify_device_tokens()
	RETURNS TABLE (problem text, app_id bigint, platform text, device_token text, kept jsonb, recomputed jsonb)
	LANGUAGE plpgsql STABLE
	SET search_path = pg_catalog, push_actions, pg_temp
	AS $$
BEGIN
	RETURN QUERY EXECUTE push_actions_internal.device_tokens_check();
END
$$;
REVOKE EXECUTE ON FUNCTION push_actions.verify_device_tokens() FROM PUBLIC;
COMMENT ON FUNCTION push_actions.verify_device_tokens() IS
	'device tokens whose kept state misses what the live actions say (missing, behind) or contradicts itself (inconsistent); none when in step';

-- Merges what the live actions say into the kept states again.  With
-- forget_history, every state is first taken back to its registration
-- alone: what purged actions told is forgotten.  Writers of actions wait
-- meanwhile (SHARE lock).  Returns the tokens written.
CREATE OR REPLACE FUNCTION push_actions.rebuild_device_tokens(forget_history boolean DEFAULT false) RETURNS bigint
	LANGUAGE plpgsql VOLATILE
	SET search_path = pg_catalog, push_actions, pg_temp
	AS $$
BEGIN
	LOCK TABLE push_actions.actions IN SHARE MODE;
	IF forget_history THEN
		DELETE FROM push_actions_internal.device_tokens t WHERE t.registered_at IS NULL;
		UPDATE push_actions_internal.device_tokens t
		SET first_seen_at = t.registered_at, last_success_at = NULL, last_failure_at = NULL,
		    last_error_code = NULL, last_error_class = NULL, failures_since_success = 0,
		    gone_at = NULL, dead_reason = NULL, dead_since = NULL;
	END IF;
	RETURN push_actions_internal.merge_live_device_tokens();
END
$$;
REVOKE EXECUTE ON FUNCTION push_actions.rebuild_device_tokens(boolean) FROM PUBLIC;
COMMENT ON FUNCTION push_actions.rebuild_device_tokens(boolean) IS
	'merges what the live actions say into the device tokens'' states again (forget_history: from registrations alone); returns the tokens written';
