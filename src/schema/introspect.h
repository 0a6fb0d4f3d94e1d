/* Introspection: the value QEMU's query-qmp-schema command returns for a
 * schema, generated from the schema model the way QEMU's generator does
 * (see ../shared/reference/qapi-language.md §4): commands and events first
 * in module order, then the types they use in first-use order; type names
 * masked as decimal numbers numbered over the whole schema (conditions
 * ignored), so compiled-out items leave gaps. */
#ifndef QC_INTROSPECT_H
#define QC_INTROSPECT_H

#include <stdbool.h>
#include <stddef.h>

#include "base/arena.h"
#include "base/diag.h"
#include "base/output.h"
#include "schema/options.h"
#include "syntax/value.h"

typedef enum {
    QC_KEY_ORDER_SORTED,   /* keys sorted, as the corpus' expected files */
    QC_KEY_ORDER_QEMU,     /* QEMU's QDict order on the wire (tdb_hash) */
} qc_key_order;

typedef struct qc_introspect_opts {
    bool unmask;               /* real type names (--unmask-non-abi-names) */
    /* Conditions: either all true, or true exactly for the SYMBOLS given
     * (a defined symbol is true, any other false). */
    bool all_conditions_true;
    const char *const *symbols;
    size_t nsymbols;
    qc_key_order key_order;
} qc_introspect_opts;

#define QC_INTROSPECT_OPTS_DEFAULT { false, false, NULL, 0, QC_KEY_ORDER_SORTED }

struct qc_schema;

/* The SchemaInfo array of a checked schema, allocated from A. */
qc_value *qc_introspect(qc_arena *a, const struct qc_schema *schema,
                        const qc_introspect_opts *o);

/* Writes that array as qc_json_write at level 0 with an indent of 2 and
 * a newline would, a piece at a time to WRITE (base/output.h): each entry
 * is made, written and forgotten, so that the text and the tree of a
 * large schema's are never held whole.  False once WRITE failed. */
bool qc_introspect_write(const struct qc_schema *schema,
                         const qc_introspect_opts *o,
                         qc_output_piece_fn *write, void *wctx);

/* Loads, checks and introspects the schema at PATH.  Returns NULL after
 * reporting; *IO_ERROR (may be NULL) tells an unreadable file from a bad
 * one. */
qc_value *qc_introspect_file(qc_arena *a, qc_diag *d, const qc_options *opts,
                             const char *path, const qc_introspect_opts *o,
                             bool *io_error);

/* QEMU's QDict bucket of KEY: tdb_hash(KEY) % 512. */
unsigned qc_qdict_bucket(const char *key);

/* Reorders the members of every object in V (recursively) in place. */
void qc_introspect_order_keys(qc_value *v, qc_key_order order);

#endif
