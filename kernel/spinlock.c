/*
 * kernel/spinlock.c: the ticket lock's slow parts, lock debugging and
 * lockdep-lite (see include/kernel/spinlock.h for the rules).
 *
 * Lockdep-lite keeps, per lock class, a bitmap `after` of the classes
 * taken while it was held: class A's bit B means "B was taken with A
 * held", the edge A -> B. Taking lock L (class C) while this CPU holds
 * H1..Hn adds the edges Hi -> C. Before adding Hi -> C it asks whether C
 * already reaches Hi (a breadth-first search over the bitmaps, at most
 * MAX_LOCK_CLASSES steps): if so, some code took C, then (through a chain)
 * Hi, and this code takes Hi, then C. Two CPUs running the two paths at
 * once would each wait for the other forever:
 *
 *        CPU0                 CPU1
 *        lock(A)              lock(B)
 *        lock(B)  waits       lock(A)  waits
 *
 * That is reported as Linux's lockdep reports it, the first time the
 * second order is seen, even though one CPU ran both orders one after the
 * other and nothing hung. The offending edge is not added, so a class
 * pair is reported each time the wrong order is taken, and a consistent
 * order is never reported.
 *
 * Its own state (classes, edges, per-CPU held-lock stacks) is guarded by
 * graph_lock, a bare ticket lock taken with interrupts off, so the checker
 * works on every CPU and from interrupt handlers.
 */
#include <kernel/apic.h>
#include <kernel/cmdline.h>
#include <kernel/panic.h>
#include <kernel/printk.h>
#include <kernel/spinlock.h>
#include <lib/errno.h>

#define MAX_LOCK_CLASSES 64 /* one u64 bitmap of edges per class */
#define MAX_HELD_LOCKS	 16 /* per CPU, nested */

_Static_assert(MAX_LOCK_CLASSES == 64, "edge sets are one u64");

struct lock_class {
	const void *key; /* the lock_class_key, or the lock */
	const char *name;
	u64 after; /* bit j: class j taken while this held */
	unsigned long
		edge_ip[MAX_LOCK_CLASSES]; /* where each edge was first seen */
};

struct held_lock {
	unsigned int class;
	unsigned long ip; /* where it was taken */
	const spinlock_t *lock;
};

/* A bare ticket lock, for lockdep's own data (never checked itself). */
struct raw_ticket {
	u32 next, serving;
};

bool debug_locks = KVLAB_DEBUG_VM;

static struct raw_ticket graph_lock;
static struct lock_class classes[MAX_LOCK_CLASSES];
static unsigned int nr_classes;
static unsigned int nr_edges;
static unsigned long nr_inversions, nr_spin_bugs;
static bool classes_full_warned, held_full_warned;
static struct held_lock held[APIC_MAX_CPUS][MAX_HELD_LOCKS];
static unsigned int nr_held[APIC_MAX_CPUS];
/* Set while this CPU is inside lockdep: a lock taken by its printk is not checked. */
static bool in_lockdep[APIC_MAX_CPUS];

static int set_debug_locks(const char *val, char *why, size_t why_size)
{
	return kparam_bool(val, &debug_locks, why, why_size);
}
KPARAM("debug_locks", set_debug_locks,
       "spinlock debugging and lock-order checking (default 1 in test kernels, "
       "0 in make bench's)");

/*
 * lock_cpu - this CPU's number. Until per-CPU data gives
 * smp_processor_id(), the local APIC ID stands in; this is the one place
 * to change.
 */
static unsigned int lock_cpu(void)
{
	return apic_current_cpu();
}

static void raw_ticket_lock(u32 *next, u32 *serving)
{
	u32 ticket = __atomic_fetch_add(next, 1, __ATOMIC_RELAXED);

	while (__atomic_load_n(serving, __ATOMIC_ACQUIRE) != ticket)
		cpu_relax();
}

static void raw_ticket_unlock(u32 *serving)
{
	__atomic_store_n(serving, *serving + 1, __ATOMIC_RELEASE);
}

static bool raw_ticket_trylock(u32 *next, u32 *serving)
{
	u32 s = __atomic_load_n(serving, __ATOMIC_RELAXED);
	u32 expected = s;

	/* Free when next == serving: take ticket s by moving next to s + 1. */
	return __atomic_compare_exchange_n(next, &expected, s + 1, false,
					   __ATOMIC_ACQUIRE, __ATOMIC_RELAXED);
}

static unsigned long graph_lock_irqsave(void)
{
	unsigned long flags;

	local_irq_save(flags);
	raw_ticket_lock(&graph_lock.next, &graph_lock.serving);
	return flags;
}

static void graph_unlock_irqrestore(unsigned long flags)
{
	raw_ticket_unlock(&graph_lock.serving);
	local_irq_restore(flags);
}

void __spin_lock_init(spinlock_t *lock, const char *name,
		      const struct lock_class_key *key)
{
	lock->next = 0;
	lock->serving = 0;
	lock->magic = SPINLOCK_MAGIC;
	lock->owner_cpu = -1;
	lock->owner_ip = 0;
	lock->name = name;
	lock->key = key;
}

/* ---- DEBUG_SPINLOCK ------------------------------------------------- */

/* Linux's spin_dump(): "BUG: spinlock MSG on CPU#N" and the lock's state. */
static void spin_bug(const spinlock_t *lock, const char *msg)
{
	nr_spin_bugs++;
	report_begin("BUG: spinlock %s on CPU#%u", msg, lock_cpu());
	printk(KERN_ERR " lock: %s (%p), .magic: %08x, .owner_cpu: %d, taken "
			"at: %pS\n",
	       lock->name ? lock->name : "?", (const void *)lock, lock->magic,
	       lock->owner_cpu, (void *)lock->owner_ip);
	report_end();
}

/* ---- lockdep-lite ----------------------------------------------------- */

/* The class of @lock, registered on first use. Return: its index, or -1. */
static int class_of(const spinlock_t *lock)
{
	const void *key = lock->key ? (const void *)lock->key
				    : (const void *)lock;
	unsigned int i;

	for (i = 0; i < nr_classes; i++)
		if (classes[i].key == key)
			return (int)i;
	if (nr_classes == MAX_LOCK_CLASSES) {
		if (!classes_full_warned)
			pr_err("lockdep: more than %d lock classes; the new "
			       "ones are not checked\n",
			       MAX_LOCK_CLASSES);
		classes_full_warned = true;
		return -1;
	}
	classes[nr_classes].key = key;
	classes[nr_classes].name = lock->name ? lock->name : "?";
	return (int)nr_classes++;
}

/*
 * Does @from reach @to over recorded edges? Breadth first; @parent[x] is
 * the class x was reached from, to print the chain.
 */
static bool class_reaches(unsigned int from, unsigned int to,
			  u8 parent[MAX_LOCK_CLASSES])
{
	u64 seen = 1ULL << from, frontier = 1ULL << from, next;
	unsigned int x, y;

	while (frontier) {
		next = 0;
		for (x = 0; x < nr_classes; x++) {
			if (!(frontier & (1ULL << x)))
				continue;
			for (y = 0; y < nr_classes; y++) {
				if (!(classes[x].after & (1ULL << y)) ||
				    (seen & (1ULL << y)))
					continue;
				parent[y] = (u8)x;
				if (y == to)
					return true;
				seen |= 1ULL << y;
				next |= 1ULL << y;
			}
		}
		frontier = next;
	}
	return false;
}

/*
 * The chain new -> ... -> held, printed from its far end as Linux does
 * ("in reverse order"): each line says where its class was taken while
 * the one below it was held.
 */
static void print_existing_chain(unsigned int new_class,
				 unsigned int held_class,
				 const u8 parent[MAX_LOCK_CLASSES])
{
	unsigned int x = held_class, depth = 0, n;

	for (n = held_class; n != new_class; n = parent[n])
		depth++;
	while (x != new_class) {
		printk(KERN_ERR "-> #%u (%s):\n", depth--, classes[x].name);
		printk(KERN_ERR "       taken at %pS while holding (%s)\n",
		       (void *)classes[parent[x]].edge_ip[x],
		       classes[parent[x]].name);
		x = parent[x];
	}
	printk(KERN_ERR "-> #0 (%s):\n", classes[new_class].name);
	printk(KERN_ERR "       held first, as above\n");
}

static void print_held_locks(unsigned int cpu)
{
	unsigned int i;

	printk(KERN_ERR "%u lock%s held by CPU#%u:\n", nr_held[cpu],
	       nr_held[cpu] == 1 ? "" : "s", cpu);
	for (i = 0; i < nr_held[cpu]; i++)
		printk(KERN_ERR " #%u: (%s), at: %pS\n", i,
		       classes[held[cpu][i].class].name,
		       (void *)held[cpu][i].ip);
}

static void report_inversion(unsigned int cpu, const struct held_lock *h,
			     unsigned int new_class, unsigned long ip,
			     const u8 parent[MAX_LOCK_CLASSES])
{
	const char *a = classes[h->class].name, *b = classes[new_class].name;

	nr_inversions++;
	report_begin("WARNING: possible circular locking dependency detected");
	printk(KERN_ERR "CPU#%u is trying to acquire lock:\n", cpu);
	printk(KERN_ERR " (%s), at: %pS\n\n", b, (void *)ip);
	printk(KERN_ERR "but CPU#%u is already holding lock:\n", cpu);
	printk(KERN_ERR " (%s), at: %pS\n\n", a, (void *)h->ip);
	printk(KERN_ERR "which lock already depends on the new lock.\n\n");
	printk(KERN_ERR "the existing dependency chain (in reverse order) "
			"is:\n\n");
	print_existing_chain(new_class, h->class, parent);
	printk(KERN_ERR "\nthe new dependency:\n\n");
	printk(KERN_ERR "-> (%s) held since %pS,\n", a, (void *)h->ip);
	printk(KERN_ERR "   (%s) taken at %pS\n\n", b, (void *)ip);
	printk(KERN_ERR "other info that might help us debug this:\n\n");
	printk(KERN_ERR " Possible unsafe locking scenario:\n\n");
	printk(KERN_ERR "       CPU0                    CPU1\n");
	printk(KERN_ERR "       ----                    ----\n");
	printk(KERN_ERR "  lock(%s);\n", a);
	printk(KERN_ERR "                               lock(%s);\n", b);
	printk(KERN_ERR "                               lock(%s);\n", a);
	printk(KERN_ERR "  lock(%s);\n\n", b);
	printk(KERN_ERR " *** DEADLOCK ***\n\n");
	print_held_locks(cpu);
	report_end();
}

/* Record the edges held -> new, each after looking for an inversion. */
static void lockdep_add_edges(unsigned int cpu, unsigned int cls,
			      unsigned long ip)
{
	u8 parent[MAX_LOCK_CLASSES];
	unsigned int i, h;

	for (i = 0; i < nr_held[cpu]; i++) {
		h = held[cpu][i].class;
		if (h == cls || (classes[h].after & (1ULL << cls)))
			continue; /* same class, or an edge already known */
		if (class_reaches(cls, h, parent)) {
			report_inversion(cpu, &held[cpu][i], cls, ip, parent);
			continue;
		}
		classes[h].after |= 1ULL << cls;
		classes[h].edge_ip[cls] = ip;
		nr_edges++;
	}
}

static void lockdep_acquire(const spinlock_t *lock, unsigned long ip,
			    bool check)
{
	unsigned int cpu = lock_cpu();
	unsigned long flags;
	int cls;

	if (in_lockdep[cpu])
		return;
	flags = graph_lock_irqsave();
	in_lockdep[cpu] = true;
	cls = class_of(lock);
	if (cls < 0)
		goto out;
	if (check)
		lockdep_add_edges(cpu, (unsigned int)cls, ip);
	if (nr_held[cpu] == MAX_HELD_LOCKS) {
		if (!held_full_warned)
			pr_err("lockdep: CPU#%u holds more than %d locks; not "
			       "tracking more\n",
			       cpu, MAX_HELD_LOCKS);
		held_full_warned = true;
		goto out;
	}
	held[cpu][nr_held[cpu]++] =
		(struct held_lock){ (unsigned int)cls, ip, lock };
out:
	in_lockdep[cpu] = false;
	graph_unlock_irqrestore(flags);
}

/* Drop @lock from this CPU's held stack (locks may be released in any order). */
static void lockdep_release(const spinlock_t *lock)
{
	unsigned int cpu = lock_cpu(), i;
	unsigned long flags;

	if (in_lockdep[cpu])
		return;
	flags = graph_lock_irqsave();
	for (i = nr_held[cpu]; i-- > 0;) {
		if (held[cpu][i].lock != lock)
			continue;
		for (; i + 1 < nr_held[cpu]; i++)
			held[cpu][i] = held[cpu][i + 1];
		nr_held[cpu]--;
		break;
	}
	graph_unlock_irqrestore(flags);
}

/* ---- the lock operations ---------------------------------------------- */

/* The checks before taking: false when the lock must not be taken. */
static bool spin_debug_before(spinlock_t *lock)
{
	if (lock->magic != SPINLOCK_MAGIC)
		spin_bug(lock, "bad magic");
	if (lock->owner_cpu == (int)lock_cpu() && spin_is_locked(lock)) {
		/* Taking it would spin forever: report, and do not. */
		spin_bug(lock, "recursion");
		return false;
	}
	return true;
}

void do_spin_lock(spinlock_t *lock)
{
	unsigned long ip = _RET_IP_;

	if (debug_locks) {
		if (!spin_debug_before(lock)) {
			preempt_enable(); /* the caller's spin_unlock() stays balanced */
			return;
		}
		lockdep_acquire(lock, ip, true);
	}
	raw_ticket_lock(&lock->next, &lock->serving);
	if (debug_locks) {
		lock->owner_cpu = (int)lock_cpu();
		lock->owner_ip = ip;
	}
}

bool do_spin_trylock(spinlock_t *lock)
{
	unsigned long ip = _RET_IP_;

	if (!raw_ticket_trylock(&lock->next, &lock->serving))
		return false;
	if (debug_locks) {
		/* A trylock cannot wait, so it adds no ordering edges. */
		lockdep_acquire(lock, ip, false);
		lock->owner_cpu = (int)lock_cpu();
		lock->owner_ip = ip;
	}
	return true;
}

void do_spin_unlock(spinlock_t *lock)
{
	if (debug_locks) {
		if (lock->magic != SPINLOCK_MAGIC)
			spin_bug(lock, "bad magic");
		if (!spin_is_locked(lock)) {
			spin_bug(lock, "already unlocked");
			preempt_disable(); /* balance the caller's preempt_enable() */
			return;
		}
		if (lock->owner_cpu >= 0 && lock->owner_cpu != (int)lock_cpu())
			spin_bug(lock, "wrong CPU");
		lockdep_release(lock);
		lock->owner_cpu = -1;
		lock->owner_ip = 0;
	}
	raw_ticket_unlock(&lock->serving);
}

void lockdep_assert_held(const spinlock_t *lock)
{
	if (!debug_locks)
		return;
	WARN(!spin_is_locked(lock) || lock->owner_cpu != (int)lock_cpu(),
	     "lock %s not held by CPU#%u (owner_cpu %d)", lock->name,
	     lock_cpu(), lock->owner_cpu);
}

void lockdep_get_stats(struct lockdep_stats *st)
{
	st->nr_classes = nr_classes;
	st->nr_edges = nr_edges;
	st->nr_inversions = nr_inversions;
	st->nr_spin_bugs = nr_spin_bugs;
}

unsigned int lockdep_depth(void)
{
	return nr_held[lock_cpu()];
}
