-- latency_sketch: text and binary forms, malformed input, the aggregates,
-- merging, quantile and duration_count, limits, NULLs, and parallel plans.
SET search_path = push_actions, public;

-- text form: canonical, round-trips, spaces between pairs are free
SELECT 'v1 zero:0'::latency_sketch AS empty,
       'v1 zero:2 -727:1 0:3 1091:1'::latency_sketch AS extremes,
       '  v1 zero:1   5:2  7:1 '::latency_sketch AS spaced;
SELECT s::text::latency_sketch = s AS text_round_trips
FROM (SELECT 'v1 zero:2 -727:1 0:3 1091:9223372036854775801'::latency_sketch AS s) x;
-- malformed
SELECT ''::latency_sketch;
SELECT 'v2 zero:0'::latency_sketch;
SELECT 'v1 zero:'::latency_sketch;
SELECT 'v1 zero:0 5'::latency_sketch;
SELECT 'v1 zero:0 5:'::latency_sketch;
SELECT 'v1 zero:0 5:1x'::latency_sketch;
SELECT 'v1 zero:0 5:1,6:1'::latency_sketch;
SELECT 'v1 zero:0 a:1'::latency_sketch;
SELECT 'v1 zero:0 5:1 5:1'::latency_sketch;
SELECT 'v1 zero:0 6:1 5:1'::latency_sketch;
SELECT 'v1 zero:0 5:0'::latency_sketch;
SELECT 'v1 zero:0 5:-1'::latency_sketch;
SELECT 'v1 zero:-1'::latency_sketch;
SELECT 'v1 zero:0 -728:1'::latency_sketch;
SELECT 'v1 zero:0 1092:1'::latency_sketch;
SELECT 'v1 zero:0 99999999999:1'::latency_sketch;
SELECT 'v1 zero:99999999999999999999'::latency_sketch;
SELECT 'v1 zero:9223372036854775807 1:1'::latency_sketch;
SELECT 'v1 zero:0 1:9223372036854775807 2:1'::latency_sketch;
\set VERBOSITY sqlstate
SELECT 'garbage'::latency_sketch;
SELECT 'v1 zero:0 1092:1'::latency_sketch;
\set VERBOSITY default

-- binary form: round-trips through COPY; malformed values refused
CREATE TEMP TABLE ls (s latency_sketch);
INSERT INTO ls VALUES ('v1 zero:0'), ('v1 zero:2 -727:1 0:3 1091:1'), ('v1 zero:0 100:9223372036854775807');
INSERT INTO ls SELECT latency_sketch(x) FROM generate_series(1, 10000) x;
SELECT '/tmp/push_actions_ls_' || pg_backend_pid() AS binfile \gset
COPY ls TO :'binfile' (FORMAT binary);
CREATE TEMP TABLE ls_in (s latency_sketch);
COPY ls_in FROM :'binfile' (FORMAT binary);
SELECT (SELECT array_agg(s::text ORDER BY s::text) FROM ls) = (SELECT array_agg(s::text ORDER BY s::text) FROM ls_in) AS binary_round_trips;
SELECT encode(latency_sketch_send('v1 zero:2 -1:3'), 'hex') AS binary_form;
-- version 2; a bin out of range; bins out of order; a count of 0; a negative zero count; bytes missing
COPY (SELECT decode('02' || '0000000000000000' || '00000000', 'hex')) TO :'binfile' (FORMAT binary);
COPY ls_in FROM :'binfile' (FORMAT binary);
COPY (SELECT decode('01' || '0000000000000000' || '00000001' || '0444' || '0000000000000001', 'hex')) TO :'binfile' (FORMAT binary);
COPY ls_in FROM :'binfile' (FORMAT binary);
COPY (SELECT decode('01' || '0000000000000000' || '00000002' || '0005' || '0000000000000001' || '0004' || '0000000000000001', 'hex')) TO :'binfile' (FORMAT binary);
COPY ls_in FROM :'binfile' (FORMAT binary);
COPY (SELECT decode('01' || '0000000000000000' || '00000001' || '0005' || '0000000000000000', 'hex')) TO :'binfile' (FORMAT binary);
COPY ls_in FROM :'binfile' (FORMAT binary);
COPY (SELECT decode('01' || 'ffffffffffffffff' || '00000000', 'hex')) TO :'binfile' (FORMAT binary);
COPY ls_in FROM :'binfile' (FORMAT binary);
COPY (SELECT decode('01' || '0000000000000000' || '00000002' || '0005' || '0000000000000001', 'hex')) TO :'binfile' (FORMAT binary);
COPY ls_in FROM :'binfile' (FORMAT binary);
COPY (SELECT decode('01' || '0000000000000000' || '7fffffff', 'hex')) TO :'binfile' (FORMAT binary);
COPY ls_in FROM :'binfile' (FORMAT binary);
SELECT typlen, typbyval, typalign, typstorage FROM pg_type WHERE oid = 'latency_sketch'::regtype;

-- the aggregates: seconds, intervals, sketches; NULLs skipped; no rows, NULL
SELECT latency_sketch(x) FROM (VALUES (0.0::float8), (1e-7), (1e-6), (1), (2), (NULL), (1e9)) v(x);
SELECT latency_sketch(x) FROM (VALUES (NULL::float8)) v(x);
SELECT latency_sketch(x) FROM generate_series(1, 0) x;
SELECT (SELECT latency_sketch(x) FROM (VALUES (interval '1 second'), (interval '2 seconds'), (interval '1 day'), (interval '1 mon'), (NULL)) v(x))
	= (SELECT latency_sketch(x) FROM (VALUES (1.0::float8), (2), (86400), (2592000)) v(x)) AS interval_as_seconds;
SELECT latency_sketch(s) FROM (VALUES ('v1 zero:1 3:1'::latency_sketch), (NULL), ('v1 zero:0 2:1 3:4')) v(s);
-- out of range
SELECT latency_sketch(x) FROM (VALUES (1.0::float8), (-0.001)) v(x);
SELECT latency_sketch(x) FROM (VALUES ('NaN'::float8)) v(x);
SELECT latency_sketch(x) FROM (VALUES ('Infinity'::float8)) v(x);
SELECT latency_sketch(x) FROM (VALUES (1e9 + 1)) v(x);
SELECT latency_sketch(x) FROM (VALUES (interval '-1 second')) v(x);

-- merging: + and the merge aggregate equal the aggregate of the union, in any grouping
SELECT (SELECT latency_sketch(x) FROM generate_series(1, 500) x) + (SELECT latency_sketch(x) FROM generate_series(501, 1000) x)
	= (SELECT latency_sketch(x) FROM generate_series(1, 1000) x) AS plus_is_union;
SELECT latency_sketch(s) = (SELECT latency_sketch(x * 0.37) FROM generate_series(1, 5000) x) AS merge_is_union
FROM (SELECT latency_sketch(x * 0.37) AS s FROM generate_series(1, 5000) x GROUP BY x % 13) g;
SELECT 'v1 zero:1 3:1'::latency_sketch + 'v1 zero:0' AS plus_empty,
       'v1 zero:1 3:1'::latency_sketch = 'v1 zero:1 3:1' AS eq, 'v1 zero:1 3:1'::latency_sketch <> 'v1 zero:1 3:2' AS ne,
       'v1 zero:1 3:1'::latency_sketch = 'v1 zero:0 3:1' AS eq_zero_differs;
SELECT 'v1 zero:0 1:9223372036854775807'::latency_sketch + 'v1 zero:0 1:1';
-- taking away, for kept state
SELECT push_actions_internal.latency_sketch_minus('v1 zero:2 3:2 4:1', 'v1 zero:1 3:2') AS minus;
SELECT push_actions_internal.latency_sketch_minus('v1 zero:2 3:2', 'v1 zero:0 4:1');
SELECT push_actions_internal.latency_sketch_minus('v1 zero:0 3:2', 'v1 zero:1');

-- duration_count and quantile: percentile_disc's rank, the bin's value within 0.95 %
SELECT duration_count(s), round(quantile(s, 0)::numeric, 9) AS q0, round(quantile(s, 0.5)::numeric, 9) AS q50,
       round(quantile(s, 1)::numeric, 9) AS q100
FROM (SELECT latency_sketch(x) AS s FROM generate_series(1, 1000) x) a;
SELECT quantile('v1 zero:3 0:1', 0.5) AS in_zero_bin, round(quantile('v1 zero:3 0:1', 0.76)::numeric, 9) AS past_it,
       quantile('v1 zero:0', 0.5) AS empty, duration_count('v1 zero:0') AS empty_count;
SELECT quantile('v1 zero:0 0:1', -0.01);
SELECT quantile('v1 zero:0 0:1', 1.01);
SELECT quantile('v1 zero:0 0:1', 'NaN');
SELECT quantile(NULL, 0.5), duration_count(NULL);
-- each bin's value is within the accuracy of the durations at its edges
SELECT count(*) AS durations, bool_and(abs(q - x) <= 0.0095 * x) AS edges_within_accuracy
FROM (SELECT x, quantile(latency_sketch(x), 0.5) AS q
      FROM (SELECT 1e-6 * power(1.0191822311963654, i) * (1 + e) AS x
            FROM generate_series(0, 1817) i, (VALUES (-1e-12), (1e-12)) v(e)) d
      WHERE x >= 1e-6 AND x <= 1e9 GROUP BY x) b;

-- parallel plans: partial aggregates combined give the serial answer
CREATE TABLE ls_par AS SELECT i, i % 7 AS grp, exp((hashint4(i) & 1023) / 80.0) / 1000 AS seconds FROM generate_series(1, 200000) i;
ANALYZE ls_par;
SELECT latency_sketch(seconds)::text AS serial_total FROM ls_par \gset
SELECT string_agg(s, ';' ORDER BY grp) AS serial_groups FROM (SELECT grp, latency_sketch(seconds)::text AS s FROM ls_par GROUP BY grp) g \gset
SET parallel_setup_cost = 0;
SET parallel_tuple_cost = 0;
SET min_parallel_table_scan_size = 0;
SET max_parallel_workers_per_gather = 2;
SET parallel_leader_participation = off;
EXPLAIN (COSTS OFF) SELECT latency_sketch(seconds) FROM ls_par;
EXPLAIN (COSTS OFF) SELECT grp, latency_sketch(seconds) FROM ls_par GROUP BY grp;
SELECT latency_sketch(seconds)::text = :'serial_total' AS parallel_total_equal FROM ls_par;
SELECT string_agg(s, ';' ORDER BY grp) = :'serial_groups' AS parallel_groups_equal
FROM (SELECT grp, latency_sketch(seconds)::text AS s FROM ls_par GROUP BY grp) g;
RESET parallel_setup_cost;
RESET parallel_tuple_cost;
RESET min_parallel_table_scan_size;
RESET max_parallel_workers_per_gather;
RESET parallel_leader_participation;
DROP TABLE ls_par;
