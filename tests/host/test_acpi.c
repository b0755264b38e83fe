/*
 * tests/host/test_acpi.c: the RSDP scan, the RSDT/XSDT walk and the MADT
 * parser (kernel/acpi.c): tables laid out as QEMU's firmware lays them,
 * each kind of bad input (bad checksums, no MADT, more CPUs than
 * CONFIG_NR_CPUS, odd flags and entries), then random tables with random
 * damage checked against the model (model_acpi.c).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "models.h"
#include <kernel/acpi.h>
#include <lib/errno.h>

/* Physical memory from 0 to 1 MiB: the BDA, the EBDA and the BIOS area. */
#define IMG_SIZE 0x100000u
#define RSDP_PA	 0xf5a40u
#define RSDT_PA	 0xe1000u
#define XSDT_PA	 0xe1800u
#define MADT_PA	 0xe2000u
#define MADT2_PA 0xe8000u
#define FACP_PA	 0xe4000u

struct img {
	u8 *mem;
	u32 madt_len; /* bytes so far of the MADT being built */
	u32 madt_pa;
};

static void put(struct img *im, u32 pa, const void *p, size_t n)
{
	memcpy(im->mem + pa, p, n);
}

static void put32(struct img *im, u32 pa, u32 v)
{
	put(im, pa, &v, 4);
}

static void put64(struct img *im, u32 pa, u64 v)
{
	put(im, pa, &v, 8);
}

static void fix_checksum(struct img *im, u32 pa, u32 len, u32 sum_off)
{
	u8 sum = 0;
	u32 i;

	im->mem[pa + sum_off] = 0;
	for (i = 0; i < len; i++)
		sum += im->mem[pa + i];
	im->mem[pa + sum_off] = (u8)-sum;
}

static void header(struct img *im, u32 pa, const char *sig, u32 len)
{
	memset(im->mem + pa, 0, ACPI_HEADER_LEN);
	put(im, pa, sig, 4);
	put32(im, pa + 4, len);
	im->mem[pa + 8] = 1; /* revision */
	put(im, pa + 10, "BOCHS ", 6);
	put(im, pa + 16, "BXPC    ", 8);
}

static void seal(struct img *im, u32 pa)
{
	u32 len;

	memcpy(&len, im->mem + pa + 4, 4);
	fix_checksum(im, pa, len, 9);
}

/* An RSDP of @rev at @pa, pointing at @rsdt and (rev >= 2) @xsdt. */
static void rsdp(struct img *im, u32 pa, u8 rev, u32 rsdt, u64 xsdt)
{
	memset(im->mem + pa, 0, ACPI_RSDP_V2_LEN);
	put(im, pa, "RSD PTR ", 8);
	put(im, pa + 9, "BOCHS ", 6);
	im->mem[pa + 15] = rev;
	put32(im, pa + 16, rsdt);
	if (rev >= 2) {
		put32(im, pa + 20, ACPI_RSDP_V2_LEN);
		put64(im, pa + 24, xsdt);
	}
	fix_checksum(im, pa, ACPI_RSDP_V1_LEN, 8);
	if (rev >= 2)
		fix_checksum(im, pa, ACPI_RSDP_V2_LEN, 32);
}

/* A root table listing @n tables. */
static void root(struct img *im, u32 pa, bool xsdt, const u32 *tables, u32 n)
{
	u32 i, w = xsdt ? 8 : 4;

	header(im, pa, xsdt ? "XSDT" : "RSDT", ACPI_HEADER_LEN + n * w);
	for (i = 0; i < n; i++) {
		if (xsdt)
			put64(im, pa + ACPI_HEADER_LEN + i * w, tables[i]);
		else
			put32(im, pa + ACPI_HEADER_LEN + i * w, tables[i]);
	}
	seal(im, pa);
}

static void madt_begin(struct img *im, u32 pa)
{
	header(im, pa, "APIC", 44);
	put32(im, pa + 36, 0xfee00000u);
	put32(im, pa + 40, 1); /* PC/AT compatible */
	im->madt_pa = pa;
	im->madt_len = 44;
}

static void madt_entry(struct img *im, const u8 *e, u8 len)
{
	put(im, im->madt_pa + im->madt_len, e, len);
	im->madt_len += len;
}

static void madt_lapic(struct img *im, u8 uid, u8 id, u32 flags)
{
	u8 e[8] = { 0, 8, uid, id };

	memcpy(e + 4, &flags, 4);
	madt_entry(im, e, 8);
}

static void madt_x2apic(struct img *im, u32 id, u32 uid, u32 flags)
{
	u8 e[16] = { 9, 16 };

	memcpy(e + 4, &id, 4);
	memcpy(e + 8, &flags, 4);
	memcpy(e + 12, &uid, 4);
	madt_entry(im, e, 16);
}

static void madt_ioapic(struct img *im)
{
	u8 e[12] = { 1, 12, 0, 0, 0, 0, 0xc0, 0xfe };

	madt_entry(im, e, 12);
}

static void madt_end(struct img *im)
{
	put32(im, im->madt_pa + 4, im->madt_len);
	seal(im, im->madt_pa);
}

static void img_init(struct img *im)
{
	im->mem = calloc(1, IMG_SIZE);
	if (!im->mem)
		abort();
	header(im, FACP_PA, "FACP", 116);
	seal(im, FACP_PA);
}

/* QEMU's layout: RSDP (rev 0) -> RSDT -> FACP, APIC; @ncpu CPUs. */
static void qemu_tables(struct img *im, unsigned int ncpu)
{
	const u32 tables[] = { FACP_PA, MADT_PA };
	unsigned int i;

	img_init(im);
	rsdp(im, RSDP_PA, 0, RSDT_PA, 0);
	root(im, RSDT_PA, false, tables, 2);
	madt_begin(im, MADT_PA);
	for (i = 0; i < ncpu; i++)
		madt_lapic(im, (u8)i, (u8)i, ACPI_MADT_ENABLED);
	madt_ioapic(im);
	madt_end(im);
}

/* Parse @im with acpi_check (the model agrees) and return the result. */
static bool parse(struct host_test *t, struct img *im, struct acpi_info *ai,
		  int *ret)
{
	const struct physmem m = { im->mem, IMG_SIZE, 0 };
	char why[WHY_SIZE];

	return CHECK(t, acpi_check(&m, ai, ret, why), "%s", why);
}

static struct acpi_info ai;

static void qemu_four_cpus(struct host_test *t)
{
	struct img im;
	unsigned int i;
	int ret;

	qemu_tables(&im, 4);
	if (parse(t, &im, &ai, &ret)) {
		CHECK(t, ret == 0, "ret %d", ret);
		CHECK(t, ai.rsdp_pa == RSDP_PA, "rsdp at %#llx",
		      (unsigned long long)ai.rsdp_pa);
		CHECK(t, !ai.used_xsdt && ai.root_pa == RSDT_PA, "root %#llx",
		      (unsigned long long)ai.root_pa);
		CHECK(t, ai.madt_pa == MADT_PA, "madt %#llx",
		      (unsigned long long)ai.madt_pa);
		CHECK(t, ai.nr_cpus == 4, "%u cpus", ai.nr_cpus);
		for (i = 0; i < ai.nr_cpus; i++)
			CHECK(t, ai.cpus[i].apic_id == i && !ai.cpus[i].x2apic,
			      "cpu %u id %u", i, ai.cpus[i].apic_id);
		CHECK(t, ai.lapic_addr == 0xfee00000u, "lapic %#llx",
		      (unsigned long long)ai.lapic_addr);
		CHECK(t, ai.nr_ioapics == 1 && ai.madt_flags == 1,
		      "ioapics %u flags %u", ai.nr_ioapics, ai.madt_flags);
		CHECK(t, ai.nr_warnings == 0, "%u warnings", ai.nr_warnings);
		CHECK(t, !memcmp(ai.oem_id, "BOCHS ", 6), "oem %s", ai.oem_id);
	}
	free(im.mem);
}

/* Revision 2: the XSDT is preferred, and the RSDT used when it is bad. */
static void xsdt_preferred_rsdt_fallback(struct host_test *t)
{
	const u32 x[] = { FACP_PA, MADT_PA }, r[] = { MADT2_PA, FACP_PA };
	struct img im;
	unsigned int i;
	int ret;

	img_init(&im);
	rsdp(&im, RSDP_PA, 2, RSDT_PA, XSDT_PA);
	root(&im, XSDT_PA, true, x, 2);
	root(&im, RSDT_PA, false, r, 2);
	madt_begin(&im, MADT_PA);
	for (i = 0; i < 8; i++)
		madt_x2apic(&im, 0x100 + i, i, ACPI_MADT_ENABLED);
	madt_end(&im);
	madt_begin(&im, MADT2_PA);
	madt_lapic(&im, 0, 0, ACPI_MADT_ENABLED);
	madt_lapic(&im, 1, 1, ACPI_MADT_ENABLED);
	madt_end(&im);
	if (parse(t, &im, &ai, &ret)) {
		CHECK(t, ret == 0 && ai.used_xsdt && ai.nr_cpus == 8,
		      "ret %d xsdt %d cpus %u", ret, ai.used_xsdt, ai.nr_cpus);
		CHECK(t, ai.cpus[7].apic_id == 0x107 && ai.cpus[7].x2apic,
		      "cpu 7 id %#x", ai.cpus[7].apic_id);
	}
	im.mem[XSDT_PA + 9]++; /* XSDT checksum now wrong */
	if (parse(t, &im, &ai, &ret)) {
		CHECK(t, ret == 0 && !ai.used_xsdt && ai.nr_cpus == 2,
		      "ret %d xsdt %d cpus %u", ret, ai.used_xsdt, ai.nr_cpus);
		CHECK(t, ai.nr_warnings == 2, "%u warnings", ai.nr_warnings);
	}
	free(im.mem);
}

/* A bad RSDP checksum: the scan passes it by; acpi_parse refuses it. */
static void bad_rsdp(struct host_test *t)
{
	struct img im;
	int ret;

	qemu_tables(&im, 2);
	im.mem[RSDP_PA + 8]++;
	if (parse(t, &im, &ai, &ret))
		CHECK(t, ret == -ENODEV && !ai.rsdp_pa, "ret %d", ret);
	ret = acpi_parse(&(struct phys_reader){ NULL, NULL }, im.mem + RSDP_PA,
			 ACPI_RSDP_V2_LEN, NULL, &ai);
	CHECK(t, ret == -EINVAL && ai.nr_warnings == 1, "ret %d warnings %u",
	      ret, ai.nr_warnings);
	/* Revision 2 with a bad extended checksum or length. */
	rsdp(&im, RSDP_PA, 2, RSDT_PA, XSDT_PA);
	CHECK(t, acpi_rsdp_valid(im.mem + RSDP_PA, ACPI_RSDP_V2_LEN), "valid");
	CHECK(t, !acpi_rsdp_valid(im.mem + RSDP_PA, ACPI_RSDP_V1_LEN), "short");
	im.mem[RSDP_PA + 32]++;
	CHECK(t, !acpi_rsdp_valid(im.mem + RSDP_PA, ACPI_RSDP_V2_LEN), "xsum");
	free(im.mem);
}

static void bad_madt_checksum_and_no_madt(struct host_test *t)
{
	const u32 only_facp[] = { FACP_PA, 0 };
	struct img im;
	int ret;

	qemu_tables(&im, 2);
	im.mem[MADT_PA + 9] ^= 0x40;
	if (parse(t, &im, &ai, &ret))
		CHECK(t,
		      ret == -ENOENT && ai.nr_cpus == 0 && ai.nr_warnings == 2,
		      "ret %d cpus %u warnings %u", ret, ai.nr_cpus,
		      ai.nr_warnings);
	root(&im, RSDT_PA, false, only_facp, 2);
	if (parse(t, &im, &ai, &ret))
		CHECK(t, ret == -ENOENT && ai.nr_warnings == 1,
		      "ret %d warnings %u", ret, ai.nr_warnings);
	/* A root table with a bad checksum: nothing to go on. */
	im.mem[RSDT_PA + 9]++;
	if (parse(t, &im, &ai, &ret))
		CHECK(t, ret == -EINVAL, "ret %d", ret);
	free(im.mem);
}

/* 70 CPUs: the first CONFIG_NR_CPUS are kept, 6 reported. */
static void more_cpus_than_nr_cpus(struct host_test *t)
{
	const u32 tables[] = { MADT_PA };
	struct img im;
	unsigned int i;
	int ret;

	img_init(&im);
	rsdp(&im, RSDP_PA, 0, RSDT_PA, 0);
	root(&im, RSDT_PA, false, tables, 1);
	madt_begin(&im, MADT_PA);
	for (i = 0; i < CONFIG_NR_CPUS + 6; i++)
		madt_x2apic(&im, i * 2, i, ACPI_MADT_ENABLED);
	madt_end(&im);
	if (parse(t, &im, &ai, &ret)) {
		CHECK(t,
		      ret == 0 && ai.nr_cpus == CONFIG_NR_CPUS &&
			      ai.nr_ignored == 6,
		      "ret %d cpus %u ignored %u", ret, ai.nr_cpus,
		      ai.nr_ignored);
		CHECK(t, ai.nr_warnings == 6, "%u warnings", ai.nr_warnings);
		CHECK(t,
		      ai.cpus[CONFIG_NR_CPUS - 1].apic_id ==
			      2 * (CONFIG_NR_CPUS - 1),
		      "last id %#x", ai.cpus[CONFIG_NR_CPUS - 1].apic_id);
	}
	free(im.mem);
}

/* Disabled, online-capable, invalid and duplicate entries, an override. */
static void flags_and_odd_entries(struct host_test *t)
{
	const u32 tables[] = { MADT_PA };
	u8 override[12] = { 5, 12, 0, 0 }, unknown[6] = { 0x7f, 6 };
	u8 short_lapic[6] = { 0, 6, 9, 9 };
	u64 lapic = 0xfed00000u;
	struct img im;
	int ret;

	img_init(&im);
	rsdp(&im, RSDP_PA, 0, RSDT_PA, 0);
	root(&im, RSDT_PA, false, tables, 1);
	madt_begin(&im, MADT_PA);
	madt_lapic(&im, 0, 0, ACPI_MADT_ENABLED);
	madt_lapic(&im, 1, 1, 0);			 /* disabled */
	madt_lapic(&im, 2, 2, ACPI_MADT_ONLINE_CAPABLE); /* hot-add */
	madt_lapic(&im, 3, 0xff, ACPI_MADT_ENABLED);	 /* invalid */
	madt_lapic(&im, 4, 0, ACPI_MADT_ENABLED);	 /* duplicate */
	madt_entry(&im, short_lapic, 6);		 /* too short */
	madt_entry(&im, unknown, 6);
	memcpy(override + 4, &lapic, 8);
	madt_entry(&im, override, 12);
	madt_x2apic(&im, 0x300, 5,
		    ACPI_MADT_ENABLED | ACPI_MADT_ONLINE_CAPABLE);
	madt_end(&im);
	if (parse(t, &im, &ai, &ret)) {
		CHECK(t, ret == 0 && ai.nr_cpus == 2, "ret %d cpus %u", ret,
		      ai.nr_cpus);
		CHECK(t, ai.nr_disabled == 1 && ai.nr_hotplug == 1,
		      "disabled %u hotplug %u", ai.nr_disabled, ai.nr_hotplug);
		CHECK(t, ai.cpus[1].apic_id == 0x300 && ai.cpus[1].uid == 5,
		      "cpu 1 %#x", ai.cpus[1].apic_id);
		CHECK(t, ai.lapic_addr == lapic, "lapic %#llx",
		      (unsigned long long)ai.lapic_addr);
		CHECK(t, ai.nr_warnings == 3, "%u warnings", ai.nr_warnings);
	}
	/* An entry of length 0 ends the walk with a warning. */
	im.mem[MADT_PA + 44 + 8 + 1] = 0;
	seal(&im, MADT_PA);
	if (parse(t, &im, &ai, &ret))
		CHECK(t, ret == 0 && ai.nr_cpus == 1 && ai.nr_warnings == 1,
		      "ret %d cpus %u warnings %u", ret, ai.nr_cpus,
		      ai.nr_warnings);
	free(im.mem);
}

/* The EBDA is searched first; an RSDP off a 16-byte boundary is not seen. */
static void ebda_and_alignment(struct host_test *t)
{
	struct img im;
	u16 seg = 0x9fc0;
	int ret;

	qemu_tables(&im, 1);
	memset(im.mem + RSDP_PA, 0, ACPI_RSDP_V2_LEN);
	rsdp(&im, 0x9fc00 + 0x40, 0, RSDT_PA, 0);
	put(&im, ACPI_EBDA_PTR, &seg, 2);
	if (parse(t, &im, &ai, &ret))
		CHECK(t, ret == 0 && ai.rsdp_pa == 0x9fc40 && ai.nr_cpus == 1,
		      "ret %d rsdp %#llx", ret, (unsigned long long)ai.rsdp_pa);
	memset(im.mem + 0x9fc40, 0, ACPI_RSDP_V2_LEN);
	rsdp(&im, RSDP_PA + 4, 0, RSDT_PA, 0);
	if (parse(t, &im, &ai, &ret))
		CHECK(t, ret == -ENODEV, "ret %d", ret);
	free(im.mem);
}

/* Random tables, then random damage: the parser agrees with the model. */
static void random_tables_vs_model(struct host_test *t)
{
	const u32 tables[] = { FACP_PA, MADT_PA, MADT2_PA };
	unsigned long iter;
	struct img im;
	int ret;

	img_init(&im);
	for (iter = 0; iter < host_iters(t, 3000); iter++) {
		struct prng *r = &t->rng;
		unsigned int n = (unsigned int)prng_below(r, 80), i, hits;
		bool xsdt = prng_below(r, 2);

		memset(im.mem + 0xe0000, 0, 0x20000);
		header(&im, FACP_PA, "FACP", 116);
		seal(&im, FACP_PA);
		rsdp(&im, RSDP_PA, xsdt ? 2 : 0, RSDT_PA, xsdt ? XSDT_PA : 0);
		root(&im, xsdt ? XSDT_PA : RSDT_PA, xsdt, tables,
		     (u32)prng_range(r, 1, 3));
		madt_begin(&im, prng_below(r, 2) ? MADT_PA : MADT2_PA);
		for (i = 0; i < n; i++) {
			u32 flags = (u32)prng_below(r, 4);

			if (prng_below(r, 3))
				madt_lapic(&im, (u8)i, (u8)prng_below(r, 256),
					   flags);
			else
				madt_x2apic(&im, (u32)prng_below(r, 300), i,
					    flags);
			if (!prng_below(r, 10))
				madt_ioapic(&im);
		}
		madt_end(&im);
		/* Damage: flip a few bytes anywhere in the tables. */
		for (hits = (unsigned int)prng_below(r, 4); hits; hits--)
			im.mem[0xe0000 + prng_below(r, 0x20000)] ^=
				(u8)prng_range(r, 1, 255);
		if (!parse(t, &im, &ai, &ret)) {
			host_log(t, "iteration %lu", iter);
			break;
		}
	}
	free(im.mem);
}

const struct host_suite suite_acpi = HOST_SUITE(
	"acpi", HOST_CASE(qemu_four_cpus),
	HOST_CASE(xsdt_preferred_rsdt_fallback), HOST_CASE(bad_rsdp),
	HOST_CASE(bad_madt_checksum_and_no_madt),
	HOST_CASE(more_cpus_than_nr_cpus), HOST_CASE(flags_and_odd_entries),
	HOST_CASE(ebda_and_alignment), HOST_CASE(random_tables_vs_model));
