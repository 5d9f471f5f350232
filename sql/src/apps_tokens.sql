-- App tokens: what a caller presents to name its app (list_push_devices'
-- apptoken, the api_key of push_info, delete_push and push_deliveries).
-- Only sha256 hashes are kept: the current token's in push_actions.apps,
-- and here those of replaced tokens that still answer until valid_until
-- (the grace period rotate_app_token() was given).  The keys that sign
-- delivery tokens are another thing (events.sql, rotate_app_key()).
CREATE TABLE push_actions_internal.retired_app_tokens (
	token_hash	bytea PRIMARY KEY CHECK (length(token_hash) = 32),
	app_id		bigint NOT NULL,
	valid_until	timestamptz NOT NULL
);
REVOKE ALL ON push_actions_internal.retired_app_tokens FROM PUBLIC;
SELECT pg_catalog.pg_extension_config_dump('push_actions_internal.retired_app_tokens', '');
-- on a database distributed before this table came, distribute() makes it a
-- reference table with its key (apps_roles.sql says why)
DO $$
BEGIN
	IF NOT push_actions_internal.is_distributed() THEN
		ALTER TABLE push_actions_internal.retired_app_tokens
			ADD CONSTRAINT retired_app_tokens_app_id_fkey FOREIGN KEY (app_id) REFERENCES push_actions.apps ON DELETE CASCADE;
	END IF;
END
$$;

-- 244 random bits from the server's strong random source, as 64 hex digits.
CREATE OR REPLACE FUNCTION push_actions_internal.new_app_token() RETURNS text
	LANGUAGE sql VOLATILE PARALLEL SAFE
	SET search_path = pg_catalog, push_actions, pg_temp
	AS $$ SELECT replace(gen_random_uuid()::text, '-', '') || replace(gen_random_uuid()::text, '-', '') $$;

-- The app a token belongs to, or NULL: the current token, or a replaced one
-- within its grace period, of an app the caller may see (apps_roles.sql):
-- another app's token is refused to a role limited to apps as if unknown.  It runs with the owner's rights so that the
-- replaced tokens' hashes stay unreadable to every API role (and callers
-- need no right on apps); the token itself is the credential.  PL/pgSQL
-- keeps its statements' plans for the session, where a SQL function with
-- SET options would be planned again at every call of the listing.
CREATE OR REPLACE FUNCTION push_actions.app_for_token(token text) RETURNS bigint
	LANGUAGE plpgsql STABLE STRICT PARALLEL SAFE SECURITY DEFINER
	SET search_path = pg_catalog, push_actions, pg_temp
	AS $$
DECLARE
	hash	constant bytea := sha256(convert_to(token, 'UTF8'));
	app		bigint;
BEGIN
	SELECT a.app_id INTO app FROM push_actions.apps a WHERE a.token_hash = hash;
	IF NOT FOUND THEN
		SELECT r.app_id INTO app FROM push_actions_internal.retired_app_tokens r
		WHERE r.token_hash = hash AND r.valid_until > now();
	END IF;
	IF NOT push_actions_internal.app_visible(app) THEN
		RETURN NULL;
	END IF;
	RETURN app;
END
$$;
COMMENT ON FUNCTION push_actions.app_for_token(text) IS
	'the app an API token belongs to (its current token, or a replaced one in its grace period); NULL for none';

-- A new token for an app, returned once.  The token it replaces keeps
-- answering for old_token_valid_for (0: not at all), and no token replaced
-- earlier answers longer than that: after a leak, rotate with 0.
CREATE OR REPLACE FUNCTION push_actions.rotate_app_token(app_id bigint, old_token_valid_for interval DEFAULT '0')
	RETURNS text
	LANGUAGE plpgsql VOLATILE SECURITY DEFINER
	SET search_path = pg_catalog, push_actions, pg_temp
	AS $$
DECLARE
	token		text := push_actions_internal.new_app_token();
	old_hash	bytea;
	old_until	timestamptz;
BEGIN
	IF old_token_valid_for IS NULL THEN
		RAISE EXCEPTION 'old_token_valid_for must not be NULL'
			USING ERRCODE = 'null_value_not_allowed', HINT = 'Pass interval ''0'' to stop the old token at once.';
	END IF;
	IF old_token_valid_for < interval '0' THEN
		RAISE EXCEPTION 'old_token_valid_for must be an interval of at least 0'
			USING ERRCODE = 'invalid_parameter_value';
	END IF;
	old_until := now() + old_token_valid_for;
	SELECT a.token_hash INTO old_hash FROM push_actions.apps a
	WHERE a.app_id = rotate_app_token.app_id FOR UPDATE;
	IF NOT FOUND THEN
		RAISE EXCEPTION 'app % does not exist', coalesce(app_id::text, 'NULL')
			USING ERRCODE = 'foreign_key_violation';
	END IF;
	DELETE FROM push_actions_internal.retired_app_tokens r
	WHERE r.app_id = rotate_app_token.app_id AND r.valid_until <= now();
	UPDATE push_actions_internal.retired_app_tokens r SET valid_until = old_until
	WHERE r.app_id = rotate_app_token.app_id AND r.valid_until > old_until;
	IF old_token_valid_for > interval '0' THEN
		INSERT INTO push_actions_internal.retired_app_tokens (token_hash, app_id, valid_until)
		VALUES (old_hash, rotate_app_token.app_id, old_until);
	END IF;
	UPDATE push_actions.apps a SET token_hash = sha256(convert_to(token, 'UTF8'))
	WHERE a.app_id = rotate_app_token.app_id;
	RETURN token;
END
$$;
REVOKE EXECUTE ON FUNCTION push_actions.rotate_app_token(bigint, interval) FROM PUBLIC;
COMMENT ON FUNCTION push_actions.rotate_app_token(bigint, interval) IS
	'gives an app a new API token (returned once); the old one answers for old_token_valid_for more, 0 by default';
