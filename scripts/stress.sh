#!/usr/bin/env bash
# make stress: the reliability suite behind the README's "Reliability" table,
# on a throwaway cluster with the extension built with its Assert()s on.
#   1. fuzz: FUZZ_SCALE times test/pgtap/fuzz.sql's inputs (6,300 each) from
#      SEED through every C entry point: listing requests, push_info ids and
#      keys, both types' text and binary forms;
#   2. load: CLIENTS pgbench clients for MINUTES mixing every API function,
#      purge and fold_actions (test/stress/api_mix.*) over SEED_PUSHES pushes
#      of 100 devices; only the refusals the API documents are allowed; the
#      invariants (test/data/invariants.sql) are checked in one snapshot every
#      CHECK_SECONDS while the load runs and at its end, each time over at
#      least LIVE_LEAST live actions;
#   3. sqlsmith: random SQL for SMITH_MINUTES against a database holding the
#      sample data and the extension;
#   4. cancel: statement timeouts (TIMEOUTS, in ms) landing inside the
#      heaviest requests (test/stress/cancel.sql) must end them within 100 ms,
#      in CANCEL_ROUNDS rounds in a row beside BUSY sessions that keep the
#      cores busy; a cancel from pg_cancel_backend takes the same path;
#   5. sanitizers: the suites of make test on an AddressSanitizer + UBSan
#      build of the module, with no report, and a canary that must be caught;
#   6. valgrind: the same suites with every backend under memcheck, with no
#      report through the module's code, and a canary that must be caught.
# PARTS (default "1 2 3 4 5 6") picks the parts to run.  After each part the
# server must never have restarted.  The table goes to
# stress/results/latest.md; the last line is "N passed, N failed".
set -uo pipefail
cd "$(dirname "$0")/.."
. scripts/lib.sh
pg_is_native || exec bash scripts/in_debian_system.sh stress

SEED=${SEED:-0.5}
FUZZ_SCALE=${FUZZ_SCALE:-32}
CLIENTS=${CLIENTS:-8}
MINUTES=${MINUTES:-5}
SEED_PUSHES=${SEED_PUSHES:-2000}
CHECK_SECONDS=${CHECK_SECONDS:-30}
LIVE_LEAST=${LIVE_LEAST:-100000}
SMITH_MINUTES=${SMITH_MINUTES:-10}
TIMEOUTS=${TIMEOUTS:-5 20 50}
CANCEL_ROUNDS=${CANCEL_ROUNDS:-10}
BUSY=${BUSY:-$(nproc)}
PARTS=${PARTS:-1 2 3 4 5 6}
part() { [[ " $PARTS " == *" $1 "* ]]; }
RESULTS=stress/results
mkdir -p "$RESULTS"
TABLE=$RESULTS/latest.md

ensure_deps || exit 1
ensure_packages sqlsmith || exit 1
build_install -DUSE_ASSERT_CHECKING || exit 1
cluster_start || exit 1
export PGOPTIONS="-c search_path=public,push_actions"

passed=0
failed=0
rows=""
# record RESULT ROW: one row of the table and one counted result
record() {
	if [ "$1" -eq 0 ]; then passed=$((passed + 1)); else failed=$((failed + 1)); fi
	rows="$rows
$2"
}
# the server restarted (a backend crashed) since the cluster started
crashes() {
	grep -cE 'server process \(PID [0-9]+\) was terminated by signal' "$CLUSTER_DIR/data.log"
}
started=$(q -At -d postgres -c "SELECT pg_postmaster_start_time()")

if part 1; then
	echo "== 1. fuzz: $((6300 * FUZZ_SCALE)) inputs, seed $SEED"
	q -d postgres -c "CREATE DATABASE pa_fuzz"
	q -d pa_fuzz -c "CREATE EXTENSION pgtap; CREATE EXTENSION push_actions"
	t0=$(date +%s)
	out=$(PGOPTIONS="$PGOPTIONS -c pa.fuzz_scale=$FUZZ_SCALE -c pa.fuzz_seed=$SEED" pg_prove -d pa_fuzz test/pgtap/fuzz.sql 2>&1)
	status=$?
	echo "$out" | tail -3
	c=$(crashes)
	[ $status -eq 0 ] && [ "$c" -eq 0 ]
	record $? "| generated inputs through every C entry point (seed $SEED) | $((6300 * FUZZ_SCALE)) inputs in $(( $(date +%s) - t0 )) s; API answers never raised, type input raised only 22xxx: $( [ $status -eq 0 ] && echo yes || echo NO ); server crashes: $c | \`make stress FUZZ_SCALE=$FUZZ_SCALE SEED=$SEED\` |"
fi

if part 2; then
	echo "== 2. load: $CLIENTS clients for $MINUTES min over $((SEED_PUSHES * 100)) seeded actions, checked every $CHECK_SECONDS s"
	q -d postgres -c "CREATE DATABASE pa_load"
	q -d pa_load -c "CREATE EXTENSION amcheck; CREATE EXTENSION push_actions" -f test/stress/api_mix.sql >/dev/null
	q -d pa_load -At -c "SELECT stress.seed($SEED_PUSHES)" >/dev/null
	# invariants LABEL: the invariants in one snapshot, while the load runs or
	# after it: "violations live_actions", and a line of what was found
	invariants() {
		{ echo "BEGIN ISOLATION LEVEL REPEATABLE READ;"; echo "SET LOCAL search_path = public, push_actions;"
		  cat test/data/invariants.sql; echo "SELECT 'live actions', count(*) FROM push_actions.actions;"; echo "COMMIT;"; } |
			q -At -d pa_load 2>&1 | awk -F'|' -v label="$1" '
				$1 == "live actions" { live = $2; next }
				NF == 2 { v += $2; if ($2 != 0) bad = bad " " $1 ": " $2; next }
				/ERROR/ { v += 1; bad = bad " " $0 }
				END { print v + 0, live + 0; if (bad != "") print "   " label ":" bad > "/dev/stderr" }'
	}
	$PG_BIN/pgbench -n -c "$CLIENTS" -j 2 -T $((MINUTES * 60)) -f test/stress/api_mix.pgbench pa_load >"$RESULTS/load.log" 2>&1 &
	load=$!
	checks=0
	check_violations=0
	least_live=""
	while sleep "$CHECK_SECONDS" && kill -0 $load 2>/dev/null; do
		read -r v live <<<"$(invariants "while loading")"
		checks=$((checks + 1))
		check_violations=$((check_violations + v))
		[ -z "$least_live" ] || [ "$live" -lt "$least_live" ] && least_live=$live
		echo "   check $checks while loading: $v violations over $live live actions"
	done
	wait $load
	status=$?
	out=$(cat "$RESULTS/load.log")
	echo "$out" | grep -E 'processed|failed|aborted|tps'
	tx=$(echo "$out" | sed -n 's/^number of transactions actually processed: \([0-9]*\).*/\1/p')
	aborted=$(echo "$out" | grep -cE 'aborted|client [0-9]+ .*ERROR')
	# pgbench counts a transaction ended by a deadlock or serialization failure
	# as failed, and goes on; each is an error the API does not document
	failed=$(echo "$out" | sed -n 's/^number of failed transactions: \([0-9]*\).*/\1/p')
	refusals=$(q -At -d pa_load -c "SELECT coalesce(string_agg(code || ': ' || n, ', ' ORDER BY code), 'none') FROM stress.refusals")
	# at the end, before anything else: the data the load left
	read -r violations live <<<"$(invariants "after the load")"
	c=$(crashes)
	echo "   after the load: $violations violations over $live live actions"
	[ $status -eq 0 ] && [ "$aborted" -eq 0 ] && [ "${failed:-1}" -eq 0 ] && [ "${tx:-0}" -gt 0 ] && [ "$violations" -eq 0 ] &&
		[ "$checks" -gt 0 ] && [ "$check_violations" -eq 0 ] && [ "$live" -ge "$LIVE_LEAST" ] && [ "${least_live:-0}" -ge "$LIVE_LEAST" ] && [ "$c" -eq 0 ]
	record $? "| $CLIENTS pgbench clients calling every API function (track_event, push_deliveries, rotate_app_key, register_device_token, dead_device_tokens, delivery_times included), purge and fold_actions, over $((SEED_PUSHES * 100)) seeded actions | $MINUTES min, ${tx:-0} transactions, errors other than documented refusals: $aborted (refusals $refusals); deadlocks and serialization failures: ${failed:-?}; invariants (every verify_...() empty, campaign_overview against a recomputation, amcheck) checked $checks times while loading, each over at least ${least_live:-0} live actions (at least $LIVE_LEAST required): $check_violations violations; after the load: $violations over $live live actions; server crashes: $c | \`make stress CLIENTS=$CLIENTS MINUTES=$MINUTES\` |"
fi

if part 3; then
	echo "== 3. sqlsmith: $SMITH_MINUTES min"
	q -d postgres -c "CREATE DATABASE pa_smith"
	q -d pa_smith -c "CREATE EXTENSION push_actions"
	q -d pa_smith -f test/data/seed_245624.sql -f test/data/multi_device.sql -f test/data/seed_pushy.sql >/dev/null
	smith_log=$RESULTS/sqlsmith.log
	timeout $((SMITH_MINUTES * 60)) sqlsmith --target="host=$PGHOST port=$PGPORT user=$PGUSER dbname=pa_smith" \
		--seed=$(( ${SEED//[^0-9]/} + 1 )) --verbose >"$smith_log" 2>&1
	queries=$(grep -oE 'queries: [0-9]+' "$smith_log" | tail -1 | grep -oE '[0-9]+')
	c=$(crashes)
	now_started=$(q -At -d postgres -c "SELECT pg_postmaster_start_time()")
	[ "$c" -eq 0 ] && [ "$now_started" = "$started" ] && [ "${queries:-0}" -gt 0 ]
	record $? "| sqlsmith against the extension and the sample data | $SMITH_MINUTES min, ${queries:-0} queries; server crashes: $c | \`make stress SMITH_MINUTES=$SMITH_MINUTES\` |"
fi

if part 4; then
	echo "== 4. cancel: statement timeouts of $TIMEOUTS ms landing inside the heaviest requests, $CANCEL_ROUNDS rounds with $BUSY busy sessions beside"
	q -d postgres -c "CREATE DATABASE pa_cancel"
	q -d pa_cancel -c "CREATE EXTENSION push_actions" -f test/stress/cancel.sql >/dev/null
	# timed SQL [TIMEOUT_MS]: "MS|ERROR", the statement's time and its error
	# (with its SQLSTATE) if any
	timed() {
		{ echo '\set VERBOSITY verbose'; echo "SET statement_timeout = ${2:-0};"; echo '\o /dev/null'; echo '\timing on'; echo "$1;"; } |
			$PG_BIN/psql -X -q -d pa_cancel 2>&1 |
			awk '/^Time:/ { t = $2 } /^ERROR:/ { e = $0 } END { print t "|" e }'
	}
	# the machine loaded: sessions that keep every core busy until they are ended
	busy=()
	for i in $(seq "$BUSY"); do
		$PG_BIN/psql -X -q -d pa_cancel -c "SELECT sum(i) FROM generate_series(1, 1e12::bigint) i" >/dev/null 2>&1 &
		busy+=($!)
	done
	# Each request runs twice in full, the second run timed (warm: its pages
	# cached, its plans made, as the requests are in service), then under each
	# timeout under half that time, in every round: the error must be the
	# timeout's, within 100 ms of it.
	cancel_runs=0
	late=0
	worst=0
	mapfile -t names < <(q -At -d pa_cancel -c "SELECT name FROM heavy ORDER BY name")
	full=()
	for name in "${names[@]}"; do
		sql=$(q -At -d pa_cancel -c "SELECT sql FROM heavy WHERE name = '$name'")
		timed "$sql" >/dev/null
		full+=("$(timed "$sql" | cut -d'|' -f1)")
	done
	failed_rounds=0
	for round in $(seq "$CANCEL_ROUNDS"); do
		round_late=$late
		line="   round $round:"
		for k in "${!names[@]}"; do
			name=${names[$k]}
			sql=$(q -At -d pa_cancel -c "SELECT sql FROM heavy WHERE name = '$name'")
			for t in $TIMEOUTS; do
				awk -v f="${full[$k]}" -v t="$t" 'BEGIN { exit !(f > 2 * t) }' || continue
				IFS='|' read -r took err <<<"$(timed "$sql" "$t")"
				over=$(awk -v a="$took" -v t="$t" 'BEGIN { printf "%.1f", a - t }')
				cancel_runs=$((cancel_runs + 1))
				# query_canceled: PostgreSQL 15 words a timeout that fires while a
				# long query text is parsed as "due to user request" (so does
				# SELECT md5() of the ~1 MB request's text, without the extension)
				case "$err" in *"57014: canceling statement due to"*) ;; *) late=$((late + 1)); line="$line [$name under $t ms: $err]" ;; esac
				awk -v o="$over" 'BEGIN { exit !(o >= 100) }' && { late=$((late + 1)); line="$line [$name under $t ms: $took ms]"; }
				awk -v o="$over" -v w="$worst" 'BEGIN { exit !(o > w) }' && worst=$over
			done
		done
		[ "$late" -eq "$round_late" ] || failed_rounds=$((failed_rounds + 1))
		echo "$line $((late - round_late)) late"
	done
	for k in "${!names[@]}"; do echo "   ${names[$k]}: ${full[$k]} ms in full (warm)"; done
	kill "${busy[@]}" 2>/dev/null
	q -d postgres -c "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = 'pa_cancel' AND pid <> pg_backend_pid()" >/dev/null
	wait "${busy[@]}" 2>/dev/null
	c=$(crashes)
	[ "$late" -eq 0 ] && [ "$c" -eq 0 ] && [ "$cancel_runs" -gt 0 ]
	record $? "| statement timeouts landing inside the heaviest requests: listing scans, a ~1 MB request, push_info of 900,000 pending devices, summaries over 1,000,000 actions | $CANCEL_ROUNDS rounds in a row beside $BUSY busy sessions, $cancel_runs timeouts of $TIMEOUTS ms chosen from warm timings, worst delay after the timeout $worst ms (limit 100); late or not ended as canceled (57014): $late (rounds with any: $failed_rounds); server crashes: $c | \`make stress TIMEOUTS='$TIMEOUTS' CANCEL_ROUNDS=$CANCEL_ROUNDS\` |"
fi

# A second cluster beside the main one, for the checked builds of parts 5
# and 6: the suites of make test run against it, and its log collects what
# the checkers report.  checked_suites NAME PORT: regression, isolation and
# pgTAP against that cluster; prints "passed failed".
checked_suites() {
	local name=$1 port=$2 p=0 f=0 sp sf out status
	: >"$RESULTS/$name.suites.log"
	# regression and isolation apart, so a failure in one does not skip the other
	for stage in ISOLATION= REGRESS=; do
		rm -f regression.diffs output_iso/regression.diffs
		# as make test runs them: no search_path of this script's
		PGOPTIONS= PGPORT=$port make -s PG_CONFIG=$PG_BIN/pg_config installcheck TAP_TESTS= $stage >"$RESULTS/$name.stage.log" 2>&1
		read -r sp sf <<<"$(installcheck_counts "$RESULTS/$name.stage.log" $?)"
		p=$((p + sp)); f=$((f + sf))
		cat "$RESULTS/$name.stage.log" >>"$RESULTS/$name.suites.log"
		for d in regression.diffs output_iso/regression.diffs; do [ -f "$d" ] && cat "$d" >>"$RESULTS/$name.suites.log"; done
	done
	rm -f "$RESULTS/$name.stage.log"
	PGPORT=$port q -d postgres -c "CREATE DATABASE pa_tap" &&
		PGPORT=$port q -d pa_tap -c "CREATE EXTENSION pgtap; CREATE EXTENSION dblink; CREATE EXTENSION push_actions" || f=$((f + 1))
	out=$(PGOPTIONS= PGPORT=$port pg_prove -d pa_tap test/pgtap/*.sql 2>&1)
	status=$?
	echo "$out" >>"$RESULTS/$name.suites.log"
	[ $status -eq 0 ] && p=$((p + 1)) || { f=$((f + 1)); echo "$out" | grep -vE '^ok|^\s*$' | head -20 >&2; }
	echo "$p $f"
}
# valgrind_reports DIR REGEX: the reports (paragraphs of DIR's logs) with a
# line matching REGEX; a stack frame names its source file where there is
# debug information, its library otherwise
valgrind_reports() {
	cat "$1"/*.log | awk -v m="$2" '/^==[0-9]+== *$/ { if (hit) n++; hit = 0; next }
		$0 ~ m { hit = 1 } END { if (hit) n++; print n + 0 }'
}
# the extension's code in a stack frame: its library or one of its sources
our_frames="push_actions[.]so|[(]($(cd src && ls *.c | sed 's/[.]c$//' | paste -sd'|'))[.]c:"
# canary_build DIR CC FLAGS...: test/stress/sanitizer_canary.c as DIR/canary.so
canary_build() {
	local dir=$1 cc=$2
	shift 2
	$cc -g -fPIC -shared -I"$($PG_BIN/pg_config --includedir-server)" "$@" -o "$dir/canary.so" test/stress/sanitizer_canary.c &&
		chmod 755 "$dir" "$dir/canary.so"
}

if part 5; then
	echo "== 5. sanitizers: the suites of make test on an AddressSanitizer + UndefinedBehaviorSanitizer build"
	# The runtime is linked into the module: preloading it into postgres hangs in
	# bindtextdomain on Debian.  Loaded late, it cannot intercept postgres's own
	# malloc or longjmp, so stack instrumentation is off (an error's longjmp
	# would leave stale poison behind); what it checks is every access to the
	# module's globals and every undefined behaviour in the module's code.
	ensure_packages clang || exit 1
	san_dir=$CLUSTER_DIR/sanitizers
	mkdir -p "$san_dir"
	cp "$(clang -print-file-name=libclang_rt.asan-x86_64.a)" "$san_dir/asan_rt.a"
	ar d "$san_dir/asan_rt.a" asan_preinit.cpp.o
	SAN_FLAGS="-fsanitize=address,undefined -fno-sanitize=vptr -mllvm -asan-stack=0 -fno-omit-frame-pointer"
	SAN_LINK="-Wl,--whole-archive $san_dir/asan_rt.a -Wl,--no-whole-archive -lstdc++ -ldl -lpthread -lm -lrt"
	make -s PG_CONFIG=$PG_BIN/pg_config clean >/dev/null
	# PostgreSQL's headers declare gcc's printf attribute, which clang ignores
	make -s PG_CONFIG=$PG_BIN/pg_config CC=clang SHLIB_LINK="$SAN_LINK" CFLAGS="-O1 -g -Wall -Wextra -Werror -Wno-unused-parameter \
		-Wno-missing-field-initializers -Wno-ignored-attributes -Wno-unused-command-line-argument -DUSE_ASSERT_CHECKING $SAN_FLAGS" >/dev/null &&
		as_root make -s PG_CONFIG=$PG_BIN/pg_config install >/dev/null || exit 1
	ASAN_OPTIONS=detect_leaks=0 PGPORT=5433 server_start "$CLUSTER_DIR" sanitized 5433 || exit 1
	read -r san_passed san_failed <<<"$(checked_suites sanitized 5433)"
	san_reports() { grep -cE 'runtime error:|ERROR: AddressSanitizer' "$CLUSTER_DIR/sanitized.log"; }
	reports=$(san_reports)
	grep -A3 -E 'runtime error:|ERROR: AddressSanitizer' "$CLUSTER_DIR/sanitized.log" | head -20
	# the canary, with the same flags, must be reported twice (a new session each)
	canary_build "$san_dir" clang -O1 -Wno-ignored-attributes -Wno-unused-command-line-argument $SAN_FLAGS $SAN_LINK
	PGPORT=5433 q -d postgres -c "CREATE FUNCTION sanitizer_canary(int, int) RETURNS int AS '$san_dir/canary.so' LANGUAGE C STRICT" \
		-c "SELECT sanitizer_canary(1, 1073741824)" >/dev/null
	PGPORT=5433 q -d postgres -c "SELECT sanitizer_canary(4, 1)" >/dev/null 2>&1
	canary=$(grep -cE 'sanitizer_canary.c.*runtime error: signed integer overflow|SUMMARY: AddressSanitizer: global-buffer-overflow .*sanitizer_canary.c' "$CLUSTER_DIR/sanitized.log")
	cp "$CLUSTER_DIR/sanitized.log" "$RESULTS/sanitizers.log"
	server_stop "$CLUSTER_DIR" sanitized
	echo "   suites: $san_passed passed, $san_failed failed; reports: $reports; canary reports: $canary of 2"
	[ "$reports" -eq 0 ] && [ "$san_failed" -eq 0 ] && [ "$san_passed" -gt 0 ] && [ "$canary" -eq 2 ]
	record $? "| the suites of make test (regression, isolation, pgTAP) on an AddressSanitizer + UBSan build | $san_passed suites passed, $san_failed failed; sanitizer reports: $reports (a canary with two defects: $canary of 2 reported) | \`make stress\` (part 5) |"
fi

if part 6; then
	echo "== 6. valgrind: the suites of make test with every backend under memcheck"
	ensure_packages valgrind || exit 1
	build_install -DUSE_ASSERT_CHECKING || exit 1
	vg_dir=$CLUSTER_DIR/memcheck
	mkdir -p "$vg_dir"
	cat >"$vg_dir/postgres" <<WRAPPER
#!/bin/sh
exec valgrind --quiet --tool=memcheck --num-callers=30 --log-file=$vg_dir/%p.log $PG_BIN/postgres "\$@"
WRAPPER
	chmod 755 "$vg_dir" "$vg_dir/postgres"
	[ -n "$RUN_AS" ] && chown postgres "$vg_dir"
	POSTGRES_WRAPPER=$vg_dir/postgres PGPORT=5434 server_start "$CLUSTER_DIR" valgrind 5434 "-c max_parallel_workers_per_gather=0" || exit 1
	read -r vg_passed vg_failed <<<"$(checked_suites valgrind 5434)"
	canary_build "$vg_dir" gcc -O0
	PGPORT=5434 q -d postgres -c "CREATE FUNCTION valgrind_canary(int) RETURNS int AS '$vg_dir/canary.so' LANGUAGE C STRICT" \
		-c "SELECT valgrind_canary(4)" >/dev/null
	server_stop "$CLUSTER_DIR" valgrind
	ours=$(valgrind_reports "$vg_dir" "$our_frames")
	canary=$(valgrind_reports "$vg_dir" 'canary[.]so|sanitizer_canary[.]c:')
	all=$(valgrind_reports "$vg_dir" '==')
	cat "$vg_dir"/*.log >"$RESULTS/valgrind.log"
	echo "   suites: $vg_passed passed, $vg_failed failed; reports through the extension: $ours (elsewhere, in postgres and libc: $((all - ours - canary))); canary reports: $canary"
	[ "$ours" -eq 0 ] && [ "$vg_failed" -eq 0 ] && [ "$vg_passed" -gt 0 ] && [ "$canary" -ge 1 ]
	record $? "| the suites of make test (regression, isolation, pgTAP) with every backend under valgrind memcheck | $vg_passed suites passed, $vg_failed failed; reports with the extension's code on the stack: $ours (a canary's read past a malloc'd block: reported $canary times) | \`make stress\` (part 6) |"
fi

# the server's log stays beside the table: what crashed, if anything did
cp "$CLUSTER_DIR/data.log" "$RESULTS/server.log"
cluster_stop
{
	echo "| what | figures ($(date -u +%Y-%m-%d), PostgreSQL $PG) | command |"
	echo "|---|---|---|"
	echo "${rows#?}"
} >"$TABLE"
echo "== results ($TABLE)"
cat "$TABLE"
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
