/* What the replies_*.c files share, and nothing else includes: reading
 * (replies_fast.c, replies_read.c), checks (replies_check.c,
 * replies_format.c) and rewriting (replies_fix.c) of capability dumps. */
#ifndef QC_REPLIES_INT_H
#define QC_REPLIES_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "dumps/replies.h"

/* Growable array of entries (malloc), copied into the arena at the end. */
/* The entries read so far, in an array of qc_arena_grow of arena A (a
 * large one grows in place: a dump of small entries has many). */
struct qc_rentvec {
    qc_arena *a;
    qc_rentry *e;
    size_t n, cap;
};

/* A new, zeroed entry with no pair. */
qc_rentry *qc_rentvec_push(struct qc_rentvec *v);

/* The fast path: one pass that builds the value tree and at the same time
 * proves that the text of SRC is exactly its canonical rendering.  False
 * (and no entries) when it is not, or is not plain enough: the caller
 * then reads with the grammar.  MODE as for qc_replies_read. */
bool qc_replies_fast_read(qc_arena *a, const qc_source *src,
                          struct qc_rentvec *ents, qc_replies_mode mode);

/* One run of the checks over a dump. */
typedef struct qc_rcheck {
    qc_arena *a;
    qc_replies *r;
    qc_diag *d;                 /* NULL: count, do not report */
    size_t problems;
} qc_rcheck;

/* Whether a report would be dropped (no sink, or its error limit
 * reached): QC_RREPORT then counts the problem without even formatting
 * its message (a dump of a million bad entries has a million). */
static inline bool qc_rcheck_quiet(const qc_rcheck *c)
{
    return !c->d || qc_diag_limit_reached(c->d);
}

#define QC_RREPORT(c, loc, code, ...) \
    ((c)->problems++, qc_rcheck_quiet(c) ? (qc_diagnostic *)NULL \
                      : qc_error((c)->d, (loc), (code), __VA_ARGS__))

static inline qc_loc qc_rcheck_at(const qc_rcheck *c, uint32_t off)
{
    return qc_loc_make(c->r->src, off);
}

/* How messages name entry I. */
static inline const char *qc_rcheck_label(qc_rcheck *c, size_t i)
{
    return qc_replies_label(c->a, c->r, i);
}

/* Duplicate keys anywhere in V, the value of entry ENTRY: reported (unless
 * C->d is NULL) and counted. */
size_t qc_replies_dup_keys(qc_rcheck *c, size_t entry, const qc_value *v,
                           unsigned depth);

/* The layout: separators between entries, and each entry's text against
 * its canonical rendering. */
void qc_replies_check_format(qc_rcheck *c);

#endif
