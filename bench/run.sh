#!/usr/bin/env bash
# make bench: a throwaway cluster, SCALE actions (default 10 million), and one
# table of measurements taken side by side in this run: the extension against
# the plain-SQL way of getting the same answer.  Also bench/results/latest.json.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/lib.sh
. bench/lib.sh
pg_is_native || exec bash scripts/in_debian_system.sh bench

SCALE=${SCALE:-10000000}
RUNS=${RUNS:-5}			# timed runs per query, after one warm-up
CALLS=${CALLS:-1000}	# calls per latency measurement
RESULTS=bench/results
BENCH_QUERIES=$(pwd)/bench/queries
mkdir -p "$RESULTS"
TSV=$RESULTS/latest.tsv
: >"$TSV"
PLANS=$RESULTS/plans.txt
: >"$PLANS"

# Same settings for both sides of every comparison.  JIT is off: it compiles
# anew in every parallel worker and adds 50-200 ms of noise per query here.
# Huge pages spare each new process (every parallel worker) the page faults of
# mapping 6 GB of shared buffers (the 10-million-action data set with its
# indexes, about 4 GB, stays cached).
EXTRA_SERVER_OPTS="-c shared_buffers=6GB -c work_mem=256MB -c maintenance_work_mem=1GB -c max_wal_size=16GB \
 -c checkpoint_timeout=1h -c synchronous_commit=off -c autovacuum=off -c max_parallel_workers=4 -c jit=off"
ensure_deps
# section 9's real-language collation, generated before the server starts
# (a server sees only the locales that existed when it started)
ensure_packages locales
locale -a | grep -qx 'en_US.utf8' \
	|| as_root sh -c "echo 'en_US.UTF-8 UTF-8' >> /etc/locale.gen && locale-gen >/dev/null 2>&1"
build_install
old_hugepages=$(cat /proc/sys/vm/nr_hugepages 2>/dev/null || echo 0)
# 3200 free huge pages of 2 MB for 6 GB of shared buffers, beside any in use
free_hugepages() { awk '/^HugePages_Free/ { f = $2 } /^HugePages_Rsvd/ { r = $2 } END { print f - r }' /proc/meminfo; }
in_use=$(( $(awk '/^HugePages_Total/ { print $2 }' /proc/meminfo) - $(free_hugepages) ))
# Huge pages already free are used; reserving them (a kernel setting, put
# back at the end) is opt-in: make bench HUGEPAGES=1.
if [ "$(free_hugepages)" -ge 3150 ] || { [ "${HUGEPAGES:-0}" = 1 ] \
	&& as_root sysctl -q -w vm.nr_hugepages=$((in_use + 3200)) 2>/dev/null && [ "$(free_hugepages)" -ge 3150 ]; }; then
	EXTRA_SERVER_OPTS="$EXTRA_SERVER_OPTS -c huge_pages=on"
	HUGE_PAGES=on
else
	EXTRA_SERVER_OPTS="${EXTRA_SERVER_OPTS/shared_buffers=6GB/shared_buffers=128MB}"
	HUGE_PAGES="off (HUGEPAGES=1 not given, or the kernel refused; shared_buffers=128MB)"
fi
restore() { cluster_stop; [ "${HUGEPAGES:-0}" != 1 ] || as_root sysctl -q -w vm.nr_hugepages="$old_hugepages" 2>/dev/null || true; }
cluster_start || { restore; exit 1; }
trap restore EXIT
export PGDATABASE=bench PGOPTIONS="-c search_path=public,push_actions"
q -d postgres -c "CREATE DATABASE bench"
q -c "CREATE EXTENSION push_actions"
WORK=$CLUSTER_DIR/bench
mkdir -p "$WORK"
chmod 777 "$WORK"

# section TITLE: a heading with the seconds since the start, to see where the time goes

# record KEY VALUE UNIT [MIN MAX]: one measured figure
same_json() { echo "SELECT :'a'::jsonb = :'b'::jsonb" | q -At -v a="$1" -v b="$2"; }

# time_group KEY WORKERS EXTRA SQL [KEY WORKERS EXTRA SQL ...]: median/min/max
# ms of RUNS runs of each query after a warm-up.  The queries of a comparison
# take turns (A B C A B C ...), so a slow spell of the machine falls on every
# side alike instead of on whichever query was running.  Each runs in its own
# transaction, with WORKERS parallel workers and EXTRA ("SET LOCAL ..."), under
# the session's SETTINGS; the transaction ends with END_TX (COMMIT unless set:
# ROLLBACK undoes an EXTRA that drops an index, or a query that writes).
time_group() {
	local -a keys=() workers=() extras=() sqls=()
	local n=0 i r out stats plan
	while [ $# -gt 0 ]; do
		keys[n]=$1; workers[n]=$2; extras[n]=$3; sqls[n]=$4; shift 4; n=$((n + 1))
	done
	out=$({ echo "${SETTINGS:-}"; echo '\timing on'; echo '\o /dev/null'
	        for r in $(seq 0 "$RUNS"); do
	            for ((i = 0; i < n; i++)); do
	                echo "BEGIN; SET LOCAL max_parallel_workers_per_gather = ${workers[i]}; ${extras[i]}"
	                echo "\\echo @@ $r $i"
	                echo "${sqls[i]};"
	                echo "${END_TX:-COMMIT};"
	            done
	        done; } | q 2>&1)
	for ((i = 0; i < n; i++)); do
		# the time printed right after a query's marker is that query's; run 0 is the warm-up
		stats=$(echo "$out" | awk -v i="$i" '/^@@ / { run = $2; cur = $3; armed = 1; next }
		             /^Time:/ && armed { if (run > 0 && cur == i) print $2; armed = 0 }' | median_min_max)
		set -- $stats
		record "${keys[i]}" "$1" ms "$2" "$3"
		plan=$({ echo "${SETTINGS:-}"; echo "BEGIN; SET LOCAL max_parallel_workers_per_gather = ${workers[i]}; ${extras[i]}"
		         echo "EXPLAIN (COSTS OFF) ${sqls[i]};"; echo "${END_TX:-COMMIT};"; } | q -At | grep -v -E '^(BEGIN|SET|COMMIT|ROLLBACK|DROP INDEX)$')
		{ echo "== ${keys[i]} (workers=${workers[i]})"; echo "$plan"; echo; } >>"$PLANS"
		# the plan's nodes without their keys and filters, to check that both
		# sides of a comparison were run the same way
		record "plan: ${keys[i]}" "$(echo "$plan" | sed 's/^ *\(-> *\)\{0,1\}//' | grep -v -E '^[A-Za-z ]+: ' | paste -sd '/' | sed 's|/| / |g')" plan
		echo "   ${keys[i]}: median $1 ms (min $2, max $3)"
	done
}

# latencies KEY_A SCRIPT_A KEY_B SCRIPT_B: median and p99 in ms of two pgbench
# scripts run in one pgbench run, each transaction picking one at random, so
# both sides see the same moments of the machine; at least CALLS calls each.
# PGBENCH_DEFS: the scripts' variables (-D NAME=VALUE ...).
latencies() {
	local -a keys=("$1" "$3") stats
	local total=$((CALLS * 2 + CALLS * 2 / 5)) k calls
	(cd "$WORK" && rm -f pgbench_log.* && $PG_BIN/pgbench -n -M prepared -c 1 -t "$total" -l ${PGBENCH_DEFS:-} -f "$2" -f "$4" >/dev/null 2>"$WORK/pgbench.err") \
		|| { cat "$WORK/pgbench.err"; return 1; }
	for k in 0 1; do
		# log lines: client transaction latency_us script_no epoch epoch_us
		calls=$(awk -v k="$k" '$4 == k' "$WORK"/pgbench_log.* | wc -l)
		[ "$calls" -ge "$CALLS" ] || { echo "only $calls calls of ${keys[k]}" >&2; return 1; }
		stats=($(awk -v k="$k" '$4 == k { print $3 / 1000 }' "$WORK"/pgbench_log.* | sort -n |
		         awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)], a[int(NR * 0.99)], a[1], a[NR] }'))
		record "${keys[k]}" "${stats[0]}" ms "${stats[2]}" "${stats[3]}"
		record "${keys[k]} p99" "${stats[1]}" ms
		echo "   ${keys[k]}: median ${stats[0]} ms, p99 ${stats[1]} ms over $calls calls"
	done
}

# peak_memory KEY SQL: peak resident memory (VmHWM, kB) of a fresh backend running SQL
peak_memory() {
	local key=$1 sql=$2 out
	out=$({ echo "SET max_parallel_workers_per_gather = 0;"; echo "SELECT pg_backend_pid() AS pid \gset"
	        echo '\setenv BACKEND_PID :pid'; echo '\o /dev/null'; echo "$sql;"; echo '\o'
	        echo '\! grep -E "VmHWM|RssShmem" /proc/$BACKEND_PID/status'; } | q 2>&1)
	local hwm shm
	hwm=$(echo "$out" | awk '/VmHWM/ { print $2 }')
	shm=$(echo "$out" | awk '/RssShmem/ { print $2 }')
	record "$key" "$((hwm / 1024))" MB
	record "$key private" "$(((hwm - shm) / 1024))" MB
	echo "   $key: peak RSS $((hwm / 1024)) MB, of which not shared buffers ~$(((hwm - shm) / 1024)) MB"
}

section "generating $SCALE actions"
start=$(date +%s.%N)
insert_ms=$(q -v scale="$SCALE" -f bench/dataset.sql | awk '/^Time:/ { t = $2 } END { print t }')
actions=$(q -At -c "SELECT count(*) FROM actions")
pushes=$(q -At -c "SELECT count(*) FROM pushes")
record "load: actions" "$actions" rows
record "load: pushes" "$pushes" rows
record "load: INSERT ... SELECT generation" "$(awk -v n="$actions" -v t="$insert_ms" 'BEGIN { printf "%.0f", n / (t / 1000) }')" rows/s
q -c "VACUUM ANALYZE" -c "CHECKPOINT"
record "load: total with VACUUM ANALYZE" "$(awk -v s="$start" -v e="$(date +%s.%N)" 'BEGIN { printf "%.1f", e - s }')" s
echo "   $actions actions in $pushes pushes, table $(q -At -c "SELECT pg_size_pretty(pg_total_relation_size('actions'))") with indexes"

# What several sections use: the largest campaign of app 1 and the largest
# push, the COPY measurements' columns, size and helpers, and the trigger
# function a section may swap for another entry point of the library
# (trigger_function SYMBOL: the SQL that does it).
big_campaign=$(q -At -c "SELECT campaign_id FROM actions WHERE app_id = 1 GROUP BY 1 ORDER BY count(*) DESC LIMIT 1")
big_push=$(q -At -c "SELECT push_id FROM pushes WHERE push_id = lpad(to_hex(7), 24, '0')")
big_app=$(q -At -c "SELECT app_id FROM pushes WHERE push_id = '$big_push'")
COPY_COLUMNS="app_id, push_id, campaign_id, device_id, profile_id, device_token, platform, channel, status, attempts, error_message, create_time, updated_at"
copy_rows=$(( SCALE < 1000000 ? SCALE : 1000000 ))
# copy_rates KEY DB TABLE FILE SETUP [KEY DB TABLE FILE SETUP ...]: rows/s
# of COPY FROM FILE after SETUP (SQL, in the same transaction), median of 3
# runs, the loads taking turns like the queries of time_group; each load is
# rolled back and vacuumed away (faster than deleting a million rows, and it
# leaves the table as it was just the same)
copy_rates() {
	local -a keys=() dbs=() tables=() files=() setups=() rows=()
	local n=0 i run t stats
	while [ $# -gt 0 ]; do
		keys[n]=$1; dbs[n]=$2; tables[n]=$3; files[n]=$4; setups[n]=$5; rows[n]=$(wc -l <"$4"); shift 5; n=$((n + 1))
	done
	: >"$WORK/copy_times"
	for run in 1 2 3; do
		for ((i = 0; i < n; i++)); do
			t=$({ echo 'BEGIN;'; echo "${setups[i]}"; echo '\timing on'; echo "COPY ${tables[i]} ($COPY_COLUMNS) FROM '${files[i]}' (FORMAT csv);"
			      echo '\timing off'; echo 'ROLLBACK;'; } | q -d "${dbs[i]}" 2>&1 | awk '/^Time:/ { print $2 }')
			echo "$i $t" >>"$WORK/copy_times"
			q -d "${dbs[i]}" -c "VACUUM ${tables[i]}" >/dev/null
		done
	done
	for ((i = 0; i < n; i++)); do
		stats=$(awk -v i="$i" -v n="${rows[i]}" '$1 == i { printf "%.0f\n", n / ($2 / 1000) }' "$WORK/copy_times" | median_min_max)
		set -- $stats
		record "${keys[i]}" "$1" rows/s "$2" "$3"
		echo "   ${keys[i]}: median $1 rows/s (min $2, max $3)"
	done
}

# new_pushes_file DB ROWS FILE: new pushes in DB, copies of its newest fifth
# as many under ids starting with f, and in FILE up to ROWS actions for them,
# in push order: the usual load (a push is created, its actions recorded)
new_pushes_file() {
	q -d "$1" -c "CREATE TEMP TABLE new_pushes AS SELECT push_id FROM push_actions.pushes ORDER BY push_id DESC LIMIT $(($2 / 5))" \
	  -c "INSERT INTO push_actions.pushes (push_id, app_id, campaign_id, payload, created_at, expires_at)
	      SELECT 'f' || substr(p.push_id, 2), p.app_id, p.campaign_id, p.payload, now(), now() + interval '30 days'
	      FROM push_actions.pushes p JOIN new_pushes USING (push_id)" \
	  -c "COPY (SELECT a.app_id, 'f' || substr(a.push_id, 2), a.campaign_id, a.device_id + 5000000, a.profile_id, a.device_token,
	                   a.platform, a.channel, a.status, a.attempts, a.error_message, now(), now()
	            FROM push_actions.actions a JOIN new_pushes USING (push_id) ORDER BY a.push_id, a.action_id LIMIT $2)
	      TO '$3' (FORMAT csv)" >/dev/null
	chmod 644 "$3"
}

trigger_function() { echo "CREATE OR REPLACE FUNCTION push_actions_internal.keep_rollups() RETURNS trigger AS '\$libdir/push_actions', '$1' LANGUAGE C SECURITY DEFINER SET search_path = pg_catalog, push_actions, pg_temp;"; }

# SECTIONS="indexes capacity" (make bench SECTIONS=...): only those sections
# after the load, their table in bench/RESULTS-<sections>.md; every section
# when unset.  The names are section_numbers' below.
wanted() { [ -z "${SECTIONS:-}" ] || [[ " $SECTIONS " == *" $1 "* ]]; }
# the numbers of the report's rows that SECTIONS measures
section_numbers() {
	local s
	for s in ${SECTIONS:-}; do
		case $s in
			summaries) echo "1 2 3" ;; listing) echo 4 ;; push_info) echo 5 ;; writes) echo 6 ;; memory) echo 7 ;;
			upgrade) echo 8 ;; collation) echo 9 ;; kept) echo 10 ;; roles) echo 11 ;; tokens) echo 12 ;;
			times) echo 13 ;; indexes) echo 14 ;; capacity) echo 15 ;;
			*) echo "make bench: no section \"$s\"" >&2; return 1 ;;
		esac
	done | paste -sd ' '
}
REPORT_SECTIONS=$(section_numbers) || exit 1

# The queries of measurements 1-3 are the files bench/queries/delivery_summary_*.
# Per message there are two plain-SQL forms; rollup_status is measured against
# the better of the two.
AGG=$BENCH_QUERIES/delivery_summary_
# query FILE: a query file as one statement (its comment lines and final ; dropped)
query() { grep -v '^--' "$1" | sed 's/;[[:space:]]*$//'; }

# attempt_pool PUSH CAMPAIGN: a push of app 1 with 200,000 attempted actions in
# the campaign, each its own message, for record_attempt runs; prints the
# first and last of their action ids
attempt_pool() {
	q -c "INSERT INTO pushes (push_id, app_id, campaign_id, payload, expires_at) VALUES ('$1', 1, $2, '{}', now() + interval '30 days')" \
	  -c "INSERT INTO actions (app_id, push_id, campaign_id, device_id, device_token, platform, status)
	      SELECT 1, '$1', $2, i, 'tok' || i, 'android', 'attempted' FROM generate_series(1, 200000) i" \
	  -c "VACUUM ANALYZE" >/dev/null
	q -At -F ' ' -c "SELECT min(action_id), max(action_id) FROM actions WHERE push_id = '$1'"
}
# reset_pool PUSH: the pool's actions attempted again, as attempt_pool made
# them, so that every run of a comparison starts from the same pool
reset_pool() {
	q -c "SET push_actions.unchecked_writes = on" -c "UPDATE actions SET status = 'attempted', attempts = 0, error_message = NULL WHERE push_id = '$1'" -c "VACUUM actions" >/dev/null
}

# Measurements 1-3 under the planner settings in SETTINGS, keys marked with P.
# They run twice: with PostgreSQL's default costs, and with random_page_cost =
# 1.1 (the usual setting for SSDs or cached data), under which the planner
# reads the covering indexes instead of the table.  Both sides of every
# comparison run under the same settings.
aggregates() {
	P=$1 SETTINGS=$2
	local noindex="SET LOCAL enable_indexonlyscan = off; SET LOCAL enable_indexscan = off; SET LOCAL enable_bitmapscan = off;"
	section "1. summary over all actions, 3. with 2 workers$P"
	# count(*) reads no column and is planned on the smallest index; the same
	# count over the table, with index scans off, for reference
	time_group "1$P. count(*) over all actions (scan floor)" 0 "" "$(query ${AGG}count_all.sql)" \
		"1$P. count(*) over all actions, sequential scan" 0 "$noindex" "$(query ${AGG}count_all.sql)" \
		"1$P. count(attempts) over all actions (column floor)" 0 "" "$(query ${AGG}count_attempts_all.sql)" \
		"1$P. delivery_summary(status, attempts) over all actions" 0 "" "$(query ${AGG}summary_all.sql)" \
		"1$P. plain SQL: 9 count FILTER + sum over all actions" 0 "" "$(query ${AGG}plain_summary_all.sql)" \
		"3$P. delivery_summary over all actions, 2 workers" 2 "" "$(query ${AGG}summary_all.sql)" \
		"3$P. count(*) over all actions, 2 workers" 2 "" "$(query ${AGG}count_all.sql)" \
		"3$P. count(attempts) over all actions, 2 workers" 2 "" "$(query ${AGG}count_attempts_all.sql)"
	section "1. summary per campaign, 3. with 2 workers$P"
	time_group "1$P. count(*) per campaign (scan floor)" 0 "" "$(query ${AGG}count_campaign.sql)" \
		"1$P. count(attempts) per campaign (column floor)" 0 "" "$(query ${AGG}count_attempts_campaign.sql)" \
		"1$P. delivery_summary(status, attempts) per campaign" 0 "" "$(query ${AGG}summary_campaign.sql)" \
		"1$P. plain SQL: 9 count FILTER + sum per campaign" 0 "" "$(query ${AGG}plain_summary_campaign.sql)" \
		"3$P. delivery_summary per campaign, 2 workers" 2 "" "$(query ${AGG}summary_campaign.sql)" \
		"3$P. count(attempts) per campaign, 2 workers" 2 "" "$(query ${AGG}count_attempts_campaign.sql)"

	section "2. per-message roll-up (GROUP BY push_id, profile_id), 3. with 2 workers$P"
	time_group "2$P. count(*) per message (same grouping)" 0 "" "$(query ${AGG}count_message.sql)" \
		"2$P. rollup_status per message" 0 "" "$(query ${AGG}rollup_message.sql)" \
		"2$P. plain SQL: CASE over bool_or per message" 0 "" "$(query ${AGG}plain_bool_or_message.sql)" \
		"2$P. plain SQL: CASE over bit_or per message" 0 "" "$(query ${AGG}plain_bit_or_message.sql)" \
		"3$P. rollup_status per message, 2 workers" 2 "" "$(query ${AGG}rollup_message.sql)" \
		"3$P. count(*) per message (same grouping), 2 workers" 2 "" "$(query ${AGG}count_message.sql)"
	# the three must agree, or the comparison means nothing
	same=$({ echo "${SETTINGS:-}"; echo "SELECT ours = bool_or_form AND bool_or_form = bit_or_form FROM (SELECT
	                 (SELECT array_agg(r::text || count ORDER BY r::text) FROM ($(query ${AGG}rollup_message.sql)) a) AS ours,
	                 (SELECT array_agg(r || count ORDER BY r) FROM ($(query ${AGG}plain_bool_or_message.sql)) b) AS bool_or_form,
	                 (SELECT array_agg(r || count ORDER BY r) FROM ($(query ${AGG}plain_bit_or_message.sql)) c) AS bit_or_form) x;"; } | q -At)
	record "2$P. rollup_status agrees with plain SQL" "$same" bool
	echo "   results agree: $same"

	SETTINGS=""
}
if wanted summaries; then
aggregates "" ""
aggregates " [random_page_cost 1.1]" "SET random_page_cost = 1.1;"

fi
if wanted listing; then
section "4. list_push_devices latency over $CALLS calls (pgbench, prepared)"
# the pgbench scripts are the files bench/queries/listing_*
LISTING=$BENCH_QUERIES/listing_
since=$(q -At -c "SELECT extract(epoch FROM now() - interval '20 days')::bigint")
# a script run once through psql, its random campaign fixed at 1001
once() { sed -e '/^\\set [a-z]* random/d' -e 's/:c\b/1001/g' "$1" | q -At -v since="$since" -v big="$big_campaign" -v lim="$2" -v off="$3"; }
# same rows, or the comparison means nothing
for shape in seed multi deep; do
	case $shape in seed) lim=50 off=0 ;; multi) lim=100 off=0 ;; deep) lim=50 off=10000 ;; esac
	a=$(once "${LISTING}${shape}_ours.sql" $lim $off)
	b=$(once "${LISTING}${shape}_sql.sql" $lim $off)
	same=$(same_json "$a" "$b")
	record "4. $shape: same answer as hand-written SQL" "$same" bool
	echo "   $shape: same answer as hand-written SQL: $same ($(echo "$b" | grep -o '"action_id"' | wc -l) rows)"
done
export PGBENCH_DEFS="-D since=$since -D big=$big_campaign"
latencies "4. list_push_devices, seed request" "${LISTING}seed_ours.sql" "4. hand-written SQL, seed request" "${LISTING}seed_sql.sql"
latencies "4. list_push_devices, 4 conditions" "${LISTING}multi_ours.sql" "4. hand-written SQL, 4 conditions" "${LISTING}multi_sql.sql"
latencies "4. list_push_devices, offset 10000" "${LISTING}deep_ours.sql" "4. hand-written SQL, offset 10000" "${LISTING}deep_sql.sql"
unset PGBENCH_DEFS

fi
if wanted push_info; then
section "5. push_info latency over $CALLS calls"
INFO=$BENCH_QUERIES/push_info_
typical_push=$(q -At -c "SELECT push_id FROM actions WHERE app_id = 1 AND status = 'sent' AND platform = 'android' AND push_id IN (SELECT push_id FROM pushes WHERE app_id = 1 AND expires_at > now()) LIMIT 1")
for which in big typical; do
	if [ $which = big ]; then id=$big_push; app=$big_app; else id=$typical_push; app=1; fi
	a=$(q -At -v id="'$id'" -v token="'BENCH_TOKEN_$app'" -f "${INFO}ours.sql")
	b=$(q -At -v id="'$id'" -v token="'BENCH_TOKEN_$app'" -f "${INFO}sql.sql")
	record "5. $which push: same answer as hand-written SQL" "$(same_json "$a" "$b")" bool
	PGBENCH_DEFS="-D id=$id -D token=BENCH_TOKEN_$app" \
		latencies "5. push_info, $which push" "${INFO}ours.sql" "5. hand-written SQL, $which push" "${INFO}sql.sql"
done
record "5. big push: devices" "$(q -At -c "SELECT count(*) FROM actions WHERE push_id = '$big_push'")" devices
record "5. big push: pending" "$(q -At -c "SELECT push_info('$big_push', 'BENCH_TOKEN_$big_app') #> '{push,pending_count}'")" devices

fi
if wanted memory; then
section "7. memory"
peak_memory "7. peak RSS, delivery_summary per campaign" "SELECT app_id, campaign_id, delivery_summary(status, attempts) FROM actions GROUP BY 1, 2"
peak_memory "7. peak RSS, rollup_status per message" "SELECT r, count(*) FROM (SELECT push_id, profile_id, rollup_status(status) AS r FROM actions GROUP BY 1, 2) s GROUP BY r"
record "7. size of delivery_summary" "$(q -At -c "SELECT pg_column_size('{}'::delivery_summary)")" bytes

fi
if wanted writes; then
section "6. writes"
record "6. indexes on actions" "$(q -At -c "SELECT count(*) FROM pg_index WHERE indrelid = 'actions'::regclass")" indexes
# The same million actions four ways.  Actions of existing pushes land all
# over every index (the worst case); actions of new pushes (the usual load:
# a push is created, its actions recorded) go to the right-hand end of the
# push indexes.  The floor is the same file into a table of the same columns
# with no index, CHECK or trigger.
q -c "COPY (SELECT app_id, push_id, campaign_id, device_id + 5000000, profile_id, device_token, platform, channel, status, attempts, error_message, create_time, updated_at
           FROM actions WHERE push_id IS NOT NULL LIMIT $copy_rows) TO '$WORK/copy.csv' (FORMAT csv)"
new_pushes_file bench "$copy_rows" "$WORK/copy_new.csv"
# Between the floor and actions, a reference: the same columns with only the
# primary key, whose new keys all go to its right-hand end; what such a B-tree
# costs a row here.
q -c "CREATE TABLE bare_actions (LIKE actions INCLUDING DEFAULTS INCLUDING IDENTITY)" \
  -c "CREATE TABLE pk_actions (LIKE actions INCLUDING DEFAULTS INCLUDING IDENTITY, PRIMARY KEY (action_id, app_id))" >/dev/null
copy_rates "6. COPY floor" bench bare_actions "$WORK/copy.csv" "" \
	"6. COPY, primary key only" bench pk_actions "$WORK/copy.csv" "" \
	"6. COPY into actions (indexes and foreign keys on)" bench actions "$WORK/copy.csv" "" \
	"6. COPY into actions, actions of new pushes" bench actions "$WORK/copy_new.csv" ""
q -c "DROP TABLE bare_actions, pk_actions" -c "DELETE FROM pushes WHERE push_id LIKE 'f%'" >/dev/null
# two COPY streams at once, as a loader would use both cores
head -n $((copy_rows / 2)) "$WORK/copy.csv" >"$WORK/copy_a.csv"
tail -n +$((copy_rows / 2 + 1)) "$WORK/copy.csv" >"$WORK/copy_b.csv"
chmod 644 "$WORK"/copy_*.csv
# median of 3 loads, like the one-stream figures (a single run varied 116,000-139,000)
for run in 1 2 3; do
	start=$(date +%s.%N)
	for half in a b; do
		q -c "BEGIN" -c "COPY actions ($COPY_COLUMNS) FROM '$WORK/copy_$half.csv' (FORMAT csv)" -c "ROLLBACK" >/dev/null &
	done
	wait
	awk -v n="$copy_rows" -v s="$start" -v e="$(date +%s.%N)" 'BEGIN { printf "%.0f\n", n / (e - s) }'
	q -c "VACUUM actions" >/dev/null
done >"$WORK/copy2_rates"
set -- $(median_min_max <"$WORK/copy2_rates")
record "6. COPY into actions, 2 streams at once" "$1" rows/s "$2" "$3"
echo "   COPY in 2 streams: median $1 rows/s (min $2, max $3)"

section "6. record_attempt and purge"
# record_attempt on a pool of attempted actions: 2 clients, random actions
q -c "INSERT INTO pushes (push_id, app_id, payload, expires_at) VALUES ('b00000000000000000000001', 1, '{}', now() + interval '30 days')" \
  -c "INSERT INTO actions (app_id, push_id, device_id, device_token, platform, status) SELECT 1, 'b00000000000000000000001', i, 'tok' || i, 'android', 'attempted' FROM generate_series(1, 200000) i" \
  -c "VACUUM ANALYZE actions"
read -r lo hi <<<"$(q -At -F ' ' -c "SELECT min(action_id), max(action_id) FROM actions WHERE push_id = 'b00000000000000000000001'")"
tps=$(cd "$WORK" && $PG_BIN/pgbench -n -M prepared -c 2 -j 2 -T 10 -D lo=$lo -D hi=$hi -f "$BENCH_QUERIES/writes_attempt.sql" 2>&1 | awk '/^tps/ { printf "%.0f", $3 }')
record "6. record_attempt, 2 clients" "$tps" tx/s
echo "   record_attempt: $tps tx/s"

before=$(q -At -c "SELECT count(*) FROM actions")
purge_ms=$({ echo '\timing on'; echo "SELECT purge(now(), 20000);"; } | q 2>&1 | awk '/^Time:/ { print $2 }')
purged=$((before - $(q -At -c "SELECT count(*) FROM actions")))
record "6. purge (expired pushes, batch of 20000 pushes)" "$(awk -v n="$purged" -v t="$purge_ms" 'BEGIN { printf "%.0f", n / (t / 1000) }')" rows/s
echo "   purge: $purged actions in $purge_ms ms"

fi
wanted kept && source bench/kept.sh
wanted roles && source bench/roles.sh
wanted tokens && source bench/tokens.sh
wanted times && source bench/times.sh
wanted indexes && source bench/indexes.sh
wanted capacity && source bench/capacity.sh

if wanted upgrade; then
# 1.1's update rebuilds three partial indexes, re-validates a CHECK and
# builds the kept roll-ups (one grouping of every message), so it reads the
# actions table five times; its floor is one sequential scan of it.
UPGRADE_SCALE=$(( SCALE < 2000000 ? SCALE : 2000000 ))
section "8. ALTER EXTENSION UPDATE 1.0 -> 1.1 over $UPGRADE_SCALE actions"
q -d postgres -c "CREATE DATABASE upgrade_bench"
q -d upgrade_bench -c "CREATE EXTENSION push_actions VERSION '1.0'"
q -d upgrade_bench -v scale="$UPGRADE_SCALE" -f bench/dataset.sql >/dev/null
q -d upgrade_bench -c "VACUUM ANALYZE" -c "CHECKPOINT"
timed_ms() { { echo '\timing on'; echo "$1"; } | q -d upgrade_bench 2>&1 | awk '/^Time:/ { t = $2 } END { print t }'; }
update_ms=$(timed_ms "ALTER EXTENSION push_actions UPDATE TO '1.1';")
scan_ms=$(timed_ms "SET max_parallel_workers_per_gather = 0; SELECT count(*) FROM push_actions.actions;")
record "8. update actions" "$(q -d upgrade_bench -At -c "SELECT count(*) FROM push_actions.actions")" rows
record "8. ALTER EXTENSION UPDATE 1.0 -> 1.1" "$update_ms" ms
record "8. sequential scan of the same actions" "$scan_ms" ms
echo "   update: $update_ms ms; one sequential scan: $scan_ms ms"

fi
if wanted collation; then
# Ids such as push_id, profile_id and device_token are compared through the
# database's collation in every index insert.  The same COPY into two
# databases that differ only in their collation, C and a real language's, as
# production databases have (Debian's locales package provides it).
COLL_SCALE=$(( SCALE < 1000000 ? SCALE : 1000000 ))
section "9. COPY under the C and the en_US.UTF-8 collation, databases of $COLL_SCALE actions"
for db in coll_c coll_en; do
	case $db in coll_c) locale=C.UTF-8 ;; *) locale=en_US.UTF-8 ;; esac
	q -d postgres -c "CREATE DATABASE $db TEMPLATE template0 LC_COLLATE '$locale' LC_CTYPE '$locale'"
	q -d $db -c "CREATE EXTENSION push_actions"
	# the same data in both: the generator's random() from one seed
	q -d $db -c "SELECT setseed(0.42)" -v scale="$COLL_SCALE" -f bench/dataset.sql >/dev/null
	# the usual load, as in section 6
	new_pushes_file $db "$COLL_SCALE" "$WORK/copy_$db.csv"
	q -d $db -c "VACUUM ANALYZE" >/dev/null
done
copy_rates "9. COPY of new pushes' actions, coll_c" coll_c push_actions.actions "$WORK/copy_coll_c.csv" "" \
	"9. COPY of new pushes' actions, coll_en" coll_en push_actions.actions "$WORK/copy_coll_en.csv" ""
fi

restore
trap - EXIT
section "done"
# the full table, committed: bench/RESULTS.md (the README has a short one);
# a run of some sections only: bench/RESULTS-<sections>.md
report_file=bench/RESULTS.md
[ -z "${SECTIONS:-}" ] || report_file=bench/RESULTS-$(echo $SECTIONS | tr ' ' '-').md
{
	echo "# push_actions: the latest make bench${SECTIONS:+ of sections $SECTIONS}"
	echo
	echo "\`make bench SCALE=$SCALE${HUGEPAGES:+ HUGEPAGES=$HUGEPAGES}${SECTIONS:+ SECTIONS=\"$SECTIONS\"}\`, $(date -u +%Y-%m-%d), $((SECONDS / 60)) min $((SECONDS % 60)) s; each row's"
	echo "method and meaning: [doc/performance.md](../doc/performance.md). Machine and settings:"
	HUGE_PAGES="$HUGE_PAGES" REPORT_SECTIONS="$REPORT_SECTIONS" bash bench/report.sh "$TSV" "$SCALE"
} | tee "$report_file"
