/* libvirt's QEMU capability dumps (.replies files): a QMP conversation
 * recorded as a stream of pretty-printed JSON objects, command and reply
 * alternating, separated by one empty line (see doc/diagnostics.md
 * for the rules checked and the codes reported).
 *
 * Reading goes through a fast path that builds the value tree and proves
 * the text canonical in one pass; anything unusual falls back to the
 * grammar (src/parse.h), which re-synchronises after a syntax error at the
 * next entry so that one broken entry does not hide the rest. */
#ifndef QC_REPLIES_H
#define QC_REPLIES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/arena.h"
#include "base/buf.h"
#include "base/diag.h"
#include "base/source.h"
#include "dumps/validate.h"
#include "syntax/value.h"

typedef enum {
    QC_RENTRY_BROKEN,    /* could not be parsed (v is NULL) */
    QC_RENTRY_COMMAND,   /* object with "execute" */
    QC_RENTRY_REPLY,     /* object with "return" or "error" */
    QC_RENTRY_OTHER,     /* an object that is neither, or not an object */
} qc_rentry_kind;

/* The place an entry takes in the conversation, from its kind and the
 * strict alternation: an unreadable or odd entry takes the place that was
 * due, so that one bad entry does not shift every pair after it. */
typedef enum {
    QC_RROLE_COMMAND,
    QC_RROLE_REPLY,
    QC_RROLE_ORPHAN,     /* a reply where a command was due */
} qc_rentry_role;

typedef struct qc_rentry {
    qc_value *v;              /* NULL: a syntax error inside the entry */
    uint32_t start, end;      /* its text: first byte .. past the last */
    qc_rentry_kind kind : 8;
    qc_rentry_role role : 8;
    bool skimmed;             /* its "return" was checked, not kept */
    /* Index of its command or reply, or -1 (inputs are below 4 GiB:
     * fewer entries than that). */
    int32_t pair;
    const char *execute;      /* command name (replies: their command's) */
    const char *id;           /* its "id" when a string, else NULL */
    const struct qc_syntax_error *error;  /* for QC_RENTRY_BROKEN */
} qc_rentry;

typedef struct qc_replies {
    const qc_source *src;
    qc_rentry *e;
    size_t n;
    bool canonical;           /* the fast path proved the text canonical */
    size_t syntax_errors;     /* reported while reading */
} qc_replies;

/* What of a dump's replies to build (the rest is only checked: syntax,
 * canonical layout, no duplicate keys -- and stands as a JSON null in
 * the tree, the entry's SKIMMED set).  The first two are false and true:
 * "full". */
typedef enum {
    QC_REPLIES_SCHEMA,      /* of the returns, query-qmp-schema's only: all
                               that "replies check" needs without
                               --check-returns */
    QC_REPLIES_FULL,        /* everything */
    QC_REPLIES_ENTRIES,     /* no return: the entries, their commands and
                               ids (enough to tell a file is fixed) */
} qc_replies_mode;

/* Reads SRC (as loaded by qc_source_load, not NEWLINE-ensured), building
 * what MODE says.  Syntax errors are reported to D; the entries around
 * them are still read.  Never returns NULL.  SRC's text is changed while
 * reading (the scanner's NUL after a token) and restored before the
 * function returns. */
qc_replies *qc_replies_read(qc_arena *a, qc_source *src, qc_replies_mode mode,
                            qc_diag *d);

/* Reports the syntax errors of R to D again (as qc_replies_read did). */
void qc_replies_report_syntax(qc_arena *a, const qc_replies *r, qc_diag *d);

/* qc_replies_read with the grammar alone, as when the fast path declines
 * (QC_REPLIES_FULL, never canonical), for the tests that hold the two readers
 * against each other: wherever the fast path accepts a text, both must
 * give the same entries with the same trees. */
qc_replies *qc_replies_read_slow(qc_arena *a, qc_source *src, qc_diag *d);

/* "entry 12, reply to 'query-kvm' (libvirt-6)": how messages name entry I
 * (1-based in the text).  Allocated from A. */
const char *qc_replies_label(qc_arena *a, const qc_replies *r, size_t i);

/* Index of the first successful reply to COMMAND, or -1. */
long qc_replies_find(const qc_replies *r, const char *command);

typedef struct qc_replies_opts {
    qc_validate_opts validate;  /* for executed commands */
    bool check_returns;         /* validate successful replies too */
} qc_replies_opts;

/* Every check of a dump: format, conversation, schema, commands.
 * Returns the number of problems reported to D (syntax errors found by
 * qc_replies_read not included). */
size_t qc_replies_check(qc_arena *a, qc_replies *r, const qc_replies_opts *o,
                        qc_diag *d);

/* True when qc_replies_render_fixed would give back R's text unchanged:
 * the fast reader proved it canonical and every pair already has the id
 * libvirt's numbering gives it.  Works on a skimmed read too. */
bool qc_replies_is_fixed(const qc_replies *r);

/* Renders R canonically, with the ids renumbered as libvirt numbers them,
 * into OUT.  Returns false (OUT unspecified) after reporting why the file
 * cannot be rewritten safely: syntax errors, entries that are not a
 * command/reply pair of objects, duplicate keys. */
bool qc_replies_render_fixed(qc_arena *a, qc_replies *r, qc_buf *out,
                             qc_diag *d);

/* The same in three steps, for a dump too large to render whole:
 * qc_replies_prepare_fixed() checks (as above) and renumbers R;
 * qc_replies_fixed_differs() then tells whether the rendering differs
 * from R's text, and *AT where it starts to; qc_replies_write_fixed() is
 * a qc_output_producer (base/output.h) of the rendering, for CTX R. */
bool qc_replies_prepare_fixed(qc_arena *a, qc_replies *r, qc_diag *d);
bool qc_replies_fixed_differs(const qc_replies *r, size_t *at);
bool qc_replies_write_fixed(void *ctx, bool (*write)(void *, const char *, size_t),
                            void *wctx);

#endif
