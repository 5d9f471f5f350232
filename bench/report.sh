#!/usr/bin/env bash
# Prints the benchmark table from the measurements file and writes it as JSON.
# Usage: bench/report.sh bench/results/latest.tsv SCALE
set -euo pipefail
TSV=$1
scale=$2
json=$(dirname "$TSV")/latest.json
. "$(dirname "$0")/lib.sh"

check() { awk -v x="$1" -v op="$2" -v t="$3" 'BEGIN { if (x == "n/a" || x == "") { print "?"; exit }
	ok = (op == "<=") ? (x <= t) : (op == ">=") ? (x >= t) : (op == "<") ? (x < t) : (x > t); print ok ? "met" : "MISSED" }'; }

# The targets, in one table: name|comparison|threshold|unit as printed.
# Each row of the report names the target it is judged against.
TARGETS='summary_floor|<=|1.15|x
summary_plain|>=|1.5|x
rollup_floor|<=|1.15|x
rollup_plain|>|1|x
parallel|>=|0.95|
listing_ratio|<=|1.2|x
listing_ms|<|2| ms
push_info_ms|<|5| ms
copy_rows|>=|300000|
attempt_tps|>=|5000|
overview_all|>=|10|x
overview_campaign_ms|<=|10| ms
message_ms|<=|1| ms
kept_copy_ratio|>=|0.9|x
kept_copy_floor|>=|0.33|
kept_copy_ceiling|>=|0.9|
kept_attempt_ratio|>=|0.85|x
kept_attempt_floor|>=|0.9|
state_machine_cost|>=|0.97|x
lock_waits|<=|0|
deadlocks|<=|0|
role_cost|<=|1.1|x
tokens_copy_ratio|>=|0.9|x
tokens_copy_ceiling|>=|0.9|
tokens_attempt_ratio|>=|0.9|x
tokens_attempt_floor|>=|0.9|
dead_page_ms|<|5| ms
skip_push_ratio|<=|1.2|x
sketch_error|<=|0.01|
times_campaign_ms|<|5| ms
times_app_ms|<|20| ms
times_copy_ratio|>=|0.9|x
times_attempt_ratio|>=|0.9|x
times_event_ratio|>=|0.9|x
index_copy_floor|>=|0.4|
index_copy_on|>=|0.8|x'
target_field() { echo "$TARGETS" | awk -F'|' -v n="$1" -v f="$2" '$1 == n { print $f }'; }
# aim NAME: the target as printed; judge NAME VALUE: met, MISSED or ?
aim() { echo "$(target_field "$1" 2) $(target_field "$1" 3)$(target_field "$1" 4)"; }
judge() { check "$2" "$(target_field "$1" 2)" "$(target_field "$1" 3)"; }

# whether the two keys' queries ran with the same plan nodes (a Subquery Scan
# only projects a subquery's columns, so it is left out of the comparison)
nodes() { value "plan: $1" | sed 's# / Subquery Scan on [A-Za-z0-9_]*##g'; }
plans() { local a b; a=$(nodes "$1"); b=$(nodes "$2")
	if [ -n "$a" ] && [ "$a" = "$b" ]; then echo "same plan: $a"; else echo "PLANS DIFFER: $a versus $b"; fi; }

# " (the planner chose no parallel plan)" when the 2-worker query has no Gather
serial() { case "$(value "plan: $1")" in *Gather*) ;; *) echo " (the planner chose no parallel plan)" ;; esac; }

rows=()
row() { rows+=("$1|$2|$3|$4"); }	# what | achieved | target | verdict

# The rows of measurements 1-3 for one planner profile (key marker P).
aggregate_rows() {
	P=$1
	local floor0 seq0 ours0 plain0 floor ours1 plain1 ours2 plain2 grouping r col0 col1
	floor0=$(value "1$P. count(*) over all actions (scan floor)")
	ours0=$(value "1$P. delivery_summary(status, attempts) over all actions")
	plain0=$(value "1$P. plain SQL: 9 count FILTER + sum over all actions")
	col0=$(value "1$P. count(attempts) over all actions (column floor)")
	r=$(ratio "$ours0" "$col0"); row "1$P. delivery_summary over all actions vs count(attempts), which deforms the same two columns of the same rows ($ours0 vs $col0 ms; $(plans "1$P. delivery_summary(status, attempts) over all actions" "1$P. count(attempts) over all actions (column floor)"))" "${r}x" "$(aim summary_floor)" "$(judge summary_floor "$r")"
	row "1$P. ... reference: vs count(*), which deforms nothing ($floor0 ms; $(value "plan: 1$P. count(*) over all actions (scan floor)"))" "$(ratio "$ours0" "$floor0")x" "" ""
	seq0=$(value "1$P. count(*) over all actions, sequential scan")
	row "1$P. ... vs count(*) over a sequential scan ($seq0 ms)" "$(ratio "$ours0" "$seq0")x" "" ""
	r=$(ratio "$plain0" "$ours0"); row "1$P. ... speed-up over 9 x count FILTER + sum ($plain0 ms; $(plans "1$P. delivery_summary(status, attempts) over all actions" "1$P. plain SQL: 9 count FILTER + sum over all actions"))" "${r}x" "$(aim summary_plain)" "$(judge summary_plain "$r")"
	floor=$(value "1$P. count(*) per campaign (scan floor)")
	ours1=$(value "1$P. delivery_summary(status, attempts) per campaign")
	plain1=$(value "1$P. plain SQL: 9 count FILTER + sum per campaign")
	col1=$(value "1$P. count(attempts) per campaign (column floor)")
	r=$(ratio "$ours1" "$col1"); row "1$P. delivery_summary per campaign vs count(attempts) per campaign ($ours1 vs $col1 ms; $(plans "1$P. delivery_summary(status, attempts) per campaign" "1$P. count(attempts) per campaign (column floor)"))" "${r}x" "$(aim summary_floor)" "$(judge summary_floor "$r")"
	row "1$P. ... reference: vs count(*) per campaign ($floor ms)" "$(ratio "$ours1" "$floor")x" "" ""
	r=$(ratio "$plain1" "$ours1"); row "1$P. ... speed-up over 9 x count FILTER + sum per campaign ($plain1 ms; $(plans "1$P. delivery_summary(status, attempts) per campaign" "1$P. plain SQL: 9 count FILTER + sum per campaign"))" "${r}x" "$(aim summary_plain)" "$(judge summary_plain "$r")"
	ours2=$(value "2$P. rollup_status per message")
	grouping=$(value "2$P. count(*) per message (same grouping)")
	# measured against the faster of the plain formulations; the other for reference
	local best=bit_or other=bool_or
	if awk -v a="$(value "2$P. plain SQL: CASE over bool_or per message")" -v b="$(value "2$P. plain SQL: CASE over bit_or per message")" \
	       'BEGIN { exit !(b == "" || (a != "" && a + 0 < b + 0)) }'; then best=bool_or other=bit_or; fi
	plain2=$(value "2$P. plain SQL: CASE over $best per message")
	r=$(ratio "$ours2" "$grouping"); row "2$P. rollup_status per message vs count(*) with the same GROUP BY ($ours2 vs $grouping ms; $(plans "2$P. rollup_status per message" "2$P. count(*) per message (same grouping)"))" "${r}x" "$(aim rollup_floor)" "$(judge rollup_floor "$r")"
	r=$(ratio "$plain2" "$ours2"); row "2$P. ... speed-up over the faster plain SQL, CASE over $best ($plain2 ms; same result: $(value "2$P. rollup_status agrees with plain SQL"); $(plans "2$P. rollup_status per message" "2$P. plain SQL: CASE over $best per message"))" "${r}x" "$(aim rollup_plain)" "$(judge rollup_plain "$r")"
	plain2=$(value "2$P. plain SQL: CASE over $other per message")
	[ -z "$plain2" ] || row "2$P. ... speed-up over CASE over $other ($plain2 ms)" "$(ratio "$plain2" "$ours2")x" "" ""
	# each 2-worker speed-up against the bare scan's under it, in the same run:
	# what this machine lets the scan gain is the most the aggregate can
	speedup_row "over all actions" "$ours0" "3$P. delivery_summary over all actions, 2 workers" \
		"count(attempts)" "$col0" "3$P. count(attempts) over all actions, 2 workers"
	r=$(ratio "$floor0" "$(value "3$P. count(*) over all actions, 2 workers")"); row "3$P. ... reference: count(*) over all actions with 2 workers$(serial "3$P. count(*) over all actions, 2 workers")" "${r}x" "" ""
	speedup_row "per campaign" "$ours1" "3$P. delivery_summary per campaign, 2 workers" \
		"count(attempts) per campaign" "$col1" "3$P. count(attempts) per campaign, 2 workers"
	speedup_row "per message (rollup_status)" "$ours2" "3$P. rollup_status per message, 2 workers" \
		"count(*) with the same grouping" "$grouping" "3$P. count(*) per message (same grouping), 2 workers"
}
# speedup_row WHAT OURS_SERIAL OURS_2W_KEY FLOOR_NAME FLOOR_SERIAL FLOOR_2W_KEY (P from the caller)
speedup_row() {
	local ours floor r
	ours=$(ratio "$2" "$(value "$3")")
	floor=$(ratio "$5" "$(value "$6")")
	r=$(ratio "$ours" "$floor")
	row "3$P. speed-up with 2 workers $1: ${ours}x$(serial "$3"), against ${floor}x for $4$(serial "$6")" "${r} of the floor's" "$(aim parallel)" "$(judge parallel "$r")"
}
aggregate_rows ""
aggregate_rows " [random_page_cost 1.1]"
for shape in "seed request" "4 conditions" "offset 10000"; do
	o=$(value "4. list_push_devices, $shape"); h=$(value "4. hand-written SQL, $shape")
	r=$(ratio "$o" "$h")
	row "4. list_push_devices, $shape: median $o ms (p99 $(value "4. list_push_devices, $shape p99")) vs SQL $h ms (p99 $(value "4. hand-written SQL, $shape p99"))" "${r}x" "$(aim listing_ratio), $(aim listing_ms)" "$(judge listing_ratio "$r")/$(judge listing_ms "$o")"
done
o=$(value "5. push_info, big push")
row "5. push_info, push to $(value "5. big push: devices") devices ($(value "5. big push: pending") pending): median (p99 $(value "5. push_info, big push p99") ms); SQL $(value "5. hand-written SQL, big push") ms" "$o ms" "$(aim push_info_ms)" "$(judge push_info_ms "$o")"
o=$(value "5. push_info, typical push")
row "5. push_info, typical push: median (p99 $(value "5. push_info, typical push p99") ms); SQL $(value "5. hand-written SQL, typical push") ms" "$o ms" "" ""
o=$(value "6. COPY into actions (indexes and foreign keys on)"); row "6. COPY into actions, one stream ($(value "6. indexes on actions") indexes, parent checks on), actions of existing pushes" "$o rows/s" "$(aim copy_rows)" "$(judge copy_rows "$o")"
o=$(value "6. COPY into actions, actions of new pushes"); row "6. ... actions of new pushes (the usual load)" "$o rows/s" "$(aim copy_rows)" "$(judge copy_rows "$o")"
row "6. ... floor: the same rows into an empty table with the same columns and no index, CHECK or trigger" "$(value "6. COPY floor") rows/s" "" ""
row "6. ... reference: the same rows into an empty table with the same columns and only the primary key" "$(value "6. COPY, primary key only") rows/s" "" ""
o=$(value "6. COPY into actions, 2 streams at once"); row "6. COPY into actions, 2 streams at once" "$o rows/s" "$(aim copy_rows)" "$(judge copy_rows "$o")"
o=$(value "6. record_attempt, 2 clients"); row "6. record_attempt, pgbench, 2 clients" "$o tx/s" "$(aim attempt_tps)" "$(judge attempt_tps "$o")"
row "6. purge of expired pushes (batch 20000)" "$(value "6. purge (expired pushes, batch of 20000 pushes)") rows/s" "" ""
row "load: INSERT ... SELECT generation of $(value "load: actions") actions, $(value "load: pushes") pushes" "$(value "load: INSERT ... SELECT generation") rows/s" "" ""
row "7. peak RSS of the backend, delivery_summary per campaign (outside shared buffers)" "$(value "7. peak RSS, delivery_summary per campaign") MB ($(value "7. peak RSS, delivery_summary per campaign private") MB)" "" ""
row "7. peak RSS of the backend, rollup_status per message (outside shared buffers)" "$(value "7. peak RSS, rollup_status per message") MB ($(value "7. peak RSS, rollup_status per message private") MB)" "" ""
row "7. size of a delivery_summary value" "$(value "7. size of delivery_summary") bytes" "" ""
o=$(value "8. ALTER EXTENSION UPDATE 1.0 -> 1.1"); row "8. ALTER EXTENSION UPDATE 1.0 -> 1.1 over $(value "8. update actions") actions (rebuilds 3 partial indexes, re-validates a CHECK, builds the kept roll-ups) vs one sequential scan of them ($(value "8. sequential scan of the same actions") ms)" "$o ms ($(ratio "$o" "$(value "8. sequential scan of the same actions")")x)" "" ""

c=$(value "9. COPY of new pushes' actions, coll_c"); e=$(value "9. COPY of new pushes' actions, coll_en")
row "9. COPY of new pushes' actions under en_US.UTF-8 ($e rows/s) against the same COPY under C ($c rows/s), databases otherwise equal" "$(ratio "$e" "$c")x" "" ""

# 10. the kept roll-ups
o=$(value "10. campaign_overview, all campaigns"); p=$(value "10. plain SQL roll-up, all campaigns")
r=$(ratio "$p" "$o"); row "10. campaign_overview over all campaigns ($o ms) vs the plain-SQL roll-up of the live actions ($p ms; same numbers: $(value "10. campaign_overview agrees with plain SQL"))" "${r}x faster" "$(aim overview_all)" "$(judge overview_all "$r")"
o=$(value "10. campaign_overview, largest campaign (pgbench)")
row "10. campaign_overview of the largest campaign ($(value "10. largest campaign: actions") actions): median (p99 $(value "10. campaign_overview, largest campaign (pgbench) p99") ms); time_group $(value "10. campaign_overview, largest campaign") ms against plain SQL $(value "10. plain SQL roll-up, largest campaign") ms" "$o ms" "$(aim overview_campaign_ms)" "$(judge overview_campaign_ms "$o")"
o=$(value "10. message_status, one push")
row "10. message_status of one push ($(value "10. typical push: messages") messages): median (p99 $(value "10. message_status, one push p99") ms); plain SQL $(value "10. plain SQL, one push") ms" "$o ms" "$(aim message_ms)" "$(judge message_ms "$o")"
o=$(value "10. message_status, one person (optional person index)")
row "10. message_status of one person ($(value "10. person: messages") messages), with the optional person index: median (p99 $(value "10. message_status, one person (optional person index) p99") ms)" "$o ms" "$(aim message_ms)" "$(judge message_ms "$o")"
on=$(value "10. COPY of new pushes' actions, kept roll-ups on"); off=$(value "10. COPY of new pushes' actions, kept roll-ups off"); fl=$(value "10. COPY floor, new pushes' actions")
r=$(ratio "$on" "$off"); row "10. COPY of new pushes' actions with the roll-ups kept ($on rows/s) vs the same COPY with the maintenance off ($off rows/s)" "${r}x" "$(aim kept_copy_ratio)" "$(judge kept_copy_ratio "$r")"
r=$(ratio "$on" "$fl"); row "10. ... vs the floor, the same rows into a bare table ($fl rows/s)" "${r}" "$(aim kept_copy_floor)" "$(judge kept_copy_floor "$r")"
mr=$(value "10. message rows of the COPY alone, into a table like the kept one"); mu=$(value "10. message rows of the COPY alone, with ON CONFLICT")
# the rate of the COPY with the maintenance off plus the message rows alone
ceiling() { awk -v a="$1" -v m="$2" 'BEGIN { if (a > 0 && m > 0) printf "%.0f", 1 / (1 / a + 1 / m); else print "n/a" }'; }
c=$(ceiling "$off" "$mr"); cu=$(ceiling "$off" "$mu")
row "10. ... the cause: the $(value "10. messages in the COPY") message rows of the COPY alone, inserted into a table like the kept one, go at $mr rows of the COPY per second; with nothing else, the COPY could reach at most $c rows/s" "$(ratio "$c" "$off")x" "" ""
row "10. ... reference: the COPY with the roll-ups kept against that ceiling" "$(ratio "$on" "$c")" "" ""
r=$(ratio "$on" "$cu"); row "10. ... the target proposed instead: the same message rows with ON CONFLICT, as a writer that may meet another on a message must insert them ($mu rows/s), make the ceiling $cu rows/s; the COPY against it" "${r}" "$(aim kept_copy_ceiling)" "$(judge kept_copy_ceiling "$r")"
on=$(value "10. record_attempt, 2 clients, kept roll-ups on"); off=$(value "10. record_attempt, 2 clients, kept roll-ups off"); fl=$(value "10. record_attempt, 2 clients, kept roll-ups floor")
r=$(ratio "$on" "$off"); row "10. record_attempt, 2 clients, with the roll-ups kept ($on tx/s) vs the maintenance off ($off tx/s; kept rows agree afterwards: $(value "10. kept roll-ups agree after the record_attempt runs"))" "${r}x" "$(aim kept_attempt_ratio)" "$(judge kept_attempt_ratio "$r")"
row "10. ... the floor of row-updated state: maintenance off plus one update of the message's row and one of the campaign's stripe ($fl tx/s)" "$(ratio "$fl" "$off")x" "" ""
r=$(ratio "$on" "$fl"); row "10. ... the target proposed instead: record_attempt with the roll-ups kept against that floor" "${r}" "$(aim kept_attempt_floor)" "$(judge kept_attempt_floor "$r")"
# the state machine's check against 1.1's trigger, which keeps the roll-ups without it
un=$(value "10. COPY of new pushes' actions, kept roll-ups on, state machine unchecked")
r=$(ratio "$(value "10. COPY of new pushes' actions, kept roll-ups on")" "$un"); row "10. the state machine on every write: the COPY above with its check ($(value "10. COPY of new pushes' actions, kept roll-ups on") rows/s) vs 1.1's trigger without it ($un rows/s)" "${r}x" "$(aim state_machine_cost)" "$(judge state_machine_cost "$r")"
un=$(value "10. record_attempt, 2 clients, kept roll-ups unchecked")
r=$(ratio "$on" "$un"); row "10. ... record_attempt with the check ($on tx/s) vs without it ($un tx/s)" "${r}x" "$(aim state_machine_cost)" "$(judge state_machine_cost "$r")"
v=$(value "10. campaign rule from its view, the pool's campaign"); w=$(awk -v t="$on" 'BEGIN { if (t > 0) printf "%.3f", 2000 / t; else print "n/a" }')
row "10. ... why the trigger applies the campaign rule as a difference: reading its view for the pool's campaign (200000 messages) takes $v ms, against $w ms per record_attempt with the roll-ups kept" "$(ratio "$v" "$w")x" "" ""
w=$(value "10. 8 clients: lock waits over 100 ms"); d=$(value "10. 8 clients: deadlocks")
row "10. record_attempt, 8 clients on one campaign ($(value "10. record_attempt, 8 clients on one campaign") tx/s, $(value "10. 8 clients: failed transactions") failed): lock waits over 100 ms, deadlocks" "$w, $d" "$(aim lock_waits), $(aim deadlocks)" "$(judge lock_waits "$w")/$(judge deadlocks "$d")"
# 11. apps per role
for what in "campaign_overview, largest campaign|campaign_overview of the largest campaign|overview" \
            "message_status, one push|message_status of one push|message" \
            "list_push_devices, seed request|list_push_devices, seed request|listing" \
            "record_attempt|record_attempt (failed attempt on the pool)|"; do
	IFS='|' read -r key label same <<<"$what"
	l=$(value "11. $key, limited role"); o=$(value "11. $key, owner")
	agree=""; [ -z "$same" ] || agree="; same answer: $(value "11. $same: the limited role gets the owner's answer")"
	[ -n "$same" ] || agree="; kept roll-ups agree afterwards: $(value "11. kept roll-ups agree after the limited role's writes")"
	r=$(ratio "$l" "$o"); row "11. $label as a role limited to app 1 ($l ms, p99 $(value "11. $key, limited role p99") ms) vs as the owner ($o ms)$agree" "${r}x" "$(aim role_cost)" "$(judge role_cost "$r")"
done
# 12. device tokens
for what in "new pushes' actions|actions of new pushes, to tokens the database knows" "new tokens' actions|the same actions to tokens new to it"; do
	IFS='|' read -r key label <<<"$what"
	on=$(value "12. COPY of $key, tokens kept"); off=$(value "12. COPY of $key, tokens not kept")
	r=$(ratio "$on" "$off"); row "12. COPY of $label, with the tokens' state kept ($on rows/s) vs without it ($off rows/s)" "${r}x" "$(aim tokens_copy_ratio)" "$(judge tokens_copy_ratio "$r")"
done
on=$(value "12. COPY of new pushes' actions, tokens kept"); off=$(value "12. COPY of new pushes' actions, tokens not kept")
tr=$(value "12. token rows of the COPY alone, each updated once"); c=$(ceiling "$off" "$tr")
row "12. ... the cause: each action of that COPY is a success or failure that its token's state must record, and the token rows alone, each updated once in place, go at $tr rows of the COPY per second; with nothing else, the COPY could reach at most $c rows/s" "$(ratio "$c" "$off")x" "" ""
r=$(ratio "$on" "$c"); row "12. ... the target proposed instead: the COPY with the tokens' state kept against that ceiling" "${r}" "$(aim tokens_copy_ceiling)" "$(judge tokens_copy_ceiling "$r")"
on=$(value "12. record_attempt, 2 clients, tokens kept"); off=$(value "12. record_attempt, 2 clients, tokens not kept")
r=$(ratio "$on" "$off"); row "12. record_attempt (a failed attempt), 2 clients, with the tokens' state kept ($on tx/s) vs without it ($off tx/s; $(value "12. device tokens kept") tokens, in step after the load: $(value "12. device tokens in step after the load"))" "${r}x" "$(aim tokens_attempt_ratio)" "$(judge tokens_attempt_ratio "$r")"
fl=$(value "12. record_attempt, 2 clients, tokens floor")
row "12. ... the floor: the same call without the tokens' state plus the token's row updated in place, in one statement ($fl tx/s)" "$(ratio "$fl" "$off")x" "" ""
r=$(ratio "$on" "$fl"); row "12. ... record_attempt with the tokens' state kept against that floor" "${r}" "$(aim tokens_attempt_floor)" "$(judge tokens_attempt_floor "$r")"
for at in first middle; do
	o=$(value "12. dead_device_tokens, $at page of 1000")
	row "12. dead_device_tokens, the $at page of 1,000 of app 1's $(value "12. dead device tokens of app 1") dead tokens: median (p99 $(value "12. dead_device_tokens, $at page of 1000 p99") ms); the same rows read from the kept table $(value "12. the same page from the kept table, $at") ms" "$o ms" "$(aim dead_page_ms)" "$(judge dead_page_ms "$o")"
done
s1=$(value "12. create_push_skipping_dead, 10,000 devices"); p1=$(value "12. create_push, 10,000 devices")
r=$(ratio "$s1" "$p1"); row "12. create_push_skipping_dead of 10,000 devices ($(value "12. dead tokens among the 10,000 devices") of them dead: $s1 ms) vs create_push of the same devices ($p1 ms)" "${r}x" "$(aim skip_push_ratio)" "$(judge skip_push_ratio "$r")"
# 13. hourly series
e=$(value "13. latency_sketch: largest relative error of p1 to p99")
row "13. latency_sketch of a million durations (log-normal and bimodal): largest relative error of p1 to p99 against percentile_disc ($(value "13. latency_sketch: value size") bytes, $(value "13. latency_sketch of a million durations") ms to make; count(seconds) $(value "13. count(seconds) of a million durations (floor)") ms, exact percentiles $(value "13. percentile_disc of a million durations, three quantiles (exact)") ms)" "$e" "$(aim sketch_error)" "$(judge sketch_error "$e")"
d=$(value "13. tdigest(100): largest relative error of p1 to p99")
row "13. ... Debian's tdigest(seconds, 100) of the same durations: largest relative error ($(value "13. tdigest(100): value size") bytes, $(value "13. tdigest(seconds, 100) of a million durations") ms to make)" "$d" "" "$(awk -v a="$e" -v b="$d" 'BEGIN { print (a <= b) ? "ours more accurate" : "tdigest more accurate" }')"
for what in "campaign 1001, 30 days by hour|times_campaign_ms" "app 1, 30 days by day in Europe/Berlin|times_app_ms"; do
	IFS='|' read -r key target <<<"$what"
	o=$(value "13. delivery_times, $key"); p=$(value "13. plain SQL over the actions, $key")
	row "13. delivery_times, $key, from the kept series ($(value "13. hourly buckets kept") buckets, in step after the load: $(value "13. hourly buckets in step after the load")); plain SQL grouping the live actions: $p ms, $(ratio "$p" "$o")x the time" "$o ms" "$(aim $target)" "$(judge $target "$o")"
done
on=$(value "13. COPY of new pushes' actions, series kept"); off=$(value "13. COPY of new pushes' actions, series not kept")
r=$(ratio "$on" "$off"); row "13. COPY of new pushes' actions with the hourly series kept ($on rows/s) vs without them ($off rows/s)" "${r}x" "$(aim times_copy_ratio)" "$(judge times_copy_ratio "$r")"
for what in "attempt|record_attempt (a successful send)|times_attempt_ratio" "event|track_event (delivered)|times_event_ratio"; do
	IFS='|' read -r key label target <<<"$what"
	on=$(value "13. $key, 2 clients, series kept"); off=$(value "13. $key, 2 clients, series not kept")
	r=$(ratio "$on" "$off"); row "13. $label, 2 clients, with the hourly series kept ($on tx/s) vs without them ($off tx/s; in step after: $(value "13. hourly buckets in step after the write runs"))" "${r}x" "$(aim $target)" "$(judge $target "$r")"
done
a=$(value "13. scan of 2M actions without moments"); b=$(value "13. scan of 2M actions with four moments stored")
row "13. the moments' cost: a scan of 2 million actions with the four moments stored ($b ms, $(value "13. size of 2M actions with four moments") MB) vs without ($a ms, $(value "13. size of 2M actions without moments") MB); their last column $(value "13. scan of 2M actions with four moments stored, the same column") vs $(value "13. scan of 2M actions without moments, their last column") ms" "$(ratio "$b" "$a")x" "" ""
# 14. index audit
for idx in $(awk -F'\t' '$1 ~ /^14\. .*: its read$/ { sub(/^14\. /, "", $1); sub(/: its read$/, "", $1); print $1 }' "$TSV"); do
	w=$(value "14. $idx: its read, with it"); wo=$(value "14. $idx: its read, without it")
	slower=$(ratio "$wo" "$w")
	writes=""
	if [ -n "$(value "14. COPY of new pushes' actions, without $idx")" ]; then
		writes="; COPY of new pushes' actions $(value "14. COPY of new pushes' actions, without $idx") rows/s without it against $(value "14. COPY of new pushes' actions, every index") with it"
	elif [ -n "$(value "14. COPY of new pushes' actions, with $idx")" ]; then
		writes="; COPY of new pushes' actions $(value "14. COPY of new pushes' actions, every index") rows/s without it against $(value "14. COPY of new pushes' actions, with $idx") with it"
	fi
	verdict=$(awk -v r="$slower" 'BEGIN { if (r == "n/a") print "?"; else print (r >= 2) ? "earns its cost" : "its read is served almost as well without it" }')
	[ "$(value "14. $idx: dropped in 1.2")" = t ] && verdict="$verdict: dropped in 1.2"
	row "14. $idx: $(value "14. $idx: its read"): $w ms with it, $wo ms without (plans: $(value "plan: 14. $idx: its read, with it") against $(value "plan: 14. $idx: its read, without it"))$writes" "${slower}x slower without" "" "$verdict"
done
a=$(value "14. record_attempt, 2 clients, every index"); b=$(value "14. record_attempt, 2 clients, without the indexes no write reads")
[ -n "$a" ] && row "14. record_attempt, 2 clients, without the indexes no write reads ($(value "14. indexes of actions no write reads"): $b tx/s) vs with every index ($a tx/s, the runs before and after)" "$(ratio "$b" "$a")x" "" ""
on=$(value "14. COPY of new pushes' actions, every index"); off=$(value "14. COPY of new pushes' actions, maintenance off"); fl=$(value "14. COPY floor, new pushes' actions")
if [ -n "$on" ]; then
	r=$(ratio "$off" "$fl"); row "14. COPY of new pushes' actions with the maintenance off ($off rows/s) vs the same rows into a bare table ($fl rows/s)" "$r" "$(aim index_copy_floor)" "$(judge index_copy_floor "$r")"
	k=$(value "14. COPY of new pushes' actions, maintenance off, the key alone")
	row "14. ... the ceiling without any index but the key, maintenance off ($k rows/s) vs the bare table: what the indexes cost together; the rest is the key, the CHECKs and the parents' check" "$(ratio "$k" "$fl")" "" ""
	r=$(ratio "$on" "$off"); row "14. ... with every kept state on ($on rows/s) vs off" "${r}x" "$(aim index_copy_on)" "$(judge index_copy_on "$r")"
fi

# 15. capacity inputs (doc/scale-out.md's model)
for step in "new push's actions, one INSERT" "record_attempt, a send" "track_event, delivered" "track_event, opened" "purge, fold and delete"; do
	t=$(value "15. $step: time per action in one backend")
	[ -n "$t" ] && row "15. capacity: $step, per action in one backend ($(value "15. $step: WAL per action") bytes of WAL)" "$t µs" "" ""
done
b=$(value "15. bytes on disk per live action, everything the extension keeps")
[ -n "$b" ] && row "15. capacity: bytes on disk per live action, everything kept ($(value "15. bytes on disk per live action, actions and its indexes") in actions and its indexes); VACUUM of actions ($(value "15. size of actions with its indexes") MB) after 200,000 deletions $(value "15. VACUUM of actions after 200,000 actions deleted") ms" "$b bytes" "" ""

echo
echo "push_actions benchmark: SCALE=$scale, $(nproc) cores, $(awk '/^MemTotal/ { printf "%.0f", $2 / 1048576 }' /proc/meminfo) GB, PostgreSQL $(pg_config --version | awk '{print $2}'), huge pages ${HUGE_PAGES:-?}, JIT off;"
echo "timings: median of ${RUNS:-5} runs after a warm-up, the queries of a comparison taking turns; latencies: pgbench, prepared statements, at least ${CALLS:-1000} calls of each side, picked at random in one run"
echo
echo "| measurement | achieved | target | |"
echo "|---|---|---|---|"
for r in "${rows[@]}"; do
	IFS='|' read -r what got target verdict <<<"$r"
	# a run of some sections (REPORT_SECTIONS: their numbers) prints their rows alone
	if [ -n "${REPORT_SECTIONS:-}" ]; then
		[[ " $REPORT_SECTIONS " == *" $(echo "$what" | grep -oE '^[0-9]+') "* ]] || continue
	fi
	echo "| $what | $got | $target | $verdict |"
done

{
	echo "{\"scale\": $scale, \"cores\": $(nproc), \"measurements\": ["
	awk -F'\t' 'BEGIN { first = 1 } {
		gsub(/"/, "\\\"", $1); gsub(/"/, "\\\"", $2)
		val = ($2 ~ /^-?[0-9.]+$/) ? $2 : "\"" $2 "\""
		printf "%s  {\"name\": \"%s\", \"value\": %s, \"unit\": \"%s\"%s%s}", first ? "" : ",\n", $1, val, $3,
			($4 != "") ? ", \"min\": " $4 : "", ($5 != "") ? ", \"max\": " $5 : ""
		first = 0 } END { print "" }' "$TSV"
	echo "]}"
} >"$json"
echo
echo "(also written to $json)"
