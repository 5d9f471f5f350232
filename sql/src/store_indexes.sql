-- Every index of the tables, each with the query it serves.

-- pushes
-- the primary key (app_id, push_id) serves every lookup of a push
-- an app's pushes by expiry and by age (purge and fold_actions, one app at a time)
CREATE INDEX IF NOT EXISTS pushes_expires_idx ON push_actions.pushes (app_id, expires_at);
CREATE INDEX IF NOT EXISTS pushes_created_idx ON push_actions.pushes (app_id, created_at);

-- actions
-- a campaign's actions newest first (the listing's default order)
CREATE INDEX IF NOT EXISTS actions_campaign_idx ON push_actions.actions (app_id, campaign_id, action_id DESC);
-- campaign summaries (delivery_summary per app or campaign, campaign_overview):
-- with every column a key, equal keys share one posting list, so the index
-- holds about 7 bytes per action (71 MB for 10 million, against 1.7 GB of
-- table); summaries are index-only scans of it, grouped in index order
-- (its cost to COPY and its gain to summaries: README "Performance").
CREATE INDEX IF NOT EXISTS actions_summary_idx ON push_actions.actions (app_id, campaign_id, status, attempts);
-- a push's actions, per person (message_status, delete_push, purge, and the
-- kept roll-ups' settling of a statement's messages); in the
-- order of a per-message GROUP BY push_id, profile_id, with the status, so
-- per-message roll-ups are index-only scans grouped in order, not hashed
CREATE INDEX IF NOT EXISTS actions_push_idx ON push_actions.actions (push_id, profile_id, app_id)
	INCLUDE (status);
-- a campaign's failed actions: the seed request ("error" = 1)
CREATE INDEX IF NOT EXISTS actions_failed_idx ON push_actions.actions (app_id, campaign_id, action_id DESC)
	WHERE status = ANY (push_actions_internal.statuses('error'));
-- devices a push is still pending on (push_info, push_pending_devices)
CREATE INDEX IF NOT EXISTS actions_pending_idx ON push_actions.actions (app_id, push_id, action_id)
	INCLUDE (device_token)
	WHERE push_actions_internal.is_pending_device(status, platform, device_token);
-- (purge's "all final" test reads a push's statuses from actions_push_idx;
-- 1.1's actions_unfinished_idx, made for it, is dropped by 1.2: make bench's
-- index audit found purge no slower without it)
-- an app's standalone actions (no push) are folded by age
CREATE INDEX IF NOT EXISTS actions_standalone_idx ON push_actions.actions (app_id, create_time) WHERE push_id IS NULL;
