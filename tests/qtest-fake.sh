#!/bin/sh
# A fake QEMU for tests/check-bench-qemu: speaks qtest on stdin and
# stdout as QEMU's system/qtest.c does, with just enough of an SMMUv3 at
# virt's VIRT_SMMU (0x9050000) for nestref-bench's qemu-smmu kind: the ID
# registers of QEMU 11's nested SMMUv3, CR0ACK following CR0, CMDQ_CONS
# following CMDQ_PROD (every command consumed, none refused).
#
#   qtest-fake.sh LOG [MODE]
#
# Every line received is appended to LOG.  MODE: ok (default); fail (FAIL
# to everything); irq (an unasked "IRQ raise 3" line before each
# answer); hang (no answer to a CMDQ_PROD write); die (exits 3 on a
# CMDQ_PROD write, saying so on stderr).
log=$1
mode=${2:-ok}
set -f
cr0=0
prod=0
while IFS= read -r line; do
	printf '%s\n' "$line" >>"$log"
	# shellcheck disable=SC2086 # the words of the line
	set -- $line
	[ "$mode" = irq ] && echo "IRQ raise 3"
	if [ "$mode" = fail ]; then
		echo "FAIL"
		continue
	fi
	case $1:$2 in
	writel:0x9050098)
		case $mode in
		hang) exec sleep 30 ;;
		die)
			echo "qtest-fake: dying as asked" >&2
			exit 3
			;;
		esac
		prod=$3
		echo OK
		;;
	writel:0x9050020)
		cr0=$3
		echo OK
		;;
	readl:0x9050000) echo "OK 0x000000000d44101b" ;;
	readl:0x9050004) echo "OK 0x0000000002730010" ;;
	readl:0x905000c) echo "OK 0x0000000000000400" ;;
	readl:0x9050024) printf 'OK 0x%016x\n' "$cr0" ;;
	readl:0x905009c) printf 'OK 0x%016x\n' "$prod" ;;
	readl:*) echo "OK 0x0000000000000000" ;;
	*) echo OK ;;
	esac
done
