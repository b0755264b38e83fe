/*
 * mm/percpu.c: dynamic per-CPU memory, alloc_percpu() and free_percpu()
 * (Linux's mm/percpu.c, cut down to its first chunk).
 *
 * Every CPU's per-CPU area is its copy of the static template
 * (DEFINE_PER_CPU variables) followed by PERCPU_DYNAMIC_SIZE bytes that
 * the template does not use: the first chunk. An allocation takes the
 * same offset in every CPU's first chunk, so one pointer, the "cookie",
 * names all the copies, exactly as &var names every copy of a static
 * per-CPU variable: per_cpu_ptr(cookie, cpu) is CPU cpu's copy,
 * this_cpu_ptr(cookie) the caller's, and through this_cpu_seg() one
 * %gs-relative instruction reaches it.
 *
 *   CPU 0's area   | template copy | first chunk: [pcp DMA32][cpu_slab kmalloc-8]...
 *   CPU 1's area   | template copy | first chunk: [pcp DMA32][cpu_slab kmalloc-8]...
 *                                   ^ the same offset in each: one cookie
 *
 * The chunk is managed in PCPU_MIN_ALLOC-byte units with a first-fit scan
 * of a bitmap (Linux keeps a bitmap with hints per 1 KiB block; one
 * 16 KiB chunk needs none), and the length of each allocation kept at its
 * first unit, so free_percpu() can check what it is given. What uses it:
 * the zones' pcp lists (mm/buddy.c), each cache's kmem_cache_cpu
 * (mm/slab.c), vmalloc's deferred-free lists (mm/vmalloc.c). Linux adds
 * further chunks, vmalloc()ed, when the first is full; kvlab's first
 * chunk holds some 1000 caches, and an allocation that does not fit
 * fails (kmem_cache_create() then says "out of memory").
 *
 * Locking: pcpu_lock, a leaf (nothing is taken under it), with interrupts
 * off; the zeroing of a new allocation's copies happens after it is
 * dropped (nobody else can see the allocation yet).
 */
#include <kernel/panic.h>
#include <kernel/percpu.h>
#include <kernel/printk.h>
#include <kernel/spinlock.h>
#include <lib/bitops.h>
#include <lib/string.h>
#include <mm/mm.h>

#define PCPU_MIN_ALLOC 16 /* bytes per unit (cmpxchg16b wants 16) */
#define PCPU_UNITS     (PERCPU_DYNAMIC_SIZE / PCPU_MIN_ALLOC)
/* Every CPU's chunk starts on a cache line, so offsets keep this much. */
#define PCPU_MAX_ALIGN 64

static DEFINE_SPINLOCK(pcpu_lock);
static char __percpu *pcpu_base;      /* the chunk's first byte, as a cookie */
static unsigned int pcpu_units;	      /* units in the chunk */
static u64 pcpu_map[PCPU_UNITS / 64]; /* 1: unit allocated */
static u16 pcpu_len[PCPU_UNITS]; /* units of the allocation starting here */
static unsigned long pcpu_used;	 /* units allocated */

void pcpu_setup_first_chunk(void __percpu *base, unsigned long size)
{
	pcpu_base = base;
	pcpu_units = (unsigned int)MIN(size / PCPU_MIN_ALLOC,
				       (unsigned long)PCPU_UNITS);
	memset(pcpu_map, 0, sizeof(pcpu_map));
	memset(pcpu_len, 0, sizeof(pcpu_len));
	pcpu_used = 0;
}

unsigned long pcpu_used_bytes(void)
{
	return READ_ONCE(pcpu_used) * PCPU_MIN_ALLOC;
}

static bool unit_used(unsigned int i)
{
	return (pcpu_map[i / 64] >> (i % 64)) & 1;
}

static void set_units(unsigned int start, unsigned int n, bool used)
{
	unsigned int i;

	for (i = start; i < start + n; i++) {
		if (used)
			pcpu_map[i / 64] |= 1ULL << (i % 64);
		else
			pcpu_map[i / 64] &= ~(1ULL << (i % 64));
	}
}

/* The first free run of @n units starting at a multiple of @step, or -1. */
static int find_free(unsigned int n, unsigned int step)
{
	unsigned int start, i;

	for (start = 0; start + n <= pcpu_units; start += step) {
		for (i = 0; i < n && !unit_used(start + i); i++)
			;
		if (i == n)
			return (int)start;
		/* Skip past the used unit, to the next aligned start. */
		start = ALIGN_DOWN(start + i, step);
	}
	return -1;
}

void __percpu *__alloc_percpu(size_t size, size_t align)
{
	unsigned int n, step, cpu;
	unsigned long flags;
	char __percpu *p;
	int start;

	if (WARN(!size || size > PERCPU_DYNAMIC_SIZE || !align ||
			 (align & (align - 1)) || align > PCPU_MAX_ALIGN,
		 "illegal size (%zu) or align (%zu) for percpu allocation",
		 size, align))
		return NULL;
	if (WARN(!pcpu_units, "alloc_percpu before the first chunk is set up"))
		return NULL;
	n = (unsigned int)((size + PCPU_MIN_ALLOC - 1) / PCPU_MIN_ALLOC);
	step = (unsigned int)MAX(align / PCPU_MIN_ALLOC, (size_t)1);
	spin_lock_irqsave(&pcpu_lock, flags);
	start = find_free(n, step);
	if (start >= 0) {
		set_units((unsigned int)start, n, true);
		pcpu_len[start] = (u16)n;
		pcpu_used += n;
	}
	spin_unlock_irqrestore(&pcpu_lock, flags);
	if (start < 0) {
		pr_warn("percpu: allocation failed, size=%zu align=%zu: the "
			"first chunk (%lu bytes) is full\n",
			size, align, PERCPU_DYNAMIC_SIZE);
		return NULL;
	}
	p = pcpu_base + (unsigned long)start * PCPU_MIN_ALLOC;
	for_each_possible_cpu(cpu) memset(per_cpu_ptr(p, cpu), 0, size);
	return p;
}

void free_percpu(void __percpu *ptr)
{
	unsigned long off = (unsigned long)ptr - (unsigned long)pcpu_base;
	const char *what = NULL;
	unsigned long flags;
	unsigned int i;

	if (!ptr)
		return;
	spin_lock_irqsave(&pcpu_lock, flags);
	i = (unsigned int)(off / PCPU_MIN_ALLOC);
	if (off >= (unsigned long)pcpu_units * PCPU_MIN_ALLOC)
		what = "not in the first chunk";
	else if (off % PCPU_MIN_ALLOC || !pcpu_len[i])
		what = unit_used(i) ? "inside an allocation, not its start"
				    : "not allocated (double free?)";
	if (!what) {
		set_units(i, pcpu_len[i], false);
		pcpu_used -= pcpu_len[i];
		pcpu_len[i] = 0;
	}
	spin_unlock_irqrestore(&pcpu_lock, flags);
	if (what) {
		report_begin("BUG: free_percpu(%p): %s", ptr, what);
		printk(KERN_ERR "caller: %pS; nothing was freed\n",
		       (void *)_RET_IP_);
		report_end();
	}
}
