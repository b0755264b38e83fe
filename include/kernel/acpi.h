/*
 * include/kernel/acpi.h: find the CPUs in the ACPI tables.
 *
 * The firmware describes the machine in ACPI tables (ACPI specification
 * 6.5, chapter 5.2). kvlab reads only what it needs to bring up the CPUs:
 *
 *   RSDP ("RSD PTR ", found by the boot loader or by scanning the BIOS
 *     |   area) -> the RSDT (32-bit pointers) or, from revision 2, the
 *     v       XSDT (64-bit pointers): a list of tables
 *   MADT (signature "APIC"): the local APIC address and one entry per
 *        CPU: type 0 (processor local APIC, 8-bit ID) or type 9
 *        (processor local x2APIC, 32-bit ID), each with the flags
 *        Enabled (bit 0) and Online Capable (bit 1, ACPI 6.3).
 *
 * Every table carries a checksum (its bytes sum to 0 mod 256); one that
 * does not add up is reported and not used. A CPU entry that is neither
 * enabled nor online-capable is a disabled CPU; an online-capable one may
 * be hot-added later, so it is counted but not started (as Linux does).
 * More CPUs than CONFIG_NR_CPUS: the rest are reported and ignored.
 *
 * Pure code: physical memory is read through a struct phys_reader
 * (include/kernel/bootinfo.h), so tests/host can feed it any bytes
 * (test_acpi.c, fuzz_acpi).
 */
#ifndef KVLAB_KERNEL_ACPI_H
#define KVLAB_KERNEL_ACPI_H

#include <kernel/bootinfo.h>
#include <kernel/threads.h>
#include <lib/types.h>

#define ACPI_RSDP_V1_LEN 20
#define ACPI_RSDP_V2_LEN 36
#define ACPI_HEADER_LEN	 36
#define ACPI_TABLE_MAX	 (256u << 10) /* refuse larger tables */
#define ACPI_MAX_TABLES	 64	      /* RSDT/XSDT entries looked at */

/* Where kvlab's scan looks for the RSDP (ACPI 6.5, 5.2.5.1). */
#define ACPI_EBDA_PTR	0x40e /* BIOS data area: EBDA segment */
#define ACPI_BIOS_START 0xe0000
#define ACPI_BIOS_END	0x100000

/* The MADT's CPU entry flags. */
#define ACPI_MADT_ENABLED	 (1u << 0)
#define ACPI_MADT_ONLINE_CAPABLE (1u << 1)

struct acpi_cpu {
	u32 apic_id; /* the local APIC (or x2APIC) ID */
	u32 uid;     /* the ACPI processor UID */
	bool x2apic; /* from a type 9 entry */
};

struct acpi_info {
	phys_addr_t rsdp_pa; /* where the scan found it; 0: the loader's copy */
	u8 revision;	     /* RSDP revision: 0 = ACPI 1.0, 2 = 2.0+ */
	char oem_id[7];
	bool used_xsdt;
	phys_addr_t root_pa; /* the RSDT or XSDT */
	phys_addr_t madt_pa; /* 0: none found */
	u64 lapic_addr;	     /* after any type 5 override */
	u32 madt_flags;	     /* bit 0: PC/AT dual 8259 PICs present */

	struct acpi_cpu cpus[CONFIG_NR_CPUS]; /* enabled CPUs, table order */
	unsigned int nr_cpus;
	unsigned int nr_hotplug;  /* online-capable, not enabled */
	unsigned int nr_disabled; /* neither */
	unsigned int nr_ignored;  /* enabled, beyond CONFIG_NR_CPUS */
	unsigned int nr_ioapics;
	unsigned int nr_warnings; /* oddities reported */
};

/* acpi_checksum_ok - do the @len bytes at @p sum to 0 (mod 256)? */
bool acpi_checksum_ok(const void *p, size_t len);

/*
 * acpi_rsdp_valid - is [@p, @p + @len) an RSDP: the signature, the
 * ACPI 1.0 checksum over 20 bytes and, for revision 2 and later, the
 * length field and the extended checksum over that length?
 */
bool acpi_rsdp_valid(const u8 *p, size_t len);

/*
 * acpi_find_rsdp - scan for the RSDP where legacy BIOS firmware puts it:
 * the first KiB of the EBDA (its segment at 0x40e), then 0xe0000-0xfffff,
 * on 16-byte boundaries. Return: its physical address, or 0.
 */
phys_addr_t acpi_find_rsdp(const struct phys_reader *rd);

/*
 * acpi_parse - from the RSDP at @rsdp (@len bytes, a copy or mapped),
 * follow the XSDT (revision 2+, when its pointer is set and the table
 * checks out) or else the RSDT to the MADT, and fill @ai with its CPUs.
 * @ai->rsdp_pa is left as the caller set it. @warn hears every oddity.
 * Return: 0 when a MADT was read (even one listing no usable CPU),
 * -EINVAL for a bad RSDP or root table, -ENOENT when there is no MADT.
 */
int acpi_parse(const struct phys_reader *rd, const u8 *rsdp, size_t len,
	       void (*warn)(const char *msg), struct acpi_info *ai);

/* The kernel's result (kernel only). */
extern struct acpi_info acpi_info;

/*
 * acpi_init - find the RSDP (the loader's copy, else the scan) and parse
 * the tables into acpi_info, printing what Linux prints. Runs before
 * paging_init(), while boot.asm's map of the first 4 GiB is up.
 * Return: 0, or the error of acpi_parse() (-ENODEV: no RSDP at all).
 */
int acpi_init(void);

#endif
