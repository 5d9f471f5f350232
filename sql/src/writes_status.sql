-- Write API: an action's status, through the state machine of can_transition().

-- Locks an action for a write API call, or raises no_data_found.  The lock
-- names the action's whole key: on Citus (push_actions.distribute()) only a
-- lock by app_id is routed to one shard.  A caller that does not give the
-- app has it read first.
CREATE OR REPLACE FUNCTION push_actions_internal.lock_action(action_id bigint, app_id bigint)
	RETURNS push_actions.actions
	LANGUAGE plpgsql VOLATILE
	SET search_path = pg_catalog, push_actions, pg_temp
	AS $$
DECLARE
	row push_actions.actions;
	app bigint := lock_action.app_id;
BEGIN
	IF action_id IS NULL THEN
		RAISE EXCEPTION 'action_id must not be NULL' USING ERRCODE = 'null_value_not_allowed';
	END IF;
	IF app IS NULL THEN
		SELECT a.app_id INTO app FROM push_actions.actions a WHERE a.action_id = lock_action.action_id;
	END IF;
	SELECT * INTO row FROM push_actions.actions a
	WHERE a.action_id = lock_action.action_id AND a.app_id = app FOR UPDATE;
	IF NOT FOUND THEN
		RAISE EXCEPTION 'action % does not exist%', action_id,
			CASE WHEN lock_action.app_id IS NOT NULL THEN format(' in app %s', lock_action.app_id) ELSE '' END
			USING ERRCODE = 'no_data_found';
	END IF;
	RETURN row;
END
$$;

-- Raises the error for a transition the state machine refuses.
CREATE OR REPLACE FUNCTION push_actions_internal.refuse_transition(action_id bigint, "from" push_actions.push_status,
                                               "to" push_actions.push_status, hint text DEFAULT NULL)
	RETURNS void
	LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE
	SET search_path = pg_catalog, push_actions, pg_temp
	AS $$
BEGIN
	RAISE EXCEPTION 'action % cannot go from % to %', action_id, "from", "to"
		USING ERRCODE = 'object_not_in_prerequisite_state',
		      HINT = coalesce(hint, 'See can_transition() for the allowed transitions.');
END
$$;

-- Raises the error for a text past its limit (push_actions.limits()).
CREATE OR REPLACE FUNCTION push_actions_internal.refuse_longer_than(what text, value text, limit_name text, hint text)
	RETURNS void
	LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE
	SET search_path = pg_catalog, push_actions, pg_temp
	AS $$
DECLARE
	longest	constant bigint := push_actions_internal.limit_value(limit_name);
BEGIN
	IF length(value) > longest THEN
		RAISE EXCEPTION '% must be at most % characters', what, longest
			USING ERRCODE = 'program_limit_exceeded',
			      DETAIL = format('The %s has %s characters.', what, length(value)), HINT = hint;
	END IF;
END
$$;

-- Each write call takes the action's app as an optional last argument:
-- given, the action is locked by its whole key at once, and on Citus the
-- call runs whole on the worker that holds the app (distribute() makes these
-- distributed functions); omitted, the app is read first.
CREATE OR REPLACE FUNCTION push_actions.record_attempt(action_id bigint, ok boolean,
	error_message text DEFAULT NULL, permanent boolean DEFAULT false, app_id bigint DEFAULT NULL,
	error_code text DEFAULT NULL)
	RETURNS push_actions.push_status
	LANGUAGE plpgsql VOLATILE
	SET search_path = pg_catalog, push_actions, pg_temp
	AS $$
DECLARE
	cur		push_actions.actions;
	tries	smallint;
	new_status	push_actions.push_status;
	most_tries	constant bigint := push_actions_internal.limit_value('attempts');
BEGIN
	IF ok IS NULL THEN
		RAISE EXCEPTION 'ok must not be NULL' USING ERRCODE = 'null_value_not_allowed';
	END IF;
	-- each PERFORM is a query: a call that passes no text pays for none
	IF error_message IS NOT NULL THEN
		PERFORM push_actions_internal.refuse_longer_than('error_message', error_message, 'error_message_chars',
			'Store the provider''s code and reason, not its whole answer.');
	END IF;
	IF error_code IS NOT NULL THEN
		PERFORM push_actions_internal.refuse_longer_than('error_code', error_code, 'error_code_chars',
			'Pass the provider''s code (push_actions.provider_errors()), its message as error_message.');
	END IF;
	cur := push_actions_internal.lock_action(action_id, app_id);
	-- A send starts from attempted; a scheduled action passes through it,
	-- as can_transition() allows.  failed -> attempted is retry()'s alone.
	IF cur.status = 'failed' OR NOT can_transition(cur.status, 'attempted') THEN
		PERFORM push_actions_internal.refuse_transition(action_id, cur.status,
			CASE WHEN ok THEN 'sent' ELSE 'attempted' END::push_actions.push_status,
			CASE WHEN cur.status = 'failed' THEN 'Call push_actions.retry() first.' END);
	END IF;
	tries := cur.attempts + 1;
	new_status := CASE
		WHEN ok THEN 'sent'
		WHEN push_actions.error_class(error_code, error_message) IN ('gone', 'invalid') THEN 'bounced'
		WHEN coalesce(permanent, false) OR tries >= most_tries THEN 'failed'
		ELSE 'attempted'
	END;
	IF NOT can_transition('attempted', new_status) THEN
		PERFORM push_actions_internal.refuse_transition(action_id, 'attempted', new_status);
	END IF;
	UPDATE push_actions.actions a
	SET status = new_status,
	    attempts = tries,
	    error_message = CASE WHEN ok THEN NULL ELSE record_attempt.error_message END,
	    error_code = CASE WHEN ok THEN NULL ELSE nullif(record_attempt.error_code, '') END,
	    updated_at = now()
	WHERE a.action_id = record_attempt.action_id AND a.app_id = cur.app_id;
	RETURN new_status;
END
$$;
COMMENT ON FUNCTION push_actions.record_attempt(bigint, boolean, text, boolean, bigint, text) IS
	'records one send attempt: sent on success; attempted, failed (10th try or permanent) or bounced (the provider''s code or message says the token is gone or invalid) on failure';

CREATE OR REPLACE FUNCTION push_actions.record_event(action_id bigint, status push_actions.push_status,
	at timestamptz DEFAULT now(), app_id bigint DEFAULT NULL)
	RETURNS push_actions.push_status
	LANGUAGE plpgsql VOLATILE
	SET search_path = pg_catalog, push_actions, pg_temp
	AS $$
DECLARE
	cur		push_actions.actions;
BEGIN
	IF status IS NULL OR status NOT IN ('delivered', 'opened', 'converted', 'expired') THEN
		RAISE EXCEPTION 'record_event takes delivered, opened, converted or expired, not %',
			coalesce(status::text, 'NULL')
			USING ERRCODE = 'invalid_parameter_value',
			      HINT = 'Use record_attempt() for send results and retry() for failed actions.';
	END IF;
	IF at IS NULL THEN
		RAISE EXCEPTION 'at must not be NULL' USING ERRCODE = 'null_value_not_allowed';
	END IF;
	cur := push_actions_internal.lock_action(action_id, app_id);
	IF NOT can_transition(cur.status, status) THEN
		PERFORM push_actions_internal.refuse_transition(action_id, cur.status, status);
	END IF;
	UPDATE push_actions.actions a SET status = record_event.status, updated_at = at
	WHERE a.action_id = record_event.action_id AND a.app_id = cur.app_id;
	RETURN status;
END
$$;
COMMENT ON FUNCTION push_actions.record_event(bigint, push_actions.push_status, timestamptz, bigint) IS
	'records delivered, opened, converted or expired for an action, as the state machine allows';

CREATE OR REPLACE FUNCTION push_actions.retry(action_id bigint, app_id bigint DEFAULT NULL)
	RETURNS push_actions.push_status
	LANGUAGE plpgsql VOLATILE
	SET search_path = pg_catalog, push_actions, pg_temp
	AS $$
DECLARE
	cur		push_actions.actions := push_actions_internal.lock_action(action_id, app_id);
	most_tries	constant bigint := push_actions_internal.limit_value('attempts');
BEGIN
	IF cur.status <> 'failed' OR NOT can_transition(cur.status, 'attempted') THEN
		PERFORM push_actions_internal.refuse_transition(action_id, cur.status, 'attempted',
			'Only failed actions can be retried.');
	END IF;
	IF cur.attempts >= most_tries THEN
		RAISE EXCEPTION 'action % has used all % attempts', action_id, most_tries
			USING ERRCODE = 'object_not_in_prerequisite_state';
	END IF;
	UPDATE push_actions.actions a SET status = 'attempted', updated_at = now()
	WHERE a.action_id = retry.action_id AND a.app_id = cur.app_id;
	RETURN 'attempted'::push_actions.push_status;
END
$$;
COMMENT ON FUNCTION push_actions.retry(bigint, bigint) IS
	'puts a failed action with fewer than 10 attempts back to attempted';
