# pg_dump keeps the extension's data (SPEC section 2): a database with apps,
# pushes, actions and daily roll-ups is dumped in plain and custom format and
# restored into new databases with the tools' defaults, stopping at the first
# error; every table comes back identical and the restored databases go on
# working (sequences, tokens, the parent check, a role limited to its app).
use strict;
use warnings;

use FindBin;
use lib $FindBin::RealBin;
use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;
use PushActionsTest;

my $node = extension_node('dump', 'pa_dump');
$node->safe_psql('postgres', 'CREATE DATABASE pa_restore_plain; CREATE DATABASE pa_restore_custom;');

# the seed's standalone actions and March's two pushes, of which the first
# (and the oldest standalone action) is folded into daily_rollups, and a push
# made through the API today
$node->safe_psql('pa_dump', q{
SET search_path = push_actions, public;
\i test/data/seed_245624.sql
\i test/data/multi_device.sql
SELECT fold_actions('2026-03-03', 1);
SELECT create_push(1, '{"message":"today"}', '[{"device_id": 9001, "platform": "android", "token": "t9001"},
                                               {"device_id": 9002, "platform": "ios", "token": "t9002"}]', 42);
-- a role limited to app 2 (roles belong to the cluster: the restores find it)
CREATE ROLE pa_dump_beta;
GRANT USAGE ON SCHEMA push_actions TO pa_dump_beta;
GRANT SELECT ON push_actions.actions, push_actions.campaign_overview TO pa_dump_beta;
SELECT grant_app('pa_dump_beta', 2);
});
# a delivery token handed out before the dump (its app key is made then)
my ($delivery_id, $delivery_token) = split /\|/, $node->safe_psql('pa_dump', q{
	SELECT delivery_id, delivery_token FROM push_actions.push_deliveries('b0000000000000000000000b', 'YOUR_APPTOKEN')
	WHERE device_id = 102});
my @kept = ('push_actions_internal.app_keys', 'push_actions.app_roles');
my $orig = table_digests($node, 'pa_dump', @kept);
like($orig, qr/^push_actions.daily_rollups\|[1-9]/m, 'the dumped database has folded roll-ups');

my $dir = PostgreSQL::Test::Utils::tempdir;
$node->command_ok([ 'pg_dump', '-d', 'pa_dump', '-f', "$dir/dump.sql" ], 'pg_dump writes a plain dump');
$node->command_ok([ 'psql', '-X', '-q', '-v', 'ON_ERROR_STOP=1', '-d', 'pa_restore_plain', '-f', "$dir/dump.sql" ],
	'the plain dump restores with psql, stopping at the first error');
$node->command_ok([ 'pg_dump', '-Fc', '-d', 'pa_dump', '-f', "$dir/dump.custom" ], 'pg_dump writes a custom dump');
$node->command_ok([ 'pg_restore', '--exit-on-error', '-d', 'pa_restore_custom', "$dir/dump.custom" ],
	'the custom dump restores with pg_restore --exit-on-error');

is(table_digests($node, 'pa_restore_plain', @kept), $orig, 'every table comes back row for row from the plain dump');
is(table_digests($node, 'pa_restore_custom', @kept), $orig, 'every table comes back row for row from the custom dump');

# the kept roll-ups are not dumped: restoring the actions writes them again
my $views = q{SELECT md5(string_agg(x::text, E'\n' ORDER BY x::text)) FROM push_actions.message_status x
	UNION ALL SELECT md5(string_agg(x::text, E'\n' ORDER BY x::text)) FROM push_actions.campaign_overview x};
my $views_orig = $node->safe_psql('pa_dump', $views);
for my $db (qw(pa_restore_plain pa_restore_custom))
{
	is($node->safe_psql($db, 'SELECT count(*) FROM push_actions.verify_rollups()'), '0',
		"$db: the kept roll-ups equal their recomputation after the restore");
	is($node->safe_psql($db, $views), $views_orig, "$db: message_status and campaign_overview answer as before the dump");
}

# pg_dump leaves out the policies of an extension's tables; restoring
# app_roles makes them again
my $limited = q{SET ROLE pa_dump_beta;
	SELECT string_agg(DISTINCT app_id::text, ',') FROM push_actions.actions
	UNION ALL SELECT string_agg(DISTINCT app_id::text, ',') FROM push_actions.campaign_overview};
is($node->safe_psql('pa_dump', $limited), "2\n2", 'before the dump the limited role sees only app 2');
for my $db (qw(pa_restore_plain pa_restore_custom))
{
	is($node->safe_psql($db, $limited), "2\n2", "$db: after the restore it still sees only app 2");
	is($node->safe_psql($db, 'SELECT count(*) FROM push_actions.verify_app_roles()'), '0',
		"$db: the policies are those app_roles says");
}

# the sequences went along: new apps and actions get new ids, not restored ones
my $max = $node->safe_psql('pa_restore_plain', 'SELECT max(action_id) FROM push_actions.actions');
is($node->safe_psql('pa_restore_plain', qq{
	SELECT push_actions.create_push(1, '{"message":"again"}', '[{"device_id": 9003, "token": "web-9003", "platform": "web"}]') AS push \\gset
	SELECT (SELECT app_id FROM push_actions.create_app('after restore')) > 2,
	       (SELECT action_id FROM push_actions.actions WHERE push_id = :'push') > $max}),
	't|t', 'after the restore new apps and actions get ids beyond the restored ones');

# the token still opens the app: the seed request answers the same in all three
my $seed = q{SELECT push_actions.list_push_devices('{"apptoken":"YOUR_APPTOKEN","condition":[["campaign_id","=",245624],["error","=",1]],"select":["action_id","error_message"],"order":["create_time DESC"]}')};
my $answer = $node->safe_psql('pa_dump', $seed);
like($answer, qr/"code": 200.*action_id.*action_id/, 'the seed request answers with actions before the dump');
is($node->safe_psql('pa_restore_plain', $seed), $answer, 'the seed request answers the same after the plain restore');
is($node->safe_psql('pa_restore_custom', $seed), $answer, 'the seed request answers the same after the custom restore');

# the app keys came back: a token handed out before the dump still verifies
like($node->safe_psql('pa_restore_custom', qq{SELECT push_actions.track_event('$delivery_id', '$delivery_token', 'opened')}),
	qr/"success": true/, 'a delivery token handed out before the dump verifies after the restore');

# references are still checked after the restore, by the statement-level check
my ($ret, $out, $err) = $node->psql('pa_restore_custom', q{
	INSERT INTO push_actions.actions (app_id, push_id, device_id, platform, status)
	VALUES (1, 'ffffffffffffffffffffffff', 1, 'android', 'attempted')});
like($err, qr/violates its reference to "pushes"/, 'an action of an unknown push is still refused after the restore');

$node->stop;
done_testing();
