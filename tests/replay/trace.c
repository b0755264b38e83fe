/*
 * tests/replay/trace.c: read Linux's kmem trace events (trace.h).
 *
 * A line is read in three steps:
 *   1. skip '#' comments and blank lines;
 *   2. find the timestamp ("12.345678:"), then the event name after it
 *      ("kmalloc:"): whatever stands before the timestamp (task, pid, CPU,
 *      the latency flags of the `trace` file) is not needed;
 *   3. read the named fields the event needs ("ptr=", "bytes_req=", ...)
 *      from the space-separated key=value words after the name.
 */
#include <lib/compiler.h>
#include <lib/string.h>

#include "trace.h"

const char *const trace_kind_names[NR_TRACE_KINDS] = {
	[TRACE_KMALLOC] = "kmalloc",
	[TRACE_KFREE] = "kfree",
	[TRACE_CACHE_ALLOC] = "kmem_cache_alloc",
	[TRACE_CACHE_FREE] = "kmem_cache_free",
	[TRACE_PAGE_ALLOC] = "mm_page_alloc",
	[TRACE_PAGE_FREE] = "mm_page_free",
};

const char *const trace_skip_names[NR_TRACE_SKIPS] = {
	[TRACE_SKIP_NONE] = "event",
	[TRACE_SKIP_COMMENT] = "comment",
	[TRACE_SKIP_OTHER_EVENT] = "other_kmem_event",
	[TRACE_SKIP_UNKNOWN] = "unknown_event",
	[TRACE_SKIP_MALFORMED] = "malformed_line",
	[TRACE_SKIP_MISSING] = "missing_field",
	[TRACE_SKIP_HASHED] = "hashed_pointer",
	[TRACE_SKIP_RANGE] = "out_of_range",
};

/* The events replay reads, by the names Linux has printed them under. */
static const struct {
	const char *name;
	enum trace_kind kind;
} event_names[] = {
	{ "kmalloc", TRACE_KMALLOC },
	{ "kmalloc_node", TRACE_KMALLOC }, /* before 6.1 */
	{ "kfree", TRACE_KFREE },
	{ "kmem_cache_alloc", TRACE_CACHE_ALLOC },
	{ "kmem_cache_alloc_node", TRACE_CACHE_ALLOC }, /* before 6.1 */
	{ "kmem_cache_alloc_lru", TRACE_CACHE_ALLOC },
	{ "kmem_cache_free", TRACE_CACHE_FREE },
	{ "mm_page_alloc", TRACE_PAGE_ALLOC },
	{ "mm_page_free", TRACE_PAGE_FREE },
};

/*
 * kmem events that say nothing replay needs: the page allocator's
 * internals (a zone lock taken, a pcp list drained, a fallback between
 * migrate types; mm_page_free_batched, whose pages Linux 6.1 has already
 * traced once with mm_page_free in free_pages_prepare()), RSS counters, and the vmap area events of kernels after
 * 6.1 (they give areas, not the pages vmalloc maps into them).
 */
static const char *const other_kmem_events[] = {
	"mm_page_alloc_zone_locked",
	"mm_page_pcpu_drain",
	"mm_page_free_batched",
	"mm_page_alloc_extfrag",
	"rss_stat",
	"mm_alloc_contig_migrate_range_info",
	"alloc_vmap_area",
	"purge_vmap_area_lazy",
	"free_vmap_area_noflush",
};

/* Linux's flag names (include/trace/events/mmflags.h) in kvlab's bits. */
static const struct {
	const char *name;
	gfp_t gfp;
} gfp_names[] = {
	{ "GFP_TRANSHUGE",
	  GFP_USER | __GFP_COMP | __GFP_NOMEMALLOC | __GFP_NOWARN },
	{ "GFP_TRANSHUGE_LIGHT", __GFP_IO | __GFP_FS | __GFP_HARDWALL |
					 __GFP_COMP | __GFP_NOMEMALLOC |
					 __GFP_NOWARN },
	{ "GFP_HIGHUSER_MOVABLE", GFP_USER | __GFP_MOVABLE },
	{ "GFP_HIGHUSER", GFP_USER },
	{ "GFP_USER", GFP_USER },
	{ "GFP_KERNEL_ACCOUNT", GFP_KERNEL | __GFP_ACCOUNT },
	{ "GFP_KERNEL", GFP_KERNEL },
	{ "GFP_NOFS", GFP_NOFS },
	{ "GFP_ATOMIC", GFP_ATOMIC },
	{ "GFP_NOIO", GFP_NOIO },
	{ "GFP_NOWAIT", GFP_NOWAIT },
	{ "GFP_DMA", GFP_DMA },
	{ "GFP_DMA32", GFP_DMA32 },
	{ "__GFP_HIGHMEM", 0 }, /* no highmem on x86_64 */
	{ "__GFP_DMA", __GFP_DMA },
	{ "__GFP_DMA32", __GFP_DMA32 },
	{ "__GFP_HIGH", __GFP_HIGH },
	{ "__GFP_ATOMIC", __GFP_ATOMIC },
	{ "__GFP_IO", __GFP_IO },
	{ "__GFP_FS", __GFP_FS },
	{ "__GFP_NOWARN", __GFP_NOWARN },
	{ "__GFP_RETRY_MAYFAIL", __GFP_RETRY_MAYFAIL },
	{ "__GFP_NOFAIL", __GFP_NOFAIL },
	{ "__GFP_NORETRY", __GFP_NORETRY },
	{ "__GFP_COMP", __GFP_COMP },
	{ "__GFP_ZERO", __GFP_ZERO },
	{ "__GFP_NOMEMALLOC", __GFP_NOMEMALLOC },
	{ "__GFP_MEMALLOC", __GFP_MEMALLOC },
	{ "__GFP_HARDWALL", __GFP_HARDWALL },
	{ "__GFP_THISNODE", __GFP_THISNODE },
	{ "__GFP_RECLAIMABLE", __GFP_RECLAIMABLE },
	{ "__GFP_MOVABLE", __GFP_MOVABLE },
	{ "__GFP_ACCOUNT", __GFP_ACCOUNT },
	{ "__GFP_WRITE", __GFP_WRITE },
	{ "__GFP_RECLAIM", __GFP_RECLAIM },
	{ "__GFP_DIRECT_RECLAIM", __GFP_DIRECT_RECLAIM },
	{ "__GFP_KSWAPD_RECLAIM", __GFP_KSWAPD_RECLAIM },
	{ "none", 0 },
};

static bool word_is(const char *s, size_t len, const char *name)
{
	return strlen(name) == len && memcmp(s, name, len) == 0;
}

gfp_t trace_parse_gfp(const char *text, size_t len, unsigned int *nr_unknown)
{
	gfp_t gfp = 0;
	size_t i = 0;

	*nr_unknown = 0;
	while (i < len) {
		size_t end = i, k;
		bool known = false;

		while (end < len && text[end] != '|')
			end++;
		for (k = 0; k < ARRAY_SIZE(gfp_names); k++) {
			if (word_is(text + i, end - i, gfp_names[k].name)) {
				gfp |= gfp_names[k].gfp;
				known = true;
				break;
			}
		}
		if (!known && end > i)
			(*nr_unknown)++; /* a newer flag, or bits shown in hex */
		i = end + 1;
	}
	return gfp;
}

/* Is [s, s + len) a timestamp: digits '.' digits? */
static bool is_timestamp(const char *s, size_t len)
{
	size_t i = 0, dots = 0, digits = 0;

	for (; i < len; i++) {
		if (s[i] == '.')
			dots++;
		else if (is_digit(s[i]))
			digits++;
		else
			return false;
	}
	return dots == 1 && digits >= 2;
}

/*
 * find_event - the event name after the timestamp: sets *name and
 * *name_len, and returns where the fields start, or NULL.
 */
static const char *find_event(const char *line, const char *end,
			      const char **name, size_t *name_len)
{
	const char *p = line;

	while (p < end) {
		const char *word = p, *colon;

		while (p < end && *p != ' ')
			p++;
		/* A word ending in ':' whose text is a timestamp. */
		colon = p - 1;
		if (p - word >= 2 && *colon == ':' &&
		    is_timestamp(word, colon - word)) {
			while (p < end && *p == ' ')
				p++;
			word = p;
			while (p < end && *p != ':' && *p != ' ')
				p++;
			if (p == end || *p != ':' || p == word)
				return NULL;
			*name = word;
			*name_len = p - word;
			return p + 1;
		}
		while (p < end && *p == ' ')
			p++;
	}
	return NULL;
}

/* field - the value of "key=" among the fields, or NULL; sets *len. */
static const char *field(const char *fields, const char *end, const char *key,
			 size_t *len)
{
	size_t key_len = strlen(key);
	const char *p = fields;

	while (p < end) {
		const char *word;

		while (p < end && *p == ' ')
			p++;
		word = p;
		while (p < end && *p != ' ')
			p++;
		if ((size_t)(p - word) > key_len &&
		    memcmp(word, key, key_len) == 0 && word[key_len] == '=') {
			*len = p - word - key_len - 1;
			return word + key_len + 1;
		}
	}
	return NULL;
}

/* number - read "key=" as an unsigned number in @base (0: 0x means hex). */
static enum trace_skip number(const char *fields, const char *end,
			      const char *key, unsigned int base, u64 max,
			      u64 *out)
{
	char buf[24];
	unsigned long long v;
	const char *s;
	size_t len;

	s = field(fields, end, key, &len);
	if (!s || len == 0)
		return TRACE_SKIP_MISSING;
	if (s[0] == '(')
		return TRACE_SKIP_HASHED; /* (____ptrval____), (null) */
	if (len >= sizeof(buf))
		return TRACE_SKIP_RANGE;
	memcpy(buf, s, len);
	buf[len] = '\0';
	if (base == 16 && len > 2 && buf[0] == '0' &&
	    (buf[1] == 'x' || buf[1] == 'X'))
		memmove(buf, buf + 2, len - 1);
	if (kstrtoull(buf, base, &v))
		return is_digit(buf[0]) ? TRACE_SKIP_RANGE : TRACE_SKIP_MISSING;
	if (v > max)
		return TRACE_SKIP_RANGE;
	*out = v;
	return TRACE_SKIP_NONE;
}

#define U32_LIMIT 0xffffffffULL

static enum trace_skip read_object(const char *f, const char *end,
				   struct trace_event *ev, bool alloc)
{
	enum trace_skip r;
	u64 req, got;

	r = number(f, end, "ptr", 16, ~0ULL, &ev->ptr);
	if (r || !alloc)
		return r;
	r = number(f, end, "bytes_req", 10, U32_LIMIT, &req);
	if (!r)
		r = number(f, end, "bytes_alloc", 10, U32_LIMIT, &got);
	if (r)
		return r;
	ev->bytes_req = req;
	ev->bytes_alloc = got;
	return TRACE_SKIP_NONE;
}

static enum trace_skip read_page(const char *f, const char *end,
				 struct trace_event *ev)
{
	enum trace_skip r;
	u64 order = 0;

	r = number(f, end, "pfn", 0, ~0ULL >> 12, &ev->pfn);
	if (!r)
		r = number(f, end, "order", 10, ~0ULL, &order);
	if (r)
		return r;
	if (order > MAX_PAGE_ORDER)
		return TRACE_SKIP_RANGE;
	ev->order = order;
	return TRACE_SKIP_NONE;
}

static void read_gfp(const char *f, const char *end, struct trace_event *ev)
{
	size_t len;
	const char *s = field(f, end, "gfp_flags", &len);

	if (s)
		ev->gfp = trace_parse_gfp(s, len, &ev->nr_unknown_gfp);
	else
		ev->gfp = GFP_KERNEL; /* older traces: the common case */
}

static void read_name(const char *f, const char *end, struct trace_event *ev)
{
	size_t len;
	const char *s = field(f, end, "name", &len);

	if (!s)
		return;
	if (len >= TRACE_NAME_LEN)
		len = TRACE_NAME_LEN - 1;
	memcpy(ev->name, s, len);
	ev->name[len] = '\0';
}

static enum trace_skip classify(const char *name, size_t len,
				enum trace_kind *kind)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(event_names); i++) {
		if (word_is(name, len, event_names[i].name)) {
			*kind = event_names[i].kind;
			return TRACE_SKIP_NONE;
		}
	}
	for (i = 0; i < ARRAY_SIZE(other_kmem_events); i++)
		if (word_is(name, len, other_kmem_events[i]))
			return TRACE_SKIP_OTHER_EVENT;
	return TRACE_SKIP_UNKNOWN;
}

enum trace_skip trace_parse_line(const char *line, size_t len,
				 struct trace_event *ev)
{
	const char *end = line + len, *name, *f;
	enum trace_skip r;
	size_t name_len;

	while (end > line &&
	       (end[-1] == '\r' || end[-1] == '\n' || end[-1] == ' '))
		end--;
	while (line < end && (*line == ' ' || *line == '\t'))
		line++;
	if (line == end || *line == '#')
		return TRACE_SKIP_COMMENT;
	f = find_event(line, end, &name, &name_len);
	if (!f)
		return TRACE_SKIP_MALFORMED;
	memset(ev, 0, sizeof(*ev));
	r = classify(name, name_len, &ev->kind);
	if (r)
		return r;
	switch (ev->kind) {
	case TRACE_KMALLOC:
	case TRACE_CACHE_ALLOC:
		r = read_object(f, end, ev, true);
		read_gfp(f, end, ev);
		break;
	case TRACE_KFREE:
	case TRACE_CACHE_FREE:
		r = read_object(f, end, ev, false);
		read_name(f, end, ev);
		break;
	case TRACE_PAGE_ALLOC:
		r = read_page(f, end, ev);
		read_gfp(f, end, ev);
		break;
	case TRACE_PAGE_FREE:
		r = read_page(f, end, ev);
		break;
	default:
		r = TRACE_SKIP_UNKNOWN;
	}
	return r;
}
