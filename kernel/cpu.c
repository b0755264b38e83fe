/* kernel/cpu.c: identify the boot CPU with CPUID. */
#include <arch/x86.h>
#include <kernel/cpu.h>
#include <lib/printf.h>
#include <lib/string.h>

struct cpu_info boot_cpu;

static void read_brand_string(char *out)
{
	u32 regs[12], max_ext, b, c, d;
	char *p, *end;
	int i;

	cpuid(0x80000000, &max_ext, &b, &c, &d);
	if (max_ext < 0x80000004) {
		strscpy(out, "unknown model", 49);
		return;
	}
	for (i = 0; i < 3; i++)
		cpuid(0x80000002 + i, &regs[i * 4], &regs[i * 4 + 1],
		      &regs[i * 4 + 2], &regs[i * 4 + 3]);
	memcpy(out, regs, 48);
	out[48] = '\0';
	/* Trim leading and trailing blanks (Intel pads on the left). */
	for (p = out; *p == ' '; p++)
		;
	memmove(out, p, strlen(p) + 1);
	end = out + strlen(out);
	while (end > out && end[-1] == ' ')
		*--end = '\0';
}

void cpu_identify(void)
{
	struct cpu_info *ci = &boot_cpu;
	u32 max, a, b, c, d, max_ext;

	cpuid(0, &max, &b, &c, &d);
	memcpy(ci->vendor + 0, &b, 4);
	memcpy(ci->vendor + 4, &d, 4);
	memcpy(ci->vendor + 8, &c, 4);
	ci->vendor[12] = '\0';

	cpuid(1, &a, &b, &c, &d);
	ci->stepping = a & 0xf;
	ci->model = (a >> 4) & 0xf;
	ci->family = (a >> 8) & 0xf;
	if (ci->family == 0xf)
		ci->family += (a >> 20) & 0xff;
	if (ci->family >= 6)
		ci->model += ((a >> 16) & 0xf) << 4;
	ci->has_tsc = d & (1u << 4);
	ci->has_pge = d & (1u << 13);
	ci->has_x2apic = c & (1u << 21);
	ci->has_hypervisor = c & (1u << 31);

	cpuid(0x80000000, &max_ext, &b, &c, &d);
	if (max_ext >= 0x80000001) {
		cpuid(0x80000001, &a, &b, &c, &d);
		ci->has_nx = d & (1u << 20);
		ci->has_pdpe1gb = d & (1u << 26);
	}
	if (max_ext >= 0x80000007) {
		cpuid(0x80000007, &a, &b, &c, &d);
		ci->has_invariant_tsc = d & (1u << 8);
	}
	ci->phys_addr_bits = 36;
	ci->virt_addr_bits = 48;
	if (max_ext >= 0x80000008) {
		cpuid(0x80000008, &a, &b, &c, &d);
		ci->phys_addr_bits = a & 0xff;
		ci->virt_addr_bits = (a >> 8) & 0xff;
	}
	read_brand_string(ci->model_name);
}

void cpu_features_string(char *buf, size_t size)
{
	const struct cpu_info *ci = &boot_cpu;

	snprintf(buf, size, "%spdpe1gb %snx %sinvariant_tsc %spge %shypervisor",
		 ci->has_pdpe1gb ? "" : "-", ci->has_nx ? "" : "-",
		 ci->has_invariant_tsc ? "" : "-", ci->has_pge ? "" : "-",
		 ci->has_hypervisor ? "" : "-");
}
