/*
 * tests/host/test_rbtree.c: lib/rbtree.c under long seeded sequences of
 * inserts, erases and value changes, checked after every step against a
 * model that is just an array of the nodes in key order.
 *
 * After each step: the in-order walk (rb_first/rb_next) and the reverse
 * walk (rb_last/rb_prev) visit exactly the model's nodes in the model's
 * order; the red-black rules and parent links hold (checked here, and
 * rb_check() must agree); the height is at most 2 log2(n + 1); and in an
 * augmented tree every node's value is what a brute-force walk of its
 * subtree gives.
 */
#include "harness.h"
#include <lib/rbtree.h>
#include <lib/string.h>

#define POOL	  512 /* nodes a sequence can have in the tree */
#define KEY_RANGE 300 /* small: many equal keys */

struct tnode {
	u32 key;
	u32 val;     /* the node's own contribution */
	u32 max_val; /* augmented: largest val in the subtree */
	bool in_tree;
	struct rb_node rb;
};

/* The model: the nodes in the tree, in walk order. */
struct rb_model {
	struct rb_root root;
	struct tnode pool[POOL];
	struct tnode *order[POOL];
	size_t nr;
	const struct rb_augment_callbacks *aug;
	unsigned long nr_computes; /* compute callbacks seen */
};

static struct tnode *tn(const struct rb_node *n)
{
	return rb_entry((struct rb_node *)n, struct tnode, rb);
}

static u32 sub_max(const struct rb_node *n)
{
	return n ? tn(n)->max_val : 0;
}

static struct rb_model *aug_owner; /* for counting compute calls */

static bool aug_compute(struct rb_node *n)
{
	u32 m = MAX(tn(n)->val, MAX(sub_max(n->rb_left), sub_max(n->rb_right)));

	if (aug_owner)
		aug_owner->nr_computes++;
	if (tn(n)->max_val == m)
		return false;
	tn(n)->max_val = m;
	return true;
}

static void aug_copy(struct rb_node *old, struct rb_node *new_top)
{
	tn(new_top)->max_val = tn(old)->max_val;
}

static const struct rb_augment_callbacks test_aug = {
	.compute = aug_compute,
	.copy = aug_copy,
};

/* Insert @x after every node with an equal key, in tree and model. */
static void model_insert(struct rb_model *m, struct tnode *x)
{
	struct rb_node **link = &m->root.rb_node, *parent = NULL;
	size_t pos = m->nr;

	while (*link) {
		parent = *link;
		link = x->key < tn(parent)->key ? &parent->rb_left
						: &parent->rb_right;
	}
	x->max_val = 0;
	rb_link_node(&x->rb, parent, link);
	rb_insert(&x->rb, &m->root, m->aug);
	x->in_tree = true;
	while (pos && m->order[pos - 1]->key > x->key)
		pos--;
	memmove(&m->order[pos + 1], &m->order[pos],
		(m->nr - pos) * sizeof(m->order[0]));
	m->order[pos] = x;
	m->nr++;
}

static void model_erase(struct rb_model *m, size_t pos)
{
	struct tnode *x = m->order[pos];

	rb_erase(&x->rb, &m->root, m->aug);
	x->in_tree = false;
	memset(&x->rb, 0x5a, sizeof(x->rb)); /* stale links must not matter */
	memmove(&m->order[pos], &m->order[pos + 1],
		(m->nr - pos - 1) * sizeof(m->order[0]));
	m->nr--;
}

/*
 * The red-black rules, parent links and augmented values of the subtree
 * at @n, checked independently of rb_check(). Return: the black height,
 * or -1 after a failed CHECK; *@height gets the subtree's height.
 */
static int verify_subtree(struct host_test *t, const struct rb_model *m,
			  const struct rb_node *n, const struct rb_node *parent,
			  unsigned int *height)
{
	unsigned int hl = 0, hr = 0;
	int bl, br;
	u32 want;

	*height = 0;
	if (!n)
		return 1;
	if (!CHECK(t, n->rb_parent == parent,
		   "node key %u: parent %p, expected %p", tn(n)->key,
		   (void *)n->rb_parent, (const void *)parent) ||
	    !CHECK(t, n->rb_color == RB_RED || n->rb_color == RB_BLACK,
		   "node key %u: colour %d", tn(n)->key, n->rb_color) ||
	    !CHECK(t,
		   !(n->rb_color == RB_RED && parent &&
		     parent->rb_color == RB_RED),
		   "red node key %u under red key %u", tn(n)->key,
		   tn(parent)->key))
		return -1;
	bl = verify_subtree(t, m, n->rb_left, n, &hl);
	if (bl < 0)
		return -1;
	br = verify_subtree(t, m, n->rb_right, n, &hr);
	if (br < 0)
		return -1;
	if (!CHECK(t, bl == br, "node key %u: black height %d left, %d right",
		   tn(n)->key, bl, br))
		return -1;
	if (m->aug) {
		/* Brute force from the children's (already verified) values. */
		want = MAX(tn(n)->val,
			   MAX(sub_max(n->rb_left), sub_max(n->rb_right)));
		if (!CHECK(t, tn(n)->max_val == want,
			   "node key %u val %u: augmented %u, subtree max %u",
			   tn(n)->key, tn(n)->val, tn(n)->max_val, want))
			return -1;
	}
	*height = 1 + MAX(hl, hr);
	return bl + (n->rb_color == RB_BLACK);
}

/* Every property of the header comment; false after the first failure. */
static bool verify(struct host_test *t, const struct rb_model *m)
{
	const struct rb_node *n;
	unsigned int height;
	size_t i;
	int bh;

	if (!CHECK(t, !m->root.rb_node || m->root.rb_node->rb_color == RB_BLACK,
		   "the root is red"))
		return false;
	bh = verify_subtree(t, m, m->root.rb_node, NULL, &height);
	if (bh < 0)
		return false;
	if (!CHECK(t, rb_check(&m->root) == bh,
		   "rb_check() says %d, black height %d", rb_check(&m->root),
		   bh))
		return false;
	/* height <= 2 log2(nr + 1), that is 2^height <= (nr + 1)^2 */
	if (!CHECK(t,
		   height < 40 &&
			   (1ULL << height) <= (u64)(m->nr + 1) * (m->nr + 1),
		   "height %u with %zu nodes", height, m->nr))
		return false;
	if (!CHECK(t, rb_empty(&m->root) == (m->nr == 0),
		   "rb_empty() %d with %zu nodes", rb_empty(&m->root), m->nr))
		return false;
	for (n = rb_first(&m->root), i = 0; n; n = rb_next(n), i++)
		if (!CHECK(t, i < m->nr && tn(n) == m->order[i],
			   "in-order walk: step %zu is key %u, the model has "
			   "%zu nodes",
			   i, tn(n)->key, m->nr))
			return false;
	if (!CHECK(t, i == m->nr, "in-order walk: %zu nodes, the model %zu", i,
		   m->nr))
		return false;
	for (n = rb_last(&m->root), i = m->nr; n; n = rb_prev(n))
		if (!CHECK(t, i > 0 && tn(n) == m->order[--i],
			   "reverse walk: key %u out of place at %zu",
			   tn(n)->key, i))
			return false;
	return CHECK(t, i == 0, "reverse walk stopped %zu nodes short", i);
}

static void model_reset(struct rb_model *m,
			const struct rb_augment_callbacks *aug)
{
	memset(m, 0, sizeof(*m));
	m->root = RB_ROOT;
	m->aug = aug;
	aug_owner = m;
}

/* A free pool slot with a random key and value. */
static struct tnode *fresh_node(struct host_test *t, struct rb_model *m)
{
	struct tnode *x;

	do
		x = &m->pool[prng_below(&t->rng, POOL)];
	while (x->in_tree);
	x->key = (u32)prng_below(&t->rng, KEY_RANGE);
	x->val = (u32)prng_below(&t->rng, 1000000);
	return x;
}

/*
 * One random sequence: phases that grow and shrink the tree, with an
 * insert probability of @grow_pct percent, and value changes
 * (rb_propagate) when augmented.
 */
static void random_sequence(struct host_test *t,
			    const struct rb_augment_callbacks *aug,
			    unsigned long steps)
{
	static struct rb_model m;
	unsigned long i;
	unsigned int grow_pct = 70;

	model_reset(&m, aug);
	for (i = 0; i < steps; i++) {
		u64 r = prng_below(&t->rng, 100);

		if (i % 2000 == 0)
			grow_pct = (unsigned int)prng_range(&t->rng, 20, 80);
		if (aug && r >= 90 && m.nr) {
			struct tnode *x = m.order[prng_below(&t->rng, m.nr)];

			x->val = (u32)prng_below(&t->rng, 1000000);
			rb_propagate(&x->rb, aug);
		} else if ((r < grow_pct || !m.nr) && m.nr < POOL) {
			model_insert(&m, fresh_node(t, &m));
		} else {
			model_erase(&m, prng_below(&t->rng, m.nr));
		}
		if (!verify(t, &m)) {
			host_log(t, "at step %lu, %zu nodes", i, m.nr);
			return;
		}
	}
	while (m.nr) {
		model_erase(&m, prng_below(&t->rng, m.nr));
		if (!verify(t, &m))
			return;
	}
	aug_owner = NULL;
}

/* A plain tree (no callbacks) under random inserts and erases. */
static void random_plain(struct host_test *t)
{
	random_sequence(t, NULL, host_iters(t, 20000));
}

/* An augmented tree: rotations and erases keep every subtree maximum right. */
static void random_augmented(struct host_test *t)
{
	random_sequence(t, &test_aug, host_iters(t, 20000));
}

/*
 * Sorted inserts (every insert rotates at the same edge), then erases
 * from the front, from the back and of the root: the fix-up cases a
 * random order reaches rarely.
 */
static void sorted_runs(struct host_test *t)
{
	static struct rb_model m;
	unsigned int pass, i;

	/* Odd passes augmented; passes 2 and 3 insert in descending order. */
	for (pass = 0; pass < 6; pass++) {
		model_reset(&m, pass & 1 ? &test_aug : NULL);
		for (i = 0; i < POOL; i++) {
			struct tnode *x = &m.pool[i];

			x->key = pass & 2 ? POOL - i : i;
			x->val = (i * 7919) % 1000;
			model_insert(&m, x);
			if (!verify(t, &m))
				return;
		}
		while (m.nr) {
			size_t pos = 0; /* passes 0, 1: the first */

			if (pass == 2 || pass == 3) /* the last */
				pos = m.nr - 1;
			else if (pass >= 4) /* the root */
				while (m.order[pos] != tn(m.root.rb_node))
					pos++;
			model_erase(&m, pos);
			if (!verify(t, &m))
				return;
		}
	}
	aug_owner = NULL;
}

/* The walks on an empty tree and a single node. */
static void tiny_trees(struct host_test *t)
{
	static struct rb_model m;

	model_reset(&m, &test_aug);
	CHECK(t, !rb_first(&m.root) && !rb_last(&m.root),
	      "empty tree has a first node");
	CHECK(t, rb_check(&m.root) == 1, "empty tree: rb_check() %d",
	      rb_check(&m.root));
	m.pool[0].key = 5;
	m.pool[0].val = 42;
	model_insert(&m, &m.pool[0]);
	CHECK(t, m.pool[0].max_val == 42, "single node: augmented %u",
	      m.pool[0].max_val);
	CHECK(t, !rb_next(&m.pool[0].rb) && !rb_prev(&m.pool[0].rb),
	      "single node has neighbours");
	verify(t, &m);
	model_erase(&m, 0);
	CHECK(t, rb_empty(&m.root), "erasing the only node leaves a tree");
	aug_owner = NULL;
}

/*
 * rb_propagate stops where a value does not change: lowering a value
 * that was not any ancestor's maximum costs one compute.
 */
static void propagate_stops(struct host_test *t)
{
	static struct rb_model m;
	struct tnode *x;
	unsigned int i;

	model_reset(&m, &test_aug);
	for (i = 0; i < 63; i++) {
		m.pool[i].key = i;
		m.pool[i].val = i == 31 ? 1000 : i;
		model_insert(&m, &m.pool[i]);
	}
	if (!verify(t, &m))
		return;
	x = m.order[0]; /* a leaf: key 0, value 0 */
	m.nr_computes = 0;
	x->val = 0;
	rb_propagate(&x->rb, &test_aug);
	CHECK(t, m.nr_computes == 1, "unchanged value: %lu computes",
	      m.nr_computes);
	x->val = 5000; /* now every ancestor's maximum */
	rb_propagate(&x->rb, &test_aug);
	CHECK(t, tn(m.root.rb_node)->max_val == 5000,
	      "root maximum %u after raising a leaf",
	      tn(m.root.rb_node)->max_val);
	verify(t, &m);
	aug_owner = NULL;
}

const struct host_suite suite_rbtree =
	HOST_SUITE("rbtree", HOST_CASE(random_plain),
		   HOST_CASE(random_augmented), HOST_CASE(sorted_runs),
		   HOST_CASE(tiny_trees), HOST_CASE(propagate_stops));
