-- Roll-ups kept as actions are written, so that message_status and
-- campaign_overview read one row per message or a few per campaign instead
-- of regrouping every live action (README "Kept roll-ups").  The trigger
-- keep_rollups (src/kept_trigger.c) applies each statement's changed rows to
-- them in one pass; verify_rollups() compares them with a recomputation and
-- rebuild_rollups() makes them again.  Both tables are derived: they are not
-- dumped, since restoring the actions writes them again.

-- One row per message of a push; an action without a push is its own message
-- and needs no row.  The key is the push, the app and message_person(),
-- which is never NULL, so the trigger finds a message by plain equality.
-- person is compared byte-wise (COLLATE "C"): it is an identifier, not words;
-- push_id keeps the collation of the actions' column, which queries join it to.
CREATE TABLE push_actions_internal.messages (
	app_id			bigint NOT NULL,
	push_id			text NOT NULL,
	person			text COLLATE "C" NOT NULL,
	campaign_id		bigint,
	profile_id		text,
	device_id		bigint,
	-- the first action's time (its day is the message's day) and the first
	-- attempt's; NULL only while the trigger is between its two statements
	created_at		timestamptz,
	first_attempt_at timestamptz,
	summary			push_actions.delivery_summary NOT NULL,
	-- the rolled-up status before the last change, which the trigger reads
	-- back to move the message between its campaign's status counts
	previous_status	push_actions.push_status,
	-- what the trigger's upsert subtracts: an upsert can only hand over the
	-- table's own columns.  NULL in every stored row.
	removed			push_actions.delivery_summary,
	PRIMARY KEY (push_id, person, app_id)
);

-- Per app and campaign, the devices (actions) and messages per status, in
-- stripes: each backend writes the stripe of its slot among the server's
-- live backends, so writers on one large campaign never wait for each other
-- on these rows (nor deadlock on them across statements).  Counts only grow,
-- what joins in *_added and what leaves in *_removed; a campaign's numbers
-- are the differences of their sums.
CREATE TABLE push_actions_internal.campaign_stripes (
	app_id			bigint NOT NULL,
	campaign_id		bigint,
	stripe			integer NOT NULL,
	devices_added	push_actions.delivery_summary NOT NULL,
	devices_removed	push_actions.delivery_summary NOT NULL,
	messages_added	push_actions.delivery_summary NOT NULL,
	messages_removed push_actions.delivery_summary NOT NULL,
	UNIQUE NULLS NOT DISTINCT (app_id, campaign_id, stripe)
);

-- The stripe this backend writes: its slot among the live backends
-- (src/kept_trigger.c).  A campaign has at most as many stripes as the
-- server has backend slots, and its numbers are one index range.
CREATE OR REPLACE FUNCTION push_actions_internal.writer_stripe() RETURNS integer
	AS 'MODULE_PATHNAME' LANGUAGE C STABLE STRICT PARALLEL RESTRICTED;

-- Every campaign's devices and messages per status, as kept: the differences
-- of its stripes' sums.
CREATE OR REPLACE VIEW push_actions_internal.kept_campaigns AS
SELECT s.app_id, s.campaign_id,
       delivery_summary(s.devices_added) - delivery_summary(s.devices_removed) AS devices,
       delivery_summary(s.messages_added) - delivery_summary(s.messages_removed) AS messages
FROM push_actions_internal.campaign_stripes s
GROUP BY s.app_id, s.campaign_id;
