#!/usr/bin/env bash
# The benchmark's table is only as good as its arithmetic: bench/report.sh is
# fed measurements whose ratios and verdicts are known, and its table and JSON
# are checked.  The JSON is validated by the server in PGHOST/PGPORT (make test
# sets them).  Prints TAP.
set -u
cd "$(dirname "$0")/../.."
echo "1..11"

dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
tsv=$dir/latest.tsv
m() { printf '%s\t%s\t%s\t%s\t%s\n' "$1" "$2" "$3" "${4:-}" "${5:-}" >>"$tsv"; }
m "1. count(*) over all actions (scan floor)" 100 ms 99 101
m "1. count(attempts) over all actions (column floor)" 100 ms
m "plan: 1. count(attempts) over all actions (column floor)" "Aggregate / Seq Scan on actions" plan
m "1. delivery_summary(status, attempts) over all actions" 120 ms 118 125
m "1. plain SQL: 9 count FILTER + sum over all actions" 200 ms
m "plan: 1. delivery_summary(status, attempts) over all actions" "Aggregate / Seq Scan on actions" plan
m "plan: 1. plain SQL: 9 count FILTER + sum over all actions" "Aggregate / Seq Scan on actions" plan
m "1. count(*) per campaign (scan floor)" 100 ms
m "1. count(attempts) per campaign (column floor)" 130 ms
m "1. delivery_summary(status, attempts) per campaign" 140 ms
m "1. plain SQL: 9 count FILTER + sum per campaign" 196 ms
m "plan: 1. delivery_summary(status, attempts) per campaign" "HashAggregate / Seq Scan on actions" plan
m "plan: 1. plain SQL: 9 count FILTER + sum per campaign" "GroupAggregate / Index Only Scan using actions_campaign_idx on actions" plan
m "2. count(*) per message (same grouping)" 900 ms
m "plan: 2. count(*) per message (same grouping)" "HashAggregate / HashAggregate / Seq Scan on actions" plan
m "3. count(*) per message (same grouping), 2 workers" 500 ms
m "plan: 3. count(*) per message (same grouping), 2 workers" "HashAggregate / Gather / HashAggregate / Parallel Seq Scan on actions" plan
m "2. rollup_status per message" 1000 ms
m "2. plain SQL: CASE over bool_or per message" 2000 ms
m "2. plain SQL: CASE over bit_or per message" 1600 ms
m "plan: 2. rollup_status per message" "HashAggregate / HashAggregate / Seq Scan on actions" plan
m "plan: 2. plain SQL: CASE over bit_or per message" "HashAggregate / Subquery Scan on s0 / HashAggregate / Seq Scan on actions" plan
m "3. delivery_summary over all actions, 2 workers" 60 ms
m "plan: 3. delivery_summary over all actions, 2 workers" "Finalize Aggregate / Gather / Partial Aggregate / Parallel Seq Scan on actions" plan
m "3. count(*) over all actions, 2 workers" 80 ms
m "3. count(attempts) over all actions, 2 workers" 55 ms
m "plan: 3. count(attempts) over all actions, 2 workers" "Finalize Aggregate / Gather / Partial Aggregate / Parallel Seq Scan on actions" plan
m "plan: 3. count(*) over all actions, 2 workers" "Finalize Aggregate / Gather / Partial Aggregate / Parallel Index Only Scan using actions_summary_idx on actions" plan
m "3. rollup_status per message, 2 workers" 1000 ms
m "plan: 3. rollup_status per message, 2 workers" "HashAggregate / GroupAggregate / Index Only Scan using actions_push_idx on actions" plan
m "6. COPY into actions (indexes and foreign keys on)" 299999 rows/s 290000 310000
m "6. indexes on actions" 8 indexes
m "6. COPY, primary key only" 250000 rows/s 240000 260000
m "11. record_attempt, limited role" 0.55 ms
m "11. record_attempt, owner" 0.5 ms
m "11. kept roll-ups agree after the limited role's writes" t bool
m "11. list_push_devices, seed request, limited role" 0.34 ms
m "11. list_push_devices, seed request, owner" 0.3 ms
m "11. listing: the limited role gets the owner's answer" t bool
m "12. COPY of new pushes' actions, tokens kept" 90000 rows/s
m "12. COPY of new pushes' actions, tokens not kept" 100000 rows/s
m "12. COPY of new tokens' actions, tokens kept" 89000 rows/s
m "12. COPY of new tokens' actions, tokens not kept" 100000 rows/s
m "12. dead_device_tokens, first page of 1000" 4.9 ms
m "12. dead_device_tokens, middle page of 1000" 5 ms
m "12. create_push_skipping_dead, 10,000 devices" 120 ms
m "12. create_push, 10,000 devices" 100 ms
m "12. record_attempt, 2 clients, tokens kept" 855 tx/s
m "12. record_attempt, 2 clients, tokens not kept" 1000 tx/s
m "12. record_attempt, 2 clients, tokens floor" 950 tx/s

out=$(bash bench/report.sh "$tsv" 1000 2>&1)
status=$?
row() { echo "$out" | grep -F "| $1" | grep -v -F '[random_page_cost'; }

ok() { if [ "$1" = 0 ]; then echo "ok $2 - $3"; else echo "not ok $2 - $3"; fi; }

[ $status -eq 0 ] && echo "$out" | grep -q '^| measurement | achieved | target | |$'
ok $? 1 "the report runs and prints its table"

row '1. delivery_summary over all actions vs count(attempts), which deforms the same two columns of the same rows (120 vs 100 ms; same plan' | grep -q '| 1.20x | <= 1.15x | MISSED |' \
	&& row '1. delivery_summary per campaign vs count(attempts) per campaign' | grep -q '| 1.08x | <= 1.15x | met |'
ok $? 2 "a summary is judged against the count of the columns it reads: 1.2x misses 1.15x, 1.08x meets it"

row '1. ... speed-up over 9 x count FILTER + sum (200 ms; same plan: Aggregate / Seq Scan on actions)' | grep -q '| 1.67x | >= 1.5x | met |'
ok $? 3 "a speed-up is plain over ours, and equal plans are said to be the same"

row '1. ... speed-up over 9 x count FILTER + sum per campaign (196 ms; PLANS DIFFER: HashAggregate / Seq Scan on actions versus GroupAggregate' | grep -q '| 1.40x | >= 1.5x | MISSED |$'
ok $? 4 "1.4x misses the 1.5x target, and different plans are flagged"

row '3. speed-up with 2 workers over all actions: 2.00x, against 1.82x for count(attempts) |' | grep -q '| 1.10 of the floor.s | >= 0.95 | met |' \
	&& row '3. speed-up with 2 workers per message (rollup_status): 1.00x (the planner chose no parallel plan), against 1.80x for count(*) with the same grouping |' | grep -q '| 0.56 of the floor.s | >= 0.95 | MISSED |'
ok $? 5 "a 2-worker speed-up is judged against the bare scan's in the same run, and one without a Gather says so"

row '6. COPY into actions, one stream (8 indexes, parent checks on)' | grep -q '| 299999 rows/s | >= 300000 | MISSED |'
ok $? 6 "299,999 rows/s misses the 300,000 target"

row '2. rollup_status per message vs count(*) with the same GROUP BY (1000 vs 900 ms; same plan' | grep -q '| 1.11x | <= 1.15x | met |' \
	&& row '2. ... speed-up over the faster plain SQL, CASE over bit_or (1600 ms' | grep -F 'same plan: HashAggregate / HashAggregate / Seq Scan on actions)' | grep -q '| 1.60x | > 1x | met |' \
	&& row '2. ... speed-up over CASE over bool_or (2000 ms)' | grep -q '| 2.00x |  |  |'
ok $? 7 "per message, rollup_status is judged against its grouping's count(*) and the faster plain formulation, and a Subquery Scan does not make plans differ"

json=$(cat "$dir/latest.json")
[ "$(echo "SELECT jsonb_array_length(:'j'::jsonb -> 'measurements') || ' ' || (:'j'::jsonb #>> '{measurements,0,max}');" |
     psql -X -At -d pa_tap -v j="$json")" = "50 101" ]
ok $? 8 "latest.json is valid JSON with every measurement and its min and max"

row '3. ... reference: count(*) over all actions with 2 workers |' | grep -q '| 1.25x |  |  |$' \
	&& row '6. ... reference: the same rows into an empty table with the same columns and only the primary key' | grep -q '| 250000 rows/s |  |  |$'
ok $? 9 "the references (the bare scan with 2 workers, COPY with the primary key alone) are printed without a verdict"

row '11. record_attempt (failed attempt on the pool) as a role limited to app 1 (0.55 ms, p99  ms) vs as the owner (0.5 ms); kept roll-ups agree afterwards: t' | grep -q '| 1.10x | <= 1.1x | met |$' \
	&& row '11. list_push_devices, seed request as a role limited to app 1 (0.34 ms, p99  ms) vs as the owner (0.3 ms); same answer: t' | grep -q '| 1.13x | <= 1.1x | MISSED |$'
ok $? 10 "a role limited to apps is judged against the owner in the same run: 1.10x meets 1.1x, 1.13x misses it"

row "12. COPY of actions of new pushes, to tokens the database knows" | grep -q '| 0.90x | >= 0.9x | met |$' \
	&& row "12. COPY of the same actions to tokens new to it" | grep -q '| 0.89x | >= 0.9x | MISSED |$' \
	&& row "12. dead_device_tokens, the first page" | grep -q '| 4.9 ms | < 5 ms | met |$' \
	&& row "12. dead_device_tokens, the middle page" | grep -q '| 5 ms | < 5 ms | MISSED |$' \
	&& row "12. create_push_skipping_dead of 10,000 devices" | grep -q '| 1.20x | <= 1.2x | met |$' \
	&& row "12. record_attempt (a failed attempt)" | grep -q '| 0.85x | >= 0.9x | MISSED |$' \
	&& row "12. ... the floor: the same call" | grep -q '(950 tx/s) | 0.95x |  |  |$' \
	&& row "12. ... record_attempt with the tokens' state kept against that floor" | grep -q '| 0.90 | >= 0.9 | met |$'
ok $? 11 "the tokens' costs are judged side by side: 0.90x of the COPY without them meets 0.9x, 0.89x misses it; a page at 5 ms misses < 5 ms; skipping at 1.20x meets 1.2x; record_attempt against its floor"
