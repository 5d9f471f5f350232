/*
 * kept_times.c
 *	  The hourly series (kept_times.h) checked against and made again from
 *	  the live actions and what the deleted ones left: the queries that
 *	  verify_time_buckets() and rebuild_time_buckets() run, written beside
 *	  the contributions they recompute.
 */
#include "postgres.h"

#include "fmgr.h"
#include "utils/builtins.h"

#include "kept_times.h"

const char *const time_source_columns[TIME_SOURCE_COUNT] = {
	"app_id", "campaign_id", "platform", "status", "attempts", "create_time",
	"updated_at", "attempted_at", "sent_at", "delivered_at", "opened_at"
};

#define LIVE_ROWS "SELECT " TIME_SOURCE_COLUMNS("a") ", 1 AS sign FROM push_actions.actions a"

/* The deleted rows' part of each bucket, its stripes merged. */
#define DELETED_SUMS \
	"deleted AS (SELECT s.app_id, s.per_campaign, s.campaign_id, s.hour, s.platform, delivery_summary(s.reached) AS reached," \
	"   latency_sketch(s.sent_latency) AS sent_latency, latency_sketch(s.delivered_latency) AS delivered_latency," \
	"   latency_sketch(s.opened_latency) AS opened_latency" \
	"  FROM push_actions_internal.time_buckets_deleted s GROUP BY 1, 2, 3, 4, 5)"

/* Per bucket: what the live actions contribute (live), what the buckets hold (held) and what deletes left (deleted). */
#define BOTH_SIDES \
	"WITH time_contributions AS NOT MATERIALIZED (" TIME_CONTRIBUTIONS(LIVE_ROWS) ")," \
	" live AS (SELECT d.app_id, d.per_campaign, d.campaign_id, d.hour, d.platform, d.plus AS reached," \
	"   d.sent_plus AS sent, d.delivered_plus AS delivered, d.opened_plus AS opened FROM (" TIME_DELTAS ") d)," \
	" held AS (SELECT h.app_id, h.per_campaign, h.campaign_id, h.hour, h.platform, h.r AS reached," \
	"   h.s AS sent, h.d AS delivered, h.o AS opened FROM push_actions_internal.time_bucket_sums h), " DELETED_SUMS
#define BUCKET_JOIN(a, b) \
	a ".app_id = " b ".app_id AND " a ".per_campaign = " b ".per_campaign" \
	" AND " a ".campaign_id IS NOT DISTINCT FROM " b ".campaign_id AND " a ".hour = " b ".hour AND " a ".platform = " b ".platform"

/* A sum that NULL leaves as it is. */
#define PLUS(a, b) "coalesce(" a " OPERATOR(pg_catalog.+) " b ", " a ", " b ")"
#define SIDE_JSON(r, s, d, o) \
	"jsonb_build_object('reached', (" r ")::jsonb, 'sent', (" s ")::text, 'delivered', (" d ")::text, 'opened', (" o ")::text)"

/*
 * Buckets that do not hold what the live actions contribute plus what the
 * deleted ones left (sums only: a check that never fails to subtract), both
 * sides in text forms; a bucket held empty and recomputed as nothing is in
 * step.
 */
#define CHECK_SQL \
	BOTH_SIDES ", expected AS (" \
	" SELECT coalesce(l.app_id, x.app_id) AS app_id, coalesce(l.per_campaign, x.per_campaign) AS per_campaign," \
	"  coalesce(l.campaign_id, x.campaign_id) AS campaign_id, coalesce(l.hour, x.hour) AS hour," \
	"  coalesce(l.platform, x.platform) AS platform," \
	"  " PLUS("l.reached", "x.reached") " AS reached, " PLUS("l.sent", "x.sent_latency") " AS sent," \
	"  " PLUS("l.delivered", "x.delivered_latency") " AS delivered, " PLUS("l.opened", "x.opened_latency") " AS opened" \
	" FROM live l FULL JOIN deleted x ON " BUCKET_JOIN("x", "l") ")" \
	" SELECT coalesce(h.app_id, e.app_id), coalesce(h.per_campaign, e.per_campaign), coalesce(h.campaign_id, e.campaign_id)," \
	"  coalesce(h.hour, e.hour), coalesce(h.platform, e.platform)::text," \
	"  CASE WHEN h.app_id IS NULL THEN 'missing' WHEN e.app_id IS NULL THEN 'extra' ELSE 'different' END," \
	"  CASE WHEN h.app_id IS NOT NULL THEN " SIDE_JSON("h.reached", "h.sent", "h.delivered", "h.opened") " END," \
	"  CASE WHEN e.app_id IS NOT NULL THEN " SIDE_JSON("e.reached", "e.sent", "e.delivered", "e.opened") " END" \
	" FROM held h FULL JOIN expected e ON " BUCKET_JOIN("h", "e") \
	" WHERE (h.reached, h.sent::text, h.delivered::text, h.opened::text)" \
	"   IS DISTINCT FROM (e.reached, e.sent::text, e.delivered::text, e.opened::text)" \
	"  AND NOT (e.app_id IS NULL AND pg_catalog.total(h.reached) = 0" \
	"   AND h.sent IS NULL AND h.delivered IS NULL AND h.opened IS NULL)" \
	" ORDER BY 1, 2, 3, 4, 5"

/*
 * The buckets made again: for each, in stripe 0, the live actions'
 * contributions and the deleted rows' part.
 */
#define REBUILD_SQL \
	"WITH time_contributions AS NOT MATERIALIZED (" TIME_CONTRIBUTIONS(LIVE_ROWS) ")," \
	" live AS (SELECT d.app_id, d.per_campaign, d.campaign_id, d.hour, d.platform, d.plus AS reached," \
	"   d.sent_plus AS sent, d.delivered_plus AS delivered, d.opened_plus AS opened FROM (" TIME_DELTAS ") d)," \
	" " DELETED_SUMS "," \
	" cleared AS (DELETE FROM push_actions_internal.time_buckets)" \
	" INSERT INTO push_actions_internal.time_buckets (" TIME_BUCKET_KEY ", stripe, reached, reached_removed," \
	"  sent_latency, delivered_latency, opened_latency)" \
	" SELECT coalesce(l.app_id, x.app_id), coalesce(l.per_campaign, x.per_campaign), coalesce(l.campaign_id, x.campaign_id)," \
	"  coalesce(l.hour, x.hour), coalesce(l.platform, x.platform), 0," \
	"  coalesce(l.reached, '{}') OPERATOR(pg_catalog.+) coalesce(x.reached, '{}'), '{}'," \
	"  " REBUILT("sent") ", " REBUILT("delivered") ", " REBUILT("opened") \
	" FROM live l FULL JOIN deleted x ON " BUCKET_JOIN("x", "l")
#define REBUILT(step) PLUS("l." step, "x." step "_latency")

/*
 * push_actions_internal.time_buckets_query(purpose text) -> text: the query
 * verify_time_buckets() ('check') or rebuild_time_buckets() ('rebuild') runs.
 */
PG_FUNCTION_INFO_V1(time_buckets_query);
Datum
time_buckets_query(PG_FUNCTION_ARGS)
{
	const char *purpose = text_to_cstring(PG_GETARG_TEXT_PP(0));

	if (strcmp(purpose, "check") == 0)
		PG_RETURN_TEXT_P(cstring_to_text(CHECK_SQL));
	if (strcmp(purpose, "rebuild") == 0)
		PG_RETURN_TEXT_P(cstring_to_text(REBUILD_SQL));
	ereport(ERROR,
			(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
			 errmsg("no time buckets query for \"%s\"", purpose),
			 errhint("The purposes are check and rebuild.")));
	PG_RETURN_NULL();
}
