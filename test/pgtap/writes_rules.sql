-- The state machine on every write path: an UPDATE that takes an action a
-- step the machine does not allow, and an INSERT or COPY of an action where
-- no sequence of the write API's calls leads, are refused with 55000 and
-- the states named, whoever runs them; real histories load; the table's
-- owner may repair data with push_actions.unchecked_writes.
BEGIN;
SET search_path = push_actions, public;
SELECT plan(31);

CREATE TEMP TABLE app AS SELECT * FROM create_app('Ruled app');
SELECT app_id AS app FROM app \gset
SELECT create_push(:app, '{}', '[{"device_id":1,"token":"secret-token-1","platform":"android"},
	{"device_id":2,"token":"secret-token-2","platform":"ios"},{"device_id":3,"token":"secret-token-3","platform":"web"}]', 5) AS push \gset
SELECT action_id AS a1 FROM actions WHERE push_id = :'push' AND device_id = 1 \gset
SELECT action_id AS a2 FROM actions WHERE push_id = :'push' AND device_id = 2 \gset
SELECT action_id AS a3 FROM actions WHERE push_id = :'push' AND device_id = 3 \gset
SELECT record_attempt(:a1, false, 'Unavailable', permanent => true);   -- failed, 1 attempt
SELECT record_attempt(:a2, false, 'timeout');                          -- attempted, 1 attempt
SELECT record_attempt(:a3, true);                                      -- sent, 1 attempt

-- UPDATEs the API would refuse
SELECT throws_ok(format('UPDATE actions SET status = ''scheduled'' WHERE action_id = %s', :a1),
	'55000', format('action %s cannot go from failed to scheduled', :a1), 'failed back to scheduled is refused');
SELECT throws_ok(format('UPDATE actions SET status = ''delivered'' WHERE action_id = %s', :a2),
	'55000', format('action %s cannot go from attempted to delivered', :a2), 'attempted to delivered skips the send and is refused');
SELECT throws_ok(format('UPDATE actions SET attempts = 7 WHERE action_id = %s', :a2),
	'55000', format('action %s cannot go from attempted with 1 attempts to attempted with 7 attempts', :a2), 'attempts cannot jump');
SELECT throws_ok(format('UPDATE actions SET attempts = 0 WHERE action_id = %s', :a3),
	'55000', format('action %s cannot go from sent with 1 attempts to sent with 0 attempts', :a3), 'attempts cannot go back');
SELECT throws_ok(format('UPDATE actions SET status = ''attempted'', attempts = 2 WHERE action_id = %s', :a3),
	'55000', format('action %s cannot go from sent with 1 attempts to attempted with 2 attempts', :a3), 'a sent action is not attempted again');
SELECT throws_ok(format('UPDATE actions SET status = ''sent'', attempts = 2 WHERE action_id = %s', :a1),
	'55000', format('action %s cannot go from failed with 1 attempts to sent with 2 attempts', :a1), 'a failed action is sent only after retry');
SELECT throws_ok(format('UPDATE actions SET attempts = 11 WHERE action_id = %s', :a2),
	'23514', NULL, 'more than 10 attempts breaks the table''s CHECK');
SELECT results_eq(format('SELECT status::text, attempts::int FROM actions WHERE action_id IN (%s, %s, %s) ORDER BY action_id', :a1, :a2, :a3),
	$$VALUES ('failed', 1), ('attempted', 1), ('sent', 1)$$, 'refused updates changed nothing');
-- one statement, several actions: refused whole, with the count
SELECT throws_like(format('UPDATE actions SET status = ''opened'' WHERE action_id IN (%s, %s, %s)', :a1, :a2, :a3),
	'%cannot go from % to opened', 'a statement with a refused row is refused');
SELECT E'2 of the statement''s 3 changed actions take a step the state machine does not allow; it changed nothing.\n'
	'Change actions with record_attempt, record_event and retry (can_transition() lists the steps); to repair data, the owner of push_actions.actions can SET push_actions.unchecked_writes = on.' AS detail \gset
CREATE FUNCTION pg_temp.error_of(statement text) RETURNS text LANGUAGE plpgsql AS $$
DECLARE message text; detail text; hint text;
BEGIN
	EXECUTE statement;
	RETURN 'no error';
EXCEPTION WHEN OTHERS THEN
	GET STACKED DIAGNOSTICS message = MESSAGE_TEXT, detail = PG_EXCEPTION_DETAIL, hint = PG_EXCEPTION_HINT;
	RETURN SQLSTATE || ': ' || message || E'\n' || detail || E'\n' || hint;
END $$;
-- (which refused row comes first is the order the UPDATE met them in)
SELECT ok(pg_temp.error_of(format('UPDATE actions SET status = ''opened'' WHERE action_id IN (%s, %s, %s)', :a1, :a2, :a3))
	IN (format(E'55000: action %s cannot go from failed to opened\n%s', :a1, :'detail'),
	    format(E'55000: action %s cannot go from attempted to opened\n%s', :a2, :'detail')),
	'the error names the first action and both states, counts the others, and says what to do');
SELECT is((SELECT count(*)::int FROM actions a, pg_temp.error_of(format('UPDATE actions SET status = ''scheduled'' WHERE action_id = %s', :a1)) e
           WHERE a.device_token IS NOT NULL AND position(a.device_token IN e) > 0), 0, 'no error shows a token');

-- UPDATEs one API call could make are accepted
UPDATE actions SET status = 'delivered' WHERE action_id = :a3;
UPDATE actions SET status = 'sent', attempts = 2, error_message = NULL WHERE action_id = :a2;
UPDATE actions SET status = 'attempted' WHERE action_id = :a1;
UPDATE actions SET error_message = 'noted' WHERE action_id = :a1;
SELECT results_eq(format('SELECT status::text, attempts::int FROM actions WHERE action_id IN (%s, %s, %s) ORDER BY action_id', :a1, :a2, :a3),
	$$VALUES ('attempted', 1), ('sent', 2), ('delivered', 1)$$,
	'an event, a send attempt, a retry and a change of other columns are accepted');
UPDATE actions SET status = 'opened' WHERE action_id IN (:a2, :a3);
SELECT is((SELECT count(*)::int FROM actions WHERE action_id IN (:a2, :a3) AND status = 'opened'), 2, 'so is a statement of allowed steps');

-- INSERT and COPY: only where the API leads
SELECT throws_ok(format($$INSERT INTO actions (app_id, campaign_id, device_id, platform, status) VALUES (%s, 5, 10, 'android', 'sent')$$, :app),
	'55000', NULL, 'a sent action with 0 attempts is refused');
SELECT alike(pg_temp.error_of(format($$INSERT INTO actions (app_id, campaign_id, device_id, platform, status) VALUES (%s, 5, 10, 'android', 'sent')$$, :app)),
	E'55000: action % cannot start as sent with 0 attempts\n1 of the statement''s 1 actions are where no sequence of the write API''s calls leads: scheduled has 0 attempts, attempted 0 to 9, expired any number, every other status at least 1; it wrote nothing.\n%',
	'the error names the action, its state and what each status needs');
SELECT throws_ok(format($$INSERT INTO actions (app_id, device_id, platform, status, attempts) VALUES (%s, 10, 'android', 'scheduled', 1)$$, :app),
	'55000', NULL, 'a scheduled action with an attempt is refused');
SELECT throws_ok(format($$INSERT INTO actions (app_id, device_id, platform, status, attempts) VALUES (%s, 10, 'android', 'attempted', 10)$$, :app),
	'55000', NULL, 'an attempted action with 10 attempts is refused (the 10th fails it)');
SELECT throws_ok(format($$INSERT INTO actions (app_id, device_id, platform, status, attempts) VALUES (%s, 10, 'android', 'delivered', 0)$$, :app),
	'55000', NULL, 'a delivered action with 0 attempts is refused');
CREATE TEMP TABLE history (status push_status, attempts smallint);
INSERT INTO history VALUES ('scheduled', 0), ('attempted', 0), ('attempted', 9), ('sent', 1), ('delivered', 3), ('opened', 1),
	('converted', 2), ('failed', 10), ('failed', 1), ('bounced', 1), ('expired', 0), ('expired', 4), ('expired', 10);
SELECT lives_ok(format($$INSERT INTO actions (app_id, campaign_id, device_id, platform, status, attempts)
	SELECT %s, 6, row_number() OVER (), 'android', status, attempts FROM history$$, :app),
	'a real history loads: every reachable status with its attempts');
CREATE FUNCTION pg_temp.copy_rows(app bigint, rows text) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
	EXECUTE format('COPY push_actions.actions (app_id, campaign_id, device_id, platform, status, attempts) FROM PROGRAM %L (FORMAT csv)',
	               'printf "' || replace(rows, '$', app::text) || '"');
END $$;
SELECT pg_temp.copy_rows(:app, '$,6,100,android,delivered,2\n$,6,101,ios,bounced,1\n');
SELECT is((SELECT count(*)::int FROM actions WHERE campaign_id = 6), 15, 'and so does a COPY of one');
SELECT throws_ok(format($$SELECT pg_temp.copy_rows(%s, '$,6,200,android,delivered,2\n$,6,201,android,sent,0\n')$$, :app),
	'55000', NULL, 'a COPY with one unreachable row is refused');
SELECT is((SELECT count(*)::int FROM actions WHERE campaign_id = 6), 15, 'and writes nothing');

-- every role: a role granted the tables, even with the setting on, is refused
CREATE ROLE pa_rules_backend;
GRANT USAGE ON SCHEMA push_actions TO pa_rules_backend;
GRANT SELECT, INSERT, UPDATE ON push_actions.actions TO pa_rules_backend;
SET LOCAL ROLE pa_rules_backend;
SET LOCAL push_actions.unchecked_writes = on;
SELECT set_config('pa.backend_update', pg_temp.error_of(format('UPDATE push_actions.actions SET status = ''scheduled'' WHERE action_id = %s', :a1)), true);
SELECT set_config('pa.backend_insert', pg_temp.error_of(format($$INSERT INTO push_actions.actions (app_id, device_id, platform, status) VALUES (%s, 10, 'android', 'converted')$$, :app)), true);
RESET ROLE;
SELECT alike(current_setting('pa.backend_update'), '55000: action % cannot go from attempted to scheduled%', 'another role''s UPDATE is refused, the setting notwithstanding');
SELECT alike(current_setting('pa.backend_insert'), '55000: action % cannot start as converted with 0 attempts%', 'and so is its INSERT');
-- the owner may repair data
SET LOCAL push_actions.unchecked_writes = on;
UPDATE actions SET status = 'scheduled', attempts = 0 WHERE action_id = :a1;
INSERT INTO actions (app_id, campaign_id, device_id, platform, status) VALUES (:app, 6, 300, 'android', 'sent');
SELECT is((SELECT status::text || attempts FROM actions WHERE action_id = :a1), 'scheduled0', 'the owner with the setting on repairs an action');
SELECT is((SELECT count(*)::int FROM actions WHERE campaign_id = 6 AND device_id = 300), 1, 'and loads one as it was');
SELECT is_empty('SELECT * FROM push_actions.verify_rollups()', 'the kept roll-ups follow repairs too');
-- a row where the API never leads (loaded before 1.2, or repaired) still
-- takes every step the machine allows, and its other columns change
INSERT INTO actions (app_id, campaign_id, device_id, platform, status) VALUES (:app, 6, 301, 'android', 'sent') RETURNING action_id AS legacy \gset
RESET push_actions.unchecked_writes;
UPDATE actions SET error_message = 'kept' WHERE action_id = :legacy;
SELECT is(record_event(:legacy, 'delivered'), 'delivered'::push_status, 'a row loaded unreachable still takes allowed steps');
SELECT is((SELECT error_message || ':' || attempts FROM actions WHERE action_id = :legacy), 'kept:0', 'and its other columns change');
SET LOCAL push_actions.unchecked_writes = off;
SELECT throws_ok(format('UPDATE actions SET status = ''failed'' WHERE action_id = %s', :a1), '55000', NULL, 'with the setting off again the machine holds');
SET LOCAL push_actions.unchecked_writes = 'maybe';
SELECT throws_ok(format('UPDATE actions SET status = ''failed'' WHERE action_id = %s', :a1), '55000', NULL, 'a setting that is not a boolean is off');

SELECT * FROM finish();
ROLLBACK;
