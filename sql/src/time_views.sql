-- The hourly series for analysts and BI tools, in plain types (see
-- kept_views.sql for how views filter apps): actions reaching each status,
-- latency quantiles in seconds from the first attempt.  A bucket that
-- updates moved every action out of is left out (time_columns()).

CREATE OR REPLACE VIEW push_actions.hourly_delivery WITH (security_barrier) AS
SELECT g.app_id, g.campaign_id, g.platform::text AS platform, g.hour, c.*
FROM push_actions_internal.time_bucket_sums g,
     LATERAL push_actions_internal.time_columns(g.r, g.s, g.d, g.o) c
WHERE g.per_campaign AND push_actions_internal.app_visible(g.app_id);
COMMENT ON VIEW push_actions.hourly_delivery IS
	'per app, campaign, platform and UTC hour: actions reaching each status, latency quantiles in seconds (live and deleted actions alike)';

-- The same by UTC day, over live and folded actions alike (daily_overview
-- has only the folded ones, as messages).
CREATE OR REPLACE VIEW push_actions.daily_delivery WITH (security_barrier) AS
SELECT g.app_id, g.campaign_id, g.platform::text AS platform, g.day, c.*
FROM (SELECT t.app_id, t.campaign_id, t.platform, (t.hour AT TIME ZONE 'UTC')::date AS day,
             delivery_summary(t.r) AS r, latency_sketch(t.s) AS s, latency_sketch(t.d) AS d, latency_sketch(t.o) AS o
      FROM push_actions_internal.time_bucket_sums t
      WHERE t.per_campaign AND push_actions_internal.app_visible(t.app_id)
      GROUP BY 1, 2, 3, 4) g,
     LATERAL push_actions_internal.time_columns(g.r, g.s, g.d, g.o) c;
COMMENT ON VIEW push_actions.daily_delivery IS
	'per app, campaign, platform and UTC day: actions reaching each status, latency quantiles in seconds, live and folded actions alike';
