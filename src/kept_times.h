/*
 * kept_times.h
 *	  The hourly series kept as actions are written
 *	  (push_actions_internal.time_buckets, sql/src/time_tables.sql): per app,
 *	  campaign (and for all the app's campaigns), platform and UTC hour, the
 *	  actions that reached each status in that hour and the latency sketches
 *	  of the ones sent, delivered and opened in it.  Written once here for
 *	  the trigger's two ways (kept_statement.c, kept_row.c) and the check and
 *	  rebuild (kept_times.c).
 *
 * What an action contributes is a function of its row alone: its creation
 * ("scheduled") in its create_time's hour, each step it reached (its
 * moments, time_moments.h) in that moment's hour, with the time since its
 * first attempt for sent, delivered and opened, and the status it ended in
 * (converted, failed, bounced, expired) in its updated_at's hour.  A
 * statement adds what its new rows contribute and takes away what its old
 * rows did; a moment never changes, so latencies leave a bucket only when an
 * update moves the action to another (a platform, a campaign changed).
 * Stripes only grow: what leaves is kept in the *_removed columns.
 *
 * The series are a history: a deleted action (purge, fold_actions,
 * delete_push) still counts where it did.  What deleted rows contributed is
 * kept apart (time_buckets_deleted), so the live actions' part can be
 * checked exactly against a recomputation.
 */
#ifndef KEPT_TIMES_H
#define KEPT_TIMES_H

#include "postgres.h"

#include "access/tupdesc.h"
#include "executor/tuptable.h"

#include "time_moments.h"

/* The columns of a contribution's source rows: an action, then its sign (1 added, -1 taken away). */
#define TIME_SOURCE_COLUMNS(r) \
	r ".app_id, " r ".campaign_id, " r ".platform, " r ".status, " r ".attempts, " r ".create_time, " \
	r ".updated_at, " r ".attempted_at, " r ".sent_at, " r ".delivered_at, " r ".opened_at"

/*
 * The short way (one action updated by a statement): what old_row and
 * new_row change in the series, TIME_SUMS's rules in C, as one upsert's
 * parameters per hour touched (the app's and the campaign's bucket).  The
 * upsert takes $1 (app_id) and $2 (campaign_id) as the campaign stripe's
 * statement does and its own from $7 (TIME_ROW_FIRST) on, so that the first
 * hour's rides in that statement (kept_row.c); keep_time_rows() writes the
 * others, inside SPI.
 */
#define TIME_ROW_FIRST 7
#define TIME_ROW_PARAMS 10
#define TIME_ROWS_MAX (2 * (MOMENT_STEPS + 2))

typedef struct TimeRow
{
	Datum		values[TIME_ROW_PARAMS];
	char		nulls[TIME_ROW_PARAMS];
} TimeRow;

extern void time_row_types(Oid *types);
extern int	time_rows_of_update(TupleDesc desc, TupleTableSlot *old_row, TupleTableSlot *new_row, TimeRow *rows);
extern void keep_time_rows(TupleDesc desc, TupleTableSlot *new_row, const TimeRow *rows, int n);

#define TIME_MOMENT(step) \
	"push_actions_internal.action_moment('" step "', r.status, r.attempts, r.create_time, r.updated_at, r." step "_at)"

/*
 * The source rows with their moments (a CTE named time_source, read once per
 * step below: computing a moment costs less than keeping the rows).
 */
#define TIME_SOURCE(source) \
	"SELECT r.app_id, r.campaign_id, r.platform COLLATE \"C\" AS platform, r.sign, r.status, r.create_time, r.updated_at," \
	"  " TIME_MOMENT("attempted") " AS attempted_at, " TIME_MOMENT("sent") " AS sent_at," \
	"  " TIME_MOMENT("delivered") " AS delivered_at, " TIME_MOMENT("opened") " AS opened_at" \
	" FROM (" source ") r"

/*
 * What the source rows contribute, summed per campaign's bucket
 * (time_campaign_sums): what joins (plus) and what leaves (minus), one
 * grouping per status reached, merged.  Each step is summed in the hour of
 * its moment, so no row is made per status reached.  For sources of added
 * rows alone (ADDED), minus is empty without a filter per row.
 */
#define TIME_HOUR(at) "pg_catalog.date_bin('1 hour', " at ", '2000-01-01 00:00:00+00')"
#define TIME_LATENCY(at) "greatest(t." at " - t.attempted_at, '0'::interval)"
#define SIGNED_COUNTS(st) \
	"delivery_summary(" st ") FILTER (WHERE t.sign > 0), delivery_summary(" st ") FILTER (WHERE t.sign < 0)"
#define ADDED_COUNTS(st) "delivery_summary(" st "), NULL::push_actions.delivery_summary"
#define SIGNED_SKETCH(at) \
	"latency_sketch(" TIME_LATENCY(at) ") FILTER (WHERE t.sign > 0), latency_sketch(" TIME_LATENCY(at) ") FILTER (WHERE t.sign < 0)"
#define ADDED_SKETCH(at) "latency_sketch(" TIME_LATENCY(at) "), NULL::push_actions.latency_sketch"
#define NO_SKETCH "NULL::push_actions.latency_sketch, NULL::push_actions.latency_sketch"
#define TIME_PART(at, counts, sent, delivered, opened, where) \
	"SELECT t.app_id, t.campaign_id, t.platform, " TIME_HOUR("t." at) ", " counts ", " sent ", " delivered ", " opened \
	" FROM time_source t WHERE " where " GROUP BY 1, 2, 3, 4"
#define TIME_SUMS(COUNTS, SKETCH) \
	"SELECT p.app_id, p.campaign_id, p.platform, p.hour," \
	"  coalesce(delivery_summary(p.plus), '{}') AS plus, coalesce(delivery_summary(p.minus), '{}') AS minus," \
	"  latency_sketch(p.sent_plus) AS sent_plus, latency_sketch(p.sent_minus) AS sent_minus," \
	"  latency_sketch(p.delivered_plus) AS delivered_plus, latency_sketch(p.delivered_minus) AS delivered_minus," \
	"  latency_sketch(p.opened_plus) AS opened_plus, latency_sketch(p.opened_minus) AS opened_minus" \
	" FROM (" \
	TIME_PART("create_time", COUNTS("'scheduled'::push_actions.push_status"), NO_SKETCH, NO_SKETCH, NO_SKETCH, "true") \
	" UNION ALL " \
	TIME_PART("attempted_at", COUNTS("'attempted'::push_actions.push_status"), NO_SKETCH, NO_SKETCH, NO_SKETCH, \
			  "t.attempted_at IS NOT NULL") \
	" UNION ALL " \
	TIME_PART("sent_at", COUNTS("'sent'::push_actions.push_status"), SKETCH("sent_at"), NO_SKETCH, NO_SKETCH, \
			  "t.sent_at IS NOT NULL") \
	" UNION ALL " \
	TIME_PART("delivered_at", COUNTS("'delivered'::push_actions.push_status"), NO_SKETCH, SKETCH("delivered_at"), NO_SKETCH, \
			  "t.delivered_at IS NOT NULL") \
	" UNION ALL " \
	TIME_PART("opened_at", COUNTS("'opened'::push_actions.push_status"), NO_SKETCH, NO_SKETCH, SKETCH("opened_at"), \
			  "t.opened_at IS NOT NULL") \
	" UNION ALL " \
	TIME_PART("updated_at", COUNTS("t.status"), NO_SKETCH, NO_SKETCH, NO_SKETCH, \
			  "t.status OPERATOR(pg_catalog.=) ANY (push_actions_internal.statuses('ending'))") \
	" ) p (app_id, campaign_id, platform, hour, plus, minus, sent_plus, sent_minus, delivered_plus, delivered_minus," \
	"  opened_plus, opened_minus)" \
	" GROUP BY 1, 2, 3, 4"
#define TIME_SIGNED_SUMS TIME_SUMS(SIGNED_COUNTS, SIGNED_SKETCH)
#define TIME_ADDED_SUMS TIME_SUMS(ADDED_COUNTS, ADDED_SKETCH)

/*
 * Then the deltas (time_deltas): those, and for the app's campaigns
 * together their sums merged, far fewer rows than the source's.
 */
#define TIME_DELTAS \
	"SELECT s.app_id, true AS per_campaign, s.campaign_id, s.platform, s.hour, s.plus, s.minus," \
	"  s.sent_plus, s.sent_minus, s.delivered_plus, s.delivered_minus, s.opened_plus, s.opened_minus" \
	" FROM time_campaign_sums s" \
	" UNION ALL" \
	" SELECT s.app_id, false, NULL, s.platform, s.hour, delivery_summary(s.plus), delivery_summary(s.minus)," \
	"  latency_sketch(s.sent_plus), latency_sketch(s.sent_minus), latency_sketch(s.delivered_plus)," \
	"  latency_sketch(s.delivered_minus), latency_sketch(s.opened_plus), latency_sketch(s.opened_minus)" \
	" FROM time_campaign_sums s GROUP BY s.app_id, s.platform, s.hour"
/* The source's moments, then the deltas, as CTEs (sums: TIME_SIGNED_SUMS or TIME_ADDED_SUMS). */
#define TIME_DELTA_CTES(source, sums) \
	"time_source AS NOT MATERIALIZED (" TIME_SOURCE(source) ")," \
	" time_campaign_sums AS (" sums "), time_deltas AS (" TIME_DELTAS ")"

/*
 * The latencies a delta adds (its plus beyond its minus) and takes back (its
 * minus beyond its plus), NULL when none: an action's latencies never
 * change, so only an update that moves it to another bucket takes any back.
 */
#define TIME_EXCESS(a, b) \
	"nullif(CASE WHEN " b " IS NULL THEN " a " WHEN " a " IS NULL THEN NULL" \
	" ELSE push_actions_internal.latency_sketch_excess(" a ", " b ") END, 'v1 zero:0'::push_actions.latency_sketch)"
#define TIME_ADDED(step) TIME_EXCESS("d." step "_plus", "d." step "_minus")
#define TIME_REMOVED(step) TIME_EXCESS("d." step "_minus", "d." step "_plus")
#define TIME_ADD(column) \
	column " = CASE WHEN excluded." column " IS NULL THEN b." column \
	" WHEN b." column " IS NULL THEN excluded." column \
	" ELSE b." column " OPERATOR(pg_catalog.+) excluded." column " END"
#define TIME_BUCKET_KEY "app_id, per_campaign, campaign_id, hour, platform"

/* The upsert of buckets' rows into this backend's stripe: its head and its tail. */
#define TIME_BUCKETS_INSERT \
	"INSERT INTO push_actions_internal.time_buckets AS b (" TIME_BUCKET_KEY ", stripe, reached, reached_removed," \
	"  sent_latency, delivered_latency, opened_latency," \
	"  sent_latency_removed, delivered_latency_removed, opened_latency_removed)"
#define TIME_BUCKETS_ON_CONFLICT \
	" ON CONFLICT (" TIME_BUCKET_KEY ", stripe) DO UPDATE SET" \
	"  reached = b.reached OPERATOR(pg_catalog.+) excluded.reached," \
	"  reached_removed = b.reached_removed OPERATOR(pg_catalog.+) excluded.reached_removed," \
	"  " TIME_ADD("sent_latency") ", " TIME_ADD("delivered_latency") ", " TIME_ADD("opened_latency") "," \
	"  " TIME_ADD("sent_latency_removed") ", " TIME_ADD("delivered_latency_removed") ", " TIME_ADD("opened_latency_removed")

/* One hour's upsert of the short way (the parameters: above) */
#define TIME_ROW_VALUES(per_campaign, campaign) \
	"($1, " per_campaign ", " campaign ", $7, $8, push_actions_internal.writer_stripe(), $9, $10, $11, $12, $13, $14, $15, $16)"
#define TIME_ROW_UPSERT \
	TIME_BUCKETS_INSERT " VALUES " TIME_ROW_VALUES("false", "NULL") ", " TIME_ROW_VALUES("true", "$2") TIME_BUCKETS_ON_CONFLICT

/*
 * The deltas (a CTE named time_deltas) upserted into this backend's stripe,
 * in key order, leaving out those that change nothing.
 */
#define TIME_UPSERT \
	TIME_BUCKETS_INSERT \
	" SELECT n.app_id, n.per_campaign, n.campaign_id, n.hour, n.platform, push_actions_internal.writer_stripe()," \
	"  n.plus, n.minus, n.sent, n.delivered, n.opened, n.sent_removed, n.delivered_removed, n.opened_removed" \
	" FROM (SELECT d.app_id, d.per_campaign, d.campaign_id, d.hour, d.platform, d.plus, d.minus," \
	"   " TIME_ADDED("sent") " AS sent, " TIME_ADDED("delivered") " AS delivered, " TIME_ADDED("opened") " AS opened," \
	"   " TIME_REMOVED("sent") " AS sent_removed, " TIME_REMOVED("delivered") " AS delivered_removed," \
	"   " TIME_REMOVED("opened") " AS opened_removed" \
	"  FROM time_deltas d) n" \
	" WHERE n.plus OPERATOR(pg_catalog.<>) n.minus OR n.sent IS NOT NULL OR n.delivered IS NOT NULL OR n.opened IS NOT NULL" \
	"  OR n.sent_removed IS NOT NULL OR n.delivered_removed IS NOT NULL OR n.opened_removed IS NOT NULL" \
	" ORDER BY n.app_id, n.per_campaign, n.campaign_id, n.hour, n.platform" \
	TIME_BUCKETS_ON_CONFLICT

/*
 * What deleted rows contributed (a time_deltas CTE of their rows with sign
 * 1), kept apart; not for an app being deleted, whose series go with it.
 */
#define TIME_DELETED_UPSERT \
	"INSERT INTO push_actions_internal.time_buckets_deleted AS b (" TIME_BUCKET_KEY ", stripe, reached," \
	"  sent_latency, delivered_latency, opened_latency)" \
	" SELECT d.app_id, d.per_campaign, d.campaign_id, d.hour, d.platform, push_actions_internal.writer_stripe()," \
	"  d.plus, d.sent_plus, d.delivered_plus, d.opened_plus" \
	" FROM time_deltas d" \
	" WHERE push_actions_internal.app_exists(d.app_id)" \
	" ORDER BY d.app_id, d.per_campaign, d.campaign_id, d.hour, d.platform" \
	" ON CONFLICT (" TIME_BUCKET_KEY ", stripe) DO UPDATE SET" \
	"  reached = b.reached OPERATOR(pg_catalog.+) excluded.reached," \
	"  " TIME_ADD("sent_latency") ", " TIME_ADD("delivered_latency") ", " TIME_ADD("opened_latency")

/* The CTEs that keep the series, for a statement's source rows (with sign). */
#define TIMES_KEPT(source, sums) ", " TIME_DELTA_CTES(source, sums) ", time_kept AS (" TIME_UPSERT ")"
#define TIMES_DELETED(source) ", " TIME_DELTA_CTES(source, TIME_ADDED_SUMS) ", time_kept AS (" TIME_DELETED_UPSERT ")"

#endif							/* KEPT_TIMES_H */
