-- A status compared with a parameter bound as a string (pgjdbc's setString
-- binds varchar, other drivers text) converts the string, so the comparison
-- is push_status = push_status and reads the indexes on status.  No cast
-- leads back implicitly, so no comparison becomes ambiguous.
CREATE CAST (text AS push_actions.push_status) WITH INOUT AS IMPLICIT;
CREATE CAST (varchar AS push_actions.push_status) WITH INOUT AS IMPLICIT;
