-- The operators, aggregates, casts and functions on push_status and
-- delivery_summary resolve with no set-up, whatever the session's
-- search_path: here an empty one, which is what a role whose own
-- search_path names none of our schemas sees.  Only the tables and views are
-- named with their schema.
BEGIN;
SET LOCAL search_path = '';
\set ECHO none
\i test/data/seed_245624.sql
\i test/data/multi_device.sql
\set ECHO all
SELECT count(*) FROM push_actions.actions WHERE status = 'failed';
SELECT count(*) FROM push_actions.actions WHERE status IN ('failed', 'bounced');
SELECT count(*) FROM push_actions.actions WHERE status <> 'sent' AND status >= 'failed';
SELECT min(status), max(status) FROM push_actions.actions;
SELECT delivery_summary(status) FROM push_actions.actions WHERE campaign_id = 777;
SELECT campaign_id, total(s), status_count(s, 'bounced'), pending(s), error_rate(s), status(s)
FROM (SELECT campaign_id, delivery_summary(status, attempts) AS s FROM push_actions.actions GROUP BY 1) c
ORDER BY 1;
SELECT s = a + b AS merged, (a + b)::jsonb -> 'failed' AS failed, s <> a AS differs
FROM (SELECT delivery_summary(status) AS s,
             delivery_summary(status) FILTER (WHERE campaign_id = 777) AS a,
             delivery_summary(status) FILTER (WHERE campaign_id IS DISTINCT FROM 777) AS b
      FROM push_actions.actions) t;
SELECT delivery_summary(summary) AS merged_summaries FROM push_actions.message_status WHERE campaign_id = 777;
SELECT push_id, profile_id, rollup_status(status) FROM push_actions.actions
WHERE campaign_id = 777 GROUP BY 1, 2 ORDER BY 1, 2;
SELECT is_final('attempted'), is_success('opened'), can_transition('sent', 'delivered');
SELECT status, count(*) FROM push_actions.message_status WHERE campaign_id = 777 GROUP BY 1 ORDER BY 1;
-- a parameter bound as a string, as pgjdbc's setString (varchar) and other
-- drivers (text) bind it: the string becomes a status, so the comparison is
-- the type's own and an index on status serves it
PREPARE by_varchar(varchar) AS SELECT count(*) FROM push_actions.actions WHERE status = $1;
PREPARE by_text(text) AS SELECT count(*) FROM push_actions.actions WHERE status IN ($1, 'bounced');
EXECUTE by_varchar('failed');
EXECUTE by_text('failed');
CREATE FUNCTION pg_temp.status_index_condition(query text) RETURNS boolean LANGUAGE plpgsql AS $$
DECLARE
	line text;
BEGIN
	-- only the type's own comparison can be an index condition on status
	SET LOCAL enable_seqscan = off;
	FOR line IN EXECUTE 'EXPLAIN ' || query LOOP
		IF line ~ 'Cond: .*status' THEN
			RETURN true;
		END IF;
	END LOOP;
	RETURN false;
END $$;
SELECT pg_temp.status_index_condition('EXECUTE by_varchar(''failed'')') AS varchar_parameter,
       pg_temp.status_index_condition('EXECUTE by_text(''failed'')') AS text_parameter,
       pg_temp.status_index_condition('SELECT 1 FROM push_actions.actions WHERE status::text = ''failed''') AS compared_as_text;
SAVEPOINT misspelt;
EXECUTE by_varchar('failing');
ROLLBACK TO misspelt;
-- the casts lead one way only: a string compared with a status becomes a
-- status (so a misspelt one is an error), never the other way round
SELECT 'failed'::text = 'failed'::push_actions.push_status AS text_to_status;
SAVEPOINT misspelt;
SELECT 'failed'::push_actions.push_status = 'Failed!'::text;
ROLLBACK TO misspelt;
DEALLOCATE ALL;
ROLLBACK;
