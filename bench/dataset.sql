-- The benchmark's dataset, generated inside the server: psql -v scale=N.
-- 5 apps x 100 campaigns with Zipf-like sizes (campaign k gets ~1/k of its
-- app's pushes), pushes of 1-20 devices (mean ~5.5) plus 3 pushes of 100,000
-- devices (scaled down below 10M actions), people with two devices each in a
-- push (devices 1+2, 3+4, ...), a
-- realistic status mix (~2% failed, 1% bounced) and provider error messages.
\set ON_ERROR_STOP 1
SET synchronous_commit = off;
-- The data is consistent by construction; foreign-key triggers are skipped
-- for the bulk load only (COPY is measured separately with them on).
SET session_replication_role = replica;

INSERT INTO push_actions.apps (app_id, name, token_hash)
SELECT i, 'bench app ' || i, sha256(convert_to('BENCH_TOKEN_' || i, 'UTF8')) FROM generate_series(1, 5) i;

SELECT least(100000, greatest(1000, :scale / 100)) AS big_devices \gset
CREATE TEMP TABLE plan AS
SELECT n, 1 + floor(power(random(), 3) * 20)::int AS devices
FROM generate_series(1, (:scale / 5.2)::bigint) n;
CREATE TEMP TABLE plan_cut AS
SELECT n, devices FROM (SELECT n, devices, sum(devices) OVER (ORDER BY n) AS upto FROM plan) p
WHERE upto <= :scale - 3 * :big_devices
UNION ALL
SELECT n, :big_devices FROM generate_series(-3, -1) n;

INSERT INTO push_actions.pushes (push_id, app_id, campaign_id, payload, created_at, expires_at)
SELECT lpad(to_hex(n + 10), 24, '0'), app, app * 1000 + campaign,
       jsonb_build_object('message', 'Offer ' || campaign || ' for you', 'campaign', campaign),
       created, created + interval '30 days'
FROM (SELECT n, 1 + abs(n) % 5 AS app,
             CASE WHEN n < 0 THEN 1 ELSE floor(exp(random() * ln(101)))::int END AS campaign,
             -- the big pushes are an hour old, so they are live for push_info
             now() - CASE WHEN n < 0 THEN interval '1 hour' ELSE random() * interval '60 days' END AS created
      FROM plan_cut) p;

\timing on
INSERT INTO push_actions.actions (app_id, push_id, campaign_id, device_id, profile_id, device_token,
	platform, channel, status, attempts, error_message, create_time, updated_at)
SELECT p.app_id, p.push_id, p.campaign_id, dev, 'u' || person, md5(dev::text),
       CASE WHEN dev % 20 < 10 THEN 'android' WHEN dev % 20 < 17 THEN 'ios' WHEN dev % 20 < 19 THEN 'web' ELSE 'electron' END,
       'push', st::push_actions.push_status,
       CASE st WHEN 'failed' THEN 10 WHEN 'scheduled' THEN 0 WHEN 'attempted' THEN 1 + (dev % 3) ELSE 1 END,
       CASE st WHEN 'failed' THEN (ARRAY['Not personalized', 'InternalServerError', 'Unavailable', 'QuotaExceeded', 'MessageTooBig'])[1 + dev % 5]
               WHEN 'bounced' THEN (ARRAY['DEVICE_UNREGISTERED', 'Application is Uninstalled', 'Unregistered', 'DeviceNotRegistered'])[1 + dev % 4] END,
       p.created_at, p.created_at + (dev % 600) * interval '1 second'
FROM plan_cut c
JOIN push_actions.pushes p ON p.push_id = lpad(to_hex(c.n + 10), 24, '0'),
     LATERAL (SELECT d, (abs(c.n)::bigint * 7919 + d::bigint * 104729) % 2000000 AS dev,
                     (abs(c.n)::bigint * 7919 + ((d + 1) / 2)::bigint * 104729) % 2000000 AS person, random() AS r
              FROM generate_series(1, c.devices) d) x,
     LATERAL (SELECT CASE WHEN r < 0.01 THEN 'scheduled' WHEN r < 0.04 THEN 'attempted' WHEN r < 0.44 THEN 'sent'
                          WHEN r < 0.76 THEN 'delivered' WHEN r < 0.88 THEN 'opened' WHEN r < 0.93 THEN 'converted'
                          WHEN r < 0.95 THEN 'failed' WHEN r < 0.96 THEN 'bounced' WHEN r < 0.97 THEN 'expired'
                          ELSE 'delivered' END AS st) s;
\timing off
RESET session_replication_role;
