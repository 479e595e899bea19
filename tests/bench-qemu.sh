#!/bin/sh
# nestref-bench --only qemu-smmu (issue 15 point 2) on the real QEMU: where
# tests/kernel/qemu-sid.sh's folder and root are, the quick run measures
# QEMU's commands per second and the model's ratio to it, and compares
# their command errors.  Elsewhere it SKIPs, saying why.  Without QEMU
# (NESTREF_BENCH_QEMU_ROOT pointing nowhere) --only qemu-smmu exits 77
# and says how to get QEMU, and the full run exits 0 and says why.  tests/check-bench-qemu tests the protocol
# and the programming against a fake.
. "${top_srcdir:-.}/tests/lib.sh"

bench=${NESTREF_BENCH:-${abs_top_builddir:-.}/bench/nestref-bench}
python=${BENCH_PYTHON:-/usr/bin/python3}
if ! [ -x "$python" ]; then
	echo "1..0 # SKIP no $python"
	exit 0
fi
tmp=$(mktemp -d) || exit 99
trap 'rm -rf "$tmp"' EXIT
quick="--quick --no-callgrind --no-pin --no-progress"

# shellcheck disable=SC2086 # the options' words
NESTREF_BENCH_QEMU_ROOT=$tmp/nowhere capture "$bench" --only qemu-smmu $quick
expect_rc "--only qemu-smmu without QEMU exits 77" 77
expect_in "it says why and how to get QEMU" "$out" \
	"qemu-smmu: not-measured: $tmp/nowhere has no usr/bin/qemu-system-aarch64; tests/kernel/qemu-sid.sh"

# shellcheck disable=SC2086
QEMU_AARCH64=$tmp/no-qemu capture "$bench" --only qemu-smmu $quick
expect_rc "--only qemu-smmu with a missing QEMU_AARCH64 exits 77" 77
expect_in "it names QEMU_AARCH64" "$out" \
	"qemu-smmu: not-measured: QEMU_AARCH64=$tmp/no-qemu: No such file or directory"

# The full run includes qemu-smmu, and does not fail without QEMU.
# shellcheck disable=SC2086
NESTREF_BENCH_QEMU_ROOT=$tmp/nowhere capture "$bench" $quick --json "$tmp/full.json"
expect_rc "the full run without QEMU exits 0" 0
expect_in "it says why qemu-smmu was not measured" "$out" \
	"qemu-smmu: not-measured: $tmp/nowhere has no usr/bin/qemu-system-aarch64"
if "$python" -c '
import json, sys
q = json.load(open(sys.argv[1]))["qemu_smmu"]
assert q["status"] == "not-measured" and "qemu-sid.sh" in q["how"], q
' "$tmp/full.json"; then
	ok "the JSON's qemu_smmu says not-measured"
else
	not_ok "the JSON's qemu_smmu says not-measured"
fi

# shellcheck disable=SC2086
capture "$bench" --only qemu-smmu $quick --json "$tmp/q.json"
if [ "$rc" = 77 ]; then
	why=$(printf '%s\n' "$out" | sed -n 's/^qemu-smmu: not-measured: //p')
	echo "# $why"
	echo "1..$tap_n # SKIP the real QEMU: ${why:-no reason given}"
	[ "$tap_failed" -eq 0 ]
	exit
fi
expect_rc "--only qemu-smmu with QEMU exits 0" 0
# shellcheck disable=SC2016 # Python, not shell
"$python" -c '
import json, math, sys
q = json.load(open(sys.argv[1]))["qemu_smmu"]
assert q["status"] == "ok", q
row = q["rows"][0]
assert row["mix"] == "cfgi-cd" and row["batch"] == 256, row
qemu, model = row["qemu"]["median"], row["model"]["median"]
assert qemu > 0 and model > 0, row
assert math.isclose(row["model_over_qemu"], model / qemu, rel_tol=1e-6), row
assert row["qtest_null_round_trip_ns"] > 0, row
assert row["prod_round_trip_ns"] > row["qtest_null_round_trip_ns"], row
checks = {c["name"]: c for c in q["behaviour"]}
# QEMU refuses an unknown opcode as the model does (CERROR_ILL).
c = checks["unknown opcode 0x8f"]
assert c["qemu_cerror"] == 1 and c["model_cerror"] == 1 and c["agree"], c
# QEMU has no ATS: ATC_INV is a no-op there, illegal on a model without it.
c = checks["ATC_INV with ATS off"]
assert c["qemu_cerror"] == 0 and c["model_cerror"] == 1 and not c["agree"], c
print("%.4g %.4g" % (qemu, model))
' "$tmp/q.json" >"$tmp/py.out" 2>&1
if [ $? -eq 0 ]; then
	ok "QEMU's commands/s and the model's: $(cat "$tmp/py.out")"
else
	not_ok "the JSON's qemu_smmu has real figures" "$(cat "$tmp/py.out")"
fi
expect_in "the table has the QEMU rows" "$out" "qemu-smmu: QEMU's SMMUv3 (qtest"
finish
