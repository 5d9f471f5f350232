#!/usr/bin/env bash
# make test: regression (pg_regress) then behaviour (pg_prove) and shell tests
# on a throwaway cluster.  Prints "N passed, N failed" last; non-zero on failure.
set -uo pipefail
cd "$(dirname "$0")/.."
. scripts/lib.sh
pg_is_native || exec bash scripts/in_debian_system.sh test

ensure_deps || exit 1
ensure_citus || exit 1
ensure_client_drivers || exit 1
build_install -DUSE_ASSERT_CHECKING || exit 1
cluster_start || exit 1

passed=0
failed=0
out=$(mktemp)

# tally STATUS: adds the ok and not ok lines of $out to the counts; a run that
# failed without a "not ok" line (it could not start, or crashed) counts one.
tally() {
	local p f
	p=$(grep -cE '^ok ' "$out"); f=$(grep -cE '^not ok ' "$out")
	[ "$1" -ne 0 ] && [ "$f" -eq 0 ] && f=1
	passed=$((passed + p)); failed=$((failed + f))
	tallied="$p ok, $f not ok"
}

# installcheck_stage NAME DIFFS MAKE-VARIABLES: one installcheck run (pg_regress
# or the isolation specs, so a failure of one does not skip the other),
# counted from its ok/FAILED lines and its exit status, diffs printed.
installcheck_stage() {
	local name=$1 diffs=$2 status p f
	shift 2
	echo "== $name"
	make -s PG_CONFIG=$PG_BIN/pg_config installcheck "$@" 2>&1 | tee "$out"
	status=${PIPESTATUS[0]}
	read -r p f <<<"$(installcheck_counts "$out" "$status")"
	if [ -f "$diffs" ]; then
		echo "== $diffs"
		cat "$diffs"
		[ "$f" -eq 0 ] && f=1
	fi
	passed=$((passed + p)); failed=$((failed + f))
}
rm -rf results regression.diffs regression.out output_iso
installcheck_stage "pg_regress" regression.diffs ISOLATION= TAP_TESTS=
installcheck_stage "isolation specs" output_iso/regression.diffs REGRESS= TAP_TESTS=

# TAP tests start servers of their own, which must not run as root: as root,
# they run as "postgres" in a copy of the tree that user may write.
echo "== TAP tests (PostgreSQL::Test::Cluster)"
if [ "$(id -u)" -eq 0 ]; then
	tap_tree=$(mktemp -d /tmp/push_actions_tap.XXXXXX)
	copy_tree "$tap_tree"
	chown -R postgres "$tap_tree"
	runuser -u postgres -- make -s -C "$tap_tree" PG_CONFIG=$PG_BIN/pg_config installcheck REGRESS= ISOLATION= PROVE_FLAGS=-v >"$out" 2>&1
	status=$?
	rm -rf "$tap_tree"
else
	make -s PG_CONFIG=$PG_BIN/pg_config installcheck REGRESS= ISOLATION= PROVE_FLAGS=-v >"$out" 2>&1
	status=$?
fi
grep -vE '^ok ' "$out" | grep -vE '^\s*#\s*$' || true
tally $status
echo "TAP: $tallied"

echo "== pgTAP"
q -d postgres -c "CREATE DATABASE pa_tap"
q -d pa_tap -c "CREATE EXTENSION pgtap; CREATE EXTENSION dblink; CREATE EXTENSION push_actions"
pg_prove -v -d pa_tap test/pgtap/*.sql >"$out" 2>&1
status=$?
grep -vE '^ok ' "$out" | grep -vE '^\s*#\s*$' || true
tally $status
echo "pgTAP: $tallied"

echo "== shell tests (benchmark report, Debian package, demo script, release files, expected alternatives, own server)"
for t in test/shell/*.sh; do
	bash "$t" >"$out" 2>&1
	status=$?
	cat "$out"
	tally $status
done

# A backend that crashed restarts the server, and the tests after it fail to
# connect or are cut short, so counts alone understate it: say so, and fail.
crashes=$(grep -E 'server process \(PID [0-9]+\) was terminated by signal|terminating any other active server processes' \
	"$CLUSTER_DIR/data.log" 2>/dev/null)
if [ -n "$crashes" ]; then
	echo "not ok - the server crashed during the tests:"
	echo "$crashes" | sed 's/^/#   /'
	failed=$((failed + 1))
fi

rm -f "$out"
cluster_stop
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
