-- The hourly series' calls (src/kept_times.h): analysts' series over a range
-- in a time zone, and the owner's check and rebuild.

CREATE OR REPLACE FUNCTION push_actions_internal.time_buckets_query(purpose text) RETURNS text
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
REVOKE EXECUTE ON FUNCTION push_actions_internal.time_buckets_query(text) FROM PUBLIC;

-- A campaign's series (or, campaign_id NULL, the app's over all its
-- campaigns) from since to until, by hour or by day in a time zone: the
-- actions that reached each status in each bucket, and the latencies of
-- those sent, delivered and opened in it (seconds from the first attempt).
-- A bucket is made of whole UTC hours: a day in a zone whose offset is not
-- whole hours (Asia/Kolkata) gathers the 24 hours that start in it.
CREATE OR REPLACE FUNCTION push_actions.delivery_times(app_id bigint, campaign_id bigint DEFAULT NULL,
	since timestamptz DEFAULT now() - interval '30 days', until timestamptz DEFAULT now(),
	bucket text DEFAULT 'hour', time_zone text DEFAULT 'UTC', platform text DEFAULT NULL)
	RETURNS TABLE (bucket_start timestamptz, scheduled bigint, attempted bigint, sent bigint, delivered bigint,
	               opened bigint, converted bigint, failed bigint, bounced bigint, expired bigint,
	               sent_p50 double precision, sent_p90 double precision, sent_p99 double precision,
	               delivered_p50 double precision, delivered_p90 double precision, delivered_p99 double precision,
	               opened_p50 double precision, opened_p90 double precision, opened_p99 double precision)
	LANGUAGE plpgsql STABLE SECURITY DEFINER
	SET search_path = pg_catalog, push_actions, pg_temp
	AS $$
BEGIN
	IF bucket IS NULL OR bucket NOT IN ('hour', 'day') THEN
		RAISE EXCEPTION 'bucket must be hour or day, not %', coalesce(quote_literal(bucket), 'NULL')
			USING ERRCODE = '22023';
	END IF;
	IF time_zone IS NULL THEN
		RAISE EXCEPTION 'time_zone must not be NULL' USING ERRCODE = '22023';
	END IF;
	-- an unknown zone: PostgreSQL's own 22023 (reading pg_timezone_names
	-- would cost more than the series)
	PERFORM now() AT TIME ZONE time_zone;
	IF since IS NULL OR until IS NULL OR until < since OR until - since > interval '400 days' THEN
		RAISE EXCEPTION 'the range must be from since to a later until, at most 400 days'
			USING ERRCODE = '22023';
	END IF;
	-- dynamic for the campaign's one condition, so that both forms use the
	-- buckets' index (IS NOT DISTINCT FROM would not); values stay parameters.
	-- The stripes and platforms of a bucket are summed in one grouping: what
	-- is added less what is taken back, summed, is the sum of each stripe's
	-- net (time_bucket_sums' first grouping would only be merged again).
	RETURN QUERY EXECUTE format($q$
	SELECT g.b, c.*
	FROM (SELECT CASE WHEN $5 = 'hour' THEN t.hour
	                  ELSE date_trunc('day', t.hour AT TIME ZONE $6) AT TIME ZONE $6 END AS b,
	             delivery_summary(t.reached) - delivery_summary(t.reached_removed) AS r,
	             push_actions_internal.time_net(latency_sketch(t.sent_latency), latency_sketch(t.sent_latency_removed)) AS s,
	             push_actions_internal.time_net(latency_sketch(t.delivered_latency), latency_sketch(t.delivered_latency_removed)) AS d,
	             push_actions_internal.time_net(latency_sketch(t.opened_latency), latency_sketch(t.opened_latency_removed)) AS o
	      FROM push_actions_internal.time_buckets t
	      WHERE t.app_id = $1 AND t.per_campaign = ($2 IS NOT NULL) AND %s
	        AND t.hour >= date_bin('1 hour', $3, '2000-01-01 00:00:00+00') AND t.hour < $4
	        AND ($7 IS NULL OR t.platform = $7)
	        AND push_actions_internal.app_visible(t.app_id)
	      GROUP BY 1) g,
	     LATERAL push_actions_internal.time_columns(g.r, g.s, g.d, g.o) c
	ORDER BY g.b$q$, CASE WHEN campaign_id IS NULL THEN 't.campaign_id IS NULL' ELSE 't.campaign_id = $2' END)
	USING app_id, campaign_id, since, until, bucket, time_zone, platform;
END
$$;
COMMENT ON FUNCTION push_actions.delivery_times(bigint, bigint, timestamptz, timestamptz, text, text, text) IS
	'a campaign''s (or app''s) series by hour or by day in a time zone: actions reaching each status, latency quantiles in seconds';

-- Buckets whose part for the live actions differs from what those
-- contribute (missing, extra, different), both sides as JSON; no rows when
-- in step.
CREATE OR REPLACE FUNCTION push_actions.verify_time_buckets()
	RETURNS TABLE (app_id bigint, per_campaign boolean, campaign_id bigint, hour timestamptz, platform text,
	               problem text, kept jsonb, recomputed jsonb)
	LANGUAGE plpgsql STABLE
	SET search_path = pg_catalog, push_actions, pg_temp
	AS $$
BEGIN
	RETURN QUERY EXECUTE push_actions_internal.time_buckets_query('check');
END
$$;
REVOKE EXECUTE ON FUNCTION push_actions.verify_time_buckets() FROM PUBLIC;
COMMENT ON FUNCTION push_actions.verify_time_buckets() IS
	'hourly buckets whose part for the live actions differs from a recomputation; none when in step';

-- Makes the buckets again from the live actions and the deleted ones' part.
-- Writers of actions wait meanwhile (SHARE lock).  Returns the buckets written.
CREATE OR REPLACE FUNCTION push_actions.rebuild_time_buckets() RETURNS bigint
	LANGUAGE plpgsql VOLATILE
	SET search_path = pg_catalog, push_actions, pg_temp
	AS $$
DECLARE
	n bigint;
BEGIN
	LOCK TABLE push_actions.actions IN SHARE MODE;
	EXECUTE push_actions_internal.time_buckets_query('rebuild');
	GET DIAGNOSTICS n = ROW_COUNT;
	RETURN n;
END
$$;
REVOKE EXECUTE ON FUNCTION push_actions.rebuild_time_buckets() FROM PUBLIC;
COMMENT ON FUNCTION push_actions.rebuild_time_buckets() IS
	'makes the hourly buckets again from the live actions and what deleted ones left; returns the buckets written';
