# make bench, section 14 (sourced by bench/run.sh, whose functions it uses):
# the index audit.  Each index of actions, pushes and the kept tables beside
# their keys, with the read it exists for and what it costs the writes of
# actions (COPY of new pushes' actions, record_attempt), each measured with
# the index and without it in the same run.  For the reads and COPY,
# "without" drops the index inside the measuring transaction, which is then
# rolled back: nothing is rebuilt, and every side runs on the same table,
# the sides taking turns.
section "14. index audit: each index's read and its cost to the writes"
# the writes as 1.2 makes them: every kept state on
q -c "$(trigger_function keep_rollups_checked)" >/dev/null

# AUDITED: index | table it indexes | its read | the read's SQL [| the
# definition of an index 1.2 dropped, made inside the transaction for the
# "with it" side] (the reads are those of the contract or of the README's
# examples)
audit_push=$(q -At -c "SELECT push_id FROM pushes WHERE app_id = 1 AND expires_at > now() ORDER BY push_id LIMIT 1")
AUDITED=(
	"actions_campaign_idx|actions|the largest campaign's devices, newest first (list_push_devices, its default order)|SELECT push_actions.list_push_devices('{\"apptoken\":\"BENCH_TOKEN_1\",\"condition\":[[\"campaign_id\",\"=\",$big_campaign]],\"limit\":50,\"offset\":0}'::jsonb)"
	"actions_failed_idx|actions|a campaign's failed devices (the seed request, error = 1)|SELECT push_actions.list_push_devices('{\"apptoken\":\"BENCH_TOKEN_1\",\"condition\":[[\"campaign_id\",\"=\",1001],[\"error\",\"=\",1]],\"limit\":50,\"offset\":0}'::jsonb)"
	"actions_pending_idx|actions|the devices a push is pending on (push_info of the largest push)|SELECT push_actions.push_info('$big_push', 'BENCH_TOKEN_$big_app')"
	"actions_push_idx|actions|a push's actions (delete_push of a typical push; purge and the kept roll-ups' settling too)|SELECT push_actions.delete_push('$audit_push', 'BENCH_TOKEN_1')"
	"actions_summary_idx|actions|delivery_summary per campaign of an app, over actions (the README's own SQL)|SELECT campaign_id, delivery_summary(status, attempts) FROM push_actions.actions WHERE app_id = 1 GROUP BY campaign_id"
	"actions_unfinished_idx|actions|purge: which pushes still have unfinished actions|SELECT push_actions.purge(now() + interval '3 days', 200)|CREATE INDEX actions_unfinished_idx ON push_actions.actions (app_id, push_id) WHERE status = ANY (push_actions_internal.statuses('unfinished'));"
	"actions_standalone_idx|actions|fold_actions: an app's standalone actions by age|SELECT push_actions.fold_actions(now() - interval '40 days', 200)"
	"pushes_expires_idx|pushes|purge: an app's expired pushes|SELECT push_actions.purge(now(), 200)"
	"pushes_created_idx|pushes|fold_actions: an app's pushes by age|SELECT push_actions.fold_actions(now() - interval '25 days', 200)"
	"device_tokens_dead_idx|device_tokens|a page of 1,000 dead tokens (dead_device_tokens)|SELECT count(*) FROM push_actions.dead_device_tokens('BENCH_TOKEN_1', page_size => 1000)"
)
audit_field() { echo "$1" | cut -d'|' -f"$2"; }
drop_sql() { echo "DROP INDEX $(q -At -c "SELECT indexrelid::regclass FROM pg_index WHERE indexrelid = to_regclass('push_actions.$1') OR indexrelid = to_regclass('push_actions_internal.$1')");"; }
# with_sql / without_sql ENTRY: what makes a transaction see the table with
# the entry's index, and without it
dropped() { [ -n "$(audit_field "$1" 5)" ]; }
with_sql() { dropped "$1" && audit_field "$1" 5; true; }
without_sql() { dropped "$1" || drop_sql "$(audit_field "$1" 1)"; }
record "14. indexes on actions beside its key" "$(q -At -c "SELECT count(*) FROM pg_index WHERE indrelid = 'actions'::regclass AND NOT indisprimary")" indexes

# the reads: with every index, and without the one it is for
for entry in "${AUDITED[@]}"; do
	idx=$(audit_field "$entry" 1)
	END_TX=ROLLBACK time_group "14. $idx: its read, with it" 0 "$(with_sql "$entry")" "$(audit_field "$entry" 4)" \
		"14. $idx: its read, without it" 0 "$(without_sql "$entry")" "$(audit_field "$entry" 4)"
	dropped "$entry" && record "14. $idx: dropped in 1.2" t bool
	record "14. $idx: its read" "$(audit_field "$entry" 3)" text
	q -c "VACUUM actions" -c "VACUUM pushes" >/dev/null
done

# COPY of new pushes' actions with every index and without each index of
# actions, beside the same COPY with the maintenance off and into a bare
# table (no index, key, CHECK or trigger: the floor)
new_pushes_file bench "$((copy_rows / 2))" "$WORK/copy_audit.csv"
q -c "CREATE TABLE bare_actions (LIKE actions INCLUDING DEFAULTS INCLUDING IDENTITY)" -c "VACUUM ANALYZE" >/dev/null
copy_args=("14. COPY of new pushes' actions, every index" bench actions "$WORK/copy_audit.csv" ""
	"14. COPY of new pushes' actions, maintenance off" bench actions "$WORK/copy_audit.csv" "ALTER TABLE actions DISABLE TRIGGER actions_keep_rollups_insert;"
	"14. COPY floor, new pushes' actions" bench bare_actions "$WORK/copy_audit.csv" "")
for entry in "${AUDITED[@]}"; do
	[ "$(audit_field "$entry" 2)" = actions ] || continue
	idx=$(audit_field "$entry" 1)
	if dropped "$entry"; then
		copy_args+=("14. COPY of new pushes' actions, with $idx" bench actions "$WORK/copy_audit.csv" "$(with_sql "$entry")")
	else
		copy_args+=("14. COPY of new pushes' actions, without $idx" bench actions "$WORK/copy_audit.csv" "$(without_sql "$entry")")
	fi
done
# what the indexes cost together: the same COPY with the maintenance off and
# only the key left
all_drops=$(for entry in "${AUDITED[@]}"; do [ "$(audit_field "$entry" 2)" != actions ] || without_sql "$entry"; done | paste -sd ' ')
copy_args+=("14. COPY of new pushes' actions, maintenance off, the key alone" bench actions "$WORK/copy_audit.csv"
	"ALTER TABLE actions DISABLE TRIGGER actions_keep_rollups_insert; $all_drops")
copy_rates "${copy_args[@]}"
q -c "DROP TABLE bare_actions" -c "DELETE FROM pushes WHERE push_id LIKE 'f%'" -c "VACUUM ANALYZE" >/dev/null

# record_attempt: one index costs an UPDATE that is not HOT (each of them
# changes the status, which the indexes hold) one more index entry, a few µs
# of some 200, below the spread of two runs; so the indexes that no write
# reads are measured together: pgbench (2 clients, a failed send of a random
# attempted action per call) with every index, then with those dropped, then
# with them made again, each from the same pool.  Dropped for real: the
# sessions of pgbench must not see them.
audit_pool=b00000000000000000000004
read -r lo hi <<<"$(attempt_pool $audit_pool 998)"
droppable=$(for entry in "${AUDITED[@]}"; do
	if [ "$(audit_field "$entry" 2)" = actions ] && [ "$(audit_field "$entry" 1)" != actions_push_idx ] && ! dropped "$entry"; then
		audit_field "$entry" 1
	fi
done | paste -sd ' ')
record "14. indexes of actions no write reads" "$droppable" text
definitions=$(q -At -c "SELECT string_agg(pg_get_indexdef(c.oid), '; ') FROM pg_class c
                        WHERE c.relname = ANY (string_to_array('$droppable', ' ')) AND c.relnamespace = 'push_actions'::regnamespace")
audit_attempts() {
	reset_pool $audit_pool
	(cd "$WORK" && $PG_BIN/pgbench -n -M prepared -c 2 -j 2 -T 10 -D lo=$lo -D hi=$hi -f "$BENCH_QUERIES/writes_attempt.sql" 2>&1 | awk '/^tps/ { printf "%.0f", $3 }')
}
with1=$(audit_attempts)
q -c "DROP INDEX $(echo "$droppable" | sed 's/\([a-z_]*\)/push_actions.\1/g; s/ /, /g')" >/dev/null
without=$(audit_attempts)
q -c "$definitions" -c "VACUUM ANALYZE actions" >/dev/null
with2=$(audit_attempts)
record "14. record_attempt, 2 clients, every index" "$(( (with1 + with2) / 2 ))" tx/s "$with1" "$with2"
record "14. record_attempt, 2 clients, without the indexes no write reads" "$without" tx/s
echo "   record_attempt: $with1 and $with2 tx/s with every index, $without without $droppable"
q -c "DELETE FROM pushes WHERE push_id = '$audit_pool'" -c "VACUUM ANALYZE" >/dev/null
