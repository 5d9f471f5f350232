# What BI tools see: the column types of every view analysts are granted,
# read through a real client's metadata (psycopg2's cursor.description), are
# PostgreSQL's built-in types, apart from the summary columns kept for SQL
# users; and a client's string parameter compares with a status in a session
# that has no set-up at all.
use strict;
use warnings;

use FindBin;
use lib $FindBin::RealBin;
use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;
use PushActionsTest;

my $node = extension_node('clients', 'postgres');
$node->safe_psql('postgres', q{
\i test/data/seed_245624.sql
\i test/data/multi_device.sql
SELECT push_actions.fold_actions('2026-03-03', 1);
});
my @views = map { "push_actions.$_" }
  qw(message_status campaign_overview push_devices push_pending_devices daily_overview);

local $ENV{PGHOST} = $node->host;
local $ENV{PGPORT} = $node->port;
local $ENV{PGDATABASE} = 'postgres';
my ($out, $err) = run_command([ '/usr/bin/python3', 'test/tools/column_types.py', @views ]);
is($err, '', 'psycopg2 reads every view');

my (%columns, $bound);
for my $line (split /\n/, $out)
{
	my ($view, $column, $oid, $type) = split /\|/, $line;
	if ($view eq 'bound') { $bound = $oid; next; }
	push @{ $columns{$view} }, [ $column, $oid, $type ];
}
for my $view (@views)
{
	my @columns = @{ $columns{$view} // [] };
	ok(@columns > 3, "$view has its columns");
	my @custom = map { "$_->[0] ($_->[2])" } grep { $_->[1] >= 16384 && $_->[0] !~ /summary$/ } @columns;
	is_deeply(\@custom, [], "$view: every column but the summaries has a built-in type");
}
my %daily = map { $_->[0] => $_->[2] } @{ $columns{'push_actions.daily_overview'} };
is(join(',', map { "$_=$daily{$_}" } qw(devices sent error_rate day)),
	'devices=bigint,sent=bigint,error_rate=double precision,day=date',
	'daily_overview: counts are bigint, rates double precision, the day a date');
is($bound, $node->safe_psql('postgres', q{SELECT count(*) FROM push_actions.actions WHERE status::text = 'failed'}),
	'a status compared with a string psycopg2 sends, in a session with no set-up');

$node->stop;
done_testing();
