-- Actions refer to their app and push through statement-level checks (fast
-- COPY) that behave like foreign keys: no orphan in, cascades out, keys fixed,
-- and the parent locked against a concurrent delete.
BEGIN;
SET search_path = push_actions, public;
SELECT plan(23);

INSERT INTO apps (app_id, name, token_hash) VALUES (900, 'refs', sha256(convert_to('REFS', 'UTF8')));
INSERT INTO pushes (push_id, app_id, payload, expires_at)
VALUES ('900000000000000000000001', 900, '{}', now() + interval '1 day'),
       ('900000000000000000000002', 900, '{}', now() + interval '1 day');

SELECT lives_ok($$INSERT INTO actions (app_id, push_id, device_id, platform, status)
                  SELECT 900, '900000000000000000000001', i, 'ios', 'attempted' FROM generate_series(1, 3) i$$,
                'actions of an existing push go in');
SELECT lives_ok($$INSERT INTO actions (app_id, device_id, platform, status) VALUES (900, 7, 'web', 'attempted')$$,
                'an action without a push needs only its app');
SELECT throws_ok($$INSERT INTO actions (app_id, device_id, platform, status) VALUES (901, 1, 'ios', 'attempted')$$,
                 '23503', 'insert on table "actions" violates its reference to "apps"', 'unknown app refused');
SELECT throws_ok($$INSERT INTO actions (app_id, push_id, device_id, platform, status) VALUES (900, 'ffffffffffffffffffffffff', 1, 'ios', 'attempted')$$,
                 '23503', 'insert on table "actions" violates its reference to "pushes"', 'unknown push refused');
SELECT throws_ok($$INSERT INTO actions (app_id, push_id, device_id, platform, status)
                   VALUES (900, '900000000000000000000001', 1, 'ios', 'attempted'), (900, '900000000000000000000009', 2, 'ios', 'attempted')$$,
                 '23503', NULL, 'one orphan in a multi-row insert refuses the whole statement');
SELECT is((SELECT count(*)::int FROM actions WHERE app_id = 900), 4, 'the refused statements inserted nothing');
-- the error names the missing key, found among many good rows
CREATE FUNCTION pg_temp.refusal_detail(stmt text) RETURNS text LANGUAGE plpgsql AS $f$
DECLARE detail text;
BEGIN
	EXECUTE stmt;
	RETURN 'no error';
EXCEPTION WHEN foreign_key_violation THEN
	GET STACKED DIAGNOSTICS detail = PG_EXCEPTION_DETAIL;
	RETURN detail;
END
$f$;
SELECT is(pg_temp.refusal_detail($$INSERT INTO actions (app_id, push_id, device_id, platform, status)
          SELECT 900, CASE WHEN i = 700 THEN '900000000000000000000777' ELSE '900000000000000000000001' END, i, 'ios', 'attempted'
          FROM generate_series(1, 1000) i$$),
          'Key (app_id, push_id)=(900, 900000000000000000000777) is not present in table "pushes".',
          'the missing push among 1,000 rows is named');
SELECT is(pg_temp.refusal_detail($$INSERT INTO actions (app_id, device_id, platform, status)
          SELECT CASE WHEN i = 300 THEN 903 ELSE 900 END, i, 'web', 'attempted' FROM generate_series(1, 1000) i$$),
          'Key (app_id)=(903) is not present in table "apps".',
          'the missing app among 1,000 rows is named');
SELECT throws_ok($$INSERT INTO actions (app_id, push_id, device_id, platform, status) VALUES (2, '900000000000000000000001', 1, 'ios', 'attempted')$$,
                 '23503', NULL, 'a push of another app is no parent');

SELECT throws_ok($$UPDATE actions SET push_id = '900000000000000000000002' WHERE app_id = 900 AND push_id IS NOT NULL$$,
                 '23503', 'the keys of table "actions" cannot change', 'an action cannot move to another push');
SELECT throws_ok($$UPDATE pushes SET push_id = '900000000000000000000003' WHERE push_id = '900000000000000000000001'$$,
                 '23503', 'the keys of table "pushes" cannot change', 'a push id cannot change');
SELECT throws_ok($$UPDATE apps SET app_id = 902 WHERE app_id = 900$$,
                 '23503', 'the keys of table "apps" cannot change', 'an app id cannot change');
SELECT lives_ok($$UPDATE actions SET status = 'expired' WHERE app_id = 900$$, 'other columns change freely');

DELETE FROM pushes WHERE push_id = '900000000000000000000001';
SELECT is((SELECT count(*)::int FROM actions WHERE app_id = 900 AND push_id IS NOT NULL), 0,
          'deleting a push deletes its actions');
DELETE FROM apps WHERE app_id = 900;
SELECT is((SELECT count(*)::int FROM actions WHERE app_id = 900) + (SELECT count(*)::int FROM pushes WHERE app_id = 900), 0,
          'deleting an app deletes its pushes and all its actions');

-- Another session inserts an action of a push and has not committed: deleting
-- the push must wait for it, as with a foreign key (here: time out).
SELECT dblink_connect('setup', 'dbname=' || current_database());
SELECT dblink_exec('setup', $$INSERT INTO push_actions.apps (app_id, name, token_hash) VALUES (910, 'lock', sha256('\x01'::bytea));
	INSERT INTO push_actions.pushes (push_id, app_id, payload, expires_at) VALUES ('910000000000000000000001', 910, '{}', now() + interval '1 day')$$);
SELECT dblink_connect('writer', 'dbname=' || current_database());
SELECT dblink_exec('writer', 'BEGIN');
SELECT dblink_exec('writer', $$INSERT INTO push_actions.actions (app_id, push_id, device_id, platform, status) VALUES (910, '910000000000000000000001', 1, 'android', 'attempted')$$);
SET LOCAL lock_timeout = '300ms';
SELECT throws_ok($$DELETE FROM push_actions.pushes WHERE push_id = '910000000000000000000001'$$,
                 '55P03', NULL, 'the parent push is locked while the insert is uncommitted');
SELECT is((SELECT push_actions.purge(now() + interval '2 days')), 0::bigint, 'purge skips the locked push');
SELECT dblink_exec('writer', 'COMMIT');
SELECT dblink_disconnect('writer');
SELECT is(dblink_exec('setup', $$DELETE FROM push_actions.apps WHERE app_id = 910$$), 'DELETE 1', 'then it can go');
SELECT dblink_disconnect('setup');
-- the timeout was for the waits above; the DDL below may wait for an
-- autovacuum of the tables, which gives way only after deadlock_timeout
RESET lock_timeout;

-- pg_upgrade re-creates the declared foreign keys with their row-level
-- triggers enabled; the references must still hold, only slower
SELECT is(set_reference_key_triggers(true), 8, 'the 8 row-level triggers of the declared keys switch on');
INSERT INTO apps (app_id, name, token_hash) VALUES (920, 'upgraded', sha256(convert_to('UPGRADED', 'UTF8')));
INSERT INTO pushes (push_id, app_id, payload, expires_at)
VALUES ('920000000000000000000001', 920, '{}', now() + interval '1 day');
SELECT lives_ok($$INSERT INTO actions (app_id, push_id, device_id, platform, status)
                  SELECT 920, '920000000000000000000001', i, 'ios', 'attempted' FROM generate_series(1, 3) i$$,
                'with the keys'' triggers enabled (as after pg_upgrade), actions of an existing push go in');
SELECT throws_ok($$INSERT INTO actions (app_id, push_id, device_id, platform, status) VALUES (920, 'ffffffffffffffffffffffff', 1, 'ios', 'attempted')$$,
                 '23503', NULL, '... an unknown push is refused');
SELECT lives_ok($$DELETE FROM pushes WHERE push_id = '920000000000000000000001'$$,
                '... deleting a push with actions succeeds (the keys cascade too)');
SELECT is((SELECT count(*)::int FROM actions WHERE push_id = '920000000000000000000001'), 0, '... and its actions are gone');

SELECT * FROM finish();
ROLLBACK;
