-- The SPEC's five-step roll-up rule, case by case, through both rollup_status()
-- and status(delivery_summary): the two must agree with the table and each other.
BEGIN;
SET search_path = push_actions, public;

CREATE TEMP TABLE cases (name text, devices push_status[], expected push_status);
INSERT INTO cases VALUES
	-- 1. no actions
	('empty input', '{}', NULL),
	('only NULL statuses', '{NULL,NULL}', NULL),
	-- 2. any converted wins
	('one converted', '{converted}', 'converted'),
	('converted with failures', '{failed,converted,bounced}', 'converted'),
	('converted with pending device', '{attempted,converted}', 'converted'),
	('converted with scheduled device', '{scheduled,converted}', 'converted'),
	('converted with expired', '{expired,converted}', 'converted'),
	('converted beside opened', '{opened,converted,delivered}', 'converted'),
	-- 3. anything unfinished: scheduled only when all are
	('one scheduled', '{scheduled}', 'scheduled'),
	('all scheduled', '{scheduled,scheduled,scheduled}', 'scheduled'),
	('one attempted', '{attempted}', 'attempted'),
	('scheduled + attempted', '{scheduled,attempted}', 'attempted'),
	('attempted + sent', '{attempted,sent}', 'attempted'),
	('attempted + opened', '{opened,attempted}', 'attempted'),
	('attempted + failed', '{failed,attempted}', 'attempted'),
	('scheduled + sent', '{scheduled,sent}', 'attempted'),
	('scheduled + failed', '{scheduled,failed}', 'attempted'),
	('scheduled + expired', '{expired,scheduled}', 'attempted'),
	('attempted + bounced + expired', '{bounced,expired,attempted}', 'attempted'),
	('scheduled + delivered', '{delivered,scheduled}', 'attempted'),
	-- 4. the furthest success
	('one sent', '{sent}', 'sent'),
	('sent + failed', '{sent,failed}', 'sent'),
	('sent + bounced', '{bounced,sent}', 'sent'),
	('sent + expired', '{sent,expired}', 'sent'),
	('one delivered', '{delivered}', 'delivered'),
	('delivered + sent', '{sent,delivered}', 'delivered'),
	('delivered + failed + bounced', '{failed,delivered,bounced}', 'delivered'),
	('one opened', '{opened}', 'opened'),
	('opened + delivered + sent', '{sent,delivered,opened}', 'opened'),
	('opened + failed', '{failed,opened}', 'opened'),
	('opened + expired', '{opened,expired}', 'opened'),
	('mixed devices: ios sent, android opened, web failed', '{sent,opened,failed}', 'opened'),
	-- 5. nothing succeeded
	('one failed', '{failed}', 'failed'),
	('all failed', '{failed,failed}', 'failed'),
	('failed + bounced', '{failed,bounced}', 'failed'),
	('failed + expired', '{expired,failed}', 'failed'),
	('failed + bounced + expired', '{bounced,expired,failed}', 'failed'),
	('one bounced', '{bounced}', 'bounced'),
	('all bounced', '{bounced,bounced,bounced}', 'bounced'),
	('bounced + expired', '{bounced,expired}', 'bounced'),
	('expired + bounced + expired', '{expired,bounced,expired}', 'bounced'),
	('one expired', '{expired}', 'expired'),
	('all expired', '{expired,expired,expired}', 'expired'),
	('NULLs are ignored', '{NULL,sent,NULL}', 'sent'),
	('NULLs beside failures', '{failed,NULL}', 'failed'),
	('every status once', '{scheduled,attempted,sent,delivered,opened,converted,failed,bounced,expired}', 'converted'),
	('every status but converted', '{scheduled,attempted,sent,delivered,opened,failed,bounced,expired}', 'attempted'),
	('every final status but converted', '{sent,delivered,opened,failed,bounced,expired}', 'opened');

SELECT plan((SELECT count(*)::int * 2 FROM cases) + 2);

SELECT is((SELECT rollup_status(d) FROM unnest(c.devices) d), c.expected, 'rollup_status: ' || c.name)
FROM cases c ORDER BY c.name;
SELECT is((SELECT status(delivery_summary(d)) FROM unnest(c.devices) d), c.expected, 'status(summary): ' || c.name)
FROM cases c ORDER BY c.name;

-- Split anywhere, as parallel workers or shards split the rows, the partial
-- states combine to the same answer: for rollup_status its bitmask states
-- (built by its transition function, merged by OR as its combine function
-- does), for summaries the + of the two halves.
SELECT is((SELECT count(*)::int FROM cases c, generate_series(0, cardinality(c.devices)) k
           WHERE rollup_mask_status(
                   coalesce((SELECT bit_or(rollup_mask_add(0, d)) FROM unnest(c.devices[:k]) d), 0) |
                   coalesce((SELECT bit_or(rollup_mask_add(0, d)) FROM unnest(c.devices[k + 1:]) d), 0))
                 IS DISTINCT FROM c.expected), 0,
          'rollup_status states combined from any split give the same status');
SELECT is((SELECT count(*)::int FROM cases c, generate_series(0, cardinality(c.devices)) k
           WHERE status(coalesce((SELECT delivery_summary(d) FROM unnest(c.devices[:k]) d), '{}') +
                        coalesce((SELECT delivery_summary(d) FROM unnest(c.devices[k + 1:]) d), '{}'))
                 IS DISTINCT FROM c.expected), 0,
          'summaries merged from any split give the same status');

SELECT * FROM finish();
ROLLBACK;
