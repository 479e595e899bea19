#!/bin/sh
# make check-kernel-arm64 (docs/kernel.md section 5): the SMMUv3 vectors
# on the real arm-smmu-v3 driver of Linux 7.2, in an aarch64 guest on
# QEMU's emulated SMMUv3 (TCG), compared step by step with smmuv3-sim.
#
# The guest: an arm64 kernel from Debian's linux-source-7.2 with one
# test-only module parameter (s2fwb-param.sh: QEMU's SMMUv3 never sets
# IDR3.FWB, without which the driver refuses a vIOMMU), booted under
# QEMU 11 from a Debian sid folder (qemu-sid.sh), with `edu` PCI devices
# behind the SMMU bound to vfio-pci by /init.  In it, a static aarch64
# nestref runs the vectors on the iommufd backend in mode=vfio
# (verdicts: its JSON report), and nestref-steps runs them again step by
# step with marker invalidations around each invalidate step (what the
# SMMU received: QEMU's trace between the markers).
#
# The host: the same vectors on smmuv3-sim (nestref run --report and
# nestref-steps), `nestref report` of the two reports, and
# arm64-compare.py, which lists every SMMUv3 test as compared or not
# expressible on this rig, compares per step the verdict and the commands
# QEMU consumed, and fails on any disagreement that arm64-expected.txt
# does not list as an emulator fault.
#
# Two boots: 2 vCPUs with every SMMUv3 file, and 1 vCPU with the files
# whose setup says `smmu: {gerror_irq_blocked: true}`: with one CPU the
# driver's CMD_SYNC poll (interrupts off) cannot let the global-error
# interrupt skip an illegal command, and the call times out
# (docs/kernel.md 5.6).
#
# The way back (docs/kernel.md 5.12): the 2-vCPU guest then runs
# nestref-edu-fault on its first edu device, a DMA that the guest's stage
# 1 does not map; the check wants the F_TRANSLATION in its vEVENTQ with
# the vSID, and in QEMU's trace (smmuv3_propagate_event) the record the
# SMMU wrote with the device's own StreamID.
#
# Environment (make passes its command-line variables down):
#   KERNEL_PROFILE       the profile of every run (default linux-7.2)
#   KERNEL_IMAGE, KERNEL_SRC, KERNEL_JOBS, XDG_CACHE_HOME   see kernel.sh
#   QEMU_AARCH64         a host qemu-system-aarch64 11.x (qemu-sid.sh)
#   KERNEL_BOOT_TIMEOUT  seconds each boot may take (default 600)
#   ARM64_EDU            edu devices in the guest (default 3)
#   NESTREF_KERNEL_RESULTS   a folder to copy every input and result into
set -u
# shellcheck disable=SC2154 # top_srcdir, abs_top_builddir: from make
if [ -z "${top_srcdir-}" ] || [ -z "${abs_top_builddir-}" ]; then
	echo "arm64.sh: run it through make check-kernel-arm64 (top_srcdir and abs_top_builddir are not set)" >&2
	exit 99
fi
# shellcheck source=tests/lib.sh
. "$top_srcdir/tests/lib.sh"

here=$top_srcdir/tests/kernel
out=$abs_top_builddir/tests/kernel
cross=$out/arm64/tests/kernel
boot_timeout=${KERNEL_BOOT_TIMEOUT:-600}
profile=${KERNEL_PROFILE:-linux-7.2}
n_edu=${ARM64_EDU:-3}
results=${NESTREF_KERNEL_RESULTS-}
KERNEL_ARCH=arm64
export KERNEL_ARCH

bail() {
	not_ok "$1" "$2"
	finish
	exit 1
}
vm_fail() { bail "$@"; }
vm_ok() { ok "$1"; }
# shellcheck source=tests/kernel/vm.sh
. "$here/vm.sh"
# shellcheck source=tests/kernel/qemu-chroot.sh
. "$here/qemu-chroot.sh"

tmp=$(mktemp -d "${TMPDIR:-/tmp}/nestref-arm64.XXXXXX") ||
	bail "a temporary folder" "mktemp -d failed in ${TMPDIR:-/tmp}"
trap 'rm -rf "$tmp"' EXIT
trap 'exit 1' INT TERM HUP

vm_prerequisites nestref-steps
for prog in init nestref-static nestref-steps nestref-edu-fault; do
	[ -x "$cross/$prog" ] ||
		bail "prerequisites: no $cross/$prog" "make check-kernel-arm64 cross-builds it (tests/kernel/cross-arm64.sh)"
done
need_python yaml
case $profile in
*[!A-Za-z0-9._-]*)
	bail "profile $profile" "KERNEL_PROFILE must be a profile name (see nestref backends)" ;;
esac

# ----------------------------------------------------- which files, which run
# The files of the 1-vCPU run say so in their setup; the 2-vCPU run has
# every other SMMUv3 file.
files_1cpu=$(grep -l 'gerror_irq_blocked: *true' "$top_srcdir"/vectors/smmuv3/*.yaml | LC_ALL=C sort)
files_2cpu=$(for f in "$top_srcdir"/vectors/smmuv3/*.yaml; do
	echo "$files_1cpu" | grep -qxF "$f" || echo "$f"
done)

# The boot that also runs nestref-edu-fault.
edu_run=2cpu

# ----------------------------------------------------------- the host's side
# host_side RUN FILES: smmuv3-sim's report and steps for the run.
host_side() {
	run=$1
	shift
	# shellcheck disable=SC2086 # the file list
	nestref run --quiet --backend smmuv3-sim --profile "$profile" \
		--report "$tmp/sim-$run.json" "$@" >"$tmp/sim-$run.tap" 2>"$tmp/sim-$run.err"
	rc=$?
	case $rc in
	0) ok "smmuv3-sim on the host ($run): every test passes" ;;
	# A model that fails its own vectors (tests/kernel/mutants.sh makes
	# such models) fails here, and the comparison still runs: it shows
	# where the kernel disagrees with it.
	1) not_ok "smmuv3-sim on the host ($run): $(grep -c '^not ok' "$tmp/sim-$run.tap") tests fail" \
		"$(grep -A8 '^not ok' "$tmp/sim-$run.tap" | head -n 40)" ;;
	*) bail "smmuv3-sim on the host ($run): nestref run exited $rc" "$(cat "$tmp/sim-$run.err")" ;;
	esac
	"$out/nestref-steps" --profile "$profile" "$@" >"$tmp/sim-$run.steps" 2>"$tmp/sim-$run.steps.err" ||
		bail "nestref-steps on smmuv3-sim ($run)" "$(cat "$tmp/sim-$run.steps.err")"
}
# shellcheck disable=SC2086 # word splitting of the file lists
host_side 2cpu $files_2cpu
# shellcheck disable=SC2086
host_side 1cpu $files_1cpu

# ----------------------------------------------------------- kernel and QEMU
vm_kernel arm64.config
vm_qemu_sid

# ------------------------------------------------------------------- a boot
# guest RUN VCPUS FILES: boots the guest on the files; leaves
# $tmp/guest-RUN.{tap,json,steps}, $tmp/trace-RUN and the StreamIDs of the
# guest's devices in $tmp/sids-RUN.
guest() {
	run=$1
	vcpus=$2
	shift 2
	root=$tmp/root-$run
	mkdir -p "$root/vectors/smmuv3" || bail "initramfs ($run)" "mkdir failed"
	cp "$cross/init" "$root/init" &&
		cp "$cross/nestref-static" "$root/nestref" &&
		cp "$cross/nestref-steps" "$root/nestref-steps" &&
		cp "$cross/nestref-edu-fault" "$root/nestref-edu-fault" &&
		cp "$@" "$root/vectors/smmuv3/" ||
		bail "initramfs ($run)" "copying into $root failed"
	vm_initramfs "$root"
	# The trace goes to a file of its own (-D, a path inside the chroot):
	# on the console it would cut the guest's lines, which the UART sends
	# while the next step already runs.  The markers put it in order.
	trace_name=nestref-trace-$run-$$.log
	trace_host=$vm_qemu_root/tmp/$trace_name
	[ "$vm_qemu_root" != / ] || trace_host=/tmp/$trace_name
	rm -f "$trace_host"
	edu=
	[ "$run" != "$edu_run" ] || edu=' nestref_edu_fault=1'
	vm_boot_arm64 "$boot_timeout" "$out/arm64-$run.serial.log" "$vcpus" \
		"$n_edu" "console=ttyAMA0 quiet panic=-1 arm_smmu_v3.nestref_force_s2fwb=1 nestref_mode=smmuv3 nestref_profile=$profile$edu" \
		-D "/tmp/$trace_name" \
		-trace 'smmuv3_cmdq_*' -trace 'smmuv3_range_inval' \
		-trace 'smmuv3_unhandled_cmd' -trace 'smmuv3_write_gerror*' \
		-trace 'smmuv3_propagate_event'
	mv "$trace_host" "$out/arm64-$run.trace" 2>/dev/null ||
		bail "guest ($run): QEMU's trace" "QEMU wrote no $trace_host (QEMU exited $vm_rc): $(vm_tail)"
	cp "$out/arm64-$run.trace" "$tmp/trace-$run"
	vm_check_exit
	[ "$vm_status" -le 1 ] ||
		bail "guest ($run): nestref exited $vm_status" "$(grep -e 'nestref-init:' -e '^nestref stderr:' "$tmp/serial")"
	tap_rc=$(vm_section TAP "$tmp/guest-$run.tap")
	steps_rc=$(vm_section STEPS "$tmp/guest-$run.steps")
	vm_file dmesg "$out/arm64-$run.dmesg" ||
		echo "# guest ($run): no kernel log on the console"
	vm_file report.json "$tmp/guest-$run.json" ||
		bail "guest ($run): its report" "no complete report.json on the console"
	[ "$tap_rc" = "$vm_status" ] && [ "$steps_rc" = 0 ] ||
		bail "guest ($run): nestref run ended ${tap_rc:-?}, nestref-steps ${steps_rc:-?}" "$(vm_tail)"
	sed -n 's/.*nestref-init: vfio device .* sid \(0x[0-9a-fA-F]*\).*/\1/p' "$tmp/serial" |
		paste -s -d, - >"$tmp/sids-$run"
	booted=$(sed -n 's/.*nestref-init: kernel \([^ ]*\) \([^ ]*\) .*/\1 \2/p' "$tmp/serial" | head -n 1)
	ok "guest ($run): ${booted:-a kernel} on $vm_qemu_desc with $vcpus vCPUs ran in $vm_secs s; devices at StreamIDs $(cat "$tmp/sids-$run")"
	grep -e 'nestref-init: vfio device' -e 'nestref-init: .*CPU' "$tmp/serial" | sed 's/^/# /'
}

# edu_fault RUN: nestref-edu-fault's run in the guest (docs/kernel.md
# 5.12), one TAP line.  It passes when the program read an F_TRANSLATION
# with the vSID from its vEVENTQ and QEMU's trace shows the SMMU writing
# that event with the device's own StreamID, which only the host driver
# can have replaced (kernel-facts 3.11).
edu_fault() {
	run=$1
	edu_rc=$(vm_section EDU "$tmp/guest-$run.edu")
	[ -f "$tmp/guest-$run.edu" ] || : >"$tmp/guest-$run.edu"
	psid=$(cut -d, -f1 "$tmp/sids-$run")
	vsid=$(sed -n 's/^edu-fault: PASS .* with vSID \(0x[0-9a-fA-F]*\) .*/\1/p' "$tmp/guest-$run.edu")
	smmu=$(grep -E -c "smmuv3_propagate_event SMMU_EVT_F_TRANSLATION sid=$psid( |\$)" "$tmp/trace-$run")
	sed 's/^/# /' "$tmp/guest-$run.edu"
	if [ "${edu_rc:-?}" = 0 ] && [ -n "$vsid" ] && [ "$smmu" -gt 0 ]; then
		ok "a real F_TRANSLATION from an edu DMA reached the vEVENTQ with vSID $vsid (QEMU's SMMU wrote $smmu such records with StreamID $psid)"
		return
	fi
	not_ok "a real F_TRANSLATION from an edu DMA reached the vEVENTQ with its vSID: nestref-edu-fault ended ${edu_rc:-without its end marker}, QEMU traced $smmu F_TRANSLATION events of StreamID ${psid:-?}" \
		"$(grep -e 'nestref-init: .*edu' -e '^nestref-edu-fault stderr:' "$tmp/serial"
		grep -e 'arm-smmu-v3' "$out/arm64-$run.dmesg" 2>/dev/null | tail -n 12
		grep -e 'smmuv3_propagate_event' "$tmp/trace-$run" | tail -n 4)"
}

# compare RUN: the verdicts (nestref report, then per test in
# arm64-compare.py, which reads both reports) and the steps.
compare() {
	run=$1
	nestref report "$tmp/sim-$run.json" "$tmp/guest-$run.json" \
		>"$tmp/report-$run" 2>"$tmp/report-$run.err"
	rc=$?
	[ "$rc" -le 1 ] || bail "nestref report ($run)" "$(cat "$tmp/report-$run.err")"
	# Its counts, for the log; which of its disagreements are failures
	# (not expressible here, or listed emulator faults) the script decides.
	sed -n 's/^nestref report: /# nestref report ('"$run"'): /p' "$tmp/report-$run"
	"${PYTHON:-python3}" "$here/arm64-compare.py" --profile "$profile" \
		--sim-steps "$tmp/sim-$run.steps" --guest-steps "$tmp/guest-$run.steps" \
		--sim-report "$tmp/sim-$run.json" --guest-report "$tmp/guest-$run.json" \
		--trace "$tmp/trace-$run" --sids "$(cat "$tmp/sids-$run")" \
		--expected "$here/arm64-expected.txt" --report "$out/arm64-$run.report" \
		--tap-from "$tap_n" >"$tmp/compare-$run" 2>"$tmp/compare-$run.err" ||
		bail "arm64-compare.py ($run)" "$(cat "$tmp/compare-$run.err")"
	grep -v '^TAPCOUNT ' "$tmp/compare-$run"
	# shellcheck disable=SC2046 # two numbers
	set -- $(sed -n 's/^TAPCOUNT //p' "$tmp/compare-$run")
	tap_failed=$((tap_failed + $2))
	tap_n=$1
	if [ -n "$results" ]; then
		mkdir -p "$results" && cp "$tmp/sim-$run".* "$tmp/guest-$run".* "$tmp/trace-$run" \
			"$tmp/report-$run" "$out/arm64-$run.report" "$out/arm64-$run.serial.log" "$results/" ||
			bail "results in $results" "cannot copy into $results"
	fi
}

# shellcheck disable=SC2086
guest 2cpu 2 $files_2cpu
edu_fault 2cpu
compare 2cpu
# shellcheck disable=SC2086
guest 1cpu 1 $files_1cpu
compare 1cpu
if grep -q '^not ok ' "$tmp/compare-2cpu" "$tmp/compare-1cpu"; then
	echo "# failed or listed (details above):"
	grep -h '^not ok ' "$tmp/compare-2cpu" "$tmp/compare-1cpu" | sed 's/^/#   /'
fi
echo "# per-step reports: $out/arm64-2cpu.report, $out/arm64-1cpu.report"
finish
