# make bench, section 11 (sourced by bench/run.sh, whose functions it uses):
# apps per role.  The same calls as the owner and as a role limited to app 1
# (grant_app), side by side in one pgbench run, each script switching to its
# role around the call (SET ROLE costs both sides alike): the views, the
# listing and record_attempt.  The scripts are bench/queries/roles_*, whose
# @role@ this file replaces.
ROLES=$BENCH_QUERIES/roles_

section "11. apps per role: a role limited to app 1 against the owner"
owner=$(q -At -c "SELECT current_user")
q -c "CREATE ROLE bench_app1; CREATE ROLE bench_app2" \
  -c "GRANT USAGE ON SCHEMA push_actions TO bench_app1, bench_app2" \
  -c "GRANT SELECT, INSERT, UPDATE, DELETE ON push_actions.apps, push_actions.pushes, push_actions.actions, push_actions.daily_rollups TO bench_app1, bench_app2" \
  -c "GRANT SELECT ON push_actions.campaign_overview, push_actions.message_status, push_actions.push_devices TO bench_app1, bench_app2" \
  -c "SELECT push_actions.grant_app('bench_app1', 1), push_actions.grant_app('bench_app2', 2)" >/dev/null
for what in overview message listing attempt; do
	sed "s/@role@/$owner/g" "${ROLES}$what.sql" >"$WORK/roles_${what}_owner.sql"
	sed "s/@role@/bench_app1/g" "${ROLES}$what.sql" >"$WORK/roles_${what}_limited.sql"
done
read -r app campaign <<<"$(q -At -F ' ' -c "SELECT app_id, campaign_id FROM actions WHERE app_id = 1 AND campaign_id IS NOT NULL GROUP BY 1, 2 ORDER BY count(*) DESC LIMIT 1")"
push=$(q -At -c "SELECT push_id FROM push_actions_internal.messages WHERE app_id = 1 GROUP BY 1 HAVING count(*) BETWEEN 3 AND 10 LIMIT 1")
# the same answers, or the comparison means nothing
for what in overview message listing; do
	a=$(sed '/^\\set/d; s/:c\b/1001/g' "$WORK/roles_${what}_owner.sql" | q -At -v app="$app" -v campaign="$campaign" -v push="'$push'")
	b=$(sed '/^\\set/d; s/:c\b/1001/g' "$WORK/roles_${what}_limited.sql" | q -At -v app="$app" -v campaign="$campaign" -v push="'$push'")
	record "11. $what: the limited role gets the owner's answer" "$([ -n "$a" ] && [ "$a" = "$b" ] && echo t || echo f)" bool
done
PGBENCH_DEFS="-D app=$app -D campaign=$campaign -D push=$push" \
	latencies "11. campaign_overview, largest campaign, limited role" "$WORK/roles_overview_limited.sql" \
	"11. campaign_overview, largest campaign, owner" "$WORK/roles_overview_owner.sql"
PGBENCH_DEFS="-D push=$push" \
	latencies "11. message_status, one push, limited role" "$WORK/roles_message_limited.sql" \
	"11. message_status, one push, owner" "$WORK/roles_message_owner.sql"
latencies "11. list_push_devices, seed request, limited role" "$WORK/roles_listing_limited.sql" \
	"11. list_push_devices, seed request, owner" "$WORK/roles_listing_owner.sql"
pool=b00000000000000000000003
read -r lo hi <<<"$(attempt_pool $pool 998)"
PGBENCH_DEFS="-D lo=$lo -D hi=$hi" \
	latencies "11. record_attempt, limited role" "$WORK/roles_attempt_limited.sql" \
	"11. record_attempt, owner" "$WORK/roles_attempt_owner.sql"
record "11. kept roll-ups agree after the limited role's writes" "$(q -At -c "SELECT count(*) = 0 FROM push_actions.verify_rollups() WHERE app_id = 1 AND campaign_id = 998")" bool
q -c "DELETE FROM pushes WHERE push_id = '$pool'" \
  -c "SELECT push_actions.revoke_app('bench_app1') + push_actions.revoke_app('bench_app2')" \
  -c "DROP OWNED BY bench_app1, bench_app2" -c "DROP ROLE bench_app1, bench_app2" -c "VACUUM ANALYZE" >/dev/null
