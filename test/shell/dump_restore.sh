#!/usr/bin/env bash
# pg_dump keeps the extension's data (SPEC section 2): a database with apps,
# pushes, actions and daily roll-ups is dumped in plain and custom format and
# restored into new databases with the tools' defaults, stopping at the first
# error; every table must come back identical and the restored database must
# go on working (sequences, tokens, the parent check).
# Runs against the cluster in PGHOST/PGPORT (make test sets them); prints TAP.
set -u
PG_BIN=/usr/lib/postgresql/${PG:-15}/bin
echo "1..6"
db() { $PG_BIN/psql -X -q -At -v ON_ERROR_STOP=1 -d "$@"; }
drop_databases() {
	for d in pa_dump pa_restore_plain pa_restore_custom; do db postgres -c "DROP DATABASE IF EXISTS $d" 2>/dev/null; done
}
work=$(mktemp -d /tmp/pa_dump.XXXXXX)
trap 'drop_databases; rm -rf "$work"' EXIT
drop_databases
for d in pa_dump pa_restore_plain pa_restore_custom; do db postgres -c "CREATE DATABASE $d"; done

# the seed's standalone actions and March's two pushes, of which the first
# (and the oldest standalone action) folded into daily_rollups, and a push
# made through the API today
db pa_dump >/dev/null <<'SQL'
CREATE EXTENSION push_actions;
SET search_path = push_actions, public;
\i test/data/seed_245624.sql
\i test/data/multi_device.sql
SELECT fold_actions('2026-03-03', 1);
SELECT create_push(1, '{"message":"today"}', '[{"device_id": 9001, "platform": "android", "token": "t9001"},
                                               {"device_id": 9002, "platform": "ios", "token": "t9002"}]', 42);
SQL
counts="SELECT (SELECT count(*) FROM push_actions.apps) || ' apps, ' || (SELECT count(*) FROM push_actions.pushes) || ' pushes, '
               || (SELECT count(*) FROM push_actions.actions) || ' actions, ' || (SELECT count(*) FROM push_actions.daily_rollups) || ' daily roll-ups'"
before=$(db pa_dump -c "$counts")

$PG_BIN/pg_dump -d pa_dump -f "$work/dump.sql" 2>"$work/dump.err" &&
	$PG_BIN/psql -X -q -v ON_ERROR_STOP=1 -d pa_restore_plain -f "$work/dump.sql" >/dev/null 2>"$work/plain.err"
[ $? -eq 0 ] && echo "ok 1 - a plain dump restores with psql, stopping at the first error ($before)" \
	|| { echo "not ok 1 - the plain dump does not restore:"; sed 's/^/# /' "$work"/dump.err "$work/plain.err" | head; }

$PG_BIN/pg_dump -Fc -d pa_dump -f "$work/dump.custom" 2>"$work/dump.err" &&
	$PG_BIN/pg_restore --exit-on-error -d pa_restore_custom "$work/dump.custom" 2>"$work/custom.err"
[ $? -eq 0 ] && echo "ok 2 - a custom-format dump restores with pg_restore --exit-on-error" \
	|| { echo "not ok 2 - the custom dump does not restore:"; sed 's/^/# /' "$work"/dump.err "$work/custom.err" | head; }

# every row of every table, in a fixed order
tables="SELECT t, md5(string_agg(r, E'\n' ORDER BY r)) FROM (
	SELECT 'apps' AS t, x::text AS r FROM push_actions.apps x UNION ALL
	SELECT 'pushes', x::text FROM push_actions.pushes x UNION ALL
	SELECT 'actions', x::text FROM push_actions.actions x UNION ALL
	SELECT 'daily_rollups', x::text FROM push_actions.daily_rollups x) rows GROUP BY t ORDER BY t"
orig=$(db pa_dump -c "$tables")
plain=$(db pa_restore_plain -c "$tables" 2>&1)
custom=$(db pa_restore_custom -c "$tables" 2>&1)
if [ "$(echo "$orig" | grep -c .)" -eq 4 ] && [ "$orig" = "$plain" ] && [ "$orig" = "$custom" ]; then
	echo "ok 3 - apps, pushes, actions and daily_rollups come back row for row from both dumps"
else
	echo "not ok 3 - restored tables differ"; diff <(echo "$orig") <(echo "$plain") | sed 's/^/# plain: /'
	diff <(echo "$orig") <(echo "$custom") | sed 's/^/# custom: /'
fi

# the sequences went along: new apps and actions get new ids, not restored ones
restored_max=$(db pa_restore_plain -c "SELECT max(action_id) FROM push_actions.actions")
push=$(db pa_restore_plain -c "SELECT push_actions.create_push(1, '{\"message\":\"again\"}', '[{\"device_id\": 9003, \"platform\": \"web\"}]')" 2>&1)
next=$(db pa_restore_plain -c "SELECT (SELECT app_id FROM push_actions.create_app('after restore')) > 2,
	(SELECT action_id FROM push_actions.actions WHERE push_id = '$push') > $restored_max" 2>&1)
[ "$next" = "t|t" ] && echo "ok 4 - after the restore new apps and actions get ids beyond the restored ones" \
	|| echo "not ok 4 - ids after restore: $next"

# the token still opens the app: the seed request answers the same in all three
seed='{"apptoken":"YOUR_APPTOKEN","condition":[["campaign_id","=",245624],["error","=",1]],"select":["action_id","error_message"],"order":["create_time DESC"]}'
a=$(db pa_dump -c "SELECT push_actions.list_push_devices('$seed')")
b=$(db pa_restore_plain -c "SELECT push_actions.list_push_devices('$seed')")
c=$(db pa_restore_custom -c "SELECT push_actions.list_push_devices('$seed')")
n=$(echo "$a" | grep -o action_id | wc -l)
if echo "$a" | grep -q '"code": 200' && [ "$n" -ge 5 ] && [ "$a" = "$b" ] && [ "$a" = "$c" ]; then
	echo "ok 5 - the seed request with the app's token answers the same $n actions after both restores"
else
	echo "not ok 5 - seed request after restore: $b"
fi

# references are still checked after the restore, by the statement-level check
err=$(db pa_restore_custom -c "INSERT INTO push_actions.actions (app_id, push_id, device_id, platform, status)
	VALUES (1, 'ffffffffffffffffffffffff', 1, 'android', 'attempted')" 2>&1)
if echo "$err" | grep -q 'violates its reference to "pushes"'; then
	echo "ok 6 - an action of an unknown push is still refused after the restore"
else
	echo "not ok 6 - orphan action after restore: $err"
fi
