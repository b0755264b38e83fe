/*
 * tests/host/shim/arena.c: physical memory for the host tests (host.h).
 *
 * One anonymous PROT_NONE mapping of [0, end) physical addresses; the
 * whole pages inside usable regions of the sanitized map are then made
 * readable and writable. kvlab_host_page_offset is the mapping's address,
 * so PAGE_OFFSET + pa points into it, and boot_info holds the map the way
 * bootinfo_parse() would have left it, for mm/ code that reads it.
 *
 * The mapping starts at a multiple of HOST_ARENA_ALIGN, as the kernel's
 * PAGE_OFFSET does (see arena_map()).
 */
#include <sys/mman.h>

#include <host.h>
#include <lib/compiler.h>
#include <lib/errno.h>
#include <lib/string.h>
#include <mm/layout.h>

unsigned long kvlab_host_page_offset;
struct boot_info boot_info;

static struct {
	u8 *mem;	/* host address of physical 0 */
	u64 size_bytes; /* of the mapping: physical [0, size_bytes) */
} arena;

/*
 * The kernel's direct map starts at PAGE_OFFSET, a multiple of 1 GiB
 * (paging maps it with 1 GiB pages where it can), so a virtual address
 * and its physical one agree in their low 30 bits and a buddy block of
 * 2^order pages is aligned to its size in both. mm/ relies on it: the
 * inline kfree finds an object's offset in its slab as va & slab_mask,
 * and kmalloc-8k's 8 KiB alignment is its slab's. A page-aligned arena
 * would send every kmalloc-8k kfree down the checked path and could let
 * a pointer inside an object pass the fast test.
 */
#define HOST_ARENA_ALIGN PUD_SIZE

/*
 * @bytes (a whole number of pages) of PROT_NONE address space starting
 * at a multiple of HOST_ARENA_ALIGN: carved out of a mapping one
 * alignment larger, the rest unmapped. Return: the start, or NULL.
 */
static u8 *arena_map(u64 bytes)
{
	size_t len = bytes + HOST_ARENA_ALIGN;
	u8 *raw, *mem;

	raw = mmap(NULL, len, PROT_NONE,
		   MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (raw == MAP_FAILED)
		return NULL;
	mem = (u8 *)ALIGN_UP((unsigned long)raw, HOST_ARENA_ALIGN);
	if (mem > raw)
		munmap(raw, (size_t)(mem - raw));
	if (mem + bytes < raw + len)
		munmap(mem + bytes, (size_t)(raw + len - (mem + bytes)));
	return mem;
}

/* Make the whole pages inside [start, end) readable and writable. */
static int arena_open(phys_addr_t start, phys_addr_t end)
{
	phys_addr_t s = ALIGN_UP(start, (phys_addr_t)PAGE_SIZE);
	phys_addr_t e = ALIGN_DOWN(end, (phys_addr_t)PAGE_SIZE);

	if (s >= e)
		return 0;
	return mprotect(arena.mem + s, e - s, PROT_READ | PROT_WRITE);
}

int host_arena_create(const struct mem_region *map, size_t nr)
{
	struct boot_info *bi = &boot_info;
	phys_addr_t end;
	size_t i;
	void *mem;

	if (arena.mem)
		return -EBUSY;
	memset(bi, 0, sizeof(*bi));
	bi->protocol = BOOT_MB2;
	strscpy(bi->loader_name, "kvlab host shim", sizeof(bi->loader_name));
	for (i = 0; i < nr && i < MAX_MEM_REGIONS; i++)
		bi->raw[i] = map[i];
	bi->nr_raw = i;
	bi->nr_map = memmap_sanitize(bi->raw, bi->nr_raw, bi->map, NULL,
				     &bi->nr_warnings);
	if (bi->nr_map == 0)
		return -EINVAL;
	end = ALIGN_UP(bi->map[bi->nr_map - 1].end, (phys_addr_t)PAGE_SIZE);
	if (end > HOST_ARENA_MAX_BYTES)
		return -EINVAL;
	mem = arena_map(end);
	if (!mem)
		return -ENOMEM;
	arena.mem = mem;
	arena.size_bytes = end;
	for (i = 0; i < bi->nr_map; i++) {
		if (bi->map[i].type != MEM_USABLE)
			continue;
		if (arena_open(bi->map[i].start, bi->map[i].end)) {
			host_arena_destroy();
			return -ENOMEM;
		}
	}
	kvlab_host_page_offset = (unsigned long)arena.mem;
	return 0;
}

int host_arena_create_pc(u64 ram_bytes)
{
	const u64 low_top = 3ULL << 30; /* QEMU pc: RAM below the hole */
	struct mem_region map[5] = {
		{ 0, 0x9fc00, MEM_USABLE },
		{ 0x9fc00, 0xa0000, MEM_RESERVED },
		{ 0xf0000, 0x100000, MEM_RESERVED },
	};
	size_t nr = 3;

	if (ram_bytes <= 0x100000)
		return -EINVAL;
	map[nr++] = (struct mem_region){ 0x100000, MIN(ram_bytes, low_top),
					 MEM_USABLE };
	if (ram_bytes > low_top)
		map[nr++] =
			(struct mem_region){ 4ULL << 30,
					     (4ULL << 30) + ram_bytes - low_top,
					     MEM_USABLE };
	return host_arena_create(map, nr);
}

void host_arena_destroy(void)
{
	if (arena.mem)
		munmap(arena.mem, arena.size_bytes);
	arena.mem = NULL;
	arena.size_bytes = 0;
	kvlab_host_page_offset = 0;
	memset(&boot_info, 0, sizeof(boot_info));
}

phys_addr_t host_arena_end(void)
{
	return arena.size_bytes;
}

bool host_arena_is_ram(phys_addr_t pa, u64 len)
{
	size_t i;

	if (!arena.mem)
		return false;
	for (i = 0; i < boot_info.nr_map; i++) {
		const struct mem_region *r = &boot_info.map[i];
		phys_addr_t s = ALIGN_UP(r->start, (phys_addr_t)PAGE_SIZE);
		phys_addr_t e = ALIGN_DOWN(r->end, (phys_addr_t)PAGE_SIZE);

		if (r->type == MEM_USABLE && pa >= s && pa < e)
			return len <= e - pa;
	}
	return false;
}
