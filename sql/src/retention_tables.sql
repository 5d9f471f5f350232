-- Summaries of actions already removed by fold_actions()/purge(), so campaign
-- numbers do not drop.  "messages" counts messages by rolled-up status and is
-- attributed to the platform and day of each message's first action.
CREATE TABLE push_actions.daily_rollups (
	app_id		bigint NOT NULL REFERENCES push_actions.apps ON DELETE CASCADE,
	campaign_id	bigint,
	platform	text NOT NULL,
	day			date NOT NULL,
	summary		push_actions.delivery_summary NOT NULL,
	messages	push_actions.delivery_summary NOT NULL,
	UNIQUE NULLS NOT DISTINCT (app_id, campaign_id, platform, day)
);


SELECT pg_catalog.pg_extension_config_dump('push_actions.daily_rollups', '');
