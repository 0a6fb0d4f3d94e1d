/* The YAML of a rule file as a compact tree, read in one pass over
 * libyaml's events that also enforces the limits of rule files (rules.h)
 * and reports YAML's own errors as libyaml's document loader words them.
 *
 * A node takes 16 bytes: nodes live in one array and name each other by
 * index (0: none), a collection its first item, each item the next one.
 * An alias is a node of its own that names the node it repeats (as
 * libyaml's loader resolves it, so a collection may hold itself), which
 * keeps every node in exactly one list.  Locations are byte offsets,
 * converted from libyaml's marks (which count characters) as the events
 * arrive, in the order of the text. */
#ifndef QC_YAML_TREE_H
#define QC_YAML_TREE_H

#include <stdbool.h>
#include <stdint.h>

#include "base/arena.h"
#include "base/diag.h"
#include "base/source.h"

typedef enum {
    QC_YT_SCALAR,
    QC_YT_SEQUENCE,
    QC_YT_MAPPING,              /* items: key, value, key, value... */
    QC_YT_ALIAS,
} qc_yt_kind;

typedef struct qc_yt_node {
    uint32_t off;               /* byte offset of its start in the source */
    uint32_t kind : 2;          /* qc_yt_kind */
    uint32_t plain : 1;         /* a scalar written plain (neither quoted nor a block) */
    uint32_t n : 29;            /* scalar: bytes of text; collection: items */
    uint32_t next;              /* the next item of its collection */
    uint32_t data;              /* scalar: offset of its text in the tree's text;
                                   collection: its first item; alias: what it repeats */
} qc_yt_node;

/* What a problem of YAML (syntax, alias, anchor) says, for reporting
 * after the rules of the first document. */
typedef struct qc_yt_problem {
    bool set, reader;           /* reader: a bad byte, no context */
    const char *problem, *context;
    uint32_t problem_off, context_off;
} qc_yt_problem;

typedef struct qc_yt_tree {
    const qc_source *src;
    qc_yt_node *nodes;          /* nodes[0] is no node */
    char *text;                 /* the scalars' texts, each NUL-terminated */
    uint32_t root;              /* the first document's, 0: none */
    /* After the first document: the second one (libyaml's loader reads
     * no further), its start and its problem if any. */
    bool second;
    uint32_t second_off;
    qc_yt_problem second_problem;
} qc_yt_tree;

/* Reads SRC into T.  Returns false after reporting to D a limit passed
 * anywhere in the file or a YAML problem in its first document (T then
 * holds nothing to free).  Otherwise T must be freed with qc_yt_free. */
bool qc_yt_load(qc_arena *a, qc_diag *d, const qc_source *src, qc_yt_tree *t);

/* Reports a YAML problem in the second document, or else that there is
 * one; false if it reported anything. */
bool qc_yt_check_rest(qc_diag *d, const qc_yt_tree *t);

void qc_yt_free(qc_yt_tree *t);

/* The node at index I, an alias replaced by the node it repeats. */
static inline const qc_yt_node *qc_yt_get(const qc_yt_tree *t, uint32_t i)
{
    const qc_yt_node *n = &t->nodes[i];
    return n->kind == QC_YT_ALIAS ? &t->nodes[n->data] : n;
}

/* The text of scalar N (which may hold NUL characters: N->n bytes). */
static inline const char *qc_yt_text(const qc_yt_tree *t, const qc_yt_node *n)
{
    return t->text + n->data;
}

#endif
