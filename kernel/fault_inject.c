/*
 * kernel/fault_inject.c: deterministic and random allocation failures
 * (see include/kernel/fault_inject.h).
 *
 * should_fail() follows Linux's lib/fault-inject.c in the order of its
 * checks: times left, space to let through, interval, then probability.
 * kvlab adds `nth`, failing one chosen call, which is what a test that
 * walks every failure point of an operation needs (fail the 1st, then the
 * 2nd, ... allocation inside vmalloc and check nothing leaks each time).
 */
#include <kernel/cmdline.h>
#include <kernel/fault_inject.h>
#include <kernel/printk.h>
#include <lib/errno.h>
#include <lib/printf.h>
#include <lib/string.h>

struct fault_attr fail_page_alloc = { .name = "fail_page_alloc" };
struct fault_attr failslab = { .name = "failslab" };

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
		attr->enabled = false;	/* once */
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

void fault_inject_random(struct fault_attr *attr, unsigned long percent, u64 seed)
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
	prng_seed(&attr->rng, 0x6661756c74ULL ^ (u64)attr->probability);
	attr->enabled = attr->probability > 0 && attr->times != 0;
	return 0;
bad:
	snprintf(why, why_size, "expected <interval>,<probability 0-100>,<space>,<times>");
	return -EINVAL;
}

static int set_fail_page_alloc(const char *val, char *why, size_t why_size)
{
	return parse_attr(&fail_page_alloc, val, why, why_size);
}
KPARAM("fail_page_alloc", set_fail_page_alloc,
       "inject page allocation failures: <interval>,<probability>,<space>,<times>");

static int set_failslab(const char *val, char *why, size_t why_size)
{
	return parse_attr(&failslab, val, why, why_size);
}
KPARAM("failslab", set_failslab,
       "inject slab allocation failures: <interval>,<probability>,<space>,<times>");
