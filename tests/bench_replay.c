/*
 * tests/bench_replay.c: the kernel replay of a Linux kmem trace
 * (make replay-kernel; the host replay is make replay).
 *
 * The host tool reads the trace and writes its events as replay records
 * (kvreplay --emit, tests/replay/replay.h); QEMU hands that file to the
 * kernel as a multiboot module (-initrd on the -kernel path, module2 under
 * GRUB), and this benchmark group replays it through the kernel's own
 * allocators with the same engine as the host, reading the TSC around
 * every allocator call: under -icount, the cost is guest instructions per
 * operation, beside the microbenchmarks' figures. Without a module it
 * says so and measures nothing.
 */
#include <arch/x86.h>
#include <kernel/bench.h>
#include <kernel/bootinfo.h>
#include <kernel/printk.h>
#include <lib/string.h>
#include <mm/memblock.h>
#include <mm/mm.h>
#include <mm/vmalloc.h>

#include "replay/replay.h"

static void print_line(const char *line)
{
	pr_info("%s\n", line);
}

static u64 read_clock(void)
{
	return rdtsc_ordered();
}

/* The first module that holds replay records, or NULL. */
static const struct replay_file_header *find_records(u64 *bytes)
{
	size_t i;

	for (i = 0; i < boot_info.nr_modules; i++) {
		const struct boot_module *m = &boot_info.modules[i];
		const struct replay_file_header *h;

		if (!memblock_is_reserved(m->start))
			continue; /* memblock_init() found it outside RAM */
		h = __va(m->start);
		*bytes = m->end - m->start;
		if (*bytes >= sizeof(*h) && h->magic == REPLAY_FILE_MAGIC)
			return h;
	}
	return NULL;
}

static void bench_replay(struct bench_run *run)
{
	static struct replay r;
	const struct replay_file_header *h;
	const struct replay_rec *recs;
	struct replay_obj *table;
	u64 bytes, i, slots = 1024;
	unsigned int errs;

	(void)run;
	h = find_records(&bytes);
	if (!h) {
		pr_info("replay: no trace module (make replay-kernel "
			"TRACE=path boots with one)\n");
		return;
	}
	if (h->nr_recs > (bytes - sizeof(*h)) / sizeof(*recs)) {
		pr_err("replay: the module says %llu records but holds %llu "
		       "bytes: cut short?\n",
		       (unsigned long long)h->nr_recs,
		       (unsigned long long)bytes);
		return;
	}
	recs = (const void *)(h + 1);
	while (slots < h->max_live * 2 + 16 && slots < (1ULL << 26))
		slots <<= 1;
	table = vzalloc(slots * sizeof(*table));
	if (!table || replay_init(&r, table, slots)) {
		pr_err("replay: no memory for the table of live allocations\n");
		vfree(table);
		return;
	}
	r.print = print_line;
	r.clock = read_clock;
	r.st.lines = h->lines;
	memcpy(r.st.skips, h->skips, sizeof(r.st.skips));
	for (i = 0; i < h->nr_recs; i++)
		replay_rec(&r, &recs[i]);
	errs = replay_finish(&r);
	replay_print(&r);
	pr_info("replay: checkers errors=%u\n", errs);
	vfree(table);
}
BENCH(replay, bench_replay, 0);
