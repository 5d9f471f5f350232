# make bench, section 15 (sourced by bench/run.sh, whose functions it uses):
# what doc/scale-out.md's capacity model rests on besides the rates measured
# above: the bytes an action keeps on disk while it lives, the WAL each step
# of its life writes, and the time each step takes one backend.  The bulk
# steps (a push's actions written, a push purged) run as one statement in a
# transaction rolled back; the calls (record_attempt, track_event) one per
# transaction, LIFE_ACTIONS of each; the WAL is the insert position's advance.
section "15. capacity: disk, WAL and time per action in one backend"
q -c "$(trigger_function keep_rollups_checked)" >/dev/null
LIFE_ACTIONS=${LIFE_ACTIONS:-10000}

live=$(q -At -c "SELECT count(*) FROM actions")
record "15. bytes on disk per live action, actions and its indexes" \
	"$(q -At -c "SELECT pg_total_relation_size('push_actions.actions') / $live")" bytes
record "15. bytes on disk per live action, everything the extension keeps" \
	"$(q -At -c "SELECT (sum(pg_total_relation_size(c.oid)) / $live)::bigint FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
	             WHERE n.nspname IN ('push_actions', 'push_actions_internal') AND c.relkind = 'r'")" bytes

# step_cost KEY N SETUP SQL: WAL bytes and backend time per action of SQL,
# which handles N actions, after SETUP in the same transaction (median of 3)
step_cost() {
	local key=$1 n=$2 setup=$3 sql=$4 run out
	: >"$WORK/step_cost"
	for run in 1 2 3; do
		out=$({ echo "BEGIN;"; echo "$setup"; echo "SELECT pg_current_wal_insert_lsn() AS l0 \\gset"
		        echo '\timing on'; echo "$sql"; echo '\timing off'
		        echo "SELECT 'wal ' || pg_wal_lsn_diff(pg_current_wal_insert_lsn(), :'l0');"; echo "ROLLBACK;"; } | q -At 2>&1)
		echo "$(echo "$out" | awk '/^Time:/ { t = $2 } END { print t }') $(echo "$out" | awk '/^wal / { print $2 }')" >>"$WORK/step_cost"
		q -c "VACUUM actions" >/dev/null
	done
	set -- $(awk -v n="$n" '{ printf "%.2f\n", $1 * 1000 / n }' "$WORK/step_cost" | median_min_max)
	record "15. $key: time per action in one backend" "$1" µs "$2" "$3"
	record "15. $key: WAL per action" "$(awk -v n="$n" '{ printf "%.0f\n", $2 / n }' "$WORK/step_cost" | median)" bytes
	echo "   $key: $(value "15. $key: time per action in one backend") µs, $(value "15. $key: WAL per action") bytes of WAL per action"
}

# the life of an action: its push's actions written in one statement, its
# send recorded (record_attempt), its delivery and its opening reported by
# the device (track_event), all in app 1; the calls one per transaction, as
# an app backend makes them (pgbench, one client, prepared), with the WAL
# their run wrote
pool=b00000000000000000000006
step_cost "new push's actions, one INSERT" "$LIFE_ACTIONS" "" \
	"INSERT INTO pushes (push_id, app_id, campaign_id, payload, expires_at) VALUES ('$pool', 1, 997, '{}', now() + interval '30 days');
	 INSERT INTO actions (app_id, push_id, campaign_id, device_id, device_token, platform, status)
	 SELECT 1, '$pool', 997, i, md5('capacity' || i), 'android', 'scheduled' FROM generate_series(1, $LIFE_ACTIONS) i;"
read -r lo hi <<<"$(attempt_pool $pool 997)"
q -c "CREATE SEQUENCE life_seq" \
  -c "CREATE TABLE life_deliveries AS SELECT row_number() OVER (ORDER BY device_id) AS n, delivery_id, delivery_token
      FROM push_actions.push_deliveries('$pool', 'BENCH_TOKEN_1')" -c "CREATE UNIQUE INDEX ON life_deliveries (n)" -c "ANALYZE life_deliveries" >/dev/null
# call_cost KEY SCRIPT: per call of SCRIPT over LIFE_ACTIONS calls, each a
# different action of the pool (the sequence picks it): latency and WAL
call_cost() {
	local key=$1 script=$2 l0 wal ms
	q -c "SELECT setval('life_seq', 1, false)" >/dev/null
	l0=$(q -At -c "SELECT pg_current_wal_insert_lsn()")
	ms=$(cd "$WORK" && $PG_BIN/pgbench -n -M prepared -c 1 -t "$LIFE_ACTIONS" -D lo="$lo" -f "$script" 2>&1 | awk '/^latency average/ { print $4 }')
	wal=$(q -At -c "SELECT pg_wal_lsn_diff(pg_current_wal_insert_lsn(), '$l0') / $LIFE_ACTIONS")
	record "15. $key: time per action in one backend" "$(awk -v m="$ms" 'BEGIN { printf "%.1f", m * 1000 }')" µs
	record "15. $key: WAL per action" "$(printf '%.0f' "$wal")" bytes
	echo "   $key: $(value "15. $key: time per action in one backend") µs, $(value "15. $key: WAL per action") bytes of WAL per call"
}
cat >"$WORK/life_attempt.sql" <<'EOF'
SELECT push_actions.record_attempt((SELECT :lo + nextval('life_seq') - 1), true);
EOF
cat >"$WORK/life_delivered.sql" <<'EOF'
SELECT push_actions.track_event(d.delivery_id, d.delivery_token, 'delivered') FROM life_deliveries d WHERE d.n = (SELECT nextval('life_seq'));
EOF
cat >"$WORK/life_opened.sql" <<'EOF'
SELECT push_actions.track_event(d.delivery_id, d.delivery_token, 'opened') FROM life_deliveries d WHERE d.n = (SELECT nextval('life_seq'));
EOF
call_cost "record_attempt, a send" "$WORK/life_attempt.sql"
call_cost "track_event, delivered" "$WORK/life_delivered.sql"
call_cost "track_event, opened" "$WORK/life_opened.sql"
q -c "DROP TABLE life_deliveries" -c "DROP SEQUENCE life_seq" >/dev/null
# purge of the pool once expired: its 200,000 actions folded and deleted
# (purge's own work for one push, without its search for expired pushes)
step_cost "purge, fold and delete" 200000 "UPDATE pushes SET expires_at = now() - interval '1 second' WHERE push_id = '$pool';" \
	"SELECT push_actions_internal.fold_and_delete(1, ARRAY['$pool'], '{}');"
# what the deletions cost afterwards: VACUUM of actions once the pool's
# 200,000 actions are gone, which reads every index of actions whole
q -c "VACUUM actions" -c "SELECT push_actions_internal.fold_and_delete(1, ARRAY['$pool'], '{}')" >/dev/null
record "15. VACUUM of actions after 200,000 actions deleted" \
	"$({ echo '\timing on'; echo 'VACUUM actions;'; } | q 2>&1 | awk '/^Time:/ { print $2 }')" ms
record "15. size of actions with its indexes" "$(q -At -c "SELECT pg_total_relation_size('push_actions.actions') / 1048576")" MB
echo "   VACUUM after 200,000 deletions: $(value "15. VACUUM of actions after 200,000 actions deleted") ms over $(value "15. size of actions with its indexes") MB"
q -c "DELETE FROM pushes WHERE push_id = '$pool'" -c "VACUUM ANALYZE" >/dev/null
