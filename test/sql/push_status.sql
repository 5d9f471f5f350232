-- push_status: every accepted literal, malformed ones, order, hashing, binary I/O
SET search_path = push_actions, public;

-- every value, in any case, and its canonical output
SELECT v::push_status AS status, lower(v)::push_status = v::push_status AS same
FROM unnest(ARRAY['scheduled', 'ATTEMPTED', 'Sent', 'delivered', 'OpEnEd', 'converted',
                  'failed', 'Bounced', 'EXPIRED']) AS v;

-- malformed literals: each fails with SQLSTATE 22P02 and the valid list
\set VERBOSITY default
SELECT ''::push_status;
SELECT ' sent'::push_status;
SELECT 'sent '::push_status;
SELECT 'sending'::push_status;
SELECT 'fail'::push_status;
SELECT 'deliverd'::push_status;
SELECT '0'::push_status;
SELECT 'NULL'::push_status;
SELECT 'sent,failed'::push_status;
SELECT E'sent\n'::push_status;
SELECT 'конвертирован'::push_status;
SELECT repeat('x', 1000)::push_status;
\set VERBOSITY sqlstate
SELECT 'unknown'::push_status;
\set VERBOSITY default

-- NULL stays NULL
SELECT NULL::push_status IS NULL AS is_null;

-- lifecycle order, comparison operators and ORDER BY
SELECT array_agg(s ORDER BY s) AS ordered
FROM unnest('{expired,bounced,failed,converted,opened,delivered,sent,attempted,scheduled}'::push_status[]) s;
SELECT 'scheduled'::push_status < 'attempted' AS lt, 'sent'::push_status <= 'sent' AS le,
       'failed'::push_status > 'converted' AS gt, 'expired'::push_status >= 'bounced' AS ge,
       'sent'::push_status = 'SENT' AS eq, 'sent'::push_status <> 'opened' AS ne;
SELECT min(s), max(s) FROM unnest('{opened,sent,bounced}'::push_status[]) s;

-- GROUP BY and DISTINCT through hashing and through sorting
CREATE TEMP TABLE statuses AS
	SELECT (ARRAY['sent','failed','sent','opened','failed','sent'])[i]::push_status AS s
	FROM generate_series(1, 6) i;
SET enable_sort = off;
SELECT s, count(*) FROM statuses GROUP BY s ORDER BY s;
RESET enable_sort;
SET enable_hashagg = off;
SELECT DISTINCT s FROM statuses ORDER BY s;
RESET enable_hashagg;

-- hash joins and hash indexes
SET enable_mergejoin = off; SET enable_nestloop = off;
EXPLAIN (COSTS OFF) SELECT count(*) FROM statuses a JOIN statuses b USING (s);
SELECT count(*) FROM statuses a JOIN statuses b USING (s);
RESET enable_mergejoin; RESET enable_nestloop;
CREATE INDEX statuses_hash ON statuses USING hash (s);
CREATE INDEX statuses_btree ON statuses USING btree (s);
ANALYZE statuses;
SET enable_seqscan = off;
SET enable_bitmapscan = off;
-- equality through the hash index, ranges through the B-tree, in status order
DROP INDEX statuses_btree;
EXPLAIN (COSTS OFF) SELECT count(*) FROM statuses WHERE s = 'failed';
SELECT count(*) FROM statuses WHERE s = 'failed';
CREATE INDEX statuses_btree ON statuses USING btree (s);
EXPLAIN (COSTS OFF) SELECT s FROM statuses WHERE s BETWEEN 'sent' AND 'converted' ORDER BY s;
SELECT s FROM statuses WHERE s BETWEEN 'sent' AND 'converted' ORDER BY s;
RESET enable_seqscan;
RESET enable_bitmapscan;

-- helpers
CREATE TEMP VIEW every_status AS
	SELECT unnest('{scheduled,attempted,sent,delivered,opened,converted,failed,bounced,expired}'::push_status[]) AS s;
SELECT s, is_final(s), is_success(s) FROM every_status;
SELECT is_final(NULL), is_success(NULL), can_transition(NULL, 'sent');

-- the whole state machine: one row per "from", an X for each allowed "to"
SELECT f.s AS "from",
       string_agg(CASE WHEN can_transition(f.s, t.s) THEN 'X' ELSE '.' END, ' ' ORDER BY t.s)
         AS "sch att snt dlv opn cnv fld bnc exp"
FROM every_status f CROSS JOIN every_status t
GROUP BY f.s ORDER BY f.s;

-- binary send/recv round-trip through COPY, and a bad byte refused
SELECT push_status_send('scheduled'), push_status_send('expired');
SELECT '/tmp/push_actions_binary_' || pg_backend_pid() AS binfile \gset
CREATE TEMP TABLE bin_in (s push_status);
COPY (SELECT s FROM every_status) TO :'binfile' (FORMAT binary);
COPY bin_in FROM :'binfile' (FORMAT binary);
SELECT array_agg(s ORDER BY s) = (SELECT array_agg(s ORDER BY s) FROM every_status) AS round_trips FROM bin_in;
COPY (SELECT chr(9)::"char") TO :'binfile' (FORMAT binary);
COPY bin_in FROM :'binfile' (FORMAT binary);
COPY (SELECT chr(127)::"char") TO :'binfile' (FORMAT binary);
COPY bin_in FROM :'binfile' (FORMAT binary);
-- a value of the wrong length names the type, not the protocol
COPY (SELECT '\x0102'::bytea) TO :'binfile' (FORMAT binary);
COPY bin_in FROM :'binfile' (FORMAT binary);
COPY (SELECT ''::bytea) TO :'binfile' (FORMAT binary);
COPY bin_in FROM :'binfile' (FORMAT binary);
SELECT pg_typeof('sent'::push_status), typlen, typbyval, typalign
FROM pg_type WHERE oid = 'push_status'::regtype;
