-- The push-devices listing (Xtremepush list/push-devices), in C (src/listing_*.c).

CREATE OR REPLACE FUNCTION push_actions.list_push_devices(request jsonb) RETURNS jsonb
	AS 'MODULE_PATHNAME' LANGUAGE C STABLE PARALLEL SAFE
	SET search_path = pg_catalog, push_actions, pg_temp;
COMMENT ON FUNCTION push_actions.list_push_devices(jsonb) IS
	'answers a list/push-devices request body: {"code":200,"success":true,"data":[...]} or a 400/401 error object';

-- The same for clients that bind the body as a string (pgjdbc's setString
-- binds varchar): text that is not JSON is answered 400, as a request that
-- is not an object is.
CREATE OR REPLACE FUNCTION push_actions.list_push_devices(request text) RETURNS jsonb
	AS 'MODULE_PATHNAME', 'list_push_devices_text' LANGUAGE C STABLE PARALLEL SAFE
	SET search_path = pg_catalog, push_actions, pg_temp;
COMMENT ON FUNCTION push_actions.list_push_devices(text) IS
	'list_push_devices for a request body sent as text or varchar';

CREATE OR REPLACE FUNCTION push_actions.explain_push_devices(request jsonb, "analyze" boolean DEFAULT false) RETURNS SETOF text
	AS 'MODULE_PATHNAME' LANGUAGE C VOLATILE
	SET search_path = pg_catalog, push_actions, pg_temp;
COMMENT ON FUNCTION push_actions.explain_push_devices(jsonb, boolean) IS
	'the EXPLAIN (or EXPLAIN ANALYZE) of the query a list_push_devices request compiles to';
