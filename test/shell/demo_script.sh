#!/usr/bin/env bash
# What make demo shows runs cleanly: scripts/demo.sql against the demo's
# sample on the test cluster, with the one refusal it shows on purpose as its
# only error, and the answers it is there to show.  TAP output.
set -uo pipefail
cd "$(dirname "$0")/../.."
. scripts/lib.sh

echo "1..3"
q -d postgres -c "DROP DATABASE IF EXISTS pa_demo" -c "CREATE DATABASE pa_demo" >/dev/null 2>&1
q -d pa_demo -c "CREATE EXTENSION push_actions" -f test/data/demo_sample.sql >/dev/null 2>&1
out=$($PG_BIN/psql -X -d pa_demo -f scripts/demo.sql 2>&1)
status=$?
q -d postgres -c "DROP DATABASE pa_demo" >/dev/null 2>&1

errors=$(echo "$out" | grep -iE '^psql:|error:' | grep -v 'cannot go from bounced to delivered')
[ "$status" -eq 0 ] && [ -z "$errors" ]
check $? "scripts/demo.sql runs to its end with no error but the refused transition it shows" \
	|| echo "$errors" | sed 's/^/# /'
echo "$out" | grep -q '"code": 200' && echo "$out" | grep -q '"pending_count"'
check $? "it shows the listing's and push_info's answers"
echo "$out" | grep -q '"recorded": true' && echo "$out" | grep -q '"code": "REFUSED"'
check $? "it shows a verified device-reported open and a forged report refused" \
	|| echo "$out" | sed -n '/device-reported open/,/campaign_overview/p' | sed 's/^/# /'
