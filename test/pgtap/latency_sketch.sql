-- latency_sketch's accuracy against exact quantiles (percentile_disc) on
-- skewed, heavy-tailed and bimodal durations, 100,000 of each: every quantile
-- from p1 to p99, and p0 and p100, within 1 % (the construction gives 0.95 %).
-- Merging equals sketching the union, whatever the grouping or order; and
-- states that grow downwards, upwards and across the whole range.
BEGIN;
SET search_path = push_actions, public;
SELECT plan(14);

SELECT setseed(0.42);
CREATE TEMP TABLE d (shape text, seconds double precision);
-- a log-normal around 2 s (push sends), Box-Muller from two uniforms
INSERT INTO d SELECT 'lognormal', exp(ln(2) + 1.2 * sqrt(-2 * ln(1 - random())) * cos(2 * pi() * random()))
FROM generate_series(1, 100000);
-- a Pareto tail from 50 ms (device-reported opens)
INSERT INTO d SELECT 'pareto', 0.05 / power(1 - random(), 1 / 1.1) FROM generate_series(1, 100000);
-- two modes: delivered within a second, or hours later when the device wakes
INSERT INTO d SELECT 'bimodal', CASE WHEN random() < 0.7 THEN 0.2 + 0.6 * random() ELSE 3600 * (1 + 8 * random()) END
FROM generate_series(1, 100000);
-- an exponential with a mean of 30 s
INSERT INTO d SELECT 'exponential', -30 * ln(1 - random()) FROM generate_series(1, 100000);
ANALYZE d;

CREATE TEMP TABLE q AS SELECT unnest(ARRAY[0, 0.01, 0.05, 0.1, 0.25, 0.5, 0.75, 0.9, 0.95, 0.99, 0.999, 1]::float8[]) AS q;
CREATE TEMP TABLE errors AS
SELECT x.shape, q.q, abs(quantile(x.sketch, q.q) - exact.v) / exact.v AS relative_error
FROM (SELECT shape, latency_sketch(seconds) AS sketch FROM d GROUP BY shape) x
CROSS JOIN q
CROSS JOIN LATERAL (SELECT percentile_disc(q.q) WITHIN GROUP (ORDER BY seconds) AS v FROM d WHERE d.shape = x.shape) exact;

SELECT is((SELECT count(*)::int FROM errors), 48, 'four shapes, twelve quantiles each');
SELECT is((SELECT array_agg(shape || ' p' || q * 100 || ': ' || relative_error ORDER BY shape, q) FROM errors WHERE relative_error > 0.01),
	NULL, 'every quantile of every shape is within 1 % of the exact one');
SELECT cmp_ok((SELECT max(relative_error) FROM errors), '<=', 0.0095::float8, 'and within the construction''s 0.95 %');
SELECT cmp_ok((SELECT max(relative_error) FROM errors), '>', 0.001::float8, 'an error there is: the sketch is not the data');
SELECT is((SELECT count(*)::int FROM (SELECT shape, quantile(latency_sketch(seconds), q.q) AS v, q.q FROM d, q GROUP BY shape, q.q) s
           WHERE v < (SELECT max(quantile) FROM (SELECT quantile(latency_sketch(d2.seconds), q2.q) FROM d d2, q q2
                                                 WHERE d2.shape = s.shape AND q2.q < s.q GROUP BY q2.q) p)), 0,
	'a higher quantile is never a shorter duration');
SELECT is((SELECT sum(duration_count(s))::int FROM (SELECT latency_sketch(seconds) AS s FROM d GROUP BY shape) x), 400000, 'duration_count counts every duration');

-- merging: in groups, in any order, by + or by the merge aggregate, equals the union's sketch
SELECT ok((SELECT latency_sketch(s) FROM (SELECT latency_sketch(seconds) AS s FROM d GROUP BY hashtext(shape || seconds) % 17) g)
          = (SELECT latency_sketch(seconds) FROM d), 'the merge of 17 random groups is the sketch of all');
SELECT ok((SELECT latency_sketch(seconds ORDER BY seconds DESC) FROM d) = (SELECT latency_sketch(seconds ORDER BY seconds) FROM d),
	'the order durations come in does not matter (states grown downwards and upwards)');
SELECT ok((SELECT a + b FROM (SELECT latency_sketch(seconds) FILTER (WHERE shape = 'pareto') AS a,
                                     latency_sketch(seconds) FILTER (WHERE shape <> 'pareto') AS b FROM d) x)
          = (SELECT latency_sketch(seconds) FROM d), '+ of two parts is the sketch of all');
SELECT ok((SELECT (a + b) + c = a + (b + c) FROM (SELECT latency_sketch(seconds) FILTER (WHERE shape = 'pareto') AS a,
                                                        latency_sketch(seconds) FILTER (WHERE shape = 'bimodal') AS b,
                                                        latency_sketch(seconds) FILTER (WHERE shape = 'lognormal') AS c FROM d) x),
	'+ is associative');
SELECT ok((SELECT push_actions_internal.latency_sketch_minus(latency_sketch(seconds), latency_sketch(seconds) FILTER (WHERE shape = 'pareto')) FROM d)
          = (SELECT latency_sketch(seconds) FROM d WHERE shape <> 'pareto'), 'taking a part away leaves the sketch of the rest');

-- the whole range in one state: from the smallest bin to the largest, and the zero bin
SELECT is((SELECT latency_sketch(x)::text FROM (VALUES (1e9::float8), (0), (1e-6), (1)) v(x)), 'v1 zero:1 -727:1 0:1 1091:1',
	'durations at both ends of the range, and zero');
SELECT is((SELECT duration_count(latency_sketch(power(10, i / 100.0))) FROM generate_series(-600, 900) i), 1501::bigint,
	'one state grown across the fifteen decades');
SELECT is((SELECT count(*)::int FROM (SELECT quantile(s, k / 1500.0) AS v, power(10, (k - 600) / 100.0) AS x
                                     FROM (SELECT latency_sketch(power(10, i / 100.0)) AS s FROM generate_series(-600, 900) i) a,
                                          generate_series(1, 1500) k) e
           WHERE abs(v - x) > 0.0095 * x), 0, 'and every one of them found within the accuracy');

SELECT * FROM finish();
ROLLBACK;
