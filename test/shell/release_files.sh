#!/usr/bin/env bash
# The release's files agree: the frozen scripts of 1.0 and 1.1 are unchanged, META.json
# passes the PGXN Meta Spec, and META.json, debian/changelog, CHANGELOG.md and
# the README name the version the control file installs.  TAP output.
set -uo pipefail
cd "$(dirname "$0")/../.."
. scripts/lib.sh

echo "1..8"

[ "$(sha256sum sql/push_actions--1.0.sql | cut -d' ' -f1)" = d1b3c018027253343c996b769d67729c01e7059f270a712d39085ff501a25a81 ]
check $? "sql/push_actions--1.0.sql is the released 1.0, byte for byte"

[ "$(sha256sum sql/push_actions--1.1.sql sql/push_actions--1.0--1.1.sql | cut -d' ' -f1 | tr '\n' ' ')" \
	= "96ed3ed256241eba6acaef49dd9043a88c30eaf5a526bff137f84b5c533da14c c6a74a5f431802f7c991ae9365f09c1942a1745188f9c4033687a531adfcbd7e " ]
check $? "sql/push_actions--1.1.sql and sql/push_actions--1.0--1.1.sql are the released 1.1, byte for byte"

out=$(perl test/tools/pgxn_meta_check.pl META.json)
check $? "META.json passes the PGXN Meta Spec" || echo "$out" | sed 's/^/# /'

# the checker must be able to fail: a copy without license, with a bad
# version and an unknown key is refused, each problem named
bad=$(mktemp)
perl -MJSON::PP -e 'my $j = JSON::PP->new; local $/; my $m = $j->decode(<STDIN>);
	delete $m->{license}; $m->{version} = "1.1"; $m->{homepage} = "x"; print $j->encode($m)' <META.json >"$bad"
out=$(perl test/tools/pgxn_meta_check.pl "$bad")
[ $? -eq 1 ] && grep -q "missing mandatory key 'license'" <<<"$out" && grep -q "'1.1' is not a semantic version" <<<"$out" \
	&& grep -q "unknown key 'homepage'" <<<"$out"
check $? "the META.json check refuses a file without license, with a bad version or an unknown key" \
	|| echo "$out" | sed 's/^/# /'
rm -f "$bad"

current=$(sed -n "s/^default_version = '\(.*\)'/\1/p" push_actions.control)
meta=$(perl -MJSON::PP -e 'local $/; my $m = JSON::PP->new->decode(<STDIN>);
	print "$m->{version} $m->{provides}{push_actions}{version}"' <META.json)
released=$(sed -n 's/^## \([0-9.]*\) (released.*)$/\1/p' CHANGELOG.md | head -1)
# PGXN distributes releases: META.json names the latest one, or the version
# in development once it is released itself
[ "$meta" = "$released.0 $released.0" ] || [ "$meta" = "$current.0 $current.0" ]
check $? "META.json's versions ($meta) are the latest release's ($released)" 

deb=$(sed -n '1s/^push-actions (\([^-]*\)-[0-9]*).*/\1/p' debian/changelog)
[ "$deb" = "$current~dev" ] || [ "$deb" = "$current" ]
check $? "debian/changelog's version ($deb) is the control file's $current"

missing=""
for v in 1.0 $(ls sql/push_actions--*--*.sql | sed 's/.*--\(.*\)\.sql/\1/'); do
	grep -q "^## $v " CHANGELOG.md || missing="$missing $v"
done
[ -z "$missing" ] && grep -q "^## $current " CHANGELOG.md
check $? "CHANGELOG.md has a section for 1.0, each upgrade step and $current" || echo "# missing:$missing"

grep -q "latest released version is $released\b" README.md
check $? "the README names $released, CHANGELOG.md's latest released version"
