-- The moments an action first reached each step of a send (src/time_moments.h):
-- attempted_at, sent_at, delivered_at, opened_at.

-- What a row says of a step's moment, stored or derived: the one rule, for
-- the hourly series (kept_times.h) and for keep_moments().
CREATE OR REPLACE FUNCTION push_actions_internal.action_moment(step push_actions.push_status,
	status push_actions.push_status, attempts smallint, create_time timestamptz, updated_at timestamptz,
	stored timestamptz) RETURNS timestamptz
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE PARALLEL SAFE;

-- Stores the moments on every UPDATE, so that they never change once had.
CREATE OR REPLACE FUNCTION push_actions_internal.keep_moments() RETURNS trigger
	AS 'MODULE_PATHNAME' LANGUAGE C;
REVOKE EXECUTE ON FUNCTION push_actions_internal.keep_moments() FROM PUBLIC;

-- Makes its trigger, row by row before the statement's kept state is
-- computed from the moments: at install, at the update to 1.2, and on Citus
-- by distribute() called after that update (each statement a dynamic one of
-- its own, which Citus passes on to the shards as its text).
CREATE OR REPLACE FUNCTION push_actions_internal.add_moments_trigger() RETURNS void
	LANGUAGE plpgsql VOLATILE
	SET search_path = pg_catalog, push_actions, pg_temp
	AS $$
BEGIN
	EXECUTE 'CREATE OR REPLACE TRIGGER actions_keep_moments BEFORE UPDATE ON push_actions.actions'
	        ' FOR EACH ROW EXECUTE FUNCTION push_actions_internal.keep_moments()';
	EXECUTE 'ALTER TABLE push_actions.actions ENABLE ALWAYS TRIGGER actions_keep_moments';
END
$$;
REVOKE EXECUTE ON FUNCTION push_actions_internal.add_moments_trigger() FROM PUBLIC;
