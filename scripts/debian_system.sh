# Throwaway Debian systems in a folder, for tests on a clean system: made by
# debootstrap from the Debian registry this machine's apt already uses, with
# /proc and /dev/shm mounted (PostgreSQL needs both) and services kept from
# starting.  Sourced after scripts/lib.sh, not run.

# The Debian archive apt is configured with (deb822 or one-line sources).
debian_mirror() {
	local m
	m=$(awk '/^URIs:/ { for (i = 2; i <= NF; i++) if ($i !~ /security/) { print $i; exit } }' \
		/etc/apt/sources.list.d/*.sources 2>/dev/null | head -1)
	[ -n "$m" ] || m=$(awk '$1 == "deb" && $2 !~ /security/ && $2 ~ /^http/ { print $2; exit }' \
		/etc/apt/sources.list /etc/apt/sources.list.d/*.list 2>/dev/null | head -1)
	[ -n "$m" ] || { echo "no Debian archive in apt's sources" >&2; return 1; }
	echo "$m"
}

# system_make DIR SUITE: a minimal Debian SUITE in DIR, ready for apt-get.
# Debian testing's Release file may be past its Valid-Until in a mirror's
# copy, so apt in the new system does not check it.
system_make() {
	local dir=$1 suite=$2 mirror script=
	mirror=$(debian_mirror) || return 1
	ensure_packages debootstrap
	# a suite newer than this debootstrap knows is made the way sid is
	[ -e "/usr/share/debootstrap/scripts/$suite" ] || script=/usr/share/debootstrap/scripts/sid
	as_root debootstrap --variant=minbase "$suite" "$dir" "$mirror" $script >"$dir.debootstrap.log" 2>&1 \
		|| { tail -20 "$dir.debootstrap.log"; return 1; }
	as_root sh -c "
		chmod 755 '$dir'  # its root, which mktemp made private
		printf '#!/bin/sh\nexit 101\n' > '$dir/usr/sbin/policy-rc.d' && chmod 755 '$dir/usr/sbin/policy-rc.d'
		echo 'Acquire::Check-Valid-Until \"false\";' > '$dir/etc/apt/apt.conf.d/90no-valid-until'
		mkdir -p '$dir/etc/postgresql-common'
		echo 'create_main_cluster = false' > '$dir/etc/postgresql-common/createcluster.conf'
		cp /etc/resolv.conf '$dir/etc/resolv.conf'
		# the host's own release gets the host's sources, updates included,
		# so the packages built here find the versions they were built against
		if [ \"\$(. /etc/os-release; echo \$VERSION_CODENAME)\" = '$suite' ]; then
			cp /etc/apt/sources.list.d/*.sources '$dir/etc/apt/sources.list.d/' 2>/dev/null \
				&& rm -f '$dir/etc/apt/sources.list'
			[ -s /etc/apt/sources.list ] && cp /etc/apt/sources.list '$dir/etc/apt/sources.list'
			true
		fi
		mount -t proc proc '$dir/proc'
		mount -t tmpfs -o mode=1777 shm '$dir/dev/shm'
		mount -t devpts -o newinstance,ptmxmode=0666 devpts '$dir/dev/pts'"
}

# system_run DIR COMMAND: runs a shell command as root inside the system.
system_run() {
	as_root chroot "$1" /usr/bin/env -i HOME=/root LANG=C.UTF-8 DEBIAN_FRONTEND=noninteractive \
		PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin /bin/bash -c "$2"
}

# system_remove DIR: unmounts and removes the system, whatever state it is in.
system_remove() {
	local dir=$1
	[ -d "$dir" ] || return 0
	# a server left running in it would hold its mounts
	for p in /proc/[0-9]*; do
		[ "$(as_root readlink "$p/root" 2>/dev/null)" = "$dir" ] && as_root kill -9 "${p#/proc/}" 2>/dev/null
	done
	as_root umount -l "$dir/dev/pts" 2>/dev/null || true
	as_root umount -l "$dir/dev/shm" 2>/dev/null || true
	as_root umount -l "$dir/proc" 2>/dev/null || true
	# never delete through a mount that is still there
	if ! grep -q " $dir/" /proc/mounts; then
		as_root rm -rf "$dir" "$dir.debootstrap.log"
	fi
}
