#!/bin/sh
# make bench-kernel (issue 5 point 1(d)): nestref-bench --suite kernel in
# the QEMU guest of make check-kernel, so that the real kernel's
# IOMMU_HWPT_INVALIDATE and the simulated path are measured in the same
# run on the same (emulated) CPU.  docs/bench.md section 8.
#
# Packs /init (init.c) and a static nestref-bench into an initramfs, boots
# the kernel with nestref_mode=bench (vm.sh), and takes from the serial
# console the bench's table (printed here), its JSON and its CSV, written
# to bench-kernel.json and bench-kernel.csv in the build folder; the whole
# console is kept in bench-kernel.serial.log.  Exits 1 with the reason
# when the guest fails, times out, prints no JSON, or could not measure
# the kernel.
#
# With KERNEL_ARCH=arm64, make bench-kernel-arm64 (docs/bench.md section
# 9): the same in the aarch64 guest of make check-kernel-arm64, booted as
# arm64.sh boots it (vm_boot_arm64: the same kernel, from arm64.config,
# the same QEMU and machine, 2 vCPUs) with the cross-built /init and
# nestref-bench (make kernel-arm64), and with nestref_vfio=1: /init binds
# the edu devices to vfio-pci and the kernel rows run on the real
# arm-smmu-v3 driver (--backend-options=mode=vfio,devices=@VFIO_DEVICES@),
# against smmuv3-sim in the same process.  No QEMU trace: it would
# dominate the time.  The files are bench-kernel-arm64.json, .csv and
# .serial.log.  Environment:
#   KERNEL_SERIES, KERNEL_IMAGE, KERNEL_SRC, KERNEL_JOBS, XDG_CACHE_HOME
#                          see kernel.sh (make passes its command-line
#                          variables down: make bench-kernel KERNEL_SERIES=7.3)
#   BENCH_KERNEL_TIMEOUT   seconds the VM may run (default 600)
#   KERNEL_ARCH            arm64 for make bench-kernel-arm64
#   QEMU_AARCH64           arm64: a host qemu-system-aarch64 11.x (qemu-sid.sh)
#   ARM64_EDU              arm64: edu devices in the guest (default 3)
#   ARM64_VCPUS            arm64: vCPUs of the guest (default 2)
set -u
# shellcheck disable=SC2154 # top_srcdir, abs_top_builddir: from make
if [ -z "${top_srcdir-}" ] || [ -z "${abs_top_builddir-}" ]; then
	echo "bench.sh: run it through make bench-kernel (top_srcdir and abs_top_builddir are not set)" >&2
	exit 2
fi

here=$top_srcdir/tests/kernel
out=$abs_top_builddir/tests/kernel
arch=${KERNEL_ARCH:-x86_64}
if [ "$arch" = arm64 ]; then
	name=bench-kernel-arm64
	progs=$out/arm64/tests/kernel
else
	name=bench-kernel
	progs=$out
fi
json=$abs_top_builddir/$name.json
csv=$abs_top_builddir/$name.csv
serial_log=$abs_top_builddir/$name.serial.log
boot_timeout=${BENCH_KERNEL_TIMEOUT:-600}
n_edu=${ARM64_EDU:-3}
n_vcpus=${ARM64_VCPUS:-2}
t_start=$(date +%s)

# What vm.sh calls: progress on stderr, a failure as one clear message.
vm_ok() {
	echo "$name: $1" >&2
}
vm_fail() {
	echo "$name: FAILED: $1" >&2
	if [ -n "${2-}" ]; then
		printf '%s\n' "$2" | sed "s/^/$name:   /" >&2
	fi
	exit 1
}
# shellcheck source=tests/kernel/vm.sh
. "$here/vm.sh"
# shellcheck source=tests/kernel/qemu-chroot.sh
. "$here/qemu-chroot.sh"

tmp=$(mktemp -d "${TMPDIR:-/tmp}/nestref-bench-kernel.XXXXXX") ||
	vm_fail "a temporary folder" "mktemp -d failed in ${TMPDIR:-/tmp}"
trap 'rm -rf "$tmp"' EXIT
trap 'exit 1' INT TERM HUP

# Results of an earlier run must not pass for this one's.
rm -f "$json" "$csv"

if [ "$arch" = arm64 ]; then
	vm_prerequisites
	for prog in init nestref-bench-static; do
		[ -x "$progs/$prog" ] ||
			vm_fail "prerequisites: no $progs/$prog" \
				"make kernel-arm64 cross-builds it (tests/kernel/cross-arm64.sh)"
	done
	vm_kernel arm64.config
	vm_qemu_sid
else
	vm_prerequisites nestref-bench-static init
	vm_kernel
fi

root=$tmp/root
if ! { mkdir -p "$root" &&
	cp "$progs/init" "$root/init" &&
	cp "$progs/nestref-bench-static" "$root/nestref-bench"; } \
	2>"$tmp/cpio.err"; then
	vm_fail "initramfs" "copying into $root failed: $(cat "$tmp/cpio.err")"
fi
vm_initramfs "$root"
vm_ok "initramfs: /init and /nestref-bench, $(wc -c <"$tmp/initramfs.cpio") bytes"

if [ "$arch" = arm64 ]; then
	vm_ok "booting the guest (TCG, $n_vcpus vCPUs, $n_edu edu devices; at most $boot_timeout s; console in $serial_log)"
	vm_boot_arm64 "$boot_timeout" "$serial_log" "$n_vcpus" "$n_edu" \
		"console=ttyAMA0 quiet panic=-1 arm_smmu_v3.nestref_force_s2fwb=1 nestref_mode=bench nestref_vfio=1 nestref_bench_args=\"--backend-options=mode=vfio,devices=@VFIO_DEVICES@\""
	sed -n 's/.*nestref-init: \(vfio device .*\)/\1/p' "$tmp/serial" |
		while read -r line; do vm_ok "guest: $line"; done
else
	vm_ok "booting the guest (TCG, 1 vCPU; at most $boot_timeout s; console in $serial_log)"
	vm_boot "$boot_timeout" "$serial_log" \
		"console=ttyS0 quiet panic=-1 nestref_mode=bench"
fi
guest_rc=$(vm_section BENCH "$tmp/table")
vm_check_exit
ran_for=$(sed -n 's/.*nestref-init: nestref-bench ran for \([0-9.]*\) s.*/\1/p' "$tmp/serial")
guest_stderr=$(sed -n 's/^nestref stderr: //p' "$tmp/serial")

if [ ! -f "$tmp/table" ] || [ "$guest_rc" != "$vm_status" ]; then
	vm_fail "the guest did not run nestref-bench to its end (end marker rc=${guest_rc:-none}, /init status $vm_status)" \
		"$(vm_tail)"
fi
cat "$tmp/table"
case $vm_status in
0) ;;
77)
	vm_fail "the guest could not measure the kernel (nestref-bench exit 77)" \
		"$(grep '^kernel: ' "$tmp/table")
$guest_stderr" ;;
*)
	vm_fail "nestref-bench failed in the guest (exit status $vm_status)" \
		"$guest_stderr" ;;
esac

if ! vm_file bench.json "$tmp/bench.json" || [ ! -s "$tmp/bench.json" ]; then
	vm_fail "the guest printed no complete JSON" "$(vm_tail)"
fi
if ! vm_file bench.csv "$tmp/bench.csv" || [ ! -s "$tmp/bench.csv" ]; then
	vm_fail "the guest printed no complete CSV" "$(vm_tail)"
fi
# The JSON must be whole and say that the kernel was measured: the line
# after the top-level "kernel" key is its status.
kernel_status=$(${AWK:-awk} '/^  "kernel": [{]/ { getline; print; exit }' \
	"$tmp/bench.json")
if [ "$(sed -n 1p "$tmp/bench.json")" != "{" ] ||
	[ "$(sed -n '$p' "$tmp/bench.json")" != "}" ] ||
	[ "$kernel_status" != '    "status": "ok",' ] ||
	! grep -q '"kernel_over_ioctl": ' "$tmp/bench.json"; then
	vm_fail "the guest's JSON is cut or has no measured kernel rows" \
		"$(head -n 5 "$tmp/bench.json")"
fi
if command -v python3 >/dev/null 2>&1 &&
	! msg=$(python3 -c 'import json, sys; json.load(open(sys.argv[1]))' \
		"$tmp/bench.json" 2>&1); then
	vm_fail "the guest's JSON does not parse" "$msg"
fi
if ! cp "$tmp/bench.json" "$json" || ! cp "$tmp/bench.csv" "$csv"; then
	vm_fail "writing $json and $csv" ""
fi
# The two targets of nestref's own cost on this path (docs/bench.md 4):
# information, as every verdict; the run succeeded either way.
if [ -x /usr/bin/python3 ]; then
	/usr/bin/python3 "$top_srcdir/bench/targets.py" \
		--only kernel-share,kernel-call-overhead "$json" >&2 ||
		echo "$name: targets.py could not judge $json" >&2
fi
vm_ok "wrote $json and $csv (guest bench ${ran_for:-?} s, VM $vm_secs s, in all $(($(date +%s) - t_start)) s)"
