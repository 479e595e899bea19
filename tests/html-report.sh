#!/bin/sh
# The HTML report (docs/spec/report.md 7) as written, without a browser:
# `nestref run --html` and `nestref explain --html` write one page whose
# counts, table, failed list and traces are the TAP's (tests/html-check.py
# reads both), that fetches nothing, that draws the rewritten fields of a
# CFGI_CD and of a TLBI_NH_VA, and that holds hostile text as text.  The
# page in a real browser is tests/html-browser.sh (make check-html).
. "${top_srcdir:-.}/tests/lib.sh"

top=${top_srcdir:-.}
need_python html.parser:python3

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# page NAME WANT-STATUS ARGS...: nestref run --html into $tmp/NAME.html,
# its TAP in $tmp/NAME.tap.
page() {
	name=$1
	want=$2
	shift 2
	nestref run --quiet --html "$tmp/$name.html" "$@" \
		>"$tmp/$name.tap" 2>"$tmp/$name.err"
	got=$?
	if [ "$got" -eq "$want" ]; then
		ok "run --html $name: exit $got"
	else
		not_ok "run --html $name: exit $got, want $want" "$(cat "$tmp/$name.err")"
	fi
}

run_capture run --help
expect_in "run --help has --html" "$out" "--html=FILE"
run_capture explain --help
expect_in "explain --help has --html" "$out" "--html=FILE"

# The bundled vectors on the simulated SMMUv3: every trace drawn.
page sim 0 --backend smmuv3-sim "$top/vectors"
page_check "the sim's page agrees with its TAP and fetches nothing" \
	"$tmp/sim.html" "$tmp/sim.tap"
# kernel-facts 3.2: a CFGI_CD's vSID 0x99 becomes d0's pSID 0x1234;
# 3.3: a TLBI_NH_VA gets the vIOMMU's VMID 5.
page_check "CFGI_CD: sid marked changed, 0x99 to 0x1234; one batch, its SYNC, the CD removed" \
	"$tmp/sim.html" "$tmp/sim.tap" \
	--change smmuv3-caches-cfg/1 sid 0x99 0x1234 \
	--text smmuv3-caches-cfg/1 "batch: 2 commands to the queue" \
	--text smmuv3-caches-cfg/1 "SYNC" \
	--text smmuv3-caches-cfg/1 "removed 1 from the config cache"
page_check "TLBI_NH_VA: vmid marked changed, 0 to 0x5; six TLB entries removed" \
	"$tmp/sim.html" "$tmp/sim.tap" \
	--change smmuv3-caches-tlb-va/1 vmid 0 0x5 \
	--text smmuv3-caches-tlb-va/1 "removed 6 from the TLB"
# 3.3: TLBI_NSNH_ALL becomes TLBI_NH_ALL of the VMID; the released
# conversion clears the bits no field covers.
page_check "NSNH_ALL: the opcode and vmid marked changed; cleared bits marked" \
	"$tmp/sim.html" "$tmp/sim.tap" \
	--change smmuv3-caches-tlb-vmid/4 opcode TLBI_NSNH_ALL TLBI_NH_ALL \
	--change smmuv3-caches-tlb-vmid/4 vmid 0 0x5 \
	--change smmuv3-rewrite-released/1 rest \
		dw0:0xffffffffffffff00,dw1:0xffffffffffffffff 0
# The checker fails where the page does not say it.
if "$py" "$top/tests/html-check.py" "$tmp/sim.html" "$tmp/sim.tap" \
	--change smmuv3-caches-cfg/1 sid 0x99 0x9999 >/dev/null; then
	not_ok "html-check.py fails on a change the page does not draw"
else
	ok "html-check.py fails on a change the page does not draw"
fi
grep -o '<li data-count="[0-9]*"><b>[0-9]*</b> skipped: they need inv-selftest, which backend smmuv3-sim lacks; run them with --backend mock</li>' \
	"$tmp/sim.html" >"$tmp/skip.txt"
check "the skips are grouped by reason, with the backend that runs them" \
	test -s "$tmp/skip.txt"

# An ablation: failures, each listed and drawn with its failure.
page ablation 1 --backend smmuv3-sim --without-rule invalidate-bounds \
	"$top/vectors"
page_check "the ablation's page lists every failure of its TAP" \
	"$tmp/ablation.html" "$tmp/ablation.tap"
expect_in "the ablation says so" "$(cat "$tmp/ablation.html")" \
	"Rules switched off (an ablation, not a conformance run): invalidate-bounds"
expect_in "a failure shows its position" "$(cat "$tmp/ablation.html")" \
	"<dt>position</dt><dd>$top/vectors/smmuv3/rewrite-array-bounds.yaml:"

# A backend that does not trace: the answers alone, and it says so.
page mock 0 --backend mock "$top/vectors/mock"
page_check "the mock's page agrees with its TAP" "$tmp/mock.html" "$tmp/mock.tap"
expect_in "the mock's page says it has no SMMU trace" \
	"$(cat "$tmp/mock.html")" "This backend does not trace its SMMU"

# --report and --html together: both, from the one run.
nestref run --quiet --report "$tmp/both.json" --html "$tmp/both.html" \
	"$top/vectors/smmuv3/caches-cfg.yaml" >"$tmp/both.tap" 2>&1
expect_rc_of() { if [ "$1" -eq "$2" ]; then ok "$3"; else not_ok "$3: exit $1, want $2"; fi; }
expect_rc_of $? 0 "run --report --html: exit 0"
check "--report is still written" grep -q '"format": "nestref/report-1"' "$tmp/both.json"
page_check "--report --html: the page" "$tmp/both.html" "$tmp/both.tap"

# Standard input is read once and kept: its tests are drawn too.
nestref run --quiet --html "$tmp/stdin.html" - \
	<"$top/vectors/smmuv3/caches-cfg.yaml" >"$tmp/stdin.tap" 2>&1
page_check "a file from standard input is drawn" "$tmp/stdin.html" "$tmp/stdin.tap" \
	--change smmuv3-caches-cfg/1 sid 0x99 0x1234

# explain --html: the page of the tests explained, here one.
nestref explain --html "$tmp/one.html" \
	"$top/vectors/smmuv3/caches-tlb-va.yaml:1" >"$tmp/one.txt" 2>&1
expect_rc_of $? 0 "explain --html FILE:1: exit 0"
check "explain still prints its text" grep -q '^smmuv3-caches-tlb-va/1 ' "$tmp/one.txt"
grep '^ok [0-9]* - smmuv3-caches-tlb-va/1 ' "$tmp/sim.tap" >"$tmp/one.tap"
page_check "explain --html FILE:1: one test, drawn" "$tmp/one.html" "$tmp/one.tap" \
	--change smmuv3-caches-tlb-va/1 vmid 0 0x5

# Hostile text stays text: no element, no control character.
cat >"$tmp/hostile.yaml" <<'EOF'
format: nestref/vectors-1
id: html-hostile
title: <script>alert(1)</script>
references: ["<img src=x onerror=alert(1)> & \"q\""]
requires: [inv-selftest]
setup:
  devices:
    - {name: d0, psid: 0x1234, vsid: 0x99}
tests:
  - tc: 1
    comment: "</td><script>alert(2)</script> \x01 \e[31m end"
    steps:
      - invalidate:
          type: selftest
          entries:
            - {flags: 0, vdev_id: 0x7, cache_id: 0}
        expect: {result: ok}
EOF
page hostile 1 --backend mock "$tmp/hostile.yaml"
page_check "the hostile page agrees with its TAP and fetches nothing" \
	"$tmp/hostile.html" "$tmp/hostile.tap"
check "one script element: the page's own" \
	test "$(grep -c '<script' "$tmp/hostile.html")" -eq 1
check "the comment is text" grep -q '&lt;/td&gt;&lt;script&gt;alert(2)&lt;/script&gt; \\x01 \\e\[31m end' \
	"$tmp/hostile.html"
check "no control character in the page" \
	test "$(tr -d '\n\t' <"$tmp/hostile.html" | tr -d '\040-\176\200-\377' | wc -c)" -eq 0

# A run that stopped: the page says why, with no test.
page unavailable 77 --backend iommufd \
	--backend-options "mode=selftest,iommufd=$tmp/no-such-iommu" "$top/vectors/mock"
expect_in "a run that could not start: the page says why" \
	"$(cat "$tmp/unavailable.html")" '<p class="bad" id="stopped">Stopped: backend unavailable'
expect_in "... and counts no test" "$(cat "$tmp/unavailable.html")" \
	'<span id="count-tests" data-count="0">'
printf 'format: nestref/vectors-1\nid: broken\n' >"$tmp/broken.yaml"
page broken 2 "$tmp/broken.yaml"
expect_in "a run a load error stopped: the page says so" \
	"$(cat "$tmp/broken.html")" "Exit status 2: a usage or load error."

# Bad --html: refused before anything runs.
run_capture run --html "$tmp/no-such-dir/r.html" "$top/vectors/mock"
expect_rc "run --html into a folder that does not exist: usage error" 2
expect_in "it names the file" "$err" "$tmp/no-such-dir/r.html"
expect_not_in "nothing ran" "$out" "ok 1"
run_capture explain --html "$tmp/no-such-dir/r.html" "$top/vectors/smmuv3/caches-cfg.yaml:1"
expect_rc "explain --html into a folder that does not exist: usage error" 2
run_capture run --html "$tmp/a.html" --html "$tmp/b.html" "$top/vectors/mock"
expect_rc "--html twice: usage error" 2

finish
