#!/usr/bin/env bash
# README "On your own server", followed as written on a clean Debian 12 made
# by debootstrap: the shell blocks of that section run in a copy of this
# checkout, once as root and once as a user with sudo, against Debian's own
# cluster; the extension must then answer, and make installcheck pass.  Only
# for PostgreSQL 15, the version Debian 12 ships.  TAP output.
set -uo pipefail
cd "$(dirname "$0")/../.."
. scripts/lib.sh
. scripts/debian_system.sh

if [ "$PG" != 15 ]; then
	echo "1..0 # SKIP README's own-server steps are for Debian 12 and PostgreSQL 15"
	exit 0
fi
echo "1..5"

# the section's ```sh blocks, in order
steps=$(awk '/^### On your own server/ { on = 1; next } on && /^### / { exit }
	on && /^```sh/ { code = 1; next } on && code && /^```/ { code = 0; next } on && code' README.md)
[ -n "$steps" ]
check $? "README's own-server section has its commands" || exit 1

sys=$(mktemp -d /tmp/push_actions_system.XXXXXX)
trap 'system_remove "$sys"' EXIT
system_make "$sys" bookworm
check $? "a clean Debian 12 system made by debootstrap"

# what a machine has before the README: sudo for the user who has it, and
# Debian's cluster creation on (the throwaway system turns it off)
system_run "$sys" "apt-get update -qq && apt-get install -y -qq --no-install-recommends sudo >/dev/null \
	&& rm -f /etc/postgresql-common/createcluster.conf \
	&& useradd --create-home --shell /bin/bash alice && echo 'alice ALL=(ALL) NOPASSWD: ALL' > /etc/sudoers.d/alice" \
	>"$sys.setup.log" 2>&1 || { tail -20 "$sys.setup.log" | sed 's/^/# /'; exit 1; }

# follow USER: the steps in the user's own copy of the checkout
follow() {
	local user=$1 home=$2
	as_root mkdir -p "$sys$home/push_actions"
	copy_tree "$sys$home/push_actions" as_root
	as_root chroot "$sys" chown -R "$user" "$home/push_actions"
	printf '%s\n' "set -e" "cd $home/push_actions" "$steps" | as_root tee "$sys/tmp/steps.sh" >/dev/null
	system_run "$sys" "runuser -u $user -- env HOME=$home bash /tmp/steps.sh" >"$sys.$user.log" 2>&1
}
follow root /root
status=$?
grep -qE '^ *0$' "$sys.root.log" && grep -q 'All [0-9]* tests passed' "$sys.root.log"
check $(( status | $? )) "as root: the packages, the build, CREATE EXTENSION, a query on its types and make installcheck" \
	|| tail -30 "$sys.root.log" | sed 's/^/# /'
system_run "$sys" "runuser -u postgres -- dropdb mydb" >/dev/null 2>&1
follow alice /home/alice
status=$?
grep -qE '^ *0$' "$sys.alice.log" && grep -q 'All [0-9]* tests passed' "$sys.alice.log"
check $(( status | $? )) "as a user with sudo: the same, from the user's own checkout" \
	|| tail -30 "$sys.alice.log" | sed 's/^/# /'
! grep -qi 'permission denied\|could not change directory' "$sys.root.log" "$sys.alice.log"
check $? "no step complains about permissions" || grep -hi 'permission denied\|could not change directory' "$sys.root.log" "$sys.alice.log" | sed 's/^/# /'
rm -f "$sys.setup.log" "$sys.root.log" "$sys.alice.log"
