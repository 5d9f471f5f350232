# The examples of README.md and doc/ cannot drift from the code: every ```sql
# block that is followed by a ```text block runs, in README order and then
# doc/'s, in one database holding
# the demo's sample (test/data/demo_sample.sql), through psql with its
# defaults and no set-up (the default search_path), and what psql prints,
# errors included, must be the text block (trailing blanks aside).
use strict;
use warnings;

use FindBin;
use lib $FindBin::RealBin;
use IPC::Run;
use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;
use PushActionsTest;

my $node = extension_node('readme', 'demo');
$node->safe_psql('demo', '\i test/data/demo_sample.sql');

# the examples: [line, sql, expected output]
my (@examples, $sql, $out, $line, $in);
for my $file ('README.md', sort glob('doc/*.md'))
{
open my $readme, '<', $file or die "$file: $!";
my $previous_was_sql = 0;
while (my $l = <$readme>)
{
	if (!defined $in)
	{
		if ($l =~ /^```(sql|text)\s*$/)
		{
			$in = $1;
			if ($in eq 'sql') { ($sql, $line) = ('', "$file line $."); }
			elsif ($previous_was_sql) { $out = ''; }
			else { $in = 'other'; }
		}
		elsif ($l =~ /^```/) { $in = 'other'; }
		$previous_was_sql = 0 if $l !~ /^```sql/;
		next;
	}
	if ($l =~ /^```\s*$/)
	{
		if ($in eq 'text') { push @examples, [ $line, $sql, $out ]; }
		$previous_was_sql = $in eq 'sql';
		undef $in;
		next;
	}
	$sql .= $l if $in eq 'sql';
	$out .= $l if $in eq 'text';
}
close $readme;
}
cmp_ok(scalar @examples, '>=', 10, 'README shows at least ten examples with their output');

sub trimmed { my $t = shift; $t =~ s/[ \t]+$//mg; $t =~ s/\n+\z//; return $t; }

for my $example (@examples)
{
	my ($at, $query, $expected) = @$example;
	my $printed;
	IPC::Run::run([ 'psql', '-X', '-q', '-d', $node->connstr('demo') ], '<', \$query, '>&', \$printed);
	my ($first) = $query =~ /^\s*(.*\S)/;
	is(trimmed($printed), trimmed($expected), "$at: $first");
}

# the README's table of errors: each example raises its row's SQLSTATE
open my $readme, '<', 'README.md' or die "README.md: $!";
my ($in_errors, $errors) = (0, 0);
while (my $l = <$readme>)
{
	$in_errors = 1 if $l =~ /^#### Errors/;
	next unless $in_errors;
	last if $errors && $l !~ /^\|/;
	next unless $l =~ /^\| `([0-9A-Z]{5})` \| (.*?) \| `(.*)` \|$/;
	my ($state, $when, $sql) = ($1, $2, $3);
	$errors++;
	my $script = "\\set VERBOSITY verbose\nBEGIN;\n$sql;\nROLLBACK;\n";
	my $printed;
	IPC::Run::run([ 'psql', '-X', '-q', '-d', $node->connstr('demo') ], '<', \$script, '>&', \$printed);
	like($printed, qr/^ERROR:  $state: /m, "README's errors: $state ($when)");
	unlike($printed, qr/YOUR_APPTOKEN|SECRET_API_KEY|\\x[0-9a-f]{64}/, "README's errors: $state shows no token or hash");
}
close $readme;
cmp_ok($errors, '>=', 8, 'README lists every SQLSTATE of the write API with an example');

$node->stop;
done_testing();
