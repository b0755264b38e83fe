/*
 * mm/slab_debug.c: slub_debug, the slab allocator's debugging, after
 * Linux's mm/slub.c (Documentation/mm/slub.rst). Per cache, by flag or by
 * slub_debug= on the command line:
 *
 *   F  SLAB_CONSISTENCY_CHECKS  every alloc/free checks the slab and the
 *                               object (belongs here, not already free,
 *                               free pointers inside the slab)
 *   Z  SLAB_RED_ZONE            red zones before and after each object,
 *                               0xbb while free, 0xcc while allocated; the
 *                               unused tail of a kmalloc object too
 *   P  SLAB_POISON              free objects filled with 0x6b...0xa5,
 *                               checked when handed out again
 *   U  SLAB_STORE_USER          the callers of the last alloc and free
 *
 * One object slot with all four (a kmalloc-32 object, kmalloc(18)):
 *
 *   slot start                object (what kmalloc returns)
 *   |                         |
 *   v                         v
 *   +-------------------------+------------------+--------+-------+------+---------------+------+-----+
 *   | left red zone           | 18 bytes in use  | tail   | right | free | track: alloc, | orig | pad |
 *   | red_left_pad bytes      |                  | 18..31 | red   | ptr  | free caller   | size |     |
 *   | bb free / cc allocated  | 6b..6b a5 free   | cc     | zone  |      | (U)           | (18) |     |
 *   +-------------------------+------------------+--------+-------+------+---------------+------+-----+
 *                             |<- object_size (32) ------>|       ^
 *                             |<- inuse (object + right red zone) |
 *                                                                 offset: the free pointer
 *                                                                 is outside the object
 *
 * Without debugging a slot is just the object, with the free pointer in
 * its middle. Debug caches never use the per-CPU fast path: every
 * allocation and free goes through the checks below.
 *
 * A problem found is reported in Linux's shape ("BUG kmalloc-64: Right
 * Redzone overwritten", the bytes, the callers, a hex dump), then
 * repaired ("FIX kmalloc-64: Restoring ...") and counted, so the kernel
 * continues and a test can count the reports. Unlike Linux, an object
 * whose red zone was overwritten is still freed after the repair (Linux
 * leaks it); a double free is refused.
 */
#include <kernel/panic.h>
#include <kernel/printk.h>
#include <lib/errno.h>
#include <lib/printf.h>

#include "slab.h"

#define MAX_SLAB_OBJECTS ((PAGE_SIZE << SLAB_MAX_ORDER) / SLAB_MIN_ALIGN)
#define DUMP_MAX_BYTES	 128 /* of an object, in a report */

unsigned long slab_op_seq; /* counts debug operations: a track's "age" */

/* ---- slub_debug= ----------------------------------------------------------- */

#define SLUB_DEBUG_BLOCKS 4

static struct slub_debug_block {
	unsigned long flags;
	char caches[96]; /* "" = every cache; else a comma list */
} slub_debug_blocks[SLUB_DEBUG_BLOCKS];
static unsigned int nr_slub_debug_blocks;

static unsigned long parse_letters(const char *p, const char *end)
{
	unsigned long flags = 0;

	if (p == end)
		return SLAB_DEBUG_FLAGS; /* "slub_debug" alone: everything */
	for (; p < end; p++) {
		switch (*p) {
		case 'F':
		case 'f':
			flags |= SLAB_CONSISTENCY_CHECKS;
			break;
		case 'Z':
		case 'z':
			flags |= SLAB_RED_ZONE;
			break;
		case 'P':
		case 'p':
			flags |= SLAB_POISON;
			break;
		case 'U':
		case 'u':
			flags |= SLAB_STORE_USER;
			break;
		case '-':
			flags = 0;
			break;
		default:
			pr_warn("slub_debug option '%c' unknown. skipped\n",
				*p);
		}
	}
	return flags;
}

/* One "<letters>[,<cache>...]" block. */
static int parse_block(const char *p, const char *end)
{
	struct slub_debug_block *b;
	const char *comma = memchr(p, ',', (size_t)(end - p));
	size_t len;

	if (nr_slub_debug_blocks == SLUB_DEBUG_BLOCKS)
		return -E2BIG;
	b = &slub_debug_blocks[nr_slub_debug_blocks];
	b->flags = parse_letters(p, comma ? comma : end);
	b->caches[0] = '\0';
	if (comma) {
		len = (size_t)(end - comma - 1);
		if (len >= sizeof(b->caches))
			return -E2BIG;
		memcpy(b->caches, comma + 1, len);
		b->caches[len] = '\0';
	}
	nr_slub_debug_blocks++;
	return 0;
}

/* Linux's syntax: slub_debug[=<letters>[,<cache>...][;<letters>,<cache>...]]. */
int slub_debug_parse(const char *val, char *why, size_t why_size)
{
	const char *p = val ? val : "", *end;

	nr_slub_debug_blocks = 0;
	do {
		end = strchr(p, ';');
		if (!end)
			end = p + strlen(p);
		if (parse_block(p, end)) {
			snprintf(why, why_size,
				 "at most %d blocks of <letters>,<caches> (96 "
				 "characters each)",
				 SLUB_DEBUG_BLOCKS);
			nr_slub_debug_blocks = 0;
			return -EINVAL;
		}
		p = *end ? end + 1 : end;
	} while (*p);
	return 0;
}

/* Does @name match an item of the comma list @list ("kmalloc-*" globs)? */
static bool list_matches(const char *list, const char *name)
{
	const char *p = list, *end;
	size_t len;

	while (*p) {
		end = strchr(p, ',');
		len = end ? (size_t)(end - p) : strlen(p);
		if (len && p[len - 1] == '*') {
			if (!strncmp(p, name, len - 1))
				return true;
		} else if (len == strlen(name) && !strncmp(p, name, len)) {
			return true;
		}
		if (!end)
			break;
		p = end + 1;
	}
	return false;
}

unsigned long slub_debug_flags_for(const char *name)
{
	unsigned long flags = 0;
	unsigned int i;

	for (i = 0; i < nr_slub_debug_blocks; i++) {
		const struct slub_debug_block *b = &slub_debug_blocks[i];

		if (!b->caches[0] || list_matches(b->caches, name))
			flags |= b->flags;
	}
	return flags;
}

const char *slab_debug_state(void)
{
	static char buf[128];
	unsigned long f = 0;
	unsigned int i;

	for (i = 0; i < nr_slub_debug_blocks; i++)
		f |= slub_debug_blocks[i].flags;
	if (!f)
		return ", slub_debug off";
	snprintf(buf, sizeof(buf), ", slub_debug=%s%s%s%s%s%s",
		 f & SLAB_CONSISTENCY_CHECKS ? "F" : "",
		 f & SLAB_RED_ZONE ? "Z" : "", f & SLAB_POISON ? "P" : "",
		 f & SLAB_STORE_USER ? "U" : "",
		 nr_slub_debug_blocks == 1 && slub_debug_blocks[0].caches[0]
			 ? ","
			 : "",
		 nr_slub_debug_blocks == 1 ? slub_debug_blocks[0].caches : "");
	return buf;
}

/* ---- object metadata --------------------------------------------------------- */

static struct slab_track *get_track(const struct kmem_cache *s, const void *obj,
				    enum track_item which)
{
	return (struct slab_track *)((char *)obj + s->track_offset) + which;
}

static void set_track(struct kmem_cache *s, void *obj, enum track_item which,
		      unsigned long ip)
{
	struct slab_track *t;

	if (!(s->flags & SLAB_STORE_USER))
		return;
	t = get_track(s, obj, which);
	t->addr = ip;
	t->seq = ++slab_op_seq;
}

size_t slab_orig_size(const struct kmem_cache *s, const void *obj)
{
	if (!s->orig_size_offset)
		return s->object_size;
	return *(const unsigned long *)((const char *)obj +
					s->orig_size_offset);
}

void slab_set_orig_size(const struct kmem_cache *s, void *obj, size_t size)
{
	if (s->orig_size_offset)
		*(unsigned long *)((char *)obj + s->orig_size_offset) = size;
}

/* ---- reports ------------------------------------------------------------------ */

void slab_bug(struct kmem_cache *s, const char *fmt, ...)
{
	char msg[160];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	report_begin("BUG %s: %s", s->name, msg);
}

void slab_report_end(struct kmem_cache *s)
{
	s->nr_debug_reports++;
	report_end();
}

/* A hex dump, 16 bytes a line, Linux's print_section() manner. */
static void print_section(const char *text, const void *addr, size_t len)
{
	const u8 *p = addr;
	size_t i, j, shown = MIN(len, (size_t)DUMP_MAX_BYTES);
	char hex[16 * 3 + 1], ascii[17];

	for (i = 0; i < shown; i += 16) {
		for (j = 0; j < 16 && i + j < shown; j++) {
			snprintf(hex + j * 3, 4, "%02x ", p[i + j]);
			ascii[j] = is_print((char)p[i + j]) ? (char)p[i + j]
							    : '.';
		}
		hex[j * 3] = '\0';
		ascii[j] = '\0';
		printk(KERN_ERR "%-8s %p: %-48s %s\n", text, (void *)(p + i),
		       hex, ascii);
	}
	if (shown < len)
		printk(KERN_ERR "%-8s ... %zu more bytes\n", text, len - shown);
}

static void print_track(const struct kmem_cache *s, const void *obj,
			enum track_item which)
{
	const struct slab_track *t = get_track(s, obj, which);

	if (!t->addr)
		return;
	printk(KERN_ERR "%s in %pS age=%lu cpu=0 pid=0\n",
	       which == TRACK_ALLOC ? "Allocated" : "Freed", (void *)t->addr,
	       slab_op_seq - t->seq);
}

void slab_print_object(struct kmem_cache *s, struct slab *slab, void *obj)
{
	u8 *p = obj;

	printk(KERN_ERR "Slab %p objects=%u used=%u fp=%p flags=%#lx\n",
	       (void *)slab, slab->objects, slab->inuse, slab->freelist,
	       slab->__page_flags);
	printk(KERN_ERR "Object %p @offset=%lu fp=%p\n", obj,
	       (unsigned long)obj - (unsigned long)slab_address(slab),
	       slab_get_freepointer(s, obj));
	if (s->flags & SLAB_STORE_USER) {
		print_track(s, obj, TRACK_ALLOC);
		print_track(s, obj, TRACK_FREE);
	}
	if (s->flags & SLAB_RED_ZONE)
		print_section("Redzone", p - s->red_left_pad, s->red_left_pad);
	print_section("Object", p, s->object_size);
	if (s->flags & SLAB_RED_ZONE)
		print_section("Redzone", p + s->object_size,
			      s->inuse - s->object_size);
}

/*
 * Check that [start, start + len) of @obj holds @value; if not, report
 * "<what> overwritten" with the damaged range and first wrong byte, dump
 * the object, restore the bytes. Return: true if intact.
 */
static bool check_bytes(struct kmem_cache *s, struct slab *slab, void *obj,
			const char *what, u8 *start, u8 value, size_t len)
{
	u8 *fault = memchr_inv(start, value, len), *end;

	if (!fault)
		return true;
	end = start + len;
	while (end > fault && end[-1] == value)
		end--;
	slab_bug(s, "%s overwritten", what);
	printk(KERN_ERR "INFO: %p-%p @offset=%lu. First byte %#x instead of "
			"%#x\n",
	       (void *)fault, (void *)(end - 1),
	       (unsigned long)fault - (unsigned long)slab_address(slab), *fault,
	       value);
	slab_print_object(s, slab, obj);
	memset(fault, value, (size_t)(end - fault));
	printk(KERN_ERR "FIX %s: Restoring %s %p-%p=%#x\n", s->name, what,
	       (void *)fault, (void *)(end - 1), value);
	slab_report_end(s);
	return false;
}

/*
 * The red zones and poison of @obj, for its state: SLUB_RED_ACTIVE
 * (allocated) or SLUB_RED_INACTIVE (free). Return: true if all intact.
 */
static bool check_object(struct kmem_cache *s, struct slab *slab, void *obj,
			 u8 val)
{
	u8 *p = obj;
	bool ok = true;
	size_t orig;

	if (s->flags & SLAB_RED_ZONE) {
		ok &= check_bytes(s, slab, obj, "Left Redzone",
				  p - s->red_left_pad, val, s->red_left_pad);
		ok &= check_bytes(s, slab, obj, "Right Redzone",
				  p + s->object_size, val,
				  s->inuse - s->object_size);
		orig = slab_orig_size(s, obj);
		if (val == SLUB_RED_ACTIVE && orig < s->object_size)
			ok &= check_bytes(s, slab, obj, "kmalloc Redzone",
					  p + orig, val, s->object_size - orig);
	}
	if ((s->flags & SLAB_POISON) && val == SLUB_RED_INACTIVE) {
		ok &= check_bytes(s, slab, obj, "Poison", p, POISON_FREE,
				  s->object_size - 1);
		ok &= check_bytes(s, slab, obj, "End Poison",
				  p + s->object_size - 1, POISON_END, 1);
	}
	return ok;
}

/* Write the patterns of state @val (see check_object()). */
static void init_object(struct kmem_cache *s, void *obj, u8 val)
{
	u8 *p = obj;

	if (s->flags & SLAB_RED_ZONE) {
		memset(p - s->red_left_pad, val, s->red_left_pad);
		memset(p + s->object_size, val, s->inuse - s->object_size);
	}
	if ((s->flags & SLAB_POISON) && val == SLUB_RED_INACTIVE) {
		memset(p, POISON_FREE, s->object_size - 1);
		p[s->object_size - 1] = POISON_END;
	}
}

/* ---- the hooks mm/slab.c calls ------------------------------------------------ */

void debug_init_slab(struct kmem_cache *s, struct slab *slab)
{
	unsigned int i;
	void *obj;

	memset(slab_address(slab), POISON_INUSE,
	       slab_bytes(slab)); /* padding */
	for (i = 0; i < slab->objects; i++) {
		obj = slab_object(s, slab, i);
		if (s->flags & SLAB_STORE_USER)
			memset(get_track(s, obj, TRACK_ALLOC), 0,
			       2 * sizeof(struct slab_track));
		slab_set_orig_size(s, obj, s->object_size);
		init_object(s, obj, SLUB_RED_INACTIVE);
	}
}

/* Is the free object @obj's next pointer sound? Report it if not. */
static bool check_freepointer(struct kmem_cache *s, struct slab *slab,
			      void *obj)
{
	void *next = slab_get_freepointer(s, obj);

	if (slab_valid_pointer(s, slab, next))
		return true;
	slab_bug(s, "Freepointer corrupt");
	printk(KERN_ERR "INFO: free object %p holds next pointer %p, not an "
			"object of slab %p-%p\n",
	       obj, next, slab_address(slab),
	       (void *)((char *)slab_address(slab) + slab_bytes(slab) - 1));
	slab_print_object(s, slab, obj);
	printk(KERN_ERR "FIX %s: %s\n", s->name,
	       (s->flags & SLAB_RED_ZONE) ? "Rebuilding the freelist from the "
					    "red zones"
					  : "Marking all objects used");
	slab_report_end(s);
	slab_rebuild_freelist(s, slab);
	return false;
}

bool debug_alloc_checks(struct kmem_cache *s, struct slab *slab, void *obj)
{
	if (!slab_valid_pointer(s, slab, obj) || !obj) {
		slab_bug(s, "Freelist Pointer check fails");
		printk(KERN_ERR "INFO: slab %p freelist head %p is not an "
				"object of it\n",
		       slab_address(slab), obj);
		slab_report_end(s);
		slab_rebuild_freelist(s, slab);
		return false;
	}
	if (!check_freepointer(s, slab, obj))
		return false;
	check_object(s, slab, obj, SLUB_RED_INACTIVE);
	return true;
}

void debug_alloc_prepare(struct kmem_cache *s, void *obj, size_t orig_size,
			 unsigned long ip)
{
	u8 *p = obj;

	if (orig_size > s->object_size)
		orig_size = s->object_size;
	slab_set_orig_size(s, obj, orig_size);
	init_object(s, obj, SLUB_RED_ACTIVE);
	if ((s->flags & SLAB_RED_ZONE) && orig_size < s->object_size)
		memset(p + orig_size, SLUB_RED_ACTIVE,
		       s->object_size - orig_size);
	set_track(s, obj, TRACK_ALLOC, ip);
}

/* F: is @obj on @slab's freelist already? */
static bool on_freelist(struct kmem_cache *s, struct slab *slab, void *obj)
{
	void *p = slab->freelist;
	unsigned int n = 0;

	while (p && n <= slab->objects) {
		if (p == obj)
			return true;
		if (!slab_valid_pointer(s, slab, p))
			return false; /* validate reports it */
		p = slab_get_freepointer(s, p);
		n++;
	}
	return false;
}

static void report_already_free(struct kmem_cache *s, struct slab *slab,
				void *obj, unsigned long ip, const char *how)
{
	slab_bug(s, "Object already free");
	printk(KERN_ERR "INFO: Object %p freed again by %pS (%s)\n", obj,
	       (void *)ip, how);
	slab_print_object(s, slab, obj);
	slab_report_end(s);
}

bool debug_free_checks(struct kmem_cache *s, struct slab *slab, void *obj,
		       unsigned long ip)
{
	u8 *p = obj;

	if ((s->flags & SLAB_CONSISTENCY_CHECKS) && on_freelist(s, slab, obj)) {
		report_already_free(s, slab, obj, ip,
				    "found on the slab's freelist");
		return false;
	}
	if ((s->flags & SLAB_RED_ZONE) &&
	    !memchr_inv(p + s->object_size, SLUB_RED_INACTIVE,
			s->inuse - s->object_size) &&
	    !memchr_inv(p - s->red_left_pad, SLUB_RED_INACTIVE,
			s->red_left_pad)) {
		report_already_free(s, slab, obj, ip,
				    "its red zones say it is free");
		return false;
	}
	if (!slab->inuse) {
		report_already_free(s, slab, obj, ip,
				    "the slab has no object in use");
		return false;
	}
	check_object(s, slab, obj, SLUB_RED_ACTIVE);
	return true;
}

void debug_free_prepare(struct kmem_cache *s, void *obj, unsigned long ip)
{
	set_track(s, obj, TRACK_FREE, ip);
	init_object(s, obj, SLUB_RED_INACTIVE);
}

/* ---- repair and validation ---------------------------------------------------- */

void slab_rebuild_freelist(struct kmem_cache *s, struct slab *slab)
{
	void *head = NULL, *obj;
	unsigned int i, nr_free = 0;
	u8 *rz;

	if (s->flags & SLAB_RED_ZONE) {
		for (i = slab->objects; i-- > 0;) {
			obj = slab_object(s, slab, i);
			rz = (u8 *)obj + s->object_size;
			if (*rz != SLUB_RED_INACTIVE)
				continue;
			slab_set_freepointer(s, obj, head);
			head = obj;
			nr_free++;
		}
	}
	slab->freelist = head;
	slab->inuse = slab->objects - nr_free;
	if (slab_on(slab) == SLAB_ON_NONE)
		return; /* the caller decides */
	slab_set_list(s, slab, head ? SLAB_ON_PARTIAL : SLAB_ON_FULL);
}

static unsigned long free_map[MAX_SLAB_OBJECTS / BITS_PER_LONG];

/* Walk a freelist marking free_map; cut it at a bad or repeated pointer. */
static unsigned int walk_freelist(struct kmem_cache *s, struct slab *slab,
				  void **head, unsigned int *nr_free)
{
	void **link = head, *p = *head, *prev = NULL;
	unsigned int n = 0;
	int idx;

	memset(free_map, 0, BITS_TO_LONGS(slab->objects) * sizeof(long));
	while (p) {
		idx = slab_object_index(s, slab, p);
		if (idx < 0 || test_bit((unsigned long)idx, free_map)) {
			slab_bug(s, idx < 0 ? "Freepointer corrupt"
					    : "Freelist cycle");
			printk(KERN_ERR "INFO: slab %p: free object %p links "
					"to %p\n",
			       slab_address(slab), prev, p);
			if (prev)
				slab_print_object(s, slab, prev);
			printk(KERN_ERR "FIX %s: freelist cut after %u "
					"objects\n",
			       s->name, n);
			slab_report_end(s);
			if (prev)
				slab_set_freepointer(s, prev, NULL);
			else
				*link = NULL;
			*nr_free = n;
			return 1;
		}
		__set_bit((unsigned long)idx, free_map);
		n++;
		prev = p;
		p = slab_get_freepointer(s, p);
	}
	*nr_free = n;
	return 0;
}

unsigned int debug_validate_slab(struct kmem_cache *s, struct slab *slab,
				 void **freelist, unsigned int *nr_free)
{
	unsigned int errs = 0, i, before;
	bool cut;
	void *obj;

	if (slab->objects > MAX_SLAB_OBJECTS)
		return 0;
	before = (unsigned int)s->nr_debug_reports;
	cut = walk_freelist(s, slab, freelist, nr_free) != 0;
	if (cut && (s->flags & SLAB_RED_ZONE) && freelist == &slab->freelist) {
		slab_rebuild_freelist(s, slab);
		*nr_free = slab->objects - slab->inuse;
		walk_freelist(s, slab, freelist, nr_free);
	}
	if (s->flags & (SLAB_RED_ZONE | SLAB_POISON)) {
		for (i = 0; i < slab->objects; i++) {
			obj = slab_object(s, slab, i);
			check_object(s, slab, obj,
				     test_bit(i, free_map) ? SLUB_RED_INACTIVE
							   : SLUB_RED_ACTIVE);
		}
	}
	errs = (unsigned int)s->nr_debug_reports - before;
	return errs;
}
