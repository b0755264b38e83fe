/*
 * lib/rbtree.c: red-black tree insertion, removal and walking, with
 * optional augmentation (see include/lib/rbtree.h).
 *
 * The rebalancing cases are those of Cormen et al., chapter 13, written
 * with an explicit parent for the "missing child" position, since there is
 * no sentinel nil node. Each rotation tells the augmentation callbacks
 * which node moved up, so a value like "largest free block in this
 * subtree" stays right without walking the whole tree:
 *
 *        x                      y
 *       / \    rotate_left     / \
 *      a   y   ---------->    x   c      y now covers a, b, c and x: the
 *         / \                / \         value x had (copy); x covers
 *        b   c              a   b        only a, b: recompute it
 */
#include <kernel/printk.h>
#include <lib/rbtree.h>

static inline bool is_black(const struct rb_node *n)
{
	return !n || n->rb_color == RB_BLACK;
}

/* Make @parent's (or the root's) link to @old point at @new_child. */
static inline void change_child(struct rb_node *old, struct rb_node *new_child,
				struct rb_node *parent, struct rb_root *root)
{
	if (!parent)
		root->rb_node = new_child;
	else if (parent->rb_left == old)
		parent->rb_left = new_child;
	else
		parent->rb_right = new_child;
}

static void rotate_left(struct rb_node *x, struct rb_root *root,
			const struct rb_augment_callbacks *aug)
{
	struct rb_node *y = x->rb_right;

	x->rb_right = y->rb_left;
	if (y->rb_left)
		y->rb_left->rb_parent = x;
	y->rb_parent = x->rb_parent;
	change_child(x, y, x->rb_parent, root);
	y->rb_left = x;
	x->rb_parent = y;
	if (aug) {
		aug->copy(x, y);
		aug->compute(x);
	}
}

static void rotate_right(struct rb_node *x, struct rb_root *root,
			 const struct rb_augment_callbacks *aug)
{
	struct rb_node *y = x->rb_left;

	x->rb_left = y->rb_right;
	if (y->rb_right)
		y->rb_right->rb_parent = x;
	y->rb_parent = x->rb_parent;
	change_child(x, y, x->rb_parent, root);
	y->rb_right = x;
	x->rb_parent = y;
	if (aug) {
		aug->copy(x, y);
		aug->compute(x);
	}
}

void rb_propagate(struct rb_node *node, const struct rb_augment_callbacks *aug)
{
	while (node && aug->compute(node))
		node = node->rb_parent;
}

/* Recompute every ancestor: after a removal a node moved, so no early stop. */
static void propagate_all(struct rb_node *node,
			  const struct rb_augment_callbacks *aug)
{
	for (; node; node = node->rb_parent)
		aug->compute(node);
}

void rb_insert(struct rb_node *node, struct rb_root *root,
	       const struct rb_augment_callbacks *aug)
{
	struct rb_node *p, *g, *u;

	if (aug) {
		aug->compute(node);
		rb_propagate(node->rb_parent, aug);
	}
	/* Rule 2 may be broken between node and its parent: fix upwards. */
	while ((p = node->rb_parent) && p->rb_color == RB_RED) {
		g = p->rb_parent; /* p is red, so not the root */
		if (p == g->rb_left) {
			u = g->rb_right;
			if (!is_black(u)) { /* case 1: recolour, go up */
				p->rb_color = u->rb_color = RB_BLACK;
				g->rb_color = RB_RED;
				node = g;
				continue;
			}
			if (node == p->rb_right) { /* case 2: make it case 3 */
				rotate_left(p, root, aug);
				node = p;
				p = node->rb_parent;
			}
			p->rb_color = RB_BLACK; /* case 3 */
			g->rb_color = RB_RED;
			rotate_right(g, root, aug);
		} else {
			u = g->rb_left;
			if (!is_black(u)) {
				p->rb_color = u->rb_color = RB_BLACK;
				g->rb_color = RB_RED;
				node = g;
				continue;
			}
			if (node == p->rb_left) {
				rotate_right(p, root, aug);
				node = p;
				p = node->rb_parent;
			}
			p->rb_color = RB_BLACK;
			g->rb_color = RB_RED;
			rotate_left(g, root, aug);
		}
	}
	root->rb_node->rb_color = RB_BLACK;
}

/*
 * A black node was removed above @x (possibly NULL) under @parent: the
 * paths through x lack one black. Push the deficit up or fix it locally.
 */
static void erase_fixup(struct rb_node *x, struct rb_node *parent,
			struct rb_root *root,
			const struct rb_augment_callbacks *aug)
{
	struct rb_node *w;

	while (x != root->rb_node && is_black(x)) {
		if (x == parent->rb_left) {
			w = parent->rb_right;
			if (w->rb_color == RB_RED) { /* case 1: red sibling */
				w->rb_color = RB_BLACK;
				parent->rb_color = RB_RED;
				rotate_left(parent, root, aug);
				w = parent->rb_right;
			}
			if (is_black(w->rb_left) && is_black(w->rb_right)) {
				w->rb_color = RB_RED; /* case 2: move up */
				x = parent;
				parent = x->rb_parent;
				continue;
			}
			if (is_black(w->rb_right)) { /* case 3 -> case 4 */
				w->rb_left->rb_color = RB_BLACK;
				w->rb_color = RB_RED;
				rotate_right(w, root, aug);
				w = parent->rb_right;
			}
			w->rb_color = parent->rb_color; /* case 4 */
			parent->rb_color = RB_BLACK;
			w->rb_right->rb_color = RB_BLACK;
			rotate_left(parent, root, aug);
			x = root->rb_node;
			break;
		}
		w = parent->rb_left;
		if (w->rb_color == RB_RED) {
			w->rb_color = RB_BLACK;
			parent->rb_color = RB_RED;
			rotate_right(parent, root, aug);
			w = parent->rb_left;
		}
		if (is_black(w->rb_left) && is_black(w->rb_right)) {
			w->rb_color = RB_RED;
			x = parent;
			parent = x->rb_parent;
			continue;
		}
		if (is_black(w->rb_left)) {
			w->rb_right->rb_color = RB_BLACK;
			w->rb_color = RB_RED;
			rotate_left(w, root, aug);
			w = parent->rb_left;
		}
		w->rb_color = parent->rb_color;
		parent->rb_color = RB_BLACK;
		w->rb_left->rb_color = RB_BLACK;
		rotate_right(parent, root, aug);
		x = root->rb_node;
		break;
	}
	if (x)
		x->rb_color = RB_BLACK;
}

void rb_erase(struct rb_node *z, struct rb_root *root,
	      const struct rb_augment_callbacks *aug)
{
	struct rb_node *y = z, *x, *x_parent;
	enum rb_color removed;

	/* y: the node actually unlinked; z itself if it has < 2 children. */
	if (z->rb_left && z->rb_right)
		for (y = z->rb_right; y->rb_left; y = y->rb_left)
			;
	x = y->rb_left ? y->rb_left : y->rb_right;
	x_parent = y->rb_parent;
	removed = y->rb_color;
	if (x)
		x->rb_parent = x_parent;
	change_child(y, x, x_parent, root);
	if (y != z) {
		/* The successor y takes z's place, colour and children. */
		if (x_parent == z)
			x_parent = y;
		y->rb_left = z->rb_left;
		y->rb_right = z->rb_right;
		y->rb_parent = z->rb_parent;
		y->rb_color = z->rb_color;
		if (y->rb_left)
			y->rb_left->rb_parent = y;
		if (y->rb_right)
			y->rb_right->rb_parent = y;
		change_child(z, y, y->rb_parent, root);
	}
	if (aug)
		propagate_all(x_parent, aug);
	if (removed == RB_BLACK)
		erase_fixup(x, x_parent, root, aug);
}

struct rb_node *rb_first(const struct rb_root *root)
{
	struct rb_node *n = root->rb_node;

	if (!n)
		return NULL;
	while (n->rb_left)
		n = n->rb_left;
	return n;
}

struct rb_node *rb_last(const struct rb_root *root)
{
	struct rb_node *n = root->rb_node;

	if (!n)
		return NULL;
	while (n->rb_right)
		n = n->rb_right;
	return n;
}

struct rb_node *rb_next(const struct rb_node *node)
{
	const struct rb_node *p;

	if (node->rb_right) {
		node = node->rb_right;
		while (node->rb_left)
			node = node->rb_left;
		return (struct rb_node *)node;
	}
	while ((p = node->rb_parent) && node == p->rb_right)
		node = p;
	return (struct rb_node *)p;
}

struct rb_node *rb_prev(const struct rb_node *node)
{
	const struct rb_node *p;

	if (node->rb_left) {
		node = node->rb_left;
		while (node->rb_right)
			node = node->rb_right;
		return (struct rb_node *)node;
	}
	while ((p = node->rb_parent) && node == p->rb_left)
		node = p;
	return (struct rb_node *)p;
}

/* Black height of the subtree at @n, or -1 if a rule is broken below. */
static int check_subtree(const struct rb_node *n, const struct rb_node *parent)
{
	int l, r;

	if (!n)
		return 1;
	if (n->rb_parent != parent) {
		printk(KERN_ERR "rbtree: node %p has parent %p, expected %p\n",
		       (const void *)n, (const void *)n->rb_parent,
		       (const void *)parent);
		return -1;
	}
	if (n->rb_color == RB_RED && parent && parent->rb_color == RB_RED) {
		printk(KERN_ERR "rbtree: rule 2 broken: red node %p has a red "
				"parent %p\n",
		       (const void *)n, (const void *)parent);
		return -1;
	}
	l = check_subtree(n->rb_left, n);
	r = check_subtree(n->rb_right, n);
	if (l < 0 || r < 0)
		return -1;
	if (l != r) {
		printk(KERN_ERR "rbtree: rule 3 broken at %p: black height %d "
				"on the left, %d on the right\n",
		       (const void *)n, l, r);
		return -1;
	}
	return l + (n->rb_color == RB_BLACK);
}

int rb_check(const struct rb_root *root)
{
	if (root->rb_node && root->rb_node->rb_color != RB_BLACK) {
		printk(KERN_ERR "rbtree: rule 1 broken: the root %p is red\n",
		       (const void *)root->rb_node);
		return -1;
	}
	return check_subtree(root->rb_node, NULL);
}
