#!/usr/bin/env bash
# make deb: the Debian package of the extension for each PostgreSQL version
# the system has (debian/pgversions), built by dpkg-buildpackage with
# pg_buildext in a copy of the tree; the packages land in dist/.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/lib.sh

ensure_packages build-essential debhelper postgresql-server-dev-all dpkg-dev
work=$(mktemp -d /tmp/push_actions_deb.XXXXXX)
trap 'rm -rf "$work"' EXIT
chmod 755 "$work"  # the test server (user postgres) reads the package tree in it
mkdir "$work/push-actions"
copy_tree "$work/push-actions"
make -s -C "$work/push-actions" PG_CONFIG=$PG_BIN/pg_config clean >/dev/null
# a package left by an earlier build must not pass for this one
mkdir -p dist
rm -f dist/*.deb
echo "== dpkg-buildpackage in $work (log: dist/build.log)"
(cd "$work/push-actions" && dpkg-buildpackage -us -uc -b) >dist/build.log 2>&1 \
	|| { tail -60 dist/build.log; exit 1; }
mv "$work"/*.deb dist/
ls -1 dist/*.deb
