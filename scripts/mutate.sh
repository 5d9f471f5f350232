#!/usr/bin/env bash
# make mutate: the mutation run (test/tools/mutate.py) on PostgreSQL 15.
# Each worker has a copy of the server's installation (PostgreSQL finds its
# files relative to its programs), a copy of this tree and a cluster of its
# own, so workers never share an installed library and the system's
# installation is left as it is.  Writes test/MUTATION.md.
# MUTATE_JOBS (default: the cores), MUTATE_AREAS (default: all; a comma list).
set -uo pipefail
cd "$(dirname "$0")/.."
. scripts/lib.sh
pg_is_native || { echo "make mutate runs on PostgreSQL 15 (this Debian's)" >&2; exit 1; }

ensure_deps || exit 1
ensure_packages python3 || exit 1
jobs=${MUTATE_JOBS:-$(nproc)}
base=$(mktemp -d /tmp/push_actions_mutate.XXXXXX)
chmod 755 "$base"
server_owner "$base"
stop_workers() {
	for w in "$base"/w*; do
		[ -d "$w/cluster/data" ] && (cd / && $RUN_AS "$w/usr/lib/postgresql/$PG/bin/pg_ctl" -D "$w/cluster/data" -m immediate stop >/dev/null 2>&1)
	done
	rm -rf "$base"
}
trap stop_workers EXIT

sharedir=$($PG_BIN/pg_config --sharedir)
for i in $(seq 0 $((jobs - 1))); do
	w=$base/w$i
	mkdir -p "$w/usr/lib/postgresql" "$w/usr/share/postgresql" "$w/tree" "$w/cluster"
	cp -a "/usr/lib/postgresql/$PG" "$w/usr/lib/postgresql/"
	cp -a "$sharedir" "$w/usr/share/postgresql/"
	ln -s /usr/include "$w/usr/include"
	copy_tree "$w/tree"
	chown -R "${PGUSER}" "$w/tree" "$w/cluster" 2>/dev/null || true
	chmod 755 "$w" "$w/cluster"
	# PGHOST in the server's environment too: dblink (store_references.sql)
	# connects from inside it, and must reach this worker's server
	PGHOST=$w/cluster PGPORT=5432 PG_BIN=$w/usr/lib/postgresql/$PG/bin server_start "$w/cluster" data 5432 "-c max_worker_processes=8" || exit 1
done
echo "== $jobs workers in $base"
python3 test/tools/mutate.py --workers-dir "$base" --jobs "$jobs" ${MUTATE_AREAS:+--areas "$MUTATE_AREAS"} "$@"
