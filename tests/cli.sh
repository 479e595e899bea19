#!/bin/sh
# The nestref command: usage, exit statuses (spec/vectors.md 5), lint's
# file:line:column, and the runner's report of a deliberately wrong vector.
. "${top_srcdir:-.}/tests/lib.sh"

data="$top_srcdir/tests/data/cli"
# The data below is written for the mock; the default backend is tested
# through `nestref backends` and at the end.
NESTREF_BACKEND=mock
export NESTREF_BACKEND

run_capture --help
expect_rc "--help exits 0" 0
expect_in "--help prints usage on stdout" "$out" "Usage: nestref"
expect_in "--help points to the README for reporting problems" "$out" \
	'Reporting problems: see the README (section "Reporting problems").'
check "the README has the section --help points to" \
	grep -q '^## Reporting problems$' "$top_srcdir/README.md"
# No made-up address in what is installed or printed.
check "no example.invalid address in configure.ac and the .pc files" \
	sh -c '! grep -n example.invalid "$1/configure.ac" "$1"/*.pc.in' sh \
	"$top_srcdir"
run_capture --version
expect_out "--version" "nestref (libnestref) $(sed -n 's/^AC_INIT(\[nestref\], \[\([^]]*\)\].*/\1/p' "$top_srcdir/configure.ac")"
run_capture
expect_rc "no command: usage error" 2
run_capture frobnicate
expect_rc "unknown command: usage error" 2
expect_in "unknown command is named" "$err" "nestref: unknown command 'frobnicate'"
for cmd in run lint backends explain; do
	run_capture $cmd --help
	expect_rc "$cmd --help exits 0" 0
	expect_in "$cmd --help prints its usage" "$out" "Usage: nestref $cmd"
done

run_capture backends
expect_rc "backends exits 0" 0
expect_in "backends lists smmuv3-sim as default" "$out" "smmuv3-sim *"
expect_in "backends lists the mock" "$out" "mock$nl  in-memory replica"
expect_in "backends lists the mock's capabilities" "$out" \
	"capabilities: inv-selftest, check-cache, raw-user-data"
expect_in "backends lists the mock's profiles" "$out" \
	"mock$nl  in-memory replica of the Linux iommufd selftest mock driver$nl  capabilities: inv-selftest, check-cache, raw-user-data, attach-nested, trigger-vevent$nl  profiles: rfc-v3, linux-6.13, linux-7.2, linux-7.4$nl"
expect_in "backends lists iommufd under linux-7.2 only" "$out" \
	"capabilities: inv-arm-smmuv3, inv-selftest, check-cache, attach-nested, trigger-vevent$nl  profiles: linux-7.2$nl"
expect_in "backends marks linux-7.2 as the default profile" "$out" \
	"${nl}linux-7.2 *$nl  kernels: "
expect_in "backends lists the kernels of each profile" "$out" \
	"${nl}linux-6.13$nl  kernels: 6.13 as released"
expect_in "backends lists the deprecated name" "$out" \
	"${nl}linux-next$nl  profile 'linux-next' is deprecated"
expect_in "backends lists the rules" "$out" \
	"${nl}invalidate-bounds$nl  with entries, entry_len above PAGE_SIZE"
expect_in "backends lists each rule's source" "$out" \
	"$nl  from: iommufd_hwpt_invalidate (kernel-facts 2.7)$nl"

run_capture run --profile linux-6.12 "$data/wrong.yaml"
expect_rc "unknown profile: usage error" 2
expect_in "unknown profile is named" "$err" "unknown profile 'linux-6.12'"
run_capture run --without-rule no-such-rule "$data/wrong.yaml"
expect_rc "unknown rule: usage error" 2
expect_in "unknown rule is named" "$err" "unknown rule 'no-such-rule'"

# linux-next is the old name of linux-7.4: it runs as linux-7.4 and says
# so once per run, however many files there are.
run_capture run --quiet --profile linux-next "$data/wrong.yaml" "$data/partial.yaml"
expect_rc "the deprecated profile name still runs" 1
expect_in "the deprecated profile name is a warning" "$err" \
	"nestref: warning: profile 'linux-next' is deprecated: the series it named was merged for Linux 7.4; use 'linux-7.4'"
warnings=$(printf '%s\n' "$err" | grep -c "is deprecated")
if [ "$warnings" -eq 1 ]; then ok "the deprecation is said once per run"; else
	not_ok "the deprecation is said once per run" "$err"
fi
run_capture run --profile linux-next "$data/wrong.yaml"
expect_in "the deprecated name runs as linux-7.4" "$err" \
	"nestref: 2 tests on backend mock, profile linux-7.4: "
run_capture run --quiet --profile linux-7.4 "$data/wrong.yaml"
case $err in
*deprecated*) not_ok "linux-7.4 itself is not deprecated" "$err" ;;
*) ok "linux-7.4 itself is not deprecated" ;;
esac
run_capture run --backend nope "$data/wrong.yaml"
expect_rc "unknown backend: usage error" 2
run_capture run "$data/no-such-file.yaml"
expect_rc "missing file: usage error" 2
expect_in "missing file is named" "$err" "no-such-file.yaml: No such file or directory"
run_capture run --frob "$data/wrong.yaml"
expect_rc "unknown option: usage error" 2

# lint: every load error as file:line:column (spec/vectors.md 1).
run_capture lint "$data/malformed.yaml"
expect_rc "lint of a malformed file exits 2" 2
expect_in "lint names file:line:column" "$err" "$data/malformed.yaml:10:"
run_capture run "$data/malformed.yaml"
expect_rc "run refuses a file with load errors" 2
expect_out "run prints no TAP when a file does not load" ""
run_capture lint "$top_srcdir/vectors"
expect_rc "the bundled vectors lint clean" 0
run_capture lint
expect_rc "lint without a path: usage error" 2

# ids are unique across the suite.
run_capture run --profile rfc-v3 "$data/dup"
expect_rc "a duplicate id is a load error" 2
expect_in "the duplicate id names both places" "$err" "id 'cli-rfc-only' is already used by"

# The runner reports a wrong vector as not ok, and goes on.
run_capture run --quiet "$data/wrong.yaml"
expect_rc "a failing vector exits 1" 1
expect_out "a failing vector's TAP" "TAP version 13
1..2
not ok 1 - cli-wrong/1 claims an unknown vdev_id is accepted
  ---
  file: $data/wrong.yaml:15:9
  step: 1
  action: invalidate
  expected: {result: ok, entry_num: 1}
  got: {result: error, errno: EINVAL, entry_num: 0}
  message: \"mock: entry 0: no device has virtual ID 0x7\"
  flags: [Deliberate]
  ...
ok 2 - cli-wrong/2 a correct test after the wrong one still runs"
run_capture run "$data/wrong.yaml"
expect_in "the summary goes to stderr" "$err" \
	"nestref: 2 tests on backend mock, profile linux-7.2: 1 passed, 0 passed with unchecked parts, 1 failed, 0 skipped"

# A vector asking for an absurd array is refused by the loader, as a
# limit of the runner (vectors.md 1.5), never a failed test of the
# implementation; lint says so too.
for cmd in run lint; do
	run_capture $cmd "$data/huge-entry-len.yaml"
	expect_rc "$cmd: a huge array is a load error, not a failed test" 2
	expect_in "$cmd: the huge array names the runner's limit" "$err" \
		"huge-entry-len.yaml:14:11: the runner would build 2 entries of 4294967295 bytes, more than 262144 bytes (4 times the file's size, at least 64 KiB, 64 bytes an entry at least): limit of the runner"
	expect_not_in "$cmd: no test line for a file that did not load" \
		"$out" "not ok"
done

# A backend that cannot run here is a skip of the whole run: exit 77.
run_capture run --backend iommufd --backend-options iommufd=/nonexistent/iommu "$data/wrong.yaml"
expect_rc "an unavailable backend exits 77" 77
expect_out "an unavailable backend is one TAP skip" "TAP version 13
1..0 # SKIP backend unavailable: backend 'iommufd': iommufd: cannot open /nonexistent/iommu: No such file or directory"

# Skips say why; nothing is silently skipped.
run_capture run --quiet "$data/needs-smmuv3.yaml"
expect_rc "a run that only skipped exits 77" 77
expect_in "a capability skip names the capability" "$out" \
	"ok 1 - cli-needs-smmuv3/1 # SKIP missing inv-arm-smmuv3"
# The summary groups the skips, each with what runs them.
run_capture run --backend mock "$data/needs-smmuv3.yaml" "$data/rfc-only.yaml" \
	"$top_srcdir/tests/data/good/machine.yaml"
expect_rc "one test ran: exit 0" 0
expect_in "a capability skip names a backend that runs it" "$err" \
	"nestref: 1 skipped: they need inv-arm-smmuv3, which backend mock lacks; run them with --backend smmuv3-sim"
expect_in "a profile skip is not applicable" "$err" \
	"nestref: 1 skipped: their files do not cover profile linux-7.2: not applicable here"
run_capture run --backend mock "$data/needs-smmuv3.yaml"
expect_rc "every test skipped: exit 77" 77
expect_in "and it says nothing ran" "$err" \
	"nestref: nothing ran: every test was skipped (exit 77)"
# --only-applicable: the other backend's files are not tests here.
run_capture run --only-applicable --backend mock "$data/needs-smmuv3.yaml" \
	"$top_srcdir/tests/data/good/machine.yaml"
expect_rc "--only-applicable: the rest ran" 0
expect_in "--only-applicable: the plan counts what runs" "$out" "1..1"
expect_in "--only-applicable: what was left out, and what runs it" "$err" \
	"nestref: 1 files (1 tests) left out as not for this backend: they need inv-arm-smmuv3, which backend mock lacks; run them with --backend smmuv3-sim"
run_capture run --only-applicable --backend mock "$data/needs-smmuv3.yaml"
expect_rc "--only-applicable: everything left out is nothing ran" 77
expect_in "--only-applicable: an empty plan" "$out" "1..0"
run_capture run --quiet "$data/rfc-only.yaml"
expect_in "a profile skip says profile" "$out" \
	"ok 1 - cli-rfc-only/1 # SKIP profile linux-7.2 not covered by this file"
run_capture run --quiet --profile rfc-v3 "$data/rfc-only.yaml"
expect_out "the rfc-v3 length rule runs under rfc-v3" "TAP version 13
1..1
ok 1 - cli-rfc-only/1"
run_capture run --quiet "$data/partial.yaml"
expect_rc "a partly checked test exits 0" 0
expect_out "a partly checked test says what was not checked" "TAP version 13
1..1
ok 1 - cli-partial/1
# not checked: issued (missing observe-issued)"

# explain: the rewrite, the rule with its sources, what the SMMU did.
run_capture explain --backend smmuv3-sim "$data/explain.yaml:1"
expect_rc "explain exits 0" 0
expect_in "explain shows the guest's command" "$out" "guest  TLBI_NSNH_ALL"
expect_in "explain shows the host's command" "$out" "host   TLBI_NH_ALL vmid=0x5"
expect_in "explain names the rule and its sources" "$out" \
	"rule   TLBI_NSNH_ALL replaced by TLBI_NH_ALL of the vIOMMU's VMID [kernel-facts 3.3; linux: arm_vsmmu_convert_user_cmd]"
expect_in "explain shows what the SMMU ran" "$out" "smmu   slot 0   TLBI_NH_ALL vmid=0x5"
expect_in "explain compares with the vector" "$out" "answer ok, entry_num 1  (as the vector expects)"
expect_in "explain shows what the backend counted" "$out" \
	"counted:$nl    host.rewrites=1 host.batches=1 smmu.commands.TLBI_NH_ALL=1 smmu.commands.SYNC=1"
# spec/vectors.md 2.1: a file of another profile is skipped whole, before
# its setup, which this profile may refuse (here: two StreamIDs on one
# vSID, refused by linux-7.2's vdevice-one-stream).
run_capture explain --backend smmuv3-sim "$top_srcdir/vectors/smmuv3/vdevice-streams-6.13.yaml:1"
expect_rc "explain of a file of another profile exits 0" 0
expect_in "... it is skipped before its setup" "$out" \
	"skipped: the file does not cover profile linux-7.2 (try --profile)"
run_capture explain --backend smmuv3-sim "$data/explain.yaml:2"
expect_in "explain shows a refusal and why" "$out" "entry 0 refused: EIO"
expect_in "explain cites the lookup" "$out" "linux: arm_vsmmu_vsid_to_sid"
run_capture explain --backend smmuv3-sim "$data/explain.yaml:7"
expect_rc "explain of a missing test: usage error" 2
expect_in "explain names the missing test" "$err" \
	"nestref explain: $data/explain.yaml has no test 7"
run_capture explain --backend smmuv3-sim "$data/explain.yaml:0"
expect_rc "explain of test 0: usage error, not every test" 2
expect_out "explain of test 0 explains nothing" ""
expect_in "explain of test 0 says there is none" "$err" "has no test 0"
run_capture explain --backend smmuv3-sim "$data/explain.yaml:0007"
expect_in "explain echoes a test number as typed" "$err" "has no test 0007"
run_capture explain --backend smmuv3-sim "$data/explain.yaml:01"
expect_in "explain reads a test number with leading zeros" "$out" \
	"cli-explain/1  TLBI_NSNH_ALL"
run_capture explain --backend smmuv3-sim "$data/explain.yaml:99999999999999999999"
expect_rc "explain of a test number too large: usage error" 2
expect_in "explain echoes a number too large as typed" "$err" \
	"has no test 99999999999999999999"
# A folder is searched as `run` searches it; a test number needs a file.
run_capture explain --backend mock "$top_srcdir/tests/data/good"
expect_rc "explain of a folder exits with its worst test (these fail on mock)" 1
expect_in "explain of a folder explains its files" "$out" \
	"$(nestref explain --backend mock "$top_srcdir/tests/data/good/events.yaml" | head -1)"
expect_in "explain of a folder explains every file" "$out" \
	"$(nestref explain --backend mock "$top_srcdir/tests/data/good/viommus.yaml" | head -1)"
run_capture explain --backend mock "$top_srcdir/tests/data/good:1"
expect_rc "explain of a folder with a test number: usage error" 2
expect_in "explain says a test number names a test of one file" "$err" \
	"a test number names a test of one file"
run_capture explain --backend mock "$data/no-such-file.yaml"
expect_rc "explain of a missing path: usage error" 2
run_capture explain
expect_rc "explain without a file: usage error" 2
run_capture explain --backend mock "$data/partial.yaml:1"
expect_in "explain on a backend that does not trace says so" "$out" \
	"(no trace: trace: backend 'mock' does not trace)"
run_capture explain --backend mock "$data/wrong.yaml:1"
expect_rc "explain of an answer the vector does not expect exits 1" 1
expect_in "explain says the answer differs" "$out" "(NOT what the vector expects)"
run_capture explain --backend mock "$data/explain.yaml:1"
expect_rc "explain of a file the backend cannot run exits 0" 0
expect_in "explain skips like run" "$out" "skipped: backend mock lacks inv-arm-smmuv3"
run_capture explain --backend mock "$data/rfc-only.yaml:1"
expect_in "explain skips a profile the file does not cover" "$out" \
	"skipped: the file does not cover profile linux-7.2 (try --profile)"

# "-" is standard input for run, explain and lint, as for cat; a run
# reads its files twice (ids, then tests), standard input once.
machine=$top_srcdir/tests/data/good/machine.yaml
run_capture run --backend mock - <"$machine"
expect_rc "run -: exit 0" 0
expect_in "run -: the test of standard input ran" "$out" "1..1
ok 1 - loader-machine/1"
run_capture run --backend mock - "$data/needs-smmuv3.yaml" <"$machine"
expect_in "run - with a file: both in the plan" "$out" "1..2"
run_capture explain --backend mock - <"$machine"
expect_rc "explain -: exit 0" 0
expect_in "explain -: the test" "$out" "loader-machine/1"
run_capture explain --backend mock -- -:1 <"$machine"
expect_rc "explain -- -:1: exit 0" 0
expect_in "explain -- -:1: that test" "$out" "loader-machine/1"
run_capture explain --backend mock -- -:7 <"$machine"
expect_rc "explain -- -:7: no such test" 2
run_capture lint - <"$data/malformed.yaml"
expect_rc "lint -: a load error" 2
expect_in "lint -: named - with its line and column" "$err" "-:10:40: unknown key 'colour'"
run_capture run --backend mock - - <"$machine"
expect_rc "run - -: the same id twice" 2

# The environment picks the default backend; the option wins over it.
NESTREF_BACKEND=nope
run_capture run --quiet "$data/wrong.yaml"
expect_rc "NESTREF_BACKEND names the backend" 2
run_capture run --quiet --backend mock "$data/rfc-only.yaml"
expect_rc "--backend overrides NESTREF_BACKEND (its one test is skipped)" 77
unset NESTREF_BACKEND
run_capture run --quiet "$data/needs-smmuv3.yaml"
expect_out "without NESTREF_BACKEND the default smmuv3-sim runs SMMUv3 vectors" "TAP version 13
1..1
ok 1 - cli-needs-smmuv3/1"

finish
