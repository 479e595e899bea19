# shellcheck shell=sh
# shellcheck disable=SC2154 # here, out, tmp: set by the caller
# shellcheck disable=SC2034 # vm_secs, vm_status, vm_kernel_desc: read by the caller
# shellcheck disable=SC2016 # awk programs in single quotes
# Sourced by run.sh (make check-kernel), bench.sh (make bench-kernel and
# make bench-kernel-arm64) and arm64.sh (make check-kernel-arm64): what
# they need to boot the tiny kernel with an initramfs under QEMU and to
# read what the guest printed on its serial console.
#
# The caller sets here (this folder), out (the build's tests/kernel),
# tmp (a private temporary folder), and defines
#   vm_fail DESCRIPTION DIAGNOSTICS   report and exit (never returns)
#   vm_ok DESCRIPTION                 report a step that worked
# The guest's side is init.c: it brackets a program's stdout with
# @@NESTREF-<MARKER>-BEGIN@@ and @@NESTREF-<MARKER>-END rc=N@@, then shows
# the files the program wrote between @@NESTREF-FILE-BEGIN name@@ and
# @@NESTREF-FILE-END name@@, and ends QEMU through isa-debug-exit.

# vm_prerequisites PROGRAM...: the commands a boot needs (and a kernel
# build, without KERNEL_IMAGE), and the built PROGRAMs in $out.
vm_prerequisites() {
	vm_missing_cmds=
	vm_missing_pkgs=
	vm_checked=
	if [ "${KERNEL_ARCH:-x86_64}" = arm64 ]; then
		# QEMU 11 from a Debian sid folder (qemu-sid.sh), unless given.
		if [ -z "${QEMU_AARCH64-}" ]; then
			vm_need mmdebstrap mmdebstrap
			vm_need mount mount
		fi
	else
		vm_need qemu-system-x86_64 qemu-system-x86
	fi
	vm_need cpio cpio
	vm_need timeout coreutils
	if [ -z "${KERNEL_IMAGE-}" ]; then
		# What building a kernel takes (docs/spec/kernel-vm.md 3).
		vm_need make make
		vm_need gcc gcc
		if [ "${KERNEL_ARCH:-x86_64}" = arm64 ]; then
			vm_need aarch64-linux-gnu-gcc gcc-aarch64-linux-gnu
		fi
		vm_need flex flex
		vm_need bison bison
		vm_need bc bc
		if command -v gcc >/dev/null 2>&1; then
			vm_need_header gelf.h libelf-dev
			vm_need_header openssl/opensslv.h libssl-dev
		fi
		if [ -z "${KERNEL_SRC-}" ]; then
			vm_need apt-get apt
			vm_need dpkg-deb dpkg
			vm_need xz xz-utils
		fi
	fi
	if [ -n "$vm_missing_cmds" ]; then
		vm_fail "prerequisites: missing$vm_missing_cmds" \
			"install them: apt-get install$vm_missing_pkgs"
	fi
	for vm_prog in "$@"; do
		if [ ! -x "$out/$vm_prog" ]; then
			vm_fail "prerequisites: no $out/$vm_prog" \
				"make tests/kernel/$vm_prog builds it"
		fi
	done
	vm_ok "prerequisites:$vm_checked"
}

vm_need() { # COMMAND DEBIAN-PACKAGE
	vm_checked="$vm_checked $1"
	if ! command -v "$1" >/dev/null 2>&1; then
		vm_missing_cmds="$vm_missing_cmds $1"
		vm_missing_pkgs="$vm_missing_pkgs $2"
	fi
}

vm_need_header() { # HEADER DEBIAN-PACKAGE
	vm_checked="$vm_checked <$1>"
	if ! echo "#include <$1>" | gcc -E -x c - >/dev/null 2>&1; then
		vm_missing_cmds="$vm_missing_cmds <$1>"
		vm_missing_pkgs="$vm_missing_pkgs $2"
	fi
}

# vm_ready WHAT TEST SCRIPT [ARGUMENT...]: runs SCRIPT of this folder, one
# that prints a path (line 1) and a description of it (line 2), its
# progress on stderr as it happens; sets vm_path and vm_desc, or fails
# "WHAT ready" unless it exits 0 with a path that passes `test TEST`.
vm_ready() {
	vm_what=$1
	vm_test=$2
	vm_script=$3
	shift 3
	vm_t0=$(date +%s)
	{
		sh "$here/$vm_script" "$@"
		echo $? >"$tmp/$vm_what.rc"
	} 2>&1 >"$tmp/$vm_what.out" | tee "$tmp/$vm_what.err" >&2
	vm_path=$(sed -n 1p "$tmp/$vm_what.out")
	if [ "$(cat "$tmp/$vm_what.rc" 2>/dev/null || echo 1)" -ne 0 ] ||
		! test "$vm_test" "$vm_path"; then
		vm_fail "$vm_what ready" "$(tail -n 25 "$tmp/$vm_what.err")"
	fi
	vm_desc=$(sed -n 2p "$tmp/$vm_what.out")
	vm_ok "$vm_what ready: $vm_desc, in $(($(date +%s) - vm_t0)) s"
}

# vm_kernel [FRAGMENT]: finds or builds the kernel (kernel.sh, with
# iommufd-vm.config unless FRAGMENT names another; KERNEL_ARCH in the
# environment picks the architecture); sets vm_image, and vm_kernel_desc
# to kernel.sh's description of it (such as "linux-source-7.2 7.2.13-1
# from sid (cached)").  kernel.sh's progress goes to stderr as it happens
# (a build takes minutes).
vm_kernel() {
	vm_ready kernel -f kernel.sh "$here/${1:-iommufd-vm.config}"
	vm_image=$vm_path
	vm_kernel_desc=$vm_desc
}

# vm_qemu_sid: the QEMU of the arm64 guest (qemu-sid.sh: Debian sid's
# QEMU 11 in a folder of its own, or QEMU_AARCH64); sets vm_qemu_root,
# the ROOT of qemu_chroot_run (qemu-chroot.sh), and vm_qemu_desc.
vm_qemu_sid() {
	vm_ready QEMU -d qemu-sid.sh
	vm_qemu_root=$vm_path
	vm_qemu_desc=$vm_desc
}

# vm_initramfs ROOT: packs ROOT (made readable) into $tmp/initramfs.cpio,
# an uncompressed newc cpio: the kernel has no decompressor and the
# built-in initramfs already provides /dev/console.
vm_initramfs() {
	if ! chmod -R u+rwX,go+rX "$1" 2>"$tmp/cpio.err"; then
		vm_fail "initramfs" "chmod in $1 failed: $(cat "$tmp/cpio.err")"
	fi
	if ! (cd "$1" && find . | LC_ALL=C sort |
		cpio -o -H newc --owner=0:0 --quiet) >"$tmp/initramfs.cpio" \
		2>"$tmp/cpio.err"; then
		vm_fail "initramfs" "cpio failed: $(cat "$tmp/cpio.err")"
	fi
}

# vm_boot TIMEOUT LOG APPEND: boots the kernel with the initramfs and the
# kernel command line APPEND, for at most TIMEOUT seconds.  The whole
# console goes to LOG, a copy without carriage returns or escape sequences
# (SeaBIOS clears the screen at the start of what becomes /init's first
# line) to $tmp/serial.  Sets vm_rc (QEMU's status) and vm_secs.
vm_boot() {
	set -- "$1" "$2" qemu-system-x86_64 -accel tcg -m 256M -smp 1 \
		-nographic -no-reboot -kernel "$vm_image" \
		-initrd "$tmp/initramfs.cpio" -append "$3" \
		-device isa-debug-exit,iobase=0xf4,iosize=0x04
	vm_timeout=$1
	vm_log=$2
	shift 2
	echo "# timeout -k 10 $vm_timeout $*" >"$vm_log"
	vm_t0=$(date +%s)
	timeout -k 10 "$vm_timeout" "$@" </dev/null >>"$vm_log" 2>&1
	vm_rc=$?
	vm_secs=$(($(date +%s) - vm_t0))
	vm_serial
}

# vm_serial: $vm_log into $tmp/serial, without carriage returns or escape
# sequences.
vm_serial() {
	vm_esc=$(printf '\033')
	tr -d '\r' <"$vm_log" |
		sed -e "s/${vm_esc}\[[0-9;?]*[A-Za-z]//g" \
			-e "s/${vm_esc}[A-Za-z]//g" >"$tmp/serial"
}

# vm_boot_arm64 TIMEOUT LOG VCPUS EDU APPEND [QEMU-ARGUMENT...]: boots the
# arm64 kernel with the initramfs, as vm_boot does, on the machine of make
# check-kernel-arm64 (docs/kernel.md 5): the QEMU of vm_qemu_sid through
# qemu_chroot_run (the caller sources qemu-chroot.sh), TCG, the virt
# machine with QEMU's SMMUv3 in nested mode, a Cortex-A57 with VCPUS
# vCPUs, 512 MiB, no network, and EDU `edu` PCI devices at 00:02.0,
# 00:03.0, ... behind the SMMU, for /init to bind to vfio-pci.  The
# QEMU-ARGUMENTs follow (paths in them must be inside the chroot).
vm_boot_arm64() {
	vm_timeout=$1
	vm_log=$2
	vm_vcpus=$3
	vm_append=$5
	vm_n=0
	vm_edu=
	while [ "$vm_n" -lt "$4" ]; do
		vm_edu="$vm_edu -device edu,addr=$((vm_n + 2)).0"
		vm_n=$((vm_n + 1))
	done
	shift 5
	vm_t0=$(date +%s)
	# shellcheck disable=SC2086 # the edu devices
	qemu_chroot_run "$vm_qemu_root" "$vm_timeout" "$vm_log" -- \
		-accel tcg -M virt,iommu=smmuv3,gic-version=3 \
		-global arm-smmuv3.stage=nested -cpu cortex-a57 -smp "$vm_vcpus" \
		-m 512M -nographic -no-reboot -nic none $vm_edu \
		-kernel "$vm_image" -initrd "$tmp/initramfs.cpio" \
		-append "$vm_append" "$@"
	vm_rc=$qemu_rc
	vm_secs=$(($(date +%s) - vm_t0))
	vm_serial
}

# vm_tail: the end of the console, for a failure's diagnostics.
vm_tail() {
	echo "last lines of $vm_log:"
	tail -n 30 "$tmp/serial"
}

# vm_check_exit: fails unless QEMU ended because /init wrote its status
# to isa-debug-exit, which makes QEMU exit with (status << 1) | 1.  0
# means the kernel panicked or reset (panic=-1 with -no-reboot); 124 or
# 137 that the timeout fired; /init's own failures are 101 and up
# (init.c).  On arm64 (KERNEL_ARCH), which has no isa-debug-exit, /init
# powers off after its line @@NESTREF-EXIT status=N@@, which must be
# there.  Sets vm_status, the program's exit status.
vm_check_exit() {
	case $vm_rc in
	124 | 137)
		vm_fail "VM booted and exited: timed out after $vm_timeout s" \
			"$(vm_tail)" ;;
	esac
	if [ "${KERNEL_ARCH:-x86_64}" = arm64 ]; then
		vm_status=$(sed -n 's/.*@@NESTREF-EXIT status=\([0-9]*\)@@.*/\1/p' "$tmp/serial" | tail -n 1)
		[ -n "$vm_status" ] ||
			vm_fail "VM booted and exited with code $vm_rc without /init's exit line" \
				"$(vm_tail)"
	elif [ "$vm_rc" -eq 0 ]; then
		vm_fail "VM booted and exited with code 0: the kernel panicked or /init could not reach isa-debug-exit" \
			"$(vm_tail)"
	elif [ $((vm_rc % 2)) -ne 1 ]; then
		vm_fail "VM booted and exited with code $vm_rc: QEMU itself failed (no guest result)" \
			"$(vm_tail)"
	else
		vm_status=$(((vm_rc - 1) / 2))
	fi
	if [ "$vm_status" -ge 100 ]; then
		vm_fail "VM booted and exited with code $vm_rc: /init failed (status $vm_status, see init.c)" \
			"$(grep -e 'nestref-init:' -e '^nestref stderr:' "$tmp/serial")"
	fi
}

# vm_section MARKER FILE: the guest program's output, between its markers,
# into FILE (not created when the begin marker is missing); prints the
# status of its end marker, or nothing.
vm_section() {
	rm -f "$2"
	${AWK:-awk} -v marker="$1" -v file="$2" '
		index($0, "@@NESTREF-" marker "-END rc=") {
			s = $0
			sub(".*@@NESTREF-" marker "-END rc=", "", s)
			sub(/@@.*/, "", s)
			print s
			inside = 0
			next
		}
		inside { print > file }
		index($0, "@@NESTREF-" marker "-BEGIN@@") {
			inside = 1
			printf "" > file
		}
	' "$tmp/serial" | sed -n 1p
}

# vm_file NAME FILE: a file the guest showed, into FILE; fails when its
# end marker is missing (the console was cut).
vm_file() {
	rm -f "$2"
	${AWK:-awk} -v name="$1" -v file="$2" '
		$0 == "@@NESTREF-FILE-END " name "@@" { inside = 0; done = 1; next }
		inside { print > file }
		$0 == "@@NESTREF-FILE-BEGIN " name "@@" { inside = 1; printf "" > file }
		END { exit !done }
	' "$tmp/serial"
}
