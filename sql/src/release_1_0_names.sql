-- The names 1.0 gave the operators, aggregates and functions on push_status
-- and delivery_summary, which 1.1 moved to pg_catalog so that they resolve
-- whatever a session's search_path.  SQL written for 1.0 calls them by these
-- qualified names (push_actions.total(summary), OPERATOR(push_actions.=)),
-- so a minor release keeps them: each is a thin copy over the same C
-- function.  Deprecated: call them unqualified.  An unqualified call never
-- reaches them, since pg_catalog comes first in every search_path; the
-- operators here belong to no operator class, so indexes answer only the
-- unqualified ones.

CREATE OPERATOR push_actions.= (
	LEFTARG = push_actions.push_status, RIGHTARG = push_actions.push_status,
	PROCEDURE = push_actions.push_status_eq, COMMUTATOR = OPERATOR(push_actions.=),
	NEGATOR = OPERATOR(push_actions.<>), RESTRICT = eqsel, JOIN = eqjoinsel);
CREATE OPERATOR push_actions.<> (
	LEFTARG = push_actions.push_status, RIGHTARG = push_actions.push_status,
	PROCEDURE = push_actions.push_status_ne, COMMUTATOR = OPERATOR(push_actions.<>),
	NEGATOR = OPERATOR(push_actions.=), RESTRICT = neqsel, JOIN = neqjoinsel);
CREATE OPERATOR push_actions.< (
	LEFTARG = push_actions.push_status, RIGHTARG = push_actions.push_status,
	PROCEDURE = push_actions.push_status_lt, COMMUTATOR = OPERATOR(push_actions.>),
	NEGATOR = OPERATOR(push_actions.>=), RESTRICT = scalarltsel, JOIN = scalarltjoinsel);
CREATE OPERATOR push_actions.<= (
	LEFTARG = push_actions.push_status, RIGHTARG = push_actions.push_status,
	PROCEDURE = push_actions.push_status_le, COMMUTATOR = OPERATOR(push_actions.>=),
	NEGATOR = OPERATOR(push_actions.>), RESTRICT = scalarlesel, JOIN = scalarlejoinsel);
CREATE OPERATOR push_actions.> (
	LEFTARG = push_actions.push_status, RIGHTARG = push_actions.push_status,
	PROCEDURE = push_actions.push_status_gt, COMMUTATOR = OPERATOR(push_actions.<),
	NEGATOR = OPERATOR(push_actions.<=), RESTRICT = scalargtsel, JOIN = scalargtjoinsel);
CREATE OPERATOR push_actions.>= (
	LEFTARG = push_actions.push_status, RIGHTARG = push_actions.push_status,
	PROCEDURE = push_actions.push_status_ge, COMMUTATOR = OPERATOR(push_actions.<=),
	NEGATOR = OPERATOR(push_actions.<), RESTRICT = scalargesel, JOIN = scalargejoinsel);
CREATE OPERATOR push_actions.= (
	LEFTARG = push_actions.delivery_summary, RIGHTARG = push_actions.delivery_summary,
	PROCEDURE = push_actions.delivery_summary_eq, COMMUTATOR = OPERATOR(push_actions.=),
	NEGATOR = OPERATOR(push_actions.<>), RESTRICT = eqsel, JOIN = eqjoinsel);
CREATE OPERATOR push_actions.<> (
	LEFTARG = push_actions.delivery_summary, RIGHTARG = push_actions.delivery_summary,
	PROCEDURE = push_actions.delivery_summary_ne, COMMUTATOR = OPERATOR(push_actions.<>),
	NEGATOR = OPERATOR(push_actions.=), RESTRICT = neqsel, JOIN = neqjoinsel);
CREATE OPERATOR push_actions.+ (
	LEFTARG = push_actions.delivery_summary, RIGHTARG = push_actions.delivery_summary,
	PROCEDURE = push_actions.delivery_summary_merge, COMMUTATOR = OPERATOR(push_actions.+));

CREATE AGGREGATE push_actions.min(push_actions.push_status) (
	SFUNC = push_actions.push_status_smaller, STYPE = push_actions.push_status,
	COMBINEFUNC = push_actions.push_status_smaller, PARALLEL = SAFE);
CREATE AGGREGATE push_actions.max(push_actions.push_status) (
	SFUNC = push_actions.push_status_larger, STYPE = push_actions.push_status,
	COMBINEFUNC = push_actions.push_status_larger, PARALLEL = SAFE);
CREATE AGGREGATE push_actions.delivery_summary(push_actions.push_status) (
	SFUNC = push_actions.delivery_summary_add_status, STYPE = push_actions.delivery_summary,
	COMBINEFUNC = push_actions.delivery_summary_merge, PARALLEL = SAFE);
CREATE AGGREGATE push_actions.delivery_summary(push_actions.push_status, integer) (
	SFUNC = push_actions.delivery_summary_add_status_attempts, STYPE = push_actions.delivery_summary,
	COMBINEFUNC = push_actions.delivery_summary_merge, PARALLEL = SAFE);
CREATE AGGREGATE push_actions.delivery_summary(push_actions.push_status, smallint) (
	SFUNC = push_actions.delivery_summary_add_status_attempts_int2, STYPE = push_actions.delivery_summary,
	COMBINEFUNC = push_actions.delivery_summary_merge, PARALLEL = SAFE);
CREATE AGGREGATE push_actions.delivery_summary(push_actions.delivery_summary) (
	SFUNC = push_actions.delivery_summary_merge, STYPE = push_actions.delivery_summary,
	COMBINEFUNC = push_actions.delivery_summary_merge, PARALLEL = SAFE);
CREATE AGGREGATE push_actions.rollup_status(push_actions.push_status) (
	SFUNC = push_actions.rollup_mask_add, STYPE = integer, INITCOND = '0',
	FINALFUNC = push_actions.rollup_mask_status, COMBINEFUNC = pg_catalog.int4or, PARALLEL = SAFE);

CREATE OR REPLACE FUNCTION push_actions.is_final(push_actions.push_status) RETURNS boolean
	AS 'MODULE_PATHNAME', 'push_status_is_final_fn' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE OR REPLACE FUNCTION push_actions.is_success(push_actions.push_status) RETURNS boolean
	AS 'MODULE_PATHNAME', 'push_status_is_success_fn' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE OR REPLACE FUNCTION push_actions.can_transition("from" push_actions.push_status, "to" push_actions.push_status) RETURNS boolean
	AS 'MODULE_PATHNAME', 'push_status_can_transition_fn' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE OR REPLACE FUNCTION push_actions.to_jsonb(push_actions.delivery_summary) RETURNS jsonb
	AS 'MODULE_PATHNAME', 'delivery_summary_to_jsonb' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE OR REPLACE FUNCTION push_actions.status(push_actions.delivery_summary) RETURNS push_actions.push_status
	AS 'MODULE_PATHNAME', 'delivery_summary_status' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE OR REPLACE FUNCTION push_actions.total(push_actions.delivery_summary) RETURNS bigint
	AS 'MODULE_PATHNAME', 'delivery_summary_total' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE OR REPLACE FUNCTION push_actions.status_count(push_actions.delivery_summary, push_actions.push_status) RETURNS bigint
	AS 'MODULE_PATHNAME', 'delivery_summary_status_count' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE OR REPLACE FUNCTION push_actions.pending(push_actions.delivery_summary) RETURNS bigint
	AS 'MODULE_PATHNAME', 'delivery_summary_pending' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE OR REPLACE FUNCTION push_actions.error_rate(push_actions.delivery_summary) RETURNS double precision
	AS 'MODULE_PATHNAME', 'delivery_summary_error_rate' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

DO $$
DECLARE
	f regprocedure;
	o regoperator;
BEGIN
	FOR f IN SELECT p.oid FROM pg_catalog.pg_proc p
	         WHERE p.pronamespace = 'push_actions'::regnamespace
	           AND p.proname IN ('min', 'max', 'delivery_summary', 'rollup_status', 'is_final', 'is_success',
	                             'can_transition', 'to_jsonb', 'status', 'total', 'status_count', 'pending', 'error_rate')
	LOOP
		EXECUTE format('COMMENT ON %s %s IS %L',
		               CASE WHEN (SELECT prokind FROM pg_catalog.pg_proc WHERE oid = f) = 'a' THEN 'AGGREGATE' ELSE 'FUNCTION' END,
		               f, 'deprecated: the 1.0 name of pg_catalog.' || (SELECT proname FROM pg_catalog.pg_proc WHERE oid = f) || '; call it unqualified');
	END LOOP;
	FOR o IN SELECT p.oid FROM pg_catalog.pg_operator p WHERE p.oprnamespace = 'push_actions'::regnamespace LOOP
		EXECUTE format('COMMENT ON OPERATOR %s IS %L', o, 'deprecated: the 1.0 name; use the unqualified operator');
	END LOOP;
END
$$;
