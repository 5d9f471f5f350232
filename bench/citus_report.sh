#!/usr/bin/env bash
# bench/citus_report.sh TSV: the Markdown table of a make bench CITUS=1 run
# (bench/RESULTS-citus.md) from its figures.
set -euo pipefail
TSV=$1
. "$(dirname "$0")/lib.sh"

cat <<EOF
# make bench CITUS=1

$(date -u +%Y-%m-%d), $(nproc) cores: a coordinator and two workers (Citus, one machine) against one
server, $(value "load: actions") actions of bench/dataset.sql in each; the cluster holds the same
rows: $(value "load: the cluster holds the same number of actions"). \`distribute()\` of the loaded
tables took $(value "load: distribute() of the loaded tables") s. Every query answered the same on
both sides (the "same" column).

| measurement | one server | Citus | Citus ÷ one server | same |
|---|---|---|---|---|
EOF
for k in "campaign_overview, every campaign" "campaign_overview, one campaign" "delivery_summary over all actions" \
	"delivery_summary over all actions, merged from one per app" "floor: count(*) over all actions" \
	"delivery_summary per app and campaign"; do
	a=$(value "$k: single"); b=$(value "$k: bench")
	echo "| $k | $a ms | $b ms | $(ratio "$b" "$a")× | $(value "$k: same answer") |"
done
for k in "list_push_devices, seed request" "one index probe finding nothing (a hop)" "record_attempt, app named" "record_attempt, by action alone"; do
	a=$(value "$k: single"); b=$(value "$k: bench")
	echo "| $k, per call | $a ms | $b ms | $(ratio "$b" "$a")× | |"
done
a=$(value "COPY of actions of new pushes: single"); b=$(value "COPY of actions of new pushes: bench")
echo "| COPY of actions of new pushes | $a rows/s | $b rows/s | $(ratio "$b" "$a")× | |"

cat <<EOF

Parallel ingest: the same $(value "COPY rows") actions of new pushes in 1, 2 and 4 streams at once, each stream a
session of its own with whole apps (the largest of 2 parts $(value "parallel ingest, 2 streams: the largest part") rows, of 4 parts
$(value "parallel ingest, 4 streams: the largest part") rows), in a transaction rolled back (median of 3 runs):

| streams | one server, total | per stream | Citus, total | per stream | Citus ÷ one server |
|---|---|---|---|---|---|
EOF
for n in 1 2 4; do
	a=$(value "parallel ingest, $n streams: single"); b=$(value "parallel ingest, $n streams: bench")
	echo "| $n | $a rows/s | $(value "parallel ingest, $n streams, per stream: single") rows/s | $b rows/s | $(value "parallel ingest, $n streams, per stream: bench") rows/s | $(ratio "$b" "$a")× |"
done
w=$(value "parallel ingest: lock waits over 100 ms"); d=$(value "parallel ingest: deadlocks")
echo
echo "Lock waits over 100 ms on any node during the parallel ingest: $w; deadlocks: $d (target: none): $([ "$w" = 0 ] && [ "$d" = 0 ] && echo met || echo MISSED)."

cat <<EOF

Kept roll-ups on the cluster after the calls, no difference from their recomputation:
$(value "kept roll-ups after the calls: no difference on the cluster").

## Where the time goes

- **Rows per worker.** The dataset has 5 apps; each lives on one shard, so on one worker:
$(awk -F'\t' '$1 ~ /^rows: actions on the worker/ { sub(/^rows: actions on the worker at /, "", $1); printf "  %s holds %s actions;\n", $1, $2 }' "$TSV")
  a query over all apps waits for the worker with the most.
- **The summary over all actions** took $(value "delivery_summary over all actions: bench") ms through the coordinator, as
  $(value "summary over all actions: tasks") tasks, one per shard (the empty ones too). Its parts on the $(value "summary over all actions: shards with rows") shards with rows take
  $(value "summary over all actions: their parts one after another") ms run alone one after another, $(value "summary over all actions: the busiest worker's parts") ms on the busiest worker. But for
  a total across apps the workers do not run the aggregate itself: Citus wraps every custom
  aggregate in its generic \`$(value "summary over all actions: the workers' partial aggregate")\`, which packs each row into a record and calls the
  aggregate's functions through it; the busiest worker's parts take
  $(value "summary over all actions: the busiest worker's parts through the partial aggregate") ms that way, one after another, against the whole query's $(value "delivery_summary over all actions: bench") ms: the time goes
  to that wrapper on the busiest worker; sending the tasks and merging one partial summary per
  task add little. One server scans the same rows in $(value "delivery_summary over all actions: single") ms.
- **The same total from one summary per app** (\`SELECT delivery_summary(s) FROM (SELECT app_id,
  delivery_summary(status, attempts) AS s FROM actions GROUP BY app_id) per_app\`) took
  $(value "delivery_summary over all actions, merged from one per app: bench") ms: grouped by the distribution column, each worker runs the aggregate itself
  and the coordinator merges one summary per app.
- **One hop.** The same probe of one index, finding nothing, takes
  $(value "one index probe finding nothing (a hop): single") ms on one server and $(value "one index probe finding nothing (a hop): bench") ms through the coordinator: what every routed
  statement pays on top of its work.
- **record_attempt by action alone** ($(value "record_attempt, by action alone: bench") ms) first looks the action's app up on every
  shard; with the app named ($(value "record_attempt, app named: bench") ms), the whole call is handed to the app's worker as one task.
- **On one machine** the workers share the same $(nproc) cores and memory as the single server, so
  the cluster cannot be faster here: these figures are the cost of distribution, which a real
  cluster repays with more machines.
EOF
