-- The difference of two summaries; an error where the right one counts more.
CREATE OR REPLACE FUNCTION push_actions.delivery_summary_minus(push_actions.delivery_summary, push_actions.delivery_summary) RETURNS push_actions.delivery_summary
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE OPERATOR pg_catalog.- (
	LEFTARG = push_actions.delivery_summary, RIGHTARG = push_actions.delivery_summary,
	PROCEDURE = push_actions.delivery_summary_minus);
COMMENT ON OPERATOR pg_catalog.- (push_actions.delivery_summary, push_actions.delivery_summary) IS
	'what the left summary counts beyond the right one; an error where the right one counts more';
