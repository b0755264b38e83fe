/*
 * include/lib/rbtree.h: red-black trees, optionally augmented.
 *
 * A red-black tree is a binary search tree whose nodes are coloured so
 * that (1) the root is black, (2) a red node has no red child, and (3)
 * every path from a node down to a missing child crosses the same number
 * of black nodes. Together these keep the height below 2 log2(n + 1), so
 * search, insertion and removal are O(log n). (Guibas and Sedgewick 1978;
 * the fix-up cases follow Cormen et al., "Introduction to Algorithms",
 * chapter 13.)
 *
 * As in Linux (include/linux/rbtree.h), the tree does not know the keys:
 * the user descends it to find where a new node goes, links it with
 * rb_link_node(), then calls rb_insert() to rebalance:
 *
 *   struct rb_node **link = &root->rb_node, *parent = NULL;
 *   while (*link) {
 *           parent = *link;
 *           link = key < entry(parent)->key ? &parent->rb_left
 *                                           : &parent->rb_right;
 *   }
 *   rb_link_node(&new->node, parent, link);
 *   rb_insert(&new->node, root, NULL);
 *
 * An *augmented* tree keeps in every node a value computed from the node
 * and its two subtrees (mm/vmap_area.c: the largest free block below). The
 * tree keeps it right through rotations with two callbacks:
 *
 *   compute(n)     recompute n's value from n and its children; return
 *                  true if it changed
 *   copy(old, new) after a rotation, @new took @old's place at the top of
 *                  the same set of nodes: give it @old's value
 *
 * rb_propagate() recomputes from a node up to the root after the user
 * changed a node's own contribution (a free block grew or shrank).
 *
 * Not thread-safe: callers serialise (kvlab runs on one CPU).
 */
#ifndef KVLAB_LIB_RBTREE_H
#define KVLAB_LIB_RBTREE_H

#include <lib/compiler.h>
#include <lib/types.h>

enum rb_color { RB_RED, RB_BLACK };

struct rb_node {
	struct rb_node *rb_parent;
	struct rb_node *rb_left;
	struct rb_node *rb_right;
	enum rb_color rb_color;
};

struct rb_root {
	struct rb_node *rb_node;
};

#define RB_ROOT			    ((struct rb_root){ NULL })
#define rb_entry(ptr, type, member) container_of(ptr, type, member)
#define rb_entry_safe(ptr, type, member)                        \
	({                                                      \
		__typeof__(ptr) __rb_p = (ptr);                 \
		__rb_p ? rb_entry(__rb_p, type, member) : NULL; \
	})

struct rb_augment_callbacks {
	bool (*compute)(struct rb_node *node);
	void (*copy)(struct rb_node *old, struct rb_node *new_top);
};

/* rb_link_node - hang @node (red, no children) at *@link below @parent. */
static inline void rb_link_node(struct rb_node *node, struct rb_node *parent,
				struct rb_node **link)
{
	node->rb_parent = parent;
	node->rb_left = node->rb_right = NULL;
	node->rb_color = RB_RED;
	*link = node;
}

/*
 * rb_insert - rebalance after rb_link_node(). @aug: NULL for a plain tree;
 * for an augmented one, @node's value is computed here and propagated up.
 */
void rb_insert(struct rb_node *node, struct rb_root *root,
	       const struct rb_augment_callbacks *aug);

/* rb_erase - unlink @node and rebalance (augmented values kept right). */
void rb_erase(struct rb_node *node, struct rb_root *root,
	      const struct rb_augment_callbacks *aug);

/*
 * rb_propagate - @node's own contribution changed: recompute it and its
 * ancestors, stopping where a value does not change.
 */
void rb_propagate(struct rb_node *node, const struct rb_augment_callbacks *aug);

/* In-order walking. Return: the node, or NULL past either end. */
struct rb_node *rb_first(const struct rb_root *root);
struct rb_node *rb_last(const struct rb_root *root);
struct rb_node *rb_next(const struct rb_node *node);
struct rb_node *rb_prev(const struct rb_node *node);

/*
 * rb_check - verify the red-black rules and the parent links of @root.
 * Return: the black height (>= 1), or -1 after printing what is broken.
 */
int rb_check(const struct rb_root *root);

static inline bool rb_empty(const struct rb_root *root)
{
	return root->rb_node == NULL;
}

#endif
