-- The latency_sketch aggregates (src/latency_sketch_agg.c): the state is a
-- latency_sketch, so parallel plans and Citus's partial aggregates pass it
-- as a value; the final function makes it compact.  Transition functions
-- are not STRICT: they skip NULL durations.  Over no durations, NULL.

CREATE OR REPLACE FUNCTION push_actions_internal.latency_sketch_add(push_actions.latency_sketch, double precision)
	RETURNS push_actions.latency_sketch
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE OR REPLACE FUNCTION push_actions_internal.latency_sketch_add_interval(push_actions.latency_sketch, interval)
	RETURNS push_actions.latency_sketch
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE OR REPLACE FUNCTION push_actions_internal.latency_sketch_combine(push_actions.latency_sketch, push_actions.latency_sketch)
	RETURNS push_actions.latency_sketch
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE OR REPLACE FUNCTION push_actions_internal.latency_sketch_final(push_actions.latency_sketch)
	RETURNS push_actions.latency_sketch
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE PARALLEL SAFE;

CREATE OR REPLACE AGGREGATE pg_catalog.latency_sketch(double precision) (
	SFUNC = push_actions_internal.latency_sketch_add,
	STYPE = push_actions.latency_sketch,
	FINALFUNC = push_actions_internal.latency_sketch_final,
	COMBINEFUNC = push_actions_internal.latency_sketch_combine,
	PARALLEL = SAFE);
COMMENT ON AGGREGATE pg_catalog.latency_sketch(double precision) IS
	'sketches durations given in seconds (0 to 1e9; under a microsecond counts as 0)';
CREATE OR REPLACE AGGREGATE pg_catalog.latency_sketch(interval) (
	SFUNC = push_actions_internal.latency_sketch_add_interval,
	STYPE = push_actions.latency_sketch,
	FINALFUNC = push_actions_internal.latency_sketch_final,
	COMBINEFUNC = push_actions_internal.latency_sketch_combine,
	PARALLEL = SAFE);
COMMENT ON AGGREGATE pg_catalog.latency_sketch(interval) IS
	'sketches durations given as intervals (a month counts 30 days, as extract(epoch) does)';
CREATE OR REPLACE AGGREGATE pg_catalog.latency_sketch(push_actions.latency_sketch) (
	SFUNC = push_actions_internal.latency_sketch_combine,
	STYPE = push_actions.latency_sketch,
	FINALFUNC = push_actions_internal.latency_sketch_final,
	COMBINEFUNC = push_actions_internal.latency_sketch_combine,
	PARALLEL = SAFE);
COMMENT ON AGGREGATE pg_catalog.latency_sketch(push_actions.latency_sketch) IS
	'merges stored sketches (hours into days, shards into totals)';
