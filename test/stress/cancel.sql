-- make stress, part 4: a database where the heaviest requests the API takes
-- run for a while, so that a statement timeout lands in the middle of them.
-- One push to 1,000,000 Android devices (all pending, a tenth failed with an
-- error message), and the ~1 MB listing request of test/sql/listing_bounds.sql.
\set ON_ERROR_STOP 1
SET synchronous_commit = off;
INSERT INTO push_actions.apps (app_id, name, token_hash)
VALUES (1, 'cancel', sha256(convert_to('CANCEL_TOKEN', 'UTF8')));
INSERT INTO push_actions.pushes (push_id, app_id, campaign_id, payload, expires_at)
VALUES ('c00000000000000000000001', 1, 1, '{"message":"to a million"}', now() + interval '30 days');
INSERT INTO push_actions.actions (app_id, push_id, campaign_id, device_id, profile_id, device_token, platform,
                                  status, attempts, error_message)
SELECT 1, 'c00000000000000000000001', 1, i, 'p' || i / 2, 'token-' || i, 'android',
       CASE WHEN i % 10 = 0 THEN 'failed' ELSE 'attempted' END::push_actions.push_status,
       CASE WHEN i % 10 = 0 THEN 10 ELSE 1 END,
       CASE WHEN i % 10 = 0 THEN 'Unavailable ' || i END
FROM generate_series(1, 1000000) i;
VACUUM ANALYZE;
CREATE TABLE heavy (name text PRIMARY KEY, sql text NOT NULL);
INSERT INTO heavy VALUES
('listing: campaign scan with an unmatched LIKE',
 $$SELECT push_actions.list_push_devices('{"apptoken":"CANCEL_TOKEN","condition":[["campaign_id","=",1],["error_message","like","%never%"]]}')$$),
('listing: offset 990,000 of a campaign',
 $$SELECT push_actions.list_push_devices('{"apptoken":"CANCEL_TOKEN","condition":[["campaign_id","=",1]],"order":["device_id ASC"],"offset":990000}')$$),
('listing: ~1 MB request (50 campaigns, 99 status lists of 1,000 names)',
 format('SELECT push_actions.list_push_devices(%L)', jsonb_build_object(
	'apptoken', 'CANCEL_TOKEN',
	'condition', jsonb_build_array(jsonb_build_array('campaign_id', 'in', (SELECT jsonb_agg(c) FROM generate_series(1, 50) c)),
	                               jsonb_build_array('error_message', 'like', '%never%'))
	|| (SELECT jsonb_agg(jsonb_build_array('status', 'in',
		(SELECT jsonb_agg((ARRAY['failed', 'attempted', 'FAILED', 'sent'])[1 + i % 4]) FROM generate_series(1, 1000) i)))
	    FROM generate_series(1, 99) j)))),
('push_info: 900,000 pending devices',
 $$SELECT push_actions.push_info('c00000000000000000000001', 'CANCEL_TOKEN')$$),
('delivery_summary over every action',
 $$SELECT delivery_summary(status, attempts) FROM push_actions.actions$$),
('campaign_overview (per-message roll-up)',
 $$SELECT * FROM push_actions.campaign_overview$$);
