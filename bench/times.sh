# make bench, section 13 (sourced by bench/run.sh, whose functions it uses):
# the latency sketch against Debian's tdigest on the same durations; the
# hourly series' reads against the plain-SQL grouping of the actions; their
# cost to the writes, with them and without them (1.2's trigger without the
# series, keep_rollups_checked_without_times), side by side; and the scan
# cost of the moments stored in a row.
TIMES=$BENCH_QUERIES/times_

section "13. latency_sketch and tdigest over the same million durations"
ensure_packages postgresql-$PG-tdigest
q -c "CREATE EXTENSION IF NOT EXISTS tdigest" >/dev/null
# skewed (log-normal around 2 s) and bimodal (a second or hours): push sends and deliveries
q -c "SELECT setseed(0.34)" \
  -c "CREATE TABLE bench_durations AS
      SELECT CASE WHEN i % 2 = 0 THEN exp(ln(2) + 1.2 * sqrt(-2 * ln(1 - random())) * cos(2 * pi() * random()))
                  WHEN random() < 0.7 THEN 0.2 + 0.6 * random() ELSE 3600 * (1 + 8 * random()) END AS seconds
      FROM generate_series(1, 1000000) i" -c "VACUUM ANALYZE bench_durations" >/dev/null
time_group "13. count(seconds) of a million durations (floor)" 0 "" "SELECT count(seconds) FROM bench_durations" \
	"13. latency_sketch of a million durations" 0 "" "SELECT latency_sketch(seconds) FROM bench_durations" \
	"13. tdigest(seconds, 100) of a million durations" 0 "" "SELECT tdigest(seconds, 100) FROM bench_durations" \
	"13. percentile_disc of a million durations, three quantiles (exact)" 0 "" \
	"SELECT percentile_disc(ARRAY[0.5, 0.9, 0.99]) WITHIN GROUP (ORDER BY seconds) FROM bench_durations"
# the largest relative error of p1 ... p99 against the exact quantile, and each value's size
read -r sketch_error digest_error sketch_bytes digest_bytes <<<"$(q -At -F ' ' -c "
	WITH v AS (SELECT latency_sketch(seconds) AS s, tdigest(seconds, 100) AS t FROM bench_durations),
	     e AS (SELECT q, percentile_disc(q) WITHIN GROUP (ORDER BY seconds) AS x
	           FROM bench_durations, unnest(ARRAY[0.01, 0.05, 0.1, 0.25, 0.5, 0.75, 0.9, 0.95, 0.99]) q GROUP BY q)
	SELECT round(max(abs(o.s - e.x) / e.x)::numeric, 5), round(max(abs(o.t - e.x) / e.x)::numeric, 5),
	       (SELECT pg_column_size(s) FROM v), (SELECT pg_column_size(t) FROM v)
	FROM e, LATERAL (SELECT (SELECT quantile(v.s, e.q) FROM v) AS s,
	                        -- tdigest_percentile(tdigest, q) is an aggregate: over the one digest
	                        (SELECT tdigest_percentile(v.t, e.q) FROM v) AS t) o")"
record "13. latency_sketch: largest relative error of p1 to p99" "$sketch_error" ratio
record "13. tdigest(100): largest relative error of p1 to p99" "$digest_error" ratio
record "13. latency_sketch: value size" "$sketch_bytes" bytes
record "13. tdigest(100): value size" "$digest_bytes" bytes
echo "   largest error p1-p99: latency_sketch $sketch_error, tdigest $digest_error; sizes $sketch_bytes and $digest_bytes bytes"
q -c "DROP TABLE bench_durations" >/dev/null

section "13. the hourly series: a campaign's 30 days by hour, an app's month by day in Berlin"
record "13. hourly buckets kept" "$(q -At -c "SELECT count(*) FROM push_actions_internal.time_buckets")" rows
record "13. hourly buckets in step after the load" "$(q -At -c "SELECT count(*) = 0 FROM push_actions.verify_time_buckets() WHERE app_id = 1")" bool
time_group "13. delivery_times, campaign 1001, 30 days by hour" 0 "" "$(query "${TIMES}campaign_hours.sql")" \
	"13. plain SQL over the actions, campaign 1001, 30 days by hour" 0 "" "$(query "${TIMES}campaign_hours_plain.sql")" \
	"13. delivery_times, app 1, 30 days by day in Europe/Berlin" 0 "" "$(query "${TIMES}app_days.sql")" \
	"13. plain SQL over the actions, app 1, 30 days by day in Europe/Berlin" 0 "" "$(query "${TIMES}app_days_plain.sql")"

section "13. the hourly series: the writes with them and without them"
WITH_TIMES=$(trigger_function keep_rollups_checked)
WITHOUT_TIMES=$(trigger_function keep_rollups_checked_without_times)
q -c "$WITH_TIMES" >/dev/null
new_pushes_file bench "$copy_rows" "$WORK/copy_times.csv"
q -c "VACUUM ANALYZE" >/dev/null
copy_rates "13. COPY of new pushes' actions, series kept" bench actions "$WORK/copy_times.csv" "" \
	"13. COPY of new pushes' actions, series not kept" bench actions "$WORK/copy_times.csv" "$WITHOUT_TIMES"
q -c "DELETE FROM pushes WHERE push_id LIKE 'f%'" -c "VACUUM ANALYZE" >/dev/null

# record_attempt (a successful send, which the series count) on a pool of
# attempted actions; track_event on the same pool once sent, with the
# delivery ids and tokens push_deliveries gives; each call a different
# action, which a sequence picks
pool=b00000000000000000000005
read -r lo hi <<<"$(attempt_pool $pool 998)"
q -c "CREATE SEQUENCE bench_event_seq" \
  -c "CREATE TABLE bench_deliveries AS SELECT row_number() OVER (ORDER BY device_id) AS n, delivery_id, delivery_token
      FROM push_actions.push_deliveries('$pool', 'BENCH_TOKEN_1')" -c "CREATE UNIQUE INDEX ON bench_deliveries (n)" -c "ANALYZE bench_deliveries" >/dev/null
: >"$WORK/times_write_rates"
for run in 1 2 3; do
	for mode in kept not_kept; do
		q -c "SET push_actions.unchecked_writes = on" \
		  -c "UPDATE actions SET status = 'attempted', attempts = 0, error_message = NULL, attempted_at = NULL, sent_at = NULL, delivered_at = NULL WHERE push_id = '$pool'" \
		  -c "SELECT setval('bench_event_seq', 1, false)" -c "VACUUM actions" >/dev/null
		[ $mode = kept ] || q -c "$WITHOUT_TIMES" >/dev/null
		tps=$(cd "$WORK" && $PG_BIN/pgbench -n -M prepared -c 2 -j 2 -T 10 -D lo=$lo -f "${TIMES}attempt.sql" 2>&1 | awk '/^tps/ { printf "%.0f", $3 }')
		echo "attempt_$mode $tps" >>"$WORK/times_write_rates"
		[ $mode = kept ] || q -c "$WITH_TIMES" >/dev/null
		q -c "SET push_actions.unchecked_writes = on" -c "UPDATE actions SET status = 'sent', attempts = 1, error_message = NULL WHERE push_id = '$pool'" \
		  -c "SELECT setval('bench_event_seq', 1, false)" -c "VACUUM actions" >/dev/null
		[ $mode = kept ] || q -c "$WITHOUT_TIMES" >/dev/null
		tps=$(cd "$WORK" && $PG_BIN/pgbench -n -M prepared -c 2 -j 2 -T 10 -f "${TIMES}event.sql" 2>&1 | awk '/^tps/ { printf "%.0f", $3 }')
		echo "event_$mode $tps" >>"$WORK/times_write_rates"
		[ $mode = kept ] || q -c "$WITH_TIMES" >/dev/null
	done
done
for call in attempt event; do
	for mode in kept not_kept; do
		set -- $(awk -v m="${call}_$mode" '$1 == m { print $2 }' "$WORK/times_write_rates" | median_min_max)
		record "13. $call, 2 clients, series ${mode/_/ }" "$1" tx/s "$2" "$3"
		echo "   $call, series ${mode/_/ }: median $1 tx/s (min $2, max $3)"
	done
done
# the runs without the series left the pool's buckets behind
q -c "SELECT push_actions.rebuild_time_buckets()" >/dev/null
record "13. hourly buckets in step after the write runs" "$(q -At -c "SELECT count(*) = 0 FROM push_actions.verify_time_buckets() WHERE app_id = 1")" bool
q -c "DROP TABLE bench_deliveries" -c "DROP SEQUENCE bench_event_seq" -c "DELETE FROM pushes WHERE push_id = '$pool'" -c "VACUUM ANALYZE" >/dev/null

section "13. the moments' cost to a scan of actions"
# the same two million rows without moments, as written by COPY, and with
# the four stored, as after their updates
q -c "CREATE TABLE bench_rows_without_moments AS SELECT * FROM actions LIMIT 2000000" \
  -c "CREATE TABLE bench_rows_with_moments AS SELECT status, attempts, action_id, app_id, campaign_id, device_id, create_time, updated_at,
             push_id, profile_id, device_token, platform, channel, error_message, error_code,
             create_time AS attempted_at, updated_at AS sent_at, updated_at AS delivered_at, updated_at AS opened_at
      FROM bench_rows_without_moments" -c "VACUUM ANALYZE bench_rows_without_moments, bench_rows_with_moments" >/dev/null
time_group "13. scan of 2M actions without moments" 0 "" "SELECT count(attempts) FROM bench_rows_without_moments" \
	"13. scan of 2M actions with four moments stored" 0 "" "SELECT count(attempts) FROM bench_rows_with_moments" \
	"13. scan of 2M actions without moments, their last column" 0 "" "SELECT count(error_code) FROM bench_rows_without_moments" \
	"13. scan of 2M actions with four moments stored, the same column" 0 "" "SELECT count(error_code) FROM bench_rows_with_moments"
record "13. size of 2M actions without moments" "$(q -At -c "SELECT pg_relation_size('bench_rows_without_moments') / 1048576")" MB
record "13. size of 2M actions with four moments" "$(q -At -c "SELECT pg_relation_size('bench_rows_with_moments') / 1048576")" MB
q -c "DROP TABLE bench_rows_without_moments, bench_rows_with_moments" >/dev/null
