/*
 * kept_times.c
 *	  The hourly series (kept_times.h) checked against and made again from
 *	  the live actions and what the deleted ones left: the queries that
 *	  verify_time_buckets() and rebuild_time_buckets() run, written beside
 *	  the contributions they recompute.
 */
#include "postgres.h"

#include <limits.h>

#include "catalog/namespace.h"
#include "catalog/pg_type.h"
#include "executor/spi.h"
#include "fmgr.h"
#include "utils/builtins.h"
#include "utils/syscache.h"
#include "utils/timestamp.h"

#include "delivery_summary.h"
#include "kept_times.h"
#include "latency_sketch.h"
#include "plan_cache.h"
#include "push_status.h"
#include "time_moments.h"
#include "trigger_columns.h"

#define LIVE_ROWS "SELECT " TIME_SOURCE_COLUMNS("a") ", 1 AS sign FROM push_actions.actions a"

/* The deleted rows' part of each bucket, its stripes merged. */
#define DELETED_SUMS \
	"deleted AS (SELECT s.app_id, s.per_campaign, s.campaign_id, s.hour, s.platform, delivery_summary(s.reached) AS reached," \
	"   latency_sketch(s.sent_latency) AS sent_latency, latency_sketch(s.delivered_latency) AS delivered_latency," \
	"   latency_sketch(s.opened_latency) AS opened_latency" \
	"  FROM push_actions_internal.time_buckets_deleted s GROUP BY 1, 2, 3, 4, 5)"

/* Per bucket: what the live actions contribute (live), what the buckets hold (held) and what deletes left (deleted). */
#define BOTH_SIDES \
	"WITH " TIME_DELTA_CTES(LIVE_ROWS, TIME_ADDED_SUMS) "," \
	" live AS (SELECT d.app_id, d.per_campaign, d.campaign_id, d.hour, d.platform, d.plus AS reached," \
	"   d.sent_plus AS sent, d.delivered_plus AS delivered, d.opened_plus AS opened FROM time_deltas d)," \
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
	"WITH " TIME_DELTA_CTES(LIVE_ROWS, TIME_ADDED_SUMS) "," \
	" live AS (SELECT d.app_id, d.per_campaign, d.campaign_id, d.hour, d.platform, d.plus AS reached," \
	"   d.sent_plus AS sent, d.delivered_plus AS delivered, d.opened_plus AS opened FROM time_deltas d)," \
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

/* --- the trigger's short way: one action updated --- */

/*
 * One status an action reached: its hour, for a step its latency's bin
 * (NO_BIN without one), and whether the new row has it (+1) or the old (-1).
 */
#define NO_BIN INT_MIN
#define MAX_ITEMS TIME_ROWS_MAX	/* so an hour per item fits too */

typedef struct TimeItem
{
	TimestampTz hour;
	PushStatus	status;
	int			bin;
	int			sign;
} TimeItem;

static TimestampTz
hour_of(TimestampTz t)
{
	int64		into = t % USECS_PER_HOUR;

	/* date_bin's hours, from PostgreSQL's epoch (2000-01-01 00:00 UTC) */
	if (into < 0)
		into += USECS_PER_HOUR;
	return t - into;
}

/* What one row contributes (TIME_SUMS's rules, for a row in C); returns the items added. */
static int
row_items(TupleDesc desc, TupleTableSlot *row, int sign, TimeItem *items)
{
	bool		isnull;
	PushStatus	status = DatumGetPushStatus(trigger_value(desc, row, "status", &isnull));
	int			attempts = DatumGetInt16(trigger_value(desc, row, "attempts", &isnull));
	TimestampTz create_time = DatumGetTimestampTz(trigger_value(desc, row, "create_time", &isnull));
	TimestampTz updated_at = DatumGetTimestampTz(trigger_value(desc, row, "updated_at", &isnull));
	TimestampTz moments[MOMENT_STEPS];
	bool		has[MOMENT_STEPS];
	int			n = 0;
	static const PushStatus step_status[MOMENT_STEPS] = {PS_ATTEMPTED, PS_SENT, PS_DELIVERED, PS_OPENED};

	items[n++] = (TimeItem) {hour_of(create_time), PS_SCHEDULED, NO_BIN, sign};
	for (int step = 0; step < MOMENT_STEPS; step++)
	{
		Datum		stored = trigger_value(desc, row, moment_columns[step], &isnull);

		has[step] = moment_of(step, status, attempts, create_time, updated_at,
							  isnull, isnull ? 0 : DatumGetTimestampTz(stored), &moments[step]);
		if (!has[step])
			continue;
		items[n++] = (TimeItem) {
			hour_of(moments[step]), step_status[step],
			step == STEP_ATTEMPTED || !has[STEP_ATTEMPTED] ? NO_BIN :
			latency_sketch_bin(Max(0, moments[step] - moments[STEP_ATTEMPTED]) / (double) USECS_PER_SEC),
			sign
		};
	}
	if (push_status_is_ending(status))
		items[n++] = (TimeItem) {hour_of(updated_at), status, NO_BIN, sign};
	Assert(n <= MAX_ITEMS / 2);
	return n;
}

static Oid
extension_type(const char *name)
{
	return GetSysCacheOid2(TYPENAMENSP, Anum_pg_type_oid, CStringGetDatum(name),
						   ObjectIdGetDatum(get_namespace_oid("push_actions", false)));
}

void
time_row_types(Oid *types)
{
	Oid			summary = extension_type("delivery_summary");
	Oid			sketch = extension_type("latency_sketch");

	types[0] = TIMESTAMPTZOID;
	types[1] = TEXTOID;
	types[2] = types[3] = summary;
	for (int p = 4; p < TIME_ROW_PARAMS; p++)
		types[p] = sketch;
}

/* A sketch of one latency's bin. */
static Datum
one_latency(int bin)
{
	int64		one = 1;

	if (bin < LATENCY_SKETCH_MIN_BIN)
		return PointerGetDatum(latency_sketch_compact(1, 0, NULL, 0));
	return PointerGetDatum(latency_sketch_compact(0, bin, &one, 1));
}

int
time_rows_of_update(TupleDesc desc, TupleTableSlot *old_row, TupleTableSlot *new_row, TimeRow *rows)
{
	TimeItem	items[MAX_ITEMS];
	int			n = row_items(desc, old_row, -1, items);
	int			total = n + row_items(desc, new_row, 1, items + n);
	int			made = 0;
	bool		isnull;

	/* what both rows contribute cancels out */
	for (int i = n; i < total; i++)
		for (int j = 0; j < n; j++)
			if (items[j].sign != 0 && items[i].sign != 0 && items[i].hour == items[j].hour &&
				items[i].status == items[j].status && items[i].bin == items[j].bin)
				items[i].sign = items[j].sign = 0;

	/* the rest, a row of parameters per hour */
	for (int i = 0; i < total; i++)
	{
		TimeRow    *row = &rows[made];
		DeliverySummary *counts[2];
		TimestampTz hour = items[i].hour;

		if (items[i].sign == 0)
			continue;
		Assert(made < TIME_ROWS_MAX);
		memset(row->nulls, 'n', sizeof(row->nulls));
		counts[0] = palloc0(sizeof(DeliverySummary));	/* plus */
		counts[1] = palloc0(sizeof(DeliverySummary));	/* minus */
		for (int j = i; j < total; j++)
		{
			int			side;

			if (items[j].sign == 0 || items[j].hour != hour)
				continue;
			side = items[j].sign > 0 ? 0 : 1;
			counts[side]->counts[items[j].status]++;
			if (items[j].bin != NO_BIN)
			{
				/* sent, delivered, opened: one latency each per row */
				int			p = 4 + 3 * side + (items[j].status - PS_SENT);

				Assert(items[j].status >= PS_SENT && items[j].status <= PS_OPENED && row->nulls[p] == 'n');
				row->values[p] = one_latency(items[j].bin);
				row->nulls[p] = ' ';
			}
			items[j].sign = 0;
		}
		row->values[0] = TimestampTzGetDatum(hour);
		row->values[1] = trigger_value(desc, new_row, "platform", &isnull);
		row->values[2] = DeliverySummaryPGetDatum(counts[0]);
		row->values[3] = DeliverySummaryPGetDatum(counts[1]);
		row->nulls[0] = row->nulls[1] = row->nulls[2] = row->nulls[3] = ' ';
		made++;
	}
	return made;
}

void
keep_time_rows(TupleDesc desc, TupleTableSlot *new_row, const TimeRow *rows, int n)
{
	/* $3 to $6 are the stripe's, which this statement alone does not use */
	Oid			types[TIME_ROW_FIRST - 1 + TIME_ROW_PARAMS] = {INT8OID, INT8OID, INT4OID, INT4OID, INT4OID, INT4OID};
	Datum		values[TIME_ROW_FIRST - 1 + TIME_ROW_PARAMS] = {0};
	char		nulls[TIME_ROW_FIRST - 1 + TIME_ROW_PARAMS] = {' ', ' ', 'n', 'n', 'n', 'n'};
	bool		isnull;

	time_row_types(types + TIME_ROW_FIRST - 1);
	values[0] = trigger_value(desc, new_row, "app_id", &isnull);
	values[1] = trigger_value(desc, new_row, "campaign_id", &isnull);
	nulls[1] = isnull ? 'n' : ' ';
	for (int i = 0; i < n; i++)
	{
		memcpy(values + TIME_ROW_FIRST - 1, rows[i].values, sizeof(rows[i].values));
		memcpy(nulls + TIME_ROW_FIRST - 1, rows[i].nulls, sizeof(rows[i].nulls));
		if (SPI_execute_plan(plan_cache_get(TIME_ROW_UPSERT, lengthof(types), types), values, nulls, false, 0)
			!= SPI_OK_INSERT)
			elog(ERROR, "keep_rollups: keeping the hourly series failed");
	}
}
