#!/bin/sh
# The way back through the exec protocol (docs/spec/protocol.md section
# 4.7) on an SMMUv3 host: tests/data/exec/events-smmu.py attaches with a
# vmaster and answers raise_event with the forwarded record in its
# reply's vevents, which the exec backend reports into the queues the core
# keeps.  Under linux-7.2 and linux-7.4 every SMMUv3 event vector runs,
# none skipped, and the TAP is smmuv3-sim's, test by test.
#
# Needs /usr/bin/python3 (Debian: python3): without it the test fails and
# says what to install, as tests/exec-python.sh does.
. "${top_srcdir:-.}/tests/lib.sh"

# The adapters import their neighbours: no __pycache__ in the source tree.
PYTHONDONTWRITEBYTECODE=1
export PYTHONDONTWRITEBYTECODE

top=${top_srcdir:-.}
need_python

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

for profile in linux-7.2 linux-7.4; do
	run_capture run --quiet --profile "$profile" \
		--backend "exec:$py '$top/tests/data/exec/events-smmu.py'" \
		"$top"/vectors/smmuv3/events-*.yaml
	printf '%s\n' "$out" >"$tmp/exec.tap"
	tests=$(grep -c '^ok\|^not ok' "$tmp/exec.tap")
	expect_rc "$profile: the exec event host passes the SMMUv3 event vectors ($tests tests)" 0
	if grep -q '# SKIP' "$tmp/exec.tap"; then
		not_ok "$profile: no event test is skipped" \
			"$(grep '# SKIP' "$tmp/exec.tap" | head -n 5)"
	else
		ok "$profile: no event test is skipped"
	fi
	"$NESTREF" run --quiet --profile "$profile" --backend smmuv3-sim \
		"$top"/vectors/smmuv3/events-*.yaml >"$tmp/sim.tap" 2>/dev/null
	if diff -u "$tmp/sim.tap" "$tmp/exec.tap" >"$tmp/diff"; then
		ok "$profile: its TAP is smmuv3-sim's, test by test"
	else
		not_ok "$profile: its TAP differs from smmuv3-sim's" \
			"$(head -n 40 "$tmp/diff")"
	fi
done
finish
