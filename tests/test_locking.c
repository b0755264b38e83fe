/*
 * tests/test_locking.c: the locking suite: spinlocks and their irqsave
 * variants, lock debugging (recursion, unlock of a free lock, unlock on
 * the wrong CPU) and lockdep-lite (an AB-BA inversion reported though it
 * never deadlocks, a longer cycle, no report for a consistent order).
 *
 * Each case initialises its own locks with spin_lock_init() on its own
 * lines, so each has its own lock classes and no case's order leaks into
 * another's. The debugging cases need debug_locks (on in test kernels).
 */
#include <kernel/irqflags.h>
#include <kernel/ktest.h>
#include <kernel/preempt.h>
#include <kernel/spinlock.h>
#include <lib/string.h>
#include <mm/slab.h>

#define NEED_DEBUG_LOCKS(t)                                                 \
	do {                                                                \
		if (!debug_locks)                                           \
			KT_SKIP(t, "debug_locks=0: lock debugging is off"); \
	} while (0)

/* A lock is taken and released; while held, in_atomic() and trylock fail. */
static void lock_unlock_and_trylock(struct ktest *t)
{
	spinlock_t lock;
	int pc = preempt_count;

	spin_lock_init(&lock);
	KT_EXPECT_FALSE(t, spin_is_locked(&lock));
	spin_lock(&lock);
	KT_EXPECT_TRUE(t, spin_is_locked(&lock));
	KT_EXPECT_TRUE(t, in_atomic());
	KT_EXPECT_EQ(t, preempt_count, pc + 1);
	KT_EXPECT_FALSE(t, spin_trylock(&lock));
	KT_EXPECT_EQ(t, preempt_count, pc + 1); /* a failed trylock leaves it */
	spin_unlock(&lock);
	KT_EXPECT_FALSE(t, spin_is_locked(&lock));
	KT_EXPECT_EQ(t, preempt_count, pc);
	KT_ASSERT_TRUE(t, spin_trylock(&lock));
	KT_EXPECT_TRUE(t, spin_is_locked(&lock));
	spin_unlock(&lock);
	KT_EXPECT_EQ(t, lockdep_depth(), 0);
}

/* spin_lock_irqsave turns interrupts off and the restore puts back what was. */
static void irqsave_variants(struct ktest *t)
{
	spinlock_t a, b;
	unsigned long fa, fb, outer;

	spin_lock_init(&a);
	spin_lock_init(&b);
	KT_ASSERT_FALSE(t, irqs_disabled());
	spin_lock_irqsave(&a, fa);
	KT_EXPECT_TRUE(t, irqs_disabled());
	spin_lock_irqsave(&b, fb); /* nested: interrupts already off */
	spin_unlock_irqrestore(&b, fb);
	KT_EXPECT_TRUE(t, irqs_disabled()); /* still off: a holds them off */
	spin_unlock_irqrestore(&a, fa);
	KT_EXPECT_FALSE(t, irqs_disabled());
	spin_lock_irq(&a);
	KT_EXPECT_TRUE(t, irqs_disabled());
	spin_unlock_irq(&a);
	KT_EXPECT_FALSE(t, irqs_disabled());
	local_irq_save(outer); /* taken with interrupts already off */
	spin_lock_irqsave(&a, fa);
	spin_unlock_irqrestore(&a, fa);
	KT_EXPECT_TRUE(t, irqs_disabled());
	local_irq_restore(outer);
	KT_EXPECT_FALSE(t, irqs_disabled());
}

/* Under a spinlock GFP_KERNEL is reported (might sleep), GFP_ATOMIC is not. */
static void sleeping_alloc_under_spinlock(struct ktest *t)
{
	spinlock_t lock;
	void *p = NULL, *q = NULL;

	spin_lock_init(&lock);
	spin_lock(&lock);
	KT_EXPECT_REPORTS(t, 1, p = kmalloc(128, GFP_KERNEL));
	KT_EXPECT_REPORTS(t, 0, q = kmalloc(128, GFP_ATOMIC));
	spin_unlock(&lock);
	KT_EXPECT_NOT_NULL(t, p);
	KT_EXPECT_NOT_NULL(t, q);
	kfree(p);
	kfree(q);
}

/* Taking a lock this CPU holds is reported (and not taken: no hang). */
static void recursion_reported(struct ktest *t)
{
	spinlock_t lock;
	u64 mark = ktest_log_mark();
	int pc = preempt_count;

	NEED_DEBUG_LOCKS(t);
	spin_lock_init(&lock);
	spin_lock(&lock);
	KT_EXPECT_REPORTS(t, 1, spin_lock(&lock));
	KT_EXPECT_NOT_NULL(t, ktest_log_find(mark, "BUG: spinlock recursion on "
						   "CPU#"));
	KT_EXPECT_NOT_NULL(t, ktest_log_find(mark, " lock: &lock"));
	KT_EXPECT_EQ(t, preempt_count, pc + 1);
	spin_unlock(&lock);
	KT_EXPECT_FALSE(t, spin_is_locked(&lock));
	KT_EXPECT_EQ(t, preempt_count, pc);
}

/* Unlocking a free lock is reported; the lock and preempt_count stay sane. */
static void unlock_of_free_lock_reported(struct ktest *t)
{
	spinlock_t lock;
	int pc = preempt_count;

	NEED_DEBUG_LOCKS(t);
	spin_lock_init(&lock);
	KT_EXPECT_REPORTS(t, 1, spin_unlock(&lock));
	KT_EXPECT_EQ(t, preempt_count, pc);
	KT_EXPECT_FALSE(t, spin_is_locked(&lock));
	KT_ASSERT_TRUE(t, spin_trylock(&lock)); /* still usable */
	spin_unlock(&lock);
}

/*
 * Unlock on a CPU other than the locker is reported. With one CPU the
 * other CPU's lock is staged: the owner field says CPU 1 took it, which is
 * exactly what the check compares.
 */
static void unlock_by_other_cpu_reported(struct ktest *t)
{
	spinlock_t lock;
	u64 mark = ktest_log_mark();

	NEED_DEBUG_LOCKS(t);
	spin_lock_init(&lock);
	spin_lock(&lock);
	lock.owner_cpu += 1; /* as if the next CPU held it */
	KT_EXPECT_REPORTS(t, 1, spin_unlock(&lock));
	KT_EXPECT_NOT_NULL(t, ktest_log_find(mark, "BUG: spinlock wrong CPU on "
						   "CPU#"));
	KT_EXPECT_FALSE(t, spin_is_locked(&lock)); /* released all the same */
	KT_EXPECT_EQ(t, lockdep_depth(), 0);
}

/*
 * A then B, released, later B then A: on one CPU nothing hangs, but two
 * CPUs doing the two orders at once would. Reported the first time the
 * second order is seen, with both lock names and the scenario.
 */
static void abba_inversion_reported(struct ktest *t)
{
	spinlock_t lock_a, lock_b;
	struct lockdep_stats before, after;
	u64 mark = ktest_log_mark();

	NEED_DEBUG_LOCKS(t);
	spin_lock_init(&lock_a);
	spin_lock_init(&lock_b);
	lockdep_get_stats(&before);
	spin_lock(&lock_a);
	spin_lock(&lock_b);
	spin_unlock(&lock_b);
	spin_unlock(&lock_a);

	spin_lock(&lock_b);
	KT_EXPECT_REPORTS(t, 1, spin_lock(&lock_a));
	spin_unlock(&lock_a);
	spin_unlock(&lock_b);
	lockdep_get_stats(&after);
	KT_EXPECT_UEQ(t, after.nr_inversions, before.nr_inversions + 1);
	KT_EXPECT_NOT_NULL(t, ktest_log_find(mark, "WARNING: possible circular "
						   "locking dependency "
						   "detected"));
	KT_EXPECT_NOT_NULL(t, ktest_log_find(mark, " (&lock_a), at: "
						   "abba_inversion_reported+"));
	KT_EXPECT_NOT_NULL(t, ktest_log_find(mark, " (&lock_b), at: "
						   "abba_inversion_reported+"));
	KT_EXPECT_NOT_NULL(t, ktest_log_find(mark, "-> #1 (&lock_b):"));
	KT_EXPECT_NOT_NULL(t, ktest_log_find(mark, "*** DEADLOCK ***"));
	KT_EXPECT_EQ(t, lockdep_depth(), 0);
}

/* A cycle through a third lock (A->B, B->C, then C->A) is found too. */
static void three_lock_cycle_reported(struct ktest *t)
{
	spinlock_t la, lb, lc;
	u64 mark = ktest_log_mark();

	NEED_DEBUG_LOCKS(t);
	spin_lock_init(&la);
	spin_lock_init(&lb);
	spin_lock_init(&lc);
	spin_lock(&la);
	spin_lock(&lb);
	spin_unlock(&lb);
	spin_unlock(&la);
	spin_lock(&lb);
	spin_lock(&lc);
	spin_unlock(&lc);
	spin_unlock(&lb);
	spin_lock(&lc);
	KT_EXPECT_REPORTS(t, 1, spin_lock(&la));
	spin_unlock(&la);
	spin_unlock(&lc);
	KT_EXPECT_NOT_NULL(t, ktest_log_find(mark, "-> #2 (&lc):"));
	KT_EXPECT_NOT_NULL(t, ktest_log_find(mark, "-> #1 (&lb):"));
}

static bool consistent_order_ran;

/* The same order every time, nesting three deep or skipping one: no report. */
static void consistent_order_not_reported(struct ktest *t)
{
	spinlock_t la, lb, lc;
	struct lockdep_stats before, after;
	unsigned long flags;
	int i;

	NEED_DEBUG_LOCKS(t);
	spin_lock_init(&la);
	spin_lock_init(&lb);
	spin_lock_init(&lc);
	lockdep_get_stats(&before);
	KT_EXPECT_REPORTS(t, 0, {
		for (i = 0; i < 3; i++) {
			spin_lock(&la);
			spin_lock_irqsave(&lb, flags);
			spin_lock(&lc);
			spin_unlock(&lc);
			spin_unlock_irqrestore(&lb, flags);
			spin_unlock(&la);
			spin_lock(&la);
			spin_lock(&lc);	  /* A then C, skipping B */
			spin_unlock(&la); /* released out of order */
			spin_unlock(&lc);
		}
		/* A trylock cannot deadlock: C held, trying A is no inversion. */
		spin_lock(&lc);
		if (spin_trylock(&la))
			spin_unlock(&la);
		spin_unlock(&lc);
	});
	lockdep_get_stats(&after);
	KT_EXPECT_UEQ(t, after.nr_inversions, before.nr_inversions);
	if (!consistent_order_ran) /* a rerun (monitor: test) adds none */
		KT_EXPECT_UEQ(t, after.nr_edges,
			      before.nr_edges + 3); /* A->B, B->C, A->C */
	consistent_order_ran = true;
	KT_EXPECT_EQ(t, lockdep_depth(), 0);
}

KTEST_SUITE(locking, NULL, NULL, KTEST_CASE(lock_unlock_and_trylock),
	    KTEST_CASE(irqsave_variants),
	    KTEST_CASE_NO_FAULTS(sleeping_alloc_under_spinlock),
	    KTEST_CASE(recursion_reported),
	    KTEST_CASE(unlock_of_free_lock_reported),
	    KTEST_CASE(unlock_by_other_cpu_reported),
	    KTEST_CASE(abba_inversion_reported),
	    KTEST_CASE(three_lock_cycle_reported),
	    KTEST_CASE(consistent_order_not_reported));
