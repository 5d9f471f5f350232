# Every client as it binds: the calls an app backend makes (create_app,
# create_push, list_push_devices, record_attempt, record_event, push_info,
# push_deliveries, track_event), through three real drivers with their
# default bindings: psycopg2 (str for JSON), pgjdbc (setString, sent as
# varchar) and node-pg (a JS object for the payload, a JS array for the
# devices).  Each prints the same answers.  pgjdbc cannot use a Unix socket,
# so this server also listens on 127.0.0.1, for this test only.
use strict;
use warnings;

use FindBin;
use lib $FindBin::RealBin;
use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;
use PushActionsTest;

my $node = PostgreSQL::Test::Cluster->new('drivers');
$node->init;
$node->append_conf('postgresql.conf', "listen_addresses = '127.0.0.1'\nlog_min_messages = warning");
$node->append_conf('pg_hba.conf', 'host all all 127.0.0.1/32 trust');
$node->start;
$node->safe_psql('postgres', 'CREATE EXTENSION push_actions');

local $ENV{PGHOST} = $node->host;
local $ENV{PGPORT} = $node->port;
local $ENV{PGDATABASE} = 'postgres';
local $ENV{PGUSER} = $ENV{PGUSER} // scalar getpwuid($<);

my $expected = join "\n",
	'push 24',
	'listing {"code": 200, "data": [{"status": "attempted", "device_id": 1}, {"status": "attempted", "device_id": 2}], "success": true}',
	'attempt sent',
	'event delivered',
	'push_info 0',
	'track {"status": "opened", "success": true, "recorded": true}',
	'opened 1';

my ($out, $err) = run_command([ '/usr/bin/python3', 'test/tools/clients/client_calls.py', 'psycopg2' ]);
is("$out$err", $expected, 'psycopg2: every call, with str for JSON');

($out, $err) = run_command([ 'node', 'test/tools/clients/client_calls.js', 'node-pg' ]);
is("$out$err", $expected, 'node-pg: every call, with a JS object for the payload and a JS array for the devices');

my $url = sprintf('jdbc:postgresql://127.0.0.1:%d/postgres?user=%s', $node->port, $ENV{PGUSER});
($out, $err) = run_command([ 'java', '-cp', '/usr/share/java/postgresql.jar', 'test/tools/clients/ClientCalls.java', $url, 'pgjdbc' ]);
is("$out$err", $expected, 'pgjdbc: every call, with setString for JSON (bound as varchar)');

is($node->safe_psql('postgres', q{SELECT string_agg(name, ',' ORDER BY name) FROM push_actions.apps}),
	'driver node-pg,driver pgjdbc,driver psycopg2', 'each driver made its app');

$node->stop;
done_testing();
