-- The device tokens' states for analysts and BI tools, in plain types, for
-- the apps the caller may see (kept_views.sql says how).

-- One row per token: when it was first and last heard of, its latest
-- success and failure, and whether it is dead, since when and why.
CREATE OR REPLACE VIEW push_actions.device_token_states WITH (security_barrier) AS
SELECT t.app_id, t.platform::text AS platform, t.device_token::text AS device_token,
       t.first_seen_at,
       greatest(t.registered_at, t.last_success_at, t.last_failure_at) AS last_seen_at,
       t.registered_at, t.last_success_at, t.last_failure_at, t.last_error_code, t.last_error_class,
       t.failures_since_success,
       t.dead_since IS NULL AS alive, t.dead_since, CASE WHEN t.dead_since IS NOT NULL THEN t.dead_reason END AS dead_reason
FROM push_actions_internal.device_tokens t
WHERE push_actions_internal.app_visible(t.app_id);
COMMENT ON VIEW push_actions.device_token_states IS
	'one row per app, platform and device token: first and last seen, latest success and failure (code, class), failures since the latest success, alive or dead since when and why';

-- Per app and platform: tokens alive and dead, by reason.
CREATE OR REPLACE VIEW push_actions.device_token_overview WITH (security_barrier) AS
SELECT t.app_id, t.platform::text AS platform,
       count(*) AS tokens,
       count(*) FILTER (WHERE t.dead_since IS NULL) AS alive,
       count(*) FILTER (WHERE t.dead_since IS NULL AND t.failures_since_success > 0) AS alive_failing,
       count(*) FILTER (WHERE t.dead_since IS NOT NULL) AS dead,
       count(*) FILTER (WHERE t.dead_since IS NOT NULL AND t.dead_reason = 'gone') AS dead_gone,
       count(*) FILTER (WHERE t.dead_since IS NOT NULL AND t.dead_reason = 'invalid') AS dead_invalid
FROM push_actions_internal.device_tokens t
WHERE push_actions_internal.app_visible(t.app_id)
GROUP BY t.app_id, t.platform;
COMMENT ON VIEW push_actions.device_token_overview IS
	'per app and platform: device tokens, alive (and of them failing), dead, dead because gone or invalid';
