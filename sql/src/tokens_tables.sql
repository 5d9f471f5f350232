-- Every device token's state, kept as actions are written (README "Dead
-- device tokens"): the trigger of the kept roll-ups (kept_trigger.sql) merges
-- what each statement's actions say about their tokens into it, in the same
-- pass (src/kept_tokens.h has the rules), and register_device_token() what
-- an app's SDK reports.  It is a history, not a roll-up of the live actions:
-- purge, delete_push and DELETE take nothing from it, so a dead token stays
-- dead after its actions are gone.  verify_device_tokens() checks it against
-- the live actions, rebuild_device_tokens() merges them in again.
CREATE TABLE push_actions_internal.device_tokens (
	app_id			bigint NOT NULL,
	platform		text COLLATE "C" NOT NULL,
	-- compared byte-wise: an identifier, not words
	device_token	text COLLATE "C" NOT NULL,
	-- the earliest action's creation or registration that named it
	first_seen_at	timestamptz NOT NULL,
	-- the latest registration the app reported
	registered_at	timestamptz,
	-- the latest send that succeeded (sent, delivered, opened, converted)
	last_success_at	timestamptz,
	-- the latest failed attempt, with its provider's code and class
	last_failure_at	timestamptz,
	last_error_code	text,
	last_error_class text,
	-- failed attempts since the latest success
	failures_since_success bigint NOT NULL DEFAULT 0,
	-- the latest moment a provider said gone or invalid, and which
	gone_at			timestamptz,
	dead_reason		text,
	-- set while gone_at is later than the latest success and registration:
	-- the first such kill; NULL while the token is alive
	dead_since		timestamptz,
	PRIMARY KEY (app_id, platform, device_token)
-- every attempt updates its token's row: room on each page keeps the update
-- on the page and out of the indexes (HOT), 1.2x faster record_attempt
) WITH (fillfactor = 70);

-- An app's dead tokens in the order dead_device_tokens() pages them.
CREATE INDEX IF NOT EXISTS device_tokens_dead_idx ON push_actions_internal.device_tokens
	(app_id, dead_since, platform, device_token) WHERE dead_since IS NOT NULL;
