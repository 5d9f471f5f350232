-- Helpers that only the extension calls live in push_actions_internal, apart
-- from the API in push_actions (Citus keeps its own in citus_internal).  The
-- API functions run with their caller's rights and call these helpers, so
-- PUBLIC may use the schema; the trigger functions in it are executable by
-- the owner alone, since a trigger fires without checking EXECUTE.
CREATE SCHEMA push_actions_internal;
GRANT USAGE ON SCHEMA push_actions_internal TO PUBLIC;
