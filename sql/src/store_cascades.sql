-- Deleting a push or an app deletes its actions (ON DELETE CASCADE, per
-- statement), with the owner's rights like a foreign key's cascade (store_references.sql).
CREATE OR REPLACE FUNCTION push_actions_internal.delete_child_actions() RETURNS trigger
	LANGUAGE plpgsql SECURITY DEFINER
	SET search_path = pg_catalog, push_actions, pg_temp
	AS $$
BEGIN
	IF TG_TABLE_NAME = 'pushes' THEN
		DELETE FROM push_actions.actions a USING old_rows o
		WHERE a.app_id = o.app_id AND a.push_id = o.push_id;
	ELSE
		DELETE FROM push_actions.actions a USING old_rows o WHERE a.app_id = o.app_id;
		-- the app's campaigns, which its actions' deletion left at zero, and
		-- its tokens' states and hourly series, which outlive actions but not
		-- their app
		DELETE FROM push_actions_internal.campaign_stripes s USING old_rows o WHERE s.app_id = o.app_id;
		DELETE FROM push_actions_internal.device_tokens t USING old_rows o WHERE t.app_id = o.app_id;
		DELETE FROM push_actions_internal.time_buckets t USING old_rows o WHERE t.app_id = o.app_id;
		DELETE FROM push_actions_internal.time_buckets_deleted t USING old_rows o WHERE t.app_id = o.app_id;
	END IF;
	RETURN NULL;
END
$$;
REVOKE EXECUTE ON FUNCTION push_actions_internal.delete_child_actions() FROM PUBLIC;
