#!/bin/sh
# The HTML report (docs/spec/report.md 7) in a real browser: headless
# Chromium opens the pages of `nestref run --html` and `nestref explain
# --html`, runs their script, and dumps the DOM it made.  tests/html-check.py
# then checks that the page's own check passed, that its counts and failed
# list are the TAP's, and that its filters (set from the address, #verdict=
# and #ref=) showed only the rows they should.  Then two screenshots:
# tests/html/report.png (what a newcomer sees first) and
# tests/html/trace.png (a CFGI_CD and a TLBI_NH_VA drawn), the pictures of
# docs/html-report.png and docs/html-report-trace.png.
#
# Runs once per CI in a stage of its own (make check-html), not in every
# build flavour.  No browser is a failure that names the Debian package.
. "${top_srcdir:-.}/tests/lib.sh"

top=${top_srcdir:-.}
need_python html.parser:python3 zlib:python3

browser=$(command -v chromium || true)
if [ -z "$browser" ]; then
	not_ok "a browser: chromium is installed" \
		"install the Debian package chromium (apt-get install -y chromium)"
	finish
	exit 1
fi
ok "a browser: $("$browser" --version 2>/dev/null | head -n 1)"

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
shots=tests/html
mkdir -p "$shots" || exit 99

# Chromium refuses to run as root with its sandbox on.
sandbox=
[ "$(id -u)" -eq 0 ] && sandbox=--no-sandbox

# chrome ARGS... URL: one headless run, its own profile, a time limit.
chrome() {
	timeout 300 "$browser" --headless --disable-gpu $sandbox \
		--user-data-dir="$tmp/profile" --no-first-run \
		--disable-dev-shm-usage --hide-scrollbars "$@" 2>>"$tmp/chrome.err"
}

# dom NAME FRAGMENT: the DOM of $tmp/NAME.html once its script ran.
dom() {
	chrome --dump-dom "file://$tmp/$1.html$2" >"$tmp/$1.dom"
	if [ -s "$tmp/$1.dom" ]; then
		ok "chromium opened $1.html$2"
	else
		not_ok "chromium opened $1.html$2" "$(tail -n 5 "$tmp/chrome.err")"
	fi
}

# The pages: the bundled vectors as they are, and an ablation that fails.
nestref run --quiet --html "$tmp/sim.html" --backend smmuv3-sim \
	"$top/vectors" >"$tmp/sim.tap" 2>/dev/null
check "run --html on the bundled vectors: exit 0" [ $? -eq 0 ]
nestref run --quiet --html "$tmp/ablation.html" --backend smmuv3-sim \
	--without-rule invalidate-bounds "$top/vectors" >"$tmp/ablation.tap" \
	2>/dev/null
check "run --html of an ablation: exit 1" [ $? -eq 1 ]

dom sim ""
page_check "in the browser: the page checked itself and agrees with the TAP" \
	"$tmp/sim.dom" "$tmp/sim.tap" --dom
dom ablation ""
page_check "in the browser: every failure of the ablation is listed and drawn" \
	"$tmp/ablation.dom" "$tmp/ablation.tap" --dom
dom ablation "#verdict=fail"
page_check "the filter #verdict=fail shows the failures only" \
	"$tmp/ablation.dom" "$tmp/ablation.tap" --dom --visible fail
ref="kernel-facts 3.3 (address and Leaf passed through), 4.3 (TLBI range: TG 0 = any granule, no range)"
dom sim "#verdict=pass,skip&ref=$("$py" -c 'import sys, urllib.parse; print(urllib.parse.quote(sys.argv[1]))' "$ref")"
page_check "the filter by reference shows the tests citing it only" \
	"$tmp/sim.dom" "$tmp/sim.tap" --dom --ref "$ref"

# png_check DESCRIPTION FILE WIDTH HEIGHT: a PNG of that size with
# something drawn (its pixel data has many byte values; a blank page's
# has a handful).
png_check() {
	if msg=$("$py" - "$2" "$3" "$4" <<'EOF'
import struct, sys, zlib
data = open(sys.argv[1], "rb").read()
if data[:8] != b"\x89PNG\r\n\x1a\n":
    sys.exit("not a PNG")
w, h = struct.unpack(">II", data[16:24])
if (w, h) != (int(sys.argv[2]), int(sys.argv[3])):
    sys.exit("%dx%d, want %sx%s" % (w, h, sys.argv[2], sys.argv[3]))
idat, at = b"", 8
while at < len(data):
    n, kind = struct.unpack(">I4s", data[at:at + 8])
    if kind == b"IDAT":
        idat += data[at + 8:at + 8 + n]
    at += 12 + n
values = len(set(zlib.decompress(idat)))
if values < 64:
    sys.exit("blank: %d byte values" % values)
EOF
	); then ok "$1"; else not_ok "$1" "$msg"; fi
}

chrome --window-size=1280,1100 --screenshot="$shots/report.png" \
	"file://$tmp/sim.html" >/dev/null
png_check "screenshot of the summary: $shots/report.png" "$shots/report.png" 1280 1100

nestref explain --html "$tmp/trace.html" \
	"$top/vectors/smmuv3/caches-cfg.yaml:1" \
	"$top/vectors/smmuv3/caches-tlb-va.yaml:1" >/dev/null 2>&1
check "explain --html of a CFGI_CD and a TLBI_NH_VA: exit 0" [ $? -eq 0 ]
dom trace ""
grep '^ok [0-9]* - smmuv3-caches-\(cfg\|tlb-va\)/1 ' "$tmp/sim.tap" >"$tmp/trace.tap"
page_check "in the browser: their traces, sid and vmid marked as changed" \
	"$tmp/trace.dom" "$tmp/trace.tap" --dom \
	--change smmuv3-caches-cfg/1 sid 0x99 0x1234 \
	--change smmuv3-caches-tlb-va/1 vmid 0 0x5
chrome --window-size=1280,2800 --screenshot="$shots/trace.png" \
	"file://$tmp/trace.html" >/dev/null
png_check "screenshot of the traces: $shots/trace.png" "$shots/trace.png" 1280 2800

finish
