# What the TAP tests share: a started cluster with the extension in its
# postgres database, and one digest per table to compare two databases by.
package PushActionsTest;

use strict;
use warnings;

use Exporter 'import';
use PostgreSQL::Test::Cluster;

our @EXPORT = qw(extension_node table_digests);

# A new cluster, started, with the extension created in the named databases.
sub extension_node
{
	my ($name, @databases) = @_;
	my $node = PostgreSQL::Test::Cluster->new($name);

	$node->init;
	$node->append_conf('postgresql.conf', 'log_min_messages = warning');
	$node->start;
	for my $db (@databases)
	{
		$node->safe_psql('postgres', "CREATE DATABASE $db") if $db ne 'postgres';
		$node->safe_psql($db, 'CREATE EXTENSION push_actions');
	}
	return $node;
}

# "table|rows|md5" for every table of the extension and the user tables
# named, in a fixed order: equal digests mean equal rows.  A row is read as
# JSON without its NULL columns, so that a column a later version adds (NULL
# in the rows written before it) leaves an updated database's digest alone.
sub table_digests
{
	my ($node, $db, @user_tables) = @_;
	my @tables = (
		map({ "push_actions.$_" } qw(apps pushes actions daily_rollups)),
		@user_tables);
	my $sql = join "\nUNION ALL\n", map {
		"SELECT '$_', count(*), md5(coalesce(string_agg(r, E'\\n' ORDER BY r), '')) FROM (SELECT jsonb_strip_nulls(to_jsonb(x))::text AS r FROM $_ x) x"
	} @tables;
	return $node->safe_psql($db, $sql);
}

1;
