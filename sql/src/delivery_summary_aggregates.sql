-- The aggregates over statuses and summaries (src/delivery_summary_agg.c, src/delivery_summary_rollup.c):
-- each has a concrete state and a combine function, so it runs in parallel
-- plans and as partial aggregates on shards.

-- Transition functions (src/delivery_summary_agg.c); not STRICT, so they see NULL statuses and skip them.
CREATE OR REPLACE FUNCTION push_actions.delivery_summary_add_status(push_actions.delivery_summary, push_actions.push_status)
	RETURNS push_actions.delivery_summary
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE OR REPLACE FUNCTION push_actions.delivery_summary_add_status_attempts(push_actions.delivery_summary, push_actions.push_status, integer)
	RETURNS push_actions.delivery_summary
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE PARALLEL SAFE;

CREATE AGGREGATE pg_catalog.delivery_summary(push_actions.push_status) (
	SFUNC = push_actions.delivery_summary_add_status,
	STYPE = push_actions.delivery_summary,
	COMBINEFUNC = push_actions.delivery_summary_merge,
	PARALLEL = SAFE);
COMMENT ON AGGREGATE pg_catalog.delivery_summary(push_actions.push_status) IS
	'counts actions per status (attempts stay 0; use the two-argument form to sum them)';
CREATE AGGREGATE pg_catalog.delivery_summary(push_actions.push_status, integer) (
	SFUNC = push_actions.delivery_summary_add_status_attempts,
	STYPE = push_actions.delivery_summary,
	COMBINEFUNC = push_actions.delivery_summary_merge,
	PARALLEL = SAFE);
COMMENT ON AGGREGATE pg_catalog.delivery_summary(push_actions.push_status, integer) IS
	'counts actions per status and sums their attempts';
CREATE OR REPLACE FUNCTION push_actions.delivery_summary_add_status_attempts_int2(push_actions.delivery_summary, push_actions.push_status, smallint)
	RETURNS push_actions.delivery_summary
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE AGGREGATE pg_catalog.delivery_summary(push_actions.push_status, smallint) (
	SFUNC = push_actions.delivery_summary_add_status_attempts_int2,
	STYPE = push_actions.delivery_summary,
	COMBINEFUNC = push_actions.delivery_summary_merge,
	PARALLEL = SAFE);
COMMENT ON AGGREGATE pg_catalog.delivery_summary(push_actions.push_status, smallint) IS
	'counts actions per status and sums their attempts (the actions.attempts column, without a cast)';
CREATE AGGREGATE pg_catalog.delivery_summary(push_actions.delivery_summary) (
	SFUNC = push_actions.delivery_summary_merge,
	STYPE = push_actions.delivery_summary,
	COMBINEFUNC = push_actions.delivery_summary_merge,
	PARALLEL = SAFE);
COMMENT ON AGGREGATE pg_catalog.delivery_summary(push_actions.delivery_summary) IS
	'merges stored summaries (daily roll-ups into months, shards into totals)';
-- rollup_status keeps only the set of statuses seen (src/delivery_summary_rollup.c): an
-- int4 bitmask, concrete and by value, merged by int4or.
CREATE OR REPLACE FUNCTION push_actions.rollup_mask_add(integer, push_actions.push_status) RETURNS integer
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE OR REPLACE FUNCTION push_actions.rollup_mask_status(integer) RETURNS push_actions.push_status
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE AGGREGATE pg_catalog.rollup_status(push_actions.push_status) (
	SFUNC = push_actions.rollup_mask_add,
	STYPE = integer,
	INITCOND = '0',
	FINALFUNC = push_actions.rollup_mask_status,
	COMBINEFUNC = pg_catalog.int4or,
	PARALLEL = SAFE);
COMMENT ON AGGREGATE pg_catalog.rollup_status(push_actions.push_status) IS
	'the message status across a person''s devices (Customer.io roll-up rule)';
