-- Devices pushes are still pending on: Android and Electron actions attempted
-- or sent, of pushes neither scheduled ahead nor expired.
CREATE OR REPLACE VIEW push_actions.push_pending_devices WITH (security_barrier) AS
SELECT a.app_id, a.push_id, a.device_token, a.platform, a.status::text AS status, a.attempts, a.create_time
FROM push_actions.actions a
JOIN push_actions.pushes p ON p.app_id = a.app_id AND p.push_id = a.push_id
WHERE push_actions_internal.app_visible(a.app_id)
  AND push_actions_internal.is_pending_device(a.status, a.platform, a.device_token)
  AND p.expires_at > now() AND (p.send_at IS NULL OR p.send_at <= now());
COMMENT ON VIEW push_actions.push_pending_devices IS
	'Android/Electron devices a live push has been attempted or sent to and not yet delivered';
