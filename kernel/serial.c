/*
 * kernel/serial.c: a polled driver for the 16550 UART at COM1.
 *
 * Interrupts stay off in kvlab, so both directions poll the line status
 * register: transmit waits for THRE (holding register empty), receive
 * checks DR (data ready).
 */
#include <arch/x86.h>
#include <kernel/serial.h>

#define COM1	  0x3f8
#define UART_DATA 0    /* RBR/THR; divisor low with DLAB */
#define UART_IER  1    /* interrupt enable; divisor high with DLAB */
#define UART_FCR  2    /* FIFO control */
#define UART_LCR  3    /* line control */
#define UART_MCR  4    /* modem control */
#define UART_LSR  5    /* line status */
#define LSR_DR	  0x01 /* a received byte is waiting */
#define LSR_THRE  0x20 /* transmit holding register empty */
#define LCR_DLAB  0x80
#define LCR_8N1	  0x03

void serial_init(void)
{
	outb(COM1 + UART_IER, 0x00);
	outb(COM1 + UART_LCR, LCR_DLAB);
	outb(COM1 + UART_DATA, 1); /* divisor 1: 115200 baud */
	outb(COM1 + UART_IER, 0);
	outb(COM1 + UART_LCR, LCR_8N1);
	outb(COM1 + UART_FCR, 0xc7); /* FIFO on, clear both, 14-byte level */
	outb(COM1 + UART_MCR, 0x03); /* DTR, RTS */
}

void serial_putc(char c)
{
	while (!(inb(COM1 + UART_LSR) & LSR_THRE))
		cpu_relax();
	outb(COM1 + UART_DATA, (u8)c);
}

void serial_write(const char *s, size_t n)
{
	for (; n; n--, s++) {
		if (*s == '\n')
			serial_putc('\r');
		serial_putc(*s);
	}
}

int serial_getc(void)
{
	if (!(inb(COM1 + UART_LSR) & LSR_DR))
		return -1;
	return inb(COM1 + UART_DATA);
}
