-- The seed's campaign 245624 loaded through plain INSERT and read back
SET search_path = public, push_actions;
BEGIN;
\i test/data/seed_245624.sql
SELECT action_id, campaign_id, extract(epoch FROM create_time)::bigint AS create_time,
       device_id, error_message
FROM push_actions.actions
WHERE app_id = 1 AND campaign_id = 245624 AND status IN ('failed', 'bounced')
ORDER BY action_id DESC;
SELECT app_id, status, count(*) FROM push_actions.actions GROUP BY 1, 2 ORDER BY 1, 2;
-- tokens are stored only as hashes
SELECT app_id, name, length(token_hash) AS hash_bytes,
       token_hash = sha256(convert_to('YOUR_APPTOKEN', 'UTF8')) AS matches_seed_token
FROM push_actions.apps ORDER BY app_id;
SELECT push_actions.app_for_token('YOUR_APPTOKEN') AS app, push_actions.app_for_token('nope') AS none;
ROLLBACK;
