/*
 * include/kernel/crash.h: crashing on purpose (crash= on the command line),
 * so that the test runner can check the oops output (kernel/crash.c).
 */
#ifndef KVLAB_KERNEL_CRASH_H
#define KVLAB_KERNEL_CRASH_H

/*
 * crash_if_requested - fault, BUG or panic as crash= asks; return at once
 * when it asks nothing, and with an error message if the crash did not
 * happen.
 */
void crash_if_requested(void);

#endif
