-- delivery_summary: mergeable counts per status plus attempts (src/delivery_summary.c).

CREATE TYPE push_actions.delivery_summary;

CREATE OR REPLACE FUNCTION push_actions.delivery_summary_in(cstring) RETURNS push_actions.delivery_summary
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE OR REPLACE FUNCTION push_actions.delivery_summary_out(push_actions.delivery_summary) RETURNS cstring
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE OR REPLACE FUNCTION push_actions.delivery_summary_recv(internal) RETURNS push_actions.delivery_summary
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE OR REPLACE FUNCTION push_actions.delivery_summary_send(push_actions.delivery_summary) RETURNS bytea
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE TYPE push_actions.delivery_summary (
	INPUT = push_actions.delivery_summary_in,
	OUTPUT = push_actions.delivery_summary_out,
	RECEIVE = push_actions.delivery_summary_recv,
	SEND = push_actions.delivery_summary_send,
	INTERNALLENGTH = 80,
	ALIGNMENT = double,
	STORAGE = plain
);
COMMENT ON TYPE push_actions.delivery_summary IS
	'counts of actions per push_status plus the sum of attempts; merge with + or the delivery_summary aggregate';

CREATE OR REPLACE FUNCTION push_actions.delivery_summary_eq(push_actions.delivery_summary, push_actions.delivery_summary) RETURNS boolean
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE LEAKPROOF;
CREATE OR REPLACE FUNCTION push_actions.delivery_summary_ne(push_actions.delivery_summary, push_actions.delivery_summary) RETURNS boolean
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE LEAKPROOF;
CREATE OR REPLACE FUNCTION push_actions.delivery_summary_merge(push_actions.delivery_summary, push_actions.delivery_summary) RETURNS push_actions.delivery_summary
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE OPERATOR pg_catalog.= (
	LEFTARG = push_actions.delivery_summary, RIGHTARG = push_actions.delivery_summary,
	PROCEDURE = push_actions.delivery_summary_eq, COMMUTATOR = OPERATOR(pg_catalog.=),
	NEGATOR = OPERATOR(pg_catalog.<>), RESTRICT = eqsel, JOIN = eqjoinsel);
CREATE OPERATOR pg_catalog.<> (
	LEFTARG = push_actions.delivery_summary, RIGHTARG = push_actions.delivery_summary,
	PROCEDURE = push_actions.delivery_summary_ne, COMMUTATOR = OPERATOR(pg_catalog.<>),
	NEGATOR = OPERATOR(pg_catalog.=), RESTRICT = neqsel, JOIN = neqjoinsel);
CREATE OPERATOR pg_catalog.+ (
	LEFTARG = push_actions.delivery_summary, RIGHTARG = push_actions.delivery_summary,
	PROCEDURE = push_actions.delivery_summary_merge, COMMUTATOR = OPERATOR(pg_catalog.+));

CREATE OR REPLACE FUNCTION pg_catalog.to_jsonb(push_actions.delivery_summary) RETURNS jsonb
	AS 'MODULE_PATHNAME', 'delivery_summary_to_jsonb' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE CAST (push_actions.delivery_summary AS jsonb)
	WITH FUNCTION pg_catalog.to_jsonb(push_actions.delivery_summary);

CREATE OR REPLACE FUNCTION pg_catalog.status(push_actions.delivery_summary) RETURNS push_actions.push_status
	AS 'MODULE_PATHNAME', 'delivery_summary_status' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION pg_catalog.status(push_actions.delivery_summary) IS
	'the message status across its actions (Customer.io roll-up rule); NULL for an empty summary';
CREATE OR REPLACE FUNCTION pg_catalog.total(push_actions.delivery_summary) RETURNS bigint
	AS 'MODULE_PATHNAME', 'delivery_summary_total' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION pg_catalog.total(push_actions.delivery_summary) IS 'number of actions counted';
CREATE OR REPLACE FUNCTION pg_catalog.status_count(push_actions.delivery_summary, push_actions.push_status) RETURNS bigint
	AS 'MODULE_PATHNAME', 'delivery_summary_status_count' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION pg_catalog.status_count(push_actions.delivery_summary, push_actions.push_status) IS
	'number of actions counted with the given status';
CREATE OR REPLACE FUNCTION pg_catalog.pending(push_actions.delivery_summary) RETURNS bigint
	AS 'MODULE_PATHNAME', 'delivery_summary_pending' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION pg_catalog.pending(push_actions.delivery_summary) IS 'scheduled + attempted';
CREATE OR REPLACE FUNCTION pg_catalog.error_rate(push_actions.delivery_summary) RETURNS double precision
	AS 'MODULE_PATHNAME', 'delivery_summary_error_rate' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION pg_catalog.error_rate(push_actions.delivery_summary) IS
	'100 x (failed + bounced) / total; NULL when the total is 0';
