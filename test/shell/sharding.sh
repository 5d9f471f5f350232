#!/usr/bin/env bash
# Beyond one server (SPEC section 9): two extra local clusters are shards, each
# running the extension with its own apps; the test cluster is the coordinator,
# whose table is partitioned by app_id into postgres_fdw foreign tables.  Checks
# that aggregates grouped by app (and finer) are computed whole on the shards,
# that their results travel back as text and equal what each shard computes
# itself, and that cross-app totals merge the shards' summaries.
# Runs against the cluster in PGHOST/PGPORT (make test sets them); prints TAP.
set -u
cd "$(dirname "$0")/../.."
. scripts/lib.sh	# server_start, server_stop
echo "1..9"

dir=$(mktemp -d /tmp/pa_shards.XXXXXX)
chmod 755 "$dir"
RUN_AS=""
if [ "$(id -u)" -eq 0 ]; then chown postgres "$dir"; RUN_AS="runuser -u postgres --"; fi
stop_shards() {
	for port in 5441 5442; do server_stop "$dir" "$port"; done
	rm -rf "$dir"
}
trap stop_shards EXIT

# shard PORT: a cluster on a socket in $dir with the extension installed
shard() {
	server_start "$dir" "$1" "$1" >/dev/null &&
	on "$1" -c "CREATE EXTENSION push_actions"
}
# on PORT psql-args: psql on a shard, tuples only
on() { local port=$1; shift; $PG_BIN/psql -X -q -At -v ON_ERROR_STOP=1 -h "$dir" -p "$port" -d postgres "$@"; }
coord() { $PG_BIN/psql -X -q -At -v ON_ERROR_STOP=1 -d pa_shard "$@"; }

# fill PORT FIRST_APP: two apps from FIRST_APP on, three pushes each, with
# successes, retried failures, bounces and deliveries, all through the write API
fill() {
	on "$1" -c "SELECT setval(pg_get_serial_sequence('push_actions.apps', 'app_id'), $2, false)" >/dev/null &&
	on "$1" >/dev/null <<SQL
SET search_path = push_actions, public;
SELECT create_app('shard app ' || n) FROM generate_series(1, 2) n;
SELECT create_push(a.app_id, '{"message":"hello"}',
	(SELECT jsonb_agg(jsonb_build_object('device_id', d, 'platform', CASE WHEN d % 3 = 0 THEN 'ios' ELSE 'android' END,
	                                     'token', 'tok' || a.app_id || '-' || p || '-' || d, 'profile_id', 'person' || d / 2))
	 FROM generate_series(1, 40 + 10 * p) d),
	campaign_id => a.app_id * 10 + p % 2)
FROM apps a, generate_series(1, 3) p;
SELECT record_attempt(action_id, action_id % 7 <> 0,
	CASE WHEN action_id % 7 = 0 THEN CASE WHEN action_id % 2 = 0 THEN 'DEVICE_UNREGISTERED' ELSE 'timeout' END END,
	action_id % 14 = 0) FROM actions;
SELECT record_event(action_id, 'delivered') FROM actions WHERE status = 'sent' AND action_id % 3 = 0;
SELECT record_event(action_id, 'converted') FROM actions WHERE status = 'delivered' AND action_id % 5 = 0;
SQL
}

if shard 5441 && shard 5442 && fill 5441 1 && fill 5442 101; then
	echo "ok 1 - two shard clusters run the extension, apps 1-2 on one and 101-102 on the other"
else
	echo "not ok 1 - could not start or fill the shards"; tail -5 "$dir"/*.log; exit 1
fi

$PG_BIN/psql -X -q -v ON_ERROR_STOP=1 -d postgres -c "DROP DATABASE IF EXISTS pa_shard" -c "CREATE DATABASE pa_shard" >/dev/null
coord >/dev/null <<SQL
CREATE EXTENSION push_actions;
CREATE EXTENSION postgres_fdw;
CREATE SERVER shard1 FOREIGN DATA WRAPPER postgres_fdw OPTIONS (host '$dir', port '5441', dbname 'postgres', extensions 'push_actions');
CREATE SERVER shard2 FOREIGN DATA WRAPPER postgres_fdw OPTIONS (host '$dir', port '5442', dbname 'postgres', extensions 'push_actions');
CREATE USER MAPPING FOR CURRENT_USER SERVER shard1 OPTIONS (user '$PGUSER');
CREATE USER MAPPING FOR CURRENT_USER SERVER shard2 OPTIONS (user '$PGUSER');
CREATE TABLE all_actions (
	app_id bigint NOT NULL, push_id text, campaign_id bigint, profile_id text, device_id bigint,
	platform text, status push_actions.push_status NOT NULL, attempts smallint NOT NULL
) PARTITION BY RANGE (app_id);
CREATE FOREIGN TABLE all_actions_1 PARTITION OF all_actions FOR VALUES FROM (1) TO (101)
	SERVER shard1 OPTIONS (schema_name 'push_actions', table_name 'actions');
CREATE FOREIGN TABLE all_actions_2 PARTITION OF all_actions FOR VALUES FROM (101) TO (201)
	SERVER shard2 OPTIONS (schema_name 'push_actions', table_name 'actions');
-- without statistics the planner may find shipping the rows cheaper than
-- shipping the aggregate
ANALYZE all_actions;
SQL
[ $? -eq 0 ] || { echo "not ok 2 - could not set up the coordinator"; exit 1; }

SET="SET search_path = public, push_actions; SET enable_partitionwise_aggregate = on;"
per_app="SELECT app_id, delivery_summary(status, attempts) FROM all_actions GROUP BY app_id"
plan=$(coord -c "$SET" -c "EXPLAIN (VERBOSE, COSTS OFF) $per_app")
pushed=$(echo "$plan" | grep -c 'Relations: Aggregate on (public.all_actions_[12]')
if [ "$pushed" -eq 2 ] && echo "$plan" | grep -q 'Remote SQL: SELECT app_id, push_actions.delivery_summary(status, attempts) FROM push_actions.actions GROUP BY'; then
	echo "ok 2 - delivery_summary per app is computed whole on each shard (one aggregate pushed down per partition)"
else
	echo "not ok 2 - per-app summaries are not pushed down:"; echo "$plan" | sed 's/^/# /'
fi

# what each shard answers itself, and what the coordinator answers for it
local_per_app=$( { on 5441 -c "SELECT app_id, push_actions.delivery_summary(status, attempts) FROM push_actions.actions GROUP BY 1"
                   on 5442 -c "SELECT app_id, push_actions.delivery_summary(status, attempts) FROM push_actions.actions GROUP BY 1"; } | sort)
coord_per_app=$(coord -c "$SET" -c "$per_app" | sort)
apps=$(echo "$coord_per_app" | grep -c .)
if [ -n "$local_per_app" ] && [ "$local_per_app" = "$coord_per_app" ] && [ "$apps" -eq 4 ]; then
	echo "ok 3 - the 4 apps' summaries through the coordinator equal the shards' own, to the byte"
else
	echo "not ok 3 - per-app summaries differ"; diff <(echo "$local_per_app") <(echo "$coord_per_app") | sed 's/^/# /'
fi

# a total over every app: the shards' summaries merged with the delivery_summary(delivery_summary) aggregate
total=$(coord -c "$SET" -c "SELECT delivery_summary(s) FROM ($per_app) per_app(app_id, s)")
expected_total=$(coord -c "$SET" -c "SELECT delivery_summary(s)::text FROM (VALUES
	('$(on 5441 -c "SELECT push_actions.delivery_summary(status, attempts) FROM push_actions.actions")'::delivery_summary),
	('$(on 5442 -c "SELECT push_actions.delivery_summary(status, attempts) FROM push_actions.actions")'::delivery_summary)) v(s)")
count=$(coord -c "$SET" -c "SELECT total('$total'::delivery_summary) = (SELECT count(*) FROM all_actions)
                             AND status_count('$total'::delivery_summary, 'bounced') > 0 AND status_count('$total'::delivery_summary, 'converted') > 0")
if [ -n "$total" ] && [ "$total" = "$expected_total" ] && [ "$count" = "t" ]; then
	echo "ok 4 - the cross-app total merges the shards' summaries and counts every action once: $total"
else
	echo "not ok 4 - cross-app total $total, expected $expected_total (counts every action, has bounces and conversions: $count)"
fi

# per campaign with a filter on push_status: the operator is the extension's, so it ships too
per_campaign="SELECT app_id, campaign_id, delivery_summary(status) FROM all_actions WHERE status <> 'scheduled' GROUP BY app_id, campaign_id"
plan=$(coord -c "$SET" -c "EXPLAIN (VERBOSE, COSTS OFF) $per_campaign")
if [ "$(echo "$plan" | grep -c 'Relations: Aggregate on')" -eq 2 ] && echo "$plan" | grep -q "WHERE ((status OPERATOR(push_actions.<>) 'scheduled'))"; then
	echo "ok 5 - per campaign, with a push_status filter, is computed whole on the shards, filter included"
else
	echo "not ok 5 - per-campaign summaries or their filter are not pushed down:"; echo "$plan" | sed 's/^/# /'
fi

# per message: rollup_status grouped by app, push and person, pushed down and equal to the shards' own
per_message="SELECT app_id, push_id, profile_id, rollup_status(status) FROM all_actions GROUP BY 1, 2, 3"
plan=$(coord -c "$SET" -c "EXPLAIN (VERBOSE, COSTS OFF) $per_message")
local_messages=$( { on 5441 -c "SELECT r, count(*) FROM (SELECT push_actions.rollup_status(status) AS r FROM push_actions.actions GROUP BY app_id, push_id, profile_id) m GROUP BY 1"
                    on 5442 -c "SELECT r, count(*) FROM (SELECT push_actions.rollup_status(status) AS r FROM push_actions.actions GROUP BY app_id, push_id, profile_id) m GROUP BY 1"; } |
                  awk -F'|' '{ n[$1] += $2 } END { for (s in n) print s "|" n[s] }' | sort)
coord_messages=$(coord -c "$SET" -c "SELECT r, count(*) FROM ($per_message) m(a, p, u, r) GROUP BY r" | sort)
if [ "$(echo "$plan" | grep -c 'Relations: Aggregate on')" -eq 2 ] && echo "$plan" | grep -q 'push_actions.rollup_status(status)' \
   && [ -n "$coord_messages" ] && [ "$local_messages" = "$coord_messages" ]; then
	echo "ok 6 - rollup_status per message runs on the shards and gives their own counts: $(echo $coord_messages)"
else
	echo "not ok 6 - per-message roll-ups not pushed down or different"; echo "$plan" | sed 's/^/# /'
	diff <(echo "$local_messages") <(echo "$coord_messages") | sed 's/^/# /'
fi

# a summary over one app touches only that app's shard
plan=$(coord -c "$SET" -c "EXPLAIN (VERBOSE, COSTS OFF) SELECT app_id, delivery_summary(status) FROM all_actions WHERE app_id = 101 GROUP BY app_id")
if echo "$plan" | grep -q 'all_actions_2' && ! echo "$plan" | grep -q 'all_actions_1' && echo "$plan" | grep -q 'Relations: Aggregate on'; then
	echo "ok 7 - one app's summary asks only that app's shard, aggregate included"
else
	echo "not ok 7 - one app's summary is not pruned to its shard:"; echo "$plan" | sed 's/^/# /'
fi

# without the extension named in the server's options, nothing of ours is shipped:
# the rows come back and the coordinator aggregates them, with the same result
coord -c "ALTER SERVER shard1 OPTIONS (DROP extensions)" -c "ALTER SERVER shard2 OPTIONS (DROP extensions)" >/dev/null
plan=$(coord -c "$SET" -c "EXPLAIN (VERBOSE, COSTS OFF) $per_app")
unlisted=$(coord -c "$SET" -c "$per_app" | sort)
if ! echo "$plan" | grep -q 'Remote SQL: .*delivery_summary' && [ "$unlisted" = "$coord_per_app" ]; then
	echo "ok 8 - without 'extensions' in the server options the coordinator aggregates the shards' rows itself, same result"
else
	echo "not ok 8 - aggregates shipped without the extensions option, or results differ:"; echo "$plan" | sed 's/^/# /'
fi

# a shard that is down is an error naming the connection, not a wrong total
server_stop "$dir" 5442
err=$(coord -c "$SET" -c "$per_app" 2>&1 >/dev/null)
if echo "$err" | grep -q 'could not connect to server "shard2"'; then
	echo "ok 9 - with a shard down the query fails, naming the shard"
else
	echo "not ok 9 - a query over a stopped shard did not fail as expected: $err"
fi
$PG_BIN/psql -X -q -d postgres -c "DROP DATABASE pa_shard" >/dev/null 2>&1
