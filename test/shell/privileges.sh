#!/usr/bin/env bash
# Least privilege: roles with only the grants README "Roles and privileges"
# gives can do their job, and no more.  An app backend calls the API, a loader
# COPYs actions, an analyst reads the views, a janitor deletes pushes; the
# references of actions act as foreign keys would (checked and cascaded with
# the owner's rights), so none of them needs rights on the other tables.
# Runs against the cluster in PGHOST/PGPORT (make test sets them); prints TAP.
set -u
PG_BIN=/usr/lib/postgresql/${PG:-15}/bin
echo "1..8"
ROLES="pa_backend pa_loader pa_analyst pa_janitor"
owner() { $PG_BIN/psql -X -q -At -v ON_ERROR_STOP=1 -d pa_priv "$@"; }
as() { local role=$1; shift; $PG_BIN/psql -X -q -At -v ON_ERROR_STOP=1 -U "$role" -d pa_priv "$@" 2>&1; }
cleanup() {
	$PG_BIN/psql -X -q -d postgres -c "DROP DATABASE IF EXISTS pa_priv" >/dev/null 2>&1
	for r in $ROLES; do $PG_BIN/psql -X -q -d postgres -c "DROP ROLE IF EXISTS $r" >/dev/null 2>&1; done
}
trap cleanup EXIT
cleanup
$PG_BIN/psql -X -q -v ON_ERROR_STOP=1 -d postgres -c "CREATE DATABASE pa_priv" || exit 1
for r in $ROLES; do $PG_BIN/psql -X -q -v ON_ERROR_STOP=1 -d postgres -c "CREATE ROLE $r LOGIN" || exit 1; done

# the extension, the seed's apps, and exactly the grants the README gives
owner >/dev/null <<'SQL' || exit 1
CREATE EXTENSION push_actions;
\i test/data/seed_245624.sql
\i test/data/multi_device.sql
GRANT USAGE ON SCHEMA push_actions TO pa_backend, pa_loader, pa_analyst, pa_janitor;
GRANT SELECT ON push_actions.apps TO pa_backend;
GRANT SELECT, INSERT, UPDATE, DELETE ON push_actions.pushes, push_actions.actions, push_actions.daily_rollups TO pa_backend;
GRANT INSERT ON push_actions.actions TO pa_loader;
GRANT SELECT ON push_actions.message_status, push_actions.campaign_overview, push_actions.push_devices,
	push_actions.push_pending_devices, push_actions.daily_rollups TO pa_analyst;
GRANT SELECT (app_id, push_id, created_at), DELETE ON push_actions.pushes TO pa_janitor;
SQL

# the backend: every API call of a push's life, answered, not refused
out=$(as pa_backend <<'SQL'
SET search_path = push_actions, public;
SELECT create_push(1, '{"message":"as backend"}', '[{"device_id": 7001, "platform": "android", "token": "t7001"},
                                                    {"device_id": 7002, "platform": "ios", "token": "t7002"}]', 555) AS push \gset
SELECT record_attempt(action_id, true) FROM actions WHERE push_id = :'push' AND device_id = 7001;
SELECT record_attempt(action_id, false, 'DeviceNotRegistered') FROM actions WHERE push_id = :'push' AND device_id = 7002;
SELECT record_event(action_id, 'delivered') FROM actions WHERE push_id = :'push' AND device_id = 7001;
SELECT list_push_devices('{"apptoken":"YOUR_APPTOKEN","condition":[["campaign_id","=",555]],"select":["device_id","status"],"order":["device_id ASC"]}');
SELECT push_info(:'push', 'YOUR_APPTOKEN') ->> 'push' IS NOT NULL;
SELECT delete_push(:'push', 'YOUR_APPTOKEN');
SQL
)
expected='sent
bounced
delivered
{"code": 200, "data": [{"status": "delivered", "device_id": 7001}, {"status": "bounced", "device_id": 7002}], "success": true}
t
{"success": true}'
[ "$out" = "$expected" ] && echo "ok 1 - the backend role creates a push, records attempts and events, lists, reads and deletes it" \
	|| { echo "not ok 1 - the backend role's API calls:"; echo "$out" | sed 's/^/# /'; }

n=$(owner -c "SELECT count(*) FROM push_actions.actions WHERE campaign_id = 555")
[ "$n" = "0" ] && echo "ok 2 - delete_push as the backend removed the push's actions too" \
	|| echo "not ok 2 - $n actions of the deleted push remain"

# the loader: COPY into actions with INSERT alone
out=$(printf '1,a0000000000000000000000a,8001,android,attempted\n1,,8002,web,sent\n' |
      as pa_loader -c "COPY push_actions.actions (app_id, push_id, device_id, platform, status) FROM STDIN (FORMAT csv)")
n=$(owner -c "SELECT count(*) FROM push_actions.actions WHERE device_id IN (8001, 8002)")
[ -z "$out" ] && [ "$n" = "2" ] && echo "ok 3 - a role with only INSERT on actions COPYs actions (parents checked with the owner's rights)" \
	|| echo "not ok 3 - the loader's COPY: $out ($n rows)"

out=$(printf '1,ffffffffffffffffffffffff,8003,android,attempted\n' |
      as pa_loader -c "COPY push_actions.actions (app_id, push_id, device_id, platform, status) FROM STDIN (FORMAT csv)")
echo "$out" | grep -q 'violates its reference to "pushes"' \
	&& echo "ok 4 - the loader's orphan is still refused, naming the missing push" \
	|| echo "not ok 4 - the loader's orphan: $out"

out=$(as pa_loader -c "SELECT count(*) FROM push_actions.apps")
echo "$out" | grep -q 'permission denied for table apps' \
	&& echo "ok 5 - the loader cannot read apps (the check's rights do not leak)" \
	|| echo "not ok 5 - the loader read apps: $out"

# the analyst: the views, not the tables
out=$(as pa_analyst -c "SELECT messages FROM push_actions.campaign_overview WHERE campaign_id = 777" \
                    -c "SELECT count(*) FROM push_actions.message_status WHERE profile_id = 'alice'")
[ "$out" = "$(printf '7\n2')" ] && echo "ok 6 - the analyst reads campaign_overview and message_status" \
	|| echo "not ok 6 - the analyst's views: $out"
out=$(as pa_analyst -c "SELECT count(*) FROM push_actions.actions")
echo "$out" | grep -q 'permission denied for table actions' \
	&& echo "ok 7 - the analyst cannot read the actions table itself" \
	|| echo "not ok 7 - the analyst read actions: $out"

# the janitor: deleting a push cascades to its actions without a right on actions
out=$(as pa_janitor -c "DELETE FROM push_actions.pushes WHERE push_id = 'a0000000000000000000000a'")
n=$(owner -c "SELECT count(*) FROM push_actions.actions WHERE push_id = 'a0000000000000000000000a'")
[ -z "$out" ] && [ "$n" = "0" ] && echo "ok 8 - deleting a push with DELETE on pushes alone deletes its actions, as ON DELETE CASCADE would" \
	|| echo "not ok 8 - the janitor's delete: $out ($n actions left)"
