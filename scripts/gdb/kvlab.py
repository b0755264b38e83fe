"""scripts/gdb/kvlab.py: gdb helpers for kvlab, in the manner of Linux's
scripts/gdb (lx-dmesg, lx-pgwalk...).

`make debug` loads this file (scripts/kvqemu.py debug); by hand:

    (gdb) source scripts/gdb/kvlab.py

Each command prints what the kernel itself prints for the same question,
so a stopped kernel can be inspected with the monitor's eyes:

    kv-dmesg        the printk log buffer (log_buf, log_head: kernel/printk.c)
    kv-pgwalk VA    the page-table walk for VA, line for line as the
                    monitor's pgwalk (mm/paging.c: pgwalk()) prints it

    kv-buddyinfo    free blocks per zone and order, as show_buddyinfo()
                    (mm/buddy_glue.c) prints them: /proc/buddyinfo's format
    kv-page PFN     the struct page of frame PFN, as dump_page()
                    (mm/debug_page.c) and the monitor's `page PFN` print it
    kv-vmallocinfo  the vmalloc and vmap areas, as show_vmallocinfo()
                    (mm/vmalloc.c) prints them: /proc/vmallocinfo's format
    kv-slabinfo     every slab cache, as show_slabinfo() (mm/slab_glue.c)
                    prints them: /proc/slabinfo version 2.1

Each is a KvCommand subclass below that reads the kernel's structures
with gdb.parse_and_eval() and prints the lines of the matching C function;
`needs` names the symbols it reads, so an older kernel gets a clear message.

The constants of the address space are read from include/mm/layout.h, the
one place they are written down.
"""
import os
import re

import gdb

LAYOUT_H = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..",
                        "include", "mm", "layout.h")


def read_layout(path=LAYOUT_H):
    """The numeric #defines of include/mm/layout.h, as a dict."""
    consts = {}
    with open(path) as f:
        for line in f:
            m = re.match(r"#define\s+(\w+)\s+(0x[0-9a-fA-F]+|\d+)U?L*\b", line)
            if m:
                consts[m.group(1)] = int(m.group(2), 0)
    return consts


LAYOUT = read_layout()
PAGE_OFFSET = LAYOUT["PAGE_OFFSET"]
PTRS_PER_TABLE = LAYOUT["PTRS_PER_TABLE"]


class UsageError(Exception):
    pass


def read_u64(addr):
    """The little-endian u64 at virtual address addr (gdb.MemoryError if unmapped)."""
    data = gdb.selected_inferior().read_memory(addr, 8)
    return int.from_bytes(bytes(data), "little")


def parse_addr(arg):
    """An address as the monitor takes it: hex (0x optional) first, else a
    gdb expression (a symbol such as kernel_main or log_buf)."""
    try:
        return int(arg, 16)
    except ValueError:
        pass
    try:
        v = gdb.parse_and_eval(arg)
    except gdb.error as e:
        raise UsageError("bad address '%s': %s" % (arg, e))
    if v.type.code in (gdb.TYPE_CODE_FUNC, gdb.TYPE_CODE_ARRAY):
        v = v.address
    return int(v) & (2**64 - 1)


def not_booted(name, why):
    return ("%s: cannot read the kernel's memory (%s): the kernel has not"
            " booted far enough yet. Stop it later, e.g. `break"
            " ktest_run_all` then `continue`, and try again." % (name, why))


class KvCommand(gdb.Command):
    """The kv-* commands' common part: a usage line, the symbols the
    command needs from the kernel, and its one argument if it takes one
    (`arg`, e.g. "address"), all checked before it runs."""
    name = None
    usage = ""
    needs = ()
    arg = None

    def __init__(self):
        super().__init__(self.name, gdb.COMMAND_DATA)

    def invoke(self, arg, from_tty):
        for sym in self.needs:
            if gdb.lookup_global_symbol(sym) is None and \
                    gdb.lookup_static_symbol(sym) is None:
                raise gdb.GdbError("%s: this kernel has no '%s'" % (self.name, sym))
        for sym in self.needs:
            # Readable at all? Not before the kernel's page tables map it.
            try:
                gdb.selected_inferior().read_memory(
                    int(gdb.parse_and_eval("(unsigned long)&%s" % sym)), 1)
            except gdb.MemoryError as e:
                raise gdb.GdbError(not_booted(self.name, e))
        argv = gdb.string_to_argv(arg)
        try:
            if self.arg is None and argv:
                raise UsageError("takes no arguments")
            if self.arg is not None and len(argv) != 1:
                raise UsageError("needs one %s" % self.arg)
            self.run(argv)
        except UsageError as e:
            raise gdb.GdbError("%s: %s\nusage: %s" % (self.name, e, self.usage))
        except gdb.MemoryError as e:
            # Typically: stopped before the kernel has its page tables
            # (at the reset vector, say), or before the structure read
            # was set up.
            raise gdb.GdbError(not_booted(self.name, e))

    def run(self, argv):
        raise NotImplementedError


class KvDmesg(KvCommand):
    """Print the kernel log buffer, oldest first: kv-dmesg

The ring holds bytes [log_head - sizeof(log_buf), log_head) modulo its
size, as log_read() in kernel/printk.c reads it (from a line boundary
once it has wrapped)."""
    name = "kv-dmesg"
    usage = "kv-dmesg"
    needs = ("log_buf", "log_head")

    def run(self, argv):
        head = int(gdb.parse_and_eval("log_head"))
        size = int(gdb.parse_and_eval("sizeof(log_buf)"))
        buf = int(gdb.parse_and_eval("&log_buf[0]"))
        avail = min(head, size)
        start = (head - avail) % size
        inf = gdb.selected_inferior()
        first = min(avail, size - start)
        data = bytes(inf.read_memory(buf + start, first))
        if avail > first:
            data += bytes(inf.read_memory(buf, avail - first))
        # As log_read(): once the ring has wrapped, start at a line boundary.
        if head > avail and b"\n" in data:
            data = data[data.index(b"\n") + 1:]
        gdb.write(data.decode("utf-8", errors="replace"))


# Page-table walking: the same levels, flag names and lines as
# mm/paging.c: pgwalk().
PTE_PRESENT = 1 << 0
PTE_WRITE = 1 << 1
PTE_USER = 1 << 2
PTE_HUGE = 1 << 7
PTE_NX = 1 << 63
PTE_ADDR_MASK = 0x000ffffffffff000
FLAG_NAMES = ["P", "W", "U", "PWT", "PCD", "A", "D", "PS", "G"]
# Levels numbered as include/mm/paging.h's enum pg_level (Linux's): by the
# size one entry maps, 1 = 4K (PT) up to 4 = 512G (PML4).
PG_LEVEL_4K, PG_LEVEL_2M, PG_LEVEL_1G, PG_LEVEL_512G = 1, 2, 3, 4
# level -> (table name, page size of a leaf at this level)
PT_LEVELS = {PG_LEVEL_512G: ("PML4", None),
             PG_LEVEL_1G: ("PDPT", "1G"),
             PG_LEVEL_2M: ("PD", "2M"),
             PG_LEVEL_4K: ("PT", "4K")}


def pg_level_shift(level):
    """log2 of the bytes one entry at level maps (paging.h: pg_level_shift)."""
    return LAYOUT["PAGE_SHIFT"] + 9 * (level - 1)


def pte_is_leaf(e, level):
    """paging.h: pte_is_leaf() for a present entry."""
    return level == PG_LEVEL_4K or (level <= PG_LEVEL_1G and bool(e & PTE_HUGE))


def pte_flags(e, pt_level):
    names = [("PAT" if b == 7 and pt_level else n)
             for b, n in enumerate(FLAG_NAMES) if e & (1 << b)]
    if e & PTE_NX:
        names.append("NX")
    return " ".join(names)


def is_canonical(va):
    top = va >> 47
    return top == 0 or top == (1 << 17) - 1


def pgwalk_lines(va, cr3):
    """The monitor's pgwalk output for va, as a list of lines."""
    out = ["pgwalk va=0x%016x cr3=0x%016x" % (va, cr3)]
    table = cr3 & PTE_ADDR_MASK
    writable = user = execute = True
    for level in range(PG_LEVEL_512G, PG_LEVEL_4K - 1, -1):
        name, page = PT_LEVELS[level]
        shift = pg_level_shift(level)
        idx = (va >> shift) & (PTRS_PER_TABLE - 1)
        try:
            e = read_u64(PAGE_OFFSET + table + idx * 8)
        except gdb.MemoryError:
            out.append("  %s at pa=0x%016x cannot be read through the direct map"
                       % (name, table))
            return out
        writable &= bool(e & PTE_WRITE)
        user &= bool(e & PTE_USER)
        execute &= not e & PTE_NX
        slot = "%s[%d]" % (name, idx)
        if not e & PTE_PRESENT:
            out.append("  %-9s 0x%016x not present" % (slot, e))
            out.append("  => not mapped (no %s entry)" % name)
            return out
        flags = pte_flags(e, level == PG_LEVEL_4K)
        if not pte_is_leaf(e, level):
            out.append("  %-9s 0x%016x %s -> %s pa=0x%016x"
                       % (slot, e, flags, PT_LEVELS[level - 1][0], e & PTE_ADDR_MASK))
            table = e & PTE_ADDR_MASK
            continue
        frame = e & PTE_ADDR_MASK & ~((1 << shift) - 1)
        out.append("  %-9s 0x%016x %s -> %s page pa=0x%016x"
                   % (slot, e, flags, page, frame))
        out.append("  => pa=0x%016x (%s page, %s, %s, %s)"
                   % (frame + (va & ((1 << shift) - 1)), page,
                      "user" if user else "kernel",
                      "read-write" if writable else "read-only",
                      "executable" if execute else "no-execute"))
        return out
    return out


class KvPgwalk(KvCommand):
    """Walk the page tables for a virtual address: kv-pgwalk VA

VA is hex (0x optional) or a gdb expression (kernel_main, &log_buf).
Tables are read from CR3 through the direct map (pa + PAGE_OFFSET); the
lines are those of the monitor's pgwalk."""
    name = "kv-pgwalk"
    arg = "address"
    usage = "kv-pgwalk VA"

    def run(self, argv):
        va = parse_addr(argv[0])
        if not is_canonical(va):
            gdb.write("pgwalk: 0x%x is not canonical (bits 63..47 must all"
                      " equal bit 47)\n" % va)
            return
        if not int(gdb.parse_and_eval("$cr0")) & (1 << 31):
            raise gdb.MemoryError("paging is off, CR0.PG = 0")
        cr3 = int(gdb.parse_and_eval("$cr3"))
        gdb.write("\n".join(pgwalk_lines(va, cr3)) + "\n")


def zone_name(zone):
    return zone["name"].string()


class KvBuddyinfo(KvCommand):
    """Free blocks per order in each populated zone: kv-buddyinfo

The lines of show_buddyinfo() in mm/buddy_glue.c (Linux's /proc/buddyinfo):
"Node 0, zone %8s " then "%6lu " for each order."""
    name = "kv-buddyinfo"
    usage = "kv-buddyinfo"
    needs = ("zones",)

    def run(self, argv):
        zones = gdb.parse_and_eval("zones")
        nr_zones = int(gdb.parse_and_eval("sizeof(zones) / sizeof(zones[0])"))
        for i in range(nr_zones):
            z = zones[i]
            if int(z["managed_pages"]) == 0:
                continue
            area = z["free_area"]
            orders = int(area.type.range()[1]) + 1
            line = "Node 0, zone %8s " % zone_name(z)
            line += "".join("%6d " % int(area[o]["nr_free"]) for o in range(orders))
            gdb.write(line + "\n")


def symbolize(addr):
    """%pS as kernel/backtrace.c prints it: func+0xOFF/0xSIZE, else 0xADDR."""
    try:
        block = gdb.block_for_pc(addr)
    except RuntimeError:
        block = None
    while block is not None and block.function is None:
        block = block.superblock
    if block is None:
        return "0x%x" % addr
    return "%s+0x%x/0x%x" % (block.function.name, addr - block.start,
                             block.end - block.start)


def page_flag_names():
    """[(bit, name)] from enum pageflags: PG_slab is bit 5, named "slab"."""
    enum = gdb.lookup_type("enum pageflags")
    return [(f.enumval, f.name[3:]) for f in enum.fields()
            if f.name.startswith("PG_")]


class KvPage(KvCommand):
    """The struct page of a frame: kv-page PFN

The lines of dump_page() in mm/debug_page.c (the monitor's `page PFN`):
frame, zone, order, flags by name, the head of a tail page, a slab's
cache and counts, and who allocated it."""
    name = "kv-page"
    arg = "page frame number"
    usage = "kv-page PFN"
    needs = ("mem_map", "max_pfn", "zones")

    def run(self, argv):
        try:
            pfn = int(argv[0], 0)
        except ValueError:
            raise UsageError("bad pfn '%s'" % argv[0])
        max_pfn = int(gdb.parse_and_eval("max_pfn"))
        if not 0 <= pfn < max_pfn:
            gdb.write("page: pfn 0x%x is beyond the last RAM frame (max_pfn 0x%x)\n"
                      % (pfn, max_pfn))
            return
        mem_map = gdb.parse_and_eval("mem_map")
        page = mem_map[pfn]
        addr = int(mem_map) + pfn * int(page.type.sizeof)
        flags = int(page["flags"])
        zone_id = int(page["zone_id"])
        zones = gdb.parse_and_eval("zones")
        nr_zones = int(gdb.parse_and_eval("sizeof(zones) / sizeof(zones[0])"))
        zname = zone_name(zones[zone_id]) if zone_id < nr_zones else "?"
        gdb.write("page:0x%x pfn:0x%x zone:%s order:%d\n"
                  % (addr, pfn, zname, int(page["order"])))
        bits = dict(page_flag_names())
        names = [bits[b] for b in sorted(bits) if flags & (1 << b)]
        if flags >> (max(bits) + 1):
            names.append("unknown")
        gdb.write("flags: %s(%s)\n" % ("0x%x" % flags if flags else "0", "|".join(names)))
        head = int(page["compound_head"])
        if head & 1:
            hpfn = (head - 1 - int(mem_map)) // int(page.type.sizeof)
            gdb.write("tail of head page:0x%x pfn:0x%x\n" % (head - 1, hpfn))
        has = lambda n: any(flags & (1 << b) for b, nm in bits.items() if nm == n)
        if has("slab") and int(page["slab_cache"]):
            gdb.write("slab: cache:%s inuse:%d objects:%d\n"
                      % (page["slab_cache"]["name"].string(), int(page["inuse"]),
                         int(page["objects"])))
        ip = int(page["alloc_ip"])
        if (has("allocated") or has("slab")) and ip:
            gdb.write("allocated by %s\n" % symbolize(ip))


VMALLOC = read_layout(os.path.join(os.path.dirname(LAYOUT_H), "vmalloc.h"))


class KvVmallocinfo(KvCommand):
    """The vmalloc and vmap areas, in address order: kv-vmallocinfo

The lines of show_vmallocinfo() in mm/vmalloc.c (Linux's
/proc/vmallocinfo): range with the guard page, size, caller, pages=N,
then vmalloc or vmap (and vpages when the page array is vmalloc'ed);
then the lazily freed areas waiting for the purge, "unpurged vm_area"."""
    name = "kv-vmallocinfo"
    usage = "kv-vmallocinfo"
    needs = ("vmap_area_list", "vmap_purge_list")

    def run(self, argv):
        head = gdb.parse_and_eval("&vmap_area_list")
        va_ptr = gdb.lookup_type("struct vmap_area").pointer()
        off = int(gdb.parse_and_eval("(unsigned long)&((struct vmap_area *)0)->list"))
        node = head["next"]
        while int(node) != int(head):
            va = gdb.Value(int(node) - off).cast(va_ptr).dereference()
            node = node["next"]
            vm = va["vm"]
            if not int(vm):
                continue
            vm = vm.dereference()
            line = "0x%016x-0x%016x %7d" % (int(va["va_start"]), int(va["va_end"]),
                                           int(vm["size"]))
            if int(vm["caller"]):
                line += " " + symbolize(int(vm["caller"]))
            if int(vm["nr_pages"]):
                line += " pages=%d" % int(vm["nr_pages"])
            flags, pages = int(vm["flags"]), int(vm["pages"])
            if flags & VMALLOC["VM_ALLOC"]:
                line += " vmalloc"
            if flags & VMALLOC["VM_MAP"]:
                line += " vmap"
            if pages and LAYOUT["VMALLOC_START"] <= pages < LAYOUT["VMALLOC_END"]:
                line += " vpages"
            gdb.write(line + "\n")
        head = gdb.parse_and_eval("&vmap_purge_list")
        node = head["next"]
        while int(node) != int(head):
            va = gdb.Value(int(node) - off).cast(va_ptr).dereference()
            node = node["next"]
            start, end = int(va["va_start"]), int(va["va_end"])
            gdb.write("0x%016x-0x%016x %7d unpurged vm_area\n" % (start, end, end - start))



def list_entries(head, typename, member):
    """The structs of type typename on the list at head (a struct
    list_head value), linked through their field member."""
    ptr_t = gdb.lookup_type(typename).pointer()
    offset = int(gdb.parse_and_eval("(unsigned long)&((%s *)0)->%s" % (typename, member)))
    head_addr = int(head.address)
    node = int(head["next"])
    while node != head_addr:
        yield gdb.Value(node - offset).cast(ptr_t).dereference()
        node = int(gdb.Value(node).cast(gdb.lookup_type("struct list_head").pointer())["next"])


def bswap64(x):
    return int.from_bytes(x.to_bytes(8, "little"), "big")


def freelist_length(cache, obj, limit):
    """Objects on a freelist starting at obj, decoding the hardened
    pointers as slab_get_freepointer() (include/mm/slab.h) does."""
    n = 0
    offset, random = int(cache["offset"]), int(cache["random"])
    while obj and n <= limit:
        n += 1
        addr = obj + offset
        obj = read_u64(addr) ^ random ^ bswap64(addr)
    return n


class KvSlabinfo(KvCommand):
    """Every slab cache: kv-slabinfo

The lines of show_slabinfo() in mm/slab_glue.c (Linux's /proc/slabinfo,
version 2.1), newest cache first. Active objects are every object of
every slab (nr_objects) less the free ones on the partial slabs and the CPUs' freelists."""
    name = "kv-slabinfo"
    usage = "kv-slabinfo"
    needs = ("slab_caches",)

    def run(self, argv):
        gdb.write("slabinfo - version: 2.1\n")
        gdb.write("# name            <active_objs> <num_objs> <objsize> <objperslab> "
                  "<pagesperslab> : tunables <limit> <batchcount> <sharedfactor> : "
                  "slabdata <active_slabs> <num_slabs> <sharedavail>\n")
        for s in list_entries(gdb.parse_and_eval("slab_caches"), "struct kmem_cache", "list"):
            # Slabs differ in order (s->order or the fallback s->min_order):
            # the cache counts their objects in nr_objects.
            objects, nr_slabs = int(s["objects"]), int(s["nr_slabs"])
            total = int(s["nr_objects"])
            active = total
            for page in list_entries(s["partial"], "struct page", "slab_list"):
                active -= int(page["objects"]) - int(page["inuse"])
            # One kmem_cache_cpu per possible CPU: the cookie plus each
            # CPU's offset (include/kernel/percpu.h: per_cpu_ptr()).
            ccpu = gdb.lookup_type("struct kmem_cache_cpu").pointer()
            for n in range(int(gdb.parse_and_eval("nr_areas"))):
                off = int(gdb.parse_and_eval("__per_cpu_offset[%d]" % n))
                cpu = gdb.Value(int(s["cpu_slab"]) + off).cast(ccpu).dereference()
                if int(cpu["slab"]):
                    active -= freelist_length(s, int(cpu["freelist"]),
                                              int(cpu["slab"]["objects"]))
            gdb.write("%-17s %6d %6d %6d %4d %4d : tunables %4d %4d %4d : slabdata %6d %6d %6d\n"
                      % (s["name"].string(), active, total,
                         int(s["size"]), objects, 1 << int(s["order"]),
                         0, 0, 0, nr_slabs, nr_slabs, 0))


KvDmesg()
KvPgwalk()
KvBuddyinfo()
KvPage()
KvVmallocinfo()
KvSlabinfo()
