/*
 * tests/host/bench_peers.c: the kernel's kmalloc_pair and kmalloc_batch
 * loops (tests/bench_slab.c) as a host program, for `make bench-peers`.
 *
 *   bench_peers pair|batch SIZE [N]
 *
 * runs BENCH_REPS repetitions of one loop of N operations (default: the
 * kernel's counts, 100000 pairs or a batch of 10000), each repetition one
 * call of peers_rep(). scripts/bench_peers.py runs it under valgrind's
 * callgrind with --collect-atstart=no --toggle-collect=peers_rep
 * --dump-after=peers_rep, so each repetition's instructions, and nothing
 * else, land in a dump of their own; it keeps the median, as the kernel's
 * bench_measure() does, and divides by N.
 *
 * The same source is built once per allocator: against the C library's
 * malloc/free, linked with -ljemalloc, -lmimalloc or -ltcmalloc_minimal
 * (each replaces malloc and free), or, with -DPEERS_KVLAB, against
 * kvlab's mm/ compiled for the host (kmalloc/kfree over the shim's arena,
 * booted as the host tests boot it). The size is read from the command
 * line, as the kernel's loops read it from their argument, so no
 * allocator gets a size it can fold at compile time; it is built with
 * -fno-builtin, as the kernel is freestanding, so the compiler cannot
 * drop a malloc whose result is only freed.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#ifdef PEERS_KVLAB
#include <host.h>
#include <mm/slab.h>
#define peer_alloc(size) kmalloc(size, GFP_KERNEL)
#define peer_free(p)	 kfree(p)
/* RAM for the arena: 10000 objects of 8 KiB and the slabs around them. */
#define KVLAB_RAM	 (256ULL << 20)
#else
#define peer_alloc(size) malloc(size)
#define peer_free(p)	 free(p)
#endif

#define BENCH_REPS  5 /* as include/kernel/bench.h */
#define PAIR_LOOPS  100000UL
#define BATCH_LOOPS 10000UL

static void *batch_objs[BATCH_LOOPS];

/* kfree(kmalloc(size)) n times: tests/bench_slab.c's kmalloc_pair_loop. */
static int pair_loop(size_t size, unsigned long n)
{
	void *p;

	while (n--) {
		p = peer_alloc(size);
		if (__builtin_expect(!p, 0))
			return -ENOMEM;
		peer_free(p);
	}
	return 0;
}

/* n allocations, then n frees: kmalloc_batch_loop. */
static int batch_loop(size_t size, unsigned long n)
{
	void **objs = batch_objs;
	unsigned long i;

	for (i = 0; i < n; i++) {
		objs[i] = peer_alloc(size);
		if (__builtin_expect(!objs[i], 0)) {
			while (i--)
				peer_free(objs[i]);
			return -ENOMEM;
		}
	}
	for (i = 0; i < n; i++)
		peer_free(objs[i]);
	return 0;
}

/*
 * One repetition: what callgrind counts (the name is the one the script
 * toggles collection on). noinline and used, so it stays one function.
 */
__attribute__((noinline, used)) int peers_rep(int batch, size_t size,
					      unsigned long n);
__attribute__((noinline, used)) int peers_rep(int batch, size_t size,
					      unsigned long n)
{
	return batch ? batch_loop(size, n) : pair_loop(size, n);
}

static int usage(const char *why)
{
	fprintf(stderr,
		"bench_peers: %s\n"
		"usage: bench_peers pair|batch SIZE [N]\n"
		"  SIZE 1..8388608 bytes; N operations per repetition "
		"(pair default %lu, batch default and at most %lu)\n",
		why, PAIR_LOOPS, BATCH_LOOPS);
	return 2;
}

/* A decimal number in [1, max], or 0 if @s is not one. */
static unsigned long parse_count(const char *s, unsigned long max)
{
	unsigned long v;
	char *end;

	if (!s || *s < '0' || *s > '9')
		return 0;
	errno = 0;
	v = strtoul(s, &end, 10);
	if (errno || *end || v > max)
		return 0;
	return v;
}

int main(int argc, char **argv)
{
	unsigned long n, size;
	int batch, rep, err;

	if (argc < 3 || argc > 4)
		return usage("wrong number of arguments");
	if (!strcmp(argv[1], "pair"))
		batch = 0;
	else if (!strcmp(argv[1], "batch"))
		batch = 1;
	else
		return usage("the loop must be pair or batch");
	size = parse_count(argv[2], 8UL << 20);
	if (!size)
		return usage("bad SIZE");
	n = batch ? BATCH_LOOPS : PAIR_LOOPS;
	if (argc == 4) {
		n = parse_count(argv[3], batch ? BATCH_LOOPS : 1UL << 30);
		if (!n)
			return usage("bad N");
	}
#ifdef PEERS_KVLAB
	err = host_mm_boot(KVLAB_RAM);
	if (err) {
		fprintf(stderr,
			"bench_peers: cannot boot kvlab's mm/ on a "
			"%llu MiB arena (error %d)\n",
			KVLAB_RAM >> 20, err);
		return 1;
	}
	host_slab_boot();
#endif
	for (rep = 0; rep < BENCH_REPS; rep++) {
		err = peers_rep(batch, size, n);
		if (err) {
			fprintf(stderr,
				"bench_peers: %s size=%lu: out of "
				"memory in repetition %d\n",
				argv[1], size, rep + 1);
			return 1;
		}
	}
	printf("bench_peers: %s size=%lu n=%lu reps=%d done\n", argv[1], size,
	       n, BENCH_REPS);
	return 0;
}
