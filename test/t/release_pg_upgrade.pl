# pg_upgrade carries the extension's data to a new cluster: one database on
# 1.0 and one on the current version, each with apps, pushes, actions in every
# status, folded roll-ups and both types stored in a user's table, are
# upgraded in copy mode.  Afterwards every table is identical, every
# index passes amcheck, the 1.0 database updates to the current version, and
# the API answers in both.  Old and new binaries are the same version here, as
# in PostgreSQL's own pg_upgrade test; across versions the catalogs differ but
# the extension's files and stored values are the same.
use strict;
use warnings;

use FindBin;
use lib $FindBin::RealBin;
use Cwd;
use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;
use PushActionsTest;

my $old = PostgreSQL::Test::Cluster->new('old');
$old->init;
$old->start;
my $version = $old->safe_psql('postgres',
	q{SELECT default_version FROM pg_available_extensions WHERE name = 'push_actions'});

my $fill = q{
SET search_path = push_actions, public;
\i test/data/seed_245624.sql
\i test/data/multi_device.sql
SELECT fold_actions('2026-03-03', 1);
SELECT create_push(1, '{"message":"before the upgrade"}', (SELECT jsonb_agg(jsonb_build_object('device_id', d,
	'platform', (ARRAY['android','ios','web','electron'])[1 + d % 4], 'token', 'up' || d)) FROM generate_series(1, 40) d), 77) AS push \gset
SELECT record_attempt(action_id, action_id % 5 <> 0, CASE WHEN action_id % 5 = 0 THEN 'DeviceNotRegistered' END)
FROM actions WHERE push_id = :'push';
SELECT record_event(action_id, 'delivered') FROM actions WHERE push_id = :'push' AND status = 'sent' AND action_id % 2 = 0;
CREATE TABLE public.kept (id int PRIMARY KEY, s push_actions.push_status, d push_actions.delivery_summary);
INSERT INTO public.kept
SELECT row_number() OVER (), status, delivery_summary(status, attempts) FROM actions GROUP BY status;
CREATE INDEX ON public.kept (s);
};
for my $db ('pa_v10', 'pa_current')
{
	$old->safe_psql('postgres', "CREATE DATABASE $db");
	$old->safe_psql($db, $db eq 'pa_v10'
		? "CREATE EXTENSION push_actions VERSION '1.0'" : 'CREATE EXTENSION push_actions');
	$old->safe_psql($db, $fill);
}
# a role limited to app 2 in the current version's database
$old->safe_psql('pa_current', q{
CREATE ROLE pa_up_beta;
GRANT USAGE ON SCHEMA push_actions TO pa_up_beta;
GRANT SELECT ON push_actions.actions, push_actions.campaign_overview TO pa_up_beta;
SELECT push_actions.grant_app('pa_up_beta', 2);
});
my $limited = q{SET ROLE pa_up_beta;
	SELECT string_agg(DISTINCT app_id::text, ',') FROM push_actions.actions
	UNION ALL SELECT string_agg(DISTINCT app_id::text, ',') FROM push_actions.campaign_overview};
is($old->safe_psql('pa_current', $limited), "2\n2", 'before pg_upgrade the limited role sees only app 2');
my %before = map { $_ => table_digests($old, $_, 'public.kept') } 'pa_v10', 'pa_current';
my $api = q{
SET search_path = push_actions, public;
SELECT list_push_devices('{"apptoken":"YOUR_APPTOKEN","condition":[["campaign_id","=",77],["error","=",1]],"select":["device_id","error_message"],"order":["device_id ASC"]}');
SELECT messages, sent, delivered, bounced FROM campaign_overview WHERE campaign_id = 77;
SELECT s, d FROM public.kept ORDER BY id;
};
my %answers = map { $_ => $old->safe_psql($_, $api) } 'pa_v10', 'pa_current';
like($answers{pa_current}, qr/"code": 200, "data": \[\{.*"DeviceNotRegistered"/, 'the listing answers with the failed devices before the upgrade');
like($before{pa_v10}, qr/^push_actions.daily_rollups\|[1-9]/m, 'the databases to upgrade have folded roll-ups');
$old->stop;

my $new = PostgreSQL::Test::Cluster->new('new');
$new->init;
my $bindir = $old->config_data('--bindir');

# pg_upgrade writes its logs into the directory it runs in
my $here = getcwd();
chdir PostgreSQL::Test::Utils::tempdir;
command_ok([ "$bindir/pg_upgrade", '--no-sync', '-d', $old->data_dir, '-D', $new->data_dir,
		'-b', $bindir, '-B', $bindir, '-s', $new->host, '-p', $old->port, '-P', $new->port ],
	'pg_upgrade copies a cluster whose databases use the extension');
chdir $here;

$new->start;
$new->safe_psql($_, 'CREATE EXTENSION amcheck') for 'pa_v10', 'pa_current';
for my $db ('pa_v10', 'pa_current')
{
	is(table_digests($new, $db, 'public.kept'), $before{$db}, "$db: every table is identical after pg_upgrade");
	like($new->safe_psql($db, q{
		SELECT count(*) || ' checked' FROM (
			SELECT bt_index_check(c.oid, true)
			FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid JOIN pg_am am ON am.oid = c.relam
			WHERE am.amname = 'btree' AND c.relnamespace IN ('push_actions'::regnamespace, 'public'::regnamespace)) s}),
		qr/^[1-9]\d* checked$/, "$db: amcheck finds every B-tree index of the extension and of the user's table consistent");
}
# README "Storage": pg_upgrade re-creates the reference keys with their
# row-level triggers enabled, and set_reference_key_triggers(false) switches
# them off again
my $enabled = q{SELECT count(*) FROM pg_trigger g JOIN pg_constraint c ON c.oid = g.tgconstraint
	WHERE c.conname IN ('actions_app_id_fkey', 'actions_push_fkey') AND g.tgenabled <> 'D'};
is($new->safe_psql('pa_current', $enabled), '8', 'after pg_upgrade the 8 row-level triggers of the reference keys are enabled');
is($new->safe_psql('pa_current', "SELECT push_actions.set_reference_key_triggers(false); $enabled"), "8\n0",
	'set_reference_key_triggers(false) switches the 8 off, as README says');
is($new->safe_psql('pa_current', $limited), "2\n2", 'after pg_upgrade it still sees only app 2');
is($new->safe_psql('pa_current', 'SELECT count(*) FROM push_actions.verify_app_roles()'), '0',
	'pg_upgrade keeps the policies app_roles says');
is($new->safe_psql('pa_v10', q{SELECT extversion FROM pg_extension WHERE extname = 'push_actions'}), '1.0',
	'the 1.0 database is still on 1.0');
$new->safe_psql('pa_v10', 'ALTER EXTENSION push_actions UPDATE');
is($new->safe_psql('pa_v10', q{SELECT extversion FROM pg_extension WHERE extname = 'push_actions'}), $version,
	"and updates to $version after pg_upgrade");
is(table_digests($new, 'pa_v10', 'public.kept'), $before{pa_v10}, 'pa_v10: the update keeps every row');

for my $db ('pa_v10', 'pa_current')
{
	is($new->safe_psql($db, $api), $answers{$db}, "$db: the listing, the views and the stored values answer as before pg_upgrade");
}

$new->stop;
done_testing();
