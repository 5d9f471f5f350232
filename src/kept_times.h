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

/* The columns of a contribution's source rows: an action, then its sign (1 added, -1 taken away). */
#define TIME_SOURCE_COLUMNS(r) \
	r ".app_id, " r ".campaign_id, " r ".platform, " r ".status, " r ".attempts, " r ".create_time, " \
	r ".updated_at, " r ".attempted_at, " r ".sent_at, " r ".delivered_at, " r ".opened_at"

#define TIME_SOURCE_COUNT 11
/* the same columns' names, for the trigger's short way */
extern const char *const time_source_columns[TIME_SOURCE_COUNT];

#define TIME_MOMENT(step) \
	"push_actions_internal.action_moment('" step "', r.status, r.attempts, r.create_time, r.updated_at, r." step "_at)"

/* One row per status each source row reached: its hour and, for the three steps, the latency. */
#define TIME_CONTRIBUTIONS(source) \
	"SELECT r.app_id, r.campaign_id, r.platform COLLATE \"C\" AS platform, r.sign, c.status," \
	"  pg_catalog.date_bin('1 hour', c.at, '2000-01-01 00:00:00+00') AS hour," \
	"  greatest(c.at - c.since, '0'::interval) AS latency" \
	" FROM (" source ") r" \
	" CROSS JOIN LATERAL (SELECT " TIME_MOMENT("attempted") " AS attempted_at, " TIME_MOMENT("sent") " AS sent_at," \
	"   " TIME_MOMENT("delivered") " AS delivered_at, " TIME_MOMENT("opened") " AS opened_at) m" \
	" CROSS JOIN LATERAL (VALUES ('scheduled'::push_actions.push_status, r.create_time, NULL::timestamptz)," \
	"   ('attempted', m.attempted_at, NULL), ('sent', m.sent_at, m.attempted_at)," \
	"   ('delivered', m.delivered_at, m.attempted_at), ('opened', m.opened_at, m.attempted_at)," \
	"   (r.status, CASE WHEN r.status OPERATOR(pg_catalog.=) ANY (push_actions_internal.statuses('ending'))" \
	"    THEN r.updated_at END, NULL)) c(status, at, since)" \
	" WHERE c.at IS NOT NULL"

/*
 * The contributions (a CTE named time_contributions) summed per bucket, for
 * each campaign and for the app's campaigns together: what joins (plus)
 * and what leaves (minus).
 */
#define TIME_SKETCHES(status, sign) \
	"latency_sketch(c.latency) FILTER (WHERE c.status OPERATOR(pg_catalog.=) '" status "' AND c.sign " sign ")"
#define TIME_DELTAS \
	"SELECT c.app_id, GROUPING(c.campaign_id) = 0 AS per_campaign, c.campaign_id, c.platform, c.hour," \
	"  coalesce(delivery_summary(c.status) FILTER (WHERE c.sign > 0), '{}') AS plus," \
	"  coalesce(delivery_summary(c.status) FILTER (WHERE c.sign < 0), '{}') AS minus," \
	"  " TIME_SKETCHES("sent", "> 0") " AS sent_plus, " TIME_SKETCHES("sent", "< 0") " AS sent_minus," \
	"  " TIME_SKETCHES("delivered", "> 0") " AS delivered_plus, " TIME_SKETCHES("delivered", "< 0") " AS delivered_minus," \
	"  " TIME_SKETCHES("opened", "> 0") " AS opened_plus, " TIME_SKETCHES("opened", "< 0") " AS opened_minus" \
	" FROM time_contributions c" \
	" GROUP BY GROUPING SETS ((c.app_id, c.campaign_id, c.platform, c.hour), (c.app_id, c.platform, c.hour))"

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

/*
 * The deltas (a CTE named time_deltas) upserted into this backend's stripe,
 * in key order, leaving out those that change nothing.
 */
#define TIME_UPSERT \
	"INSERT INTO push_actions_internal.time_buckets AS b (" TIME_BUCKET_KEY ", stripe, reached, reached_removed," \
	"  sent_latency, delivered_latency, opened_latency," \
	"  sent_latency_removed, delivered_latency_removed, opened_latency_removed)" \
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
	" ON CONFLICT (" TIME_BUCKET_KEY ", stripe) DO UPDATE SET" \
	"  reached = b.reached OPERATOR(pg_catalog.+) excluded.reached," \
	"  reached_removed = b.reached_removed OPERATOR(pg_catalog.+) excluded.reached_removed," \
	"  " TIME_ADD("sent_latency") ", " TIME_ADD("delivered_latency") ", " TIME_ADD("opened_latency") "," \
	"  " TIME_ADD("sent_latency_removed") ", " TIME_ADD("delivered_latency_removed") ", " TIME_ADD("opened_latency_removed")

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
#define TIMES_KEPT(source) \
	", time_contributions AS NOT MATERIALIZED (" TIME_CONTRIBUTIONS(source) ")," \
	" time_deltas AS (" TIME_DELTAS "), time_kept AS (" TIME_UPSERT ")"
#define TIMES_DELETED(source) \
	", time_contributions AS NOT MATERIALIZED (" TIME_CONTRIBUTIONS(source) ")," \
	" time_deltas AS (" TIME_DELTAS "), time_kept AS (" TIME_DELETED_UPSERT ")"

#endif							/* KEPT_TIMES_H */
