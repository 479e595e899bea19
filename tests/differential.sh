#!/bin/sh
# Every vector both mock and smmuv3-sim can run gets the same verdict on
# both (issue 3): a test that passes on one backend and fails on the other
# means one of them answers differently.  Each run writes its report
# (nestref run --report) and `nestref report` compares them
# (docs/spec/report.md).
. "${top_srcdir:-.}/tests/lib.sh"

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
for profile in linux-7.2 linux-6.13 rfc-v3 linux-7.4; do
	for backend in mock smmuv3-sim; do
		nestref run --quiet --backend "$backend" --profile "$profile" \
			--report "$tmp/$backend.json" "$top_srcdir/vectors" \
			>/dev/null 2>"$tmp/$backend.err"
		rc=$?
		if [ "$rc" -gt 1 ]; then
			not_ok "$profile: nestref run on $backend exited $rc" \
				"$(cat "$tmp/$backend.err")"
		fi
	done
	nestref report "$tmp/mock.json" "$tmp/smmuv3-sim.json" >"$tmp/table" \
		2>"$tmp/report.err"
	rc=$?
	# "nestref report: N tests, N compared, N agree, N disagree, ..."
	counts=$(sed -n 's/^nestref report: [0-9]* tests, //p' "$tmp/table")
	common=${counts%% compared*}
	if [ "$rc" -gt 1 ] || [ -z "$counts" ]; then
		not_ok "$profile: nestref report exited $rc" "$(cat "$tmp/report.err")"
	elif [ "$common" -gt 0 ]; then
		ok "$profile: $common vectors run on both backends"
	else
		not_ok "$profile: no vector runs on both backends"
	fi
	if [ "$rc" -eq 0 ]; then
		ok "$profile: mock and smmuv3-sim agree on every one"
	else
		not_ok "$profile: mock and smmuv3-sim disagree" \
			"$(sed -n '/^Disagreements/,$p' "$tmp/table")"
	fi
done
finish
