-- The hourly series, kept as actions are written (src/kept_times.h says
-- what each action contributes and how).  Derived, like the kept roll-ups:
-- not dumped; rebuild_time_buckets() makes them again from the live actions
-- and what the deleted ones left.

-- Per app, campaign (per_campaign) or all the app's campaigns (not
-- per_campaign, campaign_id NULL), platform and UTC hour: the actions that
-- reached each status in that hour, and the latencies from the first
-- attempt of those sent, delivered and opened in it (NULL: none).  Each
-- column only grows: what an update takes back is in its *_removed twin,
-- and a bucket is what its stripes add less what they took back
-- (time_net() for the latencies).
-- In stripes, like campaign_stripes: each backend writes its own, so writers
-- of one campaign never wait for each other on these rows.
CREATE TABLE push_actions_internal.time_buckets (
	app_id			bigint NOT NULL,
	per_campaign	boolean NOT NULL,
	campaign_id		bigint,
	hour			timestamptz NOT NULL,
	platform		text COLLATE "C" NOT NULL,
	stripe			integer NOT NULL,
	reached			push_actions.delivery_summary NOT NULL,
	reached_removed	push_actions.delivery_summary NOT NULL,
	sent_latency	push_actions.latency_sketch,
	delivered_latency push_actions.latency_sketch,
	opened_latency	push_actions.latency_sketch,
	sent_latency_removed push_actions.latency_sketch,
	delivered_latency_removed push_actions.latency_sketch,
	opened_latency_removed push_actions.latency_sketch,
	UNIQUE NULLS NOT DISTINCT (app_id, per_campaign, campaign_id, hour, platform, stripe)
);

-- What deleted actions contributed, in the same buckets and stripes (so
-- that concurrent purges never wait on each other here): the series keep
-- it; the check takes it away to compare the rest with the live actions.
CREATE TABLE push_actions_internal.time_buckets_deleted (
	app_id			bigint NOT NULL,
	per_campaign	boolean NOT NULL,
	campaign_id		bigint,
	hour			timestamptz NOT NULL,
	platform		text COLLATE "C" NOT NULL,
	stripe			integer NOT NULL,
	reached			push_actions.delivery_summary NOT NULL,
	sent_latency	push_actions.latency_sketch,
	delivered_latency push_actions.latency_sketch,
	opened_latency	push_actions.latency_sketch,
	UNIQUE NULLS NOT DISTINCT (app_id, per_campaign, campaign_id, hour, platform, stripe)
);

-- Latencies added less latencies taken back (each the merge of a bucket's
-- stripes); NULL when none are left.
CREATE OR REPLACE FUNCTION push_actions_internal.time_net(added push_actions.latency_sketch, removed push_actions.latency_sketch)
	RETURNS push_actions.latency_sketch
	LANGUAGE sql IMMUTABLE PARALLEL SAFE
	AS $$
SELECT CASE WHEN removed IS NULL THEN added
            ELSE nullif(push_actions_internal.latency_sketch_minus(coalesce(added, 'v1 zero:0'), removed),
                        'v1 zero:0'::push_actions.latency_sketch) END
$$;

-- Each bucket's stripes merged: the actions that reached each status in it
-- (r), and the latencies of those sent (s), delivered (d) and opened (o).
CREATE OR REPLACE VIEW push_actions_internal.time_bucket_sums AS
SELECT t.app_id, t.per_campaign, t.campaign_id, t.hour, t.platform,
       delivery_summary(t.reached) - delivery_summary(t.reached_removed) AS r,
       push_actions_internal.time_net(latency_sketch(t.sent_latency), latency_sketch(t.sent_latency_removed)) AS s,
       push_actions_internal.time_net(latency_sketch(t.delivered_latency), latency_sketch(t.delivered_latency_removed)) AS d,
       push_actions_internal.time_net(latency_sketch(t.opened_latency), latency_sketch(t.opened_latency_removed)) AS o
FROM push_actions_internal.time_buckets t
GROUP BY t.app_id, t.per_campaign, t.campaign_id, t.hour, t.platform;

-- A bucket's plain columns, for the views and delivery_times(): the counts
-- per status and the latency quantiles in seconds.
CREATE OR REPLACE FUNCTION push_actions_internal.time_columns(r push_actions.delivery_summary,
	s push_actions.latency_sketch, d push_actions.latency_sketch, o push_actions.latency_sketch)
	RETURNS TABLE (scheduled bigint, attempted bigint, sent bigint, delivered bigint, opened bigint, converted bigint,
	               failed bigint, bounced bigint, expired bigint,
	               sent_p50 double precision, sent_p90 double precision, sent_p99 double precision,
	               delivered_p50 double precision, delivered_p90 double precision, delivered_p99 double precision,
	               opened_p50 double precision, opened_p90 double precision, opened_p99 double precision)
	LANGUAGE sql IMMUTABLE PARALLEL SAFE
	AS $$
SELECT pg_catalog.status_count(r, 'scheduled'), pg_catalog.status_count(r, 'attempted'), pg_catalog.status_count(r, 'sent'),
       pg_catalog.status_count(r, 'delivered'), pg_catalog.status_count(r, 'opened'), pg_catalog.status_count(r, 'converted'),
       pg_catalog.status_count(r, 'failed'), pg_catalog.status_count(r, 'bounced'), pg_catalog.status_count(r, 'expired'),
       pg_catalog.quantile(s, 0.5), pg_catalog.quantile(s, 0.9), pg_catalog.quantile(s, 0.99),
       pg_catalog.quantile(d, 0.5), pg_catalog.quantile(d, 0.9), pg_catalog.quantile(d, 0.99),
       pg_catalog.quantile(o, 0.5), pg_catalog.quantile(o, 0.9), pg_catalog.quantile(o, 0.99)
WHERE pg_catalog.total(r) > 0 OR s IS NOT NULL OR d IS NOT NULL OR o IS NOT NULL
$$;

-- Whether the app is there (not being deleted): the trigger keeps no deleted
-- part for an app whose series go with it.  PL/pgSQL, so that its query
-- stays apart from the trigger's: on Citus a query that reads both the
-- apps reference table and a statement's transition table cannot be planned.
CREATE OR REPLACE FUNCTION push_actions_internal.app_exists(app_id bigint) RETURNS boolean
	LANGUAGE plpgsql STABLE PARALLEL SAFE
	SET search_path = pg_catalog, push_actions, pg_temp
	AS $$
BEGIN
	RETURN EXISTS (SELECT FROM push_actions.apps a WHERE a.app_id = app_exists.app_id);
END
$$;
