-- Random bad input, from a fixed seed so a failure can be replayed (make
-- stress sets pa.fuzz_seed and pa.fuzz_scale for more of it): the
-- JSON APIs must answer every request with their error JSON (never an SQL
-- error), and type input must fail only with data-exception SQLSTATEs.
-- Requests are valid ones with parts swapped for random JSON or for names
-- from the API's own vocabulary, so they get past the first checks and reach
-- the deeper ones (operators against columns, value types, ranges, nesting).
BEGIN;
SET search_path = push_actions, public;
\i test/data/seed_245624.sql
\i test/data/seed_pushy.sql
SELECT plan(25);
-- make stress runs the same with pa.fuzz_scale times the inputs and its own seed
CREATE FUNCTION pg_temp.scale() RETURNS int LANGUAGE sql
	AS $$ SELECT coalesce(nullif(current_setting('pa.fuzz_scale', true), '')::int, 1) $$;
SELECT setseed(coalesce(nullif(current_setting('pa.fuzz_seed', true), '')::float8, 0.4217));

-- words the parser knows, and values near its limits
CREATE TEMP TABLE words (w jsonb);
INSERT INTO words SELECT to_jsonb(x) FROM unnest(ARRAY[
	'action_id', 'campaign_id', 'push_id', 'create_time', 'device_id', 'profile_id',
	'device_token', 'platform', 'channel', 'status', 'attempts', 'error',
	'error_message', 'message', 'update_time', 'app_id', 'ACTION_ID', 'action_id DESC',
	'create_time asc', 'status desc nulls last', 'action_id DESC, device_id', '',
	'=', '!=', '<>', '<', '<=', '>', '>=', 'in', 'not in', 'between', 'like',
	'is null', 'is not null', 'IN', 'not  in', 'failed', 'bounced', 'android',
	'YOUR_APPTOKEN', 'OTHER_APPTOKEN', 'SECRET_API_KEY', '5ea9b214b47cad768a35f13a', '%', '_', E'\\', '''', '"', ';', '--',
	'é', '日本', repeat('x', 10000), 'NaN', 'Infinity', '-0', '1e400',
	'2017-01-01', '00:00', 'true']) x;
INSERT INTO words SELECT x::jsonb FROM unnest(ARRAY[
	'0', '1', '-1', '50', '1000', '1001', '2147483647', '2147483648',
	'-2147483649', '9223372036854775807', '9223372036854775808',
	'-9223372036854775809', '1e20', '-1e20', '1.5', '0.0000001', '245624',
	'1485883608', '253402300800', '-62135596801', '1e400', 'true', 'false',
	'null', '[]', '{}', '[[]]', '[null]', '["a","b"]', '[1,2,3]', '[1,"a"]',
	'[245624, 245625]', '[[1,2]]', '{"a":1}']) x;

-- a random JSON value, nested at most depth levels
CREATE FUNCTION pg_temp.rand_json(depth int) RETURNS jsonb LANGUAGE plpgsql AS $$
DECLARE
	k int := floor(random() * (CASE WHEN depth > 0 THEN 10 ELSE 7 END))::int;
	n int := floor(random() * 4)::int;
	result jsonb;
BEGIN
	CASE k
	WHEN 0, 1, 2, 3 THEN
		SELECT w INTO result FROM words OFFSET floor(random() * (SELECT count(*) FROM words)) LIMIT 1;
	WHEN 4 THEN result := to_jsonb(floor((random() - 0.5) * 10 ^ floor(random() * 22)));
	WHEN 5 THEN result := to_jsonb(random() * 1e6);
	WHEN 6 THEN result := to_jsonb(chr(32 + floor(random() * 95)::int) || chr(1 + floor(random() * 1000)::int));
	WHEN 7, 8 THEN
		SELECT coalesce(jsonb_agg(pg_temp.rand_json(depth - 1)), '[]') INTO result FROM generate_series(1, n);
	ELSE
		SELECT coalesce(jsonb_object_agg(w #>> '{}', pg_temp.rand_json(depth - 1)), '{}') INTO result
		FROM (SELECT w FROM words WHERE jsonb_typeof(w) = 'string' ORDER BY random() LIMIT n) s;
	END CASE;
	RETURN result;
END $$;

-- a valid request with one to three parts replaced
CREATE FUNCTION pg_temp.rand_request() RETURNS jsonb LANGUAGE plpgsql AS $$
DECLARE
	r jsonb := '{"apptoken":"YOUR_APPTOKEN","condition":[["campaign_id","=",245624],["error","=",1]],
	             "select":["action_id","device_id","error_message"],"order":["action_id DESC"],
	             "limit":50,"offset":0}';
	paths text[] := ARRAY['apptoken', 'condition', 'condition,0', 'condition,0,0', 'condition,0,1',
	                      'condition,0,2', 'condition,1,1', 'condition,1,2', 'select', 'select,1',
	                      'order', 'order,0', 'limit', 'offset', 'extra'];
BEGIN
	FOR i IN 1..1 + floor(random() * 3)::int LOOP
		r := jsonb_set(r, string_to_array(paths[1 + floor(random() * array_length(paths, 1))::int], ','),
		               pg_temp.rand_json(3), true);
	END LOOP;
	RETURN r;
END $$;

-- a well-formed request: random columns, operators and values of the column's
-- type, so every operator meets every column and the query is compiled and run
CREATE FUNCTION pg_temp.rand_value(col text, op text) RETURNS jsonb LANGUAGE plpgsql AS $$
DECLARE
	one jsonb;
BEGIN
	IF op IN ('in', 'not in') THEN
		RETURN (SELECT coalesce(jsonb_agg(pg_temp.rand_value(col, '=')), '[]')
		        FROM generate_series(1, floor(random() * 4)::int));
	ELSIF op = 'between' THEN
		RETURN jsonb_build_array(pg_temp.rand_value(col, '='), pg_temp.rand_value(col, '='));
	ELSIF op IN ('is null', 'is not null') THEN
		RETURN 'null';
	END IF;
	one := CASE
		WHEN col IN ('create_time', 'update_time') THEN to_jsonb(1467728373 + floor(random() * 2e7))
		WHEN col IN ('action_id', 'device_id') THEN to_jsonb(floor(random() * 2.2e7))
		WHEN col = 'campaign_id' THEN to_jsonb(245624 + floor(random() * 2))
		WHEN col = 'attempts' THEN to_jsonb(floor(random() * 12))
		WHEN col = 'error' THEN to_jsonb(floor(random() * 2))
		WHEN col = 'status' THEN to_jsonb((ARRAY['failed', 'bounced', 'sent', 'delivered', 'Opened'])[1 + floor(random() * 5)::int])
		WHEN col = 'platform' THEN to_jsonb((ARRAY['android', 'ios', 'web'])[1 + floor(random() * 3)::int])
		ELSE to_jsonb((ARRAY['p-17186391', 'Not personalized', '%Uninstalled', 'fe8f%', 'a_c', 'push', ''])[1 + floor(random() * 7)::int])
	END;
	RETURN one;
END $$;
CREATE FUNCTION pg_temp.rand_wellformed_request() RETURNS jsonb LANGUAGE plpgsql AS $$
DECLARE
	cols text[] := ARRAY['action_id', 'campaign_id', 'push_id', 'create_time', 'device_id', 'profile_id',
	                     'device_token', 'platform', 'channel', 'status', 'attempts', 'error',
	                     'error_message', 'message', 'update_time'];
	ops text[] := ARRAY['=', '!=', '<>', '<', '<=', '>', '>=', 'in', 'not in', 'between', 'like',
	                    'is null', 'is not null'];
	conds jsonb := '[]';
	col text;
	op text;
BEGIN
	FOR i IN 1..floor(random() * 4)::int LOOP
		col := cols[1 + floor(random() * 15)::int];
		op := ops[1 + floor(random() * 13)::int];
		conds := conds || jsonb_build_array(jsonb_build_array(col, op, pg_temp.rand_value(col, op)));
	END LOOP;
	RETURN jsonb_build_object('apptoken', 'YOUR_APPTOKEN', 'condition', conds,
		'select', (SELECT jsonb_agg(c) FROM (SELECT c FROM unnest(cols) c ORDER BY random() LIMIT 1 + floor(random() * 15)::int) s),
		'order', jsonb_build_array(cols[1 + floor(random() * 15)::int] || (ARRAY['', ' DESC', ' asc'])[1 + floor(random() * 3)::int]),
		'limit', 1 + floor(random() * 10)::int, 'offset', floor(random() * 5)::int);
END $$;

CREATE TEMP TABLE answers (request jsonb, answer jsonb, sqlstate text, message text);
DO $$
DECLARE
	req jsonb;
BEGIN
	FOR i IN 1..2000 * pg_temp.scale() LOOP
		req := CASE i % 4 WHEN 0 THEN pg_temp.rand_json(4) WHEN 1 THEN pg_temp.rand_wellformed_request()
		              ELSE pg_temp.rand_request() END;
		BEGIN
			INSERT INTO answers (request, answer) VALUES (req, list_push_devices(req));
		EXCEPTION WHEN OTHERS THEN
			INSERT INTO answers VALUES (req, NULL, SQLSTATE, SQLERRM);
		END;
	END LOOP;
END $$;

SELECT is((SELECT count(*) FROM answers WHERE answer IS NULL), 0::bigint,
          'list_push_devices: no random request raises an SQL error');
SELECT is((SELECT count(*) FROM answers
           WHERE answer IS NOT NULL AND NOT (answer @> '{"code":200,"success":true}' AND jsonb_typeof(answer -> 'data') = 'array'
                                         OR answer @> '{"code":400,"success":false}' AND jsonb_typeof(answer -> 'message') = 'string'
                                         OR answer @> '{"code":401,"success":false}' AND jsonb_typeof(answer -> 'message') = 'string')), 0::bigint,
          'every answer is a 200 with data, or a 400 or 401 with a message');
SELECT cmp_ok((SELECT count(*) FROM answers WHERE answer ->> 'code' = '200'), '>=', 100::bigint,
              'some random requests are still valid (the generator reaches the query)');
SELECT cmp_ok((SELECT count(DISTINCT answer ->> 'message') FROM answers WHERE answer ->> 'code' = '400'), '>=', 30::bigint,
              'the bad ones meet many different checks');
SELECT is((SELECT count(*) FROM answers
           WHERE answer ->> 'code' = '200'
             AND jsonb_array_length(answer -> 'data') > coalesce((request ->> 'limit')::int, 50)), 0::bigint,
          'no successful answer holds more rows than its limit');

SELECT is((SELECT count(*) FROM answers, jsonb_array_elements(answer -> 'data') d
           WHERE answer ->> 'code' = '200' AND jsonb_typeof(request -> 'select') = 'array'
             AND (SELECT array_agg(k ORDER BY k) FROM jsonb_object_keys(d) k)
                 IS DISTINCT FROM (SELECT array_agg(DISTINCT s ORDER BY s) FROM jsonb_array_elements_text(request -> 'select') s)),
          0::bigint, 'every row answered holds exactly the selected keys');
SELECT cmp_ok((SELECT count(*) FROM answers WHERE jsonb_array_length(answer -> 'data') > 0), '>=', 50::bigint,
              'and many answers hold rows');

-- push_info with random ids and keys
CREATE TEMP TABLE pushy (answer jsonb, sqlstate text);
DO $$
DECLARE
	id text;
	key text;
BEGIN
	FOR i IN 1..500 * pg_temp.scale() LOOP
		id := (SELECT w #>> '{}' FROM words OFFSET floor(random() * (SELECT count(*) FROM words)) LIMIT 1);
		key := (SELECT w #>> '{}' FROM words OFFSET floor(random() * (SELECT count(*) FROM words)) LIMIT 1);
		BEGIN
			INSERT INTO pushy VALUES (push_info(id, key), NULL);
			INSERT INTO pushy VALUES (push_info(id || chr(1 + floor(random() * 200)::int), 'SECRET_API_KEY'), NULL);
		EXCEPTION WHEN OTHERS THEN
			INSERT INTO pushy VALUES (NULL, SQLSTATE);
		END;
	END LOOP;
END $$;
SELECT is((SELECT count(*) FROM pushy WHERE answer IS NULL OR NOT answer ?| ARRAY['push', 'code']), 0::bigint,
          'push_info answers every random id and key with a push or an error object');

-- create_push and add_push_devices with random devices: every call adds its
-- devices or is refused with a data or limit SQLSTATE, and no refusal shows
-- a token it was given
CREATE TEMP TABLE pushes_made (ok boolean, sqlstate text, message text, tokens text[]);
DO $$
DECLARE
	devices jsonb;
	keys text[] := ARRAY['device_id', 'token', 'platform', 'profile_id', 'device_id', 'token', 'platform'];
	target text;
BEGIN
	FOR i IN 1..400 * pg_temp.scale() LOOP
		SELECT coalesce(jsonb_agg(CASE WHEN random() < 0.1 THEN pg_temp.rand_json(1) ELSE d END), '[]') INTO devices
		FROM (SELECT jsonb_build_object('device_id', CASE WHEN random() < 0.9 THEN to_jsonb(floor(random() * 6)) ELSE pg_temp.rand_json(0) END,
		                                'token', CASE WHEN random() < 0.8 THEN to_jsonb('tok-secret-' || floor(random() * 6)) ELSE pg_temp.rand_json(0) END,
		                                'platform', (ARRAY['android', 'ios', 'web', 'huawei', 'other', 'Android'])[1 + floor(random() * 6)::int])
		             - (CASE WHEN random() < 0.2 THEN keys[1 + floor(random() * 7)::int] ELSE '' END) AS d
		      FROM generate_series(1, floor(random() * 5)::int)) s;
		BEGIN
			IF i % 3 = 0 THEN
				SELECT push_id INTO target FROM pushes WHERE app_id = 3 ORDER BY random() LIMIT 1;
				PERFORM add_push_devices(3, target, devices);
			ELSE
				PERFORM create_push(3, CASE WHEN i % 7 = 0 THEN pg_temp.rand_json(2) ELSE '{"message":"fuzz"}' END, devices);
			END IF;
			INSERT INTO pushes_made VALUES (true, NULL, NULL, NULL);
		EXCEPTION WHEN OTHERS THEN
			INSERT INTO pushes_made VALUES (false, SQLSTATE, SQLERRM,
				ARRAY(SELECT e ->> 'token' FROM jsonb_array_elements(CASE WHEN jsonb_typeof(devices) = 'array' THEN devices ELSE '[]' END) e
				      WHERE jsonb_typeof(e) = 'object' AND length(e ->> 'token') > 3));
		END;
	END LOOP;
END $$;
SELECT is((SELECT array_agg(DISTINCT sqlstate) FROM pushes_made WHERE NOT ok AND sqlstate NOT IN ('22023', '54000', '55000', 'P0002')),
          NULL, 'random devices are refused only as bad arguments, past limits or for an expired or unknown push');
SELECT cmp_ok((SELECT count(*) FROM pushes_made WHERE ok), '>=', 20::bigint, 'and some random calls make or grow a push');
-- (the secret tokens only: a random token may be a word any message has, "platform")
SELECT is((SELECT count(*) FROM pushes_made WHERE EXISTS (SELECT 1 FROM unnest(tokens) t WHERE t LIKE 'tok-secret-%' AND position(t IN message) > 0)),
          0::bigint, 'no refusal shows a token it was given');

-- the device tokens' calls with random arguments: refused only as bad
-- arguments, past limits, for an unknown app or key, never showing a token;
-- provider moments read from random messages never fail; and the tokens'
-- states stay in step with whatever was written
CREATE TEMP TABLE token_calls (ok boolean, sqlstate text, message text);
DO $$
DECLARE
	r record;
	cursor text;
BEGIN
	FOR i IN 1..300 * pg_temp.scale() LOOP
		BEGIN
			CASE i % 4
			WHEN 0 THEN
				PERFORM push_actions.register_device_token(
					(ARRAY[3, 3, 999999, NULL])[1 + floor(random() * 4)::int],
					(ARRAY['android', 'ios', 'web', 'Android', '', NULL])[1 + floor(random() * 6)::int],
					CASE WHEN random() < 0.8 THEN 'tok-secret-' || floor(random() * 6) ELSE pg_temp.rand_json(0) #>> '{}' END,
					(ARRAY[now(), now() - interval '1 day', 'infinity', '-infinity', NULL])[1 + floor(random() * 5)::int]);
			WHEN 1 THEN
				cursor := CASE floor(random() * 4)::int WHEN 0 THEN NULL WHEN 1 THEN pg_temp.rand_json(0) #>> '{}'
				          WHEN 2 THEN floor(random() * 1e18)::bigint || ':' || (ARRAY['android', 'ios', 'x'])[1 + floor(random() * 3)::int] || ':tok-secret-1'
				          ELSE (SELECT d.cursor FROM push_actions.dead_device_tokens('SECRET_API_KEY') d ORDER BY random() LIMIT 1) END;
				PERFORM * FROM push_actions.dead_device_tokens(
					(ARRAY['SECRET_API_KEY', 'YOUR_APPTOKEN', 'tok-secret-2', NULL])[1 + floor(random() * 4)::int],
					(ARRAY[NULL, now(), '-infinity', 'infinity'])[1 + floor(random() * 4)::int]::timestamptz, cursor,
					(ARRAY[1, 1000, 10000, 0, -1, 10001, NULL])[1 + floor(random() * 7)::int]);
			WHEN 2 THEN
				PERFORM * FROM push_actions.create_push_skipping_dead(3, '{"message":"fuzz"}',
					(SELECT coalesce(jsonb_agg(jsonb_build_object('device_id', d, 'token', 'tok-secret-' || floor(random() * 6),
					                                             'platform', (ARRAY['android', 'ios', 'web'])[1 + floor(random() * 3)::int])), '[]')
					 FROM generate_series(1, floor(random() * 4)::int) d));
			ELSE
				SELECT a.action_id INTO r FROM push_actions.actions a
				WHERE a.app_id = 3 AND a.status = 'attempted' AND a.device_token IS NOT NULL ORDER BY random() LIMIT 1;
				PERFORM push_actions.record_attempt(r.action_id, random() < 0.3,
					(ARRAY['{"reason":"Unregistered","timestamp":' || floor(random() * 1e15)::bigint || '}',
					       '"timestamp": 99999999999999999999', '"timestamp":', 'Unregistered "timestamp": -5',
					       pg_temp.rand_json(1)::text, NULL])[1 + floor(random() * 6)::int],
					false, 3, (ARRAY['Unregistered', 'UNREGISTERED', 'BadDeviceToken', 'QUOTA_EXCEEDED', NULL])[1 + floor(random() * 5)::int]);
			END CASE;
			INSERT INTO token_calls VALUES (true, NULL, NULL);
		EXCEPTION WHEN OTHERS THEN
			INSERT INTO token_calls VALUES (false, SQLSTATE, SQLERRM);
		END;
	END LOOP;
END $$;
SELECT is((SELECT array_agg(DISTINCT sqlstate) FROM token_calls
           WHERE NOT ok AND sqlstate NOT IN ('22023', '22004', '54000', '23503', '28000', '55000', 'P0002')),
          NULL, 'random token calls are refused only as bad arguments, past limits, or for an unknown app, key or action');
SELECT cmp_ok((SELECT count(*) FROM token_calls WHERE ok), '>=', 50::bigint, 'and many of them succeed');
SELECT is((SELECT count(*) FROM token_calls WHERE message LIKE '%tok-secret-%'), 0::bigint, 'no refusal shows a token');
SELECT is_empty('SELECT * FROM push_actions.verify_device_tokens()', 'the tokens'' states are in step after them');

-- type input: random text either parses and round-trips, or fails with 22xxx
CREATE TEMP TABLE typed (input text, ok boolean, sqlstate text);
DO $$
DECLARE
	s text;
	parts text[] := ARRAY['scheduled', 'attempted', 'sent', 'delivered', 'opened', 'converted',
	                      'failed', 'bounced', 'expired', 'attempts', 'Sent', ' ', ',', ':', '{', '}',
	                      '"', '0', '1', '-1', '9223372036854775807', '9223372036854775808',
	                      '99999999999999999999', 'e', '.', E'\t', E'\n', 'é', ''];
BEGIN
	FOR i IN 1..3000 * pg_temp.scale() LOOP
		s := CASE WHEN i % 2 = 0 THEN '{' ELSE '' END;
		FOR j IN 1..floor(random() * 8)::int LOOP
			s := s || parts[1 + floor(random() * array_length(parts, 1))::int];
		END LOOP;
		IF i % 2 = 0 AND random() < 0.8 THEN s := s || '}'; END IF;
		BEGIN
			IF i % 2 = 0 THEN
				PERFORM 1 WHERE s::delivery_summary::text::delivery_summary IS DISTINCT FROM s::delivery_summary;
				IF FOUND THEN RAISE EXCEPTION 'round trip' USING ERRCODE = 'XX001'; END IF;
			ELSE
				PERFORM 1 WHERE s::push_status::text::push_status IS DISTINCT FROM s::push_status;
				IF FOUND THEN RAISE EXCEPTION 'round trip' USING ERRCODE = 'XX001'; END IF;
			END IF;
			INSERT INTO typed VALUES (s, true, NULL);
		EXCEPTION WHEN OTHERS THEN
			INSERT INTO typed VALUES (s, false, SQLSTATE);
		END;
	END LOOP;
END $$;
SELECT is((SELECT count(*) FROM typed WHERE NOT ok AND sqlstate NOT LIKE '22%'), 0::bigint,
          'random text fails as push_status or delivery_summary only with a data exception');
SELECT cmp_ok((SELECT count(*) FROM typed WHERE ok), '>=', 100::bigint,
              'and some of it parses, and then round-trips through text');

-- binary input: random bytes, or a valid value with one byte changed, loaded
-- by COPY BINARY (fed through base64 by a program, so no file is left); each
-- load either fails with a data exception or gives a value that round-trips
CREATE TEMP TABLE bin_status (v push_status);
CREATE TEMP TABLE bin_summary (v delivery_summary);
CREATE TEMP TABLE binary_loads (ok boolean, sqlstate text);
DO $$
DECLARE
	copy_header bytea := '\x5047434f50590aff0d0a000000000000000000'::bytea;
	valid bytea;
	field bytea;
BEGIN
	FOR i IN 1..300 * pg_temp.scale() LOOP
		valid := CASE WHEN i % 2 = 0 THEN push_status_send('opened')
		              ELSE delivery_summary_send('{"sent":3,"failed":1,"attempts":9}') END;
		IF random() < 0.5 THEN
			-- push_status's one byte is valid below 9; try near that
			field := set_byte(valid, floor(random() * length(valid))::int,
			                  floor(random() * CASE WHEN i % 2 = 0 THEN 16 ELSE 256 END)::int);
		ELSE
			field := substring(decode(repeat(md5(random()::text), 6), 'hex')
			                   FROM 1 FOR floor(random() * (length(valid) + 3))::int);
		END IF;
		BEGIN
			EXECUTE format('COPY %I FROM PROGRAM %L (FORMAT binary)',
			               CASE WHEN i % 2 = 0 THEN 'bin_status' ELSE 'bin_summary' END,
			               'echo ' || translate(encode(copy_header || '\x0001'::bytea || int4send(length(field))
			                                           || field || '\xffff'::bytea, 'base64'), E'\n', '')
			               || ' | base64 -d');
			INSERT INTO binary_loads VALUES (true, NULL);
		EXCEPTION WHEN OTHERS THEN
			INSERT INTO binary_loads VALUES (false, SQLSTATE);
		END;
	END LOOP;
END $$;
SELECT is((SELECT count(*) FROM binary_loads WHERE NOT ok AND sqlstate NOT LIKE '22%'), 0::bigint,
          'random bytes fail as push_status or delivery_summary only with a data exception');
SELECT is((SELECT count(*) FROM bin_status WHERE v::text::push_status IS DISTINCT FROM v)
          + (SELECT count(*) FROM bin_summary WHERE v::text::delivery_summary IS DISTINCT FROM v), 0::bigint,
          'what random bytes load round-trips through text');
SELECT cmp_ok(least((SELECT count(*) FROM bin_status), (SELECT count(*) FROM bin_summary)), '>=', 10::bigint,
              'and random bytes load as both types');

-- latency_sketch: random text from its own words, and random or changed
-- bytes; each either fails with a data exception or round-trips
CREATE TEMP TABLE sketch_loads (from_bytes boolean, ok boolean, sqlstate text);
CREATE TEMP TABLE bin_sketch (v latency_sketch);
DO $$
DECLARE
	s text;
	parts text[] := ARRAY['v1', 'v1 zero:', 'zero:', ' ', ':', '0', '1', '-1', '-727', '-728', '1091', '1092', '5', '12',
	                      '9223372036854775807', '99999999999999999999', ',', 'v2', '+', E'\t', '',
	                      ' -9:1', ' 1:1', ' 7:3', ' 300:2', ' 1091:1'];
	copy_header bytea := '\x5047434f50590aff0d0a000000000000000000'::bytea;
	valid bytea := latency_sketch_send('v1 zero:2 -3:1 40:7');
	field bytea;
BEGIN
	FOR i IN 1..1500 * pg_temp.scale() LOOP
		s := CASE WHEN random() < 0.5 THEN 'v1 zero:0' WHEN random() < 0.6 THEN 'v1 zero:' ELSE '' END;
		FOR j IN 1..floor(random() * 6)::int LOOP
			s := s || parts[1 + floor(random() * array_length(parts, 1))::int];
		END LOOP;
		BEGIN
			PERFORM 1 WHERE s::latency_sketch::text::latency_sketch IS DISTINCT FROM s::latency_sketch;
			IF FOUND THEN RAISE EXCEPTION 'round trip' USING ERRCODE = 'XX001'; END IF;
			INSERT INTO sketch_loads VALUES (false, true, NULL);
		EXCEPTION WHEN OTHERS THEN
			INSERT INTO sketch_loads VALUES (false, false, SQLSTATE);
		END;
	END LOOP;
	FOR i IN 1..300 * pg_temp.scale() LOOP
		IF random() < 0.5 THEN
			field := set_byte(valid, floor(random() * length(valid))::int, floor(random() * 256)::int);
		ELSE
			field := substring(valid || decode(repeat(md5(random()::text), 2), 'hex') FROM 1 FOR floor(random() * (length(valid) + 3))::int);
		END IF;
		BEGIN
			EXECUTE format('COPY bin_sketch FROM PROGRAM %L (FORMAT binary)',
			               'echo ' || translate(encode(copy_header || '\x0001'::bytea || int4send(length(field))
			                                           || field || '\xffff'::bytea, 'base64'), E'\n', '')
			               || ' | base64 -d');
			INSERT INTO sketch_loads VALUES (true, true, NULL);
		EXCEPTION WHEN OTHERS THEN
			INSERT INTO sketch_loads VALUES (true, false, SQLSTATE);
		END;
	END LOOP;
END $$;
SELECT is((SELECT array_agg(DISTINCT sqlstate) FROM sketch_loads WHERE NOT ok AND sqlstate NOT LIKE '22%'), NULL,
          'random text and bytes fail as latency_sketch only with a data exception');
SELECT cmp_ok((SELECT count(*) FROM sketch_loads WHERE ok AND NOT from_bytes), '>=', 100::bigint,
              'some random text parses as latency_sketch, and round-trips');
SELECT ok((SELECT count(*) FROM bin_sketch WHERE v::text::latency_sketch IS DISTINCT FROM v) = 0
          AND (SELECT count(*) FROM bin_sketch) >= 10,
          'random bytes load as latency_sketch too, and what loads round-trips through text');

-- the apps' policies that map roles, as someone might leave them by hand:
-- whatever their shape, app_visible and role_apps never raise, and a shape
-- other than "app_id = ANY (a constant)" lets the role see no app
CREATE ROLE pa_fuzz_role;
GRANT USAGE ON SCHEMA push_actions TO pa_fuzz_role;
ALTER TABLE apps ENABLE ROW LEVEL SECURITY;
CREATE TEMP TABLE shapes (n serial, expr text, listed boolean);
INSERT INTO shapes (expr, listed) VALUES
	('true', false), ('app_id = 1', false), ('app_id IN (1, 2)', true), ('app_id = ANY (''{1,2}''::bigint[])', true),
	('app_id = ANY (''{}''::bigint[])', true), ('app_id = ANY (NULL::bigint[])', false), ('app_id = ANY (''{1,NULL}''::bigint[])', true),
	('app_id = ANY (ARRAY[1::bigint, 2])', true), ('app_id <> ALL (''{1}''::bigint[])', false), ('app_id::int = ANY (''{1}''::int[])', false),
	('app_id = ANY (''{9223372036854775807,-9223372036854775808}''::bigint[])', true), ('app_id > 0 AND app_id < 3', false),
	('NOT app_id = ANY (''{1}''::bigint[])', false), ('app_id = ANY (''{1}''::bigint[]) OR true', false), ('name = ''x''', false);
CREATE TEMP TABLE scope_answers (ok boolean, sqlstate text, shape int, seen bigint[]);
GRANT ALL ON scope_answers TO pa_fuzz_role;
SET LOCAL client_min_messages = warning;  -- the first DROP POLICY IF EXISTS says so
DO $$
DECLARE
	policy constant text := push_actions_internal.app_scope_policy('pa_fuzz_role'::regrole);
	s record;
	seen bigint[];
BEGIN
	FOR i IN 1 .. 20 * pg_temp.scale() LOOP
		SELECT * INTO s FROM shapes ORDER BY random() LIMIT 1;
		EXECUTE format('DROP POLICY IF EXISTS %I ON push_actions.apps', policy);
		EXECUTE format('CREATE POLICY %I ON push_actions.apps FOR SELECT TO pa_fuzz_role USING (%s)', policy, s.expr);
		PERFORM set_config('role', 'pa_fuzz_role', true);
		BEGIN
			SELECT push_actions_internal.role_apps() INTO seen;
			PERFORM push_actions_internal.app_visible((random() * 10)::bigint - 5) FROM generate_series(1, 10);
			INSERT INTO scope_answers VALUES (true, NULL, s.n, seen);
		EXCEPTION WHEN OTHERS THEN
			INSERT INTO scope_answers VALUES (false, SQLSTATE, s.n, NULL);
		END;
		PERFORM set_config('role', 'none', true);
	END LOOP;
END $$;
SELECT is((SELECT count(*) FROM scope_answers WHERE NOT ok), 0::bigint, 'app_visible and role_apps never raise, whatever the policy''s shape');
SELECT is((SELECT count(*) FROM scope_answers a JOIN shapes s ON s.n = a.shape WHERE NOT s.listed AND a.seen <> '{}'), 0::bigint,
          'a policy of another shape lets the role see no app, never all');

SELECT * FROM finish();
ROLLBACK;
