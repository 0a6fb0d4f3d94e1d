/* Expression checks: QEMU's check_exprs() over the loader's top-level
 * expressions.  Checks each definition's shape (meta key, names, doc
 * pairing, keys, members, conditions, features, flags) without looking
 * at other definitions; cross-definition checks are the schema model's
 * (schema/check.c).  Keeps checking further expressions after an error, until
 * the diagnostic limit is reached; the first error is QEMU's. */
#ifndef QC_EXPR_H
#define QC_EXPR_H

#include <stdbool.h>

#include "base/arena.h"
#include "base/diag.h"
#include "schema/loader.h"
#include "schema/options.h"

/* What the checker learnt about one definition. */
typedef struct qc_defn {
    const qc_expr *expr;
    const char *meta;     /* "enum", "struct", "union", "alternate",
                             "command", "event" */
    const char *name;
} qc_defn;

/* Checks every definition of AST and sets *DEFNS to an arena array
 * parallel to AST->exprs (entries for include directives and for rejected
 * definitions are NULL).  Returns false after reporting errors. */
bool qc_check_exprs(qc_arena *a, qc_diag *d, const qc_options *o,
                    const qc_schema_ast *ast, qc_defn ***defns);

#endif
