-- Apps per SQL role: grant_app limits a role to its apps through the tables
-- (row-level security), the views (their filter, behind a security barrier)
-- and every API function; roles never mapped keep what they had.  Each
-- check runs the statement as the role (pg_temp.as_role) and compares what
-- it saw, or the error it got, with the exact answer.
BEGIN;
SET search_path = push_actions, public;
SELECT plan(66);

CREATE FUNCTION pg_temp.as_role(r text, q text) RETURNS text LANGUAGE plpgsql AS $$
DECLARE
	result text;
BEGIN
	PERFORM set_config('role', r, true);
	BEGIN
		IF q ~* '^\s*(SELECT|WITH)' THEN
			EXECUTE q INTO result;
		ELSE
			EXECUTE q;
			result := 'done';
		END IF;
	EXCEPTION WHEN OTHERS THEN
		result := SQLSTATE || ': ' || SQLERRM;
	END;
	PERFORM set_config('role', 'none', true);
	RETURN result;
END
$$;

-- two apps with a push each, a push-less action each, a folded day each
CREATE TEMP TABLE app1 AS SELECT * FROM create_app('Acme');
CREATE TEMP TABLE app2 AS SELECT * FROM create_app('Beta');
SELECT app_id AS a1, apptoken AS k1 FROM app1 \gset
SELECT app_id AS a2, apptoken AS k2 FROM app2 \gset
SELECT create_push(:a1, '{"message":"Hi"}', '[{"device_id":1,"token":"t1","platform":"android"}]', 7) AS p1 \gset
SELECT create_push(:a2, '{"message":"Hi"}', '[{"device_id":2,"token":"t2","platform":"android"},{"device_id":3,"token":"t3","platform":"android"}]', 7) AS p2 \gset
SELECT action_id AS x1 FROM actions WHERE push_id = :'p1' \gset
SELECT min(action_id) AS x2 FROM actions WHERE push_id = :'p2' \gset
SELECT record_attempt(action_id, true) FROM actions WHERE push_id IN (:'p1', :'p2');
INSERT INTO actions (app_id, campaign_id, device_id, platform, status, attempts)
VALUES (:a1, 7, 10, 'other', 'sent', 1), (:a2, 7, 20, 'other', 'sent', 1);
INSERT INTO daily_rollups (app_id, campaign_id, platform, day, summary, messages)
VALUES (:a1, 7, 'android', '2026-01-01', delivery_summary_add_status(NULL, 'sent'), delivery_summary_add_status(NULL, 'sent')),
       (:a2, 7, 'android', '2026-01-01', delivery_summary_add_status(NULL, 'sent'), delivery_summary_add_status(NULL, 'sent'));

CREATE ROLE pa_acme;
CREATE ROLE pa_beta;
CREATE ROLE pa_loader;
CREATE ROLE pa_acme_bi IN ROLE pa_acme;
CREATE ROLE pa_both IN ROLE pa_acme, pa_beta;
CREATE ROLE pa_none;
CREATE ROLE pa_bypass BYPASSRLS;
CREATE ROLE pa_owner_member IN ROLE postgres;
GRANT USAGE ON SCHEMA push_actions TO pa_acme, pa_beta, pa_loader, pa_none;
GRANT SELECT ON actions TO pa_none;
GRANT SELECT ON apps TO pa_acme, pa_beta;
GRANT SELECT, INSERT, UPDATE, DELETE ON pushes, actions, daily_rollups TO pa_acme, pa_beta;
GRANT INSERT ON actions TO pa_loader;
GRANT pg_execute_server_program TO pa_loader;  -- for COPY FROM PROGRAM, as a test's COPY FROM STDIN
GRANT SELECT ON message_status, campaign_overview, push_devices, push_pending_devices, daily_overview TO pa_acme, pa_beta;

-- what a role sees of each table and view: the apps of its rows
CREATE FUNCTION pg_temp.apps_seen(r text) RETURNS text LANGUAGE sql AS $$
SELECT string_agg(format('%s:%s', t, pg_temp.as_role(r, format('SELECT coalesce(string_agg(DISTINCT app_id::text, '','' ORDER BY app_id::text), ''-'') FROM push_actions.%s', t))), ' ' ORDER BY n)
FROM unnest(ARRAY['apps', 'pushes', 'actions', 'daily_rollups', 'message_status', 'campaign_overview',
                  'push_devices', 'push_pending_devices', 'daily_overview']) WITH ORDINALITY AS u(t, n)
$$;
SELECT format('apps:%1$s,%2$s pushes:%1$s,%2$s actions:%1$s,%2$s daily_rollups:%1$s,%2$s message_status:%1$s,%2$s campaign_overview:%1$s,%2$s push_devices:%1$s,%2$s push_pending_devices:%1$s,%2$s daily_overview:%1$s,%2$s', :a1, :a2) AS both_apps \gset
-- sorted as text, which is numeric order here: ids 1 apart, below 10
SELECT ok(:a2 = :a1 + 1 AND :a2 < 10, 'the two apps'' ids sort alike as text and as numbers');

-- before any mapping: nothing changes (1.1's behaviour)
SELECT is(pg_temp.apps_seen('pa_acme'), :'both_apps', 'an unmapped role sees every app in every table and view');
SELECT is((SELECT count(*)::int FROM pg_class WHERE relrowsecurity AND oid = ANY (push_actions_internal.app_scoped_tables())), 0,
	'with no role mapped, no table has row-level security');
SELECT is(pg_temp.as_role('pa_acme', 'SELECT push_actions_internal.role_apps()'), NULL, 'an unmapped role may see all apps');

-- grant_app's refusals
SELECT throws_ok(format('SELECT grant_app(NULL, %s)', :a1), '22004', 'role and app_id must not be NULL', 'NULL role: 22004');
SELECT throws_ok('SELECT grant_app(''pa_acme'', NULL)', '22004', 'role and app_id must not be NULL', 'NULL app: 22004');
SELECT throws_ok(format('SELECT grant_app(''postgres'', %s)', :a1), '22023', 'role postgres cannot be limited to apps', 'a superuser cannot be limited');
SELECT throws_ok(format('SELECT grant_app(''pa_bypass'', %s)', :a1), '22023', 'role pa_bypass cannot be limited to apps', 'nor a role with BYPASSRLS');
SELECT throws_ok(format('SELECT grant_app(''pa_owner_member'', %s)', :a1), '22023', 'role pa_owner_member cannot be limited to apps', 'nor a member of the tables'' owner');
SELECT throws_ok('SELECT grant_app(''pa_nobody'', 1)', '42704', NULL, 'an unknown role: 42704');
SELECT throws_ok('SELECT grant_app(''pa_acme'', 987654321)', '23503', 'app 987654321 does not exist', 'an unknown app: 23503');
SELECT is((SELECT count(*)::int FROM app_roles), 0, 'the refused grants mapped nothing');

-- pa_acme gets app 1, pa_beta app 2
SELECT ok(grant_app('pa_acme', :a1), 'grant_app maps a role to an app');
SELECT ok(NOT grant_app('pa_acme', :a1), 'and returns false when it already was');
SELECT ok(grant_app('pa_beta', :a2), 'another role, another app');
SELECT is((SELECT array_agg(relname::text ORDER BY relname) FROM pg_class WHERE relrowsecurity AND oid = ANY (push_actions_internal.app_scoped_tables())),
	ARRAY['actions', 'apps', 'campaign_stripes', 'daily_rollups', 'device_tokens', 'messages', 'pushes', 'time_buckets',
	      'time_buckets_deleted'],
	'once a role is mapped, the nine tables of app rows have row-level security');
SELECT is((SELECT count(*)::int FROM pg_policy WHERE polrelid = ANY (push_actions_internal.app_scoped_tables())), 11,
	'one policy on each, and on apps one per mapped role');
SELECT is_empty('SELECT * FROM verify_app_roles()', 'verify_app_roles finds the policies as mapped');

-- through the tables and the views
SELECT is(pg_temp.apps_seen('pa_acme'), format('apps:%1$s pushes:%1$s actions:%1$s daily_rollups:%1$s message_status:%1$s campaign_overview:%1$s push_devices:%1$s push_pending_devices:%1$s daily_overview:%1$s', :a1),
	'a mapped role sees only its app, in every table and view');
SELECT is(pg_temp.apps_seen('pa_beta'), format('apps:%1$s pushes:%1$s actions:%1$s daily_rollups:%1$s message_status:%1$s campaign_overview:%1$s push_devices:%1$s push_pending_devices:%1$s daily_overview:%1$s', :a2),
	'and the other role only its own');
SELECT is(pg_temp.as_role('pa_acme', 'SELECT push_actions_internal.role_apps()::text'), format('{%s}', :a1), 'role_apps names the role''s apps');
SELECT is(push_actions_internal.role_apps(), NULL, 'the owner is never limited');
SELECT is(pg_temp.apps_seen('pa_acme_bi'), pg_temp.apps_seen('pa_acme'), 'a member of a mapped role sees what the role sees');
SELECT is(pg_temp.apps_seen('pa_both'), :'both_apps', 'a member of two mapped roles sees the apps of both');
SELECT is(pg_temp.as_role('pa_both', 'SELECT push_actions_internal.role_apps()::text'), format('{%s,%s}', :a1, :a2), 'role_apps says so');
SELECT is(pg_temp.apps_seen('pa_loader'), 'apps:42501: permission denied for table apps pushes:42501: permission denied for table pushes actions:42501: permission denied for table actions daily_rollups:42501: permission denied for table daily_rollups message_status:42501: permission denied for view message_status campaign_overview:42501: permission denied for view campaign_overview push_devices:42501: permission denied for view push_devices push_pending_devices:42501: permission denied for view push_pending_devices daily_overview:42501: permission denied for view daily_overview',
	'a role granted nothing still reads nothing');

-- a function of the caller's query sees no row of another app first
CREATE FUNCTION public.pa_leak(app bigint) RETURNS boolean LANGUAGE plpgsql COST 0.0000001 AS $$
BEGIN
	PERFORM set_config('pa.leaked', current_setting('pa.leaked') || ' ' || app, true);
	RETURN true;
END
$$;
SELECT set_config('pa.leaked', '', true);
SELECT pg_temp.as_role('pa_acme', format('SELECT count(*) FROM push_actions.%s WHERE public.pa_leak(app_id)', v))
FROM unnest(ARRAY['message_status', 'campaign_overview', 'push_devices', 'push_pending_devices', 'daily_overview', 'actions']) v;
SELECT is((SELECT string_agg(DISTINCT x, ',') FROM unnest(string_to_array(trim(current_setting('pa.leaked')), ' ')) x), :'a1',
	'a cheap leaky function in the caller''s WHERE sees only the caller''s rows, in every view and table');

-- writes through the tables
SELECT is(pg_temp.as_role('pa_acme', format($$INSERT INTO push_actions.actions (app_id, device_id, platform, status) VALUES (%s, 99, 'other', 'scheduled') RETURNING 'inserted'$$, :a2)),
	'42501: new row violates row-level security policy for table "actions"',
	'a mapped role cannot insert another app''s action');
SELECT is(pg_temp.as_role('pa_acme', format('WITH u AS (UPDATE push_actions.actions SET error_message = ''x'' WHERE app_id = %s RETURNING 1) SELECT count(*) FROM u', :a2)),
	'0', 'nor update one: it finds none');
SELECT is(pg_temp.as_role('pa_acme', format('WITH d AS (DELETE FROM push_actions.actions WHERE app_id = %s RETURNING 1) SELECT count(*) FROM d', :a2)),
	'0', 'nor delete one');
SELECT is(pg_temp.as_role('pa_acme', format('WITH u AS (UPDATE push_actions.actions SET app_id = %s WHERE action_id = %s RETURNING 1) SELECT count(*) FROM u', :a2, :x1)),
	'23503: the keys of table "actions" cannot change', 'nor move its own action to another app');
SELECT is(pg_temp.as_role('pa_acme', format($$WITH i AS (INSERT INTO push_actions.actions (app_id, campaign_id, device_id, platform, status) VALUES (%s, 7, 98, 'other', 'scheduled') RETURNING 1) SELECT count(*) FROM i$$, :a1)),
	'1', 'its own app''s rows it writes as before');
SELECT is((SELECT count(*)::int FROM actions WHERE app_id = :a2), 3, 'another app''s actions are untouched');

-- every API function
SELECT is(pg_temp.as_role('pa_acme', format('SELECT push_actions.list_push_devices(%L)::text', jsonb_build_object('apptoken', :'k2'))),
	'{"code": 401, "message": "invalid apptoken", "success": false}', 'the listing refuses another app''s token as an unknown one');
SELECT ok(grant_app('pa_none', :a1) AND revoke_app('pa_none') = 1, 'a role mapped and revoked again');
SELECT is(pg_temp.as_role('pa_none', 'SELECT string_agg(DISTINCT app_id::text, '','' ORDER BY app_id::text) FROM push_actions.actions'),
	format('%s,%s', :a1, :a2), 'sees every app again');
SELECT is(pg_temp.as_role('pa_acme', format('SELECT jsonb_array_length(push_actions.list_push_devices(%L) -> ''data'')', jsonb_build_object('apptoken', :'k1'))),
	'3', 'and lists the role''s own app');
SELECT is(pg_temp.as_role('pa_acme', format('SELECT push_actions.push_info(%L, %L) ->> ''code''', :'p2', :'k2')), 'INVALID_API_KEY', 'push_info refuses another app''s key');
SELECT is(pg_temp.as_role('pa_acme', format('SELECT count(*) FROM push_actions.push_deliveries(%L, %L)', :'p2', :'k2')), '0', 'push_deliveries too');
SELECT is(pg_temp.as_role('pa_acme', format('SELECT count(*) FROM push_actions.push_deliveries(%L, %L)', :'p1', :'k1')), '1', 'but gives its own');
SELECT is(pg_temp.as_role('pa_acme', format('SELECT push_actions.delete_push(%L, %L) ->> ''code''', :'p2', :'k2')), 'INVALID_API_KEY', 'delete_push refuses another app''s key');
SELECT is(pg_temp.as_role('pa_acme', format('SELECT push_actions.app_for_token(%L)', :'k2')), NULL, 'app_for_token finds no app for it');
SELECT d.delivery_id AS did2, d.delivery_token AS dtok2 FROM push_deliveries(:'p2', :'k2') d ORDER BY d.action_id LIMIT 1 \gset
SELECT is(pg_temp.as_role('pa_acme', format('SELECT push_actions.track_event(%L, %L, ''delivered'') ->> ''code''', :'did2', :'dtok2')), 'REFUSED',
	'track_event refuses another app''s delivery as a bad token');
SELECT is(pg_temp.as_role('pa_beta', format('SELECT push_actions.track_event(%L, %L, ''delivered'') ->> ''status''', :'did2', :'dtok2')), 'delivered',
	'and records it for a role of that app');
SELECT is(pg_temp.as_role('pa_acme', format('SELECT push_actions.create_push(%s, ''{}'', ''[{"device_id":5,"token":"t5","platform":"android"}]'')', :a2)),
	format('23503: app %s does not exist', :a2), 'create_push refuses another app as unknown');
SELECT is(pg_temp.as_role('pa_acme', format('SELECT push_actions.add_push_devices(%s, %L, ''[{"device_id":5,"token":"t5","platform":"android"}]'')', :a2, :'p2')),
	format('23503: app %s does not exist', :a2), 'add_push_devices refuses another app as unknown');
SELECT is(pg_temp.as_role('pa_acme', format('SELECT push_actions.record_attempt(%s, true)', :x2)),
	format('P0002: action %s does not exist', :x2), 'record_attempt refuses another app''s action as unknown');
SELECT is(pg_temp.as_role('pa_acme', format('SELECT push_actions.record_event(%s, ''opened'', app_id => %s)', :x2, :a2)),
	format('P0002: action %s does not exist in app %s', :x2, :a2), 'record_event too, with the app named');
SELECT is(pg_temp.as_role('pa_acme', format('SELECT push_actions.retry(%s)', :x2)),
	format('P0002: action %s does not exist', :x2), 'and retry');
SELECT is(pg_temp.as_role('pa_acme', format('SELECT push_actions.create_push(%s, ''{}'', ''[{"device_id":5,"token":"t5","platform":"android"}]'') IS NOT NULL', :a1)),
	'true', 'its own app''s pushes it creates as before');

-- roles never mapped keep what they had, but COPY: PostgreSQL refuses
-- COPY FROM into a table with row-level security to every role it applies to
SELECT is(pg_temp.as_role('pa_loader', format($$INSERT INTO push_actions.actions (app_id, campaign_id, device_id, platform, status) VALUES (%s, 8, 50, 'other', 'scheduled')$$, :a2)),
	'done', 'an unmapped role inserts into any app as before');
SELECT is(pg_temp.as_role('pa_loader', format($$COPY push_actions.actions (app_id, campaign_id, device_id, platform, status) FROM PROGRAM 'printf "%s,8,51,other,scheduled\n"' (FORMAT csv)$$, :a2)),
	'0A000: COPY FROM not supported with row-level security', 'but while a role is mapped, PostgreSQL refuses its COPY');

-- the mapping is kept and checked
SELECT throws_ok(format('DELETE FROM apps WHERE app_id = %s', :a2), '23503', NULL, 'an app with a role mapped to it is not deleted');
SELECT throws_ok('DROP ROLE pa_beta', '2BP01', NULL, 'nor is a mapped role dropped');
SELECT throws_ok('ALTER TABLE push_actions.actions DROP COLUMN app_id', '2BP01', NULL,
	'the policies hold on to the tables'' app_id');
SELECT push_actions_internal.app_scope_policy('pa_beta'::regrole) AS pa_policy \gset
DROP POLICY :"pa_policy" ON push_actions.apps;
SELECT results_eq('SELECT role::text, mapped::text, coalesce(enforced::text, ''none'') FROM verify_app_roles()',
	format($$VALUES ('pa_beta', '{%s}', 'none')$$, :a2), 'verify_app_roles finds a policy dropped by hand');
SELECT rebuild_app_roles();
SELECT is_empty('SELECT * FROM verify_app_roles()', 'rebuild_app_roles makes it again');

-- revoking
SELECT is(revoke_app('pa_beta', :a1), 0, 'revoke_app of an app the role does not have takes nothing');
SELECT is(revoke_app('pa_beta'), 1, 'revoke_app without an app takes them all');
SELECT is(pg_temp.apps_seen('pa_beta'), :'both_apps', 'a role with no app left is no longer limited');
SELECT is(revoke_app('pa_acme', :a1), 1, 'the last mapping revoked');
SELECT is((SELECT count(*)::int FROM pg_policy WHERE polrelid = ANY (push_actions_internal.app_scoped_tables())), 0,
	'no policy is left');
SELECT is((SELECT count(*)::int FROM pg_class WHERE relrowsecurity AND oid = ANY (push_actions_internal.app_scoped_tables())), 0,
	'and row-level security is off again');
SELECT is(pg_temp.as_role('pa_loader', format($$COPY push_actions.actions (app_id, campaign_id, device_id, platform, status) FROM PROGRAM 'printf "%s,8,51,other,scheduled\n"' (FORMAT csv)$$, :a2)),
	'done', 'so COPY works again');
SELECT is(pg_temp.apps_seen('pa_acme'), :'both_apps', 'and every role sees every app as before');
SELECT is_empty('SELECT * FROM push_actions.verify_rollups()', 'the kept roll-ups followed every write');

SELECT * FROM finish();
ROLLBACK;
