-- The triggers that keep the roll-ups as actions are written; their C
-- functions are in kept_functions.sql.

-- ENABLE ALWAYS: the roll-ups follow the actions whatever writes them, a
-- logical replication subscriber or a load with session_replication_role =
-- replica included.
CREATE OR REPLACE TRIGGER actions_keep_rollups_insert AFTER INSERT ON push_actions.actions
	REFERENCING NEW TABLE AS new_rows
	FOR EACH STATEMENT EXECUTE FUNCTION push_actions_internal.keep_rollups();
CREATE OR REPLACE TRIGGER actions_keep_rollups_update AFTER UPDATE ON push_actions.actions
	REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
	FOR EACH STATEMENT EXECUTE FUNCTION push_actions_internal.keep_rollups();
CREATE OR REPLACE TRIGGER actions_keep_rollups_delete AFTER DELETE ON push_actions.actions
	REFERENCING OLD TABLE AS old_rows
	FOR EACH STATEMENT EXECUTE FUNCTION push_actions_internal.keep_rollups();
ALTER TABLE push_actions.actions ENABLE ALWAYS TRIGGER actions_keep_rollups_insert;
ALTER TABLE push_actions.actions ENABLE ALWAYS TRIGGER actions_keep_rollups_update;
ALTER TABLE push_actions.actions ENABLE ALWAYS TRIGGER actions_keep_rollups_delete;

-- TRUNCATE has no rows to pass on; it empties the roll-ups with the actions.
-- The hourly series, a history, keep what the actions contributed, all of it
-- now the deleted actions' part (kept_times.h).
-- On Citus the coordinator's TRUNCATE of actions fires this on the table
-- there, which empties the kept tables on every worker, and again on each
-- shard of actions, where it must do nothing: the workers emptying the kept
-- tables again would wait on the coordinator's locks (a distributed deadlock).
CREATE OR REPLACE FUNCTION push_actions_internal.forget_rollups() RETURNS trigger
	LANGUAGE plpgsql SECURITY DEFINER
	SET search_path = pg_catalog, push_actions, pg_temp
	AS $$
BEGIN
	IF TG_RELID = 'push_actions.actions'::regclass THEN
		TRUNCATE push_actions_internal.messages, push_actions_internal.campaign_stripes;
		DELETE FROM push_actions_internal.time_buckets_deleted;
		INSERT INTO push_actions_internal.time_buckets_deleted
			(app_id, per_campaign, campaign_id, hour, platform, stripe, reached, sent_latency, delivered_latency, opened_latency)
		SELECT t.app_id, t.per_campaign, t.campaign_id, t.hour, t.platform, 0,
		       delivery_summary(t.reached) - delivery_summary(t.reached_removed),
		       push_actions_internal.time_net(latency_sketch(t.sent_latency), latency_sketch(t.sent_latency_removed)),
		       push_actions_internal.time_net(latency_sketch(t.delivered_latency), latency_sketch(t.delivered_latency_removed)),
		       push_actions_internal.time_net(latency_sketch(t.opened_latency), latency_sketch(t.opened_latency_removed))
		FROM push_actions_internal.time_buckets t
		GROUP BY t.app_id, t.per_campaign, t.campaign_id, t.hour, t.platform;
	END IF;
	RETURN NULL;
END
$$;
REVOKE EXECUTE ON FUNCTION push_actions_internal.forget_rollups() FROM PUBLIC;
CREATE OR REPLACE TRIGGER actions_forget_rollups AFTER TRUNCATE ON push_actions.actions
	FOR EACH STATEMENT EXECUTE FUNCTION push_actions_internal.forget_rollups();
ALTER TABLE push_actions.actions ENABLE ALWAYS TRIGGER actions_forget_rollups;
