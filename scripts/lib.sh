# Shared set-up for make test / demo / bench: sourced, not run.
# Installs what is missing, builds and installs the extension, and runs a
# throwaway PostgreSQL cluster on a Unix socket in a temporary folder.

# The PostgreSQL major version to build and test against (make test PG=17).
PG=${PG:-15}
export PG
PG_BIN=/usr/lib/postgresql/$PG/bin
PACKAGES="postgresql-$PG postgresql-server-dev-$PG postgresql-$PG-pgtap libtap-parser-sourcehandler-pgtap-perl libipc-run-perl python3-psycopg2 make gcc"

# The Debian release that ships each supported PostgreSQL: 15 in Debian 12,
# 17 in Debian 13, 18 in Debian testing.  One list: the README's table, CI
# and the throwaway systems all follow it.
SUPPORTED_PG="15 17 18"
debian_suite_for() {
	case $1 in
		15) echo bookworm ;;
		17) echo trixie ;;
		18) echo forky ;;
		*) echo "PostgreSQL $1 is not supported (supported: $SUPPORTED_PG)" >&2; return 1 ;;
	esac
}

# True when this system is the Debian release that ships PostgreSQL $PG, so
# the work runs here; otherwise scripts/in_debian_system.sh runs it in a
# throwaway system of that release.
pg_is_native() {
	local suite
	suite=$(debian_suite_for "$PG") || return 1
	[ "$(. /etc/os-release && echo "${VERSION_CODENAME:-}")" = "$suite" ]
}

# Runs a command as root: directly when we are root, else through sudo.
as_root() {
	if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi
}

ensure_deps() {
	ensure_packages $PACKAGES
}

# The real clients test/t/release_client_drivers.pl calls the API through:
# psycopg2 (above), pgjdbc with a JDK to run its program, and node-pg:
# Debian's package where it installs, else from the npm registry (outside
# the checkout).  A JDK or Node.js there already, from elsewhere, is kept.
ensure_client_drivers() {
	local missing="" dir=${CLIENT_NODE_DIR:-/tmp/push_actions_node}
	command -v javac >/dev/null || missing="$missing default-jdk-headless"
	[ -f /usr/share/java/postgresql.jar ] || missing="$missing libpostgresql-jdbc-java"
	command -v node >/dev/null || missing="$missing nodejs"
	[ -z "$missing" ] || ensure_packages $missing || return 1
	for NODE_PATH in "$dir/node_modules" /usr/share/nodejs; do
		NODE_PATH=$NODE_PATH node -e "require('pg')" 2>/dev/null && { export NODE_PATH; return 0; }
	done
	if as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends node-pg >/dev/null 2>&1; then
		echo "== installed: node-pg"
		export NODE_PATH=/usr/share/nodejs
		return 0
	fi
	command -v npm >/dev/null || ensure_packages npm || return 1
	echo "== installing node-pg from the npm registry into $dir"
	npm install --no-audit --no-fund --loglevel=error --prefix "$dir" pg@8 >/dev/null || return 1
	export NODE_PATH=$dir/node_modules
}

# Citus, which Debian does not package, for the distributed test (test/t/
# distribution_citus.pl, skipped without it) and make bench CITUS=1: built
# and installed from a release tarball of its source when Citus is missing.
# CITUS_SOURCE names that tarball, or a folder of them (by default the
# project's ../shared/deps), from which each server takes the Citus release
# that supports it: 13 for PostgreSQL 15 (Citus 14 dropped it), 14 for 16 to
# 18 (Citus 13 stops at 17).
CITUS_PACKAGES="autoconf flex libicu-dev libcurl4-openssl-dev libkrb5-dev liblz4-dev libpam0g-dev libselinux1-dev libzstd-dev libssl-dev libreadline-dev"
citus_major_for() {
	case $1 in
		15) echo 13 ;;
		16 | 17 | 18) echo 14 ;;
		*) return 1 ;;
	esac
}
if [ -z "${CITUS_SOURCE:-}" ] && [ -d "$(dirname "${BASH_SOURCE[0]}")/../../shared/deps" ]; then
	CITUS_SOURCE=$(cd "$(dirname "${BASH_SOURCE[0]}")/../../shared/deps" && pwd)
fi

# citus_tarball: the tarball of Citus for $PG that CITUS_SOURCE names or
# holds (the newest of the right release); nothing when there is none.
citus_tarball() {
	local major
	[ -n "${CITUS_SOURCE:-}" ] || return 0
	if [ -f "$CITUS_SOURCE" ]; then echo "$CITUS_SOURCE"; return 0; fi
	major=$(citus_major_for "$PG") || return 0
	ls "$CITUS_SOURCE"/citus-"$major".*.tar.gz 2>/dev/null | sort -V | tail -1
}

ensure_citus() {
	local build tarball
	[ -n "${CITUS_SOURCE:-}" ] || return 0
	[ -e "$($PG_BIN/pg_config --pkglibdir)/citus.so" ] && return 0
	[ -e "$CITUS_SOURCE" ] || { echo "CITUS_SOURCE=$CITUS_SOURCE: no such file or folder" >&2; return 1; }
	tarball=$(citus_tarball)
	if [ -z "$tarball" ]; then
		echo "== Citus: not built, $CITUS_SOURCE has no release of it for PostgreSQL $PG"
		return 0
	fi
	ensure_packages $CITUS_PACKAGES || return 1
	echo "== building Citus from $tarball"
	build=$(mktemp -d /tmp/citus_build.XXXXXX)
	(
		cd "$build" && tar xzf "$tarball" && cd citus-* \
			&& ./configure PG_CONFIG=$PG_BIN/pg_config >"$build/build.log" 2>&1 \
			&& make -j"$(nproc)" >>"$build/build.log" 2>&1 \
			&& as_root make install >>"$build/build.log" 2>&1
	) || { tail -30 "$build/build.log"; rm -rf "$build"; return 1; }
	rm -rf "$build"
}

# ensure_packages PKG...: installs those of the Debian packages that are missing.
ensure_packages() {
	local missing=""
	for p in "$@"; do
		dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing="$missing $p"
	done
	[ -z "$missing" ] && return 0
	echo "== installing:$missing"
	as_root env DEBIAN_FRONTEND=noninteractive apt-get update -qq
	as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $missing >/dev/null
}

# Builds with warnings as errors and installs into the server's directories.
# build_install [CFLAGS...]: the extra flags go to the compiler, e.g.
# -DUSE_ASSERT_CHECKING, which make test and make stress use so that the
# Assert()s at the code's invariants run (make bench measures without).
# Objects are rebuilt, so flags never mix within one library.
build_install() {
	echo "== building${1:+ with $*}"
	make -s PG_CONFIG=$PG_BIN/pg_config clean >/dev/null || return 1
	# a failed build stops here: installing would build again, without -Werror
	make -s PG_CONFIG=$PG_BIN/pg_config PG_CFLAGS="-Wall -Wextra -Werror -Wno-unused-parameter $*" >/dev/null \
		|| { echo "== the build failed" >&2; return 1; }
	as_root make -s PG_CONFIG=$PG_BIN/pg_config install >/dev/null
}

# server_owner DIR: who runs the servers kept in DIR, and owns it.
# PostgreSQL refuses to run as root, so root runs them as the "postgres"
# user; sets RUN_AS and exports PGUSER.
server_owner() {
	if [ "$(id -u)" -eq 0 ]; then
		id postgres >/dev/null 2>&1 || useradd --system --home-dir "$1" postgres
		chown postgres "$1"
		RUN_AS="runuser -u postgres --"
		export PGUSER=postgres
	else
		RUN_AS=""
		export PGUSER=$(id -un)
	fi
}

# Starts a cluster in a fresh temporary folder; exports PGHOST, PGPORT, PGUSER.
cluster_start() {
	CLUSTER_DIR=$(mktemp -d /tmp/push_actions.XXXXXX)
	chmod 755 "$CLUSTER_DIR"
	server_owner "$CLUSTER_DIR"
	export PGHOST=$CLUSTER_DIR PGPORT=5432 PGDATABASE=postgres
	trap cluster_stop EXIT
	echo "== starting a throwaway cluster in $CLUSTER_DIR"
	server_start "$CLUSTER_DIR" data "$PGPORT" "-c max_worker_processes=8 ${EXTRA_SERVER_OPTS:-}"
}

# Stops the cluster and removes its folder, whatever happened before.
cluster_stop() {
	[ -n "${CLUSTER_DIR:-}" ] && [ -d "$CLUSTER_DIR" ] || return 0
	server_stop "$CLUSTER_DIR" data
	rm -rf "$CLUSTER_DIR"
	CLUSTER_DIR=""
}

# server_start DIR NAME PORT [OPTIONS]: a new cluster in DIR/NAME, started as
# RUN_AS on a Unix socket in DIR (no TCP); logs in DIR/NAME.initdb.log and
# DIR/NAME.log, printed if it fails.  POSTGRES_WRAPPER, when set, is the
# program pg_ctl starts instead of postgres (make stress runs it under valgrind).
server_start() {
	local dir=$1 name=$2 port=$3 opts=${4:-}
	# from a folder RUN_AS may enter: the server tools complain about one it cannot
	(
		cd "$dir" || exit 1
		$RUN_AS $PG_BIN/initdb -D "$dir/$name" -U "$PGUSER" --no-sync -E UTF8 --locale=C.UTF-8 >"$dir/$name.initdb.log" 2>&1 \
			|| { cat "$dir/$name.initdb.log"; exit 1; }
		$RUN_AS $PG_BIN/pg_ctl -D "$dir/$name" -l "$dir/$name.log" -w -t 600 ${POSTGRES_WRAPPER:+-p "$POSTGRES_WRAPPER"} start \
			-o "-c listen_addresses='' -k $dir -p $port -c fsync=off $opts" >/dev/null \
			|| { cat "$dir/$name.log"; exit 1; }
	)
}

# server_stop DIR NAME: stops that cluster at once, if it runs.
server_stop() {
	(cd / && $RUN_AS $PG_BIN/pg_ctl -D "$1/$2" -m immediate stop >/dev/null 2>&1) || true
}

# installcheck_counts FILE STATUS: "passed failed" of one make installcheck
# run whose output is in FILE and exit status STATUS.  pg_regress prints
# "test NAME ... ok" up to PostgreSQL 16 and "ok N - NAME" from 17; a run
# that cannot start prints no FAILED line, so its exit status counts.
installcheck_counts() {
	local p f
	p=$(grep -cE '^(ok|test) .*\.\.\. ok|^ok ' "$1"); f=$(grep -cE '\.\.\. FAILED|^not ok ' "$1")
	[ "$2" -ne 0 ] && [ "$f" -eq 0 ] && f=1
	echo "$p $f"
}

# psql quietly, stopping at the first error.
q() {
	$PG_BIN/psql -X -q -v ON_ERROR_STOP=1 "$@"
}

# copy_tree DEST [as_root]: this source tree into DEST (extracted as root
# when asked), without git data, build outputs or results: objects built for
# another server must never be linked, and results are not sources.
copy_tree() {
	local -a extract=(tar -C "$1" -xf -)
	[ "${2:-}" = as_root ] && extract=(as_root "${extract[@]}")
	tar --exclude=./.git --exclude=./dist --exclude=./results --exclude=./output_iso --exclude=./tmp_check \
		--exclude=./log --exclude=./bench/results --exclude=./stress/results \
		--exclude='*.o' --exclude='*.so' --exclude='*.bc' -cf - . | "${extract[@]}"
}

# check STATUS DESCRIPTION: one TAP line for the shell tests, numbered in
# order; returns STATUS so a failure can print its evidence after it.
check() {
	TAP_COUNT=$((${TAP_COUNT:-0} + 1))
	if [ "$1" -eq 0 ]; then echo "ok $TAP_COUNT - $2"; else echo "not ok $TAP_COUNT - $2"; fi
	return "$1"
}
