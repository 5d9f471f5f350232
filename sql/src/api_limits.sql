-- The limits a caller can meet, from one table in C (src/api_limits.h): the
-- SQL code reads them by name, callers and the README's table list them.
CREATE OR REPLACE FUNCTION push_actions.limits()
	RETURNS TABLE (name text, value bigint, description text)
	AS 'MODULE_PATHNAME', 'push_actions_limits'
	LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE ROWS 16;
COMMENT ON FUNCTION push_actions.limits() IS
	'every limit the API applies: its name, value and what it bounds';

CREATE OR REPLACE FUNCTION push_actions_internal.limit_value(name text) RETURNS bigint
	AS 'MODULE_PATHNAME', 'push_actions_limit_value'
	LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
