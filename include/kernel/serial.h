/* include/kernel/serial.h: the 16550 UART on COM1, polled (no interrupts). */
#ifndef KVLAB_KERNEL_SERIAL_H
#define KVLAB_KERNEL_SERIAL_H

#include <lib/types.h>

void serial_init(void);
void serial_putc(char c);
/* serial_write - write @n bytes, turning "\n" into "\r\n". */
void serial_write(const char *s, size_t n);
/* serial_getc - one received byte, or -1 when none is waiting. */
int serial_getc(void);

#endif
