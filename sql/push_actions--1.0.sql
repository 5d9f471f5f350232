\echo Use "CREATE EXTENSION push_actions" to load this file. \quit

-- ===========================================================================
-- push_status: one byte, passed by value, ordered by lifecycle (src/push_status.c)
-- ===========================================================================

CREATE TYPE push_actions.push_status;

CREATE FUNCTION push_actions.push_status_in(cstring) RETURNS push_actions.push_status
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION push_actions.push_status_out(push_actions.push_status) RETURNS cstring
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION push_actions.push_status_recv(internal) RETURNS push_actions.push_status
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION push_actions.push_status_send(push_actions.push_status) RETURNS bytea
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE TYPE push_actions.push_status (
	INPUT = push_actions.push_status_in,
	OUTPUT = push_actions.push_status_out,
	RECEIVE = push_actions.push_status_recv,
	SEND = push_actions.push_status_send,
	INTERNALLENGTH = 1,
	PASSEDBYVALUE,
	ALIGNMENT = char,
	STORAGE = plain
);
COMMENT ON TYPE push_actions.push_status IS
	'status of one push action: scheduled < attempted < sent < delivered < opened < converted < failed < bounced < expired';

CREATE FUNCTION push_actions.push_status_eq(push_actions.push_status, push_actions.push_status) RETURNS boolean
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE LEAKPROOF;
CREATE FUNCTION push_actions.push_status_ne(push_actions.push_status, push_actions.push_status) RETURNS boolean
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE LEAKPROOF;
CREATE FUNCTION push_actions.push_status_lt(push_actions.push_status, push_actions.push_status) RETURNS boolean
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE LEAKPROOF;
CREATE FUNCTION push_actions.push_status_le(push_actions.push_status, push_actions.push_status) RETURNS boolean
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE LEAKPROOF;
CREATE FUNCTION push_actions.push_status_gt(push_actions.push_status, push_actions.push_status) RETURNS boolean
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE LEAKPROOF;
CREATE FUNCTION push_actions.push_status_ge(push_actions.push_status, push_actions.push_status) RETURNS boolean
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE LEAKPROOF;
CREATE FUNCTION push_actions.push_status_cmp(push_actions.push_status, push_actions.push_status) RETURNS integer
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE LEAKPROOF;
CREATE FUNCTION push_actions.push_status_hash(push_actions.push_status) RETURNS integer
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE LEAKPROOF;
CREATE FUNCTION push_actions.push_status_hash_extended(push_actions.push_status, bigint) RETURNS bigint
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE LEAKPROOF;

CREATE OPERATOR push_actions.= (
	LEFTARG = push_actions.push_status, RIGHTARG = push_actions.push_status,
	PROCEDURE = push_actions.push_status_eq, COMMUTATOR = OPERATOR(push_actions.=),
	NEGATOR = OPERATOR(push_actions.<>), RESTRICT = eqsel, JOIN = eqjoinsel,
	HASHES, MERGES);
CREATE OPERATOR push_actions.<> (
	LEFTARG = push_actions.push_status, RIGHTARG = push_actions.push_status,
	PROCEDURE = push_actions.push_status_ne, COMMUTATOR = OPERATOR(push_actions.<>),
	NEGATOR = OPERATOR(push_actions.=), RESTRICT = neqsel, JOIN = neqjoinsel);
CREATE OPERATOR push_actions.< (
	LEFTARG = push_actions.push_status, RIGHTARG = push_actions.push_status,
	PROCEDURE = push_actions.push_status_lt, COMMUTATOR = OPERATOR(push_actions.>),
	NEGATOR = OPERATOR(push_actions.>=), RESTRICT = scalarltsel, JOIN = scalarltjoinsel);
CREATE OPERATOR push_actions.<= (
	LEFTARG = push_actions.push_status, RIGHTARG = push_actions.push_status,
	PROCEDURE = push_actions.push_status_le, COMMUTATOR = OPERATOR(push_actions.>=),
	NEGATOR = OPERATOR(push_actions.>), RESTRICT = scalarlesel, JOIN = scalarlejoinsel);
CREATE OPERATOR push_actions.> (
	LEFTARG = push_actions.push_status, RIGHTARG = push_actions.push_status,
	PROCEDURE = push_actions.push_status_gt, COMMUTATOR = OPERATOR(push_actions.<),
	NEGATOR = OPERATOR(push_actions.<=), RESTRICT = scalargtsel, JOIN = scalargtjoinsel);
CREATE OPERATOR push_actions.>= (
	LEFTARG = push_actions.push_status, RIGHTARG = push_actions.push_status,
	PROCEDURE = push_actions.push_status_ge, COMMUTATOR = OPERATOR(push_actions.<=),
	NEGATOR = OPERATOR(push_actions.<), RESTRICT = scalargesel, JOIN = scalargejoinsel);

-- Two equal statuses are the same byte, so B-tree indexes may merge equal
-- keys into posting lists (deduplication, support function 4).  Without it
-- any index with status as a key is five times larger: actions_summary_idx
-- is 69 MB instead of 388 MB over 10 million actions.
CREATE OPERATOR CLASS push_actions.push_status_ops
	DEFAULT FOR TYPE push_actions.push_status USING btree AS
	OPERATOR 1 push_actions.<,
	OPERATOR 2 push_actions.<=,
	OPERATOR 3 push_actions.=,
	OPERATOR 4 push_actions.>=,
	OPERATOR 5 push_actions.>,
	FUNCTION 1 push_actions.push_status_cmp(push_actions.push_status, push_actions.push_status),
	FUNCTION 4 pg_catalog.btequalimage(oid);

CREATE OPERATOR CLASS push_actions.push_status_hash_ops
	DEFAULT FOR TYPE push_actions.push_status USING hash AS
	OPERATOR 1 push_actions.=,
	FUNCTION 1 push_actions.push_status_hash(push_actions.push_status),
	FUNCTION 2 push_actions.push_status_hash_extended(push_actions.push_status, bigint);

CREATE FUNCTION push_actions.push_status_smaller(push_actions.push_status, push_actions.push_status) RETURNS push_actions.push_status
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION push_actions.push_status_larger(push_actions.push_status, push_actions.push_status) RETURNS push_actions.push_status
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE AGGREGATE push_actions.min(push_actions.push_status) (
	SFUNC = push_actions.push_status_smaller, STYPE = push_actions.push_status,
	COMBINEFUNC = push_actions.push_status_smaller, SORTOP = OPERATOR(push_actions.<),
	PARALLEL = SAFE);
CREATE AGGREGATE push_actions.max(push_actions.push_status) (
	SFUNC = push_actions.push_status_larger, STYPE = push_actions.push_status,
	COMBINEFUNC = push_actions.push_status_larger, SORTOP = OPERATOR(push_actions.>),
	PARALLEL = SAFE);

CREATE FUNCTION push_actions.is_final(push_actions.push_status) RETURNS boolean
	AS 'MODULE_PATHNAME', 'push_status_is_final_fn' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION push_actions.is_final(push_actions.push_status) IS
	'true for sent, delivered, opened, converted, failed, bounced, expired';
CREATE FUNCTION push_actions.is_success(push_actions.push_status) RETURNS boolean
	AS 'MODULE_PATHNAME', 'push_status_is_success_fn' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION push_actions.is_success(push_actions.push_status) IS
	'true for sent, delivered, opened, converted';
CREATE FUNCTION push_actions.can_transition("from" push_actions.push_status, "to" push_actions.push_status) RETURNS boolean
	AS 'MODULE_PATHNAME', 'push_status_can_transition_fn' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION push_actions.can_transition(push_actions.push_status, push_actions.push_status) IS
	'the action state machine; failed -> attempted is only taken by retry()';

-- ===========================================================================
-- Tables.  Every key leads with or includes app_id so apps can be partitioned.
-- ===========================================================================

CREATE TABLE push_actions.apps (
	app_id		bigint GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
	name		text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
	-- sha256 of the token; the token itself is shown once by create_app()
	token_hash	bytea NOT NULL UNIQUE CHECK (length(token_hash) = 32),
	created_at	timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE push_actions.pushes (
	push_id		text NOT NULL CHECK (push_id ~ '^[0-9a-f]{24}$'),
	app_id		bigint NOT NULL REFERENCES push_actions.apps ON DELETE CASCADE,
	campaign_id	bigint,
	payload		jsonb NOT NULL CHECK (jsonb_typeof(payload) = 'object'),
	created_at	timestamptz NOT NULL DEFAULT now(),
	send_at		timestamptz,
	expires_at	timestamptz NOT NULL,
	PRIMARY KEY (app_id, push_id),
	CHECK (expires_at > created_at AND expires_at <= created_at + interval '365 days'),
	CHECK (send_at IS NULL OR send_at < expires_at)
);
-- push_info() is called with the id alone before the app is known to match
CREATE UNIQUE INDEX pushes_push_id_idx ON push_actions.pushes (push_id, app_id);
CREATE INDEX pushes_expires_idx ON push_actions.pushes (expires_at);

-- Column order is for the scans: status and attempts, which every summary
-- reads, come first, so a summary that reads the table deforms a row only
-- that far (1.2x less time than with them seventh and eighth); the other
-- fixed-width columns come before the text ones (1.5x faster scans than the
-- text columns first).
CREATE TABLE push_actions.actions (
	status			push_actions.push_status NOT NULL,
	attempts		smallint NOT NULL DEFAULT 0 CHECK (attempts BETWEEN 0 AND 10),
	action_id		bigint GENERATED BY DEFAULT AS IDENTITY,
	app_id			bigint NOT NULL,
	campaign_id		bigint,
	device_id		bigint NOT NULL,
	create_time		timestamptz NOT NULL DEFAULT now(),
	updated_at		timestamptz NOT NULL DEFAULT now(),
	push_id			text,
	profile_id		text,
	device_token	text,
	platform		text NOT NULL CHECK (platform IN
		('android', 'ios', 'web', 'electron', 'huawei', 'macos', 'windows', 'other')),
	channel			text NOT NULL DEFAULT 'push' CHECK (channel IN
		('push', 'inapp', 'onsite', 'email', 'sms')),
	error_message	text,
	-- action_id is unique by its sequence; app_id is in the key for partitioning
	PRIMARY KEY (action_id, app_id)
);
-- The references of actions to apps and pushes are enforced per statement by
-- the triggers below, not by row-level foreign keys: COPY of a million actions
-- then checks (and locks) each distinct parent once instead of twice per row.
-- (They are declared as foreign keys too, with those keys' triggers disabled.)

-- a campaign's actions newest first (the listing's default order)
CREATE INDEX actions_campaign_idx ON push_actions.actions (app_id, campaign_id, action_id DESC);
-- campaign summaries (delivery_summary per app or campaign, campaign_overview):
-- with every column a key, equal keys share one posting list, so the index
-- holds about 7 bytes per action (71 MB for 10 million, against 1.7 GB of
-- table); summaries are index-only scans of it, grouped in index order.
-- Measured at 10 million actions: 1.5x faster over all actions, 2x per
-- campaign; it costs COPY 2-4 us per row.
CREATE INDEX actions_summary_idx ON push_actions.actions (app_id, campaign_id, status, attempts);
-- a push's actions, per person (message_status, delete_push, purge); in the
-- order of a per-message GROUP BY push_id, profile_id, with the status, so
-- per-message roll-ups are index-only scans grouped in order, not hashed
CREATE INDEX actions_push_idx ON push_actions.actions (push_id, profile_id, app_id)
	INCLUDE (status);
-- a campaign's failed actions: the seed request ("error" = 1)
CREATE INDEX actions_failed_idx ON push_actions.actions (app_id, campaign_id, action_id DESC)
	WHERE status IN ('failed', 'bounced');
-- devices a push is still pending on (push_info); only Android/Electron report delivery
CREATE INDEX actions_pending_idx ON push_actions.actions (app_id, push_id, action_id)
	INCLUDE (device_token)
	WHERE status IN ('attempted', 'sent') AND platform IN ('android', 'electron');

-- Every inserted action's app and push exist; each is locked FOR KEY SHARE,
-- as a foreign key would, so a concurrent delete of the parent waits for us.
-- The new rows are read once, for their distinct parents; a parent that does
-- not exist shows as fewer rows locked than asked for, and only then are the
-- new rows searched again for the key to name in the error.
--
-- SECURITY DEFINER, reviewed: a foreign key checks and cascades with the
-- table owner's rights, so a role that may insert actions (or delete pushes)
-- needs no right on the other tables; FOR KEY SHARE would otherwise demand
-- UPDATE on apps and pushes from every loader.  Both reference triggers run
-- fixed statements over the transition table and the key columns alone, with
-- search_path pinned (pg_temp last), and cannot be called except as triggers.
CREATE FUNCTION push_actions.check_action_parents() RETURNS trigger
	LANGUAGE plpgsql SECURITY DEFINER
	SET search_path = pg_catalog, push_actions, pg_temp
	AS $$
DECLARE
	apps_wanted bigint;
	apps_locked bigint;
	pushes_wanted bigint;
	pushes_locked bigint;
	bad record;
BEGIN
	WITH parents AS MATERIALIZED (
		SELECT DISTINCT n.app_id, n.push_id FROM new_actions n
	), locked_apps AS (
		SELECT a.app_id FROM push_actions.apps a
		WHERE a.app_id IN (SELECT p.app_id FROM parents p)
		FOR KEY SHARE
	), locked_pushes AS (
		SELECT u.app_id FROM push_actions.pushes u
		WHERE (u.app_id, u.push_id) IN (SELECT p.app_id, p.push_id FROM parents p WHERE p.push_id IS NOT NULL)
		FOR KEY SHARE
	)
	SELECT (SELECT count(DISTINCT p.app_id) FROM parents p),
	       (SELECT count(*) FROM locked_apps),
	       (SELECT count(*) FROM parents p WHERE p.push_id IS NOT NULL),
	       (SELECT count(*) FROM locked_pushes)
	INTO apps_wanted, apps_locked, pushes_wanted, pushes_locked;
	IF apps_locked < apps_wanted THEN
		SELECT n.app_id INTO bad FROM new_actions n
		WHERE NOT EXISTS (SELECT 1 FROM push_actions.apps a WHERE a.app_id = n.app_id) LIMIT 1;
		RAISE EXCEPTION 'insert on table "actions" violates its reference to "apps"'
			USING ERRCODE = 'foreign_key_violation',
			      DETAIL = format('Key (app_id)=(%s) is not present in table "apps".', bad.app_id);
	END IF;
	IF pushes_locked < pushes_wanted THEN
		SELECT n.app_id, n.push_id INTO bad FROM new_actions n
		WHERE n.push_id IS NOT NULL
		  AND NOT EXISTS (SELECT 1 FROM push_actions.pushes p WHERE p.app_id = n.app_id AND p.push_id = n.push_id) LIMIT 1;
		RAISE EXCEPTION 'insert on table "actions" violates its reference to "pushes"'
			USING ERRCODE = 'foreign_key_violation',
			      DETAIL = format('Key (app_id, push_id)=(%s, %s) is not present in table "pushes".', bad.app_id, bad.push_id);
	END IF;
	RETURN NULL;
END
$$;
CREATE TRIGGER actions_check_parents AFTER INSERT ON push_actions.actions
	REFERENCING NEW TABLE AS new_actions
	FOR EACH STATEMENT EXECUTE FUNCTION push_actions.check_action_parents();

-- Keys that others refer to never change (no foreign key trigger enforces it).
CREATE FUNCTION push_actions.forbid_key_change() RETURNS trigger
	LANGUAGE plpgsql
	SET search_path = pg_catalog, push_actions, pg_temp
	AS $$
BEGIN
	-- apps rows have no push_id, and PL/pgSQL resolves every field it names
	IF NEW.app_id IS DISTINCT FROM OLD.app_id
	   OR (TG_TABLE_NAME <> 'apps' AND to_jsonb(NEW) -> 'push_id' IS DISTINCT FROM to_jsonb(OLD) -> 'push_id') THEN
		RAISE EXCEPTION 'the keys of table "%" cannot change', TG_TABLE_NAME
			USING ERRCODE = 'foreign_key_violation',
			      HINT = 'Actions refer to apps and pushes by these keys.';
	END IF;
	RETURN NEW;
END
$$;
CREATE TRIGGER actions_keys_fixed BEFORE UPDATE OF app_id, push_id ON push_actions.actions
	FOR EACH ROW EXECUTE FUNCTION push_actions.forbid_key_change();
CREATE TRIGGER pushes_keys_fixed BEFORE UPDATE OF app_id, push_id ON push_actions.pushes
	FOR EACH ROW EXECUTE FUNCTION push_actions.forbid_key_change();
CREATE TRIGGER apps_keys_fixed BEFORE UPDATE OF app_id ON push_actions.apps
	FOR EACH ROW EXECUTE FUNCTION push_actions.forbid_key_change();

-- Deleting a push or an app deletes its actions (ON DELETE CASCADE, per
-- statement), with the owner's rights like a foreign key's cascade (see above).
CREATE FUNCTION push_actions.delete_child_actions() RETURNS trigger
	LANGUAGE plpgsql SECURITY DEFINER
	SET search_path = pg_catalog, push_actions, pg_temp
	AS $$
BEGIN
	IF TG_TABLE_NAME = 'pushes' THEN
		DELETE FROM push_actions.actions a USING old_rows o
		WHERE a.app_id = o.app_id AND a.push_id = o.push_id;
	ELSE
		DELETE FROM push_actions.actions a USING old_rows o WHERE a.app_id = o.app_id;
	END IF;
	RETURN NULL;
END
$$;
CREATE TRIGGER pushes_delete_actions AFTER DELETE ON push_actions.pushes
	REFERENCING OLD TABLE AS old_rows
	FOR EACH STATEMENT EXECUTE FUNCTION push_actions.delete_child_actions();
CREATE TRIGGER apps_delete_actions AFTER DELETE ON push_actions.apps
	REFERENCING OLD TABLE AS old_rows
	FOR EACH STATEMENT EXECUTE FUNCTION push_actions.delete_child_actions();

-- The same references, declared as foreign keys whose row-level triggers are
-- disabled, since the statement-level triggers above enforce them.  pg_dump
-- orders the data of an extension's tables by their foreign keys alone:
-- without these it restores actions before apps and pushes, and the parent
-- check rejects the restore.  Declared, they also serve the planner's join
-- estimates and make TRUNCATE of a parent demand CASCADE.  pg_upgrade
-- re-creates the keys with their triggers enabled; ON DELETE CASCADE keeps
-- them right even then (row by row, slower): with NO ACTION, a deleted push's
-- row-level check would fire before the statement-level cascade and fail.
ALTER TABLE push_actions.actions
	ADD CONSTRAINT actions_app_id_fkey FOREIGN KEY (app_id)
		REFERENCES push_actions.apps ON DELETE CASCADE,
	ADD CONSTRAINT actions_push_fkey FOREIGN KEY (app_id, push_id)
		REFERENCES push_actions.pushes ON DELETE CASCADE;
-- Switches the row-level triggers of those keys off (as installed) or on;
-- returns how many it switched.  For the extension's owner: after pg_upgrade,
-- which re-creates the keys with their triggers on, run it with false.
CREATE FUNCTION push_actions.set_reference_key_triggers(enabled boolean) RETURNS integer
	LANGUAGE plpgsql VOLATILE STRICT
	SET search_path = pg_catalog, push_actions, pg_temp
	AS $$
DECLARE
	t record;
	n integer := 0;
BEGIN
	FOR t IN SELECT g.tgrelid::regclass AS rel, g.tgname
	         FROM pg_catalog.pg_trigger g JOIN pg_catalog.pg_constraint c ON c.oid = g.tgconstraint
	         WHERE c.conrelid = 'push_actions.actions'::regclass AND c.contype = 'f'
	LOOP
		EXECUTE format('ALTER TABLE %s %s TRIGGER %I', t.rel, CASE WHEN enabled THEN 'ENABLE' ELSE 'DISABLE' END, t.tgname);
		n := n + 1;
	END LOOP;
	RETURN n;
END
$$;
REVOKE EXECUTE ON FUNCTION push_actions.set_reference_key_triggers(boolean) FROM PUBLIC;
COMMENT ON FUNCTION push_actions.set_reference_key_triggers(boolean) IS
	'switches the row-level triggers of the foreign keys declared on actions on or off (off as installed); returns how many';
SELECT push_actions.set_reference_key_triggers(false);

SELECT pg_catalog.pg_extension_config_dump('push_actions.apps', '');
SELECT pg_catalog.pg_extension_config_dump('push_actions.pushes', '');
SELECT pg_catalog.pg_extension_config_dump('push_actions.actions', '');
SELECT pg_catalog.pg_extension_config_dump('push_actions.apps_app_id_seq', '');
SELECT pg_catalog.pg_extension_config_dump('push_actions.actions_action_id_seq', '');

-- ===========================================================================
-- Write API.  Each call is one statement, so it is atomic; errors change nothing.
-- ===========================================================================

-- Looks up the app an API token belongs to; NULL when none does.
CREATE FUNCTION push_actions.app_for_token(token text) RETURNS bigint
	LANGUAGE sql STABLE STRICT PARALLEL SAFE
	SET search_path = pg_catalog, push_actions, pg_temp
	AS $$ SELECT app_id FROM push_actions.apps WHERE token_hash = sha256(convert_to(token, 'UTF8')) $$;

CREATE FUNCTION push_actions.create_app(name text)
	RETURNS TABLE (app_id bigint, apptoken text)
	LANGUAGE plpgsql VOLATILE
	SET search_path = pg_catalog, push_actions, pg_temp
	AS $$
DECLARE
	token text;
BEGIN
	IF name IS NULL OR length(btrim(name)) = 0 THEN
		RAISE EXCEPTION 'app name must not be empty'
			USING ERRCODE = 'invalid_parameter_value';
	END IF;
	-- 244 random bits from the server's strong random source
	token := replace(gen_random_uuid()::text, '-', '') || replace(gen_random_uuid()::text, '-', '');
	INSERT INTO push_actions.apps AS a (name, token_hash)
		VALUES (create_app.name, sha256(convert_to(token, 'UTF8')))
		RETURNING a.app_id INTO app_id;
	apptoken := token;
	RETURN NEXT;
END
$$;
COMMENT ON FUNCTION push_actions.create_app(text) IS
	'creates an app and returns its API token; only a hash of the token is stored';

-- A push id like the hosted APIs': 8 hex digits of time, 16 random.
CREATE FUNCTION push_actions.new_push_id() RETURNS text
	LANGUAGE sql VOLATILE PARALLEL SAFE
	SET search_path = pg_catalog, push_actions, pg_temp
	AS $$ SELECT lpad(to_hex(extract(epoch FROM now())::bigint), 8, '0')
	             || substr(replace(gen_random_uuid()::text, '-', ''), 13, 16) $$;

CREATE FUNCTION push_actions.create_push(
	app_id bigint, payload jsonb, devices jsonb,
	campaign_id bigint DEFAULT NULL, send_at timestamptz DEFAULT NULL,
	expires_at timestamptz DEFAULT NULL)
	RETURNS text
	LANGUAGE plpgsql VOLATILE
	SET search_path = pg_catalog, push_actions, pg_temp
	AS $$
DECLARE
	new_id		text := push_actions.new_push_id();
	expiry		timestamptz := coalesce(expires_at, now() + interval '30 days');
	bad			record;
	problem		text;
BEGIN
	IF app_id IS NULL OR NOT EXISTS (SELECT 1 FROM push_actions.apps a WHERE a.app_id = create_push.app_id) THEN
		RAISE EXCEPTION 'app % does not exist', coalesce(app_id::text, 'NULL')
			USING ERRCODE = 'foreign_key_violation';
	END IF;
	IF payload IS NULL OR jsonb_typeof(payload) <> 'object' THEN
		RAISE EXCEPTION 'payload must be a JSON object'
			USING ERRCODE = 'invalid_parameter_value';
	END IF;
	IF devices IS NULL OR jsonb_typeof(devices) <> 'array' OR jsonb_array_length(devices) = 0 THEN
		RAISE EXCEPTION 'devices must be a non-empty JSON array'
			USING ERRCODE = 'invalid_parameter_value';
	END IF;
	IF expiry <= now() OR expiry > now() + interval '365 days' THEN
		RAISE EXCEPTION 'expires_at must be in the next 365 days'
			USING ERRCODE = 'invalid_parameter_value',
			      DETAIL = format('expires_at is %s.', expiry);
	END IF;
	IF send_at IS NOT NULL AND send_at >= expiry THEN
		RAISE EXCEPTION 'send_at must be before expires_at'
			USING ERRCODE = 'invalid_parameter_value';
	END IF;

	-- Find the first malformed device, then say exactly what is wrong with it.
	SELECT d.i - 1 AS idx, d.e INTO bad
	FROM jsonb_array_elements(devices) WITH ORDINALITY AS d(e, i)
	WHERE jsonb_typeof(d.e) IS DISTINCT FROM 'object'
	   OR jsonb_typeof(d.e -> 'device_id') IS DISTINCT FROM 'number'
	   OR (d.e ->> 'device_id') !~ '^[0-9]{1,18}$'
	   OR jsonb_typeof(d.e -> 'platform') IS DISTINCT FROM 'string'
	   OR (d.e ->> 'platform') NOT IN ('android', 'ios', 'web', 'electron', 'huawei', 'macos', 'windows', 'other')
	   OR coalesce(jsonb_typeof(d.e -> 'token'), 'null') NOT IN ('string', 'null')
	   OR coalesce(jsonb_typeof(d.e -> 'profile_id'), 'null') NOT IN ('string', 'null')
	   OR EXISTS (SELECT 1 FROM jsonb_object_keys(d.e) k
	              WHERE k NOT IN ('device_id', 'token', 'platform', 'profile_id'))
	ORDER BY d.i LIMIT 1;
	IF FOUND THEN
		problem := CASE
			WHEN jsonb_typeof(bad.e) IS DISTINCT FROM 'object' THEN 'is not an object'
			WHEN (SELECT k FROM jsonb_object_keys(bad.e) k
			      WHERE k NOT IN ('device_id', 'token', 'platform', 'profile_id') LIMIT 1) IS NOT NULL
				THEN format('has unknown key "%s"', (SELECT k FROM jsonb_object_keys(bad.e) k
					WHERE k NOT IN ('device_id', 'token', 'platform', 'profile_id') ORDER BY k LIMIT 1))
			WHEN jsonb_typeof(bad.e -> 'device_id') IS DISTINCT FROM 'number'
			  OR (bad.e ->> 'device_id') !~ '^[0-9]{1,18}$'
				THEN 'device_id must be a non-negative integer'
			WHEN jsonb_typeof(bad.e -> 'platform') IS DISTINCT FROM 'string'
			  OR (bad.e ->> 'platform') NOT IN ('android', 'ios', 'web', 'electron', 'huawei', 'macos', 'windows', 'other')
				THEN 'platform must be one of android, ios, web, electron, huawei, macos, windows, other'
			WHEN coalesce(jsonb_typeof(bad.e -> 'token'), 'null') NOT IN ('string', 'null')
				THEN 'token must be a string'
			ELSE 'profile_id must be a string'
		END;
		RAISE EXCEPTION 'devices[%] %', bad.idx, problem
			USING ERRCODE = 'invalid_parameter_value';
	END IF;

	INSERT INTO push_actions.pushes (push_id, app_id, campaign_id, payload, created_at, send_at, expires_at)
		VALUES (new_id, app_id, campaign_id, payload, now(), send_at, expiry);
	INSERT INTO push_actions.actions
		(app_id, push_id, campaign_id, device_id, profile_id, device_token, platform, channel, status, attempts)
	SELECT create_push.app_id, new_id, create_push.campaign_id, (d.e ->> 'device_id')::bigint,
	       d.e ->> 'profile_id', d.e ->> 'token', d.e ->> 'platform', 'push',
	       CASE WHEN send_at > now() THEN 'scheduled' ELSE 'attempted' END::push_actions.push_status, 0
	FROM jsonb_array_elements(devices) WITH ORDINALITY AS d(e, i)
	ORDER BY d.i;
	RETURN new_id;
END
$$;
COMMENT ON FUNCTION push_actions.create_push(bigint, jsonb, jsonb, bigint, timestamptz, timestamptz) IS
	'creates a push and one action per device; returns the 24-hex push_id';

-- True when a provider's error says the device token is dead for good.
CREATE FUNCTION push_actions.is_dead_token_error(message text) RETURNS boolean
	LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
	SET search_path = pg_catalog, push_actions, pg_temp
	AS $$ SELECT message ~* '(DEVICE_UNREGISTERED|\mUNREGISTERED\M|Application is Uninstalled|DeviceNotRegistered)' $$;

-- Locks one action for a status change, or says why it cannot be had.
CREATE FUNCTION push_actions.lock_action(action_id bigint)
	RETURNS push_actions.actions
	LANGUAGE plpgsql VOLATILE
	SET search_path = pg_catalog, push_actions, pg_temp
	AS $$
DECLARE
	row push_actions.actions;
BEGIN
	IF action_id IS NULL THEN
		RAISE EXCEPTION 'action_id must not be NULL' USING ERRCODE = 'null_value_not_allowed';
	END IF;
	SELECT * INTO row FROM push_actions.actions a WHERE a.action_id = lock_action.action_id FOR UPDATE;
	IF NOT FOUND THEN
		RAISE EXCEPTION 'action % does not exist', action_id USING ERRCODE = 'no_data_found';
	END IF;
	RETURN row;
END
$$;

-- Raises the error for a transition the state machine refuses.
CREATE FUNCTION push_actions.refuse_transition(action_id bigint, "from" push_actions.push_status,
                                               "to" push_actions.push_status, hint text DEFAULT NULL)
	RETURNS void
	LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE
	SET search_path = pg_catalog, push_actions, pg_temp
	AS $$
BEGIN
	RAISE EXCEPTION 'action % cannot go from % to %', action_id, "from", "to"
		USING ERRCODE = 'object_not_in_prerequisite_state',
		      HINT = coalesce(hint, 'See push_actions.can_transition() for the allowed transitions.');
END
$$;

CREATE FUNCTION push_actions.record_attempt(action_id bigint, ok boolean,
	error_message text DEFAULT NULL, permanent boolean DEFAULT false)
	RETURNS push_actions.push_status
	LANGUAGE plpgsql VOLATILE
	SET search_path = pg_catalog, push_actions, pg_temp
	AS $$
DECLARE
	cur		push_actions.actions := push_actions.lock_action(action_id);
	tries	smallint;
	new_status	push_actions.push_status;
BEGIN
	IF ok IS NULL THEN
		RAISE EXCEPTION 'ok must not be NULL' USING ERRCODE = 'null_value_not_allowed';
	END IF;
	IF cur.status NOT IN ('scheduled', 'attempted') THEN
		PERFORM push_actions.refuse_transition(action_id, cur.status,
			CASE WHEN ok THEN 'sent' ELSE 'attempted' END::push_actions.push_status,
			CASE WHEN cur.status = 'failed' THEN 'Call push_actions.retry() first.' END);
	END IF;
	tries := cur.attempts + 1;
	new_status := CASE
		WHEN ok THEN 'sent'
		WHEN push_actions.is_dead_token_error(error_message) THEN 'bounced'
		WHEN coalesce(permanent, false) OR tries >= 10 THEN 'failed'
		ELSE 'attempted'
	END;
	UPDATE push_actions.actions a
	SET status = new_status,
	    attempts = tries,
	    error_message = CASE WHEN ok THEN NULL ELSE record_attempt.error_message END,
	    updated_at = now()
	WHERE a.action_id = record_attempt.action_id;
	RETURN new_status;
END
$$;
COMMENT ON FUNCTION push_actions.record_attempt(bigint, boolean, text, boolean) IS
	'records one send attempt: sent on success; attempted, failed (10th try or permanent) or bounced (dead token) on failure';

CREATE FUNCTION push_actions.record_event(action_id bigint, status push_actions.push_status,
	at timestamptz DEFAULT now())
	RETURNS push_actions.push_status
	LANGUAGE plpgsql VOLATILE
	SET search_path = pg_catalog, push_actions, pg_temp
	AS $$
DECLARE
	cur		push_actions.actions := push_actions.lock_action(action_id);
BEGIN
	IF status IS NULL OR status NOT IN ('delivered', 'opened', 'converted', 'expired') THEN
		RAISE EXCEPTION 'record_event takes delivered, opened, converted or expired, not %',
			coalesce(status::text, 'NULL')
			USING ERRCODE = 'invalid_parameter_value',
			      HINT = 'Use record_attempt() for send results and retry() for failed actions.';
	END IF;
	IF at IS NULL THEN
		RAISE EXCEPTION 'at must not be NULL' USING ERRCODE = 'null_value_not_allowed';
	END IF;
	IF NOT push_actions.can_transition(cur.status, status) THEN
		PERFORM push_actions.refuse_transition(action_id, cur.status, status);
	END IF;
	UPDATE push_actions.actions a SET status = record_event.status, updated_at = at
	WHERE a.action_id = record_event.action_id;
	RETURN status;
END
$$;
COMMENT ON FUNCTION push_actions.record_event(bigint, push_actions.push_status, timestamptz) IS
	'records delivered, opened, converted or expired for an action, as the state machine allows';

CREATE FUNCTION push_actions.retry(action_id bigint)
	RETURNS push_actions.push_status
	LANGUAGE plpgsql VOLATILE
	SET search_path = pg_catalog, push_actions, pg_temp
	AS $$
DECLARE
	cur		push_actions.actions := push_actions.lock_action(action_id);
BEGIN
	IF cur.status <> 'failed' THEN
		PERFORM push_actions.refuse_transition(action_id, cur.status, 'attempted',
			'Only failed actions can be retried.');
	END IF;
	IF cur.attempts >= 10 THEN
		RAISE EXCEPTION 'action % has used all 10 attempts', action_id
			USING ERRCODE = 'object_not_in_prerequisite_state';
	END IF;
	UPDATE push_actions.actions a SET status = 'attempted', updated_at = now()
	WHERE a.action_id = retry.action_id;
	RETURN 'attempted'::push_actions.push_status;
END
$$;
COMMENT ON FUNCTION push_actions.retry(bigint) IS
	'puts a failed action with fewer than 10 attempts back to attempted';

-- ===========================================================================
-- delivery_summary: mergeable counts per status plus attempts (src/delivery_summary.c)
-- ===========================================================================

CREATE TYPE push_actions.delivery_summary;

CREATE FUNCTION push_actions.delivery_summary_in(cstring) RETURNS push_actions.delivery_summary
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION push_actions.delivery_summary_out(push_actions.delivery_summary) RETURNS cstring
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION push_actions.delivery_summary_recv(internal) RETURNS push_actions.delivery_summary
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION push_actions.delivery_summary_send(push_actions.delivery_summary) RETURNS bytea
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE TYPE push_actions.delivery_summary (
	INPUT = push_actions.delivery_summary_in,
	OUTPUT = push_actions.delivery_summary_out,
	RECEIVE = push_actions.delivery_summary_recv,
	SEND = push_actions.delivery_summary_send,
	INTERNALLENGTH = 80,
	ALIGNMENT = double,
	STORAGE = plain
);
COMMENT ON TYPE push_actions.delivery_summary IS
	'counts of actions per push_status plus the sum of attempts; merge with + or the delivery_summary aggregate';

CREATE FUNCTION push_actions.delivery_summary_eq(push_actions.delivery_summary, push_actions.delivery_summary) RETURNS boolean
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE LEAKPROOF;
CREATE FUNCTION push_actions.delivery_summary_ne(push_actions.delivery_summary, push_actions.delivery_summary) RETURNS boolean
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE LEAKPROOF;
CREATE FUNCTION push_actions.delivery_summary_merge(push_actions.delivery_summary, push_actions.delivery_summary) RETURNS push_actions.delivery_summary
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE OPERATOR push_actions.= (
	LEFTARG = push_actions.delivery_summary, RIGHTARG = push_actions.delivery_summary,
	PROCEDURE = push_actions.delivery_summary_eq, COMMUTATOR = OPERATOR(push_actions.=),
	NEGATOR = OPERATOR(push_actions.<>), RESTRICT = eqsel, JOIN = eqjoinsel);
CREATE OPERATOR push_actions.<> (
	LEFTARG = push_actions.delivery_summary, RIGHTARG = push_actions.delivery_summary,
	PROCEDURE = push_actions.delivery_summary_ne, COMMUTATOR = OPERATOR(push_actions.<>),
	NEGATOR = OPERATOR(push_actions.=), RESTRICT = neqsel, JOIN = neqjoinsel);
CREATE OPERATOR push_actions.+ (
	LEFTARG = push_actions.delivery_summary, RIGHTARG = push_actions.delivery_summary,
	PROCEDURE = push_actions.delivery_summary_merge, COMMUTATOR = OPERATOR(push_actions.+));

CREATE FUNCTION push_actions.to_jsonb(push_actions.delivery_summary) RETURNS jsonb
	AS 'MODULE_PATHNAME', 'delivery_summary_to_jsonb' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE CAST (push_actions.delivery_summary AS jsonb)
	WITH FUNCTION push_actions.to_jsonb(push_actions.delivery_summary);

CREATE FUNCTION push_actions.status(push_actions.delivery_summary) RETURNS push_actions.push_status
	AS 'MODULE_PATHNAME', 'delivery_summary_status' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION push_actions.status(push_actions.delivery_summary) IS
	'the message status across its actions (Customer.io roll-up rule); NULL for an empty summary';
CREATE FUNCTION push_actions.total(push_actions.delivery_summary) RETURNS bigint
	AS 'MODULE_PATHNAME', 'delivery_summary_total' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION push_actions.total(push_actions.delivery_summary) IS 'number of actions counted';
CREATE FUNCTION push_actions.status_count(push_actions.delivery_summary, push_actions.push_status) RETURNS bigint
	AS 'MODULE_PATHNAME', 'delivery_summary_status_count' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION push_actions.status_count(push_actions.delivery_summary, push_actions.push_status) IS
	'number of actions counted with the given status';
CREATE FUNCTION push_actions.pending(push_actions.delivery_summary) RETURNS bigint
	AS 'MODULE_PATHNAME', 'delivery_summary_pending' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION push_actions.pending(push_actions.delivery_summary) IS 'scheduled + attempted';
CREATE FUNCTION push_actions.error_rate(push_actions.delivery_summary) RETURNS double precision
	AS 'MODULE_PATHNAME', 'delivery_summary_error_rate' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION push_actions.error_rate(push_actions.delivery_summary) IS
	'100 x (failed + bounced) / total; NULL when the total is 0';

-- Transition functions (src/summary_agg.c); not STRICT, so they see NULL statuses and skip them.
CREATE FUNCTION push_actions.delivery_summary_add_status(push_actions.delivery_summary, push_actions.push_status)
	RETURNS push_actions.delivery_summary
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION push_actions.delivery_summary_add_status_attempts(push_actions.delivery_summary, push_actions.push_status, integer)
	RETURNS push_actions.delivery_summary
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE PARALLEL SAFE;

CREATE AGGREGATE push_actions.delivery_summary(push_actions.push_status) (
	SFUNC = push_actions.delivery_summary_add_status,
	STYPE = push_actions.delivery_summary,
	COMBINEFUNC = push_actions.delivery_summary_merge,
	PARALLEL = SAFE);
COMMENT ON AGGREGATE push_actions.delivery_summary(push_actions.push_status) IS
	'counts actions per status (attempts stay 0; use the two-argument form to sum them)';
CREATE AGGREGATE push_actions.delivery_summary(push_actions.push_status, integer) (
	SFUNC = push_actions.delivery_summary_add_status_attempts,
	STYPE = push_actions.delivery_summary,
	COMBINEFUNC = push_actions.delivery_summary_merge,
	PARALLEL = SAFE);
COMMENT ON AGGREGATE push_actions.delivery_summary(push_actions.push_status, integer) IS
	'counts actions per status and sums their attempts';
CREATE FUNCTION push_actions.delivery_summary_add_status_attempts_int2(push_actions.delivery_summary, push_actions.push_status, smallint)
	RETURNS push_actions.delivery_summary
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE AGGREGATE push_actions.delivery_summary(push_actions.push_status, smallint) (
	SFUNC = push_actions.delivery_summary_add_status_attempts_int2,
	STYPE = push_actions.delivery_summary,
	COMBINEFUNC = push_actions.delivery_summary_merge,
	PARALLEL = SAFE);
COMMENT ON AGGREGATE push_actions.delivery_summary(push_actions.push_status, smallint) IS
	'counts actions per status and sums their attempts (the actions.attempts column, without a cast)';
CREATE AGGREGATE push_actions.delivery_summary(push_actions.delivery_summary) (
	SFUNC = push_actions.delivery_summary_merge,
	STYPE = push_actions.delivery_summary,
	COMBINEFUNC = push_actions.delivery_summary_merge,
	PARALLEL = SAFE);
COMMENT ON AGGREGATE push_actions.delivery_summary(push_actions.delivery_summary) IS
	'merges stored summaries (daily roll-ups into months, shards into totals)';
-- rollup_status keeps only the set of statuses seen (src/rollup_agg.c): an
-- int4 bitmask, concrete and by value, merged by int4or.
CREATE FUNCTION push_actions.rollup_mask_add(integer, push_actions.push_status) RETURNS integer
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION push_actions.rollup_mask_status(integer) RETURNS push_actions.push_status
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE AGGREGATE push_actions.rollup_status(push_actions.push_status) (
	SFUNC = push_actions.rollup_mask_add,
	STYPE = integer,
	INITCOND = '0',
	FINALFUNC = push_actions.rollup_mask_status,
	COMBINEFUNC = pg_catalog.int4or,
	PARALLEL = SAFE);
COMMENT ON AGGREGATE push_actions.rollup_status(push_actions.push_status) IS
	'the message status across a person''s devices (Customer.io roll-up rule)';

-- ===========================================================================
-- Views for analysts and BI tools: every chartable column is a plain SQL type.
-- ===========================================================================

-- One row per message: a push to one person (or, without a profile, to one
-- device); an action without a push is a message of its own.
CREATE VIEW push_actions.message_status AS
SELECT app_id, push_id, campaign_id, profile_id,
       person_device AS device_id,
       standalone_action AS action_id,
       push_actions.total(summary) AS devices,
       first_attempt_at,
       push_actions.status(summary)::text AS status,
       summary
FROM (
	SELECT a.app_id, a.push_id, a.campaign_id, a.profile_id,
	       CASE WHEN a.profile_id IS NULL THEN a.device_id END AS person_device,
	       CASE WHEN a.push_id IS NULL THEN a.action_id END AS standalone_action,
	       min(a.create_time) FILTER (WHERE a.status OPERATOR(push_actions.<>) 'scheduled') AS first_attempt_at,
	       push_actions.delivery_summary(a.status, a.attempts) AS summary
	FROM push_actions.actions a
	GROUP BY a.app_id, a.push_id, a.campaign_id, a.profile_id,
	         CASE WHEN a.profile_id IS NULL THEN a.device_id END,
	         CASE WHEN a.push_id IS NULL THEN a.action_id END
) m;
COMMENT ON VIEW push_actions.message_status IS
	'one row per push and person: devices, first attempt, rolled-up status (text) and the device-level summary';

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
-- standalone actions (no push) are folded by age
CREATE INDEX actions_standalone_idx ON push_actions.actions (create_time) WHERE push_id IS NULL;
CREATE INDEX pushes_created_idx ON push_actions.pushes (created_at);

-- Folds the given pushes (whole, with all their actions) and standalone actions
-- into daily_rollups and deletes them, in one statement: a row is either still
-- in actions or counted in daily_rollups, never both and never twice.
-- Returns the number of actions folded.
CREATE FUNCTION push_actions.fold_and_delete(app_ids bigint[], push_ids text[], action_ids bigint[])
	RETURNS bigint
	LANGUAGE sql VOLATILE
	SET search_path = pg_catalog, push_actions, pg_temp
	AS $$
WITH push_gone AS (
	DELETE FROM push_actions.actions a
	USING unnest(app_ids, push_ids) AS k(app_id, push_id)
	WHERE a.app_id = k.app_id AND a.push_id = k.push_id
	RETURNING a.*
), standalone_gone AS (
	DELETE FROM push_actions.actions a
	WHERE a.action_id = ANY (action_ids) AND a.push_id IS NULL
	RETURNING a.*
), gone AS (
	SELECT * FROM push_gone UNION ALL SELECT * FROM standalone_gone
), pushes_gone AS (
	DELETE FROM push_actions.pushes p
	USING unnest(app_ids, push_ids) AS k(app_id, push_id)
	WHERE p.app_id = k.app_id AND p.push_id = k.push_id
), msgs AS (
	SELECT app_id, campaign_id,
	       (array_agg(platform ORDER BY action_id))[1] AS platform,
	       (min(create_time) AT TIME ZONE 'UTC')::date AS day,
	       push_actions.rollup_status(status) AS status
	FROM gone
	GROUP BY app_id, push_id, campaign_id, profile_id,
	         CASE WHEN profile_id IS NULL THEN device_id END,
	         CASE WHEN push_id IS NULL THEN action_id END
), parts AS (
	SELECT app_id, campaign_id, platform, (create_time AT TIME ZONE 'UTC')::date AS day,
	       push_actions.delivery_summary(status, attempts) AS summary, NULL::push_actions.delivery_summary AS messages
	FROM gone GROUP BY 1, 2, 3, 4
	UNION ALL
	SELECT app_id, campaign_id, platform, day, NULL, push_actions.delivery_summary(status)
	FROM msgs GROUP BY 1, 2, 3, 4
), folded AS (
	INSERT INTO push_actions.daily_rollups AS r (app_id, campaign_id, platform, day, summary, messages)
	SELECT app_id, campaign_id, platform, day,
	       coalesce(push_actions.delivery_summary(summary), '{}'),
	       coalesce(push_actions.delivery_summary(messages), '{}')
	FROM parts GROUP BY 1, 2, 3, 4
	-- in key order: two folds that share rows (same app, campaign, platform and
	-- day) then take them in the same order and wait instead of deadlocking
	ORDER BY 1, 2, 3, 4
	ON CONFLICT (app_id, campaign_id, platform, day) DO UPDATE
	SET summary = r.summary OPERATOR(push_actions.+) excluded.summary,
	    messages = r.messages OPERATOR(push_actions.+) excluded.messages
)
-- data-modifying CTEs run whether or not the result reads them
SELECT count(*) FROM gone
$$;

CREATE FUNCTION push_actions.fold_actions(older_than timestamptz, batch integer DEFAULT 10000)
	RETURNS bigint
	LANGUAGE plpgsql VOLATILE
	SET search_path = pg_catalog, push_actions, pg_temp
	AS $$
DECLARE
	app_ids		bigint[];
	push_ids	text[];
	action_ids	bigint[];
BEGIN
	IF older_than IS NULL THEN
		RAISE EXCEPTION 'older_than must not be NULL' USING ERRCODE = 'null_value_not_allowed';
	END IF;
	IF batch IS NULL OR batch < 1 THEN
		RAISE EXCEPTION 'batch must be a positive number of pushes' USING ERRCODE = 'invalid_parameter_value';
	END IF;
	-- SKIP LOCKED: a concurrent fold takes other pushes instead of waiting on these
	SELECT array_agg(p.app_id), array_agg(p.push_id) INTO app_ids, push_ids FROM (
		SELECT app_id, push_id FROM push_actions.pushes
		WHERE created_at < older_than ORDER BY created_at LIMIT batch
		FOR UPDATE SKIP LOCKED) p;
	SELECT array_agg(a.action_id) INTO action_ids FROM (
		SELECT action_id FROM push_actions.actions
		WHERE push_id IS NULL AND create_time < older_than ORDER BY create_time LIMIT batch
		FOR UPDATE SKIP LOCKED) a;
	RETURN push_actions.fold_and_delete(coalesce(app_ids, '{}'), coalesce(push_ids, '{}'), coalesce(action_ids, '{}'));
END
$$;
COMMENT ON FUNCTION push_actions.fold_actions(timestamptz, integer) IS
	'moves up to batch pushes created before older_than (and as many standalone actions) into daily_rollups; returns the actions moved';

-- One row per app and campaign: messages per rolled-up status, live and folded.
CREATE VIEW push_actions.campaign_overview AS
SELECT app_id, campaign_id,
       push_actions.total(m) AS messages,
       push_actions.status_count(m, 'sent') AS sent,
       push_actions.status_count(m, 'delivered') AS delivered,
       push_actions.status_count(m, 'opened') AS opened,
       push_actions.status_count(m, 'converted') AS converted,
       push_actions.status_count(m, 'failed') AS failed,
       push_actions.status_count(m, 'bounced') AS bounced,
       push_actions.status_count(m, 'expired') AS expired,
       push_actions.pending(m) AS pending,
       push_actions.error_rate(m) AS error_rate,
       d AS summary
FROM (
	SELECT app_id, campaign_id, push_actions.delivery_summary(m) AS m, push_actions.delivery_summary(d) AS d
	FROM (
		SELECT ms.app_id, ms.campaign_id,
		       push_actions.delivery_summary(push_actions.status(ms.summary)) AS m,
		       push_actions.delivery_summary(ms.summary) AS d
		FROM push_actions.message_status ms
		GROUP BY ms.app_id, ms.campaign_id
		UNION ALL
		SELECT r.app_id, r.campaign_id, push_actions.delivery_summary(r.messages), push_actions.delivery_summary(r.summary)
		FROM push_actions.daily_rollups r
		GROUP BY r.app_id, r.campaign_id
	) parts
	GROUP BY app_id, campaign_id
) c;
COMMENT ON VIEW push_actions.campaign_overview IS
	'per app and campaign: messages by rolled-up status, pending, error rate over messages, and the device-level summary';

-- ===========================================================================
-- The push-devices listing (Xtremepush list/push-devices), in C (src/listing_*.c)
-- ===========================================================================

CREATE FUNCTION push_actions.list_push_devices(request jsonb) RETURNS jsonb
	AS 'MODULE_PATHNAME' LANGUAGE C STABLE PARALLEL SAFE
	SET search_path = pg_catalog, push_actions, pg_temp;
COMMENT ON FUNCTION push_actions.list_push_devices(jsonb) IS
	'answers a list/push-devices request body: {"code":200,"success":true,"data":[...]} or a 400/401 error object';

CREATE FUNCTION push_actions.explain_push_devices(request jsonb, "analyze" boolean DEFAULT false) RETURNS SETOF text
	AS 'MODULE_PATHNAME' LANGUAGE C VOLATILE
	SET search_path = pg_catalog, push_actions, pg_temp;
COMMENT ON FUNCTION push_actions.explain_push_devices(jsonb, boolean) IS
	'the EXPLAIN (or EXPLAIN ANALYZE) of the query a list_push_devices request compiles to';

-- The listing's columns for BI tools: plain SQL types, times as timestamptz.
CREATE VIEW push_actions.push_devices AS
SELECT a.app_id, a.action_id, a.campaign_id, a.push_id, a.create_time, a.device_id, a.profile_id,
       a.device_token, a.platform, a.channel, a.status::text AS status, a.attempts,
       CASE WHEN a.status OPERATOR(push_actions.=) ANY ('{failed,bounced}'::push_actions.push_status[]) THEN 1 ELSE 0 END AS error,
       a.error_message, p.payload ->> 'message' AS message, a.updated_at AS update_time
FROM push_actions.actions a
LEFT JOIN push_actions.pushes p ON p.app_id = a.app_id AND p.push_id = a.push_id;
COMMENT ON VIEW push_actions.push_devices IS
	'the list_push_devices columns plus app_id, for BI tools';

-- ===========================================================================
-- Per-push pending devices (Pushy GET /pushes/{id}), deletion and retention
-- ===========================================================================

-- actions still unfinished, for purge's "all final" test
CREATE INDEX actions_unfinished_idx ON push_actions.actions (app_id, push_id)
	WHERE status IN ('scheduled', 'attempted');

-- The error object of the Pushy API: {"code": ..., "error": ...}.
CREATE FUNCTION push_actions.push_error(code text) RETURNS jsonb
	LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
	SET search_path = pg_catalog, push_actions, pg_temp
	AS $$
SELECT jsonb_build_object('code', code, 'error', CASE code
	WHEN 'INVALID_PUSH_ID' THEN 'The push notification ID provided is invalid.'
	WHEN 'PUSH_SCHEDULED' THEN 'The push notification is scheduled for future delivery, please try again after the scheduled delivery time elapses.'
	WHEN 'INVALID_API_KEY' THEN 'The secret API key provided is invalid.'
END)
$$;

-- The app's push a key may see, or NULL with the error to answer.  Unknown,
-- malformed, purged, deleted and other apps' ids all look the same.
CREATE FUNCTION push_actions.find_push(push_id text, api_key text, OUT push push_actions.pushes, OUT error jsonb)
	LANGUAGE plpgsql STABLE PARALLEL SAFE
	SET search_path = pg_catalog, push_actions, pg_temp
	AS $$
DECLARE
	app bigint := push_actions.app_for_token(api_key);
BEGIN
	IF app IS NULL THEN
		error := push_actions.push_error('INVALID_API_KEY');
		RETURN;
	END IF;
	IF push_id IS NOT NULL AND push_id ~ '^[0-9a-f]{24}$' THEN
		SELECT * INTO push FROM push_actions.pushes p WHERE p.app_id = app AND p.push_id = find_push.push_id;
	END IF;
	IF push.push_id IS NULL THEN
		error := push_actions.push_error('INVALID_PUSH_ID');
	END IF;
END
$$;

CREATE FUNCTION push_actions.push_info(push_id text, api_key text, as_of timestamptz DEFAULT now())
	RETURNS jsonb
	LANGUAGE plpgsql STABLE PARALLEL SAFE
	SET search_path = pg_catalog, push_actions, pg_temp
	AS $$
DECLARE
	hit		record := push_actions.find_push(push_id, api_key);
	p		push_actions.pushes := hit.push;
	tokens	jsonb := '[]';
	n		bigint := 0;
BEGIN
	IF hit.error IS NOT NULL THEN
		RETURN hit.error;
	END IF;
	IF p.send_at > coalesce(as_of, now()) THEN
		RETURN push_actions.push_error('PUSH_SCHEDULED');
	END IF;
	-- once expired, nothing is pending any more, whether or not purge() ran
	IF p.expires_at > coalesce(as_of, now()) THEN
		SELECT coalesce(jsonb_agg(t.device_token ORDER BY t.action_id), '[]') INTO tokens FROM (
			SELECT a.device_token, a.action_id FROM push_actions.actions a
			WHERE a.app_id = p.app_id AND a.push_id = p.push_id
			  AND a.status IN ('attempted', 'sent') AND a.platform IN ('android', 'electron')
			  AND a.device_token IS NOT NULL
			ORDER BY a.action_id LIMIT 1000) t;
		SELECT count(*) INTO n FROM push_actions.actions a
		WHERE a.app_id = p.app_id AND a.push_id = p.push_id
		  AND a.status IN ('attempted', 'sent') AND a.platform IN ('android', 'electron')
		  AND a.device_token IS NOT NULL;
	END IF;
	RETURN jsonb_build_object('push', jsonb_build_object(
		'date', extract(epoch FROM date_trunc('second', p.created_at))::bigint,
		'payload', p.payload,
		'expiration', extract(epoch FROM date_trunc('second', p.expires_at))::bigint,
		'pending_devices', tokens,
		'pending_count', n));
END
$$;
COMMENT ON FUNCTION push_actions.push_info(text, text, timestamptz) IS
	'Pushy GET /pushes/{id}: date, payload, expiration, up to 1,000 pending Android/Electron tokens (oldest first) and their full count';

-- Devices pushes are still pending on: Android and Electron actions attempted
-- or sent, of pushes neither scheduled ahead nor expired.
CREATE VIEW push_actions.push_pending_devices AS
SELECT a.app_id, a.push_id, a.device_token, a.platform, a.status::text AS status, a.attempts, a.create_time
FROM push_actions.actions a
JOIN push_actions.pushes p ON p.app_id = a.app_id AND p.push_id = a.push_id
WHERE a.status OPERATOR(push_actions.=) ANY ('{attempted,sent}'::push_actions.push_status[])
  AND a.platform IN ('android', 'electron') AND a.device_token IS NOT NULL
  AND p.expires_at > now() AND (p.send_at IS NULL OR p.send_at <= now());
COMMENT ON VIEW push_actions.push_pending_devices IS
	'Android/Electron devices a live push has been attempted or sent to and not yet delivered';

CREATE FUNCTION push_actions.delete_push(push_id text, api_key text)
	RETURNS jsonb
	LANGUAGE plpgsql VOLATILE
	SET search_path = pg_catalog, push_actions, pg_temp
	AS $$
DECLARE
	hit		record := push_actions.find_push(push_id, api_key);
BEGIN
	IF hit.error IS NOT NULL THEN
		RETURN hit.error;
	END IF;
	-- the row lock makes a concurrent delete or purge wait, then find nothing
	PERFORM 1 FROM push_actions.pushes p
	WHERE p.app_id = (hit.push).app_id AND p.push_id = (hit.push).push_id FOR UPDATE;
	IF NOT FOUND THEN
		RETURN push_actions.push_error('INVALID_PUSH_ID');
	END IF;
	PERFORM push_actions.fold_and_delete(ARRAY[(hit.push).app_id], ARRAY[(hit.push).push_id], '{}');
	RETURN '{"success": true}'::jsonb;
END
$$;
COMMENT ON FUNCTION push_actions.delete_push(text, text) IS
	'deletes a push and its actions, after folding them into daily_rollups';

CREATE FUNCTION push_actions.purge(now timestamptz DEFAULT now(), batch integer DEFAULT 10000)
	RETURNS bigint
	LANGUAGE plpgsql VOLATILE
	SET search_path = pg_catalog, push_actions, pg_temp
	AS $$
DECLARE
	app_ids		bigint[];
	push_ids	text[];
BEGIN
	IF now IS NULL THEN
		RAISE EXCEPTION 'now must not be NULL' USING ERRCODE = 'null_value_not_allowed';
	END IF;
	IF batch IS NULL OR batch < 1 THEN
		RAISE EXCEPTION 'batch must be a positive number of pushes' USING ERRCODE = 'invalid_parameter_value';
	END IF;
	-- Expired, or every action final for 2 days.  SKIP LOCKED: concurrent purges
	-- take different pushes; a push being written to waits for the next run.
	SELECT array_agg(c.app_id), array_agg(c.push_id) INTO app_ids, push_ids FROM (
		SELECT p.app_id, p.push_id FROM push_actions.pushes p
		WHERE p.expires_at <= purge.now
		   OR (p.created_at <= purge.now - interval '2 days'
		       AND NOT EXISTS (SELECT 1 FROM push_actions.actions a
		                       WHERE a.app_id = p.app_id AND a.push_id = p.push_id
		                         AND a.status IN ('scheduled', 'attempted'))
		       AND NOT EXISTS (SELECT 1 FROM push_actions.actions a
		                       WHERE a.app_id = p.app_id AND a.push_id = p.push_id
		                         AND a.updated_at > purge.now - interval '2 days'))
		ORDER BY p.expires_at
		LIMIT batch
		FOR UPDATE OF p SKIP LOCKED) c;
	IF app_ids IS NULL THEN
		RETURN 0;
	END IF;
	-- what never finished before expiry is counted as expired
	UPDATE push_actions.actions a SET status = 'expired', updated_at = purge.now
	FROM unnest(app_ids, push_ids) AS k(app_id, push_id), push_actions.pushes p
	WHERE a.app_id = k.app_id AND a.push_id = k.push_id
	  AND p.app_id = k.app_id AND p.push_id = k.push_id AND p.expires_at <= purge.now
	  AND a.status IN ('scheduled', 'attempted');
	PERFORM push_actions.fold_and_delete(app_ids, push_ids, '{}');
	RETURN cardinality(push_ids);
END
$$;
COMMENT ON FUNCTION push_actions.purge(timestamptz, integer) IS
	'deletes up to batch pushes that expired or whose actions were all final for 2 days, folding them into daily_rollups first; returns the pushes removed';
