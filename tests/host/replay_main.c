/*
 * tests/host/replay_main.c: kvreplay, replay a Linux kmem trace through
 * kvlab's mm/ on the host (make replay; make test replays the shipped boot
 * trace with --check).
 *
 *   kvreplay [--ram=SIZE] [--every=N] [--samples=FILE.csv] [--check]
 *            [--emit=FILE.bin] TRACE
 *
 * TRACE is the text of a trace (trace-cmd report, or the tracing `trace`
 * file), plain, gzip or xz. The whole trace is read into memory as
 * replay records first, because deciding which page allocations were
 * Linux's own slab pages needs the objects that come after them:
 *
 *   1. read: every line parsed (tests/replay/trace.c), the events kept;
 *   2. attribute: find the traced kernel's direct-map base (a large
 *      kmalloc right after the mm_page_alloc of its pages gives
 *      ptr - pfn * 4096), then mark each page allocation that some later
 *      object address falls into while it is live: Linux's slab (or large
 *      kmalloc) memory, which kvlab's own slab allocator replaces;
 *   3. simulate: the frees the trace itself cannot match (it began after
 *      their allocation) and the most allocations live at once;
 *   4. replay through kvlab (tests/replay/replay.c), then free what is
 *      left and run the checkers.
 * --emit writes the records for the kernel replay instead of step 4.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <host.h>
#include <lib/string.h>
#include <mm/gfp.h>
#include <mm/slab.h>

#include "../replay/replay.h"
#include "../replay/trace.h"

#define MAX_RECS     (64ULL << 20) /* 1.5 GiB of records: split larger traces */
#define MAX_ATTR_PFN (1ULL << 24)  /* 64 GiB of traced RAM */

struct trace_data {
	struct replay_rec *recs;
	u64 nr, cap;
	u64 lines;
	u64 skips[NR_TRACE_SKIPS];
};

/* open_trace - the trace's text: through gzip or xz when it is compressed. */
static FILE *open_trace(const char *path, bool *piped)
{
	static char cmd[4200];
	unsigned char magic[6] = { 0 };
	const char *tool = NULL;
	FILE *f = fopen(path, "rb");
	size_t n;

	*piped = false;
	if (!f)
		return NULL;
	n = fread(magic, 1, sizeof(magic), f);
	if (n >= 2 && magic[0] == 0x1f && magic[1] == 0x8b)
		tool = "gzip";
	else if (n >= 6 && !memcmp(magic,
				   "\xfd"
				   "7zXZ\0",
				   6))
		tool = "xz";
	if (!tool) {
		rewind(f);
		return f;
	}
	fclose(f);
	if (strchr(path, '\'') || strlen(path) > 4000) {
		fprintf(stderr,
			"kvreplay: %s: name not usable in a shell command\n",
			path);
		return NULL;
	}
	snprintf(cmd, sizeof(cmd), "%s -dc '%s'", tool, path);
	*piped = true;
	return popen(cmd, "r");
}

static int read_trace(const char *path, struct trace_data *t)
{
	char *line = NULL;
	size_t size = 0;
	ssize_t len;
	bool piped;
	FILE *f = open_trace(path, &piped);
	int status;

	if (!f) {
		fprintf(stderr, "kvreplay: cannot open %s: %s\n", path,
			strerror(errno));
		return -1;
	}
	while ((len = getline(&line, &size, f)) >= 0) {
		struct trace_event ev;
		enum trace_skip why = trace_parse_line(line, len, &ev);

		t->lines++;
		t->skips[why]++;
		if (why != TRACE_SKIP_NONE)
			continue;
		if (t->nr == t->cap) {
			if (t->cap >= MAX_RECS) {
				fprintf(stderr,
					"kvreplay: %s: more than %llu events; "
					"split the trace\n",
					path, (unsigned long long)MAX_RECS);
				free(line);
				piped ? pclose(f) : fclose(f);
				return -1;
			}
			t->cap = t->cap ? t->cap * 2 : 65536;
			t->recs = realloc(t->recs, t->cap * sizeof(*t->recs));
			if (!t->recs) {
				fprintf(stderr,
					"kvreplay: out of memory reading %s\n",
					path);
				exit(2);
			}
		}
		replay_rec_from_event(&t->recs[t->nr++], &ev);
	}
	free(line);
	status = piped ? pclose(f) : fclose(f);
	if (piped && status != 0) {
		fprintf(stderr,
			"kvreplay: %s: decompression failed (a truncated or "
			"corrupt file?)\n",
			path);
		return t->nr ? 0 : -1; /* a cut-off trace still replays */
	}
	return 0;
}

static bool is_object_alloc(const struct replay_rec *r)
{
	return r->kind == TRACE_KMALLOC || r->kind == TRACE_CACHE_ALLOC;
}

/* The direct-map base of the traced kernel, by vote of large kmallocs. */
static u64 direct_map_base(const struct trace_data *t, u64 *votes)
{
	struct {
		u64 base, n;
	} cand[8] = { { 0, 0 } };
	u64 i, best = 0, min_obj = ~0ULL;
	unsigned int k;

	*votes = 0;
	for (i = 0; i < t->nr; i++) {
		const struct replay_rec *p = &t->recs[i], *o = p + 1;
		u64 base;

		if (is_object_alloc(p) && p->addr > 16 && p->addr < min_obj)
			min_obj = p->addr;
		if (p->kind != TRACE_PAGE_ALLOC || i + 1 == t->nr ||
		    o->kind != TRACE_KMALLOC ||
		    o->bytes_alloc <= KMALLOC_MAX_CACHE_SIZE ||
		    o->bytes_alloc != (u64)PAGE_SIZE << p->order)
			continue;
		base = o->addr - (p->addr << PAGE_SHIFT);
		for (k = 0; k < ARRAY_SIZE(cand); k++) {
			if (cand[k].n == 0 || cand[k].base == base) {
				cand[k].base = base;
				cand[k].n++;
				break;
			}
		}
	}
	for (k = 0; k < ARRAY_SIZE(cand); k++) {
		if (cand[k].n > *votes) {
			*votes = cand[k].n;
			best = cand[k].base;
		}
	}
	if (*votes == 0 && min_obj != ~0ULL)
		best = min_obj &
		       ~((1ULL << 30) - 1); /* KASLR aligns it to 1 GiB */
	return best;
}

/* Step 2: mark the page allocations that held Linux's slab objects. */
static void attribute(struct trace_data *t, u64 base)
{
	u64 i, end_pfn = 0;
	u32 *owner;

	for (i = 0; i < t->nr; i++)
		if (t->recs[i].kind == TRACE_PAGE_ALLOC &&
		    t->recs[i].addr + (1ULL << t->recs[i].order) > end_pfn)
			end_pfn = t->recs[i].addr + (1ULL << t->recs[i].order);
	if (end_pfn > MAX_ATTR_PFN || t->nr >= 0xffffffffULL) {
		printf("replay: attribution skipped: pfns up to %#llx; every "
		       "page event is replayed\n",
		       (unsigned long long)end_pfn);
		return;
	}
	owner = calloc(end_pfn + 1, sizeof(*owner));
	if (!owner) {
		fprintf(stderr, "kvreplay: out of memory for attribution\n");
		exit(2);
	}
	for (i = 0; i < t->nr; i++) {
		struct replay_rec *r = &t->recs[i];
		u64 n = 1ULL << r->order, p;

		if (r->kind == TRACE_PAGE_ALLOC || r->kind == TRACE_PAGE_FREE) {
			for (p = r->addr; p < r->addr + n && p < end_pfn; p++)
				owner[p] = r->kind == TRACE_PAGE_ALLOC
						   ? (u32)(i + 1)
						   : 0;
		} else if (is_object_alloc(r) && r->addr >= base) {
			p = (r->addr - base) >> PAGE_SHIFT;
			if (p < end_pfn && owner[p])
				t->recs[owner[p] - 1].flags |=
					REPLAY_REC_LINUX_SLAB;
		}
	}
	free(owner);
}

/* Step 3: a set of live keys, to count what the trace itself cannot match. */
struct sim {
	u64 *keys, mask, live, max_live;
	u64 unmatched[NR_TRACE_KINDS];
};

static u64 sim_slot(const struct sim *s, u64 key)
{
	return (key * 0x9e3779b97f4a7c15ULL >> 17) & s->mask;
}

static u64 *sim_find(struct sim *s, u64 key)
{
	u64 i = sim_slot(s, key);

	while (s->keys[i] && s->keys[i] != key)
		i = (i + 1) & s->mask;
	return &s->keys[i];
}

static void sim_delete(struct sim *s, u64 *slot)
{
	u64 hole = slot - s->keys, i = hole;

	for (;;) {
		u64 home;

		i = (i + 1) & s->mask;
		if (!s->keys[i])
			break;
		home = sim_slot(s, s->keys[i]);
		if ((i > hole && (home <= hole || home > i)) ||
		    (i < hole && home <= hole && home > i)) {
			s->keys[hole] = s->keys[i];
			hole = i;
		}
	}
	s->keys[hole] = 0;
	s->live--;
}

static void simulate(const struct trace_data *t, struct sim *s)
{
	u64 i;

	s->mask = 1;
	while (s->mask < t->nr * 2 + 16)
		s->mask <<= 1;
	s->keys = calloc(s->mask, sizeof(*s->keys));
	if (!s->keys) {
		fprintf(stderr, "kvreplay: out of memory\n");
		exit(2);
	}
	s->mask--;
	for (i = 0; i < t->nr; i++) {
		const struct replay_rec *r = &t->recs[i];
		bool page = r->kind == TRACE_PAGE_ALLOC ||
			    r->kind == TRACE_PAGE_FREE;
		u64 key = page ? r->addr * 2 + 1 : r->addr, *slot;

		if (!page && (r->addr <= 16 ||
			      (is_object_alloc(r) && r->bytes_req == 0)))
			continue;
		slot = sim_find(s, key);
		if (is_object_alloc(r) || r->kind == TRACE_PAGE_ALLOC) {
			if (!*slot) {
				*slot = key;
				if (++s->live > s->max_live)
					s->max_live = s->live;
			}
		} else if (*slot) {
			sim_delete(s, slot);
		} else {
			s->unmatched[r->kind]++;
		}
	}
	free(s->keys);
}

static FILE *samples_file;

static void write_sample(void *arg, const struct replay_sample *s)
{
	unsigned int o;

	(void)arg;
	if (s->event == ~0ULL)
		return;
	fprintf(samples_file, "%llu,%llu,%llu,%llu,%llu,%llu,%llu",
		(unsigned long long)s->event,
		(unsigned long long)s->held.kv_slab,
		(unsigned long long)s->held.kv_large,
		(unsigned long long)s->held.kv_pages,
		(unsigned long long)s->held.linux_objects,
		(unsigned long long)s->held.linux_pages,
		(unsigned long long)s->held.linux_slab);
	for (o = 0; o < NR_PAGE_ORDERS; o++)
		fprintf(samples_file, ",%u", s->unusable[o]);
	fputc('\n', samples_file);
}

static void print_line(const char *line)
{
	puts(line);
}

static int emit(const char *path, const struct trace_data *t, u64 max_live)
{
	struct replay_file_header h = { .magic = REPLAY_FILE_MAGIC,
					.nr_recs = t->nr,
					.max_live = max_live,
					.lines = t->lines };
	FILE *f = fopen(path, "wb");

	memcpy(h.skips, t->skips, sizeof(h.skips));
	if (!f || fwrite(&h, sizeof(h), 1, f) != 1 ||
	    fwrite(t->recs, sizeof(*t->recs), t->nr, f) != t->nr || fclose(f)) {
		fprintf(stderr, "kvreplay: cannot write %s\n", path);
		return 2;
	}
	printf("kvreplay: %llu records in %s\n", (unsigned long long)t->nr,
	       path);
	return 0;
}

struct options {
	const char *trace, *samples, *emit;
	unsigned long long ram, every;
	bool check;
};

static int parse_args(int argc, char **argv, struct options *o)
{
	int i;

	o->ram = 1ULL << 30;
	o->every = 1000;
	for (i = 1; i < argc; i++) {
		const char *a = argv[i];

		if (!strncmp(a, "--ram=", 6)) {
			if (memparse_strict(a + 6, &o->ram) ||
			    o->ram < (64ULL << 20) || o->ram > (16ULL << 30)) {
				fprintf(stderr,
					"kvreplay: --ram takes 64M to 16G, not "
					"'%s'\n",
					a + 6);
				return -1;
			}
		} else if (!strncmp(a, "--every=", 8)) {
			if (kstrtoull(a + 8, 10, &o->every)) {
				fprintf(stderr,
					"kvreplay: --every takes a number, not "
					"'%s'\n",
					a + 8);
				return -1;
			}
		} else if (!strncmp(a, "--samples=", 10)) {
			o->samples = a + 10;
		} else if (!strncmp(a, "--emit=", 7)) {
			o->emit = a + 7;
		} else if (!strcmp(a, "--check")) {
			o->check = true;
		} else if (a[0] == '-' || o->trace) {
			fprintf(stderr, "kvreplay: unknown argument '%s'\n", a);
			return -1;
		} else {
			o->trace = a;
		}
	}
	if (!o->trace) {
		fprintf(stderr, "usage: kvreplay [--ram=SIZE] [--every=N] "
				"[--samples=FILE.csv] [--check] "
				"[--emit=FILE.bin] TRACE\n");
		return -1;
	}
	return 0;
}

/* --check: what make test asks of the shipped trace. */
static int check(const struct replay *r, const struct sim *s, unsigned int errs,
		 long long leaked)
{
	const struct replay_stats *st = &r->st;
	int bad = 0;
	unsigned int k;

	for (k = 0; k < NR_TRACE_KINDS; k++) {
		if (st->unmatched[k] != s->unmatched[k]) {
			printf("replay: check failed: %llu unmatched %s, the "
			       "trace itself has %llu\n",
			       (unsigned long long)st->unmatched[k],
			       trace_kind_names[k],
			       (unsigned long long)s->unmatched[k]);
			bad++;
		}
	}
	if (st->could_not_allocate || st->table_full || st->too_many_caches) {
		printf("replay: check failed: could_not_allocate=%llu "
		       "table_full=%llu too_many_caches=%llu\n",
		       (unsigned long long)st->could_not_allocate,
		       (unsigned long long)st->table_full,
		       (unsigned long long)st->too_many_caches);
		bad++;
	}
	if (errs) {
		printf("replay: check failed: the checkers found %u errors\n",
		       errs);
		bad++;
	}
	if (leaked) {
		printf("replay: check failed: %lld pages not back in the buddy "
		       "allocator\n",
		       leaked);
		bad++;
	}
	if (!bad)
		printf("replay: check ok\n");
	return bad ? 1 : 0;
}

int main(int argc, char **argv)
{
	static struct replay r;
	struct trace_data t = { 0 };
	struct options o = { 0 };
	struct sim s = { 0 };
	struct replay_obj *table;
	unsigned long before, after;
	unsigned int errs;
	u64 base, votes, slots = 1024, i;

	if (parse_args(argc, argv, &o))
		return 2;
	if (read_trace(o.trace, &t))
		return 2;
	if (t.nr == 0) {
		fprintf(stderr,
			"kvreplay: %s: no kmem events in %llu lines%s\n",
			o.trace, (unsigned long long)t.lines,
			t.skips[TRACE_SKIP_HASHED] ? " (pointers are hashed: "
						     "capture with "
						     "no_hash_pointers on the "
						     "kernel command line)"
						   : "");
		return 2;
	}
	base = direct_map_base(&t, &votes);
	printf("replay: attribution direct_map_base=%#llx votes=%llu\n",
	       (unsigned long long)base, (unsigned long long)votes);
	attribute(&t, base);
	simulate(&t, &s);
	if (o.emit) {
		int rc = emit(o.emit, &t, s.max_live);

		free(t.recs);
		return rc;
	}

	host_mm_boot(o.ram);
	host_slab_boot();
	while (slots < s.max_live * 2 + 16)
		slots <<= 1;
	table = calloc(slots, sizeof(*table));
	if (!table || replay_init(&r, table, slots)) {
		fprintf(stderr,
			"kvreplay: out of memory for %llu table slots\n",
			(unsigned long long)slots);
		return 2;
	}
	r.print = print_line;
	r.st.lines = t.lines;
	memcpy(r.st.skips, t.skips, sizeof(r.st.skips));
	if (o.samples) {
		samples_file = fopen(o.samples, "w");
		if (!samples_file) {
			fprintf(stderr, "kvreplay: cannot write %s\n",
				o.samples);
			return 2;
		}
		fprintf(samples_file, "event,kv_slab,kv_large,kv_pages,linux_"
				      "objects,linux_pages,linux_slab");
		for (i = 0; i < NR_PAGE_ORDERS; i++)
			fprintf(samples_file, ",unusable%llu",
				(unsigned long long)i);
		fputc('\n', samples_file);
		r.sample = write_sample;
		r.sample_every = o.every ? o.every : 1000;
	}
	kmem_cache_shrink_all();
	before = nr_free_pages();
	for (i = 0; i < t.nr; i++)
		replay_rec(&r, &t.recs[i]);
	errs = replay_finish(&r);
	after = nr_free_pages();
	if (samples_file)
		fclose(samples_file);
	replay_print(&r);
	printf("replay: trace_unmatched kfree=%llu kmem_cache_free=%llu "
	       "mm_page_free=%llu max_live=%llu\n",
	       (unsigned long long)s.unmatched[TRACE_KFREE],
	       (unsigned long long)s.unmatched[TRACE_CACHE_FREE],
	       (unsigned long long)s.unmatched[TRACE_PAGE_FREE],
	       (unsigned long long)s.max_live);
	printf("replay: checkers errors=%u leaked_pages=%lld\n", errs,
	       (long long)before - (long long)after);
	free(table);
	free(t.recs);
	if (o.check)
		return check(&r, &s, errs,
			     (long long)before - (long long)after);
	return errs ? 1 : 0;
}
