#!/usr/bin/perl
# Checks a META.json against the PGXN Meta Spec 1.0 (https://pgxn.org/meta/spec.txt):
# the mandatory keys, the form of each key the spec defines, and no other
# keys but x_ ones.  Prints each problem and exits 1 when there is one.
use strict;
use warnings;
use JSON::PP;

my $file = shift // 'META.json';
open my $fh, '<', $file or die "cannot read $file: $!\n";
my $meta = eval { JSON::PP->new->decode(do { local $/; <$fh> }) };
if (!$meta) { print "$file is not JSON: $@"; exit 1; }

my @problems;
sub problem { push @problems, join '', @_ }

my $semver = qr/^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(-[0-9A-Za-z-]+(\.[0-9A-Za-z-]+)*)?(\+[0-9A-Za-z-]+(\.[0-9A-Za-z-]+)*)?$/;
my $range = qr/^((==|!=|<=|>=|<|>)\s*)?($semver|0)$/;
my $term = qr/^[^\/\\\s[:cntrl:]]{2,}$/;
my %licenses = map { $_ => 1 } qw(agpl_3 apache_1_1 apache_2_0 artistic_1 artistic_2 bsd freebsd
	gfdl_1_2 gfdl_1_3 gpl_1 gpl_2 gpl_3 lgpl_2_1 lgpl_3_0 mit mozilla_1_0 mozilla_1_1 openssl
	perl_5 postgresql qpl_1_0 ssleay sun zlib open_source restricted unrestricted unknown);
my %known = map { $_ => 1 } qw(name version abstract maintainer license provides meta-spec
	description generated_by tags no_index prereqs release_status resources);

sub is_string { defined $_[0] && !ref $_[0] && length $_[0] }
sub only_keys {
	my ($where, $h, @keys) = @_;
	my %ok = map { $_ => 1 } @keys;
	problem("$where: unknown key '$_'") for grep { !$ok{$_} && !/^[xX]_./ } sort keys %$h;
}

problem("missing mandatory key '$_'") for grep { !exists $meta->{$_} }
	qw(name version abstract maintainer license provides meta-spec);
only_keys('top level', $meta, keys %known);

problem("name must be a term") unless is_string($meta->{name}) && $meta->{name} =~ $term;
problem("version '", $meta->{version} // '', "' is not a semantic version")
	unless is_string($meta->{version}) && $meta->{version} =~ $semver;
problem("abstract must be a non-empty string") unless is_string($meta->{abstract});
for my $key (qw(description generated_by)) {
	problem("$key must be a non-empty string") if exists $meta->{$key} && !is_string($meta->{$key});
}

my $m = $meta->{maintainer};
problem("maintainer must be a string or a list of strings")
	unless is_string($m) || (ref $m eq 'ARRAY' && @$m && !grep { !is_string($_) } @$m);

my $l = $meta->{license};
if (ref $l eq 'HASH') {
	problem("license object must map names to URIs") if !%$l || grep { !is_string($_) || !/^\w+:/ } values %$l;
} else {
	my @l = ref $l eq 'ARRAY' ? @$l : ($l);
	problem("license '", $_ // '', "' is not one the spec names") for grep { !defined $_ || !$licenses{$_} } @l;
	problem("license list is empty") unless @l;
}

my $p = $meta->{provides};
if (ref $p ne 'HASH' || !%$p) {
	problem("provides must name at least one extension");
} else {
	for my $ext (sort keys %$p) {
		my $e = $p->{$ext};
		problem("provides: '$ext' is not a term") unless $ext =~ $term;
		if (ref $e ne 'HASH') { problem("provides.$ext must be an object"); next; }
		only_keys("provides.$ext", $e, qw(file version abstract docfile));
		problem("provides.$ext.file is missing") unless is_string($e->{file});
		problem("provides.$ext.file '$e->{file}' does not exist") if is_string($e->{file}) && !-e $e->{file};
		problem("provides.$ext.docfile '$e->{docfile}' does not exist") if is_string($e->{docfile}) && !-e $e->{docfile};
		problem("provides.$ext.version is not a semantic version")
			unless is_string($e->{version}) && $e->{version} =~ $semver;
	}
}

my $s = $meta->{'meta-spec'};
if (ref $s ne 'HASH' || !is_string($s->{version}) || $s->{version} !~ /^1\.0\.\d+$/) {
	problem("meta-spec.version must be 1.0.x");
} else {
	only_keys('meta-spec', $s, qw(version url));
}

if (exists $meta->{release_status}) {
	problem("release_status must be stable, testing or unstable")
		unless grep { ($meta->{release_status} // '') eq $_ } qw(stable testing unstable);
}
if (exists $meta->{tags}) {
	my $t = $meta->{tags};
	problem("tags must be a non-empty list of tags of 2 to 255 characters")
		unless ref $t eq 'ARRAY' && @$t && !grep { !is_string($_) || length($_) > 255 || length($_) < 2 || m{[/\\[:cntrl:]]} } @$t;
}
if (exists $meta->{prereqs}) {
	my $pr = $meta->{prereqs};
	if (ref $pr ne 'HASH' || !%$pr) { problem("prereqs must be an object with at least one phase"); }
	else {
		only_keys('prereqs', $pr, qw(configure build test runtime develop));
		for my $phase (grep { !/^[xX]_/ } sort keys %$pr) {
			my $ph = $pr->{$phase};
			if (ref $ph ne 'HASH' || !%$ph) { problem("prereqs.$phase must name a relationship"); next; }
			only_keys("prereqs.$phase", $ph, qw(requires recommends suggests conflicts));
			for my $rel (grep { !/^[xX]_/ } sort keys %$ph) {
				my $r = $ph->{$rel};
				if (ref $r ne 'HASH' || !%$r) { problem("prereqs.$phase.$rel must map names to versions"); next; }
				for my $name (sort keys %$r) {
					problem("prereqs.$phase.$rel: '$name' is not a term") unless $name =~ $term;
					my @parts = split /\s*,\s*/, ($r->{$name} // '');
					problem("prereqs.$phase.$rel.$name: '", $r->{$name} // '', "' is not a version range")
						if !@parts || grep { !/$range/ } @parts;
				}
			}
		}
	}
}
if (exists $meta->{resources}) {
	my $r = $meta->{resources};
	if (ref $r ne 'HASH') { problem("resources must be an object"); }
	else {
		only_keys('resources', $r, qw(homepage bugtracker repository));
		problem("resources must give a homepage, bugtracker or repository")
			unless grep { exists $r->{$_} } qw(homepage bugtracker repository);
		problem("resources.homepage must be a URI") if exists $r->{homepage} && !(is_string($r->{homepage}) && $r->{homepage} =~ /^\w+:/);
		if (exists $r->{bugtracker}) {
			my $b = $r->{bugtracker};
			if (ref $b ne 'HASH' || !(exists $b->{web} || exists $b->{mailto})) { problem("resources.bugtracker needs web or mailto"); }
			else {
				only_keys('resources.bugtracker', $b, qw(web mailto));
				problem("resources.bugtracker.mailto must be an address") if exists $b->{mailto} && ($b->{mailto} // '') !~ /^[^@\s]+@[^@\s]+$/;
			}
		}
		if (exists $r->{repository}) {
			my $g = $r->{repository};
			if (ref $g ne 'HASH' || !(exists $g->{web} || (exists $g->{url} && exists $g->{type}))) {
				problem("resources.repository needs web, or url and type");
			} else {
				only_keys('resources.repository', $g, qw(url web type));
			}
		}
	}
}

if (@problems) { print "$file is invalid:\n", map { "  $_\n" } @problems; exit 1; }
print "$file is OK\n";
