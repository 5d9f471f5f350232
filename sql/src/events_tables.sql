-- The keys that sign delivery tokens (events.sql).

-- The secret keys, per app.  No API role may read them: the functions that
-- need them run as the extension's owner (SECURITY DEFINER, search_path
-- pinned, fixed statements).  A key with valid_until set has been rotated
-- out and verifies tokens until then; the newest key makes new tokens.
CREATE TABLE push_actions_internal.app_keys (
	app_id		bigint NOT NULL REFERENCES push_actions.apps ON DELETE CASCADE,
	key_id		integer NOT NULL,
	secret		bytea NOT NULL CHECK (length(secret) = 32),
	created_at	timestamptz NOT NULL DEFAULT now(),
	valid_until	timestamptz,
	PRIMARY KEY (app_id, key_id)
);
REVOKE ALL ON push_actions_internal.app_keys FROM PUBLIC;
-- dumps keep the keys, or tokens in pushes already sent would stop verifying
SELECT pg_catalog.pg_extension_config_dump('push_actions_internal.app_keys', '');
