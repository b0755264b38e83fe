/*
 * include/kernel/spinlock.h: ticket spinlocks with Linux's API, lock
 * debugging and a lock-order checker (lockdep-lite).
 *
 * A ticket lock is a bakery queue: a CPU takes the next ticket with one
 * atomic fetch-and-add and waits until "now serving" shows its number;
 * unlock advances "now serving". Waiters are served in arrival order, so
 * no CPU starves (a plain test-and-set lock does not promise that).
 *
 *    spin_lock()   ticket = next++        (lock xadd)
 *                  while (serving != ticket) pause
 *    spin_unlock() serving++               (a release store)
 *
 * Every variant disables preemption, so in_atomic() is true while a
 * spinlock is held and might_sleep() reports a GFP_KERNEL allocation
 * under one. The _irqsave/_irq variants also turn interrupts off on this
 * CPU: use them for a lock that an interrupt handler also takes, or the
 * handler can spin forever on a lock its own CPU holds.
 *
 * Debugging (debug_locks, one switch, on in the test kernels: the
 * cmdline's debug_locks=0|1) adds Linux's DEBUG_SPINLOCK checks, each a
 * counted report ("BUG: spinlock recursion on CPU#0, ..."):
 *   - recursion: this CPU already holds the lock (it would deadlock; the
 *     report is made and the lock is not taken a second time);
 *   - already unlocked: unlock of a free lock;
 *   - wrong CPU: unlock on a CPU other than the one that locked;
 * and lockdep-lite: each lock class (one per spin_lock_init() call site,
 * or the lock itself for DEFINE_SPINLOCK) records which classes were held
 * when it was taken. Taking B while holding A adds the edge A -> B; if B
 * already reaches A through recorded edges, the two orders can deadlock
 * on two CPUs, and Linux's "WARNING: possible circular locking dependency
 * detected" is printed with both chains, whether or not it ever deadlocked.
 */
#ifndef KVLAB_KERNEL_SPINLOCK_H
#define KVLAB_KERNEL_SPINLOCK_H

#include <kernel/irqflags.h>
#include <kernel/preempt.h>
#include <lib/compiler.h>
#include <lib/types.h>

#define SPINLOCK_MAGIC 0xdead4eadu /* Linux's */

/* A lock class: one static key per init site, as Linux's lockdep. */
struct lock_class_key {
	u8 unused; /* only the address matters */
};

typedef struct spinlock {
	u32 next;    /* the next ticket to hand out */
	u32 serving; /* the ticket that may hold the lock */
	/* debugging (always present, used when debug_locks is on) */
	u32 magic;
	int owner_cpu;		/* -1 when free */
	unsigned long owner_ip; /* where it was taken */
	const char *name;
	const struct lock_class_key *key; /* NULL: the lock is its own class */
} spinlock_t;

#define __SPIN_LOCK_UNLOCKED(lockname)                                         \
	{                                                                      \
		.next = 0, .serving = 0, .magic = SPINLOCK_MAGIC,              \
		.owner_cpu = -1, .owner_ip = 0, .name = #lockname, .key = NULL \
	}

/* DEFINE_SPINLOCK - a statically initialised lock, its own lock class. */
#define DEFINE_SPINLOCK(x) spinlock_t x = __SPIN_LOCK_UNLOCKED(x)

void __spin_lock_init(spinlock_t *lock, const char *name,
		      const struct lock_class_key *key);

/* spin_lock_init - initialise @lock; every lock from this line is one class. */
#define spin_lock_init(lock)                             \
	do {                                             \
		static struct lock_class_key __key;      \
		__spin_lock_init((lock), #lock, &__key); \
	} while (0)

/* debug_locks - lock debugging and lockdep-lite on (debug_locks= on the cmdline). */
extern bool debug_locks;

/* Out of line, so their return address is the caller's lock site. */
void do_spin_lock(spinlock_t *lock);
bool do_spin_trylock(spinlock_t *lock);
void do_spin_unlock(spinlock_t *lock);

/* spin_lock - take @lock, spinning. Context: any; disables preemption. */
static __always_inline void spin_lock(spinlock_t *lock)
{
	preempt_disable();
	do_spin_lock(lock);
}

/* spin_trylock - take @lock if it is free. Return: true if taken. */
static __always_inline bool spin_trylock(spinlock_t *lock)
{
	preempt_disable();
	if (do_spin_trylock(lock))
		return true;
	preempt_enable();
	return false;
}

static __always_inline void spin_unlock(spinlock_t *lock)
{
	do_spin_unlock(lock);
	preempt_enable();
}

/* spin_lock_irq - interrupts off, then the lock; for code that knows they were on. */
static __always_inline void spin_lock_irq(spinlock_t *lock)
{
	local_irq_disable();
	preempt_disable();
	do_spin_lock(lock);
}

static __always_inline void spin_unlock_irq(spinlock_t *lock)
{
	do_spin_unlock(lock);
	preempt_enable();
	local_irq_enable();
}

static __always_inline unsigned long __spin_lock_irqsave(spinlock_t *lock)
{
	unsigned long flags;

	local_irq_save(flags);
	preempt_disable();
	do_spin_lock(lock);
	return flags;
}

/* spin_lock_irqsave - save the interrupt state in @flags, turn them off, lock. */
#define spin_lock_irqsave(lock, flags)               \
	do {                                         \
		(flags) = __spin_lock_irqsave(lock); \
	} while (0)

static __always_inline void spin_unlock_irqrestore(spinlock_t *lock,
						   unsigned long flags)
{
	do_spin_unlock(lock);
	preempt_enable();
	local_irq_restore(flags);
}

/* spin_is_locked - is @lock held by anyone (a snapshot)? */
static inline bool spin_is_locked(const spinlock_t *lock)
{
	return READ_ONCE(lock->next) != READ_ONCE(lock->serving);
}

/* lockdep_assert_held - warn unless this CPU holds @lock (debug_locks on). */
void lockdep_assert_held(const spinlock_t *lock);

/* Lock debugging's counters, for tests and the monitor. */
struct lockdep_stats {
	unsigned int nr_classes;     /* classes seen */
	unsigned int nr_edges;	     /* "A held when B taken" pairs */
	unsigned long nr_inversions; /* circular dependencies reported */
	unsigned long nr_spin_bugs;  /* recursion, wrong CPU, ... reported */
};
void lockdep_get_stats(struct lockdep_stats *st);

/* lockdep_depth - locks this CPU holds now (as lockdep tracks them). */
unsigned int lockdep_depth(void);

#endif
