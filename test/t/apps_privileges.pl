# Least privilege: roles with only the grants README "Roles and privileges"
# gives can do their job, and no more.  An app backend calls the API, a loader
# COPYs actions, an analyst reads the views, a janitor deletes pushes; the
# references of actions act as foreign keys would (checked and cascaded with
# the owner's rights), so none of them needs rights on the other tables.
use strict;
use warnings;

use FindBin;
use lib $FindBin::RealBin;
use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;
use PushActionsTest;

my $node = extension_node('privileges', 'pa_priv');

# the seed's apps, and exactly the grants the README gives
$node->safe_psql('pa_priv', q{
\i test/data/seed_245624.sql
\i test/data/multi_device.sql
CREATE ROLE pa_backend LOGIN;
CREATE ROLE pa_loader LOGIN;
CREATE ROLE pa_analyst LOGIN;
CREATE ROLE pa_janitor LOGIN;
GRANT USAGE ON SCHEMA push_actions TO pa_backend, pa_loader, pa_analyst, pa_janitor;
GRANT SELECT ON push_actions.apps TO pa_backend;
GRANT SELECT, INSERT, UPDATE, DELETE ON push_actions.pushes, push_actions.actions, push_actions.daily_rollups TO pa_backend;
GRANT INSERT ON push_actions.actions TO pa_loader;
GRANT SELECT ON push_actions.message_status, push_actions.campaign_overview, push_actions.push_devices,
	push_actions.push_pending_devices, push_actions.daily_overview TO pa_analyst;
GRANT SELECT (app_id, push_id, created_at), DELETE ON push_actions.pushes TO pa_janitor;
});

# as ROLE: psql's exit code, its output and its errors
sub as
{
	my ($role, $sql, %params) = @_;
	my ($ret, $out, $err) = $node->psql('pa_priv', $sql, extra_params => [ '-U', $role ], %params);
	return ($ret, $out, $err);
}
sub owner { return $node->safe_psql('pa_priv', $_[0]); }

# the backend: every API call of a push's life, answered, not refused
my ($ret, $out, $err) = as('pa_backend', q{
SET search_path = push_actions, public;
SELECT create_push(1, '{"message":"as backend"}', '[{"device_id": 7001, "platform": "android", "token": "t7001"},
                                                    {"device_id": 7002, "platform": "ios", "token": "t7002"}]', 555) AS push \gset
SELECT record_attempt(action_id, true) FROM actions WHERE push_id = :'push' AND device_id = 7001;
SELECT record_attempt(action_id, false, 'DeviceNotRegistered') FROM actions WHERE push_id = :'push' AND device_id = 7002;
SELECT record_event(action_id, 'delivered') FROM actions WHERE push_id = :'push' AND device_id = 7001;
SELECT list_push_devices('{"apptoken":"YOUR_APPTOKEN","condition":[["campaign_id","=",555]],"select":["device_id","status"],"order":["device_id ASC"]}');
SELECT push_info(:'push', 'YOUR_APPTOKEN') ->> 'push' IS NOT NULL;
SELECT delete_push(:'push', 'YOUR_APPTOKEN');
});
is("$ret|$out|$err", '0|sent
bounced
delivered
{"code": 200, "data": [{"status": "delivered", "device_id": 7001}, {"status": "bounced", "device_id": 7002}], "success": true}
t
{"success": true}|', 'the backend role creates a push, records attempts and events, lists, reads and deletes it');
is(owner('SELECT count(*) FROM push_actions.actions WHERE campaign_id = 555'), '0',
	'delete_push as the backend removed the push\'s actions too');

# the backend hands out delivery tokens and relays device reports, but can
# neither read the app keys nor rotate them
($ret, $out, $err) = as('pa_backend', q{
SELECT d.delivery_id, d.delivery_token FROM push_actions.push_deliveries('a0000000000000000000000a', 'YOUR_APPTOKEN') d
WHERE d.device_id = 101 \gset
SELECT push_actions.track_event(:'delivery_id', :'delivery_token', 'opened') ->> 'success';
});
is("$ret|$out|$err", '0|true|', 'the backend role gets delivery tokens and records a verified device report');
($ret, $out, $err) = as('pa_backend', 'SELECT count(*) FROM push_actions_internal.app_keys');
like($err, qr/permission denied for table app_keys/, 'the backend role cannot read the app keys');
($ret, $out, $err) = as('pa_backend', 'SELECT push_actions.rotate_app_key(1)');
like($err, qr/permission denied for function rotate_app_key/, 'nor rotate them');

# the loader: COPY into actions with INSERT alone
my $copy = 'COPY push_actions.actions (app_id, push_id, device_id, platform, status) FROM STDIN (FORMAT csv);';
($ret, $out, $err) = as('pa_loader', "$copy\n1,a0000000000000000000000a,8001,android,attempted\n1,,8002,web,attempted\n\\.\n");
is("$ret|$err|" . owner('SELECT count(*) FROM push_actions.actions WHERE device_id IN (8001, 8002)'), '0||2',
	'a role with only INSERT on actions COPYs actions (parents checked with the owner\'s rights)');
($ret, $out, $err) = as('pa_loader', "$copy\n1,ffffffffffffffffffffffff,8003,android,attempted\n\\.\n");
like($err, qr/violates its reference to "pushes"/, 'the loader\'s orphan is still refused, naming the missing push');
($ret, $out, $err) = as('pa_loader', 'SELECT count(*) FROM push_actions.apps');
like($err, qr/permission denied for table apps/, 'the loader cannot read apps (the check\'s rights do not leak)');
($ret, $out, $err) = as('pa_loader', 'SELECT push_actions_internal.check_action_parents()');
like($err, qr/permission denied for function check_action_parents/, 'the loader cannot call the reference check itself');

# the analyst: the views, not the tables
($ret, $out, $err) = as('pa_analyst', q{
SELECT messages FROM push_actions.campaign_overview WHERE campaign_id = 777;
SELECT count(*) FROM push_actions.message_status WHERE profile_id = 'alice';
SELECT count(*) FROM push_actions.push_devices WHERE error = 1;
SELECT count(*) FROM push_actions.daily_overview;
});
is("$ret|$out|$err", "0|7\n2\n" . owner(q{SELECT count(*) FROM push_actions.actions WHERE status IN ('failed', 'bounced')})
	. "\n" . owner('SELECT count(*) FROM push_actions.daily_rollups') . '|',
	'the analyst reads campaign_overview, message_status, push_devices and daily_overview');
($ret, $out, $err) = as('pa_analyst', 'SELECT count(*) FROM push_actions.actions');
like($err, qr/permission denied for table actions/, 'the analyst cannot read the actions table itself');

# the janitor: deleting a push cascades to its actions without a right on actions
($ret, $out, $err) = as('pa_janitor', q{DELETE FROM push_actions.pushes WHERE push_id = 'a0000000000000000000000a'});
is("$ret|$err|" . owner(q{SELECT count(*) FROM push_actions.actions WHERE push_id = 'a0000000000000000000000a'}), '0||0',
	'deleting a push with DELETE on pushes alone deletes its actions, as ON DELETE CASCADE would');

$node->stop;
done_testing();
