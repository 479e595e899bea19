# shellcheck shell=sh
# Sourced by what boots the arm64 kernel (make check-kernel-arm64): runs
# the qemu-system-aarch64 of a folder made by qemu-sid.sh (Debian sid's
# QEMU 11 on a bookworm host) with chroot, or a host QEMU directly.
#
#   qemu_chroot_run ROOT TIMEOUT LOG -- QEMU-ARGUMENTS...
#
# ROOT is line 1 of qemu-sid.sh: a sid folder, or "/" (QEMU_AARCH64 was
# set), meaning no chroot: ${QEMU_AARCH64:-qemu-system-aarch64} is run as
# it is.  QEMU runs under `timeout -k 10 TIMEOUT`, with stdin from
# /dev/null and its stdout and stderr both in LOG (a host path), so the
# serial console of -nographic and the -trace lines (stderr) share one
# stream in the order QEMU wrote them.  Returns QEMU's exit status, also
# left in qemu_rc (0 after the guest powered off through PSCI): 124 (or
# 137, killed 10 s later) means TIMEOUT ran out, 125 that the chroot could
# not be set up (the reason is on stderr), 129, 130 or 143 that a HUP,
# INT or TERM stopped QEMU.
#
# In a chroot, QEMU can only open files inside ROOT: the files of
# -kernel, -initrd and -dtb are copied into ROOT/tmp/nestref-XXXXXX
# (removed afterwards) and those arguments alone are rewritten to the
# copies' paths; any other path given to QEMU must already be a path
# inside the chroot.  /proc and /dev are bound into ROOT only while QEMU
# runs, and in a mount namespace of QEMU's own (unshare): the host never
# sees these mounts (findmnt shows none), and they end with QEMU in every
# case, a timeout, a signal or a kill -9, so that nothing can delete the
# host's /dev through ROOT.  QEMU is stopped (TERM, then KILL 10 s
# later) when the shell that called qemu_chroot_run ends before it (a
# watcher checks every second), and on a Ctrl-C (INT to the process
# group), TERM or HUP to the subshell that waits for it.  Needs root.
#
# Everything here is prefixed qemu_ or qc_: the caller's names are left
# alone, and the caller's traps too (the work is done in a subshell).

qemu_chroot_run() {
	qemu_rc=125
	if [ $# -lt 4 ] || [ "$4" != -- ]; then
		echo "qemu_chroot_run: usage: qemu_chroot_run ROOT TIMEOUT LOG -- QEMU-ARGUMENTS..." >&2
		return 125
	fi
	qc_root=$1
	qc_timeout=$2
	qc_log=$3
	shift 4
	case $qc_timeout in
	'' | *[!0-9]*)
		echo "qemu_chroot_run: TIMEOUT must be a number of seconds, not '$qc_timeout'" >&2
		return 125
		;;
	esac
	if [ "$qc_root" = / ]; then
		qc_qemu=${QEMU_AARCH64:-qemu-system-aarch64}
		if ! command -v "$qc_qemu" >/dev/null 2>&1; then
			echo "qemu_chroot_run: $qc_qemu is not a command: set QEMU_AARCH64, or give the folder of qemu-sid.sh as ROOT" >&2
			return 125
		fi
	else
		qemu_chroot_check "$qc_root" || return 125
	fi
	(
		qc_tmp=
		qc_pid=
		qc_signal=
		# Stop QEMU on a signal: timeout forwards the TERM to it.  The
		# loop below then waits for it to end.  QEMU exits 0 on a TERM,
		# like after a power-off, so the status says the signal instead
		# (128 + its number).
		qc_stop() {
			qc_signal=$1
			[ -n "$qc_pid" ] && kill -TERM "$qc_pid" 2>/dev/null
		}
		trap 'qc_stop 130' INT
		trap 'qc_stop 143' TERM
		trap 'qc_stop 129' HUP
		trap '[ -n "$qc_tmp" ] && rm -rf "$qc_tmp"' EXIT
		if [ "$qc_root" = / ]; then
			timeout -k 10 "$qc_timeout" "$qc_qemu" "$@" \
				</dev/null >"$qc_log" 2>&1 &
		else
			qc_tmp=$(mktemp -d "$qc_root/tmp/nestref-XXXXXX") || {
				echo "qemu_chroot_run: cannot create a folder in $qc_root/tmp" >&2
				exit 125
			}
			qc_in=/tmp/${qc_tmp##*/}
			# Copy the files of -kernel, -initrd and -dtb into the chroot
			# and point those arguments at the copies; every other
			# argument goes through unchanged.  "$@" is rebuilt in place:
			# each argument is shifted off and appended.
			qc_n=$#
			qc_file=
			while [ "$qc_n" -gt 0 ]; do
				qc_a=$1
				shift
				qc_n=$((qc_n - 1))
				if [ -n "$qc_file" ]; then
					qc_name=$qc_file-${qc_a##*/}
					cp "$qc_a" "$qc_tmp/$qc_name" || {
						echo "qemu_chroot_run: cannot copy $qc_a (-$qc_file) into $qc_tmp" >&2
						exit 125
					}
					qc_a=$qc_in/$qc_name
					qc_file=
				else
					case $qc_a in
					-kernel | --kernel) qc_file=kernel ;;
					-initrd | --initrd) qc_file=initrd ;;
					-dtb | --dtb) qc_file=dtb ;;
					esac
				fi
				set -- "$@" "$qc_a"
			done
			# The mounts, then chroot and QEMU under timeout, in one
			# process (exec) inside the new mount namespace: the
			# namespace, and its mounts, end when QEMU and timeout do.
			# Setup errors go to the caller's stderr (fd 3), not LOG.
			# shellcheck disable=SC2016 # the inner script's own $1, $2, $@
			unshare --mount --propagation private -- sh -c '
				root=$1
				secs=$2
				shift 2
				for m in proc dev; do
					if ! mount --bind "/$m" "$root/$m"; then
						echo "qemu_chroot_run: cannot bind /$m into $root (root and a kernel with mount namespaces are needed)" >&3
						exit 125
					fi
				done
				exec timeout -k 10 "$secs" chroot "$root" \
					/usr/bin/qemu-system-aarch64 "$@" 3>&-
			' qemu-chroot "$qc_root" "$qc_timeout" "$@" \
				3>&2 </dev/null >"$qc_log" 2>&1 &
		fi
		qc_pid=$!
		# The watcher: a caller killed outright cannot stop QEMU itself.
		# $$ is the calling shell, also in this subshell.
		qc_caller=$$
		(
			while kill -0 "$qc_caller" 2>/dev/null &&
				kill -0 "$qc_pid" 2>/dev/null; do
				sleep 1
			done
			kill -0 "$qc_caller" 2>/dev/null || kill -TERM "$qc_pid"
		) </dev/null >/dev/null 2>&1 &
		qc_watch=$!
		# wait returns early when a trapped signal arrives; the process is
		# waited for again until it has really ended (a zombie still
		# answers kill -0, so its status is not lost).
		while :; do
			wait "$qc_pid"
			qc_status=$?
			kill -0 "$qc_pid" 2>/dev/null || break
		done
		kill "$qc_watch" 2>/dev/null
		exit "${qc_signal:-$qc_status}"
	)
	qemu_rc=$?
	return "$qemu_rc"
}

# qemu_chroot_check ROOT: whether ROOT looks like a folder of qemu-sid.sh
# and this shell can chroot into it; says why not on stderr.
qemu_chroot_check() {
	if [ ! -x "$1/usr/bin/qemu-system-aarch64" ]; then
		echo "qemu_chroot_run: $1 has no usr/bin/qemu-system-aarch64: give the folder printed by tests/kernel/qemu-sid.sh" >&2
		return 1
	fi
	for qc_d in proc dev tmp; do
		if [ ! -d "$1/$qc_d" ]; then
			echo "qemu_chroot_run: $1 has no $qc_d folder: remove it and run tests/kernel/qemu-sid.sh again" >&2
			return 1
		fi
	done
	if [ "$(id -u)" -ne 0 ]; then
		echo "qemu_chroot_run: chroot and mount need root: run as root, or set QEMU_AARCH64 to a host qemu-system-aarch64 11.x" >&2
		return 1
	fi
	for qc_c in unshare mount chroot timeout; do
		if ! command -v "$qc_c" >/dev/null 2>&1; then
			echo "qemu_chroot_run: $qc_c is missing (util-linux, mount, coreutils)" >&2
			return 1
		fi
	done
}
