#!/bin/sh
# Every vector both mock and smmuv3-sim can run gets the same verdict on
# both (issue 3): a test that passes on one backend and fails on the other
# means one of them answers differently.
. "${top_srcdir:-.}/tests/lib.sh"

tmp=$(mktemp -d)
for profile in linux-7.2 linux-6.13 rfc-v3 linux-7.4; do
	for backend in mock smmuv3-sim; do
		# "NAME ok" / "NAME not-ok" for every test that ran (not skipped).
		nestref run --quiet --backend "$backend" --profile "$profile" \
			"$top_srcdir/vectors" 2>/dev/null |
			sed -n -e '/# SKIP/d' \
				-e 's/^ok [0-9]* - \([^ ]*\).*/\1 ok/p' \
				-e 's/^not ok [0-9]* - \([^ ]*\).*/\1 not-ok/p' |
			sort >"$tmp/$backend"
	done
	join "$tmp/mock" "$tmp/smmuv3-sim" >"$tmp/both"
	common=$(wc -l <"$tmp/both")
	if [ "$common" -gt 0 ]; then
		ok "$profile: $common vectors run on both backends"
	else
		not_ok "$profile: no vector runs on both backends"
	fi
	differ=$(awk '$2 != $3' "$tmp/both")
	if [ -z "$differ" ]; then
		ok "$profile: mock and smmuv3-sim agree on every one"
	else
		not_ok "$profile: mock and smmuv3-sim disagree" "$differ"
	fi
done
rm -rf "$tmp"
finish
