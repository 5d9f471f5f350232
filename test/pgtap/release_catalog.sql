-- Every function of the extension: volatility, parallel safety and strictness
-- as declared on purpose; aggregates combine; SQL functions pin search_path.
BEGIN;
SET search_path = public;  -- so regprocedure prints schema-qualified names
SELECT plan(24);

CREATE TEMP VIEW ext_functions AS
SELECT p.oid, p.oid::regprocedure::text AS signature, p.prokind, p.provolatile, p.proparallel,
       p.proisstrict, p.prosecdef, p.proconfig, l.lanname
FROM pg_proc p
JOIN pg_language l ON l.oid = p.prolang
JOIN pg_depend d ON d.objid = p.oid AND d.classid = 'pg_proc'::regclass AND d.deptype = 'e'
JOIN pg_extension e ON e.oid = d.refobjid AND e.extname = 'push_actions';

CREATE TEMP TABLE declared (signature text, kind "char", volatility "char", parallel "char", strict boolean);
INSERT INTO declared VALUES
('push_actions.app_for_token(text)', 'f', 's', 's', true),
('can_transition(push_actions.push_status,push_actions.push_status)', 'f', 'i', 's', true),
('push_actions.create_app(text)', 'f', 'v', 'u', false),
('push_actions.create_push(bigint,jsonb,jsonb,bigint,timestamp with time zone,timestamp with time zone)', 'f', 'v', 'u', false),
('delivery_summary(push_actions.delivery_summary)', 'a', 'i', 's', false),
('delivery_summary(push_actions.push_status)', 'a', 'i', 's', false),
('delivery_summary(push_actions.push_status,integer)', 'a', 'i', 's', false),
('delivery_summary(push_actions.push_status,smallint)', 'a', 'i', 's', false),
('push_actions.delivery_summary_add_status_attempts_int2(push_actions.delivery_summary,push_actions.push_status,smallint)', 'f', 'i', 's', false),
('push_actions.delivery_summary_add_status(push_actions.delivery_summary,push_actions.push_status)', 'f', 'i', 's', false),
('push_actions.delivery_summary_add_status_attempts(push_actions.delivery_summary,push_actions.push_status,integer)', 'f', 'i', 's', false),
('push_actions.delivery_summary_eq(push_actions.delivery_summary,push_actions.delivery_summary)', 'f', 'i', 's', true),
('push_actions.delivery_summary_in(cstring)', 'f', 'i', 's', true),
('push_actions.delivery_summary_merge(push_actions.delivery_summary,push_actions.delivery_summary)', 'f', 'i', 's', true),
('push_actions.delivery_summary_ne(push_actions.delivery_summary,push_actions.delivery_summary)', 'f', 'i', 's', true),
('push_actions.delivery_summary_out(push_actions.delivery_summary)', 'f', 'i', 's', true),
('push_actions.delivery_summary_recv(internal)', 'f', 'i', 's', true),
('push_actions.delivery_summary_send(push_actions.delivery_summary)', 'f', 'i', 's', true),
('error_rate(push_actions.delivery_summary)', 'f', 'i', 's', true),
('push_actions.fold_actions(timestamp with time zone,integer)', 'f', 'v', 'u', false),
('push_actions_internal.fold_and_delete(bigint,text[],bigint[])', 'f', 'v', 'u', false),
('is_final(push_actions.push_status)', 'f', 'i', 's', true),
('is_success(push_actions.push_status)', 'f', 'i', 's', true),
('push_actions.list_push_devices(jsonb)', 'f', 's', 's', false),
('push_actions.explain_push_devices(jsonb,boolean)', 'f', 'v', 'u', false),
('push_actions_internal.lock_action(bigint,bigint)', 'f', 'v', 'u', false),
('push_actions_internal.check_action_parents()', 'f', 'v', 'u', false),
('push_actions_internal.forbid_key_change()', 'f', 'v', 'u', false),
('push_actions_internal.delete_child_actions()', 'f', 'v', 'u', false),
('push_actions_internal.push_error(text)', 'f', 'i', 's', true),
('push_actions_internal.find_push(text,text)', 'f', 's', 's', false),
('push_actions.push_info(text,text,timestamp with time zone)', 'f', 's', 's', false),
('push_actions.delete_push(text,text)', 'f', 'v', 'u', false),
('push_actions.purge(timestamp with time zone,integer)', 'f', 'v', 'u', false),
('push_actions.set_reference_key_triggers(boolean)', 'f', 'v', 'u', true),
('max(push_actions.push_status)', 'a', 'i', 's', false),
('min(push_actions.push_status)', 'a', 'i', 's', false),
('push_actions_internal.new_push_id()', 'f', 'v', 's', false),
('pending(push_actions.delivery_summary)', 'f', 'i', 's', true),
('push_actions.push_status_cmp(push_actions.push_status,push_actions.push_status)', 'f', 'i', 's', true),
('push_actions.push_status_eq(push_actions.push_status,push_actions.push_status)', 'f', 'i', 's', true),
('push_actions.push_status_ge(push_actions.push_status,push_actions.push_status)', 'f', 'i', 's', true),
('push_actions.push_status_gt(push_actions.push_status,push_actions.push_status)', 'f', 'i', 's', true),
('push_actions.push_status_hash(push_actions.push_status)', 'f', 'i', 's', true),
('push_actions.push_status_hash_extended(push_actions.push_status,bigint)', 'f', 'i', 's', true),
('push_actions.push_status_in(cstring)', 'f', 'i', 's', true),
('push_actions.push_status_larger(push_actions.push_status,push_actions.push_status)', 'f', 'i', 's', true),
('push_actions.push_status_le(push_actions.push_status,push_actions.push_status)', 'f', 'i', 's', true),
('push_actions.push_status_lt(push_actions.push_status,push_actions.push_status)', 'f', 'i', 's', true),
('push_actions.push_status_ne(push_actions.push_status,push_actions.push_status)', 'f', 'i', 's', true),
('push_actions.push_status_out(push_actions.push_status)', 'f', 'i', 's', true),
('push_actions.push_status_recv(internal)', 'f', 'i', 's', true),
('push_actions.push_status_send(push_actions.push_status)', 'f', 'i', 's', true),
('push_actions.push_status_smaller(push_actions.push_status,push_actions.push_status)', 'f', 'i', 's', true),
('push_actions.record_attempt(bigint,boolean,text,boolean,bigint,text)', 'f', 'v', 'u', false),
('push_actions.record_event(bigint,push_actions.push_status,timestamp with time zone,bigint)', 'f', 'v', 'u', false),
('push_actions_internal.refuse_transition(bigint,push_actions.push_status,push_actions.push_status,text)', 'f', 'i', 's', false),
('push_actions.retry(bigint,bigint)', 'f', 'v', 'u', false),
('rollup_status(push_actions.push_status)', 'a', 'i', 's', false),
('push_actions.rollup_mask_add(integer,push_actions.push_status)', 'f', 'i', 's', true),
('push_actions.rollup_mask_status(integer)', 'f', 'i', 's', true),
('status(push_actions.delivery_summary)', 'f', 'i', 's', true),
('status_count(push_actions.delivery_summary,push_actions.push_status)', 'f', 'i', 's', true),
('to_jsonb(push_actions.delivery_summary)', 'f', 'i', 's', true),
('total(push_actions.delivery_summary)', 'f', 'i', 's', true),
('push_actions_internal.statuses(text)', 'f', 'i', 's', true),
('push_actions_internal.platforms()', 'f', 'i', 's', false),
('push_actions_internal.delivery_report_platforms()', 'f', 'i', 's', false),
('push_actions_internal.is_pending_device(push_actions.push_status,text,text)', 'f', 'i', 's', false),
('push_actions_internal.message_device(text,bigint)', 'f', 'i', 's', false),
('push_actions_internal.message_action(text,bigint)', 'f', 'i', 's', false),
('push_actions.push_deliveries(text,text)', 'f', 'v', 'u', false),
('push_actions.track_event(text,text,push_actions.push_status,timestamp with time zone)', 'f', 'v', 'u', false),
('push_actions.rotate_app_key(bigint,interval)', 'f', 'v', 'u', false),
('push_actions_internal.random_key()', 'f', 'v', 's', true),
('push_actions_internal.delivery_token(bytea,text)', 'f', 'i', 's', true),
('push_actions_internal.delivery_token_matches(bytea,text,text)', 'f', 'i', 's', true),
('push_actions_internal.delivery_id(bigint,bigint)', 'f', 'i', 's', true),
-- the deprecated 1.0 names of the functions on the types (release_1_0_names.sql)
('push_actions.delivery_summary(push_actions.push_status)', 'a', 'i', 's', false),
('push_actions.delivery_summary(push_actions.push_status,integer)', 'a', 'i', 's', false),
('push_actions.delivery_summary(push_actions.push_status,smallint)', 'a', 'i', 's', false),
('push_actions.delivery_summary(push_actions.delivery_summary)', 'a', 'i', 's', false),
('push_actions.rollup_status(push_actions.push_status)', 'a', 'i', 's', false),
('push_actions.min(push_actions.push_status)', 'a', 'i', 's', false),
('push_actions.max(push_actions.push_status)', 'a', 'i', 's', false),
('push_actions.is_final(push_actions.push_status)', 'f', 'i', 's', true),
('push_actions.is_success(push_actions.push_status)', 'f', 'i', 's', true),
('push_actions.can_transition(push_actions.push_status,push_actions.push_status)', 'f', 'i', 's', true),
('push_actions.to_jsonb(push_actions.delivery_summary)', 'f', 'i', 's', true),
('push_actions.status(push_actions.delivery_summary)', 'f', 'i', 's', true),
('push_actions.total(push_actions.delivery_summary)', 'f', 'i', 's', true),
('push_actions.status_count(push_actions.delivery_summary,push_actions.push_status)', 'f', 'i', 's', true),
('push_actions.pending(push_actions.delivery_summary)', 'f', 'i', 's', true),
('push_actions.error_rate(push_actions.delivery_summary)', 'f', 'i', 's', true),
('push_actions.delivery_summary_minus(push_actions.delivery_summary,push_actions.delivery_summary)', 'f', 'i', 's', true),
('push_actions_internal.kept_summary_minus(push_actions.delivery_summary,push_actions.delivery_summary)', 'f', 'i', 's', true),
('push_actions.latency_sketch_in(cstring)', 'f', 'i', 's', true),
('push_actions.latency_sketch_out(push_actions.latency_sketch)', 'f', 'i', 's', true),
('push_actions.latency_sketch_recv(internal)', 'f', 'i', 's', true),
('push_actions.latency_sketch_send(push_actions.latency_sketch)', 'f', 'i', 's', true),
('push_actions.latency_sketch_eq(push_actions.latency_sketch,push_actions.latency_sketch)', 'f', 'i', 's', true),
('push_actions.latency_sketch_ne(push_actions.latency_sketch,push_actions.latency_sketch)', 'f', 'i', 's', true),
('push_actions.latency_sketch_merge(push_actions.latency_sketch,push_actions.latency_sketch)', 'f', 'i', 's', true),
('duration_count(push_actions.latency_sketch)', 'f', 'i', 's', true),
('quantile(push_actions.latency_sketch,double precision)', 'f', 'i', 's', true),
('push_actions_internal.latency_sketch_minus(push_actions.latency_sketch,push_actions.latency_sketch)', 'f', 'i', 's', true),
('push_actions_internal.latency_sketch_add(push_actions.latency_sketch,double precision)', 'f', 'i', 's', false),
('push_actions_internal.latency_sketch_add_interval(push_actions.latency_sketch,interval)', 'f', 'i', 's', false),
('push_actions_internal.latency_sketch_combine(push_actions.latency_sketch,push_actions.latency_sketch)', 'f', 'i', 's', false),
('push_actions_internal.latency_sketch_final(push_actions.latency_sketch)', 'f', 'i', 's', false),
('latency_sketch(double precision)', 'a', 'i', 's', false),
('latency_sketch(interval)', 'a', 'i', 's', false),
('latency_sketch(push_actions.latency_sketch)', 'a', 'i', 's', false),
('push_actions_internal.latency_sketch_excess(push_actions.latency_sketch,push_actions.latency_sketch)', 'f', 'i', 's', true),
('push_actions_internal.action_moment(push_actions.push_status,push_actions.push_status,smallint,timestamp with time zone,timestamp with time zone,timestamp with time zone)', 'f', 'i', 's', false),
('push_actions_internal.keep_moments()', 'f', 'v', 'u', false),
('push_actions_internal.time_net(push_actions.latency_sketch,push_actions.latency_sketch)', 'f', 'i', 's', false),
('push_actions_internal.time_columns(push_actions.delivery_summary,push_actions.latency_sketch,push_actions.latency_sketch,push_actions.latency_sketch)', 'f', 'i', 's', false),
('push_actions_internal.time_buckets_query(text)', 'f', 'i', 's', true),
('push_actions_internal.app_exists(bigint)', 'f', 's', 's', false),
('push_actions_internal.add_moments_trigger()', 'f', 'v', 'u', false),
('push_actions.delivery_times(bigint,bigint,timestamp with time zone,timestamp with time zone,text,text,text)', 'f', 's', 'u', false),
('push_actions.verify_time_buckets()', 'f', 's', 'u', false),
('push_actions.rebuild_time_buckets()', 'f', 'v', 'u', false),
('push_actions_internal.message_person(bigint,text,bigint)', 'f', 'i', 's', false),
('push_actions_internal.writer_stripe()', 'f', 's', 'r', true),
('push_actions_internal.keep_rollups()', 'f', 'v', 'u', false),
('push_actions_internal.forget_rollups()', 'f', 'v', 'u', false),
('push_actions.verify_rollups()', 'f', 's', 'u', false),
('push_actions.rebuild_rollups()', 'f', 'v', 'u', false),
('push_actions.distribute()', 'f', 'v', 'u', false),
('push_actions.limits()', 'f', 'i', 's', true),
('push_actions_internal.limit_value(text)', 'f', 'i', 's', true),
('push_actions_internal.token_platforms()', 'f', 'i', 's', false),
('push_actions_internal.new_app_token()', 'f', 'v', 's', false),
('push_actions.rotate_app_token(bigint,interval)', 'f', 'v', 'u', false),
('push_actions_internal.add_devices(bigint,text,bigint,push_actions.push_status,jsonb,boolean,integer[])', 'f', 'v', 'u', false),
('push_actions_internal.new_push(bigint,jsonb,jsonb,bigint,timestamp with time zone,timestamp with time zone,boolean)', 'f', 'v', 'u', false),
('push_actions_internal.dead_token_positions(bigint,jsonb)', 'f', 's', 'u', false),
('push_actions.create_push_skipping_dead(bigint,jsonb,jsonb,bigint,timestamp with time zone,timestamp with time zone)', 'f', 'v', 'u', false),
('push_actions.add_push_devices(bigint,text,jsonb)', 'f', 'v', 'u', false),
('push_actions.list_push_devices(text)', 'f', 's', 's', false),
('push_actions.create_push(bigint,text,text,bigint,timestamp with time zone,timestamp with time zone)', 'f', 'v', 'u', false),
('push_actions.add_push_devices(bigint,text,text)', 'f', 'v', 'u', false),
('push_actions_internal.devices_json(text)', 'f', 'i', 'u', false),
('push_actions_internal.role_apps()', 'f', 's', 's', false),
('push_actions_internal.app_visible(bigint)', 'f', 's', 's', true),
('push_actions_internal.app_visible_support(internal)', 'f', 'i', 's', true),
('push_actions_internal.app_scope_policy(oid)', 'f', 'i', 's', true),
('push_actions_internal.policy_apps_of(oid)', 'f', 's', 's', true),
('push_actions_internal.app_scoped_tables()', 'f', 's', 's', false),
('push_actions.rebuild_app_roles()', 'f', 'v', 'u', false),
('push_actions_internal.app_roles_changed()', 'f', 'v', 'u', false),
('push_actions.grant_app(regrole,bigint)', 'f', 'v', 'u', false),
('push_actions.revoke_app(regrole,bigint)', 'f', 'v', 'u', false),
('push_actions.verify_app_roles()', 'f', 's', 'u', false),
('push_actions_internal.is_distributed()', 'f', 's', 'u', false),
('push_actions.provider_errors()', 'f', 'i', 's', true),
('push_actions.error_class(text,text)', 'f', 'i', 's', false),
('push_actions_internal.refuse_longer_than(text,text,text,text)', 'f', 'i', 's', false),
('push_actions_internal.provider_error_time(text,text)', 'f', 'i', 's', false),
('push_actions_internal.keep_token_registration(bigint,text,text,timestamp with time zone)', 'f', 'v', 'u', true),
('push_actions_internal.merge_live_device_tokens()', 'f', 'v', 'u', true),
('push_actions_internal.device_tokens_check()', 'f', 'i', 's', true),
('push_actions.register_device_token(bigint,text,text,timestamp with time zone)', 'f', 'v', 'u', false),
('push_actions.dead_device_tokens(text,timestamp with time zone,text,integer)', 'f', 's', 'u', false),
('push_actions.verify_device_tokens()', 'f', 's', 'u', false),
('push_actions.rebuild_device_tokens(boolean)', 'f', 'v', 'u', false);

SELECT set_eq($$SELECT signature, prokind, provolatile, proparallel, proisstrict FROM ext_functions$$,
              $$SELECT * FROM declared$$,
              'every function has exactly its declared kind, volatility, parallel safety and strictness');
SELECT is((SELECT count(*)::int FROM ext_functions WHERE prokind = 'a'
           AND (SELECT aggcombinefn FROM pg_aggregate WHERE aggfnoid = ext_functions.oid) = 0), 0,
          'every aggregate has a combine function');
SELECT is((SELECT count(*)::int FROM ext_functions f JOIN pg_aggregate a ON a.aggfnoid = f.oid
           WHERE a.aggtranstype = 'internal'::regtype), 0, 'no aggregate keeps an internal state');
SELECT is((SELECT count(*)::int FROM ext_functions WHERE prokind = 'a' AND proparallel <> 's'), 0,
          'every aggregate is PARALLEL SAFE');
SELECT is((SELECT array_agg(signature ORDER BY signature) FROM ext_functions
           WHERE lanname = 'c' AND (provolatile <> 'i' OR proparallel <> 's')),
          ARRAY['push_actions.explain_push_devices(jsonb,boolean)', 'push_actions.list_push_devices(jsonb)',
                'push_actions.list_push_devices(text)',
                'push_actions_internal.app_visible(bigint)', 'push_actions_internal.keep_moments()',
                'push_actions_internal.keep_rollups()',
                'push_actions_internal.keep_token_registration(bigint,text,text,timestamp with time zone)',
                'push_actions_internal.merge_live_device_tokens()',
                'push_actions_internal.policy_apps_of(oid)', 'push_actions_internal.random_key()',
                'push_actions_internal.role_apps()', 'push_actions_internal.writer_stripe()'],
          'every C function is IMMUTABLE and PARALLEL SAFE but the two that read tables, the three that read the apps'' policies, the triggers that keep the roll-ups and the moments, the two that write the tokens'' states, the key generator and the backend''s stripe');
SELECT is((SELECT array_agg(signature ORDER BY signature) FROM ext_functions WHERE prosecdef),
          ARRAY['push_actions.app_for_token(text)',
                'push_actions.dead_device_tokens(text,timestamp with time zone,text,integer)',
                'push_actions.delivery_times(bigint,bigint,timestamp with time zone,timestamp with time zone,text,text,text)',
                'push_actions.grant_app(regrole,bigint)', 'push_actions.push_deliveries(text,text)',
                'push_actions.rebuild_app_roles()', 'push_actions.revoke_app(regrole,bigint)',
                'push_actions.rotate_app_key(bigint,interval)', 'push_actions.rotate_app_token(bigint,interval)',
                'push_actions.track_event(text,text,push_actions.push_status,timestamp with time zone)',
                'push_actions_internal.app_roles_changed()',
                'push_actions_internal.check_action_parents()', 'push_actions_internal.dead_token_positions(bigint,jsonb)',
                'push_actions_internal.delete_child_actions()',
                'push_actions_internal.forget_rollups()', 'push_actions_internal.keep_rollups()',
                'push_actions_internal.keep_token_registration(bigint,text,text,timestamp with time zone)'],
          'SECURITY DEFINER only for the two reference triggers, which act as a foreign key would, the three that keep the roll-ups and the tokens'' states no API role may write, the three that use the app keys, the five that use the replaced tokens'' hashes or the tokens'' states or hourly series no API role may read and the four that make the apps'' policies, which only the tables'' owner may');
-- the vocabulary functions are inlined, which a SET option would prevent:
-- they pin nothing and name every object with its schema instead (the
-- platforms' are immutable C functions, which read nothing)
CREATE TEMP TABLE inlined (signature text);
INSERT INTO inlined VALUES
('push_actions_internal.is_pending_device(push_actions.push_status,text,text)'),
('push_actions_internal.message_device(text,bigint)'),
('push_actions_internal.message_action(text,bigint)'),
('push_actions_internal.delivery_id(bigint,bigint)'),
('push_actions_internal.message_person(bigint,text,bigint)'),
('push_actions_internal.time_net(push_actions.latency_sketch,push_actions.latency_sketch)'),
('push_actions_internal.time_columns(push_actions.delivery_summary,push_actions.latency_sketch,push_actions.latency_sketch,push_actions.latency_sketch)');
SELECT is((SELECT array_agg(signature) FROM ext_functions
           WHERE (lanname IN ('sql', 'plpgsql') OR provolatile <> 'i')
             AND signature NOT IN (SELECT signature FROM inlined)
             -- volatile for its randomness, stable for its backend: they read
             -- no table and call nothing
             AND signature NOT IN ('push_actions_internal.random_key()', 'push_actions_internal.writer_stripe()',
                                   'push_actions_internal.keep_moments()')
             -- they read push_actions.apps' policies from the relation cache
             -- by its schema, at every row of a view: a SET option would cost
             -- a configuration change per row
             AND signature NOT IN ('push_actions_internal.role_apps()', 'push_actions_internal.app_visible(bigint)',
                                   'push_actions_internal.policy_apps_of(oid)')
             AND NOT coalesce('search_path=pg_catalog, push_actions, pg_temp' = ANY (proconfig), false)), NULL,
          'every SQL, PL/pgSQL and table-reading C function pins search_path, but those inlined');
SELECT is((SELECT array_agg(f.signature) FROM ext_functions f JOIN inlined USING (signature)
           WHERE f.lanname <> 'sql' OR f.proconfig IS NOT NULL OR f.prosecdef), NULL,
          'the inlined vocabulary functions are plain SQL functions');
SELECT is(concat_ws(' ', push_actions_internal.platforms(), push_actions_internal.token_platforms(),
                     push_actions_internal.delivery_report_platforms()),
          '{android,ios,web,electron,huawei,macos,windows,other} {android,ios,web,electron} {android,electron}',
          'the platforms: all, those whose provider needs a token, those whose devices report delivery');
CREATE FUNCTION pg_temp.plan_text(q text) RETURNS text LANGUAGE plpgsql AS $$
DECLARE line text; plan text := '';
BEGIN
	FOR line IN EXECUTE 'EXPLAIN (VERBOSE, COSTS OFF) ' || q LOOP plan := plan || line || E'\n'; END LOOP;
	RETURN plan;
END $$;
SELECT unalike(pg_temp.plan_text($$SELECT push_actions_internal.message_device(profile_id, device_id),
                                         push_actions_internal.message_action(push_id, action_id),
                                         push_actions_internal.is_pending_device(status, platform, device_token),
                                         platform = ANY (push_actions_internal.platforms()),
                                         push_actions_internal.message_person(campaign_id, profile_id, device_id)
                                  FROM push_actions.actions$$),
                '%push_actions_internal.%', 'the planner inlines the vocabulary functions and folds the status groups');
-- an inlined body is parsed under the caller's search_path: a schema that
-- shadows pg_catalog's text and array operators must not change its answer
CREATE SCHEMA shadow;
CREATE FUNCTION shadow.never(text, text) RETURNS boolean LANGUAGE sql AS 'SELECT false';
CREATE OPERATOR shadow.= (FUNCTION = shadow.never, LEFTARG = text, RIGHTARG = text);
SET LOCAL search_path = shadow, pg_catalog;
CREATE TEMP TABLE shadowed AS
SELECT 'x'::text = 'x'::text AS plain_equal,
       push_actions_internal.is_pending_device('sent', 'android', 'token') AS pending;
SET LOCAL search_path = public;
SELECT is((SELECT (plain_equal, pending)::text FROM shadowed), '(f,t)',
          'the vocabulary functions name their operators with their schema');
SELECT is((SELECT count(*)::int FROM pg_proc WHERE proname = 'delivery_summary'
           AND pronamespace = 'pg_catalog'::regnamespace AND prokind = 'a'), 4, 'four delivery_summary aggregates');
-- what works on the types resolves in every session (README "Where the names live")
SELECT is((SELECT array_agg(DISTINCT o.oprnamespace::regnamespace::text) FROM pg_operator o
           JOIN pg_depend d ON d.classid = 'pg_operator'::regclass AND d.objid = o.oid AND d.deptype = 'e'
           JOIN pg_extension e ON e.oid = d.refobjid AND e.extname = 'push_actions'
           WHERE NOT obj_description(o.oid, 'pg_operator') IS NOT DISTINCT FROM 'deprecated: the 1.0 name; use the unqualified operator'),
          ARRAY['pg_catalog'], 'every operator of the extension is in pg_catalog, but the deprecated 1.0 names');
SELECT is((SELECT count(*)::int FROM pg_operator o
           JOIN pg_depend d ON d.classid = 'pg_operator'::regclass AND d.objid = o.oid AND d.deptype = 'e'
           JOIN pg_extension e ON e.oid = d.refobjid AND e.extname = 'push_actions'
           WHERE o.oprnamespace = 'push_actions'::regnamespace
             AND obj_description(o.oid, 'pg_operator') = 'deprecated: the 1.0 name; use the unqualified operator'), 9,
          'the nine operators of 1.0 keep their push_actions names, deprecated');

-- a performance decision: summaries deform each row only as far as these two
SELECT is((SELECT array_agg(attname::text ORDER BY attnum) FROM pg_attribute
           WHERE attrelid = 'push_actions.actions'::regclass AND attnum BETWEEN 1 AND 2),
          ARRAY['status', 'attempts'], 'status and attempts are the first columns of actions');

-- the index set of actions, each with its read (sql/src/store_indexes.sql,
-- make bench's index audit); 1.2 dropped actions_unfinished_idx
SELECT is((SELECT array_agg(c.relname::text ORDER BY c.relname) FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid
           WHERE i.indrelid = 'push_actions.actions'::regclass),
          ARRAY['actions_campaign_idx', 'actions_failed_idx', 'actions_pending_idx', 'actions_pkey', 'actions_push_idx',
                'actions_standalone_idx', 'actions_summary_idx'],
          'actions has its key and the six indexes whose reads make bench measures');

-- B-tree deduplication needs the equal-image support function; without it an
-- index with status as a key keeps one 16-byte entry per row
SELECT is((SELECT p.amproc::regproc::text FROM pg_amproc p JOIN pg_opfamily f ON f.oid = p.amprocfamily
           WHERE f.opfname = 'push_status_ops' AND f.opfmethod = (SELECT oid FROM pg_am WHERE amname = 'btree')
             AND p.amprocnum = 4),
          'btequalimage', 'push_status B-tree indexes may deduplicate equal keys');
CREATE TEMP TABLE dedup_probe AS
SELECT 1::bigint AS app_id, (i % 5)::bigint AS campaign_id,
       (ARRAY['sent','delivered','opened','failed'])[1 + i % 4]::push_actions.push_status AS status,
       (i % 3)::smallint AS attempts
FROM generate_series(1, 100000) i;
CREATE INDEX ON dedup_probe (app_id, campaign_id, status, attempts);
-- deduplicated: about 6 bytes per row (0.7 MB); one entry per row is 4 MB
SELECT cmp_ok((SELECT pg_relation_size(indexrelid) FROM pg_index WHERE indrelid = 'dedup_probe'::regclass),
              '<', 1200000::bigint, 'an index shaped like actions_summary_idx stores 100,000 rows in posting lists');

-- the README offers ingest-heavy deployments to drop the summary index; the
-- extension must not depend on it (rolled back with this test)
SELECT lives_ok($$DROP INDEX push_actions.actions_summary_idx;
                  SELECT delivery_summary(status, attempts) FROM push_actions.actions$$,
                'the summary index can be dropped and summaries still run');

-- the references of actions are declared as foreign keys (pg_dump restores
-- the parents first by them) but checked per statement: every row-level
-- trigger of those keys, on actions and on its parents, is disabled
SELECT is((SELECT array_agg(c.conname::text || ': ' || g.tgenabled::text ORDER BY c.conname, g.tgname)
           FROM pg_constraint c JOIN pg_trigger g ON g.tgconstraint = c.oid
           WHERE c.conrelid = 'push_actions.actions'::regclass AND c.contype = 'f'),
          ARRAY['actions_app_id_fkey: D', 'actions_app_id_fkey: D', 'actions_app_id_fkey: D', 'actions_app_id_fkey: D',
                'actions_push_fkey: D', 'actions_push_fkey: D', 'actions_push_fkey: D', 'actions_push_fkey: D'],
          'actions declares its two foreign keys, with their 8 row-level triggers disabled');

-- the API is push_actions; what only the extension calls is in push_actions_internal
SELECT is((SELECT array_agg(p.proname::text ORDER BY p.proname) FROM pg_proc p
           WHERE p.pronamespace = 'push_actions_internal'::regnamespace),
          ARRAY['action_moment', 'add_devices', 'add_moments_trigger', 'app_exists', 'app_roles_changed', 'app_scope_policy', 'app_scoped_tables', 'app_visible',
                'app_visible_support', 'check_action_parents', 'dead_token_positions', 'delete_child_actions', 'delivery_id', 'delivery_report_platforms',
                'delivery_token', 'delivery_token_matches', 'device_tokens_check', 'devices_json', 'find_push',
                'fold_and_delete', 'forbid_key_change', 'forget_rollups', 'is_distributed', 'is_pending_device',
                'keep_moments', 'keep_rollups', 'keep_token_registration', 'kept_summary_minus', 'latency_sketch_add',
                'latency_sketch_add_interval', 'latency_sketch_combine', 'latency_sketch_excess', 'latency_sketch_final',
                'latency_sketch_minus', 'limit_value', 'lock_action',
                'merge_live_device_tokens', 'message_action', 'message_device',
                'message_person', 'new_app_token', 'new_push', 'new_push_id', 'platforms', 'policy_apps_of', 'provider_error_time',
                'push_error', 'random_key',
                'refuse_longer_than', 'refuse_transition', 'role_apps', 'statuses', 'time_buckets_query', 'time_columns', 'time_net', 'token_platforms', 'writer_stripe'],
          'the internal helpers live in push_actions_internal');
SELECT is((SELECT array_agg(p.oid::regprocedure::text ORDER BY p.oid::regprocedure::text) FROM ext_functions p
           WHERE NOT has_function_privilege('public', p.oid, 'EXECUTE')),
          ARRAY['push_actions.distribute()', 'push_actions.grant_app(regrole,bigint)', 'push_actions.rebuild_app_roles()',
                'push_actions.rebuild_device_tokens(boolean)',
                'push_actions.rebuild_rollups()', 'push_actions.rebuild_time_buckets()', 'push_actions.revoke_app(regrole,bigint)', 'push_actions.rotate_app_key(bigint,interval)',
                'push_actions.rotate_app_token(bigint,interval)', 'push_actions.set_reference_key_triggers(boolean)',
                'push_actions.verify_app_roles()', 'push_actions.verify_device_tokens()', 'push_actions.verify_rollups()',
                'push_actions.verify_time_buckets()',
                'push_actions_internal.add_moments_trigger()',
                'push_actions_internal.app_roles_changed()', 'push_actions_internal.check_action_parents()', 'push_actions_internal.delete_child_actions()',
                'push_actions_internal.forbid_key_change()', 'push_actions_internal.forget_rollups()',
                'push_actions_internal.keep_moments()', 'push_actions_internal.keep_rollups()', 'push_actions_internal.merge_live_device_tokens()',
                'push_actions_internal.time_buckets_query(text)'],
          'PUBLIC may not execute the trigger functions, the owner''s switch of the key triggers, the key and token rotations, the roll-ups'', the tokens'' states'', the hourly series'' and the app roles'' check and rebuild, grant_app, revoke_app nor distribute()');
SELECT is((SELECT count(*)::int FROM ext_functions f JOIN pg_proc p ON p.oid = f.oid
           WHERE p.pronamespace = 'push_actions'::regnamespace AND p.prorettype = 'trigger'::regtype), 0,
          'no trigger function in the API schema');

-- the app keys: no role but the owner may read them
SELECT is((SELECT count(*)::int FROM pg_class c, aclexplode(coalesce(c.relacl, acldefault('r', c.relowner))) a
           WHERE c.oid = 'push_actions_internal.app_keys'::regclass AND a.grantee <> c.relowner), 0,
          'only the owner has rights on the app keys');

SELECT * FROM finish();
ROLLBACK;
