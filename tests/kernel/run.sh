#!/bin/sh
# make check-kernel (issue 4): the bundled vectors on a real Linux iommufd,
# compared test by test with the mock backend.
#
# Finds or builds a tiny x86_64 kernel with the iommufd selftest mock
# (kernel.sh, iommufd-vm.config), packs /init (init.c), a static nestref
# and the vectors into an initramfs, boots it under qemu-system-x86_64
# (TCG: KVM does not work on these machines) with a timeout, takes the
# guest's TAP and its JSON report (nestref run --report) from the serial
# console and compares the report with the report of the same vectors run
# on the host's mock, with `nestref report` (docs/spec/report.md).  Where
# the two disagree the kernel is right: fix the mock and add the case to
# the vectors.
#
# The whole serial console is kept in tests/kernel/run.serial.log, next to
# this test's log.  Environment (make passes its command-line variables
# down, so `make check-kernel KERNEL_SERIES=7.3` works):
#   KERNEL_SERIES          the Debian linux-source-X.Y to build (default
#                          7.2, sid first, then experimental; kernel.sh)
#   KERNEL_IMAGE, KERNEL_SRC, KERNEL_JOBS, XDG_CACHE_HOME   see kernel.sh
#   KERNEL_PROFILE         the profile of both runs (default linux-7.2,
#                          the behaviour of the series booted by default)
#   KERNEL_BOOT_TIMEOUT    seconds the VM may run (default 300)
#   NESTREF_GUEST_BACKEND  the guest's backend (default iommufd; "mock"
#                          checks this harness without the kernel backend)
#   NESTREF_KERNEL_RESULTS a folder to copy the results into: the guest's
#                          and the mock's TAP and JSON reports, the
#                          differential report, the console and what was
#                          booted
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
profile=${KERNEL_PROFILE:-linux-7.2}
results=${NESTREF_KERNEL_RESULTS-}

# bail DESCRIPTION DIAGNOSTICS: a failure the later steps cannot survive.
bail() {
	not_ok "$1" "$2"
	finish
	exit 1
}
# What vm.sh calls.
vm_fail() { bail "$@"; }
vm_ok() { ok "$1"; }
# shellcheck source=tests/kernel/vm.sh
. "$here/vm.sh"

tmp=$(mktemp -d "${TMPDIR:-/tmp}/nestref-kernel.XXXXXX") ||
	bail "a temporary folder" "mktemp -d failed in ${TMPDIR:-/tmp}"
trap 'rm -rf "$tmp"' EXIT
trap 'exit 1' INT TERM HUP

vm_prerequisites nestref-static init

# ------------------------------------------------------------ the mock run
# First, so that a profile nestref does not know fails before a kernel
# build.  nestref run exits 1 when a test fails, which the report shows
# test by test; 2 or 77 mean it did not run.
case $profile in
*[!A-Za-z0-9._-]*)
	bail "profile $profile" "KERNEL_PROFILE must be a profile name (see nestref backends)" ;;
esac
nestref run --quiet --backend mock --profile "$profile" \
	--report "$tmp/mock.json" "$top_srcdir/vectors" \
	>"$tmp/mock.tap" 2>"$tmp/mock.err"
mock_rc=$?
if [ "$mock_rc" -ne 0 ] && [ "$mock_rc" -ne 1 ]; then
	bail "mock on the host under profile $profile: nestref run exited $mock_rc" \
		"$(cat "$tmp/mock.err")"
fi
# The guest's backend must take the profile too.  Asked on the host with
# a /dev/iommu that does not exist: a profile the backend refuses is a
# usage error (2); one it takes ends in "backend unavailable" (77).
# Without --quiet, which would hide the reason.
if [ "$guest_backend" = iommufd ]; then
	nestref run --backend iommufd \
		--backend-options "mode=selftest,iommufd=$tmp/no-such-iommu" \
		--profile "$profile" "$top_srcdir/vectors/mock" \
		>/dev/null 2>"$tmp/probe.err"
	probe_rc=$?
	if [ "$probe_rc" -ne 77 ]; then
		bail "the iommufd backend under profile $profile" \
			"nestref run --backend iommufd exited $probe_rc on the host, not 77 (backend unavailable):
$(cat "$tmp/probe.err")"
	fi
fi
ok "mock on the host under profile $profile: nestref run exited $mock_rc"

vm_kernel

# -------------------------------------------------------------- initramfs
root=$tmp/root
if ! { mkdir -p "$root" &&
	cp "$out/init" "$root/init" &&
	cp "$out/nestref-static" "$root/nestref" &&
	cp -R "$top_srcdir/vectors" "$root/vectors"; } 2>"$tmp/cpio.err"; then
	bail "initramfs" "copying into $root failed: $(cat "$tmp/cpio.err")"
fi
vm_initramfs "$root"
nvec=$(find "$root/vectors" -name '*.yaml' | wc -l)
ok "initramfs: /init, /nestref and $nvec vector files, $(wc -c <"$tmp/initramfs.cpio") bytes"

# ------------------------------------------------------------------- boot
# /init's status is nestref's exit status, or 101 and up for a failure of
# /init itself (init.c, vm.sh).
append="console=ttyS0 quiet panic=-1 nestref_profile=$profile"
if [ "$guest_backend" != iommufd ]; then
	append="$append nestref_backend=$guest_backend"
fi
vm_boot "$boot_timeout" "$serial_log" "$append"

# The guest's TAP: the lines between the markers; its report: the file
# /init showed.
guest_rc=$(vm_section TAP "$tmp/guest.tap")
vm_file report.json "$tmp/guest.json" || rm -f "$tmp/guest.json"
guest_stderr=$(sed -n 's/^nestref stderr: //p' "$tmp/serial")
init_at=$(sed -n 's/.*nestref-init: \/init running at \([0-9.]*\) s.*/\1/p' "$tmp/serial")
# "nestref-init: kernel Linux 7.2.13 #1 ...": the release the guest ran.
booted=$(sed -n 's/.*nestref-init: kernel \([^ ]*\) \([^ ]*\) .*/\1 \2/p' "$tmp/serial" | head -n 1)
guest_profile=$(sed -n 's/.*nestref-init: mode vectors: running .* --profile \([^ ]*\) .*/\1/p' "$tmp/serial" | head -n 1)
ran_for=$(sed -n 's/.*nestref-init: nestref ran for \([0-9.]*\) s.*/\1/p' "$tmp/serial")
timing="in $vm_secs s (/init at ${init_at:-?} s after boot, nestref ran ${ran_for:-?} s)"
if [ -n "$results" ]; then
	{ mkdir -p "$results" &&
		cp "$serial_log" "$results/serial.log" &&
		cp "$tmp/mock.tap" "$results/mock.tap" &&
		cp "$tmp/mock.json" "$results/mock.json" &&
		{ [ ! -f "$tmp/guest.tap" ] || cp "$tmp/guest.tap" "$results/guest.tap"; } &&
		{ [ ! -f "$tmp/guest.json" ] || cp "$tmp/guest.json" "$results/guest.json"; } &&
		printf 'kernel: %s\nbooted: %s\nprofile: %s\nguest profile: %s\nvm: %s\n' \
			"$vm_kernel_desc" "${booted:-unknown}" "$profile" \
			"${guest_profile:-unknown}" "$timing" >"$results/kernel.txt"; } ||
		bail "results in $results" "cannot write into $results"
fi

vm_check_exit
status=$vm_status
if [ ! -f "$tmp/guest.tap" ]; then
	bail "VM booted and exited with code $vm_rc, but printed no TAP" \
		"$(vm_tail)"
fi
if [ "$status" != "$guest_rc" ]; then
	bail "VM booted and exited with code $vm_rc, but the end marker says rc=${guest_rc:-nothing}" \
		"$(vm_tail)"
fi
case $status in
0 | 1)
	ok "VM booted ${booted:-an unknown kernel} ($vm_kernel_desc) and exited with code $vm_rc (nestref exit status $status) $timing"
	if [ "$guest_profile" != "$profile" ]; then
		bail "the guest ran under profile ${guest_profile:-unknown}, not $profile" \
			"$(grep 'nestref-init: mode' "$tmp/serial")"
	fi
	if [ -n "$guest_stderr" ]; then
		printf '%s\n' "$guest_stderr" | sed 's/^/# nestref stderr: /'
	fi
	;;
77)
	bail "VM booted and exited with code $vm_rc: the $guest_backend backend is unavailable in the guest" \
		"$(grep '^1\.\.0' "$tmp/guest.tap")
$guest_stderr" ;;
*)
	bail "VM booted and exited with code $vm_rc: nestref exit status $status (usage or load error)" \
		"$guest_stderr" ;;
esac

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
# nestref report of the two reports: a TAP line per test (not ok where
# the two disagree, a skip where the guest or the mock did not run it),
# and a not ok line for each test the kernel fails.
if [ ! -s "$tmp/guest.json" ]; then
	bail "the guest's report" "no complete report.json between the console's markers:
$(vm_tail)"
fi
nestref report --tap-from=$((tap_n + 1)) "$tmp/mock.json" "$tmp/guest.json" \
	>"$tmp/report" 2>"$tmp/report.err"
report_rc=$?
if [ "$report_rc" -gt 1 ]; then
	bail "differential report" "nestref report exited $report_rc: $(cat "$tmp/report.err")"
fi
cat "$tmp/report"
if [ -n "$results" ]; then
	cp "$tmp/report" "$results/report" ||
		bail "results in $results" "cannot copy the report into $results"
fi
tap_n=$((tap_n + $(grep -c -E '^(not )?ok [0-9]+ - ' "$tmp/report")))
tap_failed=$((tap_failed + $(grep -c -E '^not ok [0-9]+ - ' "$tmp/report")))
# "# nestref report: N tests, N compared, N agree, N disagree, N run by
# one report, N run by none, N absent from a report", and each report's
# "# [2] BACKEND, profile P (FILE): N tests, N pass, N pass-partly, N fail,
# N skip".
counts=$(sed -n 's/^# nestref report: [0-9]* tests, \([0-9]*\) compared, \([0-9]*\) agree, \([0-9]*\) disagree, [0-9]* run by one report, [0-9]* run by none, \([0-9]*\) absent from a report$/\1 \2 \3 \4/p' "$tmp/report")
guest=$(sed -n 's/^# \[2\] .*: [0-9]* tests, \([0-9]*\) pass, \([0-9]*\) pass-partly, \([0-9]*\) fail, \([0-9]*\) skip$/\1 \2 \3 \4/p' "$tmp/report")
if [ -z "$counts" ] || [ -z "$guest" ]; then
	bail "differential report" "nestref report printed no counts:
$(tail -n 5 "$tmp/report")"
fi
# shellcheck disable=SC2086 # four numbers each
set -- $counts $guest
compared=$1 agree=$2 disagree=$3 absent=$4
gpass=$5 gpartly=$6 kfail=$7 gskip=$8
summary_line="differential: $compared tests compared, $agree agree, $disagree disagree, $kfail fail on the kernel, $gskip skipped by the guest"
echo "# $summary_line"
echo "# booted ${booted:-an unknown kernel} ($vm_kernel_desc), compared under profile $profile"
if [ -n "$results" ]; then
	echo "$summary_line" >>"$results/kernel.txt"
fi
if [ "$absent" -eq 0 ]; then
	ok "every test of the mock's run is in the guest's run"
else
	not_ok "$absent tests are in one run only (different vectors?)"
fi
guest_ran=$((gpass + gpartly + kfail))
if [ "$guest_ran" -eq "$compared" ]; then
	ok "the mock ran every test the guest ran ($guest_ran)"
else
	not_ok "the guest ran $guest_ran tests, the mock $((guest_ran - compared)) fewer of them" \
		"$(grep ' # SKIP run by one report only' "$tmp/report")"
fi
# The way back (kernel-facts 2.12, 5.10): the event vectors (the files
# common/veventq and mock/events-*) run on the selftest mock, all but
# those that preset a queue's sequence number, which no kernel can
# (veventq-sequence).  A guest that skips one for any other reason has
# lost coverage the counts above would not show.
if [ "$guest_backend" = iommufd ]; then
	events=$(grep -E '^(not )?ok [0-9]+ - (common-veventq|mock-events-[a-z0-9-]*)/' "$tmp/report")
	ev_total=$(printf '%s\n' "$events" | grep -c ' - ')
	ev_agree=$(printf '%s\n' "$events" | grep -c ': they agree: ')
	# A test that needs veventq-sequence is out of reach whatever else
	# the guest lacks.
	seq_skip=' skip (missing [^)]*veventq-sequence[^)]*)$'
	ev_seq=$(printf '%s\n' "$events" | grep -c "$seq_skip")
	ev_line="event vectors: $ev_total tests, $ev_agree compared and agree, $ev_seq need veventq-sequence"
	echo "# $ev_line"
	if [ -n "$results" ]; then
		echo "$ev_line" >>"$results/kernel.txt"
	fi
	if [ "$ev_total" -gt 0 ] && [ $((ev_agree + ev_seq)) -eq "$ev_total" ]; then
		ok "every event vector the selftest can express agrees: $ev_agree of $ev_total, the other $ev_seq need veventq-sequence"
	else
		not_ok "event vectors the selftest can express: $ev_agree of $((ev_total - ev_seq)) agree" \
			"$(printf '%s\n' "$events" | grep -v -e ': they agree: ' -e "$seq_skip")"
	fi
fi
# The failures again at the end, where CI's tail of this log looks: the
# report above is in vector order and ends with hundreds of skips.
if grep -q '^not ok ' "$tmp/report"; then
	echo "# failed (details above, under each line):"
	sed -n 's/^not ok /#   not ok /p' "$tmp/report"
fi
finish
