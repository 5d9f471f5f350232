#!/usr/bin/env bash
# make bench CITUS=1: the benchmark's dataset (bench/dataset.sql, SCALE
# actions) on a Citus coordinator with two workers on this machine, side by
# side with one server holding the same rows (a database without Citus on the
# coordinator's server).  Each figure is taken on both in the same run, the
# two sides taking turns; where the time goes is measured too: how the rows
# fall on the workers, what one hop through the coordinator costs, and how
# long the workers' part of a query takes against the whole.  The table goes
# to bench/RESULTS-citus.md (on PostgreSQL 17 or 18, made in a throwaway
# system, to bench/RESULTS-citus-pgN.md), the figures to
# bench/results/citus.tsv.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/lib.sh
. bench/lib.sh
pg_is_native || exec bash scripts/in_debian_system.sh bench

SCALE=${SCALE:-10000000}
RUNS=${RUNS:-5}			# timed runs per query, after one warm-up
CALLS=${CALLS:-2000}	# calls per latency measurement
COPY_ROWS=${COPY_ROWS:-500000}
RESULTS=bench/results
mkdir -p "$RESULTS"
TSV=$RESULTS/citus.tsv
: >"$TSV"
# PostgreSQL 15's report is bench/RESULTS-citus.md; another's is named for it
REPORT=bench/RESULTS-citus$([ "$PG" = 15 ] || echo "-pg$PG").md

ensure_deps
ensure_citus
[ -e "$($PG_BIN/pg_config --pkglibdir)/citus.so" ] \
	|| { echo "Citus is not installed: make bench CITUS=1 CITUS_SOURCE=path/to/citus-N.tar.gz (or a folder of them)" >&2; exit 1; }
build_install

# three servers on Unix sockets in one throwaway folder: the coordinator
# (which also holds the single server's database) and two workers
DIR=$(mktemp -d /tmp/push_actions_citus.XXXXXX)
chmod 755 "$DIR"
server_owner "$DIR"
export PGHOST=$DIR PGPORT=5432
COORD=5432 WORKERS="5433 5434"
stop_all() { for p in $COORD $WORKERS; do server_stop "$DIR" "node$p"; done; rm -rf "$DIR"; }
trap stop_all EXIT
# the same settings on every node; the data stays in the page cache (24 GB)
OPTS="-c shared_preload_libraries=citus -c citus.local_hostname=$DIR -c max_prepared_transactions=20 \
 -c shared_buffers=1GB -c work_mem=64MB -c maintenance_work_mem=512MB -c max_wal_size=16GB -c checkpoint_timeout=1h \
 -c synchronous_commit=off -c autovacuum=off -c jit=off -c max_worker_processes=16"
for p in $COORD $WORKERS; do
	server_start "$DIR" "node$p" "$p" "$OPTS"
done


section "a coordinator and two workers, Citus $(q -At -d postgres -c "SELECT default_version FROM pg_available_extensions WHERE name = 'citus'")"
q -d postgres -c "CREATE DATABASE single" -c "CREATE DATABASE bench"
q -d single -c "CREATE EXTENSION push_actions"
for p in $COORD $WORKERS; do
	[ "$p" = "$COORD" ] || q -p "$p" -d postgres -c "CREATE DATABASE bench"
	q -p "$p" -d bench -c "CREATE EXTENSION citus" -c "CREATE EXTENSION push_actions"
done
q -d bench -c "SELECT citus_set_coordinator_host('$DIR', $COORD)" >/dev/null
for p in $WORKERS; do q -d bench -c "SELECT citus_add_node('$DIR', $p)" >/dev/null; done

section "generating $SCALE actions, and the same rows in the cluster's database"
q -d single -v scale="$SCALE" -f bench/dataset.sql >/dev/null
# the generator draws at random: its rows are copied, parents first (their
# references are known to hold); the kept roll-ups' trigger makes their rows
for t in push_actions.apps push_actions.pushes push_actions.actions push_actions.daily_rollups; do
	q -d single -c "\\copy $t TO STDOUT" | q -d bench -c "SET session_replication_role = replica" -c "\\copy $t FROM pstdin"
done
for s in push_actions.apps_app_id_seq push_actions.actions_action_id_seq; do
	q -d bench -c "SELECT setval('$s', $(q -d single -At -c "SELECT last_value FROM $s"))" >/dev/null
done
start=$(date +%s.%N)
q -d bench -c "SELECT push_actions.distribute()" >/dev/null
record "load: distribute() of the loaded tables" "$(awk -v s="$start" -v e="$(date +%s.%N)" 'BEGIN { printf "%.1f", e - s }')" s
for db in single bench; do q -d "$db" -c "VACUUM ANALYZE" -c "CHECKPOINT"; done
actions=$(q -d single -At -c "SELECT count(*) FROM push_actions.actions")
record "load: actions" "$actions" rows
same=$(q -d bench -At -c "SELECT count(*) FROM push_actions.actions")
record "load: the cluster holds the same number of actions" "$([ "$same" = "$actions" ] && echo t || echo f)" bool
echo "   $actions actions; distribute() took $(value "load: distribute() of the loaded tables") s"

section "where the rows are"
# the dataset's 5 apps each hash to one shard; a worker holds the shards it was given
while IFS='|' read -r port n; do
	record "rows: actions on the worker at port $port" "$n" rows
	echo "   worker $port: $n actions"
done < <(q -d bench -At -c "
SELECT n.nodeport, sum(c.n) FROM pg_dist_placement p JOIN pg_dist_node n USING (groupid)
JOIN (SELECT get_shard_id_for_distribution_column('push_actions.actions', app_id) AS shardid, count(*) AS n
      FROM push_actions.actions GROUP BY app_id) c USING (shardid)
GROUP BY 1 ORDER BY 1")

# timed_median N SQL PSQL-OPTIONS...: median ms of N runs of SQL in one
# session, after a warm-up
timed_median() {
	local n=$1 sql=$2
	shift 2
	{ echo '\timing on'; echo '\o /dev/null'; for r in $(seq 0 "$n"); do echo "\\echo @@ $r"; echo "$sql;"; done; } \
		| q "$@" 2>&1 | awk '/^@@ / { run = $2; next } /^Time:/ && run > 0 { print $2 }' | median
}

# time_pair KEY SQL: median ms of RUNS runs of SQL on the single server and on
# the cluster, each in one session after a warm-up, the two sides in turn;
# the answers must be equal
time_pair() {
	local key=$1 sql=$2 db ms a b
	for db in single bench; do
		record "$key: $db" "$(timed_median "$RUNS" "$sql" -d "$db")" ms
	done
	a=$(q -d single -At -c "SELECT md5(string_agg(x::text, E'\n' ORDER BY x::text)) FROM ($sql) x")
	b=$(q -d bench -At -c "SELECT md5(string_agg(x::text, E'\n' ORDER BY x::text)) FROM ($sql) x")
	record "$key: same answer" "$([ "$a" = "$b" ] && echo t || echo f)" bool
	echo "   $key: one server $(value "$key: single") ms, Citus $(value "$key: bench") ms, same answer: $(value "$key: same answer")"
}

section "queries, median of $RUNS runs"
time_pair "campaign_overview, every campaign" "SELECT * FROM push_actions.campaign_overview"
time_pair "campaign_overview, one campaign" "SELECT * FROM push_actions.campaign_overview WHERE app_id = 1 AND campaign_id = 1001"
time_pair "delivery_summary over all actions" "SELECT delivery_summary(status, attempts) FROM push_actions.actions"
time_pair "floor: count(*) over all actions" "SELECT count(*) FROM push_actions.actions"
# the same total from one summary per app, each made whole on its worker
time_pair "delivery_summary over all actions, merged from one per app" \
	"SELECT delivery_summary(s) FROM (SELECT app_id, delivery_summary(status, attempts) AS s FROM push_actions.actions GROUP BY app_id) per_app"
time_pair "delivery_summary per app and campaign" \
	"SELECT app_id, campaign_id, delivery_summary(status, attempts) FROM push_actions.actions GROUP BY 1, 2"

section "where the time of the summary over all actions goes"
# each shard's part alone on its worker (median of 3), against the whole
# query through the coordinator
: >"$DIR/parts"
: >"$DIR/partials"
# Citus 14 sends the partial states in binary, through its own wrapper
PARTIAL_AGG=worker_partial_agg
[ -n "$(q -p "${WORKERS%% *}" -d bench -At -c "SELECT to_regproc('worker_binary_partial_agg')")" ] && PARTIAL_AGG=worker_binary_partial_agg
record "summary over all actions: the workers' partial aggregate" "$PARTIAL_AGG" text
# part_ms PORT SQL: median ms of 3 runs on one worker
part_ms() { timed_median 3 "$2" -p "$1" -d bench; }
while IFS='|' read -r port shard; do
	echo "$port $(part_ms "$port" "SELECT delivery_summary(status, attempts) FROM push_actions.actions_$shard")" >>"$DIR/parts"
	# what the workers run for a total across apps: Citus's generic partial
	# aggregate, which calls the aggregate's functions with each row packed
	echo "$port $(part_ms "$port" "SELECT $PARTIAL_AGG('delivery_summary(push_actions.push_status,smallint)'::regprocedure, ROW(status, attempts)) FROM push_actions.actions_$shard")" >>"$DIR/partials"
done < <(q -d bench -At -c "
SELECT DISTINCT n.nodeport, c.shardid FROM pg_dist_placement p JOIN pg_dist_node n USING (groupid)
JOIN (SELECT get_shard_id_for_distribution_column('push_actions.actions', app_id) AS shardid
      FROM push_actions.actions GROUP BY app_id) c USING (shardid) ORDER BY 1, 2")
busiest() { awk '{ w[$1] += $2 } END { for (k in w) if (w[k] > m) m = w[k]; printf "%.1f", m }' "$1"; }
record "summary over all actions: the busiest worker's parts through the partial aggregate" "$(busiest "$DIR/partials")" ms
record "summary over all actions: shards with rows" "$(wc -l <"$DIR/parts")" shards
record "summary over all actions: tasks" "$(q -d bench -At -c "SELECT count(*) FROM pg_dist_shard WHERE logicalrelid = 'push_actions.actions'::regclass")" tasks
record "summary over all actions: their parts one after another" "$(awk '{ s += $2 } END { printf "%.1f", s }' "$DIR/parts")" ms
record "summary over all actions: the busiest worker's parts" "$(busiest "$DIR/parts")" ms
echo "   parts one after another $(value "summary over all actions: their parts one after another") ms, the busiest worker's $(value "summary over all actions: the busiest worker's parts") ms (through $PARTIAL_AGG $(value "summary over all actions: the busiest worker's parts through the partial aggregate") ms), the whole query $(value "delivery_summary over all actions: bench") ms"

# latency KEY DB SCRIPT [pgbench options]: median ms per call over CALLS calls, one client
latency() {
	local key=$1 db=$2 script=$3 work
	shift 3
	work=$(mktemp -d "$DIR/pgbench.XXXXXX")
	(cd "$work" && $PG_BIN/pgbench -n -M prepared -c 1 -t "$CALLS" -l "$@" -f "$script" "$db" >/dev/null 2>"$work/err") \
		|| { cat "$work/err"; return 1; }
	record "$key" "$(awk '{ print $3 / 1000 }' "$work"/pgbench_log.* | median)" ms
	rm -rf "$work"
}
section "calls, median of $CALLS"
LISTING=$(pwd)/bench/queries/listing_seed_ours.sql
HOP=$(mktemp "$DIR/hop.XXXXXX.sql")
# the same probe of one index on both sides, finding nothing: the difference
# is the trip through the coordinator to the worker and back
cat >"$HOP" <<'EOF'
SELECT status FROM push_actions.actions WHERE app_id = 1 AND action_id = 0;
EOF
# a pool of attempted actions in app 1, as the main benchmark's record_attempt
# uses; each database numbers its actions itself
for db in single bench; do
	q -d "$db" -At -c "SELECT push_actions.add_push_devices(1, push_actions.create_push(1, '{}', (SELECT jsonb_agg(jsonb_build_object('device_id', d, 'token', 't' || d, 'platform', 'android')) FROM generate_series(1, 10000) d), 999),
	                   (SELECT jsonb_agg(jsonb_build_object('device_id', d, 'token', 't' || d, 'platform', 'android')) FROM generate_series(10001, 20000) d))" >/dev/null
done
for db in single bench; do
	read -r lo hi < <(q -d "$db" -At -F ' ' -c "SELECT min(action_id), max(action_id) FROM push_actions.actions WHERE app_id = 1 AND campaign_id = 999")
	ATTEMPT_NAMED=$(mktemp "$DIR/attempt.XXXXXX.sql")
	printf '\\set aid random(%s, %s)\nSELECT push_actions.record_attempt(:aid, false, '"'"'Unavailable'"'"', app_id => 1);\n' "$lo" "$hi" >"$ATTEMPT_NAMED"
	ATTEMPT_ALONE=$(mktemp "$DIR/attempt.XXXXXX.sql")
	printf '\\set aid random(%s, %s)\nSELECT push_actions.record_attempt(:aid, false, '"'"'Unavailable'"'"');\n' "$lo" "$hi" >"$ATTEMPT_ALONE"
	latency "list_push_devices, seed request: $db" "$db" "$LISTING"
	latency "one index probe finding nothing (a hop): $db" "$db" "$HOP"
	latency "record_attempt, app named: $db" "$db" "$ATTEMPT_NAMED"
	latency "record_attempt, by action alone: $db" "$db" "$ATTEMPT_ALONE"
done
for k in "list_push_devices, seed request" "one index probe finding nothing (a hop)" "record_attempt, app named" "record_attempt, by action alone"; do
	echo "   $k: one server $(value "$k: single") ms, Citus $(value "$k: bench") ms"
done
record "kept roll-ups after the calls: no difference on the cluster" \
	"$([ "$(q -d bench -At -c 'SELECT count(*) FROM push_actions.verify_rollups()')" = 0 ] && echo t || echo f)" bool

section "COPY of $COPY_ROWS actions of new pushes, median of 3"
record "COPY rows" "$COPY_ROWS" rows
# new pushes in both databases (copies of the newest ones under ids starting
# with f), and a file of actions for them in push order
FILE=$DIR/copy.csv
for db in single bench; do
	q -d "$db" -c "INSERT INTO push_actions.pushes (push_id, app_id, campaign_id, payload, created_at, expires_at)
SELECT 'f' || substr(push_id, 2), app_id, campaign_id, payload, now(), now() + interval '30 days'
FROM push_actions.pushes WHERE push_id IN (SELECT DISTINCT push_id FROM push_actions.actions WHERE action_id <= $COPY_ROWS)" >/dev/null
done
q -d single -c "\\copy (SELECT app_id, 'f' || substr(push_id, 2), campaign_id, device_id, profile_id, device_token, platform, channel, status, attempts, error_message FROM push_actions.actions WHERE action_id <= $COPY_ROWS ORDER BY action_id) TO '$FILE' CSV"
COLS="app_id, push_id, campaign_id, device_id, profile_id, device_token, platform, channel, status, attempts, error_message"
for run in 1 2 3; do
	for db in single bench; do
		ms=$({ echo '\timing on'; echo 'BEGIN;'; echo "\\copy push_actions.actions ($COLS) FROM '$FILE' CSV"; echo 'ROLLBACK;'; } \
			| q -d "$db" 2>&1 | awk '/^Time:/ { n++; if (n == 2) print $2 }')
		echo "$ms" >>"$DIR/copy.$db"
	done
done
for db in single bench; do
	ms=$(median <"$DIR/copy.$db")
	record "COPY of actions of new pushes: $db" "$(awk -v n="$COPY_ROWS" -v t="$ms" 'BEGIN { printf "%.0f", n / (t / 1000) }')" rows/s
done
echo "   one server $(value "COPY of actions of new pushes: single") rows/s, Citus $(value "COPY of actions of new pushes: bench") rows/s"

section "parallel ingest: COPY of the same $COPY_ROWS actions in 1, 2 and 4 streams at once"
# The file cut into 1, 2 and 4 parts by app (stream i takes the apps whose
# id leaves i divided by the number of streams), each part a COPY of its own
# session in a transaction rolled back, all started together; on one server
# and through the coordinator, in turns.  A loader splits by app on Citus:
# streams that mix apps write in several shards at once, and two of them
# that meet on a device token in two shards were cancelled as a distributed
# deadlock (a run that split by push).  Every lock wait over 100 ms and
# every deadlock, on any node, is logged and counted.
for p in $COORD $WORKERS; do
	q -p "$p" -d postgres -c "ALTER SYSTEM SET log_lock_waits = on" -c "ALTER SYSTEM SET deadlock_timeout = '100ms'" -c "SELECT pg_reload_conf()" >/dev/null
done
log_marks() { for p in $COORD $WORKERS; do wc -l <"$DIR/node$p.log"; done | paste -sd ' '; }
# log_count PATTERN MARKS: lines matching PATTERN in the nodes' logs since MARKS
log_count() {
	local pattern=$1 n=0 p i=1 mark
	for p in $COORD $WORKERS; do
		mark=$(echo "$2" | cut -d' ' -f"$i"); i=$((i + 1))
		n=$((n + $(tail -n +"$((mark + 1))" "$DIR/node$p.log" | grep -c "$pattern")))
	done
	echo "$n"
}
for streams in 1 2 4; do
	for ((i = 0; i < streams; i++)); do : >"$DIR/part.$streams.$i"; done
	awk -F, -v n="$streams" -v dir="$DIR" '{ print > (dir "/part." n "." ($1 % n)) }' "$FILE"
done
chmod 644 "$DIR"/part.*
for streams in 1 2 4; do
	record "parallel ingest, $streams streams: the largest part" "$(wc -l "$DIR"/part.$streams.* | grep -v total | sort -n | tail -1 | awk '{ print $1 }')" rows
done
: >"$DIR/ingest"
marks=$(log_marks)
for run in 1 2 3; do
	for streams in 1 2 4; do
		for db in single bench; do
			start=$(date +%s.%N)
			for ((i = 0; i < streams; i++)); do
				{ echo 'BEGIN;'; echo "\\copy push_actions.actions ($COLS) FROM '$DIR/part.$streams.$i' CSV"; echo 'ROLLBACK;'; } \
					| $PG_BIN/psql -X -v ON_ERROR_STOP=1 -d "$db" >"$DIR/stream.$i.out" 2>&1 &
			done
			wait
			# every row of the file copied, or the rate means nothing
			copied=$(cat "$DIR"/stream.*.out | awk '/^COPY [0-9]+$/ { n += $2 } END { print n + 0 }')
			[ "$copied" = "$(wc -l <"$FILE")" ] \
				|| { echo "parallel ingest, $streams streams, $db: $copied rows copied of $(wc -l <"$FILE")" >&2; cat "$DIR"/stream.*.out >&2; exit 1; }
			rm -f "$DIR"/stream.*.out
			echo "$streams $db $(awk -v n="$COPY_ROWS" -v s="$start" -v e="$(date +%s.%N)" 'BEGIN { printf "%.0f", n / (e - s) }')" >>"$DIR/ingest"
		done
	done
	q -d single -c "VACUUM push_actions.actions" >/dev/null
	q -d bench -c "VACUUM push_actions.actions" >/dev/null
done
for streams in 1 2 4; do
	for db in single bench; do
		total=$(awk -v s="$streams" -v d="$db" '$1 == s && $2 == d { print $3 }' "$DIR/ingest" | median)
		record "parallel ingest, $streams streams: $db" "$total" rows/s
		record "parallel ingest, $streams streams, per stream: $db" "$((total / streams))" rows/s
	done
	echo "   $streams streams: one server $(value "parallel ingest, $streams streams: single") rows/s, Citus $(value "parallel ingest, $streams streams: bench") rows/s"
done
record "parallel ingest: lock waits over 100 ms" "$(log_count 'still waiting for' "$marks")" waits
record "parallel ingest: deadlocks" "$(log_count 'deadlock detected\|distributed deadlock' "$marks")" deadlocks
for p in $COORD $WORKERS; do
	q -p "$p" -d postgres -c "ALTER SYSTEM RESET log_lock_waits" -c "ALTER SYSTEM RESET deadlock_timeout" -c "SELECT pg_reload_conf()" >/dev/null
done
echo "   lock waits over 100 ms: $(value "parallel ingest: lock waits over 100 ms"), deadlocks: $(value "parallel ingest: deadlocks")"

section "report"
bash bench/citus_report.sh "$TSV" >"$REPORT"
cat "$REPORT"
