#!/bin/sh
# bench/peers.py (docs/bench.md, "Summary"): the summary of one `make
# bench-peers` run.  On results made up for the purpose: each ratio is the
# row's median over its baseline's, a peer that did not run is a row that
# says why, bad input is a usage error.  Then the summary at the top of
# docs/bench.md must be exactly the table of the committed
# docs/bench/peers.json: every figure there comes from that one run.
. "${top_srcdir:-.}/tests/lib.sh"

need_python json:python3
script=$top_srcdir/bench/peers.py
tmp=$(mktemp -d) || exit 99
trap 'rm -rf "$tmp"' EXIT

# peers ARGS...: runs the script; sets $out, $err and $rc.
peers() {
	"$py" "$script" "$@" >"$tmp/out" 2>"$tmp/err"
	rc=$?
	out=$(cat "$tmp/out")
	err=$(cat "$tmp/err")
}

# bench NAME BACKEND MIX MEDIAN: one linux-7.2 row at batch 64, 64k vSIDs.
bench() {
	printf '{"name": "%s", "params": {"backend": "%s", "profile": "linux-7.2", "mix": "%s", "batch": 64, "populated": 65536, "working_set": 256, "cached_tlb_entries": 0}, "status": "ok", "median": %s}' \
		"$1" "$2" "$3" "$4"
}

cat >"$tmp/host.json" <<JSON
{"schema_version": 2, "program": "nestref-bench",
 "context": {"date": "2026-12-05T01:00:00Z", "git_describe": "abc1234",
             "machine": {"cpu_model": "Test CPU", "nproc": 2}},
 "benchmarks": [$(bench rewrite smmuv3-sim cfgi-cd 80000000),
                $(bench sim smmuv3-sim cfgi-cd 20000000),
                $(bench mock mock selftest 40000000)],
 "qemu_smmu": {"status": "ok", "stream_ids": [16, 24, 32, 40],
               "rows": [{"mix": "cfgi-cd", "batch": 16,
                         "qemu": {"median": 1}, "model": {"median": 2}},
                        {"mix": "tlbi-nh-va", "batch": 64,
                         "qemu": {"median": 3}, "model": {"median": 4}},
                        {"mix": "cfgi-cd", "batch": 64,
                         "qemu": {"median": 4000000},
                         "model": {"median": 10000000}}]}}
JSON
cat >"$tmp/kernel.json" <<JSON
{"schema_version": 2, "benchmarks": [],
 "kernel": {"status": "ok", "ratios": [
   {"populated": 1, "batch": 64, "working_set": 1, "kernel": 1, "ioctl": 2, "sim": 3},
   {"populated": 256, "batch": 64, "working_set": 256,
    "kernel": 1800000, "ioctl": 2000000, "sim": 1000000},
   {"populated": 256, "batch": 16, "working_set": 256,
    "kernel": 5, "ioctl": 6, "sim": 7}]}}
JSON

peers merge "$tmp/p.json" --host "$tmp/host.json" --kernel "$tmp/kernel.json" \
	--skip "arm64=bench-kernel-arm64: no QEMU 11 here"
expect_rc "merge: one file from the run's files" 0
peers table "$tmp/p.json"
expect_rc "table" 0
expect_in "the run is named" "$out" "Run of 2026-12-05T01:00:00Z, git \`abc1234\`, on Test CPU, 2 CPUs."
expect_in "rewrite over QEMU's SMMUv3" "$out" "| 80M commands/s | QEMU's SMMUv3 (host) | 20× |"
expect_in "sim over QEMU's SMMUv3" "$out" "| 20M commands/s | QEMU's SMMUv3 (host) | 5× |"
expect_in "the model alone over QEMU's SMMUv3" "$out" "| 10M commands/s | QEMU's SMMUv3 (host) | 2.5× |"
expect_in "mock over QEMU's SMMUv3" "$out" "| 40M entries/s | QEMU's SMMUv3 (host) | 10× |"
expect_in "QEMU is its own baseline" "$out" "| CFGI_CD of 4 edu devices | 4M commands/s | QEMU's SMMUv3 (host) | 1× |"
expect_in "the kernel through nestref over the bare ioctl, largest population" \
	"$out" "| 1.8M per second | the bare ioctl, same guest | 0.9× |"
expect_in "the sim in the guest over the bare ioctl" "$out" \
	"| CFGI_CD | 1M commands/s | the bare ioctl, same guest | 0.5× |"
expect_in "a guest that did not run says why" "$out" \
	"not measured: bench-kernel-arm64: no QEMU 11 here"
expect_not_in "no figure for it" "$(printf '%s\n' "$out" | grep aarch64)" "per second"

# QEMU absent: its reason on every host row, and no ratio.
sed 's/"qemu_smmu": {"status": "ok"/"qemu_smmu": {"status": "not-measured", "reason": "no QEMU 11: tests\/kernel\/qemu-sid.sh makes one"/' \
	"$tmp/host.json" >"$tmp/host2.json"
peers merge "$tmp/p2.json" --host "$tmp/host2.json"
expect_rc "merge without the guests" 0
peers table "$tmp/p2.json"
expect_in "without QEMU, the host rows say why" "$out" \
	"| not measured: no QEMU 11: tests/kernel/qemu-sid.sh makes one |"
expect_in "a guest not run" "$out" "not measured: not run"

# The page's table: checked, refused when stale, rewritten by --update.
printf 'Top\n%s\nold\n%s\nrest\n' \
	"<!-- peers.py table: begin (generated from docs/bench/peers.json) -->" \
	"<!-- peers.py table: end -->" >"$tmp/doc.md"
peers doc "$tmp/p.json" "$tmp/doc.md"
expect_rc "a stale table is refused" 1
expect_in "with the command that fixes it" "$err" "--update"
peers doc "$tmp/p.json" "$tmp/doc.md" --update
expect_rc "--update" 0
peers doc "$tmp/p.json" "$tmp/doc.md"
expect_rc "then it is the table" 0
expect_in "the rest of the page is kept" "$(cat "$tmp/doc.md")" "rest"
printf 'no markers\n' >"$tmp/bad.md"
peers doc "$tmp/p.json" "$tmp/bad.md"
expect_rc "a page without the markers is a usage error" 2

# The plot's data: one line per measured row, the first row on top.
peers plot "$tmp/p.json" "$tmp/plot"
n=$(grep -c '^[0-9]' "$tmp/plot/peers.dat")
check "peers.dat has the eight measured rows" [ "$n" -eq 8 ]
expect_in "the first row is drawn at the top" "$(sed -n 2p "$tmp/plot/peers.dat")" \
	'7 20 "nestref rewrite'
if command -v gnuplot >/dev/null; then
	expect_rc "gnuplot drew it" 0
	check "peers.png" [ -s "$tmp/plot/peers.png" ]
else
	expect_rc "without gnuplot the plot fails, saying so" 1
	expect_in "naming the package" "$err" "gnuplot-nox"
fi

# Usage errors.
peers merge "$tmp/x.json" --host "$tmp/missing.json"
expect_rc "a missing file" 2
peers merge "$tmp/x.json" --host "$tmp/host.json" --skip "gpu=why"
expect_rc "--skip names a guest" 2
printf '{' >"$tmp/broken.json"
peers table "$tmp/broken.json"
expect_rc "a broken file" 2
expect_in "named" "$err" "broken.json"

# The summary of docs/bench.md is the committed run's.
peers doc "$top_srcdir/docs/bench/peers.json" "$top_srcdir/docs/bench.md"
expect_rc "docs/bench.md's summary is the table of docs/bench/peers.json" 0
finish
