/*
 * tests/host/test_percpu.c: mm/percpu.c's first chunk on the host's
 * per-CPU units (tests/host/shim/cpu.c): each CPU's copy is its own and
 * zeroed, alignments hold, space is reused, a full chunk fails cleanly,
 * and frees of what was not allocated are reported, not obeyed; then
 * random alloc/free sequences against a model of the chunk.
 */
#include <host.h>
#include <kernel/panic.h>
#include <kernel/percpu.h>
#include <kernel/printk.h>
#include <lib/string.h>

#include "harness.h"

#define CPUS 4

static void setup(unsigned int cpus)
{
	host_set_nr_cpus(cpus);
	host_percpu_reset();
}

static void teardown(void)
{
	host_set_nr_cpus(1);
	host_percpu_reset();
}

/* Every CPU's copy is distinct, zeroed, and stays what that CPU wrote. */
static void copies_are_per_cpu(struct host_test *t)
{
	unsigned long *p, *q;
	unsigned int cpu;

	setup(CPUS);
	p = alloc_percpu(unsigned long);
	q = alloc_percpu(unsigned long);
	if (!CHECK(t, p && q && p != q, "alloc_percpu: %p %p", (void *)p,
		   (void *)q))
		goto out;
	for (cpu = 0; cpu < CPUS; cpu++) {
		CHECK(t, *per_cpu_ptr(p, cpu) == 0, "cpu %u not zeroed", cpu);
		host_set_cpu(cpu);
		*this_cpu_ptr(p) = 100 + cpu;
		*this_cpu_ptr(q) = 200 + cpu;
	}
	host_set_cpu(0);
	for (cpu = 0; cpu < CPUS; cpu++) {
		CHECK(t, *per_cpu_ptr(p, cpu) == 100 + cpu, "cpu %u: %lu", cpu,
		      *per_cpu_ptr(p, cpu));
		CHECK(t, *per_cpu_ptr(q, cpu) == 200 + cpu, "cpu %u: %lu", cpu,
		      *per_cpu_ptr(q, cpu));
	}
	free_percpu(p);
	/* Reused, and zeroed again on every CPU. */
	p = alloc_percpu(unsigned long);
	for (cpu = 0; cpu < CPUS; cpu++)
		CHECK(t, p && *per_cpu_ptr(p, cpu) == 0,
		      "reused copy on cpu %u not zeroed", cpu);
	free_percpu(p);
	free_percpu(q);
	CHECK(t, pcpu_used_bytes() == 0, "%lu bytes still used",
	      pcpu_used_bytes());
out:
	teardown();
}

/* Alignments up to a page; sizes that do not fit; a full chunk. */
static void alignment_and_exhaustion(struct host_test *t)
{
	static void *held[PERCPU_DYNAMIC_SIZE / 16];
	size_t align, n = 0, i;
	int saved = console_loglevel;
	void *p;

	setup(2);
	console_loglevel = 0;
	for (align = 16; align <= 64; align *= 2) {
		void *pad = __alloc_percpu(16, 16);

		p = __alloc_percpu(24, align);
		CHECK(t, p && ((unsigned long)per_cpu_ptr(p, 1) % align) == 0,
		      "align %zu: %p", align, p);
		free_percpu(p);
		free_percpu(pad);
	}
	CHECK(t, !__alloc_percpu(0, 8), "size 0 allocated");
	CHECK(t, !__alloc_percpu(8, 24), "align 24 allocated");
	CHECK(t, !__alloc_percpu(8, 128), "align 128 allocated");
	CHECK(t, !__alloc_percpu(PERCPU_DYNAMIC_SIZE + 1, 8),
	      "more than the chunk allocated");
	while ((p = __alloc_percpu(16, 16)) && n < ARRAY_SIZE(held))
		held[n++] = p;
	CHECK(t, n == PERCPU_DYNAMIC_SIZE / 16 && !p,
	      "%zu 16-byte allocations fit", n);
	CHECK(t, pcpu_used_bytes() == PERCPU_DYNAMIC_SIZE, "used %lu",
	      pcpu_used_bytes());
	for (i = 0; i < n; i += 2)
		free_percpu(held[i]);
	/* Fragmented: 16 bytes fit, 32 do not. */
	CHECK(t, !__alloc_percpu(32, 16), "32 bytes in a checkerboard");
	p = __alloc_percpu(16, 16);
	CHECK(t, p == held[0], "first fit: %p, expected %p", p, held[0]);
	free_percpu(p);
	for (i = 1; i < n; i += 2)
		free_percpu(held[i]);
	CHECK(t, pcpu_used_bytes() == 0, "used %lu", pcpu_used_bytes());
	console_loglevel = saved;
	teardown();
}

/* Freeing what is not a live allocation is reported and changes nothing. */
static void bad_frees_reported(struct host_test *t)
{
	int saved = console_loglevel;
	unsigned long before, used;
	bool old;
	char *p;

	setup(2);
	p = __alloc_percpu(64, 16);
	if (!CHECK(t, p != NULL, "alloc failed"))
		goto out;
	used = pcpu_used_bytes();
	console_loglevel = 0;
	old = report_set_counting(true);
	before = report_count();
	free_percpu(p + 16);  /* inside it */
	free_percpu(p + 64);  /* after it: never allocated */
	free_percpu(&before); /* not per-CPU memory at all */
	free_percpu(p + 1);   /* misaligned */
	CHECK(t, report_count() == before + 4, "%lu reports, expected 4",
	      report_count() - before);
	CHECK(t, pcpu_used_bytes() == used, "used %lu, was %lu",
	      pcpu_used_bytes(), used);
	free_percpu(p);
	free_percpu(p); /* double free */
	CHECK(t, report_count() == before + 5, "double free not reported");
	free_percpu(NULL); /* nothing */
	CHECK(t, report_count() == before + 5, "free_percpu(NULL) reported");
	report_set_counting(old);
	console_loglevel = saved;
	CHECK(t, pcpu_used_bytes() == 0, "used %lu", pcpu_used_bytes());
out:
	teardown();
}

/* Random sizes and alignments; live ones never overlap; all freed at the end. */
static void random_vs_model(struct host_test *t)
{
	enum { SLOTS = 64 };
	struct {
		char *p;
		size_t size;
		u8 tag;
	} live[SLOTS];
	unsigned long i, n = host_iters(t, 20000);
	int saved = console_loglevel;
	unsigned int k, cpu;

	setup(CPUS);
	memset(live, 0, sizeof(live));
	console_loglevel = 0; /* a full chunk warns */
	for (i = 0; i < n; i++) {
		k = (unsigned int)prng_below(&t->rng, SLOTS);
		if (live[k].p) {
			for (cpu = 0; cpu < CPUS; cpu++) {
				char *c = per_cpu_ptr(live[k].p, cpu);
				size_t j;

				for (j = 0; j < live[k].size &&
					    c[j] == (char)(live[k].tag + cpu);
				     j++)
					;
				if (!CHECK(t, j == live[k].size,
					   "slot %u cpu %u byte %zu "
					   "overwritten",
					   k, cpu, j))
					goto out;
			}
			free_percpu(live[k].p);
			live[k].p = NULL;
			continue;
		}
		live[k].size = 1 + (size_t)prng_below(&t->rng, 600);
		live[k].p = __alloc_percpu(live[k].size,
					   16UL << prng_below(&t->rng, 3));
		live[k].tag = (u8)prng_next(&t->rng);
		if (!live[k].p)
			continue;
		for (cpu = 0; cpu < CPUS; cpu++)
			memset(per_cpu_ptr(live[k].p, cpu),
			       (char)(live[k].tag + cpu), live[k].size);
	}
out:
	for (k = 0; k < SLOTS; k++)
		free_percpu(live[k].p);
	CHECK(t, pcpu_used_bytes() == 0, "used %lu after freeing all",
	      pcpu_used_bytes());
	console_loglevel = saved;
	teardown();
}

const struct host_suite suite_percpu =
	HOST_SUITE("percpu", HOST_CASE(copies_are_per_cpu),
		   HOST_CASE(alignment_and_exhaustion),
		   HOST_CASE(bad_frees_reported), HOST_CASE(random_vs_model));
