/*
 * include/kernel/exit.h: leaving QEMU through the isa-debug-exit device.
 *
 * Writing c to port 0xf4 makes QEMU exit with status (c << 1) | 1, so the
 * runner sees 33 for pass, 35 for a test failure, 37 for a panic, 39 for
 * "not enough memory" and 41 for "tests= selected no test case" (a typo in
 * a selection must not pass as an empty success). A triple fault (with -no-reboot) exits with 0, which
 * the runner therefore never accepts as success.
 */
#ifndef KVLAB_KERNEL_EXIT_H
#define KVLAB_KERNEL_EXIT_H

#include <lib/compiler.h>

#define DEBUG_EXIT_PORT 0xf4

enum qemu_exit_code {
	EXIT_PASS = 0x10,     /* status 33 */
	EXIT_TESTFAIL = 0x11, /* status 35 */
	EXIT_PANIC = 0x12,    /* status 37, also boot/boot.asm */
	EXIT_NOMEM = 0x13,    /* status 39: too little RAM to boot */
	EXIT_NOTESTS = 0x14,  /* status 41: tests= matched no case */
};

/* qemu_exit - leave QEMU with @code; halts forever without the device. */
__noreturn void qemu_exit(enum qemu_exit_code code);

#endif
