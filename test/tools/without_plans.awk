# Prints a pg_regress output file with every query plan replaced by one
# "<plan>" line: the result of EXPLAIN, or of explain_push_devices, from its
# column header to its "(N rows)" line.  Used to check that a server
# version's alternative expected file differs from the main one in plans
# alone.
/^ +(QUERY PLAN|explain_push_devices|line|plan_lines) *$/ { in_plan = 1; print "<plan>"; next }
in_plan && /^\([0-9]+ rows?\)$/ { in_plan = 0; next }
!in_plan { print }
