-- latency_sketch: a mergeable summary of durations whose quantiles are within
-- 1 % of the exact ones (src/latency_sketch.c; latency_sketch.h says how).

CREATE TYPE push_actions.latency_sketch;

CREATE OR REPLACE FUNCTION push_actions.latency_sketch_in(cstring) RETURNS push_actions.latency_sketch
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE OR REPLACE FUNCTION push_actions.latency_sketch_out(push_actions.latency_sketch) RETURNS cstring
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE OR REPLACE FUNCTION push_actions.latency_sketch_recv(internal) RETURNS push_actions.latency_sketch
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE OR REPLACE FUNCTION push_actions.latency_sketch_send(push_actions.latency_sketch) RETURNS bytea
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE TYPE push_actions.latency_sketch (
	INPUT = push_actions.latency_sketch_in,
	OUTPUT = push_actions.latency_sketch_out,
	RECEIVE = push_actions.latency_sketch_recv,
	SEND = push_actions.latency_sketch_send,
	INTERNALLENGTH = VARIABLE,
	ALIGNMENT = double,
	STORAGE = extended
);
COMMENT ON TYPE push_actions.latency_sketch IS
	'durations in seconds in log-spaced bins: quantile() within 1 % of the exact value; merge with + or the latency_sketch aggregate';

CREATE OR REPLACE FUNCTION push_actions.latency_sketch_eq(push_actions.latency_sketch, push_actions.latency_sketch) RETURNS boolean
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE LEAKPROOF;
CREATE OR REPLACE FUNCTION push_actions.latency_sketch_ne(push_actions.latency_sketch, push_actions.latency_sketch) RETURNS boolean
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE LEAKPROOF;
CREATE OR REPLACE FUNCTION push_actions.latency_sketch_merge(push_actions.latency_sketch, push_actions.latency_sketch) RETURNS push_actions.latency_sketch
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE OPERATOR pg_catalog.= (
	LEFTARG = push_actions.latency_sketch, RIGHTARG = push_actions.latency_sketch,
	PROCEDURE = push_actions.latency_sketch_eq, COMMUTATOR = OPERATOR(pg_catalog.=),
	NEGATOR = OPERATOR(pg_catalog.<>), RESTRICT = eqsel, JOIN = eqjoinsel);
CREATE OPERATOR pg_catalog.<> (
	LEFTARG = push_actions.latency_sketch, RIGHTARG = push_actions.latency_sketch,
	PROCEDURE = push_actions.latency_sketch_ne, COMMUTATOR = OPERATOR(pg_catalog.<>),
	NEGATOR = OPERATOR(pg_catalog.=), RESTRICT = neqsel, JOIN = neqjoinsel);
CREATE OPERATOR pg_catalog.+ (
	LEFTARG = push_actions.latency_sketch, RIGHTARG = push_actions.latency_sketch,
	PROCEDURE = push_actions.latency_sketch_merge, COMMUTATOR = OPERATOR(pg_catalog.+));

-- Not total(): 1.1's total('...') with an untyped literal must keep meaning a delivery_summary.
CREATE OR REPLACE FUNCTION pg_catalog.duration_count(push_actions.latency_sketch) RETURNS bigint
	AS 'MODULE_PATHNAME', 'latency_sketch_duration_count' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION pg_catalog.duration_count(push_actions.latency_sketch) IS 'number of durations counted';
CREATE OR REPLACE FUNCTION pg_catalog.quantile(push_actions.latency_sketch, double precision) RETURNS double precision
	AS 'MODULE_PATHNAME', 'latency_sketch_quantile' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION pg_catalog.quantile(push_actions.latency_sketch, double precision) IS
	'the duration in seconds at the quantile (0 to 1) as percentile_disc defines it, within 1 %; NULL when empty';

-- For kept state only: durations taken away (an error rather than a
-- negative count), and what one sketch counts beyond another, bin by bin.
CREATE OR REPLACE FUNCTION push_actions_internal.latency_sketch_minus(push_actions.latency_sketch, push_actions.latency_sketch)
	RETURNS push_actions.latency_sketch
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE OR REPLACE FUNCTION push_actions_internal.latency_sketch_excess(push_actions.latency_sketch, push_actions.latency_sketch)
	RETURNS push_actions.latency_sketch
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
