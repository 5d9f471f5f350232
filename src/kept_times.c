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

/* The latencies held without the deleted ones' (NULL when none, or when more leave than are held). */
#define HELD_LIVE(step) \
	"CASE WHEN x." step "_latency IS NULL THEN h." step \
	" WHEN h." step " IS NOT NULL AND pg_catalog.duration_count(h." step ") >= pg_catalog.duration_count(x." step "_latency)" \
	" THEN nullif(push_actions_internal.latency_sketch_minus(h." step ", x." step "_latency), 'v1 zero:0'::push_actions.latency_sketch) END"

/*
 * Buckets whose part for the live actions (all they hold, less the deleted
 * rows' part) differs from what the live actions contribute, both sides in
 * text forms; or that hold a negative count.
 */
#define CHECK_SQL \
	BOTH_SIDES ", kept AS (" \
	" SELECT h.app_id, h.per_campaign, h.campaign_id, h.hour, h.platform," \
	"  h.reached AS all_reached," \
	"  x.reached AS deleted_reached," \
	"  " HELD_LIVE("sent") " AS sent, " HELD_LIVE("delivered") " AS delivered, " HELD_LIVE("opened") " AS opened" \
	" FROM held h LEFT JOIN deleted x ON " BUCKET_JOIN("x", "h") ")" \
	" SELECT coalesce(k.app_id, l.app_id), coalesce(k.per_campaign, l.per_campaign), coalesce(k.campaign_id, l.campaign_id)," \
	"  coalesce(k.hour, l.hour), coalesce(k.platform, l.platform)::text," \
	"  CASE WHEN k.app_id IS NULL THEN 'missing' WHEN l.app_id IS NULL THEN 'extra' ELSE 'different' END," \
	"  jsonb_build_object('reached', CASE WHEN k.deleted_reached IS NULL THEN k.all_reached" \
	"    ELSE push_actions.delivery_summary_minus(k.all_reached, k.deleted_reached) END::jsonb," \
	"   'sent', k.sent::text, 'delivered', k.delivered::text, 'opened', k.opened::text)," \
	"  jsonb_build_object('reached', l.reached::jsonb, 'sent', l.sent::text, 'delivered', l.delivered::text, 'opened', l.opened::text)" \
	" FROM kept k FULL JOIN live l ON " BUCKET_JOIN("k", "l") \
	" WHERE (k.app_id IS NULL OR l.app_id IS NULL OR" \
	"   (CASE WHEN k.deleted_reached IS NULL THEN k.all_reached" \
	"     ELSE push_actions.delivery_summary_minus(k.all_reached, k.deleted_reached) END," \
	"    k.sent::text, k.delivered::text, k.opened::text)" \
	"   IS DISTINCT FROM (l.reached, l.sent::text, l.delivered::text, l.opened::text))" \
	"  AND NOT (l.app_id IS NULL AND pg_catalog.total(CASE WHEN k.deleted_reached IS NULL THEN k.all_reached" \
	"    ELSE push_actions.delivery_summary_minus(k.all_reached, k.deleted_reached) END) = 0" \
	"   AND k.sent IS NULL AND k.delivered IS NULL AND k.opened IS NULL)" \
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
#define REBUILT(step) \
	"coalesce(l." step " OPERATOR(pg_catalog.+) x." step "_latency, l." step ", x." step "_latency)"

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
