#!/usr/bin/env bash
# Where a newer PostgreSQL plans a query differently, pg_regress compares
# with an alternative expected file (expected/NAME_N.out).  Answers never
# differ between versions: each alternative must equal its main file once
# every query plan is set aside.  TAP output.
set -uo pipefail
cd "$(dirname "$0")/../.."
. scripts/lib.sh

alternatives=$(ls expected/*_[0-9].out 2>/dev/null)
echo "1..$(( $(echo "$alternatives" | grep -c .) + 1 ))"
for alt in $alternatives; do
	main=${alt%_[0-9].out}.out
	out=$(diff <(awk -f test/tools/without_plans.awk "$main") <(awk -f test/tools/without_plans.awk "$alt"))
	check $? "$alt differs from $main in query plans only" || echo "$out" | head -20 | sed 's/^/# /'
done

# the check must see a difference outside a plan
tmp=$(mktemp)
sed '0,/^ t$/s// f/' expected/listing_index.out >"$tmp"  # the first true answer turns false
! diff -q <(awk -f test/tools/without_plans.awk expected/listing_index.out) <(awk -f test/tools/without_plans.awk "$tmp") >/dev/null
check $? "a changed answer is not taken for a plan"
rm -f "$tmp"
