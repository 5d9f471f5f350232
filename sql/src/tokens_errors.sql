-- What a provider's error means for the device token it was sent to, from
-- one table in C (src/provider_errors.h): record_attempt bounces an action
-- whose token is gone or invalid, callers classify errors of their own, and
-- the README's table lists it.
CREATE OR REPLACE FUNCTION push_actions.provider_errors()
	RETURNS TABLE (provider text, code text, http_status integer, class text, in_messages boolean, meaning text)
	AS 'MODULE_PATHNAME', 'provider_errors_sql'
	LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE ROWS 80;
COMMENT ON FUNCTION push_actions.provider_errors() IS
	'every provider error code known: its provider, HTTP status, class for the token (gone, invalid, configuration, message, retry), whether it is recognised inside a message, and meaning';

-- A code known exactly (else in any case) gives its class; without one, or
-- with an unknown one, a known code or phrase in the message does; else
-- unknown, never gone.
CREATE OR REPLACE FUNCTION push_actions.error_class(error_code text, error_message text DEFAULT NULL) RETURNS text
	AS 'MODULE_PATHNAME', 'provider_error_class_sql'
	LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION push_actions.error_class(text, text) IS
	'what a provider''s error means for the token: gone, invalid, configuration, message, retry or unknown';

-- For an error that says the token is gone, the moment the provider gives
-- for it in the message (APNs's "timestamp", in milliseconds); else NULL.
CREATE OR REPLACE FUNCTION push_actions_internal.provider_error_time(error_code text, error_message text) RETURNS timestamptz
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE PARALLEL SAFE;
