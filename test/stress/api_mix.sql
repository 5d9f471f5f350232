-- make stress's load: one function that takes a random step through the
-- whole API, as app backends and the janitor would, on the stress database.
-- The refusals the API documents (a transition the state machine refuses,
-- 55000; an action or push already gone, P0002) are counted, not raised:
-- any other error aborts the pgbench client and fails the run.
CREATE SCHEMA stress;
CREATE TABLE stress.refusals (code text PRIMARY KEY, n bigint NOT NULL);
INSERT INTO push_actions.apps (app_id, name, token_hash)
VALUES (1, 'stress', sha256(convert_to('STRESS_TOKEN', 'UTF8')));
SELECT setval(pg_get_serial_sequence('push_actions.apps', 'app_id'), 1);

-- a random existing action id at or after a random point, or NULL
CREATE FUNCTION stress.some_action() RETURNS bigint LANGUAGE sql AS $$
	SELECT action_id FROM push_actions.actions
	WHERE action_id >= (SELECT (random() * coalesce(max(action_id), 0))::bigint FROM push_actions.actions)
	ORDER BY action_id LIMIT 1
$$;
CREATE FUNCTION stress.some_push() RETURNS text LANGUAGE sql AS $$
	SELECT push_id FROM push_actions.actions WHERE action_id >= stress.some_action() AND push_id IS NOT NULL
	ORDER BY action_id LIMIT 1
$$;

CREATE FUNCTION stress.step(r int) RETURNS void LANGUAGE plpgsql AS $$
DECLARE
	a bigint;
BEGIN
	IF r <= 20 THEN
		PERFORM push_actions.create_push(1, jsonb_build_object('message', 'stress ' || r),
			-- distinct devices: the same one twice is refused, as it would be sent twice
			(SELECT jsonb_agg(jsonb_build_object('device_id', (random() * 20000)::int * 5 + d, 'token', 't' || d,
			                                     'platform', (ARRAY['android', 'ios', 'web'])[1 + d % 3],
			                                     'profile_id', 'p' || (random() * 20000)::int))
			 FROM generate_series(1, 1 + (random() * 4)::int) d),
			(random() * 50)::int, CASE WHEN random() < 0.1 THEN now() + interval '1 hour' END);
	ELSIF r <= 45 THEN
		a := stress.some_action();
		IF a IS NOT NULL THEN
			PERFORM push_actions.record_attempt(a, random() < 0.6, (ARRAY['Unavailable', 'DeviceNotRegistered'])[1 + (random() < 0.1)::int],
			                                    random() < 0.05, error_code => (ARRAY[NULL, 'QUOTA_EXCEEDED', 'UNREGISTERED'])[1 + floor(random() * 3)::int]);
		END IF;
	ELSIF r <= 60 THEN
		a := stress.some_action();
		IF a IS NOT NULL THEN
			PERFORM push_actions.record_event(a, (ARRAY['delivered', 'opened', 'converted', 'expired'])[1 + (random() * 3)::int]::push_actions.push_status);
		END IF;
	ELSIF r <= 65 THEN
		a := stress.some_action();
		IF a IS NOT NULL THEN
			PERFORM push_actions.retry(a);
		END IF;
	ELSIF r <= 80 THEN
		PERFORM push_actions.list_push_devices(jsonb_build_object('apptoken', 'STRESS_TOKEN',
			'condition', jsonb_build_array(jsonb_build_array('campaign_id', 'in', jsonb_build_array((random() * 50)::int, (random() * 50)::int)),
			                               jsonb_build_array('error', '=', (random() < 0.5)::int)),
			'limit', 1 + (random() * 100)::int));
	ELSIF r <= 88 THEN
		PERFORM push_actions.push_info(stress.some_push(), 'STRESS_TOKEN');
	ELSIF r <= 92 THEN
		PERFORM push_actions.delete_push(stress.some_push(), 'STRESS_TOKEN');
	ELSIF r <= 96 THEN
		PERFORM push_actions.purge(now() + interval '31 days', 5);
	ELSE
		PERFORM push_actions.fold_actions(now() - interval '5 seconds', 5);
	END IF;
EXCEPTION WHEN object_not_in_prerequisite_state OR no_data_found THEN
	INSERT INTO stress.refusals VALUES (SQLSTATE, 1)
	ON CONFLICT (code) DO UPDATE SET n = stress.refusals.n + 1;
END $$;
