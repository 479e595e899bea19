#!/bin/sh
# make check-kernel (issue 4): the bundled vectors on a real Linux iommufd,
# compared test by test with the mock backend.
#
# Finds or builds a tiny x86_64 kernel with the iommufd selftest mock
# (kernel.sh, iommufd-vm.config), packs /init (init.c), a static nestref
# and the vectors into an initramfs, boots it under qemu-system-x86_64
# (TCG: KVM does not work on these machines) with a timeout, takes the
# guest's TAP from the serial console and compares it with the same
# vectors run on the host's mock.  Where the two disagree the kernel is
# right: fix the mock and add the case to the vectors.
#
# The whole serial console is kept in tests/kernel/run.serial.log, next to
# this test's log.  Environment:
#   KERNEL_IMAGE, KERNEL_SRC, KERNEL_JOBS, XDG_CACHE_HOME   see kernel.sh
#   KERNEL_BOOT_TIMEOUT    seconds the VM may run (default 300)
#   NESTREF_GUEST_BACKEND  the guest's backend (default iommufd; "mock"
#                          checks this harness without the kernel backend)
set -u
# shellcheck disable=SC2154 # top_srcdir, abs_top_builddir: from make
if [ -z "${top_srcdir-}" ] || [ -z "${abs_top_builddir-}" ]; then
	echo "run.sh: run it through make check-kernel (top_srcdir and abs_top_builddir are not set)" >&2
	exit 99
fi
# shellcheck source=tests/lib.sh
. "$top_srcdir/tests/lib.sh"

here=$top_srcdir/tests/kernel
out=$abs_top_builddir/tests/kernel
serial_log=$out/run.serial.log
boot_timeout=${KERNEL_BOOT_TIMEOUT:-300}
guest_backend=${NESTREF_GUEST_BACKEND:-iommufd}
profile=linux-6.13

# bail DESCRIPTION DIAGNOSTICS: a failure the later steps cannot survive.
bail() {
	not_ok "$1" "$2"
	finish
	exit 1
}

tmp=$(mktemp -d "${TMPDIR:-/tmp}/nestref-kernel.XXXXXX") ||
	bail "a temporary folder" "mktemp -d failed in ${TMPDIR:-/tmp}"
trap 'rm -rf "$tmp"' EXIT
trap 'exit 1' INT TERM HUP

# ---------------------------------------------------------- prerequisites
missing_cmds=
missing_pkgs=
checked=
need() { # COMMAND DEBIAN-PACKAGE
	checked="$checked $1"
	if ! command -v "$1" >/dev/null 2>&1; then
		missing_cmds="$missing_cmds $1"
		missing_pkgs="$missing_pkgs $2"
	fi
}
need_header() { # HEADER DEBIAN-PACKAGE
	checked="$checked <$1>"
	if ! echo "#include <$1>" | gcc -E -x c - >/dev/null 2>&1; then
		missing_cmds="$missing_cmds <$1>"
		missing_pkgs="$missing_pkgs $2"
	fi
}
need qemu-system-x86_64 qemu-system-x86
need cpio cpio
need timeout coreutils
if [ -z "${KERNEL_IMAGE-}" ]; then
	# What building a kernel takes (kernel-vm.md).
	need make make
	need gcc gcc
	need flex flex
	need bison bison
	need bc bc
	if command -v gcc >/dev/null 2>&1; then
		need_header gelf.h libelf-dev
		need_header openssl/opensslv.h libssl-dev
	fi
	if [ -z "${KERNEL_SRC-}" ]; then
		need apt-get apt
		need dpkg-deb dpkg
		need xz xz-utils
	fi
fi
if [ -n "$missing_cmds" ]; then
	bail "prerequisites: missing$missing_cmds" \
		"install them: apt-get install$missing_pkgs"
fi
for prog in nestref-static init; do
	if [ ! -x "$out/$prog" ]; then
		bail "prerequisites: no $out/$prog" \
			"make check-kernel builds it (make tests/kernel/$prog)"
	fi
done
ok "prerequisites:$checked"

# ----------------------------------------------------------------- kernel
# kernel.sh's progress goes to stderr, which is this test's log, as it
# happens (a build takes minutes: tail -f tests/kernel/run.log).
t0=$(date +%s)
{
	sh "$here/kernel.sh" "$here/iommufd-vm.config"
	echo $? >"$tmp/kernel.rc"
} 2>&1 >"$tmp/kernel.out" | tee "$tmp/kernel.err" >&2
kernel_rc=$(cat "$tmp/kernel.rc" 2>/dev/null || echo 1)
image=$(sed -n 1p "$tmp/kernel.out")
kernel_desc=$(sed -n 2p "$tmp/kernel.out")
if [ "$kernel_rc" -ne 0 ] || [ ! -f "$image" ]; then
	bail "kernel ready" "$(tail -n 25 "$tmp/kernel.err")"
fi
ok "kernel ready: $kernel_desc, in $(($(date +%s) - t0)) s"

# -------------------------------------------------------------- initramfs
# An uncompressed newc cpio: the kernel has no decompressor and the
# built-in initramfs already provides /dev/console.
root=$tmp/root
if ! { mkdir -p "$root" &&
	cp "$out/init" "$root/init" &&
	cp "$out/nestref-static" "$root/nestref" &&
	cp -R "$top_srcdir/vectors" "$root/vectors" &&
	chmod -R u+rwX,go+rX "$root"; } 2>"$tmp/cpio.err"; then
	bail "initramfs" "copying into $root failed: $(cat "$tmp/cpio.err")"
fi
if ! (cd "$root" && find . | LC_ALL=C sort |
	cpio -o -H newc --owner=0:0 --quiet) >"$tmp/initramfs.cpio" \
	2>"$tmp/cpio.err"; then
	bail "initramfs" "cpio failed: $(cat "$tmp/cpio.err")"
fi
nvec=$(find "$root/vectors" -name '*.yaml' | wc -l)
ok "initramfs: /init, /nestref and $nvec vector files, $(wc -c <"$tmp/initramfs.cpio") bytes"

# ------------------------------------------------------------------- boot
# isa-debug-exit makes QEMU exit with (v << 1) | 1 when /init writes v to
# port 0xf4: v is nestref's exit status, or 101-105 for a failure of /init
# itself (init.c).  0 means the kernel panicked or reset (panic=-1 with
# -no-reboot); 124 or 137 means the timeout fired.
append="console=ttyS0 quiet panic=-1"
if [ "$guest_backend" != iommufd ]; then
	append="$append nestref_backend=$guest_backend"
fi
set -- qemu-system-x86_64 -accel tcg -m 256M -smp 1 -nographic -no-reboot \
	-kernel "$image" -initrd "$tmp/initramfs.cpio" -append "$append" \
	-device isa-debug-exit,iobase=0xf4,iosize=0x04
echo "# timeout -k 10 $boot_timeout $*" >"$serial_log"
t0=$(date +%s)
timeout -k 10 "$boot_timeout" "$@" </dev/null >>"$serial_log" 2>&1
qemu_rc=$?
boot_secs=$(($(date +%s) - t0))
# A copy to parse: no carriage returns, and no escape sequences (SeaBIOS
# clears the screen at the start of what becomes /init's first line).
esc=$(printf '\033')
tr -d '\r' <"$serial_log" |
	sed -e "s/${esc}\[[0-9;?]*[A-Za-z]//g" -e "s/${esc}[A-Za-z]//g" >"$tmp/serial"

# The guest's TAP: the lines between the markers.
awk -v tap="$tmp/guest.tap" '
	/@@NESTREF-TAP-END rc=-?[0-9]+@@/ {
		s = $0
		sub(/.*@@NESTREF-TAP-END rc=/, "", s)
		sub(/@@.*/, "", s)
		print s
		inside = 0
		next
	}
	inside { print > tap }
	/@@NESTREF-TAP-BEGIN@@/ { inside = 1; printf "" > tap }
' "$tmp/serial" >"$tmp/guest.rc"
guest_rc=$(sed -n 1p "$tmp/guest.rc")
guest_stderr=$(sed -n 's/^nestref stderr: //p' "$tmp/serial")
init_at=$(sed -n 's/.*nestref-init: \/init running at \([0-9.]*\) s.*/\1/p' "$tmp/serial")
ran_for=$(sed -n 's/.*nestref-init: nestref ran for \([0-9.]*\) s.*/\1/p' "$tmp/serial")
timing="in $boot_secs s (/init at ${init_at:-?} s after boot, nestref ran ${ran_for:-?} s)"

case $qemu_rc in
124 | 137)
	bail "VM booted and exited: timed out after $boot_timeout s" \
		"last lines of $serial_log:
$(tail -n 30 "$tmp/serial")" ;;
0)
	bail "VM booted and exited with code 0: the kernel panicked or /init could not reach isa-debug-exit" \
		"last lines of $serial_log:
$(tail -n 30 "$tmp/serial")" ;;
esac
if [ $((qemu_rc % 2)) -ne 1 ] || [ ! -f "$tmp/guest.tap" ]; then
	bail "VM booted and exited with code $qemu_rc: QEMU itself failed (no guest result)" \
		"last lines of $serial_log:
$(tail -n 30 "$tmp/serial")"
fi
status=$(((qemu_rc - 1) / 2))
if [ "$status" -ge 100 ]; then
	bail "VM booted and exited with code $qemu_rc: /init failed (status $status, see init.c)" \
		"$(grep -e 'nestref-init:' -e '^nestref stderr:' "$tmp/serial")"
fi
if [ "$status" != "$guest_rc" ]; then
	bail "VM booted and exited with code $qemu_rc, but the end marker says rc=${guest_rc:-nothing}" \
		"last lines of $serial_log:
$(tail -n 30 "$tmp/serial")"
fi
case $status in
0 | 1)
	ok "VM booted and exited with code $qemu_rc (nestref exit status $status) $timing"
	if [ -n "$guest_stderr" ]; then
		printf '%s\n' "$guest_stderr" | sed 's/^/# nestref stderr: /'
	fi
	;;
77)
	bail "VM booted and exited with code $qemu_rc: the $guest_backend backend is unavailable in the guest" \
		"$(grep '^1\.\.0' "$tmp/guest.tap")
$guest_stderr" ;;
*)
	bail "VM booted and exited with code $qemu_rc: nestref exit status $status (usage or load error)" \
		"$guest_stderr" ;;
esac

# ------------------------------------------------------------ the mock run
# nestref run exits 1 when a test fails, which the report shows test by
# test; 2 or 77 mean it did not run.
nestref run --quiet --backend mock --profile "$profile" "$top_srcdir/vectors" \
	>"$tmp/mock.tap" 2>"$tmp/mock.err"
mock_rc=$?
if [ "$mock_rc" -ne 0 ] && [ "$mock_rc" -ne 1 ]; then
	bail "mock on the host: nestref run exited $mock_rc" "$(cat "$tmp/mock.err")"
fi

# --------------------------------------------------------- the guest's run
plan=$(sed -n 's/^1\.\.\([0-9]*\)$/\1/p' "$tmp/guest.tap" | head -n 1)
tests=$(grep -c -E '^(not )?ok [0-9]+ - ' "$tmp/guest.tap")
skipped=$(grep -E '^(not )?ok [0-9]+ - ' "$tmp/guest.tap" | grep -c ' # SKIP')
if [ -z "$plan" ] || [ "$plan" -ne "$tests" ] || [ "$tests" -eq 0 ]; then
	bail "guest ran $((tests - skipped)) tests: its TAP is incomplete (plan ${plan:-missing}, $tests test lines)" \
		"$(tail -n 30 "$tmp/guest.tap")"
fi
ok "guest ran $((tests - skipped)) tests on $guest_backend ($skipped skipped) of its plan of $plan"

# ----------------------------------------------------- differential report
${AWK:-awk} -v first=$((tap_n + 1)) -v summary="$tmp/summary" \
	-v guest="$guest_backend" \
	-f "$here/differential.awk" "$tmp/mock.tap" "$tmp/guest.tap" \
	>"$tmp/report" || bail "differential report" "awk failed on the two runs"
cat "$tmp/report"
tap_n=$((tap_n + $(grep -c -E '^(not )?ok [0-9]+ - ' "$tmp/report")))
tap_failed=$((tap_failed + $(grep -c -E '^not ok [0-9]+ - ' "$tmp/report")))
read -r compared agree disagree kfail gskip monly <"$tmp/summary"
echo "# differential: $compared tests compared, $agree agree, $disagree disagree," \
	"$kfail fail on the kernel, $gskip skipped by the guest"
if [ "$monly" -eq 0 ]; then
	ok "every test of the mock's run is in the guest's run"
else
	not_ok "the guest's run lacks $monly tests of the mock's run (different vectors?)"
fi
# The failures again at the end, where CI's tail of this log looks: the
# report above is in vector order and ends with hundreds of skips.
if grep -q '^not ok ' "$tmp/report"; then
	echo "# failed (details above, under each line):"
	sed -n 's/^not ok /#   not ok /p' "$tmp/report"
fi
finish
