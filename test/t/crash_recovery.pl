# Crash recovery: while pushes are created, actions COPYed, attempts and
# events recorded and purge and fold_actions run, the server is stopped with
# "immediate" (a crash: no shutdown checkpoint) at random moments, 20 times.
# After each restart: every acknowledged load is there exactly once, live or
# folded into daily_rollups; no unacknowledged load is half there; no action
# is in a state the state machine cannot reach; campaign_overview equals a
# plain-SQL recomputation from actions and daily_rollups; the kept roll-ups
# and the device tokens' states are in step (verify_*()); and amcheck finds
# every B-tree index of the extension's tables consistent with its table.
use strict;
use warnings;

use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;
use IPC::Run;

my $KILLS = 20;
my $DEVICES = 5;    # actions per load
srand($ENV{PA_CRASH_SEED} // 20261130);

my $node = PostgreSQL::Test::Cluster->new('crash');
$node->init;
$node->append_conf('postgresql.conf', "max_connections = 30\nlog_min_messages = warning");
$node->start;
$node->safe_psql('postgres', q{
	CREATE EXTENSION push_actions;
	CREATE EXTENSION amcheck;
	ALTER DATABASE postgres SET search_path = public, push_actions;
	INSERT INTO push_actions.apps (app_id, name, token_hash)
	VALUES (1, 'crash', sha256(convert_to('CRASH_TOKEN', 'UTF8')));
});

# Each load is one statement and gets its own campaign, so after a crash its
# actions can be counted wherever they are: live, or folded into
# daily_rollups by purge or fold_actions.  A load is acknowledged when psql
# reports it succeeded.
my $next_load = 1;
my %acked;

sub push_loads
{
	my ($from, $n) = @_;
	my $script = "\\set ON_ERROR_STOP 0\n";
	for my $c ($from .. $from + $n - 1)
	{
		my $devices = join ', ',
		  map { qq({"device_id": $_, "token": "t$_", "platform": "android", "profile_id": "p$_"}) } 1 .. $DEVICES;
		$script .= "SELECT push_actions.create_push(1, '{}', '[$devices]', $c, NULL, now() + interval '1 second') IS NOT NULL AS ok \\gset\n"
		  . "\\if :ERROR\n\\else\n\\echo ack $c\n\\endif\n";
	}
	return $script;
}

sub copy_loads
{
	my ($from, $n) = @_;
	my $script = "\\set ON_ERROR_STOP 0\n";
	for my $c ($from .. $from + $n - 1)
	{
		$script .= "COPY push_actions.actions (app_id, campaign_id, device_id, platform, status, attempts) FROM STDIN;\n";
		$script .= "1\t$c\t$_\tweb\tsent\t1\n" for 1 .. $DEVICES;
		$script .= "\\.\n\\if :ERROR\n\\else\n\\echo ack $c\n\\endif\n";
	}
	return $script;
}

my $writes = "\\set ON_ERROR_STOP 0\n" . (<<'SQL' x 3000);
SELECT push_actions.record_attempt(action_id, random() < 0.6, 'Unavailable') FROM push_actions.actions
 WHERE status = 'attempted' ORDER BY random() LIMIT 1;
SELECT push_actions.record_event(action_id, (ARRAY['delivered', 'opened', 'converted'])[1 + (random() * 2)::int]::push_actions.push_status)
  FROM push_actions.actions WHERE status = 'sent' ORDER BY random() LIMIT 1;
SQL
my $janitor = "\\set ON_ERROR_STOP 0\n" . (<<'SQL' x 1500);
SELECT push_actions.purge(now(), 20);
SELECT push_actions.fold_actions(now() - interval '1 second', 20);
SQL

# Runs a psql script in the background, from a file into a file: IPC::Run
# moves data through pipes only when pumped, and these must run unattended.
my $clients = 0;
sub client
{
	my ($script) = @_;
	my $base = "$PostgreSQL::Test::Utils::tmp_check/client" . $clients++;
	open my $fh, '>', "$base.sql" or die "cannot write $base.sql: $!";
	print $fh $script;
	close $fh;
	my $h = IPC::Run::start(
		[ 'psql', '-X', '-q', '-At', '-d', $node->connstr('postgres'), '-f', "$base.sql" ],
		'>', "$base.out", '2>', "$base.err");
	return { h => $h, out => "$base.out" };
}

# states, campaign_overview and the kept roll-ups against their
# recomputations, amcheck: all 0
my $invariants = PostgreSQL::Test::Utils::slurp_file('test/data/invariants.sql');
my $sound = "states the machine cannot reach|0\n"
  . "campaign_overview differs from its recomputation|0\n"
  . "kept roll-ups differing from their recomputation|0\n"
  . "device tokens whose state misses the live actions or contradicts itself|0\n"
  . "hourly buckets whose live part differs from their recomputation|0\n"
  . "B-tree indexes amcheck could not check|0";

# the check sees an action in a state no write path can make
like($node->safe_psql('postgres', "BEGIN;
	SET LOCAL push_actions.unchecked_writes = on;  -- only a repair by the owner writes one now
	INSERT INTO push_actions.actions (app_id, device_id, platform, status, attempts) VALUES (1, 1, 'ios', 'sent', 0);
	$invariants ROLLBACK;"), qr/^states the machine cannot reach\|1$/m, 'the invariants see an unreachable state');
# ... and kept roll-ups that a write went past
like($node->safe_psql('postgres', "BEGIN;
	ALTER TABLE push_actions.actions DISABLE TRIGGER actions_keep_rollups_insert;
	INSERT INTO push_actions.actions (app_id, device_id, platform, status) VALUES (1, 1, 'ios', 'scheduled');
	$invariants ROLLBACK;"), qr/^kept roll-ups differing from their recomputation\|[1-9]/m,
	'the invariants see kept roll-ups out of step');
# ... and a token whose state a write went past
like($node->safe_psql('postgres', "BEGIN;
	ALTER TABLE push_actions.actions DISABLE TRIGGER actions_keep_rollups_insert;
	INSERT INTO push_actions.actions (app_id, device_id, device_token, platform, status) VALUES (1, 1, 'unseen', 'ios', 'scheduled');
	$invariants ROLLBACK;"), qr/^device tokens whose state misses the live actions or contradicts itself\|1$/m,
	'the invariants see a token state out of step');
# ... and an hourly bucket a write went past
like($node->safe_psql('postgres', "BEGIN;
	ALTER TABLE push_actions.actions DISABLE TRIGGER actions_keep_rollups_insert;
	INSERT INTO push_actions.actions (app_id, device_id, platform, status) VALUES (1, 1, 'ios', 'scheduled');
	$invariants ROLLBACK;"), qr/^hourly buckets whose live part differs from their recomputation\|[1-9]/m,
	'the invariants see an hourly bucket out of step');

my $rows_checked = 0;
for my $kill (1 .. $KILLS)
{
	my $first = $next_load;
	# more than they can do before the crash, so it cuts them short
	my @loads = (client(push_loads($first, 3000)), client(copy_loads($first + 3000, 3000)));
	$next_load += 6000;
	my @others = (client($writes), client($janitor));

	# let them run, then crash
	select(undef, undef, undef, 0.2 + rand(0.6));
	$node->stop('immediate');
	for my $c (@loads, @others)
	{
		eval { $c->{h}->finish; };
	}
	for my $c (@loads)
	{
		my $out = PostgreSQL::Test::Utils::slurp_file($c->{out});
		$acked{$1} = 1 while $out =~ /^ack (\d+)$/mg;
	}
	$node->start;

	# every load, acknowledged or not, is all there or not at all
	my $found = $node->safe_psql('postgres', qq{
		WITH live AS (
			SELECT campaign_id, count(*) AS n FROM push_actions.actions
			WHERE campaign_id BETWEEN 1 AND $next_load GROUP BY 1
		), folded AS (
			SELECT campaign_id, sum(total(summary)) AS n FROM push_actions.daily_rollups
			WHERE campaign_id BETWEEN 1 AND $next_load GROUP BY 1
		)
		SELECT c, coalesce(l.n, 0) + coalesce(f.n, 0)
		FROM generate_series(1, $next_load - 1) c
		LEFT JOIN live l ON l.campaign_id = c LEFT JOIN folded f ON f.campaign_id = c
	});
	my ($lost, $half, $acked_now) = (0, 0, 0);
	for my $line (split /\n/, $found)
	{
		my ($c, $n) = split /\|/, $line;
		$rows_checked += $n;
		if ($acked{$c})
		{
			$acked_now++;
			$lost++ if $n != $DEVICES;
		}
		else
		{
			$half++ if $n != 0 && $n != $DEVICES;
		}
	}
	is($lost, 0, "crash $kill: each of the $acked_now acknowledged loads is there exactly once, live or folded");
	is($half, 0, "crash $kill: no unacknowledged load is half there");

	is($node->safe_psql('postgres', $invariants), $sound,
		"crash $kill: every state reachable, campaign_overview, the kept roll-ups and the tokens' states equal to their recomputations, amcheck clean");
}

my $acked = scalar(keys %acked);
cmp_ok($acked, '>', 100, "loads were acknowledged between the crashes: $acked");
cmp_ok($acked, '<', $next_load - 1 - 20, 'the crashes cut loads short: ' . ($next_load - 1 - $acked) . ' never acknowledged');
note "rows checked after the crashes: $rows_checked";

$node->stop;
done_testing();
