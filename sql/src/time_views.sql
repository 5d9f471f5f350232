-- The hourly series for analysts and BI tools, in plain types (see
-- kept_views.sql for how views filter apps).  Each bucket's stripes merged (a
-- bucket that updates moved every action out of is left out):
-- actions reaching each status in the hour, latency quantiles in seconds
-- from the first attempt.

CREATE OR REPLACE VIEW push_actions.hourly_delivery WITH (security_barrier) AS
SELECT g.app_id, g.campaign_id, g.platform, g.hour,
       status_count(g.r, 'scheduled') AS scheduled, status_count(g.r, 'attempted') AS attempted,
       status_count(g.r, 'sent') AS sent, status_count(g.r, 'delivered') AS delivered,
       status_count(g.r, 'opened') AS opened, status_count(g.r, 'converted') AS converted,
       status_count(g.r, 'failed') AS failed, status_count(g.r, 'bounced') AS bounced,
       status_count(g.r, 'expired') AS expired,
       quantile(g.s, 0.5) AS sent_p50, quantile(g.s, 0.9) AS sent_p90, quantile(g.s, 0.99) AS sent_p99,
       quantile(g.d, 0.5) AS delivered_p50, quantile(g.d, 0.9) AS delivered_p90, quantile(g.d, 0.99) AS delivered_p99,
       quantile(g.o, 0.5) AS opened_p50, quantile(g.o, 0.9) AS opened_p90, quantile(g.o, 0.99) AS opened_p99
FROM (SELECT t.app_id, t.campaign_id, t.platform::text AS platform, t.hour,
             delivery_summary(t.reached) - delivery_summary(t.reached_removed) AS r,
             push_actions_internal.time_net(latency_sketch(t.sent_latency), latency_sketch(t.sent_latency_removed)) AS s,
             push_actions_internal.time_net(latency_sketch(t.delivered_latency), latency_sketch(t.delivered_latency_removed)) AS d,
             push_actions_internal.time_net(latency_sketch(t.opened_latency), latency_sketch(t.opened_latency_removed)) AS o
      FROM push_actions_internal.time_buckets t
      WHERE t.per_campaign AND push_actions_internal.app_visible(t.app_id)
      GROUP BY t.app_id, t.campaign_id, t.platform, t.hour) g
WHERE total(g.r) > 0 OR g.s IS NOT NULL OR g.d IS NOT NULL OR g.o IS NOT NULL;
COMMENT ON VIEW push_actions.hourly_delivery IS
	'per app, campaign, platform and UTC hour: actions reaching each status, latency quantiles in seconds (live and deleted actions alike)';

-- The same by UTC day, over live and folded actions alike (daily_overview
-- has only the folded ones, as messages).
CREATE OR REPLACE VIEW push_actions.daily_delivery WITH (security_barrier) AS
SELECT g.app_id, g.campaign_id, g.platform, g.day,
       status_count(g.r, 'scheduled') AS scheduled, status_count(g.r, 'attempted') AS attempted,
       status_count(g.r, 'sent') AS sent, status_count(g.r, 'delivered') AS delivered,
       status_count(g.r, 'opened') AS opened, status_count(g.r, 'converted') AS converted,
       status_count(g.r, 'failed') AS failed, status_count(g.r, 'bounced') AS bounced,
       status_count(g.r, 'expired') AS expired,
       quantile(g.s, 0.5) AS sent_p50, quantile(g.s, 0.9) AS sent_p90, quantile(g.s, 0.99) AS sent_p99,
       quantile(g.d, 0.5) AS delivered_p50, quantile(g.d, 0.9) AS delivered_p90, quantile(g.d, 0.99) AS delivered_p99,
       quantile(g.o, 0.5) AS opened_p50, quantile(g.o, 0.9) AS opened_p90, quantile(g.o, 0.99) AS opened_p99
FROM (SELECT t.app_id, t.campaign_id, t.platform::text AS platform, (t.hour AT TIME ZONE 'UTC')::date AS day,
             delivery_summary(t.reached) - delivery_summary(t.reached_removed) AS r,
             push_actions_internal.time_net(latency_sketch(t.sent_latency), latency_sketch(t.sent_latency_removed)) AS s,
             push_actions_internal.time_net(latency_sketch(t.delivered_latency), latency_sketch(t.delivered_latency_removed)) AS d,
             push_actions_internal.time_net(latency_sketch(t.opened_latency), latency_sketch(t.opened_latency_removed)) AS o
      FROM push_actions_internal.time_buckets t
      WHERE t.per_campaign AND push_actions_internal.app_visible(t.app_id)
      GROUP BY t.app_id, t.campaign_id, t.platform, 4) g
WHERE total(g.r) > 0 OR g.s IS NOT NULL OR g.d IS NOT NULL OR g.o IS NOT NULL;
COMMENT ON VIEW push_actions.daily_delivery IS
	'per app, campaign, platform and UTC day: actions reaching each status, latency quantiles in seconds, live and folded actions alike';
