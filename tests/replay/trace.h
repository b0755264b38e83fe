/*
 * tests/replay/trace.h: a reader for Linux's kmem trace events.
 *
 * Linux records every slab and page allocation through its kmem
 * tracepoints. Enabled (trace-cmd record -e kmem, or the tracing `trace`
 * file with events/kmem enabled, or trace_event=kmem:... on the kernel
 * command line), they print one line per event:
 *
 *   bash-1234 [001] d..1. 12.345678: kmalloc: call_site=f+0x1/0x2
 *       ptr=ffff888004a1c000 bytes_req=100 bytes_alloc=128
 *       gfp_flags=GFP_KERNEL|__GFP_ZERO node=-1 accounted=false
 *
 * trace-cmd report prints the same fields after its own prefix
 * (`bash-1234 [001] 12.345678: kmalloc: ...`). trace_parse_line() finds
 * the event name after the timestamp, whichever prefix it has, and reads
 * the fields by name, so the order of fields and extra fields (node=,
 * accounted=, name=) do not matter.
 *
 * Real traces start in the middle of the kernel's life and lose events when
 * a buffer overflows; the reader therefore never gives up on a line: each
 * one is either an event or a counted reason why not (enum trace_skip).
 *
 * Pure code (lib/ only): the host replay, the fuzz target and the kernel
 * replay share it.
 */
#ifndef KVLAB_TESTS_REPLAY_TRACE_H
#define KVLAB_TESTS_REPLAY_TRACE_H

#include <lib/types.h>
#include <mm/gfp.h>

enum trace_kind {
	TRACE_KMALLOC,	   /* kmalloc: ptr, bytes_req, bytes_alloc, gfp */
	TRACE_KFREE,	   /* kfree: ptr */
	TRACE_CACHE_ALLOC, /* kmem_cache_alloc: the same fields as kmalloc */
	TRACE_CACHE_FREE,  /* kmem_cache_free: ptr (and name=) */
	TRACE_PAGE_ALLOC,  /* mm_page_alloc: pfn, order, gfp */
	TRACE_PAGE_FREE,   /* mm_page_free, mm_page_free_batched: pfn, order */
	NR_TRACE_KINDS
};

/* Why a line is not an event; each is counted, none is fatal. */
enum trace_skip {
	TRACE_SKIP_NONE,
	TRACE_SKIP_COMMENT,	/* '#' header lines, blank lines */
	TRACE_SKIP_OTHER_EVENT, /* a known kmem event replay does not need */
	TRACE_SKIP_UNKNOWN,	/* an event of another subsystem, or unknown */
	TRACE_SKIP_MALFORMED,	/* no event name: garbage or a line cut short */
	TRACE_SKIP_MISSING,	/* a field the event needs is absent or cut */
	TRACE_SKIP_HASHED, /* ptr=(____ptrval____): boot without no_hash_pointers */
	TRACE_SKIP_RANGE, /* a value out of range: order > 10, sizes > 4 GiB */
	NR_TRACE_SKIPS
};

#define TRACE_NAME_LEN 32

struct trace_event {
	enum trace_kind kind;
	u64 ptr;		     /* object address in the traced kernel */
	u64 pfn;		     /* page events */
	u32 bytes_req;		     /* what the caller asked for */
	u32 bytes_alloc;	     /* what Linux gave it */
	unsigned int order;	     /* page events */
	gfp_t gfp;		     /* translated to kvlab's bits */
	unsigned int nr_unknown_gfp; /* flag names kvlab has no bit for */
	char name[TRACE_NAME_LEN];   /* kmem_cache_free's name=, else "" */
};

/*
 * trace_parse_line - read one line of a trace (without its newline).
 * @line: the text, not necessarily NUL-terminated.
 * @len: its length in bytes.
 * @ev: filled in when the line is an event.
 * Context: any; no allocation.
 * Return: TRACE_SKIP_NONE with @ev filled in, or why the line is not one.
 */
enum trace_skip trace_parse_line(const char *line, size_t len,
				 struct trace_event *ev);

/*
 * trace_parse_gfp - translate Linux's printed gfp flags ("GFP_KERNEL|
 * __GFP_ZERO", or a hex value) to kvlab's bits.
 * @text: the flags, up to @len bytes.
 * @len: their length.
 * @nr_unknown: set to the number of names kvlab has no bit for.
 * Context: any.
 * Return: the kvlab gfp_t.
 */
gfp_t trace_parse_gfp(const char *text, size_t len, unsigned int *nr_unknown);

/* The names of the kinds and skip reasons, for the replay's output. */
extern const char *const trace_kind_names[NR_TRACE_KINDS];
extern const char *const trace_skip_names[NR_TRACE_SKIPS];

#endif
