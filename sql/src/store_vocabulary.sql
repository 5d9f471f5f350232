-- The names the tables, indexes, views and API share, each written once.
-- These are immutable C functions, or SQL functions without SET options
-- that the planner inlines; either way it folds them to constants: an index
-- predicate, a CHECK constraint and a query that call them see the same
-- expression (and the planner proves the partial index usable).  Their bodies name every object with its schema,
-- because an inlined body is parsed under the caller's search_path.


-- The status groups that index predicates, views and the API's queries test,
-- named in C beside the state machine.  Immutable with a constant argument,
-- so the planner folds each call to its array: an index predicate and a query
-- written with the same call match.
CREATE OR REPLACE FUNCTION push_actions_internal.statuses(kind text) RETURNS push_actions.push_status[]
	AS 'MODULE_PATHNAME', 'push_status_kind_members' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION push_actions_internal.statuses(text) IS
	'the statuses of a group: error (failed, bounced), success (sent, delivered, opened, converted), unfinished (scheduled, attempted), awaiting_delivery (attempted, sent), device_event (delivered, opened, converted), ending (converted, failed, bounced, expired)';


-- The platforms, each with what its provider needs and reports, are one table
-- in C (src/store_vocabulary.c): immutable, so each call folds to its array,
-- and not parsed again by the CHECK constraint of actions at every statement
-- as a SQL function would be.
CREATE OR REPLACE FUNCTION push_actions_internal.platforms() RETURNS text[]
	AS 'MODULE_PATHNAME', 'platforms_all' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION push_actions_internal.platforms() IS
	'the platforms an action may name';

-- A push to a device of these platforms goes through a provider (APNs, FCM,
-- Web Push) that needs the device's token: without one it cannot be sent.
CREATE OR REPLACE FUNCTION push_actions_internal.token_platforms() RETURNS text[]
	AS 'MODULE_PATHNAME', 'platforms_needing_token' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION push_actions_internal.token_platforms() IS
	'the platforms whose push devices must carry a token';

-- Only these platforms report delivery, so only their devices can be pending.
CREATE OR REPLACE FUNCTION push_actions_internal.delivery_report_platforms() RETURNS text[]
	AS 'MODULE_PATHNAME', 'platforms_reporting_delivery' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION push_actions_internal.delivery_report_platforms() IS
	'the platforms whose devices report delivery (Pushy: Android and Electron)';

-- A device a push is still pending on (push_info, push_pending_devices,
-- actions_pending_idx), before the push's own schedule and expiry are applied.
CREATE OR REPLACE FUNCTION push_actions_internal.is_pending_device(status push_actions.push_status, platform text, device_token text)
	RETURNS boolean
	LANGUAGE sql IMMUTABLE PARALLEL SAFE
	AS $$
SELECT status OPERATOR(pg_catalog.=) ANY (push_actions_internal.statuses('awaiting_delivery'))
   AND platform OPERATOR(pg_catalog.=) ANY (push_actions_internal.delivery_report_platforms())
   AND device_token IS NOT NULL
$$;
COMMENT ON FUNCTION push_actions_internal.is_pending_device(push_actions.push_status, text, text) IS
	'an action whose device has been handed the push and can still report its delivery';

-- A message is a push to one person.  Without a profile, each device is its
-- own person; without a push, each action is its own message.  These two keys,
-- with app_id, push_id, campaign_id and profile_id, identify a message.
CREATE OR REPLACE FUNCTION push_actions_internal.message_device(profile_id text, device_id bigint) RETURNS bigint
	LANGUAGE sql IMMUTABLE PARALLEL SAFE
	AS $$ SELECT CASE WHEN profile_id IS NULL THEN device_id END $$;
COMMENT ON FUNCTION push_actions_internal.message_device(text, bigint) IS
	'the device that is a message''s person when it has no profile, else NULL';
CREATE OR REPLACE FUNCTION push_actions_internal.message_action(push_id text, action_id bigint) RETURNS bigint
	LANGUAGE sql IMMUTABLE PARALLEL SAFE
	AS $$ SELECT CASE WHEN push_id IS NULL THEN action_id END $$;
COMMENT ON FUNCTION push_actions_internal.message_action(text, bigint) IS
	'the action that is a message of its own when it belongs to no push, else NULL';
-- A message of a push, among the push's messages: its campaign and its person
-- in one text that is never NULL and that no two messages share (the
-- campaign's digits, then ':' and the profile, or '#' and the device).
CREATE OR REPLACE FUNCTION push_actions_internal.message_person(campaign_id bigint, profile_id text, device_id bigint) RETURNS text
	LANGUAGE sql IMMUTABLE PARALLEL SAFE
	AS $$
SELECT COALESCE(campaign_id::pg_catalog.text, '')
       OPERATOR(pg_catalog.||) CASE WHEN profile_id IS NULL THEN '#' OPERATOR(pg_catalog.||) device_id::pg_catalog.text
                                    ELSE ':' OPERATOR(pg_catalog.||) profile_id END
$$;
COMMENT ON FUNCTION push_actions_internal.message_person(bigint, text, bigint) IS
	'the key of a message among its push''s messages: campaign, then profile or device';
