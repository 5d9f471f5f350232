-- push_status: one byte, passed by value, ordered by lifecycle (src/push_status.c).

CREATE TYPE push_actions.push_status;

CREATE OR REPLACE FUNCTION push_actions.push_status_in(cstring) RETURNS push_actions.push_status
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE OR REPLACE FUNCTION push_actions.push_status_out(push_actions.push_status) RETURNS cstring
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE OR REPLACE FUNCTION push_actions.push_status_recv(internal) RETURNS push_actions.push_status
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE OR REPLACE FUNCTION push_actions.push_status_send(push_actions.push_status) RETURNS bytea
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE TYPE push_actions.push_status (
	INPUT = push_actions.push_status_in,
	OUTPUT = push_actions.push_status_out,
	RECEIVE = push_actions.push_status_recv,
	SEND = push_actions.push_status_send,
	INTERNALLENGTH = 1,
	PASSEDBYVALUE,
	ALIGNMENT = char,
	STORAGE = plain
);
COMMENT ON TYPE push_actions.push_status IS
	'status of one push action: scheduled < attempted < sent < delivered < opened < converted < failed < bounced < expired';

CREATE OR REPLACE FUNCTION push_actions.push_status_eq(push_actions.push_status, push_actions.push_status) RETURNS boolean
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE LEAKPROOF;
CREATE OR REPLACE FUNCTION push_actions.push_status_ne(push_actions.push_status, push_actions.push_status) RETURNS boolean
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE LEAKPROOF;
CREATE OR REPLACE FUNCTION push_actions.push_status_lt(push_actions.push_status, push_actions.push_status) RETURNS boolean
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE LEAKPROOF;
CREATE OR REPLACE FUNCTION push_actions.push_status_le(push_actions.push_status, push_actions.push_status) RETURNS boolean
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE LEAKPROOF;
CREATE OR REPLACE FUNCTION push_actions.push_status_gt(push_actions.push_status, push_actions.push_status) RETURNS boolean
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE LEAKPROOF;
CREATE OR REPLACE FUNCTION push_actions.push_status_ge(push_actions.push_status, push_actions.push_status) RETURNS boolean
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE LEAKPROOF;
CREATE OR REPLACE FUNCTION push_actions.push_status_cmp(push_actions.push_status, push_actions.push_status) RETURNS integer
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE LEAKPROOF;
CREATE OR REPLACE FUNCTION push_actions.push_status_hash(push_actions.push_status) RETURNS integer
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE LEAKPROOF;
CREATE OR REPLACE FUNCTION push_actions.push_status_hash_extended(push_actions.push_status, bigint) RETURNS bigint
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE LEAKPROOF;

CREATE OPERATOR pg_catalog.= (
	LEFTARG = push_actions.push_status, RIGHTARG = push_actions.push_status,
	PROCEDURE = push_actions.push_status_eq, COMMUTATOR = OPERATOR(pg_catalog.=),
	NEGATOR = OPERATOR(pg_catalog.<>), RESTRICT = eqsel, JOIN = eqjoinsel,
	HASHES, MERGES);
CREATE OPERATOR pg_catalog.<> (
	LEFTARG = push_actions.push_status, RIGHTARG = push_actions.push_status,
	PROCEDURE = push_actions.push_status_ne, COMMUTATOR = OPERATOR(pg_catalog.<>),
	NEGATOR = OPERATOR(pg_catalog.=), RESTRICT = neqsel, JOIN = neqjoinsel);
CREATE OPERATOR pg_catalog.< (
	LEFTARG = push_actions.push_status, RIGHTARG = push_actions.push_status,
	PROCEDURE = push_actions.push_status_lt, COMMUTATOR = OPERATOR(pg_catalog.>),
	NEGATOR = OPERATOR(pg_catalog.>=), RESTRICT = scalarltsel, JOIN = scalarltjoinsel);
CREATE OPERATOR pg_catalog.<= (
	LEFTARG = push_actions.push_status, RIGHTARG = push_actions.push_status,
	PROCEDURE = push_actions.push_status_le, COMMUTATOR = OPERATOR(pg_catalog.>=),
	NEGATOR = OPERATOR(pg_catalog.>), RESTRICT = scalarlesel, JOIN = scalarlejoinsel);
CREATE OPERATOR pg_catalog.> (
	LEFTARG = push_actions.push_status, RIGHTARG = push_actions.push_status,
	PROCEDURE = push_actions.push_status_gt, COMMUTATOR = OPERATOR(pg_catalog.<),
	NEGATOR = OPERATOR(pg_catalog.<=), RESTRICT = scalargtsel, JOIN = scalargtjoinsel);
CREATE OPERATOR pg_catalog.>= (
	LEFTARG = push_actions.push_status, RIGHTARG = push_actions.push_status,
	PROCEDURE = push_actions.push_status_ge, COMMUTATOR = OPERATOR(pg_catalog.<=),
	NEGATOR = OPERATOR(pg_catalog.<), RESTRICT = scalargesel, JOIN = scalargejoinsel);

-- Two equal statuses are the same byte, so B-tree indexes may merge equal
-- keys into posting lists (deduplication, support function 4).  Without it
-- any index with status as a key is five times larger: actions_summary_idx
-- is 69 MB instead of 388 MB over 10 million actions.
CREATE OPERATOR CLASS push_actions.push_status_ops
	DEFAULT FOR TYPE push_actions.push_status USING btree AS
	OPERATOR 1 pg_catalog.<,
	OPERATOR 2 pg_catalog.<=,
	OPERATOR 3 pg_catalog.=,
	OPERATOR 4 pg_catalog.>=,
	OPERATOR 5 pg_catalog.>,
	FUNCTION 1 push_actions.push_status_cmp(push_actions.push_status, push_actions.push_status),
	FUNCTION 4 pg_catalog.btequalimage(oid);

CREATE OPERATOR CLASS push_actions.push_status_hash_ops
	DEFAULT FOR TYPE push_actions.push_status USING hash AS
	OPERATOR 1 pg_catalog.=,
	FUNCTION 1 push_actions.push_status_hash(push_actions.push_status),
	FUNCTION 2 push_actions.push_status_hash_extended(push_actions.push_status, bigint);

CREATE OR REPLACE FUNCTION push_actions.push_status_smaller(push_actions.push_status, push_actions.push_status) RETURNS push_actions.push_status
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE OR REPLACE FUNCTION push_actions.push_status_larger(push_actions.push_status, push_actions.push_status) RETURNS push_actions.push_status
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE AGGREGATE pg_catalog.min(push_actions.push_status) (
	SFUNC = push_actions.push_status_smaller, STYPE = push_actions.push_status,
	COMBINEFUNC = push_actions.push_status_smaller, SORTOP = OPERATOR(pg_catalog.<),
	PARALLEL = SAFE);
CREATE AGGREGATE pg_catalog.max(push_actions.push_status) (
	SFUNC = push_actions.push_status_larger, STYPE = push_actions.push_status,
	COMBINEFUNC = push_actions.push_status_larger, SORTOP = OPERATOR(pg_catalog.>),
	PARALLEL = SAFE);

CREATE OR REPLACE FUNCTION pg_catalog.is_final(push_actions.push_status) RETURNS boolean
	AS 'MODULE_PATHNAME', 'push_status_is_final_fn' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION pg_catalog.is_final(push_actions.push_status) IS
	'true for sent, delivered, opened, converted, failed, bounced, expired';
CREATE OR REPLACE FUNCTION pg_catalog.is_success(push_actions.push_status) RETURNS boolean
	AS 'MODULE_PATHNAME', 'push_status_is_success_fn' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION pg_catalog.is_success(push_actions.push_status) IS
	'true for sent, delivered, opened, converted';
CREATE OR REPLACE FUNCTION pg_catalog.can_transition("from" push_actions.push_status, "to" push_actions.push_status) RETURNS boolean
	AS 'MODULE_PATHNAME', 'push_status_can_transition_fn' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION pg_catalog.can_transition(push_actions.push_status, push_actions.push_status) IS
	'the action state machine; failed -> attempted is only taken by retry()';
