/*
 * tests/host/models.h: reference models of kvlab code, for the host tests
 * and the fuzz targets.
 *
 * Each model is written from the documented behaviour (the header comments
 * of include/lib/string.h, include/kernel/cmdline.h and
 * include/kernel/bootinfo.h, and Linux where they say "as Linux"), as
 * plainly as possible and in a different shape from the code it checks:
 * whole-string scans and the C library instead of one-pass parsers, 64-bit
 * offsets everywhere, brute force instead of sweeps. A *_check() function
 * runs the kvlab code and its model on one input and returns false with a
 * one-line explanation in @why when they disagree.
 */
#ifndef KVLAB_HOST_MODELS_H
#define KVLAB_HOST_MODELS_H

#include <kernel/bootinfo.h>
#include <kernel/cmdline.h>
#include <lib/types.h>
#include <mm/gfp.h>
#include <mm/mmzone.h>

#define WHY_SIZE 512 /* room for a *_check() explanation */

/* ---- lib/strutil.c: kstrtoull and friends (model_strto.c) ------------- */

int model_kstrtoull(const char *s, unsigned int base, unsigned long long *res);
int model_kstrtoll(const char *s, unsigned int base, long long *res);
int model_memparse_strict(const char *s, unsigned long long *res);

/* ---- kernel/cmdline.c (model_cmdline.c) -------------------------------- */

/*
 * The keys cmdline_check() parses against: the kernel's own (DESIGN.md
 * section 5) with setters of each kind (kparam_bool, kparam_ulong, any
 * string, refusals with and without a reason).
 */
extern const struct kparam model_kparams[];
extern const size_t model_nr_kparams;

/*
 * cmdline_check - run cmdline_parse() on @line (read up to its NUL or
 * @max_len bytes) and compare the setter calls, the counts and the
 * warnings with the model.
 */
bool cmdline_check(const char *line, size_t max_len, char *why);

/* ---- kernel/bootinfo.c (model_bootinfo.c) ------------------------------ */

/*
 * Physical memory for the parser: @len bytes of @data at physical @base,
 * zeros elsewhere. A range is readable when it lies below 4 GiB (as the
 * kernel's early map) and is at most PHYSMEM_MAX_MAP bytes (so a fuzzer
 * cannot make the reader allocate gigabytes).
 */
#define PHYSMEM_MAX_MAP (4u << 20)

struct physmem {
	const u8 *data;
	size_t len;
	phys_addr_t base;
};

bool physmem_readable(const struct physmem *m, phys_addr_t pa, u64 len);

/*
 * bootinfo_check - bootinfo_parse() the block at @info_pa of @m with
 * @magic, through a reader that hands out a private exact-size copy of
 * every range (so AddressSanitizer catches a read past what was mapped),
 * and compare the return value, loader name, command line and raw map with
 * the model, then check the sanitized map with memmap_check().
 */
bool bootinfo_check(u32 magic, const struct physmem *m, phys_addr_t info_pa,
		    char *why);

/*
 * memmap_check - memmap_sanitize() @nr_in raw entries and check the
 * result: sorted, disjoint, merged, types 1-5, and for every address the
 * highest type of the clean entries covering it; warnings if and only if
 * something was odd. With @out non-NULL, the sanitized map is left there
 * (MAX_MEM_REGIONS entries of room) and its length in *@nr_out.
 */
bool memmap_check(const struct mem_region *in, size_t nr_in, char *why,
		  struct mem_region *out, size_t *nr_out);

/* ---- mm/buddy.c: the page allocator (model_pages.c) -------------------- */

/* A physical range [start, end) that is RAM but not the allocator's. */
struct pm_range {
	phys_addr_t start, end;
};

/* A block the model believes allocated. */
struct pm_block {
	unsigned long pfn;
	unsigned int order;
	gfp_t gfp;
	u64 tag; /* seeds the words written into each page */
};

struct page_model {
	u8 *state;	       /* per frame: none, free, head, tail */
	unsigned long nr_pfns; /* max_pfn at pm_init() */
	unsigned long managed[MAX_NR_ZONES]; /* pages, from the map */
	unsigned long free[MAX_NR_ZONES];    /* pages */
	struct pm_block *live;		     /* allocated blocks, any order */
	size_t nr_live, cap;
	struct pm_block *foreign; /* blocks other allocators hold */
	size_t nr_foreign, cap_foreign;
};

/*
 * pm_init - the model of a freshly booted allocator: every whole usable
 * page of boot_info's map is free except the @nr_used ranges in @used
 * (the first MiB, the image, mem_map...). Checks that each zone manages
 * as many pages as the model says. False, with @why, on a mismatch.
 */
bool pm_init(struct page_model *m, const struct pm_range *used, size_t nr_used,
	     char *why);
void pm_destroy(struct page_model *m);

/*
 * pm_boot_sparse - host_mm_boot_map() a small machine with all three
 * zones (model_pages.c says which) and pm_init() @m for it.
 */
bool pm_boot_sparse(struct page_model *m, char *why);
/* pm_boot_small - the same with RAM to 40 MiB only: DMA and DMA32 (fuzz_alloc). */
bool pm_boot_small(struct page_model *m, char *why);
/* pm_boot_pc - the same for host_mm_boot(@ram_bytes), QEMU's pc machine. */
bool pm_boot_pc(struct page_model *m, u64 ram_bytes, char *why);

/* pm_alloc_possible - could alloc_pages(@gfp, @order) succeed now? */
bool pm_alloc_possible(const struct page_model *m, gfp_t gfp,
		       unsigned int order);

/*
 * pm_alloc_check - judge alloc_pages(@gfp, @order)'s answer @page (NULL
 * for a failure); if it is a block, record it as live with @tag and write
 * the tag's pattern into each of its pages.
 */
bool pm_alloc_check(struct page_model *m, gfp_t gfp, unsigned int order,
		    struct page *page, u64 tag, char *why);

/*
 * pm_free_check - check that live block @idx kept its contents, drop it
 * from the model and __free_pages() it.
 */
bool pm_free_check(struct page_model *m, size_t idx, char *why);

/*
 * pm_set_foreign - the blocks that other allocators (slab, large
 * kmalloc) hold are now exactly @blocks (pfn and order; any order of
 * blocks): the model takes them out of its free frames, and gives back
 * the ones no longer listed. False if one of them is a block the model
 * has live, or not free in the model.
 */
bool pm_set_foreign(struct page_model *m, const struct pm_block *blocks,
		    size_t n, char *why);

/*
 * pm_foreign_blocks - every slab and every large kmalloc block, found by
 * a walk of mem_map (PG_slab, PG_large_kmalloc heads), into @out (at most
 * @cap). Return: the number, or (size_t)-1 if @cap is too small.
 */
size_t pm_foreign_blocks(struct pm_block *out, size_t cap);

/*
 * pm_slab_generation - changes whenever the cache of caches or a kmalloc
 * cache takes or gives back a slab (a cheap test for "walk again?").
 */
u64 pm_slab_generation(void);

/* pm_compare - free counts per zone and buddy_check(false). */
bool pm_compare(const struct page_model *m, char *why);

/* pm_compare_full - pm_compare, buddy_check(true) and every frame's state. */
bool pm_compare_full(const struct page_model *m, char *why);

/* ---- mm/vmap_area.c: the vmalloc address space (model_vmap.c) ---------- */

struct vmap_area;

enum vmm_state { VMM_FREE, VMM_BUSY, VMM_LAZY };

/* One range of [VMALLOC_START, VMALLOC_END) as the model sees it. */
struct vmm_interval {
	unsigned long start, end; /* [start, end) */
	enum vmm_state state;
	struct vmap_area *va; /* busy or lazy: the kernel's struct */
};

/*
 * The model: the whole range as sorted intervals that touch end to end;
 * two free intervals never touch (they merge, as the kernel's do).
 */
struct vmap_model {
	struct vmm_interval *iv;
	size_t nr, cap;
	size_t nr_busy, nr_lazy;
	unsigned long lazy_pages; /* pages on the purge list */
	unsigned long nr_purges;  /* purges (full TLB flushes) expected */
	unsigned long flush_base; /* host_arch.nr_flush_all at vmm_init() */
};

/* vmm_init - the model of a freshly set up space; vmalloc_reset() first. */
void vmm_init(struct vmap_model *m);
void vmm_destroy(struct vmap_model *m);

/*
 * vmm_alloc_check - run alloc_vmap_area(@size, @align, @vstart, @vend) and
 * judge the answer against the model's lowest fit (purging the lazy areas
 * and trying again when nothing fits, as the kernel does); record it.
 * *@out gets the area (NULL when none was expected and none came).
 */
bool vmm_alloc_check(struct vmap_model *m, unsigned long size,
		     unsigned long align, unsigned long vstart,
		     unsigned long vend, struct vmap_area **out, char *why);

/*
 * vmm_free_check - free the @nth busy area (address order): at once, or
 * with free_vmap_area_noflush() when @lazy (which purges past
 * VMALLOC_LAZY_MAX_PAGES pages).
 */
bool vmm_free_check(struct vmap_model *m, size_t nth, bool lazy, char *why);

/* vmm_purge_check - purge_vmap_area_lazy(): every lazy area becomes free. */
bool vmm_purge_check(struct vmap_model *m, char *why);

/* vmm_find_check - find_vmap_area() and find_lazy_vmap_area() of @addr. */
bool vmm_find_check(const struct vmap_model *m, unsigned long addr, char *why);

/* vmm_busy - the @nth busy interval, address order (nth < m->nr_busy). */
const struct vmm_interval *vmm_busy(const struct vmap_model *m, size_t nth);

/*
 * vmm_compare - the busy list, the purge list, vmap_area_counts(), the
 * TLB flushes and vmap_area_check() against the model.
 */
bool vmm_compare(const struct vmap_model *m, char *why);

/*
 * vmm_release_space - with no busy area left: purge, drain the stash, and
 * the whole range must come back as one area, whose struct (the last one)
 * is then kfree()d, so nothing outlives a test. The space is unusable
 * until the next vmalloc_reset().
 */
bool vmm_release_space(char *why);

/* ---- kernel/acpi.c (model_acpi.c) --------------------------------------- */

struct acpi_info;

/*
 * acpi_check - acpi_find_rsdp() and acpi_parse() over @m through a reader
 * of exact-size copies; check where the RSDP was found, that the MADT
 * the parser used is a sound table listed by the root table it used, and
 * the CPU list and counts against the model's walk of that MADT. The
 * result is left in @ai and @ret (-ENODEV: no RSDP found).
 */
bool acpi_check(const struct physmem *m, struct acpi_info *ai, int *ret,
		char *why);

#endif
