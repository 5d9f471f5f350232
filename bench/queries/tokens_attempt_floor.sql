-- The floor of keeping the tokens' state on record_attempt: the same call
-- with the state not kept, plus the one single-row write any per-token state
-- needs (the token's row updated in place), in one statement.  The token is
-- found from the action by its key, a read of a row the call has just
-- written (pgbench; the driver sets the pool)
\set aid random(:lo, :hi)
WITH attempt AS (
	SELECT push_actions.record_attempt(:aid, false, 'Unavailable') AS status
), token AS (
	UPDATE push_actions_internal.device_tokens t
	SET failures_since_success = t.failures_since_success + 1, last_failure_at = now()
	FROM push_actions.actions a
	WHERE a.action_id = :aid AND t.app_id = a.app_id AND t.platform = a.platform AND t.device_token = a.device_token
)
SELECT status FROM attempt;
