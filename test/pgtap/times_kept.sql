-- The hourly series and the actions' moments follow every write path: each
-- step checks exact values and ends with verify_time_buckets() empty.
-- Moments are written explicitly where they order events: within this
-- test's transaction now() does not move.
BEGIN;
SET search_path = push_actions, public;
SELECT plan(62);
SET TIME ZONE 'UTC';

SELECT app_id AS a1, apptoken AS k1 FROM create_app('times one') \gset
SELECT set_config('pa.a1', :'a1', false) IS NOT NULL AS set \gset
SELECT app_id AS a2 FROM create_app('times two') \gset
-- a campaign's (or the app's) buckets as text: hour, platform, what reached, latencies' counts and medians
CREATE FUNCTION pg_temp.series(app bigint, campaign bigint) RETURNS text LANGUAGE sql AS $$
	SELECT string_agg(format('%s %s %s', to_char(b.bucket_start, 'MM-DD HH24'),
	                         concat_ws(',', 'sch=' || nullif(b.scheduled, 0), 'att=' || nullif(b.attempted, 0),
	                                   'sent=' || nullif(b.sent, 0), 'dlv=' || nullif(b.delivered, 0),
	                                   'opn=' || nullif(b.opened, 0), 'cnv=' || nullif(b.converted, 0),
	                                   'fld=' || nullif(b.failed, 0), 'bnc=' || nullif(b.bounced, 0),
	                                   'exp=' || nullif(b.expired, 0)),
	                         concat_ws(',', 's50=' || round(b.sent_p50::numeric), 'd50=' || round(b.delivered_p50::numeric),
	                                   'o50=' || round(b.opened_p50::numeric))), ' | ' ORDER BY b.bucket_start)
	FROM push_actions.delivery_times(app, campaign, '2026-01-01', '2026-02-01') b $$;
CREATE FUNCTION pg_temp.in_step(step text) RETURNS text LANGUAGE sql AS $$
	SELECT is_empty('SELECT * FROM push_actions.verify_time_buckets()', step || ': verify_time_buckets() finds nothing') $$;
CREATE FUNCTION pg_temp.moments(action bigint) RETURNS text LANGUAGE sql AS $$
	SELECT concat_ws(' ', to_char(attempted_at, 'DD HH24:MI'), to_char(sent_at, 'DD HH24:MI'),
	                 to_char(delivered_at, 'DD HH24:MI'), to_char(opened_at, 'DD HH24:MI'))
	FROM push_actions.actions WHERE action_id = action $$;

-- a push of three devices in campaign 7, created at 10:05
INSERT INTO pushes (push_id, app_id, campaign_id, payload, created_at, expires_at)
VALUES ('aaaaaaaaaaaaaaaaaaaaaaa1', :a1, 7, '{}', '2026-01-10 10:05+00', '2026-02-10 10:05+00');
INSERT INTO actions (app_id, push_id, campaign_id, device_id, device_token, platform, status, create_time, updated_at)
SELECT :a1, 'aaaaaaaaaaaaaaaaaaaaaaa1', 7, d, 'tok' || d, CASE WHEN d < 3 THEN 'ios' ELSE 'android' END, 'scheduled',
       '2026-01-10 10:05+00', '2026-01-10 10:05+00'
FROM generate_series(1, 3) d;
SELECT min(action_id) AS x1, min(action_id) + 1 AS x2, min(action_id) + 2 AS x3 FROM actions WHERE app_id = :a1 \gset
SELECT is(pg_temp.series(:a1, 7), '01-10 10 sch=3 ', 'INSERT: three created at 10:00, nothing sent');
SELECT is(pg_temp.moments(:x1), '', 'a scheduled action has no moment');
SELECT pg_temp.in_step('INSERT');

-- attempts through UPDATE as the API makes them (one row: the short way)
UPDATE actions SET status = 'attempted', attempts = 1, updated_at = '2026-01-10 11:00+00' WHERE action_id = :x1;
SELECT is(pg_temp.moments(:x1), '10 11:00', 'an attempt stores its moment');
UPDATE actions SET status = 'sent', updated_at = '2026-01-10 11:00:30+00' WHERE action_id = :x1;
SELECT is(pg_temp.moments(:x1), '10 11:00 10 11:00', 'sent: its moment beside the attempt''s');
SELECT is(pg_temp.series(:a1, 7), '01-10 10 sch=3  | 01-10 11 att=1,sent=1 s50=30', 'sent 30 s after the first attempt, in the 11:00 bucket');
SELECT pg_temp.in_step('the one-row way');
SELECT is(record_event(:x1, 'delivered', '2026-01-10 12:10+00'), 'delivered', 'record_event delivered');
SELECT is(record_event(:x1, 'opened', '2026-01-10 15:00+00'), 'opened', 'record_event opened');
SELECT is(pg_temp.moments(:x1), '10 11:00 10 11:00 10 12:10 10 15:00', 'four moments');
SELECT is(pg_temp.series(:a1, 7),
	'01-10 10 sch=3  | 01-10 11 att=1,sent=1 s50=30 | 01-10 12 dlv=1 d50=4233 | 01-10 15 opn=1 o50=14282',
	'delivered 70 min (4200 s) and opened 4 h (14400 s) after the first attempt, each in its hour, within 1 %');
SELECT pg_temp.in_step('record_event');

-- a skipped step takes the moment of the step that skipped it
UPDATE actions SET status = 'attempted', attempts = 1, updated_at = '2026-01-10 11:00+00' WHERE action_id = :x2;
UPDATE actions SET status = 'sent', updated_at = '2026-01-10 11:01+00' WHERE action_id = :x2;
UPDATE actions SET status = 'opened', updated_at = '2026-01-10 13:00+00' WHERE action_id = :x2;
SELECT is(pg_temp.moments(:x2), '10 11:00 10 11:01 10 13:00 10 13:00', 'opened without delivered: delivered when opened');
-- failures end in the hour they happen; a retry takes the failure back
UPDATE actions SET status = 'attempted', attempts = 1, updated_at = '2026-01-10 11:00+00' WHERE action_id = :x3;
UPDATE actions SET status = 'failed', attempts = 2, updated_at = '2026-01-10 11:20+00' WHERE action_id = :x3;
SELECT is(pg_temp.series(:a1, 7),
	'01-10 10 sch=3  | 01-10 11 att=3,sent=2,fld=1 s50=30 | 01-10 12 dlv=1 d50=4233 | 01-10 13 dlv=1,opn=1 d50=7206,o50=7206 | 01-10 15 opn=1 o50=14282',
	'two sent, one failed at 11:00');
SELECT is(retry(:x3), 'attempted', 'retry');
SELECT is(pg_temp.series(:a1, 7),
	'01-10 10 sch=3  | 01-10 11 att=3,sent=2 s50=30 | 01-10 12 dlv=1 d50=4233 | 01-10 13 dlv=1,opn=1 d50=7206,o50=7206 | 01-10 15 opn=1 o50=14282',
	'the retried failure no longer counts');
SELECT pg_temp.in_step('retry');

-- a moment, once had, does not change; setting the same one is no change
SELECT throws_ok(format('UPDATE push_actions.actions SET sent_at = %L WHERE action_id = %s', '2026-01-10 11:05+00', :x1),
	'55000', 'the moment an action reached a step does not change once it has one', 'a moment cannot be moved');
SELECT throws_ok(format('UPDATE push_actions.actions SET attempted_at = NULL WHERE action_id = %s', :x1),
	'55000', NULL, 'nor cleared');
SELECT lives_ok(format('UPDATE push_actions.actions SET sent_at = sent_at, updated_at = updated_at WHERE action_id = %s', :x1),
	'an UPDATE that names it unchanged passes');
-- the owner may repair one; its latency moves within its bucket
SET push_actions.unchecked_writes = on;
UPDATE actions SET sent_at = '2026-01-10 11:00:40+00' WHERE action_id = :x2;
RESET push_actions.unchecked_writes;
SELECT is(pg_temp.moments(:x2), '10 11:00 10 11:00 10 13:00 10 13:00', 'the owner repairs a moment');
SELECT pg_temp.in_step('a moment repaired');

-- the app's series: every campaign together, and a second campaign apart
INSERT INTO actions (app_id, campaign_id, device_id, platform, status, attempts, create_time, updated_at, sent_at, attempted_at)
VALUES (:a1, 8, 10, 'web', 'sent', 1, '2026-01-10 11:30+00', '2026-01-10 11:30:02+00', '2026-01-10 11:30:02+00', '2026-01-10 11:30+00');
SELECT is(pg_temp.series(:a1, 8), '01-10 11 sch=1,att=1,sent=1 s50=2', 'INSERT with moments: its latency from them');
SELECT is(pg_temp.series(:a1, NULL),
	'01-10 10 sch=3  | 01-10 11 sch=1,att=4,sent=3 s50=30 | 01-10 12 dlv=1 d50=4233 | 01-10 13 dlv=1,opn=1 d50=7206,o50=7206 | 01-10 15 opn=1 o50=14282',
	'the app''s series adds its campaigns');
-- COPY without moments (history): they come from its row
DO $$
BEGIN
	EXECUTE format('COPY push_actions.actions (app_id, campaign_id, device_id, platform, status, attempts, create_time, updated_at) FROM PROGRAM %L',
	               format($f$printf '%s\t8\t11\tios\tdelivered\t1\t2026-01-11 08:00:00+00\t2026-01-11 08:10:00+00\n%s\t8\t12\tios\tbounced\t1\t2026-01-11 08:00:00+00\t2026-01-11 08:00:05+00\n'$f$,
	                      current_setting('pa.a1'), current_setting('pa.a1')));
END
$$;
SELECT is(pg_temp.series(:a1, 8), '01-10 11 sch=1,att=1,sent=1 s50=2 | 01-11 08 sch=2,att=2,sent=1,dlv=1,bnc=1 s50=598,d50=598',
	'COPY without moments: attempted at creation, sent and delivered when its row was last written, bounced in its hour');
SELECT pg_temp.in_step('COPY');
SELECT is(pg_temp.moments(action_id), '', 'the COPYed row stores no moment') FROM actions WHERE device_id = 11;
-- its first UPDATE stores the moments its row gave, so nothing moves
UPDATE actions SET status = 'opened', updated_at = '2026-01-11 09:00+00' WHERE device_id = 11;
SELECT is(pg_temp.moments(action_id), '11 08:00 11 08:10 11 08:10 11 09:00', 'the first UPDATE stores them') FROM actions WHERE device_id = 11;
SELECT is(pg_temp.series(:a1, 8), '01-10 11 sch=1,att=1,sent=1 s50=2 | 01-11 08 sch=2,att=2,sent=1,dlv=1,bnc=1 s50=598,d50=598 | 01-11 09 opn=1 o50=3568',
	'and only the opening is added');
-- a statement of many rows (the general way), a platform moved
UPDATE actions SET platform = 'android' WHERE app_id = :a1 AND campaign_id = 8 AND device_id IN (11, 12);
SELECT is((SELECT string_agg(platform || ':' || sent || '/' || bounced, ',' ORDER BY platform) FROM hourly_delivery
           WHERE app_id = :a1 AND campaign_id = 8 AND hour = '2026-01-11 08:00+00'), 'android:1/1', 'a platform moved moves its buckets');
SELECT pg_temp.in_step('UPDATE of many rows');

-- deletes take nothing from the series: DELETE, delete_push, fold_actions
SELECT pg_temp.series(:a1, 7) AS before_deletes \gset
DELETE FROM actions WHERE action_id = :x3;
SELECT is(pg_temp.series(:a1, 7), :'before_deletes', 'DELETE: the series keep the action');
SELECT pg_temp.in_step('DELETE');
SELECT is(delete_push('aaaaaaaaaaaaaaaaaaaaaaa1', :'k1'), '{"success": true}'::jsonb, 'delete_push');
SELECT is((SELECT count(*)::int FROM actions WHERE campaign_id = 7), 0, 'the push''s actions are gone');
SELECT is(pg_temp.series(:a1, 7), :'before_deletes', 'delete_push: the series keep them');
SELECT pg_temp.in_step('delete_push');
SELECT cmp_ok(fold_actions('2026-12-31'), '>', 0::bigint, 'fold_actions folds the rest');
SELECT is(pg_temp.series(:a1, 8), '01-10 11 sch=1,att=1,sent=1 s50=2 | 01-11 08 sch=2,att=2,sent=1,dlv=1,bnc=1 s50=598,d50=598 | 01-11 09 opn=1 o50=3568',
	'fold_actions: the series keep them, live and folded alike');
SELECT is((SELECT sent || '/' || delivered FROM daily_delivery WHERE app_id = :a1 AND campaign_id = 8 AND day = '2026-01-11'), '1/1',
	'daily_delivery counts the folded actions');
SELECT pg_temp.in_step('fold_actions');

-- days in a time zone: Berlin's day starts at 23:00 UTC; Kolkata's (+05:30) gathers the UTC hours that start in it
INSERT INTO actions (app_id, campaign_id, device_id, platform, status, create_time, updated_at)
VALUES (:a2, 1, 1, 'ios', 'scheduled', '2026-01-10 22:30+00', '2026-01-10 22:30+00'),
       (:a2, 1, 2, 'ios', 'scheduled', '2026-01-10 23:30+00', '2026-01-10 23:30+00'),
       (:a2, 1, 3, 'ios', 'scheduled', '2026-01-10 18:10+00', '2026-01-10 18:10+00');
SELECT is((SELECT string_agg(to_char(bucket_start AT TIME ZONE 'Europe/Berlin', 'MM-DD HH24') || '=' || scheduled, ' ' ORDER BY bucket_start)
           FROM delivery_times(:a2, 1, '2026-01-09', '2026-01-12', 'day', 'Europe/Berlin')), '01-10 00=2 01-11 00=1',
	'by day in Berlin: 22:30 UTC is the 10th there, 23:30 UTC the 11th');
SELECT is((SELECT string_agg(to_char(bucket_start AT TIME ZONE 'Asia/Kolkata', 'MM-DD HH24:MI') || '=' || scheduled, ' ' ORDER BY bucket_start)
           FROM delivery_times(:a2, 1, '2026-01-09', '2026-01-12', 'day', 'Asia/Kolkata')), '01-10 00:00=1 01-11 00:00=2',
	'by day in Kolkata: the hour from 18:00 UTC (23:30 there) belongs to the 10th');
SELECT throws_ok(format('SELECT * FROM push_actions.delivery_times(%s, 1, bucket => %L)', :a2, 'week'), '22023', NULL, 'a bucket other than hour or day');
SELECT throws_ok(format('SELECT * FROM push_actions.delivery_times(%s, 1, time_zone => %L)', :a2, 'Mars/Olympus'), '22023', NULL, 'an unknown time zone');
SELECT throws_ok(format('SELECT * FROM push_actions.delivery_times(%s, 1, %L, %L)', :a2, '2026-02-01', '2026-01-01'), '22023', NULL, 'a range backwards');
SELECT pg_temp.in_step('another app');

-- the attempted step: reached by an action attempted without an attempt yet,
-- not by one that expired while scheduled (each in the hour it was created)
INSERT INTO pushes (push_id, app_id, campaign_id, payload, created_at, expires_at)
VALUES ('aaaaaaaaaaaaaaaaaaaaaaa9', :a1, 9, '{}', '2026-01-12 09:05+00', '2026-02-10 10:05+00');
INSERT INTO actions (app_id, push_id, campaign_id, device_id, device_token, platform, status, attempts, create_time, updated_at)
VALUES (:a1, 'aaaaaaaaaaaaaaaaaaaaaaa9', 9, 1, 'tok91', 'android', 'scheduled', 0, '2026-01-12 09:05+00', '2026-01-12 09:05+00'),
       (:a1, 'aaaaaaaaaaaaaaaaaaaaaaa9', 9, 2, 'tok92', 'android', 'attempted', 0, '2026-01-12 10:05+00', '2026-01-12 10:05+00'),
       (:a1, 'aaaaaaaaaaaaaaaaaaaaaaa9', 9, 3, 'tok93', 'android', 'failed', 10, '2026-01-12 10:05+00', '2026-01-12 11:30+00');
SELECT min(action_id) AS y1, min(action_id) + 2 AS y3 FROM actions WHERE push_id = 'aaaaaaaaaaaaaaaaaaaaaaa9' \gset
SELECT is(record_event(:y1, 'expired', '2026-01-12 13:00+00'), 'expired', 'a scheduled action expires');
SELECT is(pg_temp.series(:a1, 9), '01-12 09 sch=1  | 01-12 10 sch=2,att=2  | 01-12 11 fld=1  | 01-12 13 exp=1 ',
	'expired unattempted: no attempt counted; attempted without an attempt yet, and failed: each an attempt');
SELECT pg_temp.in_step('the attempted step');
-- an owner's repair that moves an ending from one hour to another in one row
-- (failed at 11:30 to bounced at 14:20): two hours change in one statement
SET LOCAL push_actions.unchecked_writes = on;
UPDATE actions SET status = 'bounced', updated_at = '2026-01-12 14:20+00' WHERE action_id = :y3;
RESET push_actions.unchecked_writes;
SELECT is(pg_temp.series(:a1, 9), '01-12 09 sch=1  | 01-12 10 sch=2,att=2  | 01-12 13 exp=1  | 01-12 14 bnc=1 ',
	'the failure leaves 11:00 (empty, not shown) and the bounce joins 14:00, in the campaign''s buckets');
SELECT is((SELECT string_agg(to_char(bucket_start, 'HH24') || ':' || failed || '/' || bounced, ' ' ORDER BY bucket_start)
           FROM delivery_times(:a1, NULL, '2026-01-12', '2026-01-13')), '09:0/0 10:0/0 13:0/0 14:0/1',
	'and in the app''s');
SELECT pg_temp.in_step('two hours in one row');

-- an owner's repair may clear a stored moment: what it writes stays (the
-- moment is then the one the row's status gives)
INSERT INTO actions (app_id, campaign_id, device_id, platform, status, attempts, create_time, updated_at,
                     attempted_at, sent_at, delivered_at, opened_at)
VALUES (:a1, 10, 1, 'android', 'opened', 1, '2026-01-12 10:05+00', '2026-01-12 16:00+00',
        '2026-01-12 10:05+00', '2026-01-12 10:06+00', '2026-01-12 10:07+00', '2026-01-12 16:00+00');
SET LOCAL push_actions.unchecked_writes = on;
UPDATE actions SET opened_at = NULL WHERE app_id = :a1 AND campaign_id = 10;
RESET push_actions.unchecked_writes;
SELECT is((SELECT pg_temp.moments(action_id) FROM actions WHERE app_id = :a1 AND campaign_id = 10),
	'12 10:05 12 10:06 12 10:07', 'the cleared moment stays cleared');
SELECT pg_temp.in_step('a moment cleared');

-- a statement that moves nothing in the series (several rows: the general
-- way) writes no bucket
CREATE TEMP TABLE bucket_versions AS SELECT ctid::text AS v FROM push_actions_internal.time_buckets;
SET LOCAL push_actions.unchecked_writes = on;
UPDATE actions SET error_message = 'noted' WHERE push_id = 'aaaaaaaaaaaaaaaaaaaaaaa9';
RESET push_actions.unchecked_writes;
SELECT set_eq('SELECT ctid::text AS v FROM push_actions_internal.time_buckets', 'SELECT v FROM bucket_versions',
	'three rows updated, nothing in the series moved: no bucket written');

-- verify sees a bucket out of step, rebuild puts it back; the app's deletion ends the series; TRUNCATE empties them
UPDATE push_actions_internal.time_buckets SET reached = reached + '{"sent":1}' WHERE app_id = :a2 AND per_campaign AND hour = '2026-01-10 22:00+00';
SELECT is((SELECT string_agg(problem, ',') FROM verify_time_buckets()), 'different', 'verify_time_buckets() sees a changed bucket');
SELECT cmp_ok(rebuild_time_buckets(), '>', 0::bigint, 'rebuild_time_buckets()');
SELECT pg_temp.in_step('rebuild');
DELETE FROM apps WHERE app_id = :a1;
SELECT is((SELECT count(*)::int FROM push_actions_internal.time_buckets WHERE app_id = :a1)
          + (SELECT count(*)::int FROM push_actions_internal.time_buckets_deleted WHERE app_id = :a1), 0, 'deleting the app deletes its series');
SELECT pg_temp.in_step('the app deleted');
TRUNCATE actions CASCADE;
SELECT is((SELECT count(*)::int FROM push_actions_internal.time_buckets) + (SELECT count(*)::int FROM push_actions_internal.time_buckets_deleted),
	0, 'TRUNCATE empties the series with the roll-ups');

SELECT * FROM finish();
ROLLBACK;
