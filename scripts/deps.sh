#!/bin/sh
# scripts/deps.sh: make sure the tools kvlab needs are installed.
#
# Usage: scripts/deps.sh [build|run|debug|test|host|bench|peers|all]
#
# Checks each tool the given job needs. On Debian/Ubuntu as root it installs
# what is missing with `apt-get install -y --no-install-recommends` (only
# what kvlab uses: python3-matplotlib alone would bring some 40 recommended
# packages); anywhere else, and for a user who is not root, it prints the
# exact command to run and exits 1, before make starts anything. Called by
# `make run`, `make test` and friends, so a newcomer types nothing else
# first. tests/scripts/test_deps.py checks both paths with stand-ins for
# id and apt-get.
set -u

job=${1:-all}

# tool-to-check  debian-package  fedora-package  arch-package  brew-package
TOOLS_BUILD='
gcc                  gcc                gcc                 gcc             x86_64-elf-gcc
make                 make               make                make            make
nasm                 nasm               nasm                nasm            nasm
ld                   binutils           binutils            binutils        x86_64-elf-binutils
python3              python3            python3             python          python3
'
TOOLS_CLANG='
clang                clang              clang               clang           llvm
ld.lld               lld                lld                 lld             lld
'
# make test checks the formatting against .clang-format.
TOOLS_FORMAT='
clang-format         clang-format       clang-tools-extra   clang           clang-format
'
TOOLS_RUN='
qemu-system-x86_64   qemu-system-x86    qemu-system-x86     qemu-system-x86 qemu
grub-mkrescue        grub-common        grub2-tools-extra   grub            x86_64-elf-grub
xorriso              xorriso            xorriso             libisoburn      xorriso
mformat              mtools             mtools              mtools          mtools
'
# make debug, and the test of the gdb helpers (scripts/gdb/kvlab.py).
TOOLS_DEBUG='
gdb                  gdb                gdb                 gdb             x86_64-elf-gdb
'
# make host-test: the host suites run once under valgrind.
TOOLS_HOST='
valgrind             valgrind           valgrind            valgrind        valgrind
'
# make bench-peers: the user-space allocators kvlab is measured against
# (their headers stand for the -dev packages, which ship the .so links),
# valgrind to count, and QEMU for the kernel's side.
FILES_PEERS='
/usr/include/jemalloc/jemalloc.h          libjemalloc-dev    jemalloc-devel      jemalloc  jemalloc
/usr/include/mimalloc.h                   libmimalloc-dev    mimalloc-devel      mimalloc  mimalloc
/usr/include/gperftools/tcmalloc.h        libgoogle-perftools-dev gperftools-devel gperftools gperftools
'
# Files (not commands) that packages provide.
FILES_RUN='
/usr/lib/grub/i386-pc/multiboot2.mod      grub-pc-bin        grub2-pc-modules    grub   x86_64-elf-grub
/usr/lib/grub/x86_64-efi/multiboot2.mod   grub-efi-amd64-bin grub2-efi-x64-modules grub x86_64-elf-grub
/usr/share/ovmf/OVMF.fd                   ovmf               edk2-ovmf           edk2-ovmf qemu
'

missing_deb=''
missing_fed=''
missing_arch=''
missing_brew=''
missing_what=''

add_missing() { # what deb fed arch brew
	missing_what="$missing_what $1"
	case " $missing_deb " in *" $2 "*) ;; *) missing_deb="$missing_deb $2" ;; esac
	case " $missing_fed " in *" $3 "*) ;; *) missing_fed="$missing_fed $3" ;; esac
	case " $missing_arch " in *" $4 "*) ;; *) missing_arch="$missing_arch $4" ;; esac
	case " $missing_brew " in *" $5 "*) ;; *) missing_brew="$missing_brew $5" ;; esac
}

check_tools() {
	echo "$1" | while read -r tool deb fed arch brew; do
		[ -n "$tool" ] || continue
		command -v "$tool" >/dev/null 2>&1 || echo "$tool $deb $fed $arch $brew"
	done
}

check_files() {
	echo "$1" | while read -r file deb fed arch brew; do
		[ -n "$file" ] || continue
		[ -e "$file" ] || echo "$file $deb $fed $arch $brew"
	done
}

# The plots need matplotlib in the system python (Debian's python3-matplotlib).
check_matplotlib() {
	for py in /usr/bin/python3 python3; do
		command -v "$py" >/dev/null 2>&1 || continue
		"$py" -c 'import matplotlib' >/dev/null 2>&1 && return 0
	done
	echo "python3-matplotlib python3-matplotlib python3-matplotlib python-matplotlib python-matplotlib"
}

# The host tests link gcc's AddressSanitizer/UBSan runtimes and clang's
# libFuzzer (Debian splits clang's runtimes into libclang-rt-<version>-dev).
# Looking for the libraries is much faster than linking a test program.
check_sanitizers() {
	if command -v gcc >/dev/null 2>&1; then
		v=$(gcc -dumpversion | cut -d. -f1)
		for lib in asan ubsan; do
			[ -e "$(gcc -print-file-name=lib$lib.so)" ] ||
				echo "gcc-$lib libgcc-$v-dev lib$lib gcc gcc"
		done
	fi
	if command -v clang >/dev/null 2>&1; then
		v=$(clang -dumpversion | cut -d. -f1)
		rt=$(clang --print-runtime-dir 2>/dev/null)
		for lib in fuzzer asan ubsan_standalone; do
			[ -e "$rt/libclang_rt.$lib-$(uname -m).a" ] ||
				echo "clang-$lib libclang-rt-$v-dev compiler-rt compiler-rt llvm"
		done
	fi
}

lines=$(
	check_tools "$TOOLS_BUILD"
	case "$job" in
	build) ;;
	run) check_tools "$TOOLS_RUN"; check_files "$FILES_RUN" ;;
	debug) check_tools "$TOOLS_RUN"; check_tools "$TOOLS_DEBUG" ;;
	test) check_tools "$TOOLS_CLANG"; check_tools "$TOOLS_FORMAT"; check_tools "$TOOLS_RUN"; check_tools "$TOOLS_DEBUG"; check_files "$FILES_RUN"
	      check_tools "$TOOLS_HOST"; check_sanitizers ;;
	host) check_tools "$TOOLS_CLANG"; check_tools "$TOOLS_HOST"; check_sanitizers ;;
	bench) check_tools "$TOOLS_RUN"; check_files "$FILES_RUN"; check_matplotlib ;;
	peers) check_tools "$TOOLS_RUN"; check_tools "$TOOLS_HOST"; check_files "$FILES_PEERS" ;;
	all|*) check_tools "$TOOLS_CLANG"; check_tools "$TOOLS_FORMAT"; check_tools "$TOOLS_RUN"; check_tools "$TOOLS_DEBUG"; check_files "$FILES_RUN"; check_matplotlib; check_files "$FILES_PEERS"
	       check_tools "$TOOLS_HOST"; check_sanitizers ;;
	esac
)

[ -n "$lines" ] || exit 0

while read -r what deb fed arch brew; do
	[ -n "$what" ] && add_missing "$what" "$deb" "$fed" "$arch" "$brew"
done <<EOT
$lines
EOT

echo "kvlab: missing:$missing_what" >&2

is_debian=0
[ -r /etc/debian_version ] && command -v apt-get >/dev/null 2>&1 && is_debian=1

# Install once: if the check still fails afterwards, say so instead of looping.
if [ "$is_debian" = 1 ] && [ "$(id -u)" = 0 ] && [ -z "${KVLAB_DEPS_INSTALLED:-}" ]; then
	echo "kvlab: installing with apt-get:$missing_deb" >&2
	export DEBIAN_FRONTEND=noninteractive
	# Refresh the package lists only when they are missing or stale.
	if [ -z "$(find /var/lib/apt/lists -maxdepth 1 -name '*Packages*' -mmin -1440 2>/dev/null | head -n 1)" ]; then
		apt-get update -q >&2 || true
	fi
	# shellcheck disable=SC2086
	if apt-get install -y -q --no-install-recommends $missing_deb >&2; then
		KVLAB_DEPS_INSTALLED=1 exec "$0" "$job" # check again: everything must be there now
	fi
	echo "kvlab: apt-get install failed" >&2
fi

echo "kvlab: install the missing packages, then run make again:" >&2
echo "  Debian/Ubuntu: sudo apt-get install -y --no-install-recommends$missing_deb" >&2
echo "  Fedora:        sudo dnf install$missing_fed" >&2
echo "  Arch:          sudo pacman -S$missing_arch" >&2
echo "  macOS:         brew install$missing_brew" >&2
exit 1
