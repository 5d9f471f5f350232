#!/usr/bin/env bash
# make demo: a throwaway server with the sample data, then what the API answers.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/lib.sh
pg_is_native || exec bash scripts/in_debian_system.sh demo

ensure_deps
build_install
cluster_start
q -d postgres -c "CREATE DATABASE demo"
q -d demo -c "ALTER DATABASE demo SET search_path = public, push_actions"
q -d demo -c "CREATE EXTENSION push_actions"
q -d demo -f test/data/seed_245624.sql >/dev/null
q -d demo -f test/data/multi_device.sql >/dev/null
q -d demo -f test/data/seed_pushy.sql >/dev/null
echo "== sample loaded: the seed's campaign 245624 (app 1, token YOUR_APPTOKEN), campaign 777 (people with several devices), another app"
echo
$PG_BIN/psql -X -d demo -v ON_ERROR_STOP=1 -f scripts/demo.sql
