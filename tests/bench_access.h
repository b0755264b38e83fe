/*
 * tests/bench_access.h: memory access benchmarks over a buffer made of
 * chunks (order-10 blocks from the direct map, or one vmalloc area), so
 * the same loops measure both kinds of mapping.
 */
#ifndef KVLAB_TESTS_BENCH_ACCESS_H
#define KVLAB_TESTS_BENCH_ACCESS_H

#include <kernel/bench.h>
#include <lib/types.h>

#define ACCESS_MAX_CHUNKS 16

struct access_buf {
	void *chunk[ACCESS_MAX_CHUNKS];
	unsigned long nr_chunks;
	unsigned long chunk_bytes; /* each chunk's size, a multiple of 4 KiB */
};

/*
 * access_bench_run - measure access_seqwrite and access_randread over @b
 * (@size bytes in all), printing the mapping's page size as the page
 * tables show it. Results are named "buf=<name> size=<size/1024>K".
 */
void access_bench_run(struct bench_run *r, struct access_buf *b,
		      const char *name, unsigned long size);

#endif
