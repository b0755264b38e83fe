/*
 * kernel/fault_inject.c: deterministic and random allocation failures
 * (see include/kernel/fault_inject.h).
 *
 * should_fail() follows Linux's lib/fault-inject.c in the order of its
 * checks: times left, space to let through, interval, then probability.
 * kvlab adds `nth`, failing one chosen call, which is what a test that
 * walks every failure point of an operation needs (fail the 1st, then the
 * 2nd, ... allocation inside vmalloc and check nothing leaks each time).
 *
 * A command-line setting (failslab=, fail_page_alloc=) is only recorded
 * when the command line is parsed: as in Linux, boot-time allocations are
 * never injected, since a failure there is fatal (the cache of kmalloc
 * caches, the first vmap area). fault_inject_arm() applies it once init is
 * done, just before the self-tests, and says so on the console.
 */
#include <kernel/cmdline.h>
#include <kernel/fault_inject.h>
#include <kernel/printk.h>
#include <lib/errno.h>
#include <lib/printf.h>
#include <lib/string.h>

struct fault_attr fail_page_alloc = { .name = "fail_page_alloc" };
struct fault_attr failslab = { .name = "failslab" };

/* The command line's settings, waiting for fault_inject_arm(). */
static struct fault_attr boot_fail_page_alloc, boot_failslab;
static bool boot_set_fail_page_alloc, boot_set_failslab;

static void reset(struct fault_attr *attr)
{
	attr->enabled = false;
	attr->probability = 0;
	attr->interval = 1;
	attr->space = 0;
	attr->times = -1;
	attr->nth = 0;
	attr->calls = 0;
	attr->nr_failed = 0;
}

bool should_fail(struct fault_attr *attr, size_t size)
{
	if (!attr->enabled)
		return false;
	attr->calls++;
	if (attr->nth) {
		if (attr->calls != attr->nth)
			return false;
		attr->enabled = false; /* once */
		attr->nr_failed++;
		return true;
	}
	if (attr->times == 0)
		return false;
	if (attr->space > size) {
		attr->space -= size;
		return false;
	}
	if (attr->interval > 1 && attr->calls % attr->interval)
		return false;
	if (attr->probability < 100 &&
	    prng_below(&attr->rng, 100) >= attr->probability)
		return false;
	if (attr->times > 0)
		attr->times--;
	attr->nr_failed++;
	return true;
}

void fault_inject_nth(struct fault_attr *attr, unsigned long n)
{
	reset(attr);
	attr->nth = n ? n : 1;
	attr->enabled = true;
}

void fault_inject_random(struct fault_attr *attr, unsigned long percent,
			 u64 seed)
{
	reset(attr);
	attr->probability = percent > 100 ? 100 : percent;
	prng_seed(&attr->rng, seed);
	attr->enabled = attr->probability > 0;
}

void fault_inject_off(struct fault_attr *attr)
{
	attr->enabled = false;
	attr->nth = 0;
}

void fault_inject_save(struct fault_inject_state *st)
{
	st->page_alloc = fail_page_alloc;
	st->slab = failslab;
	fault_inject_off(&fail_page_alloc);
	fault_inject_off(&failslab);
}

void fault_inject_restore(const struct fault_inject_state *st)
{
	fail_page_alloc = st->page_alloc;
	failslab = st->slab;
}

bool fault_inject_same_setting(const struct fault_attr *a,
			       const struct fault_attr *b)
{
	if (!a->enabled || !b->enabled)
		return a->enabled == b->enabled; /* off is off */
	return a->probability == b->probability && a->interval == b->interval &&
	       a->nth == b->nth &&
	       a->ignore_gfp_reclaim == b->ignore_gfp_reclaim;
}

bool fault_inject_active(void)
{
	return fail_page_alloc.enabled || failslab.enabled;
}

int fault_inject_describe(const struct fault_attr *attr, char *buf, size_t size)
{
	if (!attr->enabled)
		return snprintf(buf, size, "%s off", attr->name);
	if (attr->nth)
		return snprintf(buf, size, "%s: call %lu of %lu", attr->name,
				attr->calls, attr->nth);
	return snprintf(buf, size,
			"%s=%lu,%lu,%lu,%ld: %lu failure(s) in %lu call(s)",
			attr->name, attr->interval, attr->probability,
			attr->space, attr->times, attr->nr_failed, attr->calls);
}

static void arm_one(struct fault_attr *attr, const struct fault_attr *boot,
		    bool set, u64 seed)
{
	if (!set)
		return;
	*attr = *boot;
	attr->name = boot->name;
	prng_seed(&attr->rng, seed ^ 0x6661756c74ULL ^ (u64)attr->probability);
	attr->enabled = attr->probability > 0 && attr->times != 0;
	if (attr->enabled)
		pr_info("fault_inject: %s=%lu,%lu,%lu,%ld armed (boot "
			"allocations were not injected)\n",
			attr->name, attr->interval, attr->probability,
			attr->space, attr->times);
	else
		pr_info("fault_inject: %s=%lu,%lu,%lu,%ld never fails; not "
			"armed\n",
			attr->name, attr->interval, attr->probability,
			attr->space, attr->times);
}

static void report_one(const struct fault_attr *attr,
		       const struct fault_attr *boot, bool set,
		       const char *when)
{
	if (!set)
		return;
	if (!attr->enabled || attr->nth)
		pr_info("fault_inject: %s=%lu,%lu,%lu,%ld: off %s\n",
			boot->name, boot->interval, boot->probability,
			boot->space, boot->times, when);
	else
		pr_info("fault_inject: %s=%lu,%lu,%lu,%ld: %lu failure(s) "
			"injected in %lu call(s) %s\n",
			boot->name, boot->interval, boot->probability,
			boot->space, boot->times, attr->nr_failed, attr->calls,
			when);
}

void fault_inject_report(const char *when)
{
	report_one(&fail_page_alloc, &boot_fail_page_alloc,
		   boot_set_fail_page_alloc, when);
	report_one(&failslab, &boot_failslab, boot_set_failslab, when);
}

void fault_inject_reseed(u64 seed)
{
	if (fail_page_alloc.enabled && !fail_page_alloc.nth)
		prng_seed(&fail_page_alloc.rng,
			  seed ^ 0x6661756c74ULL ^
				  (u64)fail_page_alloc.probability);
	if (failslab.enabled && !failslab.nth)
		prng_seed(&failslab.rng, ~seed ^ (u64)failslab.probability);
}

void fault_inject_arm(u64 seed)
{
	arm_one(&fail_page_alloc, &boot_fail_page_alloc,
		boot_set_fail_page_alloc, seed);
	arm_one(&failslab, &boot_failslab, boot_set_failslab, seed);
}

/* "<interval>,<probability>,<space>,<times>", as Linux's setup_fault_attr(). */
static int parse_attr(struct fault_attr *attr, const char *val, char *why,
		      size_t why_size)
{
	char buf[80], *field[4], *p;
	unsigned long long v[3];
	long long times;
	int i;

	if (!val || strscpy(buf, val, sizeof(buf)) < 0)
		goto bad;
	p = buf;
	for (i = 0; i < 4; i++) {
		field[i] = p;
		p = strchr(p, ',');
		if (i < 3) {
			if (!p)
				goto bad;
			*p++ = '\0';
		} else if (p) {
			goto bad;
		}
	}
	for (i = 0; i < 3; i++)
		if (kstrtoull(field[i], 0, &v[i]))
			goto bad;
	if (kstrtoll(field[3], 0, &times) || times < -1 || v[1] > 100)
		goto bad;
	reset(attr);
	attr->interval = v[0] ? (unsigned long)v[0] : 1;
	attr->probability = (unsigned long)v[1];
	attr->space = (unsigned long)v[2];
	attr->times = (long)times;
	/* Not yet: fault_inject_arm() turns it on after init. */
	return 0;
bad:
	snprintf(why, why_size,
		 "expected <interval>,<probability 0-100>,<space>,<times>");
	return -EINVAL;
}

static int set_fail_page_alloc(const char *val, char *why, size_t why_size)
{
	boot_fail_page_alloc.name = fail_page_alloc.name;
	if (parse_attr(&boot_fail_page_alloc, val, why, why_size))
		return -EINVAL;
	boot_set_fail_page_alloc = true;
	return 0;
}
KPARAM("fail_page_alloc", set_fail_page_alloc,
       "inject page allocation failures: "
       "<interval>,<probability>,<space>,<times>");

static int set_failslab(const char *val, char *why, size_t why_size)
{
	boot_failslab.name = failslab.name;
	if (parse_attr(&boot_failslab, val, why, why_size))
		return -EINVAL;
	boot_set_failslab = true;
	return 0;
}
KPARAM("failslab", set_failslab,
       "inject slab allocation failures: "
       "<interval>,<probability>,<space>,<times>");
