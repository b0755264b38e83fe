/*
 * tests/host/model_acpi.c: a model of the MADT walk of kernel/acpi.c, and
 * acpi_check(), which runs the real parser over a struct physmem and
 * compares.
 *
 * The model reads byte by byte from the physmem (zeros outside the data)
 * with 64-bit offsets, and is told which table the parser took for the
 * MADT: it then checks that choice (signature, length, checksum, listed by
 * the root table the parser says it used) and recomputes the CPU list,
 * the counts and the local APIC address from the ACPI specification's
 * entry layouts.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "models.h"
#include <kernel/acpi.h>
#include <lib/errno.h>

static u8 byte_at(const struct physmem *m, u64 pa)
{
	if (pa < m->base || pa - m->base >= m->len)
		return 0;
	return m->data[pa - m->base];
}

static u64 le_at(const struct physmem *m, u64 pa, unsigned int n)
{
	u64 v = 0;

	while (n--)
		v = (v << 8) | byte_at(m, pa + n);
	return v;
}

/* Exact-size copies, so AddressSanitizer sees any read past a mapping. */
struct acpi_reader {
	const struct physmem *m;
	void *copies[4096];
	size_t nr;
	unsigned long maps;
};

static const void *acpi_copy_map(void *ctx, phys_addr_t pa, size_t len)
{
	struct acpi_reader *r = ctx;
	const struct physmem *m = r->m;
	u8 *p;

	r->maps++;
	if (!physmem_readable(m, pa, len) || r->nr == ARRAY_SIZE(r->copies))
		return NULL;
	p = calloc(1, len ? len : 1);
	if (!p)
		abort();
	if (pa < m->base + m->len && pa + len > m->base) {
		u64 s = MAX(pa, m->base), e = MIN(pa + len, m->base + m->len);

		memcpy(p + (s - pa), m->data + (s - m->base), e - s);
	}
	r->copies[r->nr++] = p;
	return p;
}

static void acpi_reader_free(struct acpi_reader *r)
{
	while (r->nr)
		free(r->copies[--r->nr]);
}

static bool table_ok(const struct physmem *m, u64 pa, const char *sig)
{
	u64 len = le_at(m, pa + 4, 4), i;
	u8 sum = 0;

	if (memcmp((char[4]){ (char)byte_at(m, pa), (char)byte_at(m, pa + 1),
			      (char)byte_at(m, pa + 2),
			      (char)byte_at(m, pa + 3) },
		   sig, 4))
		return false;
	if (len < ACPI_HEADER_LEN || len > ACPI_TABLE_MAX)
		return false;
	for (i = 0; i < len; i++)
		sum += byte_at(m, pa + i);
	return sum == 0;
}

struct model_cpus {
	u32 ids[4096], uids[4096];
	bool x2[4096];
	unsigned int n, hotplug, disabled, ignored, ioapics;
	u64 lapic;
};

static void model_madt(const struct physmem *m, u64 pa, struct model_cpus *c)
{
	u64 len = le_at(m, pa + 4, 4), off;

	memset(c, 0, sizeof(*c));
	if (len < 44)
		return;
	c->lapic = le_at(m, pa + 36, 4);
	for (off = 44; off + 2 <= len;) {
		u64 type = byte_at(m, pa + off),
		    elen = byte_at(m, pa + off + 1);
		u64 id = 0, uid = 0, flags = 0, need = 0, j;
		bool cpu = false, dup = false;

		if (elen < 2 || off + elen > len)
			break;
		if (type == 0) {
			need = 8;
			id = byte_at(m, pa + off + 3);
			uid = byte_at(m, pa + off + 2);
			flags = le_at(m, pa + off + 4, 4);
			cpu = true;
		} else if (type == 9) {
			need = 16;
			id = le_at(m, pa + off + 4, 4);
			flags = le_at(m, pa + off + 8, 4);
			uid = le_at(m, pa + off + 12, 4);
			cpu = true;
		} else if (type == 5) {
			need = 12;
		} else if (type == 1) {
			c->ioapics++;
		}
		if (elen < need) {
			off += elen;
			continue;
		}
		if (type == 5)
			c->lapic = le_at(m, pa + off + 4, 8);
		if (cpu) {
			if (!(flags & 1)) {
				if (flags & 2)
					c->hotplug++;
				else
					c->disabled++;
			} else if (!((type == 0 && id == 0xff) ||
				     id == 0xffffffffu)) {
				for (j = 0; j < c->n; j++)
					dup |= c->ids[j] == id;
				if (!dup) {
					if (c->n == CONFIG_NR_CPUS) {
						c->ignored++;
					} else {
						c->ids[c->n] = (u32)id;
						c->uids[c->n] = (u32)uid;
						c->x2[c->n] = type == 9;
						c->n++;
					}
				}
			}
		}
		off += elen;
	}
}

static unsigned int nr_warned;

static void count_warn(const char *msg)
{
	(void)msg;
	nr_warned++;
}

bool acpi_check(const struct physmem *m, struct acpi_info *ai, int *ret,
		char *why)
{
	struct acpi_reader *r = calloc(1, sizeof(*r));
	struct phys_reader rd = { acpi_copy_map, r };
	static struct model_cpus c;
	const u8 *rsdp;
	u64 rpa, n, i;
	bool listed = false, ok = true;
	unsigned int k;

	if (!r)
		abort();
	r->m = m;
	nr_warned = 0;
	memset(ai, 0, sizeof(*ai));
	ai->rsdp_pa = acpi_find_rsdp(&rd);
	*ret = -ENODEV;
	if (!ai->rsdp_pa)
		goto out;
	if (ai->rsdp_pa % 16 || ai->rsdp_pa < 0x500 ||
	    ai->rsdp_pa >= ACPI_BIOS_END) {
		snprintf(why, WHY_SIZE,
			 "RSDP found at %#llx, outside the scanned areas",
			 (unsigned long long)ai->rsdp_pa);
		ok = false;
		goto out;
	}
	rsdp = acpi_copy_map(r, ai->rsdp_pa, ACPI_RSDP_V2_LEN);
	*ret = acpi_parse(&rd, rsdp, ACPI_RSDP_V2_LEN, count_warn, ai);
	if (nr_warned != ai->nr_warnings) {
		snprintf(why, WHY_SIZE, "%u warnings printed, %u counted",
			 nr_warned, ai->nr_warnings);
		ok = false;
		goto out;
	}
	if (*ret != 0 && *ret != -EINVAL && *ret != -ENOENT) {
		snprintf(why, WHY_SIZE, "acpi_parse returned %d", *ret);
		ok = false;
		goto out;
	}
	if (*ret) {
		if (ai->nr_cpus || ai->madt_pa) {
			snprintf(why, WHY_SIZE,
				 "error %d but %u CPUs, MADT %#llx", *ret,
				 ai->nr_cpus, (unsigned long long)ai->madt_pa);
			ok = false;
		}
		goto out;
	}
	/* The MADT the parser took: listed by its root table, and sound. */
	rpa = ai->root_pa;
	if (!table_ok(m, rpa, ai->used_xsdt ? "XSDT" : "RSDT") ||
	    !table_ok(m, ai->madt_pa, "APIC")) {
		snprintf(why, WHY_SIZE,
			 "parser used a bad root table %#llx or MADT %#llx",
			 (unsigned long long)rpa,
			 (unsigned long long)ai->madt_pa);
		ok = false;
		goto out;
	}
	n = (le_at(m, rpa + 4, 4) - ACPI_HEADER_LEN) / (ai->used_xsdt ? 8 : 4);
	for (i = 0; i < n && i < ACPI_MAX_TABLES; i++)
		listed |= le_at(m, rpa + 36 + i * (ai->used_xsdt ? 8 : 4),
				ai->used_xsdt ? 8 : 4) == ai->madt_pa;
	if (!listed) {
		snprintf(why, WHY_SIZE, "MADT %#llx is not in the root table",
			 (unsigned long long)ai->madt_pa);
		ok = false;
		goto out;
	}
	model_madt(m, ai->madt_pa, &c);
	if (c.n != ai->nr_cpus || c.hotplug != ai->nr_hotplug ||
	    c.disabled != ai->nr_disabled || c.ignored != ai->nr_ignored ||
	    c.ioapics != ai->nr_ioapics || c.lapic != ai->lapic_addr) {
		snprintf(why, WHY_SIZE,
			 "counts: kvlab %u cpus %u hotplug %u disabled %u "
			 "ignored %u ioapics lapic %#llx, model %u %u %u %u %u "
			 "%#llx",
			 ai->nr_cpus, ai->nr_hotplug, ai->nr_disabled,
			 ai->nr_ignored, ai->nr_ioapics,
			 (unsigned long long)ai->lapic_addr, c.n, c.hotplug,
			 c.disabled, c.ignored, c.ioapics,
			 (unsigned long long)c.lapic);
		ok = false;
		goto out;
	}
	for (k = 0; k < c.n; k++) {
		if (ai->cpus[k].apic_id != c.ids[k] ||
		    ai->cpus[k].uid != c.uids[k] ||
		    ai->cpus[k].x2apic != c.x2[k]) {
			snprintf(why, WHY_SIZE,
				 "CPU %u: kvlab id %#x uid %u x2 %d, model %#x "
				 "%u %d",
				 k, ai->cpus[k].apic_id, ai->cpus[k].uid,
				 ai->cpus[k].x2apic, c.ids[k], c.uids[k],
				 c.x2[k]);
			ok = false;
			goto out;
		}
	}
out:
	acpi_reader_free(r);
	free(r);
	return ok;
}
