-- push_status behaviour: the state machine pair by pair, helpers, operator classes
BEGIN;
SET search_path = push_actions, public;
SELECT plan(97);

-- The SPEC's state machine written out independently of the C table.
CREATE TEMP TABLE allowed ("from" text, "to" text);
INSERT INTO allowed VALUES
	('scheduled', 'attempted'), ('scheduled', 'expired'),
	('attempted', 'attempted'), ('attempted', 'sent'), ('attempted', 'failed'),
	('attempted', 'bounced'), ('attempted', 'expired'),
	('sent', 'delivered'), ('sent', 'opened'), ('sent', 'converted'), ('sent', 'failed'),
	('sent', 'bounced'), ('sent', 'expired'),
	('delivered', 'opened'), ('delivered', 'converted'),
	('opened', 'converted'),
	('failed', 'attempted');

CREATE TEMP VIEW every_status AS
	SELECT s::text AS name, s FROM unnest('{scheduled,attempted,sent,delivered,opened,converted,failed,bounced,expired}'::push_status[]) s;

SELECT is(can_transition(f.s, t.s),
          EXISTS (SELECT 1 FROM allowed a WHERE a."from" = f.name AND a."to" = t.name),
          format('can_transition(%s, %s)', f.name, t.name))
FROM every_status f CROSS JOIN every_status t
ORDER BY f.s, t.s;

SELECT is(array_agg(s::text ORDER BY s), ARRAY['sent','delivered','opened','converted','failed','bounced','expired'],
          'is_final holds for the seven final states')
FROM every_status WHERE is_final(s);
SELECT is(array_agg(s::text ORDER BY s), ARRAY['sent','delivered','opened','converted'],
          'is_success holds for the four successes')
FROM every_status WHERE is_success(s);
SELECT has_opclass('push_actions', 'push_status_ops', 'btree operator class exists');
SELECT has_opclass('push_actions', 'push_status_hash_ops', 'hash operator class exists');
-- the extended hash, as hash partitioning and hash joins use it: seed 0
-- agrees with the plain hash, and the seed changes it
SELECT is(count(*)::int, 9, 'the extended hash with seed 0 has the plain hash in its low 32 bits, for every status')
FROM every_status WHERE (push_actions.push_status_hash_extended(s, 0) & 4294967295) = (push_actions.push_status_hash(s)::bigint & 4294967295);
SELECT is(count(DISTINCT push_actions.push_status_hash_extended('sent', seed))::int, 3, 'each seed its own extended hash')
FROM unnest(ARRAY[0, 1, 42]::bigint[]) seed;
SELECT throws_ok($$SELECT 'nope'::push_actions.push_status$$, '22P02',
                 'invalid input syntax for type push_status: "nope"', 'bad literal raises 22P02');
SELECT is(max(s)::text, 'expired', 'max follows the lifecycle') FROM every_status;
SELECT is(min(s)::text, 'scheduled', 'min follows the lifecycle') FROM every_status;
SELECT is(pg_column_size('converted'::push_status), 1, 'a status takes one byte');

-- the status groups SQL reads from the C table (written out here independently)
SELECT is(push_actions_internal.statuses('error')::text, '{failed,bounced}', 'the error statuses');
SELECT is(push_actions_internal.statuses('unfinished')::text, '{scheduled,attempted}', 'the unfinished statuses');
SELECT is(push_actions_internal.statuses('awaiting_delivery')::text, '{attempted,sent}',
          'the statuses of a device that can still report delivery');
SELECT is(push_actions_internal.statuses('device_event')::text, '{delivered,opened,converted}',
          'the statuses a device can report');
SELECT is(push_actions_internal.statuses(NULL), NULL, 'no group for NULL');
SELECT throws_ok($$SELECT push_actions_internal.statuses('errors')$$, '22023',
                 'unknown status kind "errors"', 'an unknown group is refused');

SELECT * FROM finish();
ROLLBACK;
