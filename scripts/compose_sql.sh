#!/usr/bin/env bash
# compose_sql.sh TEMPLATE: prints TEMPLATE with each line "\ir FILE"
# replaced by FILE (a path relative to the template's folder): an upgrade
# step includes the current definitions from sql/src/ instead of a copy, and
# the installed sample is test/data/demo_sample.sql with the files it reads.
# An included file that is missing fails the build.
set -euo pipefail
template=$1
dir=$(dirname "$template")
while IFS= read -r line || [ -n "$line" ]; do
	if [[ $line =~ ^\\ir[[:space:]]+([^[:space:]]+)[[:space:]]*$ ]]; then
		file=$dir/${BASH_REMATCH[1]}
		[ -f "$file" ] || { echo "$template: no such file to include: $file" >&2; exit 1; }
		printf -- '-- %s\n' "$(realpath --relative-to=. "$file")"
		cat "$file"
	else
		printf '%s\n' "$line"
	fi
done <"$template"
