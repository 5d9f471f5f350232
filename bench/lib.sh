# What the benchmark's scripts share (run.sh, kept.sh, citus.sh and the two
# reports): sourced, not run.  Measurements are lines of
# "key<TAB>value<TAB>unit<TAB>...", appended to the file $TSV names.

section() { echo "== $1 (at ${SECONDS} s)"; }
record() { printf '%s\t%s\t%s\t%s\t%s\n' "$1" "$2" "${3:-}" "${4:-}" "${5:-}" >>"$TSV"; }
value() { awk -F'\t' -v k="$1" '$1 == k { print $2 }' "$TSV"; }

# the numbers on standard input: "median min max" ("NaN NaN NaN" for none)
median_min_max() { sort -n | awk '{ a[NR] = $1 } END { if (NR == 0) { print "NaN NaN NaN"; exit } print a[int((NR + 1) / 2)], a[1], a[NR] }'; }
median() { median_min_max | cut -d' ' -f1; }

# a / b to two places, or n/a unless both are numbers and b is not 0
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { n = "^[0-9]+([.][0-9]*)?$"
	if (a !~ n || b !~ n || b + 0 == 0) print "n/a"; else printf "%.2f", a / b }'; }
