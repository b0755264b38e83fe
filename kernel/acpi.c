/*
 * kernel/acpi.c: the RSDP, the RSDT/XSDT and the MADT (see
 * include/kernel/acpi.h).
 *
 * Pure code down to the kernel's part at the end: every byte of the
 * tables is read through the phys_reader, copied out with memcpy (the
 * tables are not aligned), and checked against the lengths it claims
 * before use, so tests/host can fuzz it with any bytes.
 */
#include <kernel/acpi.h>
#include <lib/compiler.h>
#include <lib/errno.h>
#include <lib/printf.h>
#include <lib/string.h>

/* MADT entry types (ACPI 6.5, 5.2.12). */
#define MADT_LOCAL_APIC	    0
#define MADT_IO_APIC	    1
#define MADT_LAPIC_OVERRIDE 5
#define MADT_LOCAL_X2APIC   9
#define MADT_HEADER_LEN	    (ACPI_HEADER_LEN + 8) /* + address, flags */

static void warnf(struct acpi_info *ai, void (*warn)(const char *),
		  const char *fmt, ...) __printf(3, 4);
static void warnf(struct acpi_info *ai, void (*warn)(const char *),
		  const char *fmt, ...)
{
	char msg[200];
	va_list ap;

	ai->nr_warnings++;
	if (!warn)
		return;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	warn(msg);
}

static u32 get32(const u8 *p)
{
	u32 v;

	memcpy(&v, p, 4);
	return v;
}

static u64 get64(const u8 *p)
{
	u64 v;

	memcpy(&v, p, 8);
	return v;
}

bool acpi_checksum_ok(const void *p, size_t len)
{
	const u8 *b = p;
	u8 sum = 0;

	while (len--)
		sum += *b++;
	return sum == 0;
}

bool acpi_rsdp_valid(const u8 *p, size_t len)
{
	u32 length;

	if (len < ACPI_RSDP_V1_LEN || memcmp(p, "RSD PTR ", 8) ||
	    !acpi_checksum_ok(p, ACPI_RSDP_V1_LEN))
		return false;
	if (p[15] < 2)
		return true;
	/* ACPI 2.0+: a length (at least 36) and an extended checksum. */
	if (len < ACPI_RSDP_V2_LEN)
		return false;
	length = get32(p + 20);
	return length >= ACPI_RSDP_V2_LEN && length <= len &&
	       acpi_checksum_ok(p, length);
}

static phys_addr_t scan_range(const struct phys_reader *rd, phys_addr_t start,
			      phys_addr_t end)
{
	const u8 *area = rd->map(rd->ctx, start, end - start);
	phys_addr_t off;

	if (!area)
		return 0;
	for (off = 0; off + ACPI_RSDP_V1_LEN <= end - start; off += 16) {
		size_t room = (size_t)(end - start - off);

		if (acpi_rsdp_valid(area + off,
				    MIN(room, (size_t)ACPI_RSDP_V2_LEN)))
			return start + off;
	}
	return 0;
}

phys_addr_t acpi_find_rsdp(const struct phys_reader *rd)
{
	const u8 *bda = rd->map(rd->ctx, ACPI_EBDA_PTR, 2);
	phys_addr_t ebda = 0, pa;
	u16 seg;

	if (bda) {
		memcpy(&seg, bda, 2);
		ebda = (phys_addr_t)seg << 4;
	}
	/* Only an EBDA where one can be: in the low 640 KiB, above the BDA. */
	if (ebda >= 0x500 && ebda + 1024 <= 0xa0000) {
		pa = scan_range(rd, ebda, ebda + 1024);
		if (pa)
			return pa;
	}
	return scan_range(rd, ACPI_BIOS_START, ACPI_BIOS_END);
}

/*
 * Map a whole table at @pa whose signature should be @sig (NULL: any):
 * the header first, for the length, then everything, checksummed.
 */
static const u8 *map_table(const struct phys_reader *rd, phys_addr_t pa,
			   const char *sig, struct acpi_info *ai,
			   void (*warn)(const char *), u32 *len_out)
{
	const u8 *hdr;
	u32 len;

	hdr = rd->map(rd->ctx, pa, ACPI_HEADER_LEN);
	if (!hdr) {
		warnf(ai, warn, "ACPI: table at %#llx cannot be read",
		      (unsigned long long)pa);
		return NULL;
	}
	if (sig && memcmp(hdr, sig, 4)) {
		warnf(ai, warn, "ACPI: table at %#llx is not the %s",
		      (unsigned long long)pa, sig);
		return NULL;
	}
	len = get32(hdr + 4);
	if (len < ACPI_HEADER_LEN || len > ACPI_TABLE_MAX) {
		warnf(ai, warn, "ACPI: table %.4s at %#llx has a bad length %u",
		      (const char *)hdr, (unsigned long long)pa, len);
		return NULL;
	}
	hdr = rd->map(rd->ctx, pa, len);
	if (!hdr) {
		warnf(ai, warn,
		      "ACPI: table at %#llx (%u bytes) cannot be read",
		      (unsigned long long)pa, len);
		return NULL;
	}
	if (!acpi_checksum_ok(hdr, len)) {
		warnf(ai, warn,
		      "ACPI: table %.4s at %#llx has a bad checksum; ignored",
		      (const char *)hdr, (unsigned long long)pa);
		return NULL;
	}
	*len_out = len;
	return hdr;
}

static void add_cpu(struct acpi_info *ai, void (*warn)(const char *),
		    u32 apic_id, u32 uid, u32 flags, bool x2apic)
{
	unsigned int i;

	if (!(flags & ACPI_MADT_ENABLED)) {
		if (flags & ACPI_MADT_ONLINE_CAPABLE)
			ai->nr_hotplug++;
		else
			ai->nr_disabled++;
		return;
	}
	if ((!x2apic && apic_id == 0xff) || apic_id == 0xffffffffu) {
		warnf(ai, warn,
		      "ACPI: CPU with the invalid APIC ID %#x ignored",
		      apic_id);
		return;
	}
	for (i = 0; i < ai->nr_cpus; i++) {
		if (ai->cpus[i].apic_id == apic_id) {
			warnf(ai, warn,
			      "ACPI: APIC ID %#x listed twice; the second "
			      "ignored",
			      apic_id);
			return;
		}
	}
	if (ai->nr_cpus == CONFIG_NR_CPUS) {
		/* Linux's words: "APIC: NR_CPUS/possible_cpus limit of ..." */
		warnf(ai, warn,
		      "APIC: NR_CPUS/possible_cpus limit of %d reached. "
		      "Processor %u/%#x ignored.",
		      CONFIG_NR_CPUS, ai->nr_cpus + ai->nr_ignored, apic_id);
		ai->nr_ignored++;
		return;
	}
	ai->cpus[ai->nr_cpus++] = (struct acpi_cpu){ apic_id, uid, x2apic };
}

static void parse_madt(const u8 *madt, u32 len, struct acpi_info *ai,
		       void (*warn)(const char *))
{
	u32 off = MADT_HEADER_LEN;

	if (len < MADT_HEADER_LEN) {
		warnf(ai, warn, "ACPI: MADT too short (%u bytes)", len);
		return;
	}
	ai->lapic_addr = get32(madt + ACPI_HEADER_LEN);
	ai->madt_flags = get32(madt + ACPI_HEADER_LEN + 4);
	while (off + 2 <= len) {
		u8 type = madt[off], elen = madt[off + 1];
		const u8 *e = madt + off;

		if (elen < 2 || elen > len - off) {
			warnf(ai, warn,
			      "ACPI: MADT entry %u at offset %u has bad length "
			      "%u; rest ignored",
			      type, off, elen);
			return;
		}
		switch (type) {
		case MADT_LOCAL_APIC:
			if (elen < 8)
				goto short_entry;
			add_cpu(ai, warn, e[3], e[2], get32(e + 4), false);
			break;
		case MADT_LOCAL_X2APIC:
			if (elen < 16)
				goto short_entry;
			add_cpu(ai, warn, get32(e + 4), get32(e + 12),
				get32(e + 8), true);
			break;
		case MADT_IO_APIC:
			ai->nr_ioapics++;
			break;
		case MADT_LAPIC_OVERRIDE:
			if (elen < 12)
				goto short_entry;
			ai->lapic_addr = get64(e + 4);
			break;
		default:
			break;
		}
		off += elen;
		continue;
	short_entry:
		warnf(ai, warn,
		      "ACPI: MADT entry %u at offset %u is too short (%u "
		      "bytes); skipped",
		      type, off, elen);
		off += elen;
	}
}

/* The root table's entry @i: 4 bytes in the RSDT, 8 in the XSDT. */
static phys_addr_t root_entry(const u8 *root, bool xsdt, u32 i)
{
	const u8 *p = root + ACPI_HEADER_LEN + (size_t)i * (xsdt ? 8 : 4);

	return xsdt ? get64(p) : get32(p);
}

int acpi_parse(const struct phys_reader *rd, const u8 *rsdp, size_t len,
	       void (*warn)(const char *msg), struct acpi_info *ai)
{
	phys_addr_t rsdt_pa, xsdt_pa = 0, saved_rsdp_pa = ai->rsdp_pa;
	const u8 *root = NULL;
	u32 root_len = 0, n, i;

	memset(ai, 0, sizeof(*ai));
	ai->rsdp_pa = saved_rsdp_pa;
	if (!acpi_rsdp_valid(rsdp, len)) {
		warnf(ai, warn,
		      "ACPI: RSDP: bad signature, checksum or length");
		return -EINVAL;
	}
	ai->revision = rsdp[15];
	memcpy(ai->oem_id, rsdp + 9, 6);
	for (i = 0; i < 6; i++) /* printable, for the log */
		if (ai->oem_id[i] < 0x20 || ai->oem_id[i] > 0x7e)
			ai->oem_id[i] = '?';
	rsdt_pa = get32(rsdp + 16);
	if (ai->revision >= 2)
		xsdt_pa = get64(rsdp + 24);

	if (xsdt_pa) {
		root = map_table(rd, xsdt_pa, "XSDT", ai, warn, &root_len);
		if (root) {
			ai->used_xsdt = true;
			ai->root_pa = xsdt_pa;
		} else if (rsdt_pa) {
			warnf(ai, warn, "ACPI: XSDT unusable; trying the RSDT");
		}
	}
	if (!root && rsdt_pa) {
		root = map_table(rd, rsdt_pa, "RSDT", ai, warn, &root_len);
		ai->root_pa = rsdt_pa;
	}
	if (!root) {
		if (!rsdt_pa && !xsdt_pa)
			warnf(ai, warn,
			      "ACPI: the RSDP points to no RSDT or XSDT");
		return -EINVAL;
	}

	n = (root_len - ACPI_HEADER_LEN) / (ai->used_xsdt ? 8 : 4);
	if (n > ACPI_MAX_TABLES) {
		warnf(ai, warn,
		      "ACPI: %s lists %u tables; only the first %d looked at",
		      ai->used_xsdt ? "XSDT" : "RSDT", n, ACPI_MAX_TABLES);
		n = ACPI_MAX_TABLES;
	}
	/* The root table's bytes may be remapped by the next map: copy them. */
	{
		phys_addr_t tables[ACPI_MAX_TABLES];

		for (i = 0; i < n; i++)
			tables[i] = root_entry(root, ai->used_xsdt, i);
		for (i = 0; i < n; i++) {
			const u8 *hdr, *madt;
			u32 madt_len;

			if (!tables[i])
				continue;
			hdr = rd->map(rd->ctx, tables[i], 4);
			if (!hdr || memcmp(hdr, "APIC", 4))
				continue;
			madt = map_table(rd, tables[i], "APIC", ai, warn,
					 &madt_len);
			if (!madt)
				continue; /* a bad one: maybe another is good */
			ai->madt_pa = tables[i];
			parse_madt(madt, madt_len, ai, warn);
			return 0;
		}
	}
	warnf(ai, warn, "ACPI: no MADT (APIC table) found");
	return -ENOENT;
}

/* ---- the kernel's side ------------------------------------------------ */
#ifndef KVLAB_HOST
#include <kernel/printk.h>
#include <mm/layout.h>

struct acpi_info acpi_info;

/* boot/boot.asm maps the first 4 GiB at PAGE_OFFSET until paging_init(). */
static const void *acpi_early_map(void *ctx, phys_addr_t pa, size_t len)
{
	const phys_addr_t limit = 4ULL << 30;

	(void)ctx;
	if (pa >= limit || len > limit - pa)
		return NULL;
	return (const void *)(uintptr_t)(pa + PAGE_OFFSET);
}

static void acpi_warn(const char *msg)
{
	pr_warn("%s\n", msg);
}

int acpi_init(void)
{
	static const struct phys_reader rd = { acpi_early_map, NULL };
	const u8 *rsdp;
	size_t len;
	int err;

	if (boot_info.rsdp_len &&
	    acpi_rsdp_valid(boot_info.rsdp, boot_info.rsdp_len)) {
		rsdp = boot_info.rsdp;
		len = boot_info.rsdp_len;
		acpi_info.rsdp_pa = 0;
	} else {
		if (boot_info.rsdp_len)
			pr_warn("ACPI: the boot loader's RSDP copy is bad; "
				"scanning the BIOS area\n");
		acpi_info.rsdp_pa = acpi_find_rsdp(&rd);
		if (!acpi_info.rsdp_pa) {
			pr_info("ACPI: no RSDP found\n");
			return -ENODEV;
		}
		rsdp = rd.map(rd.ctx, acpi_info.rsdp_pa, ACPI_RSDP_V2_LEN);
		len = ACPI_RSDP_V2_LEN;
	}
	err = acpi_parse(&rd, rsdp, len, acpi_warn, &acpi_info);
	if (err == -EINVAL)
		return err;
	if (acpi_info.rsdp_pa)
		pr_info("ACPI: RSDP 0x%016llx (v%02u %-6s)\n",
			(unsigned long long)acpi_info.rsdp_pa,
			acpi_info.revision, acpi_info.oem_id);
	else
		pr_info("ACPI: RSDP from the boot loader (v%02u %-6s)\n",
			acpi_info.revision, acpi_info.oem_id);
	pr_info("ACPI: %s 0x%016llx\n", acpi_info.used_xsdt ? "XSDT" : "RSDT",
		(unsigned long long)acpi_info.root_pa);
	if (err)
		return err;
	pr_info("ACPI: APIC 0x%016llx\n",
		(unsigned long long)acpi_info.madt_pa);
	pr_info("ACPI: Using ACPI (MADT) for SMP configuration information\n");
	pr_info("ACPI: LAPIC at %#llx, %u CPU(s) enabled, %u hotpluggable, %u "
		"disabled, %u IOAPIC(s)\n",
		(unsigned long long)acpi_info.lapic_addr, acpi_info.nr_cpus,
		acpi_info.nr_hotplug, acpi_info.nr_disabled,
		acpi_info.nr_ioapics);
	return 0;
}
#endif
