#!/usr/bin/env python3
"""tests/host/corpus/mkcorpus.py: write the fuzzers' seed corpus.

  python3 tests/host/corpus/mkcorpus.py

Writes a handful of real-looking inputs into tests/host/corpus/<target>/:
command lines as GRUB and `qemu -kernel` pass them, and multiboot2 and
multiboot1 information blocks shaped like the ones GRUB and QEMU build,
laid out for physical address FUZZ_INFO_PA (tests/host/fuzz_memmap.c),
allocator programs for tests/host/fuzz_alloc.c, and ACPI tables (RSDP,
RSDT/XSDT, MADT) laid out from FUZZ_ACPI_PA for tests/host/fuzz_acpi.c.
The files are committed; run this again only to change them.
"""
import os
import struct

HERE = os.path.dirname(os.path.abspath(__file__))
FUZZ_INFO_PA = 0x10000

USABLE, RESERVED, ACPI, NVS, UNUSABLE = 1, 2, 3, 4, 5

# QEMU's pc machine with 1 GiB, as SeaBIOS reports it (e820).
PC_1G = [
    (0x0, 0x9fc00, USABLE),
    (0x9fc00, 0x400, RESERVED),
    (0xf0000, 0x10000, RESERVED),
    (0x100000, 0x3fee0000, USABLE),
    (0x3ffe0000, 0x20000, RESERVED),
    (0xfeffc000, 0x4000, RESERVED),
    (0xfffc0000, 0x40000, RESERVED),
]

# 6 GiB: 3 GiB below the PCI hole, 3 GiB above 4 GiB.
PC_6G = PC_1G[:3] + [
    (0x100000, 0xbfee0000, USABLE),
    (0xbffe0000, 0x20000, RESERVED),
    (0xfeffc000, 0x4000, RESERVED),
    (0xfffc0000, 0x40000, RESERVED),
    (0x100000000, 0xc0000000, USABLE),
    (0xfd00000000, 0x300000000, RESERVED),
]

# Everything the sanitizer must deal with: unsorted, overlapping, unknown
# types, empty, wrapping and beyond 2^52.
ODD = [
    (0x100000, 0x7f00000, USABLE),
    (0x0, 0x9fc00, USABLE),
    (0x7000000, 0x100000, ACPI),
    (0x7080000, 0x100000, NVS),
    (0x9f000, 0x1000, RESERVED),
    (0x8000000, 0x0, USABLE),
    (0xfffffffffffff000, 0x2000, USABLE),
    (0xffffffffff000, 0x10000, USABLE),
    (0x20000000, 0x1000, 17),
    (0x30000000, 0x1000, UNUSABLE),
]


def align8(b):
    return b + b"\0" * (-len(b) % 8)


def mb2_tag(tag_type, payload):
    return align8(struct.pack("<II", tag_type, 8 + len(payload)) + payload)


def mb2_mmap(entries, entry_size=24):
    body = struct.pack("<II", entry_size, 0)
    for base, length, typ in entries:
        e = struct.pack("<QQII", base, length, typ, 0)
        body += e + b"\0" * (entry_size - len(e))
    return mb2_tag(6, body)


def mb2_block(tags):
    body = b"".join(tags) + struct.pack("<II", 0, 8)
    return struct.pack("<II", 8 + len(body), 0) + body


def grub_mb2(cmdline, entries, entry_size=24):
    return mb2_block([
        mb2_tag(1, cmdline.encode() + b"\0"),
        mb2_tag(2, b"GRUB 2.06-13+deb12u2\0"),
        mb2_tag(4, struct.pack("<II", 639, 1047424)),
        mb2_tag(5, struct.pack("<III", 0xe0, 0xffffffff, 0xffffffff)),
        mb2_mmap(entries, entry_size),
        mb2_tag(14, b"RSD PTR " + bytes(range(12))),
    ])


def qemu_mb1(cmdline, name, entries):
    """qemu -kernel's block: the info, then the strings and the map."""
    info_size = 88
    cmd = cmdline.encode() + b"\0"
    ldr = name.encode() + b"\0"
    mmap = b"".join(struct.pack("<IQQI", 20, b, l, t) for b, l, t in entries)
    cmd_pa = FUZZ_INFO_PA + info_size
    ldr_pa = cmd_pa + len(cmd)
    mmap_pa = (ldr_pa + len(ldr) + 7) & ~7
    flags = (1 << 0) | (1 << 2) | (1 << 6) | (1 << 9)
    info = struct.pack("<IIIIIII16xIIIIII", flags, 639, 1047424, 0,
                       cmd_pa, 0, 0, len(mmap), mmap_pa, 0, 0, 0, ldr_pa)
    info += b"\0" * (info_size - len(info))
    block = info + cmd + ldr
    block += b"\0" * (mmap_pa - FUZZ_INFO_PA - len(block))
    return block + mmap


CMDLINES = {
    "grub": "/boot/kvlab.elf tests=all seed=42 loglevel=7",
    "qemu-kernel": "build/gcc/kvlab.elf monitor=0 bench=none tests=lib",
    "quoted": 'tests="buddy slab" slub_debug=FZPU,kmalloc-64 mem=512M vmalloc_lazy=0',
    "odd": '=x "" tests="unterminated crash=bug quiet quiet=1 loglevel=9\tseed=0x10\n',
    "long": "tests=" + "a" * 300 + " " + "k" * 70 + "=1 /x",
}

BLOCKS = {
    "mb2-grub-pc-1g": grub_mb2("/boot/kvlab.elf tests=all", PC_1G),
    "mb2-grub-pc-6g": grub_mb2("/boot/kvlab.elf", PC_6G),
    "mb2-odd-map-entry32": grub_mb2("", ODD, entry_size=32),
    "mb2-meminfo-only": mb2_block([mb2_tag(4, struct.pack("<II", 639, 130048))]),
    "mb1-qemu-kernel": qemu_mb1("build/gcc/kvlab.elf tests=all monitor=0",
                                "qemu", PC_1G),
}


# fuzz_alloc programs (tests/host/fuzz_alloc.c): a selector byte, taken
# modulo the rows of alloc_ops[], then the row's argument bytes. Row
# numbers as the table has them now; new rows go after these.
ALLOC, FREE, BAD_FREE, DRAIN, FULL = 0, 2, 3, 4, 5
VMAP_ALLOC, VMAP_FREE, VMAP_PURGE, VMAP_FIND = 6, 7, 8, 9
KMALLOC, KFREE, KREALLOC, KBAD_FREE = 10, 12, 13, 14
# Indexes into kmalloc_gfps[].
K_KERNEL, K_ZERO, K_ATOMIC, K_NOWAIT, K_DMA, K_ATOMIC_ZERO = range(6)


def ksize_bytes(n):
    """op_kmalloc's two size bytes for n bytes (n <= 8 KiB)."""
    return (n & 0xff, (n >> 8) & 0x1f)


def klarge_bytes(n):
    """... for a large kmalloc of 1 + (n << 9) bytes."""
    return (n & 0xff, 0xe0 | ((n >> 8) & 0x1f))
# Indexes into fuzz_gfps[].
KERNEL, ZERO, COMP, ATOMIC, NOWAIT, DMA32, DMA32_ZERO, DMA, DMA_COMP, HIGH = range(10)


def alloc_program(ops):
    out = bytearray()
    for op in ops:
        out += bytes(op)
    return bytes(out)


ALLOC_PROGRAMS = {
    # one block of each order, then all freed from the newest
    "orders-up-down": alloc_program(
        [(ALLOC, o, KERNEL) for o in range(11)] + [(FULL,)]
        + [(FREE, 255)] * 11 + [(DRAIN,), (FULL,)]),
    # every gfp class at small orders, freed in a scrambled order
    "gfp-classes": alloc_program(
        [(ALLOC, i % 4, i % 10) for i in range(40)] + [(FULL,)]
        + [(FREE, (i * 7) % 40) for i in range(40)] + [(FULL,)]),
    # single pages through the pcp lists, then drained
    "pcp-churn": alloc_program(
        [(ALLOC, 0, KERNEL)] * 100 + [(FREE, i) for i in range(100)]
        + [(DRAIN,), (FULL,)]),
    # DMA until it runs dry, then everything back
    "fill-dma": alloc_program(
        [(ALLOC, 5, DMA)] * 110 + [(FULL,)] + [(FREE, 0)] * 110 + [(FULL,)]),
    # double free, wrong order and tail-page frees, each reported once
    "misuse": alloc_program(
        [(ALLOC, 2, KERNEL), (ALLOC, 0, KERNEL), (ALLOC, 3, COMP),
         (BAD_FREE, 0, 1), (BAD_FREE, 2, 2), (BAD_FREE, 1, 0), (FULL,)]),
    # vmap areas (op_vmap_alloc's argument bytes): small ones, every
    # second freed at once and the rest lazily, lookups, then a purge
    "vmap-small": alloc_program(
        [(VMAP_ALLOC, 0, i, 0, 0) for i in range(24)]
        + [(VMAP_FREE, i, i % 2) for i in range(0, 24, 2)]
        + [(VMAP_FIND, i, 0x80) for i in range(12)]
        + [(VMAP_PURGE,)] + [(VMAP_ALLOC, 0, 3, 0, 0)] * 4),
    # large alignments, windows that fill up, sizes beyond the range
    "vmap-align-window": alloc_program(
        [(VMAP_ALLOC, 0, 1, 0x80 | a, 0) for a in (1, 4, 9, 18, 30)]
        + [(VMAP_ALLOC, 0, 3, 0, 2 | (1 << 2))] * 6
        + [(VMAP_FREE, 5, 1), (VMAP_ALLOC, 0, 3, 0, 2 | (1 << 2))]
        + [(VMAP_ALLOC, 2 | (30 << 2), 255, 0, 0), (VMAP_ALLOC, 3, 5, 0, 0),
           (VMAP_ALLOC, 0, 0, 0x7f, 3 | (9 << 2))]
        + [(VMAP_FREE, 0, 0)] * 3),
    # every kmalloc class edge, some zeroed or from DMA, freed scrambled
    "kmalloc-classes": alloc_program(
        [(KMALLOC,) + ksize_bytes(n) + (i % 6,) for i, n in enumerate(
            [0, 1, 8, 9, 64, 65, 96, 97, 128, 129, 192, 193, 256, 1024,
             2048, 4096, 4097, 8192])]
        + [(KFREE, (i * 5) % 17) for i in range(18)]),
    # krealloc growing through the classes into large blocks and back
    "krealloc-grow-shrink": alloc_program(
        [(KMALLOC,) + ksize_bytes(24) + (K_KERNEL,)]
        + [(KREALLOC, 0) + ksize_bytes(n) for n in (40, 100, 500, 3000, 8000)]
        + [(KREALLOC, 0) + klarge_bytes(n) for n in (40, 2000)]
        + [(KREALLOC, 0) + ksize_bytes(n) for n in (100, 0)]
        + [(KMALLOC,) + klarge_bytes(8000) + (K_ZERO,), (KFREE, 0)]),
    # double kfree and kfree inside an object, small and large: one
    # report each
    "kmalloc-misuse": alloc_program(
        [(KMALLOC,) + ksize_bytes(n) + (K_KERNEL,) for n in (8, 100, 3000)]
        + [(KMALLOC,) + klarge_bytes(30) + (K_KERNEL,)]
        + [(KBAD_FREE, i, 2 * i + 1) for i in range(4)]
        + [(KBAD_FREE, 3, 0), (KBAD_FREE, 0, 0), (KBAD_FREE, 0, 2)]),
    # lazy frees past the purge threshold, mixed with page allocations
    "vmap-lazy-threshold": alloc_program(
        [(VMAP_ALLOC, 1 | (4 << 2), 0, 0, 0)] * 10
        + [(ALLOC, 1, KERNEL), (VMAP_FREE, 0, 1)] * 10 + [(FULL,)]),
}


# fuzz_trace inputs (tests/host/fuzz_trace.c): lines in each shape the
# reader knows, from the `trace` file and from trace-cmd report.
TRACE_LINES = {
    "trace_file": b"""# tracer: nop
#
          <idle>-0       [000] d..1.     0.000000: kmalloc: call_site=tracepoint_add_func+0xf7/0x3f0 ptr=ffff8b0e8422aa00 bytes_req=64 bytes_alloc=64 gfp_flags=GFP_KERNEL node=-1 accounted=false
          <idle>-0       [000] d..1.     0.000000: kmem_cache_alloc: call_site=__trace_define_field+0x33/0xc0 ptr=ffff8b0e8422b000 bytes_req=56 bytes_alloc=56 gfp_flags=GFP_KERNEL|__GFP_ZERO node=-1 accounted=false
          <idle>-0       [000] d..1.     0.000000: mm_page_alloc: page=ffffe8c7c010a600 pfn=0x4298 order=0 migratetype=0 gfp_flags=__GFP_NOWARN|__GFP_NORETRY
           init-1       [000] ..s..     1.737892: kmem_cache_free: call_site=rcu_do_batch+0x19a/0x540 ptr=ffff8b0e8422b000 name=perf_event
          <idle>-0       [000] ...1.     1.173846: mm_page_free: page=ffffe8c7c010a600 pfn=0x4298 order=0
          <idle>-0       [000] ...1.     0.000000: kfree: call_site=do_set_mempolicy+0xd0/0x150 ptr=ffff8b0e8422aa00
""",
    "trace_cmd": b"""cpus=1
            bash-1234  [001]  5512.345678: kmalloc:              call_site=alloc_pipe_info+0x7a ptr=0xffff888004a1c000 bytes_req=640 bytes_alloc=1024 gfp_flags=GFP_KERNEL_ACCOUNT|__GFP_ZERO
            bash-1234  [001]  5512.345679: mm_page_alloc:        page=0xffffea0000128700 pfn=74780 order=2 migratetype=0 gfp_flags=GFP_KERNEL|__GFP_COMP
            bash-1234  [001]  5512.345680: kfree:                call_site=free_pipe_info+0x9c ptr=0xffff888004a1c000
""",
    "odd": b"x-1 [000] .... 1.0: kmalloc: ptr=(____ptrval____) bytes_req=8 bytes_alloc=8\n"
           b"x-1 [000] .... 1.0: mm_page_alloc: pfn=0x10 order=11\nx-1 [000] .... 1.0: kmalloc: ptr=1\n",
}


# fuzz_acpi (tests/host/fuzz_acpi.c): the input is memory from 0xe0000.
FUZZ_ACPI_PA = 0xe0000


def acpi_sum(b):
    return (-sum(b)) & 0xff


def acpi_table(sig, body, rev=1):
    length = 36 + len(body)
    hdr = bytearray(struct.pack("<4sIBB6s8sI4sI", sig, length, rev, 0,
                                b"BOCHS ", b"BXPC    ", 1, b"BXPC", 1))
    t = hdr + body
    t[9] = acpi_sum(t)
    return bytes(t)


def acpi_rsdp(rev, rsdt, xsdt=0):
    r = bytearray(struct.pack("<8sB6sBI", b"RSD PTR ", 0, b"BOCHS ", rev, rsdt))
    r[8] = acpi_sum(r)
    if rev >= 2:
        r += struct.pack("<IQB3x", 36, xsdt, 0)
        r[32] = acpi_sum(r)
    return bytes(r)


def madt(entries, lapic=0xfee00000):
    return acpi_table(b"APIC", struct.pack("<II", lapic, 1) + b"".join(entries))


def lapic(uid, apic_id, flags=1):
    return struct.pack("<BBBBI", 0, 8, uid, apic_id, flags)


def x2apic(apic_id, uid, flags=1):
    return struct.pack("<BBHIII", 9, 16, 0, apic_id, flags, uid)


IOAPIC = struct.pack("<BBBBII", 1, 12, 0, 0, 0xfec00000, 0)


def acpi_image(rsdp_rev, madts, use_xsdt=False, rsdp_off=0x40):
    """Tables at fixed offsets from FUZZ_ACPI_PA; the RSDP in the BIOS area."""
    img = bytearray(0x300)
    facp = acpi_table(b"FACP", bytes(80))
    img[0x200:0x200 + len(facp)] = facp
    pas = []
    for m in madts:
        pas.append(FUZZ_ACPI_PA + len(img))
        img += m
    listed = [FUZZ_ACPI_PA + 0x200] + pas
    rsdt = acpi_table(b"RSDT", b"".join(struct.pack("<I", p) for p in listed))
    img[0x80:0x80 + len(rsdt)] = rsdt
    xsdt = acpi_table(b"XSDT", b"".join(struct.pack("<Q", p) for p in listed))
    img[0x100:0x100 + len(xsdt)] = xsdt
    r = acpi_rsdp(rsdp_rev, FUZZ_ACPI_PA + 0x80,
                  FUZZ_ACPI_PA + 0x100 if use_xsdt else 0)
    img[rsdp_off:rsdp_off + len(r)] = r
    return bytes(img)


ACPI_IMAGES = {
    "qemu-pc-4cpus": acpi_image(0, [madt([lapic(i, i) for i in range(4)] + [IOAPIC])]),
    "ovmf-q35-8cpus-xsdt": acpi_image(2, [madt([lapic(i, i) for i in range(8)] + [IOAPIC])],
                                      use_xsdt=True),
    "x2apic-70cpus": acpi_image(2, [madt([x2apic(0x100 + i, i) for i in range(70)])],
                                use_xsdt=True),
    "flags-odd": acpi_image(0, [madt([lapic(0, 0), lapic(1, 1, 0), lapic(2, 2, 2),
                                      lapic(3, 0xff), lapic(4, 0),
                                      struct.pack("<BBHQ", 5, 12, 0, 0xfed00000),
                                      bytes([0x7f, 6, 0, 0, 0, 0])])]),
    "two-madts-first-bad": acpi_image(0, [madt([lapic(0, 0)])[:9] + b"\x55"
                                          + madt([lapic(0, 0)])[10:],
                                          madt([lapic(0, 0), lapic(1, 1)])]),
}


def write(target, name, data):
    d = os.path.join(HERE, target)
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, name), "wb") as f:
        f.write(data)


def main():
    for name, line in CMDLINES.items():
        write("fuzz_cmdline", name, line.encode())
    for name, block in BLOCKS.items():
        write("fuzz_memmap", name, block)
    for name, prog in ALLOC_PROGRAMS.items():
        write("fuzz_alloc", name, prog)
    for name, text in TRACE_LINES.items():
        write("fuzz_trace", name, text)
    for name, img in ACPI_IMAGES.items():
        write("fuzz_acpi", name, img)


if __name__ == "__main__":
    main()
