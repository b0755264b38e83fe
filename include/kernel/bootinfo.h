/*
 * include/kernel/bootinfo.h: what the boot loader told us.
 *
 * kernel_main() receives the loader's magic and the physical address of its
 * information block: multiboot2 from GRUB, multiboot1 from `qemu -kernel`.
 * bootinfo_parse() copies out of it everything kvlab uses (the command
 * line, the loader's name, the memory map) before any memory is reused:
 * `qemu -kernel` puts the block right after the kernel's bss, where early
 * allocations would land.
 *
 * The memory map is then sanitized as Linux's e820__update_table() does:
 * zero-length entries are dropped, entries are cut at 2^52, unknown types
 * count as reserved, overlaps are resolved in favour of the higher type
 * number (so RAM never wins an overlap), and the result is sorted with
 * neighbours of one type merged. Every oddity is reported through the warn
 * callback; none is trusted.
 */
#ifndef KVLAB_KERNEL_BOOTINFO_H
#define KVLAB_KERNEL_BOOTINFO_H

#include <kernel/cmdline.h>
#include <lib/types.h>

#define MB1_BOOTLOADER_MAGIC 0x2badb002
#define MB2_BOOTLOADER_MAGIC 0x36d76289

#define MAX_MEM_REGIONS 256

/* e820 / multiboot memory types. */
enum mem_type {
	MEM_USABLE = 1,
	MEM_RESERVED = 2,
	MEM_ACPI = 3,	  /* ACPI data, reclaimable */
	MEM_NVS = 4,	  /* ACPI NVS */
	MEM_UNUSABLE = 5, /* bad RAM */
};

struct mem_region {
	phys_addr_t start; /* first byte */
	phys_addr_t end;   /* one past the last byte */
	u32 type;	   /* enum mem_type after sanitizing; raw before */
};

/* A multiboot module: a file the loader placed in memory for the kernel. */
#define MAX_BOOT_MODULES 4
struct boot_module {
	phys_addr_t start, end; /* [start, end) */
	char name[64];		/* the loader's string for it */
};

struct boot_info {
	enum { BOOT_MB1 = 1, BOOT_MB2 = 2 } protocol;
	char loader_name[64];
	char cmdline[CMDLINE_MAX];
	bool cmdline_truncated;

	/* The map as the loader gave it (cut at MAX_MEM_REGIONS entries). */
	struct mem_region raw[MAX_MEM_REGIONS];
	size_t nr_raw;
	size_t nr_raw_dropped; /* entries beyond MAX_MEM_REGIONS */

	/* The sanitized map: sorted, disjoint, types 1-5 only. */
	struct mem_region map[MAX_MEM_REGIONS];
	size_t nr_map;

	/* Modules (GRUB's module2, QEMU's -initrd), in the loader's order. */
	struct boot_module modules[MAX_BOOT_MODULES];
	size_t nr_modules;

	/*
	 * multiboot2 tags 14 and 15 carry a copy of the ACPI RSDP (GRUB
	 * passes both under UEFI); kernel/acpi.c checks it. 0 bytes: none.
	 */
	u8 rsdp[36];
	u32 rsdp_len;
	bool rsdp_new; /* from tag 15, the ACPI 2.0+ one */

	unsigned int nr_warnings;	  /* oddities reported while parsing */
	phys_addr_t info_start, info_end; /* the loader's block, [start, end) */
};

/* How the parser reads physical memory: a pointer to [pa, pa + len), or NULL. */
struct phys_reader {
	const void *(*map)(void *ctx, phys_addr_t pa, size_t len);
	void *ctx;
};

/*
 * bootinfo_parse - fill @bi from the loader's block at @info_pa.
 * @warn: told about every oddity (may be NULL).
 * Return: 0, or -EINVAL for an unknown @magic or an unreadable block (then
 * @bi holds what could be read).
 */
int bootinfo_parse(u32 magic, phys_addr_t info_pa, const struct phys_reader *rd,
		   void (*warn)(const char *msg), struct boot_info *bi);

/*
 * memmap_sanitize - turn @nr_in raw entries into a sorted, disjoint map
 * (see the header comment). @out has room for MAX_MEM_REGIONS entries.
 * Return: the number of entries in @out.
 */
size_t memmap_sanitize(const struct mem_region *in, size_t nr_in,
		       struct mem_region *out, void (*warn)(const char *msg),
		       unsigned int *nr_warnings);

/* mem_type_name - Linux's e820 names: "usable", "reserved", "ACPI data"... */
const char *mem_type_name(u32 type);

/* The parsed boot information (kernel only). */
extern struct boot_info boot_info;

/* bootinfo_init - parse the loader's block into boot_info. */
int bootinfo_init(u32 magic, phys_addr_t info_pa);

/*
 * bootinfo_print_warnings - print what bootinfo_init() found odd (a cut
 * command line, an unknown memory type). bootinfo_init() holds its
 * warnings so that they come after the banner.
 */
void bootinfo_print_warnings(void);

/* memmap_print - the map as Linux prints it ("BIOS-e820: [mem ...] usable"). */
void memmap_print(void);

#endif
