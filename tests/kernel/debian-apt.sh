# shellcheck shell=sh
# shellcheck disable=SC2016 # awk programs in single quotes
# shellcheck disable=SC2154 # me, t_start: set by the caller
# Sourced by kernel.sh (the kernel of make check-kernel and
# check-kernel-arm64) and qemu-sid.sh (QEMU 11 from Debian sid): what both
# need to look things up in Debian sid and experimental without touching
# the system's apt configuration.  Both share one cache and one private
# apt state, so both take the same lock.
#
# The caller sets me (its name, the prefix of every message) and t_start
# (date +%s when it started).  Provides:
#   say, die, phase_begin, phase_end   progress and errors on stderr
#   nestref_cache                      sets cache, creates it
#   nestref_lock                       one kernel.sh or qemu-sid.sh per cache
#   apt_setup HINT                     sets apt_dir, mirror, suites and
#                                      writes the private sources list
#   apt_opts CMD...                    runs an apt command on that state
#   apt_update                         refreshes the lists (returns 1 on failure)
#   apt_lists_young                    whether they were refreshed in the last day
#   madison PACKAGE...                 "package version suite" lines

say() {
	echo "$me: [$(($(date +%s) - t_start)) s] $*" >&2
}

die() {
	echo "$me: error: $*" >&2
	exit 1
}

phase_begin() {
	phase_t0=$(date +%s)
	say "$1"
}

phase_end() {
	say "$1 done in $(($(date +%s) - phase_t0)) s"
}

# nestref_cache: sets cache to $XDG_CACHE_HOME/nestref (default
# ~/.cache/nestref) and creates it.
nestref_cache() {
	if [ -n "${XDG_CACHE_HOME-}" ]; then
		cache=$XDG_CACHE_HOME/nestref
	elif [ -n "${HOME-}" ]; then
		cache=$HOME/.cache/nestref
	else
		die "neither XDG_CACHE_HOME nor HOME is set: set one to say where nestref's cache (kernels, apt lists, QEMU) goes"
	fi
	mkdir -p "$cache" || die "cannot create the cache folder $cache"
}

# nestref_lock: one kernel.sh or qemu-sid.sh at a time per cache: two
# runs would share the apt state and could build into the same folder.
# The lock is file descriptor 9, held until the caller exits.
nestref_lock() {
	command -v flock >/dev/null 2>&1 || return 0
	exec 9>"$cache/kernel.lock" || die "cannot open $cache/kernel.lock"
	if ! flock -n 9; then
		say "waiting for another kernel.sh or qemu-sid.sh to release $cache/kernel.lock"
		flock 9 || die "flock on $cache/kernel.lock failed"
	fi
}

# The mirror this machine's apt already uses: deb822 .sources first, then
# one-line .list files.  Security and -updates suites are not mirrors of
# sid.
debian_mirror() {
	for f in /etc/apt/sources.list.d/*.sources; do
		[ -r "$f" ] || continue
		awk '
		function flush() {
			if (!found && types ~ /(^|[ \t])deb([ \t]|$)/ &&
			    enabled != "no" && uri ~ /^https?:\/\// && suite_ok &&
			    uri !~ /security/) {
				print uri
				found = 1
			}
			types = ""; uri = ""; suite_ok = 0; enabled = ""
		}
		/^[ \t]*#/ { next }
		/^[ \t]*$/ { flush(); next }
		tolower($1) == "types:" { types = $0; sub(/^[^:]*:/, "", types) }
		tolower($1) == "uris:" { uri = $2 }
		tolower($1) == "suites:" {
			for (i = 2; i <= NF; i++)
				if ($i !~ /-/)
					suite_ok = 1
		}
		tolower($1) == "enabled:" { enabled = tolower($2) }
		END { flush() }' "$f"
	done
	for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list; do
		[ -r "$f" ] || continue
		sed -n 's/^[[:space:]]*deb[[:space:]]\{1,\}\(\[[^]]*\][[:space:]]\{1,\}\)\{0,1\}\(https\{0,1\}:\/\/[^[:space:]]*\)[[:space:]]\{1,\}[^[:space:]-]\{1,\}[[:space:]].*/\2/p' "$f" |
			grep -v security
	done
}

# apt_setup HINT: the private apt state in $cache/apt for sid and
# experimental (always both, whoever calls: a different list would throw
# away the other caller's lists), on the mirror of debian_mirror or
# DEBIAN_MIRROR.  HINT ends the error messages: what else the user can
# give instead of a mirror.
apt_setup() {
	suites="sid experimental"
	apt_dir=$cache/apt
	mirror=${DEBIAN_MIRROR:-$(debian_mirror | head -n 1)}
	[ -n "$mirror" ] ||
		die "no Debian mirror found in /etc/apt/sources.list or /etc/apt/sources.list.d; set DEBIAN_MIRROR to the one you use ($1)"
	keyring=/usr/share/keyrings/debian-archive-keyring.gpg
	[ -r "$keyring" ] ||
		die "$keyring is missing: apt-get install debian-archive-keyring"
	mkdir -p "$apt_dir/lists/partial" "$apt_dir/cache/archives/partial" ||
		die "cannot create $apt_dir"
	for s in $suites; do
		echo "deb [signed-by=$keyring] $mirror $s main"
	done >"$apt_dir/debian.list.new" ||
		die "cannot write $apt_dir/debian.list.new"
	# A changed mirror or suite invalidates the lists fetched before.
	if ! cmp -s "$apt_dir/debian.list.new" "$apt_dir/debian.list"; then
		rm -f "$apt_dir"/lists/*_dists_* "$apt_dir"/cache/*.bin \
			"$apt_dir/updated.stamp" "$apt_dir/sid.list"
		mv "$apt_dir/debian.list.new" "$apt_dir/debian.list"
	else
		rm -f "$apt_dir/debian.list.new"
	fi
}

# Only these options point apt at the private state: the sources list, the
# lists and the binary caches (else apt would rewrite the system's
# /var/cache/apt/*.bin from these lists).  experimental is NotAutomatic
# in its Release file, but nothing here relies on apt's choice: callers
# pick the suite from madison's output and give versions exactly.
apt_opts() {
	"$@" -o Dir::Etc::sourcelist="$apt_dir/debian.list" \
		-o Dir::Etc::sourceparts=- \
		-o Dir::State::Lists="$apt_dir/lists" \
		-o Dir::Cache="$apt_dir/cache" \
		-o APT::Sandbox::User="$(id -un)"
}

# apt_update: refreshes the private lists; on failure shows why and
# returns 1.  The stamp, not the lists' own times (apt gives them the
# mirror's Last-Modified), says when that last worked.
updated=
apt_update() {
	phase_begin "apt-get update of $(echo "$suites" | sed 's/ /, /g') from $mirror (private state in $apt_dir)"
	# --error-on=any: by default a list that failed to download is only a
	# warning, and apt-get update exits 0.
	if ! apt_opts apt-get -q --error-on=any update >"$apt_dir/update.log" 2>&1; then
		tail -n 10 "$apt_dir/update.log" >&2
		say "apt-get update failed (log: $apt_dir/update.log): check access to $mirror"
		return 1
	fi
	touch "$apt_dir/updated.stamp"
	updated=1
	phase_end "apt-get update"
}

# apt_lists_young: whether the lists were refreshed in the last day.
# Older ones are refreshed: sid moves, and an old version disappears from
# the mirror.
apt_lists_young() {
	[ -n "$(find "$apt_dir/updated.stamp" -mmin -1440 2>/dev/null)" ]
}

# madison [PACKAGE...]: "package version suite" lines from the lists.
madison() {
	[ $# -gt 0 ] || return 0
	apt_opts apt-cache madison "$@" 2>/dev/null |
		${AWK:-awk} -F'|' '{
			p = $1; v = $2
			gsub(/ /, "", p); gsub(/ /, "", v)
			split($3, w, " ")
			split(w[2], d, "/")
			if (p != "" && v != "" && d[1] != "")
				print p, v, d[1]
		}'
}
