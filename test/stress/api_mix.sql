-- make stress's load: one function that takes a random step through the
-- whole API, as app backends and the janitor would, on the stress database.
-- The refusals the API documents (a transition the state machine refuses,
-- 55000; an action or push already gone, P0002) are counted, not raised:
-- any other error aborts the pgbench client and fails the run.
CREATE SCHEMA stress;
CREATE TABLE stress.refusals (code text PRIMARY KEY, n bigint NOT NULL);
-- app 1 takes the load's new pushes; app 2 holds the seeded ones, which
-- retention, going app by app with a small batch, leaves to the end
INSERT INTO push_actions.apps (app_id, name, token_hash)
VALUES (1, 'stress', sha256(convert_to('STRESS_TOKEN', 'UTF8'))),
       (2, 'seeded', sha256(convert_to('SEED_TOKEN', 'UTF8')));
SELECT setval(pg_get_serial_sequence('push_actions.apps', 'app_id'), 2);

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

-- a push among the latest the load made (small ones: deleting them leaves
-- the seeded pushes, and so the live data the checks read, in place)
CREATE FUNCTION stress.recent_push() RETURNS text LANGUAGE sql AS $$
	SELECT push_id FROM push_actions.pushes WHERE app_id = 1
	ORDER BY created_at DESC OFFSET (random() * 200)::int LIMIT 1
$$;
-- the API key of a push's app, so that reports and reads reach it
CREATE FUNCTION stress.key_of(push text) RETURNS text LANGUAGE sql AS $$
	SELECT CASE app_id WHEN 1 THEN 'STRESS_TOKEN' ELSE 'SEED_TOKEN' END FROM push_actions.pushes WHERE push_id = push
$$;
CREATE FUNCTION stress.devices(n int) RETURNS jsonb LANGUAGE sql AS $$
	-- distinct devices: the same one twice is refused, as it would be sent twice
	SELECT jsonb_agg(jsonb_build_object('device_id', (random() * 20000)::int * 5 + d, 'token', 't' || d,
	                                    'platform', (ARRAY['android', 'ios', 'web'])[1 + d % 3],
	                                    'profile_id', 'p' || (random() * 20000)::int))
	FROM generate_series(1, n) d
$$;

-- The live data the checks read while the load runs: pushes of 100 devices
-- of app 2, whose actions the load attempts and reports on.
CREATE FUNCTION stress.seed(pushes int) RETURNS bigint LANGUAGE plpgsql AS $$
BEGIN
	FOR i IN 1..pushes LOOP
		PERFORM push_actions.create_push(2, jsonb_build_object('message', 'seed ' || i),
			(SELECT jsonb_agg(jsonb_build_object('device_id', i * 1000 + d, 'token', 's' || i || '.' || d,
			                                     'platform', (ARRAY['android', 'ios', 'web'])[1 + d % 3],
			                                     'profile_id', 'p' || (i * 1000 + d) / 2))
			 FROM generate_series(1, 100) d), i % 50);
	END LOOP;
	RETURN (SELECT count(*) FROM push_actions.actions);
END $$;

-- r from 1 to 1000: the share of each call in the load
CREATE FUNCTION stress.step(r int) RETURNS void LANGUAGE plpgsql AS $$
DECLARE
	a bigint;
	p text;
	d record;
BEGIN
	IF r <= 140 OR r > 970 THEN
		PERFORM push_actions.create_push(1, jsonb_build_object('message', 'stress ' || r),
			stress.devices(1 + (random() * 4)::int), (random() * 50)::int,
			CASE WHEN r % 10 = 0 THEN now() + interval '1 hour' END,
			-- some expire at once, for purge
			CASE WHEN r % 10 IN (1, 2) THEN now() + interval '1 second' END);
	ELSIF r <= 150 THEN
		PERFORM push_actions.create_push(1, '{"message": "as text"}', stress.devices(2)::text, (random() * 50)::int);
	ELSIF r <= 170 THEN
		PERFORM push_actions.create_push_skipping_dead(1, '{"message": "skip"}', stress.devices(3), (random() * 50)::int);
	ELSIF r <= 190 THEN
		a := 1000000000 + (random() * 1000000000)::bigint;
		PERFORM push_actions.add_push_devices(1, stress.recent_push(),
			jsonb_build_array(jsonb_build_object('device_id', a, 'token', 'x' || a, 'platform', 'android')));
	ELSIF r <= 420 THEN
		a := stress.some_action();
		IF a IS NOT NULL THEN
			PERFORM push_actions.record_attempt(a, random() < 0.6, (ARRAY['Unavailable', 'DeviceNotRegistered'])[1 + (random() < 0.1)::int],
			                                    random() < 0.05, error_code => (ARRAY[NULL, 'QUOTA_EXCEEDED', 'UNREGISTERED'])[1 + floor(random() * 3)::int]);
		END IF;
	ELSIF r <= 520 THEN
		a := stress.some_action();
		IF a IS NOT NULL THEN
			PERFORM push_actions.record_event(a, (ARRAY['delivered', 'opened', 'converted', 'expired'])[1 + (random() * 3)::int]::push_actions.push_status);
		END IF;
	ELSIF r <= 580 THEN
		-- a device's report, with the delivery id and token its payload carried
		p := stress.some_push();
		SELECT * INTO d FROM push_actions.push_deliveries(p, stress.key_of(p)) ORDER BY random() LIMIT 1;
		IF d.delivery_id IS NOT NULL THEN
			PERFORM push_actions.track_event(d.delivery_id, d.delivery_token,
				(ARRAY['delivered', 'opened', 'converted'])[1 + (random() * 2)::int]::push_actions.push_status);
		END IF;
	ELSIF r <= 620 THEN
		a := stress.some_action();
		IF a IS NOT NULL THEN
			PERFORM push_actions.retry(a);
		END IF;
	ELSIF r <= 740 THEN
		PERFORM push_actions.list_push_devices(jsonb_build_object('apptoken', 'STRESS_TOKEN',
			'condition', jsonb_build_array(jsonb_build_array('campaign_id', 'in', jsonb_build_array((random() * 50)::int, (random() * 50)::int)),
			                               jsonb_build_array('error', '=', (random() < 0.5)::int)),
			'limit', 1 + (random() * 100)::int));
	ELSIF r <= 800 THEN
		p := stress.some_push();
		PERFORM push_actions.push_info(p, stress.key_of(p));
	ELSIF r <= 802 THEN
		PERFORM push_actions.delete_push(stress.recent_push(), 'STRESS_TOKEN');
	ELSIF r <= 820 THEN
		PERFORM push_actions.purge(now(), 5);
	ELSIF r <= 830 THEN
		PERFORM push_actions.fold_actions(now() - interval '5 seconds', 5);
	ELSIF r <= 870 THEN
		PERFORM push_actions.register_device_token(1, (ARRAY['android', 'ios', 'web'])[1 + (random() * 2)::int],
			't' || (1 + (random() * 4)::int), now() - interval '1 second' * (random() * 60));
	ELSIF r <= 900 THEN
		PERFORM push_actions.dead_device_tokens((ARRAY['STRESS_TOKEN', 'SEED_TOKEN'])[1 + (random() < 0.5)::int], now() - interval '1 hour', NULL, 100);
	ELSIF r <= 940 THEN
		PERFORM push_actions.delivery_times(1 + (random() < 0.5)::int, CASE WHEN random() < 0.5 THEN (random() * 50)::bigint END,
			now() - interval '1 day', now() + interval '1 hour', (ARRAY['hour', 'day'])[1 + (random() < 0.5)::int], 'Europe/Berlin', NULL);
	ELSIF r <= 941 THEN
		PERFORM push_actions.rotate_app_key(1, '1 day');
	ELSE
		p := stress.some_push();
		PERFORM push_actions.push_deliveries(p, stress.key_of(p));
	END IF;
EXCEPTION WHEN object_not_in_prerequisite_state OR no_data_found THEN
	INSERT INTO stress.refusals VALUES (SQLSTATE, 1)
	ON CONFLICT (code) DO UPDATE SET n = stress.refusals.n + 1;
END $$;
