# make bench, section 12 (sourced by bench/run.sh, whose functions it uses):
# the device tokens' kept state.  The writes with it and without it (1.2's
# trigger function without the tokens, keep_rollups_checked_without_tokens),
# side by side: COPY of new pushes'
# actions and record_attempt; a page of dead tokens against the same read of
# the kept table; create_push of 10,000 devices with and without skipping
# the dead ones.
TOKENS=$BENCH_QUERIES/tokens_

section "12. device tokens: the state kept on the writes"
WITH_TOKENS=$(trigger_function keep_rollups_checked)
WITHOUT_TOKENS=$(trigger_function keep_rollups_checked_without_tokens)
q -c "$WITH_TOKENS" >/dev/null
record "12. device tokens kept" "$(q -At -c "SELECT count(*) FROM push_actions_internal.device_tokens")" tokens
record "12. dead device tokens of app 1" "$(q -At -c "SELECT count(*) FROM push_actions_internal.device_tokens WHERE app_id = 1 AND dead_since IS NOT NULL")" tokens
record "12. device tokens in step after the load" "$(q -At -c "SELECT count(*) = 0 FROM push_actions.verify_device_tokens()")" bool
new_pushes_file bench "$copy_rows" "$WORK/copy_tokens.csv"
q -c "VACUUM ANALYZE" >/dev/null
copy_rates "12. COPY of new pushes' actions, tokens kept" bench actions "$WORK/copy_tokens.csv" "" \
	"12. COPY of new pushes' actions, tokens not kept" bench actions "$WORK/copy_tokens.csv" "$WITHOUT_TOKENS"
# the same actions with tokens new to the database: every row writes one
sed 's/^\(\([^,]*,\)\{5\}\)\([0-9a-f]\{32\}\)/\1n\3/' "$WORK/copy_tokens.csv" >"$WORK/copy_new_tokens.csv"
chmod 644 "$WORK/copy_new_tokens.csv"
copy_rates "12. COPY of new tokens' actions, tokens kept" bench actions "$WORK/copy_new_tokens.csv" "" \
	"12. COPY of new tokens' actions, tokens not kept" bench actions "$WORK/copy_new_tokens.csv" "$WITHOUT_TOKENS"
# What any per-token state costs such a COPY at least: one write of each
# token's row.  The file's tokens, grouped beforehand, their rows updated in
# place (the least a success must write to keep the token's latest success),
# in rows of the file per second, like the COPYs.
token_ms=$({ echo "BEGIN;"; echo "CREATE TEMP TABLE staged (LIKE actions INCLUDING DEFAULTS INCLUDING IDENTITY);"
             echo "COPY staged ($COPY_COLUMNS) FROM '$WORK/copy_tokens.csv' (FORMAT csv);"
             echo "CREATE TEMP TABLE staged_tokens AS SELECT DISTINCT app_id, platform, device_token FROM staged WHERE device_token IS NOT NULL;"
             echo "ANALYZE staged_tokens;"
             echo '\timing on'
             echo "UPDATE push_actions_internal.device_tokens t SET last_success_at = now() FROM staged_tokens s
                   WHERE t.app_id = s.app_id AND t.platform = s.platform AND t.device_token = s.device_token;"
             echo '\timing off'; echo "ROLLBACK;"; } | q 2>&1 | awk '/^Time:/ { t = $2 } END { print t }')
record "12. token rows of the COPY alone, each updated once" \
	"$(awk -v n="$(wc -l <"$WORK/copy_tokens.csv")" -v t="$token_ms" 'BEGIN { printf "%.0f", n / (t / 1000) }')" rows/s
q -c "DELETE FROM pushes WHERE push_id LIKE 'f%'" -c "VACUUM ANALYZE" >/dev/null

pool=b00000000000000000000004
read -r lo hi <<<"$(attempt_pool $pool 997)"
: >"$WORK/token_attempt_rates"
# floor: not kept, plus the token's row updated in place by the script
for run in 1 2 3; do
	for mode in kept not_kept floor; do
		reset_pool $pool
		[ $mode = kept ] || q -c "$WITHOUT_TOKENS" >/dev/null
		script="${WRITES}attempt.sql"
		[ $mode = floor ] && script="${TOKENS}attempt_floor.sql"
		tps=$(cd "$WORK" && $PG_BIN/pgbench -n -M prepared -c 2 -j 2 -T 10 -D lo=$lo -D hi=$hi -f "$script" 2>&1 | awk '/^tps/ { printf "%.0f", $3 }')
		echo "$mode $tps" >>"$WORK/token_attempt_rates"
		[ $mode = kept ] || q -c "$WITH_TOKENS" >/dev/null
	done
done
for mode in kept not_kept floor; do
	set -- $(awk -v m=$mode '$1 == m { print $2 }' "$WORK/token_attempt_rates" | median_min_max)
	record "12. record_attempt, 2 clients, tokens ${mode/_/ }" "$1" tx/s "$2" "$3"
	echo "   record_attempt, tokens ${mode/_/ }: median $1 tx/s (min $2, max $3)"
done
# the runs without the tokens' state left the pool's tokens behind
q -c "SELECT push_actions.rebuild_device_tokens()" >/dev/null
record "12. device tokens in step after the record_attempt runs" "$(q -At -c "SELECT count(*) = 0 FROM push_actions.verify_device_tokens() WHERE app_id = 1")" bool
q -c "DELETE FROM pushes WHERE push_id = '$pool'" -c "VACUUM ANALYZE" >/dev/null

section "12. device tokens: the clean-up job's pages and create_push skipping the dead"
# the first page, and one from the middle of the app's dead tokens
for at in first middle; do
	if [ $at = first ]; then cursor=none; from="-infinity|a|a"
	else
		middle=$(( $(value "12. dead device tokens of app 1") / 2 ))
		cursor=$(q -At -c "SELECT cursor FROM push_actions.dead_device_tokens('BENCH_TOKEN_1', page_size => 10000) OFFSET $middle LIMIT 1")
		# a moment without spaces, for pgbench -D
		from=$(q -At -F '|' -c "SELECT to_char(dead_since AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.US\"Z\"'), platform, device_token
		                        FROM push_actions.dead_device_tokens('BENCH_TOKEN_1', page_size => 10000) OFFSET $middle LIMIT 1")
	fi
	IFS='|' read -r from_time from_platform from_token <<<"$from"
	PGBENCH_DEFS="-D after=$cursor -D from_time=$from_time -D from_platform=$from_platform -D from_token=$from_token" \
		latencies "12. dead_device_tokens, $at page of 1000" "${TOKENS}dead_page.sql" \
		"12. the same page from the kept table, $at" "${TOKENS}dead_page_floor.sql"
done
# 10,000 devices of app 1, the dead among them as many as in the app
q -c "CREATE TABLE bench_devices AS SELECT jsonb_agg(jsonb_build_object('device_id', n, 'token', device_token, 'platform', platform)) AS devices
      FROM (SELECT row_number() OVER () AS n, device_token, platform FROM push_actions_internal.device_tokens
            WHERE app_id = 1 ORDER BY md5(device_token) LIMIT 10000) d" >/dev/null
record "12. dead tokens among the 10,000 devices" "$(q -At -c "SELECT count(*) FROM bench_devices, jsonb_array_elements(devices) e
	JOIN push_actions_internal.device_tokens t ON t.app_id = 1 AND t.platform = e ->> 'platform' AND t.device_token = e ->> 'token' WHERE t.dead_since IS NOT NULL")" devices
time_group "12. create_push, 10,000 devices" 0 "" "SELECT push_actions.create_push(1, '{}', devices) FROM bench_devices" \
	"12. create_push_skipping_dead, 10,000 devices" 0 "" "SELECT push_id FROM push_actions.create_push_skipping_dead(1, '{}', (SELECT devices FROM bench_devices))"
q -c "DROP TABLE bench_devices" -c "DELETE FROM pushes WHERE app_id = 1 AND payload = '{}' AND created_at > now() - interval '1 day'" -c "VACUUM ANALYZE" >/dev/null
