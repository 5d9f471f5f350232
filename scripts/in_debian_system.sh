#!/usr/bin/env bash
# make test|demo|bench PG=N where this system does not ship PostgreSQL N: runs
# the same target inside a throwaway Debian system of the release that does
# (scripts/lib.sh's debian_suite_for), made by debootstrap, with a copy of
# this tree; the target installs what it needs there as it does here.  The
# system is removed afterwards; make bench's results are copied back.
set -uo pipefail
cd "$(dirname "$0")/.."
. scripts/lib.sh
. scripts/debian_system.sh

target=$1
suite=$(debian_suite_for "$PG") || exit 1
sys=$(mktemp -d "/tmp/push_actions_pg$PG.XXXXXX")
trap 'system_remove "$sys"' EXIT
echo "== PostgreSQL $PG: a throwaway Debian $suite system in $sys"
system_make "$sys" "$suite" || exit 1
as_root mkdir -p "$sys/src/push_actions"
copy_tree "$sys/src/push_actions" as_root
system_run "$sys" "apt-get update -qq && apt-get install -y -qq --no-install-recommends make >/dev/null" || exit 1
# the settings the targets read from the environment go along
vars="PG=$PG"
# Citus for this server, when CITUS_SOURCE has it
citus=$(citus_tarball)
if [ -n "$citus" ]; then
	as_root cp "$citus" "$sys/src/$(basename "$citus")"
	vars="$vars CITUS_SOURCE=/src/$(basename "$citus")"
fi
for v in CITUS SECTIONS SCALE RUNS CALLS COPY_ROWS SEED FUZZ_SCALE CLIENTS MINUTES SMITH_MINUTES; do
	[ -n "${!v:-}" ] && vars="$vars $v='${!v}'"
done
system_run "$sys" "cd /src/push_actions && make $target $vars"
status=$?
for results in bench/results stress/results; do
	if [ -d "$sys/src/push_actions/$results" ]; then
		mkdir -p "$results" && cp -r "$sys/src/push_actions/$results/." "$results/"
	fi
done
# reports named for this server's version (make bench CITUS=1 PG=17)
for report in "$sys/src/push_actions/bench/"RESULTS*-pg"$PG".md; do
	[ -f "$report" ] && cp "$report" bench/
done
exit $status
