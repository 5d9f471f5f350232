-- delivery_summary: text form, malformed input, binary I/O, jsonb, merging, functions
SET search_path = push_actions, public;

-- canonical output, any key order in, missing keys are 0, whitespace allowed
SELECT '{}'::delivery_summary;
SELECT '{"attempts":5,"failed":1,"sent":2,"attempted":1}'::delivery_summary;
SELECT ' { "expired" : 3 , "scheduled":0 } '::delivery_summary;
SELECT '{"scheduled":9223372036854775807}'::delivery_summary;
SELECT '{"scheduled":0,"attempted":1,"sent":2,"delivered":3,"opened":4,"converted":5,"failed":6,"bounced":7,"expired":8,"attempts":9}'::delivery_summary;

-- the text form round-trips exactly
SELECT s::text::delivery_summary = s AS round_trips, s::text = t AS same_text
FROM (VALUES ('{"scheduled":1,"attempted":2,"sent":3,"delivered":4,"opened":5,"converted":6,"failed":7,"bounced":8,"expired":9,"attempts":10}')) v(t),
     LATERAL (SELECT t::delivery_summary AS s) x;

-- malformed input: each error names the problem
SELECT ''::delivery_summary;
SELECT '[]'::delivery_summary;
SELECT 'null'::delivery_summary;
SELECT '{'::delivery_summary;
SELECT '{"sent":1'::delivery_summary;
SELECT '{"sent":1,}'::delivery_summary;
SELECT '{"sent" 1}'::delivery_summary;
SELECT '{sent:1}'::delivery_summary;
SELECT '{"sent:1}'::delivery_summary;
SELECT '{"sent":1} x'::delivery_summary;
SELECT '{"sent":1}{}'::delivery_summary;
SELECT '{"Sent":1}'::delivery_summary;
SELECT '{"pending":1}'::delivery_summary;
SELECT '{"":1}'::delivery_summary;
SELECT '{"sent":1,"sent":2}'::delivery_summary;
SELECT '{"sent":-1}'::delivery_summary;
SELECT '{"attempts":-5}'::delivery_summary;
SELECT '{"sent":1.5}'::delivery_summary;
SELECT '{"sent":1e3}'::delivery_summary;
SELECT '{"sent":-1.5}'::delivery_summary;
SELECT '{"sent":"1"}'::delivery_summary;
SELECT '{"sent":true}'::delivery_summary;
SELECT '{"sent":null}'::delivery_summary;
SELECT '{"sent":01}'::delivery_summary;
SELECT '{"sent":+1}'::delivery_summary;
SELECT '{"sent":9223372036854775808}'::delivery_summary;
SELECT '{"sent":99999999999999999999999}'::delivery_summary;
SELECT '{"sent":[1]}'::delivery_summary;
\set VERBOSITY sqlstate
SELECT '{"failed":-1}'::delivery_summary;
SELECT '{"failed":1.0}'::delivery_summary;
SELECT '{"failed":18446744073709551616}'::delivery_summary;
\set VERBOSITY default

-- binary send/recv round-trip through COPY, and negative counts refused
CREATE TEMP TABLE ds (s delivery_summary);
INSERT INTO ds VALUES ('{"sent":2,"failed":1,"attempts":5}'), ('{}'), ('{"expired":9223372036854775807}');
SELECT '/tmp/push_actions_ds_' || pg_backend_pid() AS binfile \gset
COPY ds TO :'binfile' (FORMAT binary);
CREATE TEMP TABLE ds_in (s delivery_summary);
COPY ds_in FROM :'binfile' (FORMAT binary);
SELECT (SELECT array_agg(s::text ORDER BY s::text) FROM ds) = (SELECT array_agg(s::text ORDER BY s::text) FROM ds_in) AS binary_round_trips;
-- a hand-made 80-byte value with "sent" = -1
CREATE TEMP TABLE raw (b bytea);
INSERT INTO raw VALUES (decode(repeat('00', 16) || 'ffffffffffffffff' || repeat('00', 56), 'hex'));
COPY (SELECT b FROM raw) TO :'binfile' (FORMAT binary);
COPY ds_in FROM :'binfile' (FORMAT binary);
-- 79 and 81 bytes
COPY (SELECT decode(repeat('00', 79), 'hex')) TO :'binfile' (FORMAT binary);
COPY ds_in FROM :'binfile' (FORMAT binary);
COPY (SELECT decode(repeat('00', 81), 'hex')) TO :'binfile' (FORMAT binary);
COPY ds_in FROM :'binfile' (FORMAT binary);
SELECT typlen, typbyval, typalign, typstorage FROM pg_type WHERE oid = 'delivery_summary'::regtype;

-- jsonb, merging, equality
SELECT '{"sent":2,"attempts":3}'::delivery_summary::jsonb;
SELECT ('{"sent":2,"attempts":3}'::delivery_summary::jsonb ->> 'sent')::int AS sent;
SELECT '{"sent":2,"attempts":3}'::delivery_summary + '{"sent":1,"failed":4}' AS merged;
SELECT '{"sent":2}'::delivery_summary = '{"sent":2,"failed":0}' AS eq,
       '{"sent":2}'::delivery_summary <> '{"sent":3}' AS ne,
       '{"sent":2}'::delivery_summary = '{"opened":2}' AS eq_other;
SELECT '{"sent":9223372036854775807}'::delivery_summary + '{"sent":1}';
SELECT '{"attempts":9223372036854775807}'::delivery_summary + '{"attempts":1}';

-- functions on a summary
SELECT total(s), status_count(s, 'sent') AS sent, status_count(s, 'failed') AS failed,
       pending(s), error_rate(s), status(s)
FROM (VALUES ('{"scheduled":1,"attempted":1,"sent":2,"failed":1,"bounced":1,"attempts":9}'::delivery_summary),
             ('{}'), ('{"failed":3}'), ('{"sent":3}')) v(s);
SELECT total('{"sent":9223372036854775807,"failed":1}');
SELECT total(NULL), status(NULL), error_rate(NULL), pending(NULL), status_count(NULL, 'sent');

-- the aggregates: NULL inputs are ignored, no rows (or only NULLs) give NULL
SELECT delivery_summary(s) FROM unnest('{sent,failed,NULL,sent}'::push_status[]) s;
SELECT delivery_summary(s, a) FROM unnest('{sent,failed,NULL,sent}'::push_status[], '{1,10,3,NULL}'::int[]) x(s, a);
SELECT delivery_summary(s) IS NULL AS empty_is_null, rollup_status(s) IS NULL AS rollup_empty_is_null
FROM unnest('{}'::push_status[]) s;
SELECT delivery_summary(s) IS NULL AS nulls_only FROM unnest('{NULL,NULL}'::push_status[]) s;
SELECT delivery_summary(x) FROM (VALUES ('{"sent":1}'::delivery_summary), (NULL), ('{"failed":2,"attempts":4}')) v(x);
SELECT delivery_summary(s, a) FROM unnest('{sent}'::push_status[], '{-1}'::int[]) x(s, a);
-- the smallint form (actions.attempts) gives the same as the integer form
SELECT delivery_summary(s, a::smallint) = delivery_summary(s, a) AS same_for_smallint, delivery_summary(s, a::smallint)
FROM unnest('{sent,failed,NULL,sent}'::push_status[], '{1,10,3,NULL}'::int[]) x(s, a);
SELECT delivery_summary(s, a) FROM unnest('{sent}'::push_status[], '{-1}'::smallint[]) x(s, a);
-- as a window aggregate the state must not leak between frames
SELECT i, delivery_summary(s) OVER (ORDER BY i) AS running
FROM unnest('{sent,failed,opened}'::push_status[]) WITH ORDINALITY x(s, i);
-- = and <> compare every field, attempts included: exactly one of them holds
SELECT a = b AS equal, a <> b AS different
FROM (VALUES ('{"sent":1,"attempts":1}'::delivery_summary, '{"sent":1,"attempts":2}'::delivery_summary),
             ('{"sent":1,"attempts":1}', '{"sent":1,"attempts":1}'),
             ('{"expired":1}', '{"bounced":1}')) v(a, b);
-- + outside an aggregate returns a new value and leaves its inputs as stored
CREATE TEMP TABLE kept (s delivery_summary);
INSERT INTO kept VALUES ('{"sent":1,"attempts":2}');
SELECT s + s AS doubled FROM kept;
SELECT s + s AS doubled_again, s AS stored FROM kept;
-- rollup_status's state functions are callable from SQL: a state with bits
-- beyond the nine statuses is refused, not trusted
SELECT rollup_mask_status(64) AS failed_alone, rollup_mask_status(rollup_mask_add(64, 'sent')) AS sent_wins;
SELECT rollup_mask_status(512);
SELECT rollup_mask_status(-1);
