# make bench, section 10 (sourced by bench/run.sh, whose functions it uses):
# the kept roll-ups (without the device tokens' state: section 12).  Reads of campaign_overview and message_status against
# the plain SQL that regroups the live actions; writes with the maintenance
# on, off (its triggers disabled) and against their floors.  The queries and
# pgbench scripts are the files bench/queries/kept_*.
KEPT=$BENCH_QUERIES/kept_
WRITES=$BENCH_QUERIES/writes_

section "10. kept roll-ups: campaign_overview and message_status"
time_group "10. campaign_overview, all campaigns" 0 "" "$(query ${KEPT}overview_all.sql)" \
	"10. plain SQL roll-up, all campaigns" 0 "" "$(query ${KEPT}overview_all_plain.sql)"
same=$(q -At -c "SELECT (SELECT md5(string_agg(x::text, ';' ORDER BY x::text)) FROM ($(query ${KEPT}overview_all.sql)) x)
                      = (SELECT md5(string_agg(x::text, ';' ORDER BY x::text)) FROM ($(query ${KEPT}overview_all_plain.sql)) x)")
record "10. campaign_overview agrees with plain SQL" "$same" bool
echo "   same numbers as plain SQL: $same"

read -r top_app top_campaign top_actions <<<"$(q -At -F ' ' -c "SELECT app_id, campaign_id, count(*) FROM actions WHERE campaign_id IS NOT NULL GROUP BY 1, 2 ORDER BY 3 DESC LIMIT 1")"
record "10. largest campaign: actions" "$top_actions" actions
one_campaign="WHERE app_id = $top_app AND campaign_id = $top_campaign"
time_group "10. campaign_overview, largest campaign" 0 "" "$(query ${KEPT}overview_all.sql) $one_campaign" \
	"10. plain SQL roll-up, largest campaign" 0 "" "$(query ${KEPT}overview_all_plain.sql | sed "s|WHERE true /\* campaign \*/|$one_campaign|")"

typical=$(q -At -c "SELECT push_id FROM push_actions_internal.messages WHERE app_id = 1 GROUP BY 1 HAVING count(*) BETWEEN 3 AND 10 LIMIT 1")
person=$(q -At -c "SELECT profile_id FROM push_actions_internal.messages WHERE app_id = 1 AND profile_id IS NOT NULL LIMIT 1")
record "10. typical push: messages" "$(q -At -c "SELECT count(*) FROM push_actions.message_status WHERE push_id = '$typical'")" messages
record "10. person: messages" "$(q -At -c "SELECT count(*) FROM push_actions.message_status WHERE app_id = 1 AND profile_id = '$person'")" messages
# one person's messages are found through the optional index the README
# offers (each new message pays for it, so it is not created by default)
q -c "CREATE INDEX messages_person_idx ON push_actions_internal.messages (app_id, profile_id) WHERE profile_id IS NOT NULL" \
  -c "ANALYZE" >/dev/null
PGBENCH_DEFS="-D app=$top_app -D campaign=$top_campaign -D push=$typical" \
	latencies "10. campaign_overview, largest campaign (pgbench)" ${KEPT}overview_campaign.sql \
	"10. message_status, one push" ${KEPT}message_push.sql
PGBENCH_DEFS="-D app=1 -D person=$person -D push=$typical" \
	latencies "10. message_status, one person (optional person index)" ${KEPT}message_person.sql \
	"10. plain SQL, one push" ${KEPT}message_push_plain.sql
q -c "DROP INDEX push_actions_internal.messages_person_idx" >/dev/null

section "10. kept roll-ups: COPY with the maintenance on and off"
# 1.1's trigger function: the roll-ups without the state machine's check
# (src/writes_rules.c), to measure what the check costs the writes
UNCHECKED_TRIGGER=$(trigger_function keep_rollups)
# the writes of this section keep the roll-ups alone, as 1.1 did; sections
# 12 and 13 measure what the tokens' state and the hourly series add
CHECKED_TRIGGER=$(trigger_function keep_rollups_checked_alone)
q -c "$CHECKED_TRIGGER" >/dev/null
new_pushes_file bench "$copy_rows" "$WORK/copy_kept.csv"
q -c "CREATE TABLE bare_actions (LIKE actions INCLUDING DEFAULTS INCLUDING IDENTITY)" -c "VACUUM ANALYZE" >/dev/null
copy_rates "10. COPY of new pushes' actions, kept roll-ups on" bench actions "$WORK/copy_kept.csv" "" \
	"10. COPY of new pushes' actions, kept roll-ups off" bench actions "$WORK/copy_kept.csv" \
	"ALTER TABLE actions DISABLE TRIGGER actions_keep_rollups_insert;" \
	"10. COPY floor, new pushes' actions" bench bare_actions "$WORK/copy_kept.csv" "" \
	"10. COPY of new pushes' actions, kept roll-ups on, state machine unchecked" bench actions "$WORK/copy_kept.csv" "$UNCHECKED_TRIGGER"
# What any kept state costs at least: one row per message.  The file's
# messages, grouped beforehand, inserted into an empty table like the kept
# one (same columns and key); in rows of the file per second, like the COPYs.
# The same rows with ON CONFLICT, as a writer that may meet a concurrent one
# on a message must insert them (speculative insertion).
kept_cols="app_id, push_id, person, campaign_id, profile_id, device_id, created_at, first_attempt_at, summary"
floor_ms=$({ echo "BEGIN;"; echo "COPY bare_actions ($COPY_COLUMNS) FROM '$WORK/copy_kept.csv' (FORMAT csv);"
             echo "CREATE TEMP TABLE staged AS SELECT r.app_id, r.push_id, push_actions_internal.message_person(r.campaign_id, r.profile_id, r.device_id) AS person,
                   r.campaign_id, r.profile_id, push_actions_internal.message_device(r.profile_id, r.device_id) AS device_id,
                   min(r.create_time) AS created_at, min(r.create_time) AS first_attempt_at, delivery_summary(r.status, r.attempts) AS summary
                   FROM bare_actions r GROUP BY 1, 2, 3, 4, 5, 6;"
             echo "CREATE TEMP TABLE kept_floor (LIKE push_actions_internal.messages INCLUDING ALL);"
             echo "CREATE TEMP TABLE kept_upsert (LIKE push_actions_internal.messages INCLUDING ALL);"
             echo '\timing on'
             echo "INSERT INTO kept_floor ($kept_cols) SELECT * FROM staged;"
             echo "INSERT INTO kept_upsert AS k ($kept_cols) SELECT * FROM staged ON CONFLICT (push_id, person, app_id) DO UPDATE SET summary = k.summary + excluded.summary;"
             echo '\timing off'; echo "ROLLBACK;"; } | q 2>&1 | awk '/^Time:/ { t[++n] = $2 } END { print t[1], t[2] }')
read -r plain_ms upsert_ms <<<"$floor_ms"
copy_lines=$(wc -l <"$WORK/copy_kept.csv")
record "10. message rows of the COPY alone, into a table like the kept one" \
	"$(awk -v n="$copy_lines" -v t="$plain_ms" 'BEGIN { printf "%.0f", n / (t / 1000) }')" rows/s
record "10. message rows of the COPY alone, with ON CONFLICT" \
	"$(awk -v n="$copy_lines" -v t="$upsert_ms" 'BEGIN { printf "%.0f", n / (t / 1000) }')" rows/s
record "10. messages in the COPY" "$({ echo "BEGIN;"; echo "COPY bare_actions ($COPY_COLUMNS) FROM '$WORK/copy_kept.csv' (FORMAT csv);"
	echo "SELECT count(*) FROM (SELECT DISTINCT push_id, push_actions_internal.message_person(campaign_id, profile_id, device_id) FROM bare_actions) m;"
	echo "ROLLBACK;"; } | q -At | grep -E '^[0-9]+$')" messages
q -c "DROP TABLE bare_actions" -c "DELETE FROM pushes WHERE push_id LIKE 'f%'" -c "VACUUM ANALYZE" >/dev/null

section "10. kept roll-ups: record_attempt with the maintenance on and off"
# a pool of attempted actions in one campaign, each its own message
pool=b00000000000000000000002
read -r lo hi <<<"$(attempt_pool $pool 999)"
# every run starts from the same pool (reset_pool); a run with the
# maintenance off leaves the pool's kept rows behind, so they are made again
# from its actions
repair_pool() {
	q -c "ALTER TABLE actions ENABLE ALWAYS TRIGGER actions_keep_rollups_update" -f ${KEPT}repair_pool.sql -v pool="$pool" >/dev/null
}
attempt_defs="-D lo=$lo -D hi=$hi -D pool_push=$pool -D pool_campaign=999"
: >"$WORK/attempt_rates"
for run in 1 2 3; do
	for mode in on off floor unchecked; do
		reset_pool $pool
		if [ $mode = unchecked ]; then q -c "$UNCHECKED_TRIGGER" >/dev/null
		elif [ $mode != on ]; then q -c "ALTER TABLE actions DISABLE TRIGGER actions_keep_rollups_update" >/dev/null; fi
		script=${WRITES}attempt.sql; [ $mode = floor ] && script=${KEPT}attempt_floor.sql
		tps=$(cd "$WORK" && $PG_BIN/pgbench -n -M prepared -c 2 -j 2 -T 10 $attempt_defs -f "$script" 2>&1 | awk '/^tps/ { printf "%.0f", $3 }')
		echo "$mode $tps" >>"$WORK/attempt_rates"
		if [ $mode = unchecked ]; then q -c "$CHECKED_TRIGGER" >/dev/null
		elif [ $mode != on ]; then repair_pool; fi
	done
done
for mode in on off floor unchecked; do
	set -- $(awk -v m=$mode '$1 == m { print $2 }' "$WORK/attempt_rates" | median_min_max)
	record "10. record_attempt, 2 clients, kept roll-ups $mode" "$1" tx/s "$2" "$3"
	echo "   record_attempt, maintenance $mode: median $1 tx/s (min $2, max $3)"
done
record "10. kept roll-ups agree after the record_attempt runs" "$(q -At -c "SELECT count(*) = 0 FROM push_actions.verify_rollups() WHERE app_id = 1 AND campaign_id = 999")" bool

# what the trigger would pay per write if it read the campaign rule's view
# (kept_repair.sql) for the campaign instead of applying the difference
time_group "10. campaign rule from its view, the pool's campaign" 0 "" \
	"SELECT * FROM push_actions_internal.campaign_rollups WHERE kept AND app_id = 1 AND campaign_id = 999"

# 8 clients on the one campaign: every wait for a lock longer than 100 ms is
# logged (log_lock_waits after deadlock_timeout), and so is every deadlock
reset_pool $pool
q -c "ALTER SYSTEM SET log_lock_waits = on" -c "ALTER SYSTEM SET deadlock_timeout = '100ms'" -c "SELECT pg_reload_conf()" >/dev/null
mark=$(wc -l <"$CLUSTER_DIR/data.log")
out=$(cd "$WORK" && $PG_BIN/pgbench -n -M prepared -c 8 -j 2 -T 20 $attempt_defs -f "${WRITES}attempt.sql" 2>&1)
q -c "ALTER SYSTEM RESET log_lock_waits" -c "ALTER SYSTEM RESET deadlock_timeout" -c "SELECT pg_reload_conf()" >/dev/null
record "10. record_attempt, 8 clients on one campaign" "$(echo "$out" | awk '/^tps/ { printf "%.0f", $3 }')" tx/s
record "10. 8 clients: failed transactions" "$(echo "$out" | awk '/number of failed transactions/ { print $5 }')" transactions
record "10. 8 clients: lock waits over 100 ms" "$(tail -n +"$mark" "$CLUSTER_DIR/data.log" | grep -c 'still waiting for')" waits
record "10. 8 clients: deadlocks" "$(tail -n +"$mark" "$CLUSTER_DIR/data.log" | grep -c 'deadlock detected')" deadlocks
echo "   8 clients: $(value "10. record_attempt, 8 clients on one campaign") tx/s, $(value "10. 8 clients: lock waits over 100 ms") waits over 100 ms, $(value "10. 8 clients: deadlocks") deadlocks"
q -c "DELETE FROM pushes WHERE push_id = '$pool'" -c "VACUUM ANALYZE" >/dev/null
q -c "$(trigger_function keep_rollups_checked)" >/dev/null
