# Beyond one server (SPEC section 9): two clusters are shards, each running
# the extension with its own apps; a third is the coordinator, whose table is
# partitioned by app_id into postgres_fdw foreign tables.  Aggregates grouped
# by app (and finer) are computed whole on the shards, their results travel
# back as text and equal what each shard computes itself, and cross-app
# totals merge the shards' summaries.
use strict;
use warnings;

use FindBin;
use lib $FindBin::RealBin;
use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;
use PushActionsTest;

# two apps from FIRST_APP on, three pushes each, with successes, retried
# failures, bounces and deliveries, all through the write API
sub fill
{
	my ($node, $first_app) = @_;
	$node->safe_psql('postgres', qq{
SELECT setval(pg_get_serial_sequence('push_actions.apps', 'app_id'), $first_app, false);
SET search_path = push_actions, public;
SELECT create_app('shard app ' || n) FROM generate_series(1, 2) n;
SELECT create_push(a.app_id, '{"message":"hello"}',
	(SELECT jsonb_agg(jsonb_build_object('device_id', d, 'platform', CASE WHEN d % 3 = 0 THEN 'ios' ELSE 'android' END,
	                                     'token', 'tok' || a.app_id || '-' || p || '-' || d, 'profile_id', 'person' || d / 2))
	 FROM generate_series(1, 40 + 10 * p) d),
	campaign_id => a.app_id * 10 + p % 2)
FROM apps a, generate_series(1, 3) p;
SELECT record_attempt(action_id, action_id % 7 <> 0,
	CASE WHEN action_id % 7 = 0 THEN CASE WHEN action_id % 2 = 0 THEN 'DEVICE_UNREGISTERED' ELSE 'timeout' END END,
	action_id % 14 = 0) FROM actions;
SELECT record_event(action_id, 'delivered') FROM actions WHERE status = 'sent' AND action_id % 3 = 0;
SELECT record_event(action_id, 'converted') FROM actions WHERE status = 'delivered' AND action_id % 5 = 0;
});
}

my $shard1 = extension_node('shard1', 'postgres');
my $shard2 = extension_node('shard2', 'postgres');
fill($shard1, 1);
fill($shard2, 101);
my $coord = extension_node('coordinator', 'postgres');
my ($h1, $p1, $h2, $p2) = ($shard1->host, $shard1->port, $shard2->host, $shard2->port);
$coord->safe_psql('postgres', qq{
CREATE EXTENSION postgres_fdw;
CREATE SERVER shard1 FOREIGN DATA WRAPPER postgres_fdw OPTIONS (host '$h1', port '$p1', dbname 'postgres', extensions 'push_actions');
CREATE SERVER shard2 FOREIGN DATA WRAPPER postgres_fdw OPTIONS (host '$h2', port '$p2', dbname 'postgres', extensions 'push_actions');
CREATE USER MAPPING FOR CURRENT_USER SERVER shard1;
CREATE USER MAPPING FOR CURRENT_USER SERVER shard2;
CREATE TABLE all_actions (
	app_id bigint NOT NULL, push_id text, campaign_id bigint, profile_id text, device_id bigint,
	platform text, status push_actions.push_status NOT NULL, attempts smallint NOT NULL
) PARTITION BY RANGE (app_id);
CREATE FOREIGN TABLE all_actions_1 PARTITION OF all_actions FOR VALUES FROM (1) TO (101)
	SERVER shard1 OPTIONS (schema_name 'push_actions', table_name 'actions');
CREATE FOREIGN TABLE all_actions_2 PARTITION OF all_actions FOR VALUES FROM (101) TO (201)
	SERVER shard2 OPTIONS (schema_name 'push_actions', table_name 'actions');
-- without statistics the planner may find shipping the rows cheaper than
-- shipping the aggregate
ANALYZE all_actions;
ALTER DATABASE postgres SET search_path = public, push_actions;
ALTER DATABASE postgres SET enable_partitionwise_aggregate = on;
});
sub coord { return $coord->safe_psql('postgres', $_[0]); }
sub on_shards { return join "\n", sort map { split /\n/, $_->safe_psql('postgres', $_[0]) } $shard1, $shard2; }
sub sorted { return join "\n", sort split /\n/, $_[0]; }
sub aggregates_pushed { my @n = $_[0] =~ /Relations: Aggregate on/g; return scalar @n; }

my $per_app = 'SELECT app_id, delivery_summary(status, attempts) FROM all_actions GROUP BY app_id';
my $plan = coord("EXPLAIN (VERBOSE, COSTS OFF) $per_app");
is(aggregates_pushed($plan), 2, 'delivery_summary per app is one aggregate pushed down per partition');
like($plan, qr/Remote SQL: SELECT app_id, delivery_summary\(status, attempts\) FROM push_actions.actions GROUP BY/,
	'each shard computes the summary itself');

# what each shard answers itself, and what the coordinator answers for it
my $local_per_app = on_shards('SELECT app_id, delivery_summary(status, attempts) FROM push_actions.actions GROUP BY 1');
my $coord_per_app = sorted(coord($per_app));
is($coord_per_app, $local_per_app, 'the apps\' summaries through the coordinator equal the shards\' own, to the byte');
is(scalar(split /\n/, $coord_per_app), 4, 'four apps answer');

# a total over every app: the shards' summaries merged by delivery_summary(delivery_summary)
my $total = coord("SELECT delivery_summary(s) FROM ($per_app) per_app(app_id, s)");
my $parts = join ', ', map { "('" . $_->safe_psql('postgres', 'SELECT delivery_summary(status, attempts) FROM push_actions.actions') . "'::delivery_summary)" } $shard1, $shard2;
is($total, coord("SELECT delivery_summary(s)::text FROM (VALUES $parts) v(s)"), 'the cross-app total merges the shards\' summaries');
is(coord("SELECT total('$total'::delivery_summary) = (SELECT count(*) FROM all_actions)
                 AND status_count('$total'::delivery_summary, 'bounced') > 0 AND status_count('$total'::delivery_summary, 'converted') > 0"),
	't', 'the total counts every action once, bounces and conversions included');

# per campaign with a filter on push_status: the operator is the extension's, so it ships too
$plan = coord("EXPLAIN (VERBOSE, COSTS OFF) SELECT app_id, campaign_id, delivery_summary(status) FROM all_actions WHERE status <> 'scheduled' GROUP BY app_id, campaign_id");
is(aggregates_pushed($plan), 2, 'per campaign, with a push_status filter, is computed whole on the shards');
like($plan, qr/WHERE \(\(status <> 'scheduled'\)\)/, 'the push_status filter ships with it');

# per message: rollup_status grouped by app, push and person, pushed down and equal to the shards' own
my $per_message = 'SELECT app_id, push_id, profile_id, rollup_status(status) FROM all_actions GROUP BY 1, 2, 3';
$plan = coord("EXPLAIN (VERBOSE, COSTS OFF) $per_message");
is(aggregates_pushed($plan), 2, 'rollup_status per message runs on the shards');
my %local;
for my $line (split /\n/, on_shards('SELECT r, count(*) FROM (SELECT rollup_status(status) AS r FROM push_actions.actions GROUP BY app_id, push_id, profile_id) m GROUP BY 1'))
{
	my ($status, $n) = split /\|/, $line;
	$local{$status} += $n;
}
is(sorted(coord("SELECT r, count(*) FROM ($per_message) m(a, p, u, r) GROUP BY r")),
	join("\n", map { "$_|$local{$_}" } sort keys %local), 'per message, the coordinator gives the shards\' own counts');

# a summary over one app touches only that app's shard
$plan = coord('EXPLAIN (VERBOSE, COSTS OFF) SELECT app_id, delivery_summary(status) FROM all_actions WHERE app_id = 101 GROUP BY app_id');
ok($plan =~ /all_actions_2/ && $plan !~ /all_actions_1/ && aggregates_pushed($plan) == 1,
	'one app\'s summary asks only that app\'s shard, aggregate included');

# without the extension named in the server's options, nothing of ours is shipped:
# the rows come back and the coordinator aggregates them, with the same result
coord('ALTER SERVER shard1 OPTIONS (DROP extensions); ALTER SERVER shard2 OPTIONS (DROP extensions)');
unlike(coord("EXPLAIN (VERBOSE, COSTS OFF) $per_app"), qr/Remote SQL: .*delivery_summary/,
	'without \'extensions\' in the server options no aggregate of ours is shipped');
is(sorted(coord($per_app)), $coord_per_app, 'and the coordinator, aggregating the rows itself, answers the same');

# a shard that is down is an error naming the connection, not a wrong total
$shard2->stop;
my ($ret, $out, $err) = $coord->psql('postgres', $per_app);
like($err, qr/could not connect to server "shard2"/, 'with a shard down the query fails, naming the shard');

$shard1->stop;
$coord->stop;
done_testing();
