#!/usr/bin/env bash
# make stress: the reliability suite behind the README's "Reliability" table,
# on a throwaway cluster with the extension built with its Assert()s on.
#   1. fuzz: FUZZ_SCALE times test/pgtap/fuzz.sql's inputs (6,300 each) from
#      SEED through every C entry point: listing requests, push_info ids and
#      keys, both types' text and binary forms;
#   2. load: CLIENTS pgbench clients for MINUTES mixing every API function,
#      purge and fold_actions (test/stress/api_mix.*); only the refusals the
#      API documents are allowed, then the invariants must hold;
#   3. sqlsmith: random SQL for SMITH_MINUTES against a database holding the
#      sample data and the extension.
# After each part the server must never have restarted.  The table goes to
# stress/results/latest.md; the last line is "N passed, N failed".
set -uo pipefail
cd "$(dirname "$0")/.."
. scripts/lib.sh
pg_is_native || exec bash scripts/in_debian_system.sh stress

SEED=${SEED:-0.5}
FUZZ_SCALE=${FUZZ_SCALE:-32}
CLIENTS=${CLIENTS:-8}
MINUTES=${MINUTES:-5}
SMITH_MINUTES=${SMITH_MINUTES:-10}
RESULTS=stress/results
mkdir -p "$RESULTS"
TABLE=$RESULTS/latest.md

ensure_deps || exit 1
ensure_packages sqlsmith || exit 1
build_install -DUSE_ASSERT_CHECKING || exit 1
cluster_start || exit 1
export PGOPTIONS="-c search_path=public,push_actions"

passed=0
failed=0
rows=""
# record RESULT ROW: one row of the table and one counted result
record() {
	if [ "$1" -eq 0 ]; then passed=$((passed + 1)); else failed=$((failed + 1)); fi
	rows="$rows
$2"
}
# the server restarted (a backend crashed) since the cluster started
crashes() {
	grep -cE 'server process \(PID [0-9]+\) was terminated by signal' "$CLUSTER_DIR/data.log"
}
started=$(q -At -d postgres -c "SELECT pg_postmaster_start_time()")

echo "== 1. fuzz: $((6300 * FUZZ_SCALE)) inputs, seed $SEED"
q -d postgres -c "CREATE DATABASE pa_fuzz"
q -d pa_fuzz -c "CREATE EXTENSION pgtap; CREATE EXTENSION push_actions"
t0=$(date +%s)
out=$(PGOPTIONS="$PGOPTIONS -c pa.fuzz_scale=$FUZZ_SCALE -c pa.fuzz_seed=$SEED" pg_prove -d pa_fuzz test/pgtap/fuzz.sql 2>&1)
status=$?
echo "$out" | tail -3
c=$(crashes)
[ $status -eq 0 ] && [ "$c" -eq 0 ]
record $? "| generated inputs through every C entry point (seed $SEED) | $((6300 * FUZZ_SCALE)) inputs in $(( $(date +%s) - t0 )) s; API answers never raised, type input raised only 22xxx: $( [ $status -eq 0 ] && echo yes || echo NO ); server crashes: $c | \`make stress FUZZ_SCALE=$FUZZ_SCALE SEED=$SEED\` |"

echo "== 2. load: $CLIENTS clients for $MINUTES min"
q -d postgres -c "CREATE DATABASE pa_load"
q -d pa_load -c "CREATE EXTENSION amcheck; CREATE EXTENSION push_actions" -f test/stress/api_mix.sql >/dev/null
out=$($PG_BIN/pgbench -n -c "$CLIENTS" -j 2 -T $((MINUTES * 60)) -f test/stress/api_mix.pgbench pa_load 2>&1)
status=$?
echo "$out" | grep -E 'processed|failed|aborted|tps' 
tx=$(echo "$out" | sed -n 's/^number of transactions actually processed: \([0-9]*\).*/\1/p')
aborted=$(echo "$out" | grep -cE 'aborted|client [0-9]+ .*ERROR')
refusals=$(q -At -d pa_load -c "SELECT coalesce(string_agg(code || ': ' || n, ', ' ORDER BY code), 'none') FROM stress.refusals")
violations=$(q -At -d pa_load -c "SET search_path = public, push_actions" -f test/data/invariants.sql | awk -F'|' '{ s += $2 } END { print s + 0 }')
live=$(q -At -d pa_load -c "SELECT count(*) FROM push_actions.actions")
c=$(crashes)
[ $status -eq 0 ] && [ "$aborted" -eq 0 ] && [ "${tx:-0}" -gt 0 ] && [ "$violations" -eq 0 ] && [ "$c" -eq 0 ]
record $? "| $CLIENTS pgbench clients mixing every API function, purge and fold_actions | $MINUTES min, ${tx:-0} transactions, errors other than documented refusals: $aborted (refusals $refusals); invariants violated afterwards: $violations over $live live actions; server crashes: $c | \`make stress CLIENTS=$CLIENTS MINUTES=$MINUTES\` |"

echo "== 3. sqlsmith: $SMITH_MINUTES min"
q -d postgres -c "CREATE DATABASE pa_smith"
q -d pa_smith -c "CREATE EXTENSION push_actions"
q -d pa_smith -f test/data/seed_245624.sql -f test/data/multi_device.sql -f test/data/seed_pushy.sql >/dev/null
smith_log=$RESULTS/sqlsmith.log
timeout $((SMITH_MINUTES * 60)) sqlsmith --target="host=$PGHOST port=$PGPORT user=$PGUSER dbname=pa_smith" \
	--seed=$(( ${SEED//[^0-9]/} + 1 )) --verbose >"$smith_log" 2>&1
queries=$(grep -oE 'queries: [0-9]+' "$smith_log" | tail -1 | grep -oE '[0-9]+')
c=$(crashes)
now_started=$(q -At -d postgres -c "SELECT pg_postmaster_start_time()")
[ "$c" -eq 0 ] && [ "$now_started" = "$started" ] && [ "${queries:-0}" -gt 0 ]
record $? "| sqlsmith against the extension and the sample data | $SMITH_MINUTES min, ${queries:-0} queries; server crashes: $c | \`make stress SMITH_MINUTES=$SMITH_MINUTES\` |"

# the server's log stays beside the table: what crashed, if anything did
cp "$CLUSTER_DIR/data.log" "$RESULTS/server.log"
cluster_stop
{
	echo "| what | figures ($(date -u +%Y-%m-%d), PostgreSQL $PG) | command |"
	echo "|---|---|---|"
	echo "${rows#?}"
} >"$TABLE"
echo "== results ($TABLE)"
cat "$TABLE"
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
