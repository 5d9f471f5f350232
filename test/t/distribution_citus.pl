# Beyond one server on Citus (SPEC section 9): a coordinator and two workers
# with Citus preloaded.  A user's table of actions distributed by app_id is
# summarised with the extension's types and aggregates: grouped by app, each
# group is computed whole on a worker; across apps, the workers compute
# partial aggregates that the coordinator combines.  Every answer equals the
# same query over the same rows in a plain table on one server, also after a
# third worker joins and the shards are rebalanced.  Then the extension's own
# tables are distributed with data in them, and the kept roll-ups, kept by
# their trigger on the shards, answer as on one server after every kind of
# write and after the rebalance.
#
# Skipped when Citus is not installed, or does not support this server.
use strict;
use warnings;

use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;

my $pkglibdir = `pg_config --pkglibdir`;
my ($server_major) = `pg_config --version` =~ /(\d+)/;
chomp $pkglibdir;
plan skip_all => "Citus is not installed (make test CITUS_SOURCE=path/to/citus-N.tar.gz, or a folder of them, builds it)"
  unless -e "$pkglibdir/citus.so";

my @nodes;
sub citus_node
{
	my ($name) = @_;
	my $node = PostgreSQL::Test::Cluster->new($name);
	$node->init;
	$node->append_conf('postgresql.conf', qq{
shared_preload_libraries = 'citus'
log_min_messages = warning
max_prepared_transactions = 20
citus.local_hostname = '@{[ $node->host ]}'
});
	$node->start;
	push @nodes, $node;
	return $node;
}

my $coord = citus_node('coordinator');
my $citus_default = $coord->safe_psql('postgres',
	"SELECT default_version FROM pg_available_extensions WHERE name = 'citus'");
my $worker1 = citus_node('worker1');
my $worker2 = citus_node('worker2');

for my $node (@nodes)
{
	$node->safe_psql('postgres', 'CREATE EXTENSION citus; CREATE EXTENSION push_actions');
}
$coord->safe_psql('postgres', qq{
SELECT citus_set_coordinator_host('@{[ $coord->host ]}', @{[ $coord->port ]});
SELECT citus_add_node('@{[ $worker1->host ]}', @{[ $worker1->port ]});
SELECT citus_add_node('@{[ $worker2->host ]}', @{[ $worker2->port ]});
});
is($coord->safe_psql('postgres', 'SELECT count(*) FROM citus_get_active_worker_nodes()'),
	'2', "Citus $citus_default on PostgreSQL $server_major: a coordinator and two workers");

# the same rows twice: distributed by app_id, and in a plain table that
# stays on the coordinator as the single server's answer
$coord->safe_psql('postgres', q{
CREATE TABLE user_actions (
	app_id bigint NOT NULL, campaign_id bigint, push_id text, profile_id text, device_id bigint,
	status push_actions.push_status NOT NULL, attempts smallint NOT NULL,
	summary push_actions.delivery_summary);
CREATE TABLE single_actions (LIKE user_actions);
SELECT create_distributed_table('user_actions', 'app_id');
SELECT setseed(0.25);
INSERT INTO single_actions
SELECT 1 + n % 7, CASE WHEN n % 11 <> 0 THEN 10 * (1 + n % 7) + n % 3 END, 'p' || n / 40, 'person' || n / 3, n,
       (ARRAY['scheduled', 'attempted', 'sent', 'delivered', 'opened', 'converted', 'failed', 'bounced', 'expired'])
           [1 + floor(random() * 9)::int]::push_actions.push_status,
       floor(random() * 4)::smallint, NULL
FROM generate_series(1, 6000) n;
UPDATE single_actions SET summary = format('{"%s": 1, "attempts": %s}', status, attempts)::push_actions.delivery_summary
WHERE device_id % 5 = 0;
INSERT INTO user_actions SELECT * FROM single_actions;
ANALYZE user_actions; ANALYZE single_actions;
});

# name => query over "t"; each runs over both tables and must answer alike
my %queries = (
	'summary per app and campaign' =>
	  'SELECT app_id, campaign_id, delivery_summary(status, attempts)::text FROM t GROUP BY 1, 2',
	'summary per app' =>
	  'SELECT app_id, delivery_summary(status)::text, status(delivery_summary(status)) FROM t GROUP BY 1',
	'summary per campaign across apps' =>
	  'SELECT campaign_id, delivery_summary(status, attempts)::text FROM t GROUP BY 1',
	'totals' =>
	  'SELECT delivery_summary(status, attempts)::text, count(*) FROM t',
	'error rate and pending per app' =>
	  'SELECT app_id, round(error_rate(delivery_summary(status))::numeric, 6), pending(delivery_summary(status)) FROM t GROUP BY 1',
	'roll-up per message' =>
	  'SELECT app_id, push_id, profile_id, rollup_status(status)::text FROM t GROUP BY 1, 2, 3',
	'messages per rolled-up status across apps' =>
	  'SELECT s::text, count(*) FROM (SELECT rollup_status(status) AS s FROM t GROUP BY app_id, push_id, profile_id) m GROUP BY 1',
	'merge of stored summaries per app' =>
	  'SELECT app_id, delivery_summary(summary)::text FROM t GROUP BY 1',
	'merge of stored summaries across apps' =>
	  'SELECT delivery_summary(summary)::text, total(delivery_summary(summary)) FROM t',
	'operators in filters' =>
	  q{SELECT app_id, count(*) FROM t WHERE status > 'sent' AND is_final(status) AND summary IS DISTINCT FROM '{}' GROUP BY 1},
	'min and max of statuses across apps' =>
	  'SELECT min(status)::text, max(status)::text FROM t',
);

sub answer
{
	my ($table, $sql) = @_;
	$sql =~ s/\bFROM t\b/FROM $table/;
	return $coord->safe_psql('postgres',
		"SET search_path = public, push_actions; SELECT string_agg(x::text, E'\\n' ORDER BY x::text) FROM ($sql) x");
}

sub all_answers_equal
{
	my ($when) = @_;
	for my $name (sort keys %queries)
	{
		my $single = answer('single_actions', $queries{$name});
		isnt($single, '', "$name: the single server answers");
		is(answer('user_actions', $queries{$name}), $single, "$when, $name: Citus answers as one server");
	}
}
all_answers_equal('two workers');

sub plan_of
{
	my ($sql) = @_;
	$sql =~ s/\bFROM t\b/FROM user_actions/;
	return $coord->safe_psql('postgres',
		"SET search_path = public, push_actions; EXPLAIN (VERBOSE, COSTS OFF) $sql");
}

# grouped by app: the coordinator only gathers; each group is made on a worker
my $per_app = plan_of($queries{'summary per app and campaign'});
note $per_app;
like($per_app, qr/\A\s*Custom Scan \(Citus Adaptive\)/, 'grouped by app: nothing is aggregated on the coordinator');
like($per_app, qr/->\s+HashAggregate|->\s+GroupAggregate/, 'grouped by app: the workers aggregate');
like($per_app, qr/delivery_summary\(status, attempts\)/, 'grouped by app: the workers compute delivery_summary itself');

# across apps: partial aggregates on the workers, combined on the coordinator
my $totals = plan_of($queries{'totals'});
note $totals;
like($totals, qr/\A\s*Aggregate\n.*\n\s*->\s+Custom Scan \(Citus Adaptive\)/s, 'across apps: the coordinator combines');
# (Citus 14 sends the partial states in binary: worker_binary_partial_agg)
like($totals, qr/Query: SELECT pg_catalog\.worker_(binary_)?partial_agg\('delivery_summary\(/,
	'across apps: the workers send partial aggregates of delivery_summary, not rows');
like($totals, qr/coord_(binary_)?combine_agg\(/, 'across apps: the coordinator combines them with the combine function');

# The extension's own tables on Citus, kept roll-ups included, distributed
# by push_actions.distribute() with data in them.  The same rows go into a
# database without Citus on the coordinator, the single server, by the same
# statements; after each write the kept roll-ups on the cluster must have no
# difference from their recomputation, and message_status and
# campaign_overview must answer as on the single server.
$coord->safe_psql('postgres', 'CREATE DATABASE single');
$coord->safe_psql('single', 'CREATE EXTENSION push_actions');

sub on_both
{
	my ($sql) = @_;
	$coord->safe_psql('single', "SET search_path = push_actions, public; $sql");
	$coord->safe_psql('postgres', "SET search_path = push_actions, public; $sql");
}

# data written before distribution: two apps, pushes to people with several
# devices and to devices without profile, actions without a push
# (statuses and attempts at random, some where the write API never leads:
# loaded as the owner's repair, before distribution)
on_both(q{
BEGIN;
SET LOCAL push_actions.unchecked_writes = on;
INSERT INTO apps (app_id, name, token_hash) SELECT i, 'app ' || i, sha256(convert_to('app ' || i, 'UTF8')) FROM generate_series(1, 6) i;
INSERT INTO pushes (push_id, app_id, campaign_id, payload, created_at, expires_at)
SELECT lpad(to_hex(p), 24, '0'), 1 + p % 6, 10 + p % 4, '{}', '2026-11-01', '2026-12-30' FROM generate_series(1, 30) p;
INSERT INTO actions (action_id, app_id, push_id, campaign_id, device_id, profile_id, device_token, platform, status, attempts, create_time)
SELECT p * 100 + d, 1 + p % 6, lpad(to_hex(p), 24, '0'), 10 + p % 4, d, CASE WHEN d % 4 <> 0 THEN 'person' || d / 3 END,
       't' || d, 'android', (ARRAY['scheduled', 'attempted', 'sent', 'delivered', 'failed'])[1 + (p + d) % 5]::push_status,
       (p + d) % 3, timestamptz '2026-11-01' + (p * 7 + d) * interval '1 minute'
FROM generate_series(1, 30) p, generate_series(1, 12) d;
INSERT INTO actions (action_id, app_id, campaign_id, device_id, device_token, platform, channel, status, attempts, create_time)
SELECT 90000 + i, 1 + i % 6, 10 + i % 4, i, 'e' || i, 'other', 'email', 'sent', 1, timestamptz '2026-11-02' + i * interval '1 minute'
FROM generate_series(1, 20) i;
COMMIT;
});

is($coord->safe_psql('single', 'SELECT push_actions.distribute()'), 'nothing to do: no Citus',
	'distribute() changes nothing on a server without Citus');
$coord->safe_psql('postgres', q{
CREATE ROLE analyst;
GRANT SELECT ON push_actions.campaign_overview TO analyst;
});
# a role limited to app 2 before distribution (and one to app 3 after)
$coord->safe_psql('postgres', q{
CREATE ROLE pa_citus_two LOGIN;
CREATE ROLE pa_citus_three LOGIN;
GRANT USAGE ON SCHEMA push_actions TO pa_citus_two, pa_citus_three;
GRANT SELECT ON push_actions.actions, push_actions.message_status, push_actions.campaign_overview TO pa_citus_two, pa_citus_three;
-- Citus reads the shards under a view as the caller: the tables the views read
GRANT USAGE ON SCHEMA push_actions_internal TO pa_citus_two, pa_citus_three;
GRANT SELECT ON push_actions_internal.messages, push_actions_internal.campaign_stripes, push_actions.daily_rollups
	TO pa_citus_two, pa_citus_three;
SELECT push_actions.grant_app('pa_citus_two', 2);
});
is($coord->safe_psql('postgres', 'SELECT push_actions.distribute()'), 'distributed', 'distribute() distributes');
is($coord->safe_psql('postgres', 'SELECT push_actions.distribute()'), 'nothing to do: already distributed',
	'distribute() a second time does nothing');
is($coord->safe_psql('postgres', q{
SELECT sum(pg_relation_size(t)) FROM unnest(ARRAY['push_actions.apps', 'push_actions.pushes', 'push_actions.actions',
	'push_actions.daily_rollups', 'push_actions_internal.messages', 'push_actions_internal.campaign_stripes',
	'push_actions_internal.app_keys', 'push_actions_internal.retired_app_tokens',
	'push_actions_internal.device_tokens', 'push_actions_internal.time_buckets',
	'push_actions_internal.time_buckets_deleted']::regclass[]) t}),
	'0', "the rows copied into the shards leave the coordinator's own tables");
is($coord->safe_psql('postgres', q{
SELECT obj_description('push_actions.message_status'::regclass, 'pg_class') IS NOT NULL
   AND has_table_privilege('analyst', 'push_actions.campaign_overview', 'SELECT')
   AND (SELECT count(*) FROM pg_depend WHERE refobjid = (SELECT oid FROM pg_extension WHERE extname = 'push_actions')
        AND classid = 'pg_class'::regclass AND objid IN (SELECT oid FROM pg_class WHERE relkind = 'v')) = 13}),
	't', 'the views are made again with their comments and grants, members of the extension');
is($coord->safe_psql('postgres', q{
SELECT string_agg(logicalrelid::text || ':' || partmethod::text, ' ' ORDER BY logicalrelid::text) FROM pg_dist_partition
WHERE logicalrelid::text LIKE 'push_actions%'}),
	'push_actions.actions:h push_actions.apps:n push_actions.daily_rollups:h push_actions.pushes:h push_actions_internal.app_keys:h push_actions_internal.campaign_stripes:h push_actions_internal.device_tokens:h push_actions_internal.messages:h push_actions_internal.retired_app_tokens:n push_actions_internal.time_buckets:h push_actions_internal.time_buckets_deleted:h',
	'the extension tables are distributed by app_id, apps and the replaced tokens reference tables');

# the apps per role hold on the coordinator: the policies went to the shards
# with their tables, and those made later follow them there
$coord->safe_psql('postgres', q{SELECT push_actions.grant_app('pa_citus_three', 3)});
my $seen = q{SELECT string_agg(DISTINCT app_id::text, ',') FROM push_actions.actions
	UNION ALL SELECT string_agg(DISTINCT app_id::text, ',') FROM push_actions.message_status
	UNION ALL SELECT string_agg(DISTINCT app_id::text, ',') FROM push_actions.campaign_overview};
is($coord->safe_psql('postgres', "SET ROLE pa_citus_two; $seen"), "2\n2\n2",
	'on Citus a role limited before distribute() reads only its app, in actions and the views');
is($coord->safe_psql('postgres', "SET ROLE pa_citus_three; $seen"), "3\n3\n3", 'and so does a role limited after');
is($coord->safe_psql('postgres', "RESET ROLE; SELECT string_agg(DISTINCT app_id::text, ',') FROM push_actions.campaign_overview"),
	'1,2,3,4,5,6', 'the owner reads every app');
is($coord->safe_psql('postgres', 'SELECT count(*) FROM push_actions.verify_app_roles()'), '0',
	'verify_app_roles() finds the policies as mapped');
$coord->safe_psql('postgres', 'GRANT INSERT ON push_actions.actions TO pa_citus_two');
$coord->psql('postgres', q{SET ROLE pa_citus_two;
	INSERT INTO push_actions.actions (app_id, campaign_id, device_id, platform, status) VALUES (3, 10, 1, 'other', 'scheduled')},
	stderr => \my $other_app);
like($other_app, qr/new row violates row-level security policy for table "actions/,
	'on Citus a limited role cannot write another app\'s action either');

my %kept_views = (
	message_status => 'SELECT * FROM push_actions.message_status',
	campaign_overview => 'SELECT * FROM push_actions.campaign_overview',
	# not update_time: the time of the write, on each server its own
	push_devices => q{SELECT app_id, action_id, campaign_id, push_id, create_time, device_id, profile_id, device_token,
	                         platform, channel, status, attempts, error, error_message, message FROM push_actions.push_devices},
	push_pending_devices => 'SELECT * FROM push_actions.push_pending_devices',
	'actions' => 'SELECT action_id, app_id, push_id, status, attempts, profile_id FROM push_actions.actions',
	# not the moments: the times of the writes, on each server its own
	device_token_states => q{SELECT app_id, platform, device_token, last_success_at IS NOT NULL AS succeeded,
	                                last_error_code, last_error_class, failures_since_success, alive, dead_reason
	                         FROM push_actions.device_token_states},
	# the hourly series without their hours and latencies, which follow the
	# times of the writes
	hourly_delivery => q{SELECT app_id, campaign_id, platform, sum(scheduled), sum(attempted), sum(sent), sum(delivered),
	                            sum(opened), sum(converted), sum(failed), sum(bounced), sum(expired)
	                     FROM push_actions.hourly_delivery GROUP BY app_id, campaign_id, platform},
);
sub kept_equal
{
	my ($when) = @_;
	is($coord->safe_psql('postgres', 'SELECT count(*) FROM push_actions.verify_rollups()'), '0',
		"$when: verify_rollups() finds no difference on the cluster");
	is($coord->safe_psql('postgres', 'SELECT count(*) FROM push_actions.verify_device_tokens()'), '0',
		"$when: verify_device_tokens() finds nothing on the cluster");
	is($coord->safe_psql('postgres', 'SELECT count(*) FROM push_actions.verify_time_buckets()'), '0',
		"$when: verify_time_buckets() finds nothing on the cluster");
	for my $name (sort keys %kept_views)
	{
		my $sql = "SELECT string_agg(x::text, E'\\n' ORDER BY x::text) FROM ($kept_views{$name}) x";
		my $single = $coord->safe_psql('single', $sql);
		isnt($single, '', "$when: $name has rows on the single server");
		is($coord->safe_psql('postgres', $sql), $single, "$when: $name on the cluster equals the single server's");
	}
}
kept_equal('distributed with data');

# the write API, called on the coordinator: each call finds its action's app,
# then locks and updates the action on its shard
on_both(q{
SELECT record_attempt(104, true);
SELECT record_event(104, 'delivered');
SELECT record_attempt(105, false, 'timeout', true);
SELECT retry(105);
SELECT record_event(90005, 'delivered');
});
kept_equal('record_attempt, record_event and retry');
is($coord->safe_psql('postgres', q{SELECT status || ':' || attempts FROM push_actions.actions WHERE action_id IN (104, 105) ORDER BY action_id}),
	"delivered:3\nattempted:1", 'the write API calls changed the actions as on one server');

# the same calls with the action's app named: each runs whole on the worker
# that holds the app (a distributed function), as one task
on_both(q{
SELECT record_attempt(109, true, app_id => 2);
SELECT record_event(109, 'delivered', app_id => 2);
SELECT record_attempt(110, false, 'timeout', true, app_id => 2);
SELECT retry(110, app_id => 2);
});
kept_equal('record_attempt, record_event and retry with the app named');
is($coord->safe_psql('postgres', q{SELECT status || ':' || attempts FROM push_actions.actions WHERE action_id IN (109, 110) ORDER BY action_id}),
	"delivered:2\nattempted:3", 'the calls with the app named changed the actions as on one server');
for my $call (q{record_attempt(110, true, app_id => 2)}, q{record_event(109, 'opened', now(), 2)}, q{retry(110, app_id => 2)})
{
	like($coord->safe_psql('postgres', "EXPLAIN (COSTS OFF) SELECT push_actions.$call"),
		qr/\A\s*Custom Scan \(Citus Adaptive\)\n\s*Task Count: 1\n.*->\s+Result/s, "$call: the whole call is one task on one worker");
}
my ($wrong_rc, $wrong_out, $wrong_err) = $coord->psql('postgres', 'SELECT push_actions.record_attempt(110, true, app_id => 3)');
like($wrong_err, qr/action 110 does not exist in app 3/, 'an action named with another app is not found on the cluster either');

# writes on the cluster: each fires the kept roll-ups' trigger on the shards
on_both(q{
INSERT INTO pushes (push_id, app_id, campaign_id, payload, created_at, expires_at)
SELECT lpad(to_hex(p), 24, '0'), 1 + p % 6, 10 + p % 4, '{}', '2026-11-01', '2026-12-30' FROM generate_series(31, 40) p;
INSERT INTO actions (action_id, app_id, push_id, campaign_id, device_id, profile_id, device_token, platform, status, attempts, create_time)
SELECT p * 100 + d, 1 + p % 6, lpad(to_hex(p), 24, '0'), 10 + p % 4, d, CASE WHEN d % 4 <> 0 THEN 'person' || d / 3 END,
       't' || d, 'ios', 'scheduled', 0, timestamptz '2026-11-03' + (p * 7 + d) * interval '1 minute'
FROM generate_series(1, 40) p, generate_series(13, 15) d;
});
kept_equal('INSERT of new pushes and of devices of existing messages, across apps');
# COPY through the coordinator: Citus routes each row to its app's shard,
# where the kept roll-ups' trigger counts it
on_both(qq{COPY actions (action_id, app_id, push_id, campaign_id, device_id, profile_id, device_token, platform, status, attempts, create_time) FROM STDIN;
95001\t3\t000000000000000000000002\t12\t40\tperson0\tc0\tweb\tattempted\t0\t2026-11-04 00:00:00+00
95002\t3\t000000000000000000000002\t12\t41\tperson0\tc1\tweb\tsent\t1\t2026-11-04 01:00:00+00
95003\t4\t000000000000000000000009\t11\t42\tperson1\tc2\tweb\tfailed\t2\t2026-11-04 02:00:00+00
95004\t5\t000000000000000000000004\t10\t43\tperson1\tc3\tweb\tdelivered\t1\t2026-11-04 03:00:00+00
95005\t2\t000000000000000000000001\t11\t44\tperson2\tc4\tweb\tscheduled\t0\t2026-11-04 04:00:00+00
\\.
});
kept_equal('COPY of actions into existing messages and new ones, across apps');
on_both(q{
BEGIN;
SET LOCAL citus.propagate_set_commands = 'local';
SET LOCAL push_actions.unchecked_writes = on;
UPDATE actions SET status = 'sent', attempts = 1 WHERE app_id = 2 AND action_id = 101;
UPDATE actions SET status = 'failed', attempts = 2 WHERE app_id = 2 AND action_id = 90001;
COMMIT;
});
kept_equal('one action updated within its message');
# the state machine holds on the workers, where the trigger runs: refused
# as on one server
my @refusals = map { my ($ret, $out, $err) = $coord->psql($_, q{UPDATE push_actions.actions SET status = 'scheduled' WHERE action_id = 104});
	$err =~ s/^(psql:\S+ )?ERROR:\s+//r =~ s/\n.*//sr } ('single', 'postgres');
is($refusals[0], 'action 104 cannot go from delivered to scheduled', 'an UPDATE the state machine refuses, on one server');
is($refusals[1], $refusals[0], 'and on Citus, with the same error');
# repairs outside it (back to scheduled, and from the random states loaded)
# are the owner's; on Citus the setting travels to the workers with the
# transaction's SET LOCAL
on_both(q{
BEGIN;
SET LOCAL citus.propagate_set_commands = 'local';
SET LOCAL push_actions.unchecked_writes = on;
UPDATE actions SET status = 'delivered' WHERE status = 'sent';
UPDATE actions SET profile_id = 'moved' WHERE action_id % 7 = 0;
UPDATE actions SET status = 'scheduled' WHERE action_id % 11 = 0;
COMMIT;
});
kept_equal('UPDATEs across apps, moving devices between messages and back to scheduled');
on_both(q{
DELETE FROM actions WHERE action_id % 5 = 0;
DELETE FROM pushes WHERE push_id = lpad(to_hex(3), 24, '0');
DELETE FROM apps WHERE app_id = 6;
});
kept_equal('DELETE of actions, of a push and of an app (the foreign keys cascade on the shards)');
is($coord->safe_psql('postgres', q{
EXPLAIN (COSTS OFF) SELECT * FROM push_actions.message_status WHERE app_id = 2 AND push_id = '000000000000000000000002'}) =~ /Task Count: 1\b/ ? 1 : 0,
	1, 'message_status of one push of one app runs on one shard');

# The rest of the API on the coordinator, each answer side by side with the
# single server's.
sub both_answer
{
	my ($sql, $name) = @_;
	my $single = $coord->safe_psql('single', "SET search_path = push_actions, public; $sql");
	isnt($single, '', "$name: the single server answers");
	is($coord->safe_psql('postgres', "SET search_path = push_actions, public; $sql"), $single,
		"$name: the cluster answers as one server");
}
both_answer(q{SELECT string_agg(push_info(lpad(to_hex(p), 24, '0'), 'app ' || (1 + p % 6), '2026-11-05')::text, E'\n' ORDER BY p)
FROM generate_series(1, 14) p}, 'push_info, pending devices and errors');
for my $request (
	'{"apptoken":"app 2","condition":[["campaign_id","=",11]],"select":["action_id","status","device_token","attempts"],"limit":5}',
	'{"apptoken":"app 3","condition":[["error","=",1]],"select":["action_id","push_id","error_message"],"order":["create_time desc"],"offset":1}',
	'{"apptoken":"app 4","condition":[["status",">=","sent"]],"select":["status","profile_id"],"order":["status desc"],"limit":3}',
	'{"apptoken":"no such app","select":["action_id"]}')
{
	both_answer("SELECT list_push_devices('$request')::text", "list_push_devices $request");
}

# a device reports an event with the delivery id and token its payload
# carried (the app's keys live on the app's shard); the app's key is rotated
for my $db ('single', 'postgres')
{
	is($coord->safe_psql($db, q{
SET search_path = push_actions, public;
SELECT track_event(d.delivery_id, d.delivery_token, 'opened', '2026-11-04')::text
FROM push_deliveries(lpad(to_hex(4), 24, '0'), 'app 5') d WHERE d.action_id = 403;
SELECT rotate_app_key(5) IS NOT NULL;}), qq{{"status": "opened", "success": true, "recorded": true}\nt}, "$db: track_event with a delivery from push_deliveries, then rotate_app_key");
}
kept_equal('an event tracked through push_deliveries and track_event');

# Retention, one app at a time.  Some pushes expire, others are older, some
# standalone actions too; each call answers and leaves the same rows as on
# one server.
# (Citus refuses UPDATEs whose new values call STABLE functions on columns:
# the times are written out)
on_both(join '', map { sprintf("UPDATE pushes SET expires_at = '2026-11-20 %02d:00' WHERE push_id = lpad(to_hex(%d), 24, '0');\n", $_, $_) } 10 .. 14);
on_both(join '', map { sprintf("UPDATE pushes SET created_at = '2026-10-01 %02d:00' WHERE push_id = lpad(to_hex(%d), 24, '0');\n", $_, $_) } 20 .. 23);
on_both(join '', map { sprintf("UPDATE actions SET create_time = '2026-10-02 00:%02d' WHERE action_id = %d;\n", $_, 90000 + $_) } 1 .. 8);
both_answer(q{SELECT delete_push(lpad(to_hex(9), 24, '0'), 'app 4')::text}, 'delete_push');
both_answer(q{SELECT delete_push(lpad(to_hex(9), 24, '0'), 'app 4')::text}, 'delete_push of a push already deleted');
both_answer(q{SELECT purge('2026-11-25', 3)}, 'purge of expired pushes, a batch of 3 across apps');
both_answer(q{SELECT purge('2026-11-25')}, 'purge of the rest that expired');
both_answer(q{SELECT fold_actions('2026-10-30', 2)}, 'fold_actions of old pushes and standalone actions, a batch of 2');
both_answer(q{SELECT fold_actions('2026-10-30')}, 'fold_actions of the rest');
both_answer(q{SELECT string_agg(r::text, E'\n' ORDER BY r::text) FROM daily_rollups r}, 'daily_rollups after retention');
both_answer(q{SELECT string_agg(d::text, E'\n' ORDER BY d::text) FROM daily_overview d}, 'daily_overview after retention');
kept_equal('delete_push, purge and fold_actions');

# each statement of a single app's call runs on the one worker that holds
# the app's shard
for my $call (q{SELECT push_actions.push_info(lpad(to_hex(15), 24, '0'), 'app 4', '2026-11-05')},
	q{SELECT push_actions.list_push_devices('{"apptoken":"app 4","condition":[["error","=",1]],"select":["action_id","push_id"]}')},
	q{SELECT push_actions.delete_push(lpad(to_hex(15), 24, '0'), 'app 4')},
	q{SELECT push_actions.purge('2026-12-31', 1)})
{
	my ($rc, $stdout, $calls) = $coord->psql('postgres', "SET citus.log_remote_commands = on; $call");
	$coord->safe_psql('single', $call);
	my %ports = map { $_ => 1 } $calls =~ /on server \S+:(\d+) connectionId/g;
	my %shards = map { $_ => 1 } $calls =~ /push_actions\.actions_(\d+)/g;
	ok($rc == 0 && keys %ports == 1 && keys %shards == 1, "$call: every statement on one shard of one worker")
	  or diag $calls;
}
kept_equal('delete_push and purge of one push');
is($coord->psql('postgres', 'SELECT push_actions.set_reference_key_triggers(true)', stderr => \my $refused), 3,
	'set_reference_key_triggers() is refused on the cluster');
like($refused, qr/distributed by Citus: their foreign keys are checked on the shards/, '... saying why');

# create_app and create_push make random tokens and push ids: each side
# makes its own, every answer about them agrees, and the app goes again
my @made;
for my $db ('single', 'postgres')
{
	push @made, $coord->safe_psql($db, q{
SET search_path = push_actions, public;
SELECT setval('push_actions.apps_app_id_seq', 100) \gset
SELECT app_id, apptoken FROM create_app('made here') \gset
SELECT create_push(:app_id, '{"m": 1}', '[{"device_id": 1, "platform": "android", "token": "a1"},
	{"device_id": 2, "platform": "ios", "token": "i2", "profile_id": "p"}]', 77) AS push \gset
SELECT (push_info(:'push', :'apptoken') -> 'push') - 'date' - 'expiration';
SELECT list_push_devices(jsonb_build_object('apptoken', :'apptoken', 'select', ARRAY['device_id', 'platform', 'status']));
SELECT campaign_id, messages, pending FROM campaign_overview WHERE app_id = :app_id;
SELECT count(*) FROM verify_rollups();
SELECT rotate_app_token(:app_id, '1 hour') AS new_token \gset
SELECT list_push_devices(jsonb_build_object('apptoken', :'apptoken', 'select', ARRAY['device_id']))
     = list_push_devices(jsonb_build_object('apptoken', :'new_token', 'select', ARRAY['device_id'])) AS both_answer;
SELECT rotate_app_token(:app_id) IS NOT NULL AS rotated_again;
SELECT list_push_devices(jsonb_build_object('apptoken', :'new_token')) ->> 'code' AS replaced_token;
DELETE FROM apps WHERE app_id = :app_id;
});
}
like($made[0], qr/"pending_devices": \["a1"\]/, 'create_app and create_push on the single server');
like($made[0], qr/^t\nt\n401$/m, 'rotate_app_token on the single server: both tokens answer in the grace period, none after a rotation without one');
is($made[1], $made[0], 'create_app, create_push and rotate_app_token: push_info, the listing, the kept roll-ups and the tokens answer as on one server');

# a third worker joins and the shards move; the answers stay the same
my $worker3 = citus_node('worker3');
$worker3->safe_psql('postgres', 'CREATE EXTENSION citus; CREATE EXTENSION push_actions');
$coord->safe_psql('postgres', qq{
SELECT citus_add_node('@{[ $worker3->host ]}', @{[ $worker3->port ]});
SELECT rebalance_table_shards(shard_transfer_mode => 'block_writes');
SELECT rebalance_table_shards('push_actions.pushes', shard_transfer_mode => 'block_writes');
});
ok($coord->safe_psql('postgres', qq{
SELECT count(*) > 0 FROM citus_shards WHERE table_name = 'user_actions'::regclass AND nodeport = @{[ $worker3->port ]}}) eq 't',
	'the rebalance moved shards to the third worker');
all_answers_equal('three workers after a rebalance');
kept_equal('three workers after a rebalance');
on_both(q{UPDATE actions SET status = 'opened' WHERE status = 'delivered' AND attempts > 0 AND app_id IN (1, 4);});
kept_equal('three workers after a rebalance, then an UPDATE');

# repair and emptying on the cluster: rebuild_rollups() makes the kept
# tables again on every worker, TRUNCATE of actions empties them everywhere
both_answer(q{SELECT rebuild_rollups()}, 'rebuild_rollups()');
kept_equal('rebuild_rollups() after the rebalance');
on_both('TRUNCATE actions');
is($coord->safe_psql('postgres', q{
SELECT (SELECT count(*) FROM push_actions_internal.messages) + (SELECT count(*) FROM push_actions_internal.campaign_stripes)
     + (SELECT count(*) FROM push_actions.verify_rollups())}),
	'0', 'TRUNCATE of actions on the cluster empties the kept roll-ups on every worker');

# A database distributed on 1.1 updates to this version: ALTER EXTENSION on
# the coordinator, which Citus passes on to every worker (each holds its own
# copy of the extension's objects), and distribute() again, which makes the
# tables the update added Citus tables.  Its data
# and kept roll-ups stay, and what the version adds works on the cluster.
my $version = $coord->safe_psql('postgres', q{SELECT default_version FROM pg_available_extensions WHERE name = 'push_actions'});
for my $node (@nodes)
{
	$node->safe_psql('postgres', 'CREATE DATABASE pa_up');
	$node->safe_psql('pa_up', q{CREATE EXTENSION citus; CREATE EXTENSION push_actions VERSION '1.1'});
}
$coord->safe_psql('pa_up', join "\n", qq{SELECT citus_set_coordinator_host('@{[ $coord->host ]}', @{[ $coord->port ]});},
	map({ "SELECT citus_add_node('@{[ $_->host ]}', @{[ $_->port ]});" } $worker1, $worker2, $worker3), q{
SET search_path = push_actions, public;
INSERT INTO apps (app_id, name, token_hash) SELECT i, 'app ' || i, sha256(convert_to('app ' || i, 'UTF8')) FROM generate_series(1, 2) i;
SELECT create_push(i, '{"message":"before the update"}', (SELECT jsonb_agg(jsonb_build_object('device_id', d, 'platform', 'android', 'token', 't' || d))
	FROM generate_series(1, 5) d), 10) FROM generate_series(1, 2) i;
SELECT distribute();
DO $$
DECLARE
	a bigint;
BEGIN
	FOR a IN SELECT action_id FROM push_actions.actions ORDER BY action_id LOOP
		PERFORM push_actions.record_attempt(a, a % 2 = 0);
	END LOOP;
END $$;
});
my $up_rows = q{SELECT string_agg(format('%s:%s:%s', app_id, status, attempts), ' ' ORDER BY action_id) FROM push_actions.actions};
my $up_before = $coord->safe_psql('pa_up', $up_rows);
$coord->safe_psql('pa_up', 'ALTER EXTENSION push_actions UPDATE');
is($coord->safe_psql('pa_up', 'SELECT push_actions.distribute()'), 'distributed what the update added',
	'distribute() after the update distributes the table and the write call\'s new form it added');
is($coord->safe_psql('pa_up', 'SELECT push_actions.distribute()'), 'nothing to do: already distributed', 'and then nothing more');
is(join(' ', map { $_->safe_psql('pa_up', q{SELECT extversion FROM pg_extension WHERE extname = 'push_actions'}) } @nodes),
	join(' ', ($version) x scalar @nodes), "a database distributed on 1.1 updates to $version on every node");
is($coord->safe_psql('pa_up', $up_rows), $up_before, 'the update keeps every action');
is($coord->safe_psql('pa_up', 'SELECT count(*) FROM push_actions.verify_rollups()'), '0', 'and the kept roll-ups');
is($coord->safe_psql('pa_up', q{SELECT partmethod FROM pg_dist_partition WHERE logicalrelid = 'push_actions_internal.device_tokens'::regclass}),
	'h', 'the device tokens\' states are distributed, as distribute() makes them');
is($coord->safe_psql('pa_up', q{SELECT count(*) || ' tokens, ' || count(*) FILTER (WHERE last_success_at IS NOT NULL) || ' sent to'
	FROM push_actions.device_token_states}), '10 tokens, 5 sent to', 'built from the actions the cluster held');
is($coord->safe_psql('pa_up', 'SELECT count(*) FROM push_actions.verify_device_tokens()'), '0', 'in step with them');
is($coord->safe_psql('pa_up', q{SELECT string_agg(partmethod::text, ' ') FROM pg_dist_partition
	WHERE logicalrelid IN ('push_actions_internal.time_buckets'::regclass, 'push_actions_internal.time_buckets_deleted'::regclass)}),
	'h h', 'the hourly series are distributed, as distribute() makes them');
is($coord->safe_psql('pa_up', q{SELECT sum(scheduled) || ' created, ' || sum(sent) || ' sent' FROM push_actions.hourly_delivery}),
	'10 created, 5 sent', 'built from the actions the cluster held');
is($coord->safe_psql('pa_up', 'SELECT count(*) FROM push_actions.verify_time_buckets()'), '0', 'in step with them');
like($coord->safe_psql('pa_up', q{EXPLAIN (COSTS OFF) SELECT push_actions.record_attempt(1, false, 'quota', app_id => 1, error_code => 'UNREGISTERED')}),
	qr/Task Count: 1/, 'record_attempt in its new form, naming its app, runs whole on one worker');
my $up_action = $coord->safe_psql('pa_up', q{SELECT min(action_id) FROM push_actions.actions WHERE app_id = 1 AND status = 'attempted'});
is($coord->safe_psql('pa_up', qq{
	SELECT push_actions.record_attempt($up_action, false, 'quota', app_id => 1, error_code => 'UNREGISTERED');
	SELECT error_code FROM push_actions.actions WHERE error_code IS NOT NULL}), "bounced\nUNREGISTERED",
	'and keeps the code in the column the update added, on the shards');
is($coord->safe_psql('pa_up', q{SELECT device_token || ' ' || reason FROM push_actions.dead_device_tokens('app 1')}),
	$coord->safe_psql('pa_up', qq{SELECT device_token || ' gone' FROM push_actions.actions WHERE action_id = $up_action}),
	'the token it killed is dead, in the colocated shard the workers\' trigger writes');
is($coord->safe_psql('pa_up', 'SELECT count(*) FROM push_actions.verify_device_tokens()'), '0', 'still in step');
is($coord->safe_psql('pa_up', qq{
	SELECT push_actions.register_device_token(1, 'android', (SELECT device_token FROM push_actions.actions WHERE action_id = $up_action),
	                                          now() + interval '1 minute');
	SELECT count(*) FROM push_actions.dead_device_tokens('app 1')}), "t\n0",
	'a registration after the kill, from the coordinator, makes the token alive on its worker');
is($coord->safe_psql('pa_up', q{SELECT partmethod FROM pg_dist_partition WHERE logicalrelid = 'push_actions_internal.retired_app_tokens'::regclass}),
	'n', 'the replaced tokens are a reference table, as distribute() makes them');
like($coord->safe_psql('pa_up', q{
	SELECT push_actions.rotate_app_token(1, '1 hour') AS token \gset
	SELECT push_actions.list_push_devices(jsonb_build_object('apptoken', t, 'select', jsonb_build_array('device_id'), 'limit', 1)) ->> 'code'
	FROM unnest(ARRAY[:'token', 'app 1']) t}), qr/^200\n200$/, 'rotate_app_token works on the updated cluster, the old token in its grace period');
$coord->safe_psql('pa_up', q{
CREATE ROLE pa_up_two LOGIN;
GRANT USAGE ON SCHEMA push_actions TO pa_up_two;
GRANT SELECT ON push_actions.actions TO pa_up_two;
SELECT push_actions.grant_app('pa_up_two', 2);
});
is($coord->safe_psql('pa_up', q{SET ROLE pa_up_two; SELECT string_agg(DISTINCT app_id::text, ',') FROM push_actions.actions}), '2',
	'and grant_app limits a role to its app there');

done_testing();
