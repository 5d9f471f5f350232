#!/usr/bin/env bash
# make demo: a throwaway server with the sample data, then what the API answers;
# with KEEP=1 the server stays up for README's examples.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/lib.sh
pg_is_native || exec bash scripts/in_debian_system.sh demo

ensure_deps
build_install
cluster_start
q -d postgres -c "CREATE DATABASE demo"
q -d demo -c "CREATE EXTENSION push_actions"
q -d demo -f test/data/demo_sample.sql >/dev/null
echo "== sample loaded: the Xtremepush example's campaign 245624 (app 1, token YOUR_APPTOKEN), campaign 777 (people with several devices), the Pushy example's push (app 3, key SECRET_API_KEY)"
echo
$PG_BIN/psql -X -d demo -v ON_ERROR_STOP=1 -f scripts/demo.sql
if [ "${KEEP:-0}" = 1 ]; then
	# the sample server outlives this script: README's examples run on its
	# database "sample", the sample as loaded (the demo above wrote to "demo")
	q -d postgres -c "CREATE DATABASE sample"
	q -d sample -c "CREATE EXTENSION push_actions"
	q -d sample -f test/data/demo_sample.sql >/dev/null
	trap - EXIT
	stop="$PG_BIN/pg_ctl -D $CLUSTER_DIR/data stop -m fast && rm -rf $CLUSTER_DIR"
	[ -n "$RUN_AS" ] && stop="runuser -u postgres -- $PG_BIN/pg_ctl -D $CLUSTER_DIR/data stop -m fast && rm -rf $CLUSTER_DIR"
	[ "$(id -u)" -ne 0 ] && [ -n "$RUN_AS" ] && stop="sudo $stop"
	echo
	echo "== the sample server keeps running (KEEP=1)"
	echo "   connect:  $PG_BIN/psql -h $CLUSTER_DIR -p $PGPORT -U $PGUSER sample"
	echo "   stop it:  $stop"
fi
