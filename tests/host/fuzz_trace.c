/*
 * tests/host/fuzz_trace.c: libFuzzer target for the kmem trace reader
 * (tests/replay/trace.c).
 *
 * The input is a trace, any bytes. Each line is parsed from an exact-size
 * copy without a NUL (reading one byte too far is a heap overflow), and
 * what comes back must be sane: a known kind, an order of at most 10, a
 * NUL-terminated name; a line that is not an event gives a known reason.
 * Every event is then turned into a replay record, which must keep its
 * kind, order and address.
 */
#include <stdio.h>
#include <stdlib.h>

#include <lib/string.h>

#include "../replay/replay.h"
#include "../replay/trace.h"

int LLVMFuzzerTestOneInput(const u8 *data, size_t size);

static void check_line(const u8 *line, size_t len)
{
	char *copy = malloc(len ? len : 1);
	struct trace_event ev;
	struct replay_rec rec;
	enum trace_skip why;

	if (!copy)
		return;
	memcpy(copy, line, len);
	why = trace_parse_line(copy, len, &ev);
	if (why >= NR_TRACE_SKIPS) {
		fprintf(stderr, "fuzz_trace: reason %d out of range\n", why);
		abort();
	}
	if (why == TRACE_SKIP_NONE) {
		bool page = ev.kind == TRACE_PAGE_ALLOC ||
			    ev.kind == TRACE_PAGE_FREE;

		if (ev.kind >= NR_TRACE_KINDS || ev.order > MAX_PAGE_ORDER ||
		    strnlen(ev.name, TRACE_NAME_LEN) == TRACE_NAME_LEN) {
			fprintf(stderr,
				"fuzz_trace: bad event kind %d order %u\n",
				ev.kind, ev.order);
			abort();
		}
		replay_rec_from_event(&rec, &ev);
		if (rec.kind != ev.kind || rec.order != ev.order ||
		    rec.addr != (page ? ev.pfn : ev.ptr)) {
			fprintf(stderr, "fuzz_trace: the record lost the "
					"event\n");
			abort();
		}
	}
	free(copy);
}

int LLVMFuzzerTestOneInput(const u8 *data, size_t size)
{
	size_t start = 0, i;

	for (i = 0; i <= size; i++) {
		if (i == size || data[i] == '\n') {
			check_line(data + start, i - start);
			start = i + 1;
		}
	}
	return 0;
}
