-- The aggregates run in parallel plans (Partial Aggregate + combine) and give
-- the same answers as serial plans, on 200,000 actions.
SET search_path = push_actions, public;
CREATE TABLE par (id int, grp int, person int, status push_status, attempts smallint);
INSERT INTO par
SELECT i, i % 7, i % 5003,
       (ARRAY['scheduled','attempted','sent','delivered','opened','converted','failed','bounced','expired'])
         [1 + (hashint4(i) & 2147483647) % 9]::push_status,
       (hashint4(i * 7) & 2147483647) % 11
FROM generate_series(1, 200000) i;
ANALYZE par;

SET parallel_setup_cost = 0;
SET parallel_tuple_cost = 0;
SET min_parallel_table_scan_size = 0;
SET max_parallel_workers_per_gather = 2;
SET parallel_leader_participation = off;

-- the queries compared below, planned in parallel
EXPLAIN (COSTS OFF) SELECT delivery_summary(status, attempts)::text FROM par;
EXPLAIN (COSTS OFF) SELECT string_agg(r, ';' ORDER BY grp) FROM
	(SELECT grp, rollup_status(status)::text || ':' || delivery_summary(status)::text AS r FROM par GROUP BY grp) g;
EXPLAIN (COSTS OFF) SELECT md5(string_agg(r, ';' ORDER BY person)) FROM
	(SELECT person, rollup_status(status)::text AS r FROM par GROUP BY person) g;
EXPLAIN (COSTS OFF) SELECT delivery_summary(s) FROM (SELECT delivery_summary(status) AS s FROM par GROUP BY grp) x;

-- workers really run (not only planned)
CREATE FUNCTION pg_temp.plan_lines(q text) RETURNS SETOF text LANGUAGE plpgsql AS $$
DECLARE line text;
BEGIN
	FOR line IN EXECUTE 'EXPLAIN (ANALYZE, COSTS OFF, TIMING OFF, SUMMARY OFF) ' || q LOOP
		IF line ~ '(Workers Launched|Partial Aggregate|Finalize Aggregate)' THEN RETURN NEXT btrim(line); END IF;
	END LOOP;
END $$;
SELECT * FROM pg_temp.plan_lines('SELECT delivery_summary(status, attempts) FROM par');

SELECT delivery_summary(status, attempts)::text AS p_total FROM par \gset
SELECT string_agg(r, ';' ORDER BY grp) AS p_groups FROM
	(SELECT grp, rollup_status(status)::text || ':' || delivery_summary(status)::text AS r FROM par GROUP BY grp) g \gset
SELECT md5(string_agg(r, ';' ORDER BY person)) AS p_persons FROM
	(SELECT person, rollup_status(status)::text AS r FROM par GROUP BY person) g \gset

SET max_parallel_workers_per_gather = 0;
EXPLAIN (COSTS OFF) SELECT delivery_summary(status, attempts)::text FROM par;
SELECT delivery_summary(status, attempts)::text AS s_total FROM par \gset
SELECT string_agg(r, ';' ORDER BY grp) AS s_groups FROM
	(SELECT grp, rollup_status(status)::text || ':' || delivery_summary(status)::text AS r FROM par GROUP BY grp) g \gset
SELECT md5(string_agg(r, ';' ORDER BY person)) AS s_persons FROM
	(SELECT person, rollup_status(status)::text AS r FROM par GROUP BY person) g \gset

SELECT :'p_total' = :'s_total' AS same_total, :'p_groups' = :'s_groups' AS same_groups,
       :'p_persons' = :'s_persons' AS same_persons, :'p_total' AS total;
-- and against plain SQL counting, so the parallel answer is not merely self-consistent
SELECT total(t) = 200000 AS all_rows,
       status_count(t, 'failed') = (SELECT count(*) FROM par WHERE status = 'failed') AS failed_matches,
       (t::jsonb ->> 'attempts')::bigint = (SELECT sum(attempts) FROM par) AS attempts_match
FROM (SELECT :'p_total'::delivery_summary AS t) x;
DROP TABLE par;
