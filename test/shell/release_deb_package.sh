#!/usr/bin/env bash
# The Debian package on a clean system of the Debian release that ships
# PostgreSQL $PG (Debian 12 for 15): `make deb` builds it (its build runs the
# regression tests against the package's files), apt installs it into a
# system made by debootstrap, and there the extension is created, answers,
# and updates from each released version.  TAP output.
set -uo pipefail
cd "$(dirname "$0")/../.."
. scripts/lib.sh
. scripts/debian_system.sh

echo "1..6"

built=$(make -s deb 2>&1)
check $? "make deb builds the package with pg_buildext" || echo "$built" | tail -40 | sed 's/^/# /'
suite=$(debian_suite_for "$PG")
deb=$(ls dist/postgresql-$PG-push-actions_*_amd64.deb 2>/dev/null | head -1)
[ -n "$deb" ] || { echo "# no package in dist/: see dist/build.log"; exit 1; }

sys=$(mktemp -d /tmp/push_actions_system.XXXXXX)
trap 'system_remove "$sys"' EXIT
system_make "$sys" "$suite"
check $? "a clean Debian $suite system made by debootstrap"

as_root cp "$deb" "$sys/tmp/"
system_run "$sys" "apt-get update -qq && apt-get install -y -qq --no-install-recommends /tmp/$(basename "$deb")" \
	>"$sys.install.log" 2>&1
check $? "apt-get install ./$(basename "$deb") brings the PostgreSQL it needs" \
	|| tail -20 "$sys.install.log" | sed 's/^/# /'
rm -f "$sys.install.log"

files=$(system_run "$sys" "dpkg -L postgresql-$PG-push-actions")
echo "$files" | grep -qx /usr/lib/postgresql/$PG/lib/push_actions.so \
	&& echo "$files" | grep -qx /usr/share/postgresql/$PG/extension/push_actions.control \
	&& echo "$files" | grep -qx /usr/share/postgresql/$PG/extension/push_actions--1.0--1.1.sql \
	&& echo "$files" | grep -qx /usr/share/postgresql/$PG/extension/push_actions_sample.sql
check $? "the module, control file and scripts are where Debian's server looks"

server="runuser -u postgres -- /usr/lib/postgresql/$PG/bin"
psql="runuser -u postgres -- psql -h /tmp/pg -X -q -v ON_ERROR_STOP=1 -At"
system_run "$sys" "mkdir /tmp/pg && chown postgres /tmp/pg \
	&& $server/initdb -D /tmp/pg/data --no-sync >/dev/null 2>&1 \
	&& $server/pg_ctl -D /tmp/pg/data -l /tmp/pg/log -w start -o \"-c listen_addresses='' -k /tmp/pg\" >/dev/null"
out=$(system_run "$sys" "$psql -c 'CREATE EXTENSION push_actions' \
	-c \"SELECT extversion FROM pg_extension WHERE extname = 'push_actions'\" \
	-c \"SELECT push_actions.create_push(app_id, '{\\\"message\\\":\\\"hi\\\"}', '[{\\\"device_id\\\":1,\\\"token\\\":\\\"t1\\\",\\\"platform\\\":\\\"android\\\"}]') IS NOT NULL FROM push_actions.create_app('packaged')\" \
	-c \"SELECT push_actions.list_push_devices('{\\\"apptoken\\\":\\\"nope\\\"}') ->> 'code'\"" 2>&1)
current=$(sed -n "s/^default_version = '\(.*\)'/\1/p" push_actions.control)
[ "$out" = "$(printf '%s\n' "$current" t 401)" ]
check $? "CREATE EXTENSION push_actions works, at $current, and the API answers" \
	|| echo "$out" | sed 's/^/# /'

# every released version updates to the current one with the packaged scripts
out=""
for v in 1.0 1.1; do
	out="$out$(system_run "$sys" "$psql -c 'CREATE DATABASE old_${v/./_}' && $psql -d old_${v/./_} \
		-c \"CREATE EXTENSION push_actions VERSION '$v'\" -c 'ALTER EXTENSION push_actions UPDATE' \
		-c \"SELECT extversion FROM pg_extension WHERE extname = 'push_actions'\"" 2>&1) "
done
[ "$out" = "$current $current " ]
check $? "databases at 1.0 and 1.1 update to $current with the packaged scripts" \
	|| echo "$out" | sed 's/^/# /'
