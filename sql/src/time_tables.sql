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
