#!/usr/bin/env bash
# Two sessions recording failed attempts on the same actions at once lose no
# attempt: each of 20 actions gets 5 failures from each of two psql processes,
# so every action must end with exactly 10 attempts and status failed.
# Runs against the cluster in PGHOST/PGPORT (make test sets them); prints TAP.
set -u
export PGOPTIONS="-c search_path=public,push_actions"
PSQL="psql -X -q -At -v ON_ERROR_STOP=1 -d pa_tap"
echo "1..4"

app=$($PSQL -c "SELECT app_id FROM push_actions.create_app('concurrency')")
devices=$($PSQL -c "SELECT json_agg(json_build_object('device_id', i, 'platform', 'android'))::text FROM generate_series(1, 20) i")
push=$($PSQL -c "SELECT push_actions.create_push($app, '{\"message\":\"race\"}', '$devices')")
ids=$($PSQL -c "SELECT string_agg(action_id::text, ' ' ORDER BY action_id) FROM push_actions.actions WHERE push_id = '$push'")

# Each client sends one autocommit statement per attempt, interleaving actions.
script() {
	for round in 1 2 3 4 5; do
		for id in $ids; do
			echo "SELECT push_actions.record_attempt($id, false, 'timeout from client $1');"
		done
	done
}
script A | $PSQL >/tmp/pa_conc_A.$$ 2>&1 &
a=$!
script B | $PSQL >/tmp/pa_conc_B.$$ 2>&1 &
b=$!
wait $a; ra=$?
wait $b; rb=$?

if [ $ra -eq 0 ] && [ $rb -eq 0 ]; then echo "ok 1 - both clients ran every attempt without error"
else echo "not ok 1 - a client failed"; cat /tmp/pa_conc_A.$$ /tmp/pa_conc_B.$$ | grep -v '^attempted$\|^failed$' | head; fi

res=$($PSQL -c "SELECT count(*) FILTER (WHERE attempts = 10), count(*) FILTER (WHERE status = 'failed'), count(*)
                FROM push_actions.actions WHERE push_id = '$push'")
[ "$res" = "20|20|20" ] && echo "ok 2 - all 20 actions have exactly 10 attempts and are failed" \
	|| echo "not ok 2 - lost or extra attempts: $res (attempts=10 | failed | total)"

# 10 results per action: 9 x attempted then 1 x failed, whoever made them.
n_failed=$(cat /tmp/pa_conc_A.$$ /tmp/pa_conc_B.$$ | grep -c '^failed$')
n_att=$(cat /tmp/pa_conc_A.$$ /tmp/pa_conc_B.$$ | grep -c '^attempted$')
[ "$n_failed" = 20 ] && [ "$n_att" = 180 ] && echo "ok 3 - the clients saw 180 attempted and 20 failed answers" \
	|| echo "not ok 3 - answers: $n_att attempted, $n_failed failed"

# Now race successes against failures: whichever comes first wins, nothing is lost.
push2=$($PSQL -c "SELECT push_actions.create_push($app, '{\"message\":\"race2\"}', '$devices')")
ids=$($PSQL -c "SELECT string_agg(action_id::text, ' ' ORDER BY action_id) FROM push_actions.actions WHERE push_id = '$push2'")
for id in $ids; do echo "SELECT push_actions.record_attempt($id, true);"; done | $PSQL >/dev/null 2>&1 &
a=$!
for id in $ids; do echo "SELECT push_actions.record_event($id, 'delivered');"; done | $PSQL -v ON_ERROR_STOP=0 >/dev/null 2>&1 &
b=$!
wait $a $b
res=$($PSQL -c "SELECT count(*) FILTER (WHERE status IN ('sent', 'delivered') AND attempts = 1), count(*)
                FROM push_actions.actions WHERE push_id = '$push2'")
[ "$res" = "20|20" ] && echo "ok 4 - racing sends and delivery events leave every action consistent" \
	|| echo "not ok 4 - inconsistent actions: $res"

rm -f /tmp/pa_conc_A.$$ /tmp/pa_conc_B.$$
