/*
 * kept_statement.c
 *	  The general way of keeping the roll-ups, for any statement: keeps each
 *	  message's roll-up (push_actions_internal.messages) and each campaign's
 *	  (push_actions_internal.campaign_stripes) in step with the actions
 *	  written, so that message_status and campaign_overview never regroup the
 *	  live actions (sql/src/kept_tables.sql has the tables and why).
 *
 * One pass per statement over its transition tables: the changed rows are
 * grouped into a delta per message (what it gains, what it loses), applied
 * with one upsert in key order, and the messages whose rolled-up status moved
 * are counted into the campaign's stripe of this backend.  Only a statement
 * that takes rows out of a message (a delete, or an update of a message's key
 * or first times) needs a second statement, to drop messages left empty and
 * re-read the first times of the others.  One action updated within its
 * message takes a shorter way (kept_row.c).
 *
 * The texts are composed here, at compile time, so that the three events
 * share every line but the source of their rows.  Plans are saved (plan_cache.c);
 * since a plan made for one changed row would be quadratic for a million,
 * small and large statements keep separate plans.
 */
#include "postgres.h"

#include "commands/trigger.h"
#include "executor/spi.h"

#include "kept_shards.h"
#include "kept_statement.h"
#include "kept_stripes.h"
#include "kept_times.h"
#include "kept_tokens.h"
#include "plan_cache.h"

/* Statements up to this many rows share the plan made for small ones. */
#define SMALL_STATEMENT_ROWS 1000

/*
 * The rows a statement changed, with what they do to their message: added
 * rows count in, removed rows count out (an update does both).
 */
#define CHANGED_COLUMNS "r.app_id, r.push_id, r.campaign_id, r.profile_id, r.device_id, r.create_time, r.status, r.attempts"
#define ADDED_ROWS		"SELECT " CHANGED_COLUMNS ", true AS added FROM new_rows r"
#define REMOVED_ROWS	"SELECT " CHANGED_COLUMNS ", false AS added FROM old_rows r"

/*
 * The rows that take away from their message more than counts: removed, or
 * updated in a way that changes the message they belong to, its first
 * action's time, or whether they were attempted.  Those messages may be left
 * empty, or with first times that only a re-read can tell.
 */
#define NO_ROWS_GONE	"SELECT r.* FROM new_rows r WHERE false"
#define ALL_ROWS_GONE	"SELECT r.* FROM old_rows r"
#define CHANGED_ROWS_GONE \
	"SELECT o.* FROM old_rows o WHERE NOT EXISTS (" \
	" SELECT 1 FROM new_rows n WHERE n.action_id = o.action_id AND n.app_id = o.app_id" \
	" AND n.push_id IS NOT DISTINCT FROM o.push_id" \
	" AND n.campaign_id IS NOT DISTINCT FROM o.campaign_id" \
	" AND n.profile_id IS NOT DISTINCT FROM o.profile_id" \
	" AND n.device_id = o.device_id AND n.create_time = o.create_time" \
	" AND (n.status OPERATOR(pg_catalog.<>) 'scheduled' OR o.status OPERATOR(pg_catalog.=) 'scheduled'))"

/*
 * The kept state's rows are written in key order (messages, then stripes), so
 * two statements that share rows wait for each other instead of deadlocking.
 * Returns the messages inserted with something to subtract (there was no
 * kept row for a message that had actions: the state is out of step) and the
 * rows that call for the second statement.  The deltas are grouped by their
 * key first and byte-wise, so one sort (no locale's) serves both.
 */
#define APPLY_SQL(changes, gone, extra, size) \
	"WITH changes AS NOT MATERIALIZED (" changes "), gone AS (" gone ")" extra ", message_deltas AS (" \
	" SELECT c.push_id COLLATE \"C\" AS push_id," \
	"  push_actions_internal.message_person(c.campaign_id, c.profile_id, c.device_id) COLLATE \"C\" AS person," \
	"  c.app_id, c.campaign_id, c.profile_id," \
	"  push_actions_internal.message_device(c.profile_id, c.device_id) AS device_id," \
	"  min(c.create_time) FILTER (WHERE c.added) AS created_at," \
	"  min(c.create_time) FILTER (WHERE c.added AND c.status OPERATOR(pg_catalog.<>) 'scheduled') AS first_attempt_at," \
	"  coalesce(pg_catalog.delivery_summary(c.status, c.attempts) FILTER (WHERE c.added), '{}') AS plus," \
	"  pg_catalog.delivery_summary(c.status, c.attempts) FILTER (WHERE NOT c.added) AS minus" \
	" FROM changes c WHERE c.push_id IS NOT NULL" \
	" GROUP BY 1, 2, 3, 4, 5, 6" \
	"), kept AS (" \
	" INSERT INTO push_actions_internal.messages AS m" \
	"  (app_id, push_id, person, campaign_id, profile_id, device_id, created_at, first_attempt_at, summary, removed)" \
	" SELECT d.app_id, d.push_id, d.person, d.campaign_id, d.profile_id, d.device_id," \
	"  d.created_at, d.first_attempt_at, d.plus, d.minus" \
	" FROM message_deltas d" \
	" WHERE d.minus IS NULL OR d.plus OPERATOR(pg_catalog.<>) d.minus" \
	" ORDER BY d.push_id, d.person, d.app_id" \
	" ON CONFLICT (push_id, person, app_id) DO UPDATE" \
	" SET summary = push_actions_internal.kept_summary_minus(" \
	"      m.summary OPERATOR(pg_catalog.+) excluded.summary, coalesce(excluded.removed, '{}'))," \
	"  removed = NULL," \
	"  previous_status = pg_catalog.status(m.summary)," \
	"  created_at = least(m.created_at, excluded.created_at)," \
	"  first_attempt_at = least(m.first_attempt_at, excluded.first_attempt_at)" \
	" RETURNING m.app_id, m.campaign_id, m.previous_status, pg_catalog.status(m.summary) AS status," \
	"  m.removed IS NOT NULL AS out_of_step, pg_catalog.total(m.summary) = 0 AS emptied" \
	"), message_moves AS (" \
	" SELECT k.app_id, k.campaign_id, k.status AS joined, k.previous_status AS departed" \
	" FROM kept k WHERE k.status IS DISTINCT FROM k.previous_status" \
	" UNION ALL" \
	" SELECT c.app_id, c.campaign_id, CASE WHEN c.added THEN c.status END, CASE WHEN NOT c.added THEN c.status END" \
	" FROM changes c WHERE c.push_id IS NULL" \
	"), stripe_deltas AS (" \
	" SELECT c.app_id, c.campaign_id," \
	"  pg_catalog.delivery_summary(c.status, c.attempts) FILTER (WHERE c.added) AS devices_added," \
	"  pg_catalog.delivery_summary(c.status, c.attempts) FILTER (WHERE NOT c.added) AS devices_removed," \
	"  NULL::push_actions.delivery_summary AS messages_added, NULL::push_actions.delivery_summary AS messages_removed" \
	" FROM changes c GROUP BY 1, 2" \
	" UNION ALL" \
	" SELECT v.app_id, v.campaign_id, NULL, NULL," \
	"  pg_catalog.delivery_summary(v.joined), pg_catalog.delivery_summary(v.departed)" \
	" FROM message_moves v GROUP BY 1, 2" \
	"), striped AS (" \
	STRIPE_INSERT \
	" SELECT t.app_id, t.campaign_id, push_actions_internal.writer_stripe()," \
	"  coalesce(pg_catalog.delivery_summary(t.devices_added), '{}')," \
	"  coalesce(pg_catalog.delivery_summary(t.devices_removed), '{}')," \
	"  coalesce(pg_catalog.delivery_summary(t.messages_added), '{}')," \
	"  coalesce(pg_catalog.delivery_summary(t.messages_removed), '{}')" \
	" FROM stripe_deltas t GROUP BY 1, 2 ORDER BY 1, 2" \
	STRIPE_ON_CONFLICT \
	")" \
	" SELECT (SELECT count(*) FROM kept WHERE out_of_step)," \
	"  (SELECT count(*) FROM kept WHERE emptied) + (SELECT count(*) FROM gone WHERE push_id IS NOT NULL)" \
	" /* " size " */"

/*
 * The second statement: messages some row left are dropped when empty, and
 * the others have their first times read again from their actions (as
 * recomputed_messages reads them, here over the table the trigger fired on).
 */
#define SETTLE_SQL(gone, size) \
	"WITH gone AS (" gone "), touched AS (" \
	" SELECT DISTINCT g.app_id, g.push_id," \
	"  push_actions_internal.message_person(g.campaign_id, g.profile_id, g.device_id) AS person" \
	" FROM gone g WHERE g.push_id IS NOT NULL" \
	"), emptied AS (" \
	" DELETE FROM push_actions_internal.messages m USING touched t" \
	" WHERE m.push_id = t.push_id AND m.person = t.person AND m.app_id = t.app_id" \
	"  AND pg_catalog.total(m.summary) = 0" \
	")" \
	" UPDATE push_actions_internal.messages m" \
	" SET (created_at, first_attempt_at) = (" \
	"  SELECT min(a.create_time), min(a.create_time) FILTER (WHERE a.status OPERATOR(pg_catalog.<>) 'scheduled')" \
	"  FROM push_actions.actions a" \
	"  WHERE a.push_id = m.push_id AND a.app_id = m.app_id" \
	"   AND push_actions_internal.message_person(a.campaign_id, a.profile_id, a.device_id) = m.person COLLATE \"default\")" \
	" FROM touched t" \
	" WHERE m.push_id = t.push_id AND m.person = t.person AND m.app_id = t.app_id" \
	"  AND pg_catalog.total(m.summary) > 0" \
	" /* " size " */"

/*
 * What the statement's rows say about their tokens (kept_tokens.h): every
 * row inserted, every row updated in status or attempts; deleting says
 * nothing, a token's state being its history.
 */
#define TOKENS_KEPT(source) \
	", token_observations AS NOT MATERIALIZED (" TOKEN_OBSERVATIONS(source) ")," \
	" token_kept AS (" TOKEN_UPSERT(TOKEN_STATES) ")"
#define INSERTED_TOKENS \
	TOKENS_KEPT("SELECT " TOKEN_SOURCE_COLUMNS("n", "n.attempts > 0") " FROM new_rows n")
#define UPDATED_TOKENS \
	TOKENS_KEPT("SELECT " TOKEN_SOURCE_COLUMNS("n", "n.attempts > coalesce(o.attempts, 0)") \
				" FROM new_rows n LEFT JOIN old_rows o ON o.action_id = n.action_id AND o.app_id = n.app_id" \
				" WHERE o.action_id IS NULL OR (n.status, n.attempts) IS DISTINCT FROM (o.status, o.attempts)")

/*
 * What the statement's rows contribute to the hourly series (kept_times.h):
 * the new rows' contributions added, the old rows' taken away; deleted
 * rows' kept apart, the series being a history.
 */
#define TIME_ROWS(table, sign) "SELECT " TIME_SOURCE_COLUMNS("r") ", " sign " AS sign FROM " table " r"
#define INSERTED_TIMES TIMES_KEPT(TIME_ROWS("new_rows", "1"), TIME_ADDED_SUMS)
#define UPDATED_TIMES TIMES_KEPT(TIME_ROWS("new_rows", "1") " UNION ALL " TIME_ROWS("old_rows", "-1"), TIME_SIGNED_SUMS)
#define DELETED_TIMES TIMES_DELETED(TIME_ROWS("old_rows", "1"))

#define EVENT_TEXTS(changes, gone, extra) \
	{ \
		{APPLY_SQL(changes, gone, extra, "small"), APPLY_SQL(changes, gone, extra, "large")}, \
		{SETTLE_SQL(gone, "small"), SETTLE_SQL(gone, "large")} \
	}
#define KEPT_TEXTS(inserted, updated, deleted) \
	{ \
		[KEPT_INSERT] = EVENT_TEXTS(ADDED_ROWS, NO_ROWS_GONE, inserted), \
		[KEPT_UPDATE] = EVENT_TEXTS(ADDED_ROWS " UNION ALL " REMOVED_ROWS, CHANGED_ROWS_GONE, updated), \
		[KEPT_DELETE] = EVENT_TEXTS(REMOVED_ROWS, ALL_ROWS_GONE, deleted), \
	}

/* [kept parts][event][apply or settle][small or large] */
static const char *const statements[KEPT_ALL + 1][3][2][2] = {
	/* 1.1's trigger: the roll-ups alone */
	[0] = KEPT_TEXTS("", "", ""),
	[KEPT_TOKENS] = KEPT_TEXTS(INSERTED_TOKENS, UPDATED_TOKENS, ""),
	[KEPT_TIMES] = KEPT_TEXTS(INSERTED_TIMES, UPDATED_TIMES, DELETED_TIMES),
	[KEPT_ALL] = KEPT_TEXTS(INSERTED_TOKENS INSERTED_TIMES, UPDATED_TOKENS UPDATED_TIMES, DELETED_TIMES),
};

/* Runs a statement through the plan cache; returns SPI's result code. */
static int
run_statement(const char *sql)
{
	SPIPlanPtr	plan = plan_cache_get(sql, 0, NULL);

	return SPI_execute_plan(plan, NULL, NULL, false, 0);
}

static int64
result_count(int column)
{
	bool		isnull;
	Datum		d;

	Assert(SPI_processed == 1);
	d = SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, column, &isnull);
	Assert(!isnull);
	return DatumGetInt64(d);
}

void
keep_statement(TriggerData *trigdata, KeptEvent event, uint64 rows, int parts)
{
	int			large = rows > SMALL_STATEMENT_ROWS;
	int64		out_of_step;
	int64		unsettled;
	const char *sql[2];			/* applying the deltas, settling the messages left */

	Assert(event >= KEPT_INSERT && event <= KEPT_DELETE);
	if (SPI_connect() != SPI_OK_CONNECT)
		elog(ERROR, "SPI_connect failed");
	if (SPI_register_trigger_data(trigdata) != SPI_OK_TD_REGISTER)
		elog(ERROR, "SPI_register_trigger_data failed");

	Assert(parts >= 0 && parts <= KEPT_ALL);
	sql[0] = statements[parts][event][0][large];
	sql[1] = statements[parts][event][1][large];
	kept_statements_for(trigdata->tg_relation, sql, lengthof(sql));
	if (run_statement(sql[0]) != SPI_OK_SELECT)
		elog(ERROR, "keep_rollups: applying the deltas failed");
	out_of_step = result_count(1);
	unsettled = result_count(2);
	if (out_of_step > 0)
		report_out_of_step(out_of_step);
	if (unsettled > 0 && run_statement(sql[1]) != SPI_OK_UPDATE)
		elog(ERROR, "keep_rollups: settling the messages left failed");

	SPI_finish();
}
