/*
 * include/mm/mmdebug.h: VM_BUG_ON and VM_WARN_ON, local assertions of mm/.
 *
 * An allocator's checker (buddy_check, slab_check, vmap_area_check) finds a
 * broken invariant after the fact: at the end of a test case or when the
 * monitor asks. A VM_BUG_ON states a precondition at the line that relies on
 * it, so a student's mistake (a block freed at a misaligned pfn, a slab
 * moved to the list it is already on) stops where it was made, with the
 * condition, the file and the line, as Linux's CONFIG_DEBUG_VM does.
 *
 * KVLAB_DEBUG_VM switches them: 1 (the default) in the test kernels and the
 * host builds, 0 in the benchmark kernel (`make bench` builds it with
 * DEBUG_VM=0), so the figures measure the allocator and not its assertions.
 * Either way the condition is compiled (the project habit: `if (debug)`, not
 * `#ifdef`), so both builds keep type-checking it.
 *
 * These are for the allocator's own preconditions. Misuse by a caller (a
 * double free, a foreign pointer) is not a VM_BUG_ON: it is a report
 * (include/kernel/panic.h), which tests can count.
 */
#ifndef KVLAB_MM_MMDEBUG_H
#define KVLAB_MM_MMDEBUG_H

#include <kernel/panic.h>
#include <lib/compiler.h>
#include <mm/debug_page.h>

#ifndef KVLAB_DEBUG_VM
#define KVLAB_DEBUG_VM 1
#endif

/* VM_BUG_ON - stop the kernel if @cond holds (DEBUG_VM builds only). */
#define VM_BUG_ON(cond)                                          \
	do {                                                     \
		if (KVLAB_DEBUG_VM && unlikely(cond))            \
			bug_at(__FILE__, __LINE__, #cond, NULL); \
	} while (0)

/* VM_BUG_ON_MSG - VM_BUG_ON that prints the values involved. */
#define VM_BUG_ON_MSG(cond, fmt, ...)                                          \
	do {                                                                   \
		if (KVLAB_DEBUG_VM && unlikely(cond))                          \
			bug_at(__FILE__, __LINE__, #cond, fmt, ##__VA_ARGS__); \
	} while (0)

/* VM_BUG_ON_PAGE - VM_BUG_ON that first prints what @page says. */
#define VM_BUG_ON_PAGE(cond, page)                                    \
	do {                                                          \
		if (KVLAB_DEBUG_VM && unlikely(cond)) {               \
			dump_page(page, "VM_BUG_ON_PAGE(" #cond ")"); \
			bug_at(__FILE__, __LINE__, #cond, NULL);      \
		}                                                     \
	} while (0)

/*
 * VM_WARN_ON - warn (and count the warning, so a test fails) if @cond
 * holds; evaluates to whether it did. Always false without DEBUG_VM.
 */
#define VM_WARN_ON(cond) (KVLAB_DEBUG_VM && WARN_ON(cond))

#endif
