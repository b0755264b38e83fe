/*
 * tests/host/shim/host.h: the host shim, for tests that run kvlab code as
 * an ordinary Linux process.
 *
 * kvlab's mm/ and lib/ are compiled for the host with -DKVLAB_HOST
 * -Itests/host/shim -Iinclude, and linked with the kernel's own
 * kernel/printk.c and kernel/panic.c (the log buffer, panic/BUG/WARN,
 * misuse reports). The shim supplies what is left, the parts that touch
 * hardware:
 *
 *   shim/arch/x86.h   the instruction wrappers, as stubs that record
 *                     invlpg, CR3 and CR4 writes (struct host_arch)
 *   shim/kernel.c     the serial port (stderr), backtraces (the
 *                     sanitizer's stack trace) and the QEMU exit device
 *                     (exit; a panic aborts)
 *   shim/arena.c      physical memory: one mmap'd arena, aligned to
 *                     1 GiB as the kernel's direct map is, the direct map
 *                     pointed at it, and boot_info filled with its map
 *
 * The arena. Physical address 0 is the arena's first byte and
 * kvlab_host_page_offset is the arena's address, so __va(pa) =
 * pa + PAGE_OFFSET is an ordinary pointer into it, and page tables that
 * mm/ builds "in physical memory" live there too:
 *
 *      physical  0        640K  1M                          ram end
 *                |  RAM   |////|   RAM (usable)     ...      |
 *      host      arena    (PROT_NONE)                        arena + end
 *
 * Only whole pages inside usable regions are readable and writable;
 * every other page of [0, end) (holes, reserved, ACPI...) is PROT_NONE, so
 * an allocator that hands out or touches memory it does not own crashes
 * at once (ASan prints the stack). The mapping is MAP_NORESERVE: a map of
 * several GiB costs only the pages the test touches, except under
 * valgrind, whose cost grows with every accessible byte (5 GiB of RAM take
 * 15 s to map): tests that valgrind runs keep RAM to tens of MiB, with
 * holes as large as they like. There is no vmalloc
 * area on the host: addresses in [VMALLOC_START, VMALLOC_END) exist only
 * in the page tables and cannot be dereferenced.
 *
 * Reports. As in the kernel, a misuse report (report_end) panics unless a
 * test called report_set_counting(true); panic and BUG abort the process
 * with the message, which fails the test run (and is a crash to libFuzzer).
 * printk output lands in log_buf as in the kernel and, when its level is
 * below console_loglevel (host default: warnings and worse), on stderr.
 */
#ifndef KVLAB_HOST_SHIM_H
#define KVLAB_HOST_SHIM_H

#include <arch/x86.h>
#include <kernel/bootinfo.h>
#include <lib/types.h>

/* console_loglevel on the host: KERN_WARNING and more urgent reach stderr. */
#define HOST_CONSOLE_LOGLEVEL 5

/* The largest arena: physical addresses up to 64 GiB. */
#define HOST_ARENA_MAX_BYTES (64ULL << 30)

/*
 * host_arena_create - back physical memory [0, end of @map) with an arena.
 * @map, @nr: a raw memory map (any order, overlaps allowed); it is
 * sanitized with memmap_sanitize() exactly as the kernel's boot map is.
 * Fills the global boot_info (protocol multiboot2, loader "kvlab host
 * shim", raw and sanitized map) and sets kvlab_host_page_offset.
 * Return: 0, -EBUSY if an arena exists, -EINVAL for an empty map or one
 * beyond HOST_ARENA_MAX_BYTES, -ENOMEM if the host refuses the mapping.
 */
int host_arena_create(const struct mem_region *map, size_t nr);

/*
 * host_arena_create_pc - an arena shaped like QEMU's pc machine with
 * @ram_bytes of RAM: 639 KiB low RAM, the BIOS area reserved, RAM from
 * 1 MiB to 3 GiB and the rest above 4 GiB (the PCI hole between).
 */
int host_arena_create_pc(u64 ram_bytes);

/* host_arena_destroy - unmap the arena; __va() is meaningless afterwards. */
void host_arena_destroy(void);

/* host_arena_end - one past the highest physical address of the arena. */
phys_addr_t host_arena_end(void);

/* host_arena_is_ram - is all of [pa, pa + len) inside usable pages? */
bool host_arena_is_ram(phys_addr_t pa, u64 len);

/* The log: host_log_mark() before, host_log_contains() after. */
u64 host_log_mark(void);
/* host_log_contains - did printk write @needle since @mark? */
bool host_log_contains(u64 mark, const char *needle);

/* ---- mm/: memblock and the buddy allocator on the arena (shim/mm.c) ---- */

/* The stand-in for the kernel image that host_mm_boot() reserves. */
#define HOST_MM_IMAGE_BYTES (2UL << 20)

/*
 * host_mm_boot_map - boot mm/ the way kernel_main() does, on an arena
 * built from @map: memblock gets the usable whole pages, reserves the
 * first MiB and HOST_MM_IMAGE_BYTES at KERNEL_PHYS (the "kernel image"),
 * its limit is lifted as paging_init() lifts it, and the real buddy_setup()
 * then allocates mem_map from memblock (inside the arena) and frees
 * everything else to the zones. No page tables are built: the arena is
 * the direct map already.
 * Return: 0, or host_arena_create()'s error.
 */
int host_mm_boot_map(const struct mem_region *map, size_t nr);

/* host_mm_boot - host_mm_boot_map() of a QEMU-pc-shaped map (host_arena_create_pc). */
int host_mm_boot(u64 ram_bytes);

/*
 * host_mm_teardown - forget mm/'s global state (zones, mem_map,
 * memblock) and destroy the arena, so the next host_mm_boot() starts from
 * scratch. Safe to call when nothing is booted.
 */
void host_mm_teardown(void);

/*
 * host_slab_boot - kmem_cache_init() and kmalloc_init(), as kernel_main()
 * runs them after buddy_init(): after host_mm_boot*(), for tests of slab,
 * kmalloc and what uses them (vmalloc). host_mm_teardown() forgets them.
 */
void host_slab_boot(void);

/* ---- CPUs as threads (shim/cpu.c) ----------------------------------------- */

/* The most host CPUs (threads acting as CPUs) a test may ask for. */
#define HOST_MAX_CPUS 16

/*
 * host_set_nr_cpus - how many CPUs the next host_mm_boot*() makes
 * possible (per-CPU copies, pcp lists...); 1 by default.
 * Return: 0, or -1 outside 1..HOST_MAX_CPUS.
 */
int host_set_nr_cpus(unsigned int nr);

/* host_set_cpu - the calling thread is CPU @cpu from now on. */
void host_set_cpu(unsigned int cpu);

/*
 * host_percpu_reset - zero every CPU's unit and open mm/percpu.c's first
 * chunk on them; host_mm_boot*() does it before buddy_setup().
 */
void host_percpu_reset(void);

struct ktest_checker;
/* What ktest_register_checker() was last passed (NULL after a boot). */
extern const struct ktest_checker *host_mm_checker;

#endif
