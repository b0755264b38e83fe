#!/bin/sh
# scripts/trace_capture.sh: record a real Linux kernel's allocations.
#
# Boots Debian's Linux 6.1 (the linux-image package, unpacked, never
# installed) in QEMU with a busybox initramfs, with the kmem tracepoints
# enabled from the first instruction of start_kernel (trace_event= on the
# kernel command line), runs a workload of ordinary commands, and writes
# the tracing `trace` file, compressed, to OUT. Replay it with
# `make replay TRACE=OUT`.
#
#   scripts/trace_capture.sh OUT.xz [WORKLOAD]
#
# WORKLOAD is `mixed` (the default: filesystem walks, archives and
# compression, many small files in tmpfs, a shell pipeline) or `boot`
# (nothing after init: the trace of a boot alone).
#
# Needs: apt-get (to download linux-image-*-cloud-amd64-unsigned and
# busybox-static: the packages are only unpacked), cpio, gzip, xz and
# qemu-system-x86_64. Runs under TCG; takes a minute or two.
set -eu

out=${1:?usage: scripts/trace_capture.sh OUT.xz [mixed|boot]}
workload=${2:-mixed}
case "$out" in /*) ;; *) out=$PWD/$out ;; esac
case "$workload" in mixed|boot) ;; *) echo "trace_capture: unknown workload '$workload' (mixed, boot)" >&2; exit 2 ;; esac
for tool in apt-get dpkg-deb cpio gzip xz qemu-system-x86_64; do
	command -v "$tool" >/dev/null 2>&1 || { echo "trace_capture: needs $tool" >&2; exit 2; }
done

work=$(mktemp -d)
trap '[ -n "${KEEP:-}" ] && echo "trace_capture: kept $work" >&2 || rm -rf "$work"' EXIT
cd "$work"

# The newest Debian 6.1 cloud kernel (small, with serial console, tmpfs,
# initramfs and ftrace built in) and a static busybox.
kpkg=$(apt-cache search --names-only '^linux-image-6\.1\.[0-9.-]*-cloud-amd64-unsigned$' |
	awk '{print $1}' | sort -V | tail -n 1)
[ -n "$kpkg" ] || { echo "trace_capture: no linux-image-6.1.*-cloud-amd64-unsigned in apt's lists (run apt-get update)" >&2; exit 2; }
apt-get download "$kpkg" busybox-static >/dev/null 2>&1 ||
	{ echo "trace_capture: apt-get download $kpkg busybox-static failed" >&2; exit 2; }
mkdir pkg
for deb in ./*.deb; do dpkg-deb -x "$deb" pkg; done
kernel=$(ls pkg/boot/vmlinuz-*)

mkdir -p root/bin root/proc root/sys root/dev root/tmp root/work
cp pkg/bin/busybox root/bin/busybox
for app in sh mount umount cat ls find tar gzip gunzip xz unxz cp rm mkdir seq wc sort uniq \
	sed grep awk head tail md5sum sync echo poweroff dd printf sleep du stty; do
	ln -s busybox "root/bin/$app"
done

cat > root/init <<'INIT'
#!/bin/sh
export PATH=/bin
mount -t proc proc /proc
mount -t sysfs sys /sys
mount -t devtmpfs dev /dev
mount -t tracefs tracefs /sys/kernel/tracing
mount -t tmpfs -o size=64m tmpfs /work
if [ "$(cat /proc/cmdline | sed -n 's/.*workload=\([a-z]*\).*/\1/p')" = mixed ]; then
	# Filesystem walks.
	find / -xdev > /work/files.txt 2>/dev/null
	ls -lR /sys/kernel > /dev/null 2>&1
	# Many small files in tmpfs, created, read and removed.
	mkdir /work/small
	for d in $(seq 1 20); do
		mkdir /work/small/$d
		for f in $(seq 1 25); do echo "file $d/$f" > /work/small/$d/$f; done
	done
	cat /work/small/*/* | wc -l > /dev/null
	# Archive and compression tools.
	tar -cf /work/small.tar -C /work small
	gzip -k /work/small.tar
	xz -k /work/small.tar
	mkdir /work/x && tar -xzf /work/small.tar.gz -C /work/x
	md5sum /work/small.tar /work/small.tar.gz /work/small.tar.xz > /dev/null
	rm -rf /work/small /work/x
	# A shell pipeline.
	cat /work/files.txt | sed 's|/[^/]*$||' | sort | uniq -c | sort -n | tail -n 5 > /dev/null
	dd if=/dev/zero of=/work/zero bs=64k count=64 2>/dev/null
	rm -f /work/*
fi
echo 0 > /sys/kernel/tracing/tracing_on
# Out through the second serial port, compressed in the guest (a UART is
# slow for tens of megabytes of text) and in raw mode (no \n -> \r\n).
mount -o remount,size=400m /work
gzip -1 -c /sys/kernel/tracing/trace > /work/trace.gz
stty -F /dev/ttyS1 raw -echo
cat /work/trace.gz > /dev/ttyS1
echo "=== trace bytes $(wc -c < /work/trace.gz)"
sync
poweroff -f
INIT
chmod +x root/init
(cd root && find . | cpio -o -H newc 2>/dev/null | gzip -9) > initrd.gz

events=kmem:kmalloc,kmem:kfree,kmem:kmem_cache_alloc,kmem:kmem_cache_free,kmem:mm_page_alloc,kmem:mm_page_free
timeout 900 qemu-system-x86_64 -accel tcg -m 1G -smp 1 -nographic -no-reboot \
	-kernel "$kernel" -initrd initrd.gz \
	-append "console=ttyS0 quiet panic=-1 no_hash_pointers trace_event=$events trace_buf_size=48M workload=$workload" \
	-serial file:console.log -serial file:trace.gz -monitor none </dev/null ||
	{ echo "trace_capture: QEMU failed; console:" >&2; tail -n 20 console.log >&2; exit 1; }
bytes=$(tr -d '\r' < console.log | sed -n 's/.*=== trace bytes \([0-9]*\)$/\1/p')
[ -n "$bytes" ] ||
	{ echo "trace_capture: the workload did not finish; console:" >&2; tail -n 20 console.log >&2; exit 1; }
[ "$(wc -c < trace.gz)" -ge "$bytes" ] ||
	{ echo "trace_capture: the serial port carried $(wc -c < trace.gz) of $bytes bytes" >&2; exit 1; }
head -c "$bytes" trace.gz | gzip -dc > trace.clean
events_seen=$(grep -c ': \(kmalloc\|kfree\|kmem_cache_alloc\|kmem_cache_free\|mm_page_alloc\|mm_page_free\):' trace.clean || true)
[ "$events_seen" -gt 0 ] || { echo "trace_capture: the trace holds no kmem events" >&2; exit 1; }
{
	echo "# kvlab trace: $kpkg, workload=$workload, captured $(date -u +%Y-%m-%d) by scripts/trace_capture.sh"
	echo "# qemu-system-x86_64 -accel tcg -m 1G -smp 1, trace_event=$events trace_buf_size=48M"
	cat trace.clean
} | xz -9 -T1 > "$out"
echo "trace_capture: $events_seen kmem events in $out ($(wc -c < "$out") bytes)"
