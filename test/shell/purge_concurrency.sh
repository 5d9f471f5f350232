#!/usr/bin/env bash
# Two sessions purge the same due pushes at once while a third records events
# (timed 3 days back, so the pushes stay due) on their actions: every push is removed exactly once, every action is counted
# in daily_rollups exactly once, and every event that succeeded is in the counts.
# Runs against the cluster in PGHOST/PGPORT (make test sets them); prints TAP.
set -u
export PGOPTIONS="-c search_path=public,push_actions"
PSQL="psql -X -q -At -d pa_tap"
echo "1..5"

app=$($PSQL -v ON_ERROR_STOP=1 -c "SELECT app_id FROM create_app('purge race')")
# 200 pushes final for 3 days (5 delivered devices each), 50 expired ones (3 attempted devices each)
$PSQL -v ON_ERROR_STOP=1 <<SQL
INSERT INTO pushes (push_id, app_id, campaign_id, payload, created_at, expires_at)
SELECT lpad(to_hex(1000000 + i), 24, '0'), $app, 9000 + i % 3, '{}',
       now() - interval '5 days', CASE WHEN i <= 200 THEN now() + interval '25 days' ELSE now() - interval '1 hour' END
FROM generate_series(1, 250) i;
INSERT INTO actions (app_id, push_id, campaign_id, device_id, platform, status, attempts, create_time, updated_at)
SELECT $app, lpad(to_hex(1000000 + i), 24, '0'), 9000 + i % 3, d, 'android',
       CASE WHEN i <= 200 THEN 'delivered' ELSE 'attempted' END::push_status, 1,
       now() - interval '5 days', now() - interval '3 days'
FROM generate_series(1, 250) i, generate_series(1, CASE WHEN i <= 200 THEN 5 ELSE 3 END) d;
SQL
total=$($PSQL -c "SELECT count(*) FROM actions WHERE app_id = $app")
ids=$($PSQL -c "SELECT string_agg(action_id::text, ' ' ORDER BY random()) FROM actions WHERE app_id = $app AND status = 'delivered'")

# The purgers start once the writer has recorded its first 500 events, so those
# are certainly counted and the other 500 race with the purge.
purger() {
	# at most 30 s: a writer that died must fail the test, not hang it
	for _ in $(seq 1 3000); do [ -e "$half" ] && break; sleep 0.01; done
	for i in $(seq 1 60); do echo "SELECT purge(now(), 7);"; done | $PSQL -v ON_ERROR_STOP=1 >"$1" 2>&1
}
writer() {
	n=0
	for id in $ids; do
		echo "SELECT record_event($id, 'opened', now() - interval '3 days');"
		n=$((n + 1)); [ $n = 500 ] && echo "\\! touch $half"
	done | $PSQL >"$1" 2>&1
}
outA=$(mktemp); outB=$(mktemp); outW=$(mktemp); half=$(mktemp -u)
purger "$outA" & a=$!
purger "$outB" & b=$!
writer "$outW" & w=$!
wait $a; ra=$?
wait $b; rb=$?
wait $w

[ $ra -eq 0 ] && [ $rb -eq 0 ] && echo "ok 1 - both purgers ran without error" \
	|| { echo "not ok 1 - a purger failed"; grep -hv '^[0-9]*$' "$outA" "$outB" | head -5; }

removed=$(cat "$outA" "$outB" | awk '/^[0-9]+$/ { s += $1 } END { print s + 0 }')
[ "$removed" = 250 ] && echo "ok 2 - the purgers removed 250 pushes between them" \
	|| echo "not ok 2 - removed $removed pushes, expected 250"

left=$($PSQL -c "SELECT count(*) FROM pushes WHERE app_id = $app")
left_actions=$($PSQL -c "SELECT count(*) FROM actions WHERE app_id = $app")
[ "$left" = 0 ] && [ "$left_actions" = 0 ] && echo "ok 3 - no push or action is left" \
	|| echo "not ok 3 - $left pushes and $left_actions actions left"

counted=$($PSQL -c "SELECT total(delivery_summary(summary)) FROM daily_rollups WHERE app_id = $app")
[ "$counted" = "$total" ] && echo "ok 4 - daily_rollups counts each of the $total actions once" \
	|| echo "not ok 4 - daily_rollups counts $counted actions, expected $total"

opened_ok=$(grep -c '^opened$' "$outW")
res=$($PSQL -c "SELECT status_count(s, 'opened') || '|' || status_count(s, 'expired') || '|' || status_count(s, 'delivered')
                FROM (SELECT delivery_summary(summary) AS s FROM daily_rollups WHERE app_id = $app) x")
expected="$opened_ok|150|$((1000 - opened_ok))"
[ "$res" = "$expected" ] && [ "$opened_ok" -ge 500 ] && echo "ok 5 - all $opened_ok events that succeeded (500 before the purge began) are counted, expired pushes count as expired" \
	|| echo "not ok 5 - opened|expired|delivered = $res, expected $expected"
rm -f "$outA" "$outB" "$outW" "$half"
