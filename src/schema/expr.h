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

/* Checks every definition of AST, noting the kind of those that pass
 * (qc_expr_meta).  Returns false after reporting errors. */
bool qc_check_exprs(qc_arena *a, qc_diag *d, const qc_options *o,
                    qc_schema_ast *ast);

/* The kinds of definition, by their key (qc_expr.meta_ - 1). */
extern const char *const qc_expr_metas[6];

/* "enum", "struct", "union", "alternate", "command" or "event" when X
 * is a definition that passed the expression checks, else NULL. */
static inline const char *qc_expr_meta(const qc_expr *x)
{
    return x->meta_ ? qc_expr_metas[x->meta_ - 1] : NULL;
}

/* The name of definition X, which passed the checks, else NULL. */
static inline const char *qc_expr_name(const qc_expr *x)
{
    if (!x->meta_)
        return NULL;
    if (x->name_member_)
        return qc_obj_at(&x->value, x->name_member_ - 1)->value.u.str.s;
    return qc_obj_get_str(&x->value, qc_expr_meta(x));
}

#endif
